"""Tests for firmware.events.alarms: the active alarm table fed by the event engine."""

import json
import unittest

from firmware.events.alarms import AlarmTable
from firmware.clock.calendar import epoch_of
from firmware.clock.clock import Clock
from firmware.state import catalogue
from firmware.state.bus import EventBus
from firmware.events.engine import EventEngine
from firmware.state.ups import Node, UpsState

PORTABLE = True

T0 = epoch_of(2024, 7, 1, 12)


def commit(state, statuses, alarms, units=None, now=T0):
    state.begin()
    state.set_flags(statuses, alarms)
    if units is not None:
        state.set_units(units)
    state.commit(now)


class TestAlarmTable(unittest.TestCase):
    def setUp(self):
        self.state = UpsState()
        self.state.device = {"mapping": "jbusp"}
        self.bus = EventBus()
        self.engine = EventEngine(self.state, self.bus)
        self.table = AlarmTable(self.bus, Clock(zone=2, dst="off"))

    def test_alarms_come_and_go_with_their_times(self):
        commit(self.state, {"S05": ("W", "On battery")}, {"A02": ("W", "UPS overload")}, now=T0)
        commit(self.state, {}, {"A02": ("W", "UPS overload"), "A00": ("W", "General Alarm")},
               now=T0 + 60)
        st = self.table.status()
        self.assertEqual(st["count"], 2)
        self.assertTrue(st["general"])
        self.assertEqual([(a["code"], a["time"]) for a in st["alarms"]],
                         [("A02", T0), ("A00", T0 + 60)])
        self.assertEqual(st["alarms"][0]["text"], "Overload Alarm")
        self.assertEqual(st["alarms"][0]["local"], "01/07/2024 14:00:00")
        self.assertEqual(st["last"]["code"], "A00")
        commit(self.state, {}, {"A02": ("W", "UPS overload")}, now=T0 + 120)
        st = self.table.status()
        self.assertEqual((st["count"], st["general"]), (1, False))
        self.assertEqual(st["last"]["code"], "A00", "the last incoming alarm stays shown")
        self.assertEqual(st["incoming"], 2)
        json.dumps(st)

    def test_statuses_and_levelless_rows_are_not_alarms(self):
        commit(self.state, {"S15": ("C", "Battery near end")}, {"A03": (None, "Output voltage")})
        self.assertEqual(self.table.count(), 0)
        self.assertIsNone(self.table.status()["last"])

    def test_parallel_system_keeps_units_apart(self):
        u2 = Node(2)
        u2.alarms = {"A31": ("C", "Imminent STOP")}
        commit(self.state, {}, {"A33": ("W", "Unit 2 general alarm")}, units=[Node(1), u2])
        st = self.table.status()
        self.assertEqual([a["text"] for a in st["alarms"]], ["Unit 2 General Alarm"])
        self.assertEqual(list(st["units"]), ["2"])
        self.assertEqual(st["units"]["2"][0]["code"], "A31")
        self.assertEqual(self.table.count(2), 1)
        commit(self.state, {}, {}, units=[Node(1), Node(2)])
        self.assertEqual((self.table.count(), self.table.count(2)), (0, 0))
        self.assertEqual(self.table.status()["units"], {})

    def test_card_events_are_ignored(self):
        catalogue.card_event(self.bus, "comm.lost")
        self.bus.publish({"source": "ups", "kind": "alarm", "code": "A00", "state": "bogus",
                          "text": "x", "level": "W", "time": 0})
        self.assertEqual(self.table.count(), 0)


if __name__ == "__main__":
    unittest.main()
