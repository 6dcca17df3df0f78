"""Tests for firmware.notify.filter: severity, the alarm-entry filter, syslog groups."""

import unittest

from firmware.notify import filter as notify_filter

PORTABLE = True

ALARM = {"source": "ups", "kind": "alarm", "state": "added", "level": "W", "code": "A02"}
STATUS = {"source": "ups", "kind": "status", "state": "added", "level": "C", "code": "S15"}
CARD = {"source": "card", "level": "I", "code": "setting.changed"}
SHUTDOWN = {"source": "card", "level": "C", "code": "shutdown.request"}
STS_ALARM = {"source": "sts", "kind": "alarm", "state": "removed", "level": "W", "code": "x"}


class FilterTest(unittest.TestCase):
    def test_severity_table(self):
        # (level, lowest, passes)
        for level, lowest, passes in (("I", "I", True), ("W", "I", True), ("C", "I", True),
                                      ("I", "W", False), ("W", "W", True), ("C", "W", True),
                                      ("I", "C", False), ("W", "C", False), ("C", "C", True)):
            self.assertEqual(notify_filter.at_least(level, lowest), passes, (level, lowest))

    def test_the_alarm_filter_leaves_out_alarm_table_entries_only(self):
        self.assertTrue(notify_filter.by_severity(ALARM, "I"))
        self.assertFalse(notify_filter.by_severity(ALARM, "I", alarm_filter=True))
        self.assertFalse(notify_filter.by_severity(STS_ALARM, "I", alarm_filter=True))
        self.assertTrue(notify_filter.by_severity(STATUS, "C", alarm_filter=True))
        self.assertTrue(notify_filter.by_severity(CARD, "I", alarm_filter=True))
        self.assertFalse(notify_filter.by_severity(CARD, "W"))

    def test_groups(self):
        self.assertEqual([notify_filter.group(e) for e in (ALARM, STS_ALARM, CARD, SHUTDOWN)],
                         ["ups", "ups", "card", "shutdown"])
        for code in ("shutdown.warning", "shutdown.cancel", "shutdown.ups", "ups.output.on"):
            self.assertEqual(notify_filter.group({"source": "card", "code": code}), "shutdown")

    def test_own_events(self):
        self.assertTrue(notify_filter.own_event({"source": "card", "code": "mail.sent"},
                                                "mail."))
        self.assertTrue(notify_filter.own_event(
            {"source": "card", "code": "notify.dropped", "notifier": "syslog"}, "syslog."))
        self.assertFalse(notify_filter.own_event(
            {"source": "card", "code": "notify.dropped", "notifier": "syslog"}, "mail."))
        self.assertFalse(notify_filter.own_event({"source": "ups", "code": "mail.x"}, "mail."))


if __name__ == "__main__":
    unittest.main()
