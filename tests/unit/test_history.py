"""Unit tests for firmware/logs/samplers.py: sampling, stale skipping, extended min/max/avg."""

import unittest

try:
    import asyncio
except ImportError:  # pragma: no cover
    import uasyncio as asyncio  # type: ignore

from firmware.platform import compat
from firmware.state.bus import EventBus
from fakeclock import FastClock
from firmware.logs.samplers import ExtendedAggregator, HistorySampler
from firmware.logs.logs import Logs
from firmware.state.ups import UpsState
from tmpdirs import make_dir, remove_dir

PORTABLE = True

T0 = 1763700000


def commit(state, values, mapping="jbusp", now=None):
    state.begin()
    for k in list(state.values()):
        state.delete(k)
    for k, v in values.items():
        state.set(k, v)
    state.set_device({"mapping": mapping})
    state.commit(now)


async def wait_until(cond, what, timeout_ms=20000):
    start = compat.ticks_ms()
    while not cond():
        if compat.ticks_diff(compat.ticks_ms(), start) > timeout_ms:
            raise AssertionError("timed out waiting for " + what)
        await asyncio.sleep(0.01)


class HistoryTest(unittest.TestCase):
    def setUp(self):
        self.dir = make_dir("history")
        self.logs = Logs(self.dir, EventBus())
        self.state = UpsState()

    def tearDown(self):
        self.logs.close()
        remove_dir(self.dir)

    def test_sampler_skips_until_fresh_and_while_stale(self):
        sampler = HistorySampler(self.state, self.logs, FastClock(1, T0))
        self.assertIsNone(sampler.sample())
        commit(self.state, {"input.voltage": 230, "battery.charge": 99})
        self.assertEqual(sampler.sample(), 1)
        self.state.mark_stale()
        self.assertIsNone(sampler.sample())
        self.assertEqual((sampler.written, sampler.skipped), (1, 2))
        rec = self.logs.query("history")["records"][0]
        self.assertEqual((rec["input.L1-N.voltage"], rec["battery.charge"]), (230, 99))

    def test_sts_device_samples_into_sts_history(self):
        sampler = HistorySampler(self.state, self.logs, FastClock(1, T0))
        commit(self.state, {"input.1.voltage": 398, "input.2.voltage": 402}, mapping="sts")
        sampler.sample()
        rec = self.logs.query("sts_history")["records"][0]
        self.assertEqual((rec["input.1.L1-N.voltage"], rec["input.2.L1-N.voltage"]), (398, 402))
        self.assertEqual(len(self.logs.log("history")), 0)

    def test_extended_uses_every_poll_cycle(self):
        ext = ExtendedAggregator(self.state, self.logs, FastClock(1, T0))
        ext.start = T0
        series = (230, 229, 251, 231, 230)   # the spike 251 falls between two history points
        for i, v in enumerate(series):
            commit(self.state, {"input.voltage": v, "input.frequency": 50.0 - i * 0.01,
                                "battery.charge": 100 - i})
        self.state.mark_stale()              # a stale flip is not a sample
        self.assertEqual(ext.samples, 5)
        self.assertEqual(ext.flush(T0 + 3600), 1)
        rec = self.logs.query("extended")["records"][0]
        self.assertEqual((rec["start"], rec["end"], rec["samples"]), (T0, T0 + 3600, 5))
        self.assertEqual(rec["input.L1-N.voltage"], {"min": 229, "max": 251, "avg": 234.2})
        self.assertEqual(rec["input.frequency"], {"min": 49.96, "max": 50.0, "avg": 49.98})
        self.assertEqual(rec["battery.charge"], {"min": 96, "max": 100, "avg": 98})
        self.assertEqual(rec["input.L2-N.voltage"], {"min": None, "max": None, "avg": None})
        self.assertEqual(ext.samples, 0)
        self.assertEqual(ext.start, T0 + 3600)

    def test_extended_writes_nothing_for_an_empty_period_and_ignores_sts(self):
        ext = ExtendedAggregator(self.state, self.logs, FastClock(1, T0))
        self.assertIsNone(ext.flush())
        commit(self.state, {"input.1.voltage": 400}, mapping="sts")
        self.assertIsNone(ext.flush())
        self.assertEqual(len(self.logs.log("extended")), 0)

    def test_intervals_are_shown_in_the_status(self):
        sampler = HistorySampler(self.state, self.logs, FastClock(1, T0), interval_s=5)
        ext = ExtendedAggregator(self.state, self.logs, FastClock(1, T0), interval_min=15)
        self.assertEqual((sampler.status()["interval"], ext.status()["interval"]), (5, 15))

    def test_tasks_fill_both_logs_on_an_accelerated_clock(self):
        if compat.MICROPYTHON and not hasattr(asyncio, "run"):
            self.skipTest("this port's asyncio cannot block (webassembly runs on the JS loop)")
        # 7200x: a 60 s history point every ~8 ms, a 60 min extended record every 0.5 s.
        clock = FastClock(7200, T0)
        sampler = HistorySampler(self.state, self.logs, clock)
        ext = ExtendedAggregator(self.state, self.logs, clock)
        fed = []

        async def feed():
            n = 0
            while True:
                v = 220 + n % 21
                commit(self.state, {"input.voltage": v, "battery.charge": 100})
                fed.append(v)
                n += 1
                await asyncio.sleep(0.005)

        async def main():
            tasks = [asyncio.create_task(t) for t in (feed(), sampler.run(), ext.run())]
            try:
                await wait_until(lambda: ext.written >= 2, "two extended records")
            finally:
                for t in tasks:
                    t.cancel()
                await asyncio.sleep(0)

        compat.run(main())
        self.assertGreater(sampler.written, 2 * ext.written)
        recs = self.logs.query("extended", per_page=10)["records"]
        newest, older = recs[0], recs[1]
        self.assertEqual(newest["start"], int(older["end"]))
        for rec in recs:
            self.assertGreaterEqual(rec["end"] - rec["start"], 3600 * 0.9)
            v = rec["input.L1-N.voltage"]
            self.assertTrue(220 <= v["min"] <= v["avg"] <= v["max"] <= 240, rec)
            self.assertGreater(rec["samples"], 0)
        self.assertLessEqual(sum(r["samples"] for r in recs), len(fed))
        hist = self.logs.query("history", per_page=3)["records"]
        self.assertTrue(all(220 <= r["input.L1-N.voltage"] <= 240 for r in hist))
        self.assertTrue(hist[0]["time"] - hist[-1]["time"] >= 2 * 60 * 0.9)


if __name__ == "__main__":
    unittest.main()
