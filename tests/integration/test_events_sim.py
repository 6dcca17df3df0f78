"""Events from a simulated UPS: the simulator on a pseudo-terminal, the poller, the event engine.

A mains failure, a battery running low and the mains coming back must give the UPS log's events
in order, with the map levels and the manual's texts, timestamped by the card clock; the alarm
table must follow. "Update Now" must write the card's local time into the simulated UPS clock.
"""

from __future__ import annotations

import time

from firmware.events.alarms import AlarmTable
from firmware.clock.calendar import epoch_of
from firmware.clock.clock import Clock
from firmware.events.engine import EventEngine
from firmware.clock.timesync import TimeSync
from tests.integration.test_poller_rig import Rig, run
from tests.simharness import start_sim


def flag_events(bus, since: int = 0) -> list[tuple]:
    return [(e["code"], e["state"], e["level"], e["text"])
            for e in bus.recent[since:] if e.get("kind") in ("status", "alarm")]


def check_commit_order(events: list[dict]) -> None:
    """Within one poll (one timestamp): removals first, then additions C before W before I."""
    rank = {"C": 0, "W": 1, "I": 2}
    by_time: dict[float, list[dict]] = {}
    for e in events:
        by_time.setdefault(e["time"], []).append(e)
    for group in by_time.values():
        keys = [(e["state"] == "added", rank[e["level"]] if e["state"] == "added" else 0)
                for e in group]
        assert keys == sorted(keys), [(e["code"], e["state"], e["level"]) for e in group]


def test_mains_failure_events_in_order(tmp_path):
    with start_sim(tmp_path, profile="netys-rt") as sim:
        async def body() -> None:
            rig = Rig(sim)
            clock = Clock(zone=1, dst="auto", bus=rig.bus)
            engine = EventEngine(rig.state, rig.bus, clock)
            table = AlarmTable(rig.bus, clock)
            await rig.start()
            await rig.until(lambda: ("S03", "added", "I", "Load protected by Inverter")
                            in flag_events(rig.bus), what="inverter status at start")
            assert table.count() == 0, table.status()
            mark = len(rig.bus.recent)

            await rig.sim_call("scenario", "mains-failure")
            await rig.until(lambda: ("S05", "added", "W", "Operating on Battery")
                            in flag_events(rig.bus, mark), what="on-battery event")
            failure = flag_events(rig.bus, mark)
            # The UPS may raise these over two polls: each poll's events are in order (below).
            assert {("S02", "removed", "I", "Rectifier ON"),
                    ("A00", "added", "W", "General Alarm"),
                    ("A05", "added", "W", "Rectifier Input Supply not OK"),
                    ("A06", "added", "W", "Bypass Input Supply not OK"),
                    ("S05", "added", "W", "Operating on Battery")} <= set(failure), failure
            assert not any(code == "S09" for code, *_ in failure), "level-less row logged"
            st = table.status()
            assert st["general"] and st["count"] == len(
                [a for a, f in rig.state.alarms.items() if f[0]]), st
            mark = len(rig.bus.recent)

            await rig.sim_call("set", battery_charge=4.0)
            await rig.until(lambda: ("A31", "added", "C", "UPS Imminent Stop")
                            in flag_events(rig.bus, mark), what="imminent stop")
            low = flag_events(rig.bus, mark)
            await rig.until(lambda: ("S15", "added", "C", "End of Backup Time / Battery Low")
                            in flag_events(rig.bus, mark), what="battery low")
            assert table.status()["last"]["code"] == "A31"
            mark = len(rig.bus.recent)

            await rig.sim_call("set", battery_charge=90.0)
            await rig.sim_call("scenario", "mains-return")
            await rig.until(lambda: ("S05", "removed", "W", "Operating on Battery")
                            in flag_events(rig.bus, mark), what="back on mains")
            await rig.until(lambda: table.count() == 0, what="alarm table empty")
            back = flag_events(rig.bus, mark)
            assert ("A31", "removed", "C", "UPS Imminent Stop") in back, back
            assert ("A00", "removed", "W", "General Alarm") in back, back

            # The engine's view equals the committed flags that have a level.
            expected = sorted((0, kind, acr, flag[0]) for kind, flags in
                              (("status", rig.state.statuses), ("alarm", rig.state.alarms))
                              for acr, flag in flags.items() if flag[0])
            assert [a[:4] for a in engine.active()] == expected
            # Card clock timestamps, in order.
            flagged = [e for e in rig.bus.recent if e.get("kind") in ("status", "alarm")]
            times = [e["time"] for e in flagged]
            assert times == sorted(times) and abs(times[-1] - clock.now()) < 60
            check_commit_order(flagged)
            await rig.close()

        run(body)


def test_update_now_writes_the_card_local_time_to_the_ups(tmp_path):
    with start_sim(tmp_path, profile="netys-rt") as sim:
        async def body() -> None:
            rig = Rig(sim)
            clock = Clock(zone=1, dst="auto", bus=rig.bus)
            sync = TimeSync(clock, rig.bus, ups=rig.poller, state=rig.state, sync_ups=True)
            await rig.start()

            # Setting the card time writes it to the UPS on its own (Synchronise UPS enabled).
            target = epoch_of(2030, 6, 1, 12, 0, 0)            # 14:00 in Paris summer time
            clock.set_utc(target + (time.time() % 1), via="user")
            local = epoch_of(2030, 6, 1, 14, 0, 0)
            await rig.until(lambda: abs(sim.state()["clock"] - local) < 30,
                            what="UPS clock set to the card's local time")
            await rig.until(lambda: rig.state.get("ups.date") == "2030/06/01",
                            what="UPS date read back by the poller")
            assert sync.ups_clock()["date"] == "2030/06/01"
            assert sync.ups_writes == 1 and sync.ups_error is None

            # With Synchronise UPS off, a new card time stays on the card until "Update Now".
            sync.configure(sync_ups=False)
            clock.set_utc(epoch_of(2031, 1, 15, 8, 0, 0), via="user")    # 09:00 in Paris winter
            await rig.fresh()
            assert abs(sim.state()["clock"] - local) < 60, "written without Synchronise UPS"
            assert await sync.update_ups_now() is True
            assert abs(sim.state()["clock"] - epoch_of(2031, 1, 15, 9, 0, 0)) < 30
            await rig.until(lambda: rig.state.get("ups.date") == "2031/01/15",
                            what="new UPS date read back")
            assert sync.ups_writes == 2
            await rig.close()

        run(body)
