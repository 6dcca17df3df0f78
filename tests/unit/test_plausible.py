"""Plausible ranges: nonsense a UPS or a line can answer with a valid CRC is left out."""

import unittest

from firmware.state.bus import EventBus
from firmware.ups import plausible

PORTABLE = True


class RangesTest(unittest.TestCase):
    def test_nonsense_is_left_out_and_real_values_kept(self):
        values = {"battery.charge": 65534, "input.voltage": 65534, "battery.runtime": 3932040,
                  "ups.load": 32767, "ambient.temperature": -32768,
                  "output.L1.power.percent": 117, "battery.voltage": 812.5,
                  "input.frequency": 0, "ups.realpower": 450000, "output.powerfactor": 0.95,
                  "input.phase.shift": -2, "ups.status": "OL", "device.model": "NETYS"}
        kept, refused = plausible.split(values)
        self.assertEqual(refused, ["ambient.temperature", "battery.charge", "battery.runtime",
                                   "input.voltage", "ups.load"])
        self.assertEqual(sorted(kept), ["battery.voltage", "device.model", "input.frequency",
                                        "input.phase.shift", "output.L1.power.percent",
                                        "output.powerfactor", "ups.realpower", "ups.status"])

    def test_bounds_by_name_and_by_kind(self):
        self.assertEqual(plausible.bounds("battery.charge"), (0, 100))
        self.assertEqual(plausible.bounds("input.L2-N.voltage"), (-1000, 1000))
        self.assertEqual(plausible.bounds("output.L3.power.percent"), (0, 200))
        self.assertIsNone(plausible.bounds("ups.status"))


class WatchTest(unittest.TestCase):
    def test_one_event_while_a_ups_keeps_answering_nonsense(self):
        bus = EventBus()
        watch = plausible.Watch(bus)
        watch.cycle(["battery.charge"])
        watch.cycle(["battery.charge", "ups.load"])
        self.assertEqual(bus.recent, [])                  # a glitch is counted, not logged
        watch.cycle(["battery.charge", "ups.load"])
        watch.cycle(["battery.charge"])
        self.assertEqual([e["code"] for e in bus.recent], ["ups.values.implausible"])
        self.assertEqual(bus.recent[0]["text"],
                         "UPS answers implausible values (2): battery.charge, ups.load")
        watch.cycle([])
        self.assertEqual(bus.recent[-1]["text"], "UPS values plausible again")
        self.assertEqual(watch.status()["left_out"], {"battery.charge": 4, "ups.load": 2})


if __name__ == "__main__":
    unittest.main()
