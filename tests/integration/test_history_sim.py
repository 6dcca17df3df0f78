"""History and extended logs filled from a real poll loop on the simulator, then read back as CSV.

The poller polls the simulated MASTERYS 3/3 over a pseudo-terminal; the history sampler and the
extended aggregator run on a clock 30 times faster than real time (history every 30 s = 1 s real,
extended every minute = 2 s real). Checks: history points equal committed snapshots, each
extended record is exactly min/max/avg of the poll cycles it covered, a load change on the
simulator shows in the logs, and the CSV export parses back to the same values.
"""

from __future__ import annotations

import asyncio
import csv
import io
import time

import pytest

from firmware.card import features
from firmware.clock.calendar import format_time
from firmware.settings.config import Config
from firmware.state.bus import EventBus
from firmware.logs.samplers import ExtendedAggregator, HistorySampler
from firmware.logs.logs import UPS_FIELDS, Logs, extract, to_fixed
from firmware.state.ups import UpsState
from firmware.ups.poller import Poller
from firmware.hal.serial_port import SerialTransport
from tests.simharness import start_sim
from tests.unit.fakeclock import FastClock

DEADLINE_S = 60.0


async def until(cond, what: str, timeout: float = DEADLINE_S) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"{what}: not reached in {timeout}s")
        await asyncio.sleep(0.05)


def fixed(values: list) -> list:
    return [to_fixed(v, row[2]) for v, row in zip(values, UPS_FIELDS)]


def expected_stats(samples: list[list]) -> list:
    """min/max/avg per field over the given snapshots, in stored fixed point."""
    out = []
    for i, row in enumerate(UPS_FIELDS):
        seen = [s[i] for s in samples if s[i] is not None]
        if not seen:
            out.append([to_fixed(None, row[2])] * 3)
        else:
            out.append([to_fixed(min(seen), row[2]), to_fixed(max(seen), row[2]),
                        to_fixed(sum(seen) / len(seen), row[2])])
    return out


def stored_stats(rec: dict) -> list:
    return [[to_fixed(rec[row[0]][k], row[2]) for k in ("min", "max", "avg")] for row in UPS_FIELDS]


@pytest.mark.timeout(180)
def test_logs_fill_from_the_simulator_and_csv_reads_back(tmp_path):
    with start_sim(tmp_path, profile="masterys-33", baud=57600) as sim:
        cfg = Config(features.schema())
        cfg.update({"poll.rate": 0, "serial.baud": "57600", "serial.mapping": "jbusp"})
        state = UpsState()
        bus = EventBus(history=256)
        (tmp_path / "logs").mkdir()
        logs = Logs(str(tmp_path / "logs"), bus)
        clock = FastClock(30)
        transport = SerialTransport(sim.link)
        poller = Poller(cfg, state, bus, transport)
        sampler = HistorySampler(state, logs, clock, interval_s=30)
        commits: list[list] = []      # every snapshot the aggregator saw, in order
        extended = None

        async def body() -> None:
            nonlocal extended
            tasks = [asyncio.create_task(poller.run())]
            try:
                await until(lambda: not state.stale, "first good poll cycle")
                # Made on live data; the recorder subscribes in the same step, so both see the
                # same cycles from here on.
                extended = ExtendedAggregator(state, logs, clock, interval_min=1)
                state.subscribe(lambda st, changed: None if st.stale else commits.append(
                    extract(UPS_FIELDS, st.values())))
                tasks += [asyncio.create_task(sampler.run()), asyncio.create_task(extended.run())]
                await until(lambda: extended.written >= 1, "first extended record")
                await asyncio.to_thread(sim.set, load=73)
                await until(lambda: extended.written >= 3 and sampler.written >= 6,
                            "three extended records and six history points")
            finally:
                for t in tasks:
                    t.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                transport.close()

        asyncio.run(body())

    snapshots = [fixed(c) for c in commits]
    history = logs.query("history", per_page=100)["records"][::-1]
    assert len(history) == sampler.written
    for rec in history:
        point = fixed([rec[row[0]] for row in UPS_FIELDS])
        assert point in snapshots, (rec, snapshots[-3:])
    assert history[0]["output.L1.power.percent"] == 35
    assert history[-1]["output.L1.power.percent"] == 73
    assert history[-1]["input.L1-N.voltage"] == 230 and history[-1]["input.L3-N.voltage"] == 230

    ext = logs.query("extended", per_page=100)["records"][::-1]
    assert len(ext) == extended.written
    offset = 0
    for rec in ext:  # each record is exactly the cycles it covered, in order
        part = commits[offset:offset + rec["samples"]]
        offset += rec["samples"]
        assert stored_stats(rec) == expected_stats(part), rec
        assert 0.7 * 60 <= rec["end"] - rec["start"] <= 3 * 60, rec
    assert offset + extended.samples == len(commits)
    loads = [r["output.L1.power.percent"] for r in ext]
    assert loads[0]["max"] == 35 and loads[-1]["min"] == 73, loads

    rows = list(csv.reader(io.StringIO("".join(logs.csv_lines("history")), newline="")))
    assert len(rows) == len(history) + 1
    for rec, row in zip(history, rows[1:]):
        cells = dict(zip(rows[0], row))
        assert cells["Date time"] == format_time(rec["time"])
        for r in UPS_FIELDS[:12]:
            value = rec[r[0]]
            assert (cells[r[1]] == "") if value is None else float(cells[r[1]]) == value, r
    rows = list(csv.reader(io.StringIO("".join(logs.csv_lines("extended")), newline="")))
    assert len(rows) == len(ext) + 1
    last = dict(zip(rows[0], rows[-1]))
    assert float(last["Output Load R (%) Min"]) == 73
    assert last["End time"] == format_time(ext[-1]["end"])
    logs.close()
