"""Tests for firmware.events.engine and firmware.state.catalogue: UpsState commits -> events."""

import json
import unittest

from firmware.state import catalogue
from firmware.state.bus import EventBus
from firmware.events.engine import EventEngine, parse_flag_name
from firmware.state.ups import Node, UpsState

PORTABLE = True

# Rows as the manual's JBUSP and VU-MAP tables give them: (acronym, level, description).
S03 = ("I", "Load protected by inverter")
S05 = ("W", "on battery / Battery discharging")
S15 = ("C", "Battery near end of backup time")
S06 = (None, "Remote controls disabled")
A00 = ("W", "General Alarm")
A31 = ("C", "Imminent STOP")
A51 = ("W", "Synoptic alarm")


class _StsTable:
    """The STS map's shape with acronyms chosen here: the catalogue keys STS rows by bit."""
    STATUS = (("SS01", 0x0140, 0, None, "Source 1 OK"),
              ("SS02", 0x0140, 1, None, "Source 1 critical"),
              ("SS20", 0x0141, 3, None, "Load not supplied"),
              ("SS99", 0x0142, 8, None, "unlisted bit"))
    ALARMS = (("SA15", 0x0148, 15, None, "PowerPath2 in failure"),)


def commit(state, statuses=None, alarms=None, units=None, now=1000.0):
    state.begin()
    state.set_flags(statuses or {}, alarms or {})
    if units is not None:
        state.set_units(units)
    return state.commit(now)


def unit(index, statuses=None, alarms=None, present=True):
    node = Node(index)
    node.statuses = dict(statuses or {})
    node.alarms = dict(alarms or {})
    node.present = present
    return node


def brief(events):
    return [(e["code"], e["state"], e["level"], e["text"], e.get("unit")) for e in events]


class TestParse(unittest.TestCase):
    def test_names(self):
        self.assertEqual(parse_flag_name("status:S05"), (None, "status", "S05"))
        self.assertEqual(parse_flag_name("unit.12.alarm:A000"), (12, "alarm", "A000"))
        for other in ("battery.charge", "_stale", "unit.x.alarm:A1", "unit.2.battery.charge",
                      "alarm:", "unit.present", "foo:bar"):
            self.assertIsNone(parse_flag_name(other), other)


class TestEngine(unittest.TestCase):
    def setUp(self):
        self.state = UpsState()
        self.state.device = {"mapping": "jbusp"}
        self.bus = EventBus()
        self.events = []
        self.bus.subscribe(self.events.append)
        self.engine = EventEngine(self.state, self.bus)

    def test_mains_failure_sequence(self):
        commit(self.state, {"S03": S03, "S06": S06}, {}, now=10.0)
        commit(self.state, {"S05": S05}, {"A00": A00}, now=20.0)
        commit(self.state, {"S05": S05, "S15": S15}, {"A00": A00, "A31": A31}, now=30.0)
        commit(self.state, {"S03": S03}, {}, now=40.0)
        self.assertEqual(brief(self.events), [
            ("S03", "added", "I", "Load protected by Inverter", None),
            ("S03", "removed", "I", "Load protected by Inverter", None),
            ("A00", "added", "W", "General Alarm", None),
            ("S05", "added", "W", "Operating on Battery", None),
            ("A31", "added", "C", "UPS Imminent Stop", None),
            ("S15", "added", "C", "End of Backup Time / Battery Low", None),
            ("A00", "removed", "W", "General Alarm", None),
            ("A31", "removed", "C", "UPS Imminent Stop", None),
            ("S05", "removed", "W", "Operating on Battery", None),
            ("S15", "removed", "C", "End of Backup Time / Battery Low", None),
            ("S03", "added", "I", "Load protected by Inverter", None),
        ])
        self.assertEqual([e["time"] for e in self.events[:3]], [10.0, 20.0, 20.0])
        self.assertEqual(self.events[2]["kind"], "alarm")
        self.assertEqual(self.events[2]["source"], "ups")
        json.dumps(self.events)

    def test_unlisted_rows_keep_the_map_description_and_level_none_is_silent(self):
        commit(self.state, {"S06": S06}, {"A51": A51})
        self.assertEqual(brief(self.events), [("A51", "added", "W", "Synoptic alarm", None)])

    def test_unchanged_flags_give_no_event(self):
        commit(self.state, {"S03": S03}, {"A00": A00})
        n = len(self.events)
        self.state.begin()
        self.state.set("battery.charge", 50)
        self.state.commit(2.0)
        commit(self.state, {"S03": S03}, {"A00": A00})
        self.assertEqual(len(self.events), n)

    def test_removal_reports_the_level_and_text_it_was_added_with(self):
        commit(self.state, {}, {"A31": A31})
        self.state.begin()
        self.state.set_flags({}, {})
        self.state.commit(5.0)
        self.assertEqual(brief(self.events)[-1], ("A31", "removed", "C", "UPS Imminent Stop", None))

    def test_per_unit_flags(self):
        commit(self.state, units=[unit(1), unit(2)])
        commit(self.state, units=[unit(1), unit(2, {"S05": S05}, {"A31": A31})])
        commit(self.state, units=[unit(1), unit(2, {"S05": S05})])
        self.assertEqual(brief(self.events), [
            ("A31", "added", "C", "UPS Imminent Stop", 2),
            ("S05", "added", "W", "Operating on Battery", 2),
            ("A31", "removed", "C", "UPS Imminent Stop", 2),
        ])

    def test_units_that_appear_or_vanish_bring_their_flags(self):
        commit(self.state, units=[unit(1)])
        commit(self.state, units=[unit(1), unit(3, {}, {"A00": A00})])
        commit(self.state, units=[unit(1), unit(3, {}, {"A00": A00}, present=False)])
        commit(self.state, units=[unit(1, {}, {"A31": A31})])
        commit(self.state, units=[])
        self.assertEqual(brief(self.events), [
            ("A00", "added", "W", "General Alarm", 3),
            ("A00", "removed", "W", "General Alarm", 3),
            ("A31", "added", "C", "UPS Imminent Stop", 1),
            ("A31", "removed", "C", "UPS Imminent Stop", 1),
        ])

    def test_vumap_texts(self):
        self.state.device = {"mapping": "vumap"}
        commit(self.state, {"S011": ("I", "Operating"), "S012": ("I", "Available")},
               {"A097": ("W", "[2] in General Alarm"), "A001": ("W", "Overload Alarm")})
        texts = sorted(e["text"] for e in self.events)
        self.assertEqual(texts, ["Normal mode", "Overload Alarm", "Unit 2 General Alarm",
                                 "Unit Available"])

    def test_clock_sets_the_event_time(self):
        class _Clock:
            def now(self):
                return 1234.5
        engine = EventEngine(UpsState(), self.bus, clock=_Clock(), mapping="jbusp")
        commit(engine.state, {}, {"A00": A00}, now=1.0)
        self.assertEqual(self.events[-1]["time"], 1234.5)


class TestSts(unittest.TestCase):
    def test_sts_rows_take_the_manual_list_levels_and_texts(self):
        state = UpsState()
        state.device = {"mapping": "sts"}
        bus = EventBus()
        EventEngine(state, bus, table=_StsTable)
        commit(state, {"SS01": (None, "Source 1 OK"), "SS20": (None, "Load not supplied"),
                       "SS99": (None, "unlisted bit")},
               {"SA15": (None, "PowerPath2 in failure")})
        self.assertEqual(
            [(e["source"], e["code"], e["level"], e["text"]) for e in bus.recent],
            [("sts", "SA15", "C", "STS PowerPath2 Failure"),
             ("sts", "SS20", "C", "STS Load Off"),
             ("sts", "SS01", "I", "STS Source 1 OK")])


class TestCatalogue(unittest.TestCase):
    def test_card_event_fills_the_text(self):
        bus = EventBus()
        ev = catalogue.card_event(bus, "setting.changed", setting="Polling Rate", via="web",
                                  user="admin")
        self.assertEqual((ev["source"], ev["level"], ev["text"]),
                         ("card", "I", "Polling Rate has been changed via web by admin"))
        self.assertTrue(bus.recent[-1] is ev)
        self.assertEqual(catalogue.card_text("config.upload.errors", errors=3, via="web",
                                             user="bob"),
                         ("W", "Upload configuration with 3 error(s) via web by bob"))
        self.assertEqual(catalogue.card_text("time.user")[1], "Time changed by user")
        self.assertEqual(catalogue.card_text("ntp.failed"),
                         ("W", "Ntp Time Server Connected Failed"))

    def test_unknown_code_is_refused(self):
        with self.assertRaises(ValueError):
            catalogue.card_event(EventBus(), "no.such.event")

    def test_every_level_is_known(self):
        for code, (level, _text) in catalogue.CARD.items():
            self.assertIn(level, ("I", "W", "C"), code)

    def test_fill_tolerates_stray_braces(self):
        self.assertEqual(catalogue.fill("a {b", {}), "a {b")
        self.assertEqual(catalogue.fill("{missing} x", {}), "? x")

    def test_every_card_event_has_a_level_and_text(self):
        for code, (level, template) in catalogue.CARD.items():
            self.assertIn(level, ("I", "W", "C"), code)
            self.assertTrue(catalogue.fill(template, {}), code)

    def test_sts_list_is_complete(self):
        # The manual's STS list has 37 status and 24 alarm lines.
        self.assertEqual(sum(1 for k in catalogue.STS_TEXTS if k[0] < 0x0148), 37)
        self.assertEqual(sum(1 for k in catalogue.STS_TEXTS if k[0] >= 0x0148), 24)


if __name__ == "__main__":
    unittest.main()
