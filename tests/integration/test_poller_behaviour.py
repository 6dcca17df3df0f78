"""Poller against the simulator: scenarios, line faults, comm lost/restored, commands.

The simulator runs at 57600 baud with an accelerated clock; every check waits on a condition with
a deadline.
"""

from __future__ import annotations

import asyncio

import pytest

from firmware.ups.commands import CommandError
from tests.integration.test_poller_rig import Rig, run
from tests.simharness import start_sim

# scenario -> NUT ups.status tokens it must bring (then "normal" must take them away again).
SCENARIOS = (
    ("mains-failure", {"OB", "DISCHRG"}),
    ("low-battery", {"OB", "LB"}),
    ("overload", {"OVER"}),
    ("battery-test", {"CAL"}),
    ("bypass", {"BYPASS"}),
)


@pytest.mark.timeout(120)
def test_a_slow_poll_rate_does_not_slow_finding_the_ups(tmp_path):
    async def body(sim):
        rig = Rig(sim, poll__rate=60)
        try:
            await rig.sim_call("fault", silence=True)   # no UPS answers at first
            rig.task = asyncio.create_task(rig.poller.run())
            await rig.until(lambda: rig.poller.status()["counters"]["detections_failed"] >= 1,
                            what="a detection round that finds nothing")
            await rig.sim_call("fault")             # the UPS answers from now on
            await rig.until(lambda: not rig.state.stale, timeout=15,
                            what="the UPS found again within seconds, not a 60 s poll period")
        finally:
            await rig.close()

    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
        run(body, sim)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("profile", ["netys-rt", "modulys-gp2"])
def test_scenarios_reach_ups_status(tmp_path, profile):
    async def body(sim):
        rig = Rig(sim)
        try:
            await rig.start()
            assert "OL" in rig.status_tokens()
            for name, tokens in SCENARIOS:
                await rig.sim_call("scenario", name)
                await rig.until(lambda: tokens <= rig.status_tokens(), what=f"{name} -> {tokens}")
                await rig.sim_call("scenario", "normal")
                await rig.until(lambda: not (tokens - {"OL"}) & rig.status_tokens()
                                and "OL" in rig.status_tokens(), what=f"{name} cleared")
            # Every status and alarm keeps its acronym and level from the map.
            await rig.sim_call("scenario", "mains-failure")
            await rig.until(lambda: "OB" in rig.status_tokens(), what="on battery again")
            for acronym, (level, text) in rig.state.alarms.items():
                row = [r for r in rig.poller.map.ALARMS if r[0] == acronym][0]
                assert (level, text) == (row[3], row[4])
            assert rig.state.get("ups.alarm")
        finally:
            await rig.close()

    with start_sim(tmp_path, profile=profile, baud=57600, accel=20.0) as sim:
        run(body, sim)


@pytest.mark.timeout(120)
def test_noisy_line_keeps_data_fresh(tmp_path):
    """CRC errors, lost answers and noise are absorbed by the Master's retries."""
    async def body(sim):
        rig = Rig(sim, poll__stale_after=3)
        try:
            await rig.start()
            for fault, counter in (({"crc_error_rate": 0.2}, "crc"),
                                   ({"timeout_rate": 0.2}, "timeouts"),
                                   ({"noise_bytes": 5}, "noise_bytes")):
                before = rig.poller.master.status()[counter]
                await rig.sim_call("fault", **fault)
                await rig.until(lambda: rig.poller.master.status()[counter] > before,
                                what=f"{fault} seen by the master")
                await rig.fresh(f"cycles under {fault}")
                await rig.sim_call("fault")
            assert not rig.state.stale
            assert rig.events("comm.lost") == []
        finally:
            await rig.close()

    with start_sim(tmp_path, profile="netys-rt", baud=57600, seed=7) as sim:
        run(body, sim)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("fault", ["silence", "wrong_slave"])
def test_lost_then_restored(tmp_path, fault):
    async def body(sim):
        rig = Rig(sim, poll__stale_after=2)
        try:
            await rig.start()
            await rig.until(lambda: rig.events("ups.connected"), what="UPS connected event")
            await rig.sim_call("fault", **{fault: True})
            await rig.until(lambda: rig.state.stale, what="stale after a dead line")
            lost = rig.events("comm.lost")
            assert len(lost) == 1 and lost[0]["source"] == "card" and lost[0]["level"] == "W"
            assert lost[0]["text"] == "UPS communication lost"
            assert [e["text"] for e in rig.events("ups.disconnected")] == ["UPS not connected"]
            # Stale data is kept for display and refuses commands.
            assert rig.state.get("device.model") == "NETYS RT"
            assert rig.poller.commands() == []
            with pytest.raises(CommandError, match="no current data"):
                await rig.poller.command("beeper.mute")
            await rig.sim_call("fault")
            await rig.until(lambda: not rig.state.stale, what="fresh again after the fault cleared")
            restored = rig.events("comm.restored")
            assert len(restored) == 1 and restored[0]["level"] == "I"
            assert restored[0]["text"] == "UPS communication restored"
            assert len(rig.events("ups.connected")) == 2
            assert rig.poller.status()["counters"]["detections"] >= 2
        finally:
            await rig.close()

    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
        run(body, sim)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("profile", ["netys-rt", "modulys-gp2"])
def test_commands_reach_the_ups(tmp_path, profile):
    async def body(sim):
        rig = Rig(sim)
        try:
            await rig.start()
            assert "bypass.start" in rig.poller.commands()
            await rig.poller.command("bypass.start")
            await rig.until(lambda: "BYPASS" in rig.status_tokens(), what="load on bypass")
            st = await rig.sim_call("state")
            assert "bypass.start" in st["commands_done"]
            texts = [e["text"] for e in rig.bus.recent if e["code"] == "cmd.bypass.start"]
            assert texts == ["Transfer Load to Bypass"]
            await rig.poller.command("bypass.stop")
            await rig.until(lambda: "BYPASS" not in rig.status_tokens(),
                            what="load back on inverter")
            await rig.poller.command("test.battery.start")
            await rig.until(lambda: "CAL" in rig.status_tokens(), what="battery test running")
            await rig.poller.command("test.battery.stop")
            await rig.until(lambda: "CAL" not in rig.status_tokens(), what="battery test stopped")
            with pytest.raises(CommandError, match="not a command of this UPS"):
                await rig.poller.command("no.such.command")
            with pytest.raises(CommandError, match="takes no value"):
                await rig.poller.command("bypass.start", 30)
        finally:
            await rig.close()

    with start_sim(tmp_path, profile=profile, baud=57600) as sim:
        run(body, sim)


@pytest.mark.timeout(120)
def test_commands_refused_when_remote_controls_disabled(tmp_path):
    async def body(sim):
        rig = Rig(sim)
        try:
            await rig.start()
            await rig.sim_call("set", remote_disabled=True)
            await rig.until(lambda: "S06" in rig.state.statuses, what="remote controls disabled")
            assert rig.poller.commands() == ["beeper.mute"]
            writes = rig.poller.master.status()["requests"]
            with pytest.raises(CommandError, match="remote controls disabled"):
                await rig.poller.command("bypass.start")
            st = await rig.sim_call("state")
            assert st["commands_done"] == [] and st["physics"]["mode"] == "online"
            assert rig.poller.status()["counters"]["commands_refused"] == 1
            # Alarm acknowledgement is "always present" (manual §12.7.1): the card sends it and
            # the UPS has the last word; this one refuses it while remote controls are disabled.
            with pytest.raises(CommandError, match="refused by the UPS"):
                await rig.poller.command("beeper.mute")
            assert rig.poller.master.status()["requests"] > writes
            await rig.sim_call("set", remote_disabled=False)
            await rig.until(lambda: "S06" not in rig.state.statuses, what="remote controls enabled")
            await rig.poller.command("beeper.mute")
            assert "beeper.mute" in (await rig.sim_call("state"))["commands_done"]
        finally:
            await rig.close()

    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
        run(body, sim)


@pytest.mark.timeout(120)
def test_configured_command_override_and_ups_clock(tmp_path):
    async def body(sim):
        # bypass.start re-pointed at the code of test.battery.start: the override is what is sent.
        rig = Rig(sim, poll__commands=["bypass.start=0x1500:0x0001"])
        try:
            await rig.start()
            await rig.poller.command("bypass.start")
            await rig.until(lambda: "CAL" in rig.status_tokens(), what="override sent")
            epoch = 1767225600 + 3 * 3600 + 4 * 60 + 5      # 2026-01-01 03:04:05 UTC
            await rig.poller.set_ups_clock(epoch)
            await rig.until(lambda: rig.state.get("ups.date") == "2026/01/01",
                            what="UPS clock written and read back")
            assert rig.state.get("ups.time", "")[:5] == "03:04"
        finally:
            await rig.close()

    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
        run(body, sim)
