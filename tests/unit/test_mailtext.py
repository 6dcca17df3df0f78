"""Tests for firmware.notify.mailtext: subjects and bodies of the card's mails."""

import unittest

from firmware.notify import mailtext

PORTABLE = True

ID = {"name": "Room 12", "location": "Building B", "contact": "ops desk"}
EVENT = {"time": 0, "source": "ups", "level": "C", "code": "S15", "state": "added",
         "text": "End of Backup Time / Battery Low"}


class SubjectTest(unittest.TestCase):
    def test_subjects(self):
        cleared = dict(EVENT, state="removed", level="I")
        card = {"source": "card", "level": "W", "code": "comm.lost",
                "text": "UPS communication lost"}
        # (prefix, event, subject)
        for prefix, event, subject in (
                ("", EVENT, "Room 12 - Critical: End of Backup Time / Battery Low"),
                ("[UPS]", EVENT, "[UPS] Room 12 - Critical: End of Backup Time / Battery Low"),
                ("  ", cleared,
                 "Room 12 - Information: cleared: End of Backup Time / Battery Low"),
                ("NV", card, "NV Room 12 - Warning: UPS communication lost")):
            self.assertEqual(mailtext.subject(prefix, ID, event), subject)
        self.assertEqual(mailtext.subject("", {}, card),
                         "opennmc - Warning: UPS communication lost")
        self.assertEqual(mailtext.report_subject("P", ID, "01/06/2030"),
                         "P Room 12 - Daily status report 01/06/2030")
        self.assertEqual(mailtext.test_subject("", ID), "Room 12 - Mail send test")


class BodyTest(unittest.TestCase):
    def test_event_body(self):
        body = mailtext.event_body(ID, dict(EVENT, unit=2), "01/06/2030 14:00:00",
                                   {"ups.status": "OB LB", "battery.charge": 9, "ups.load": None})
        self.assertEqual(body.splitlines(), [
            "UPS event", "",
            "Time:       01/06/2030 14:00:00",
            "Level:      Critical",
            "Event:      End of Backup Time / Battery Low",
            "Code:       S15",
            "Unit:       2", "",
            "Card:       Room 12",
            "Location:   Building B",
            "Contact:    ops desk",
            "Status:     OB LB",
            "Battery charge: 9 %"])

    def test_cleared_and_without_identity(self):
        body = mailtext.event_body({"name": ""}, dict(EVENT, state="removed"), "t", {})
        self.assertIn("Event:      End of Backup Time / Battery Low (cleared)", body)
        self.assertIn("Card:       opennmc", body)
        self.assertNotIn("Location", body)

    def test_report_body(self):
        body = mailtext.report_body(ID, "02/06/2030 00:00:00", {"ups.status": "OL"},
                                    [{"level": "W", "text": "Overload Alarm"}],
                                    ["history.csv", "ups-events.csv"])
        self.assertIn("  Warning  Overload Alarm", body)
        self.assertIn("Attached (CSV): history.csv, ups-events.csv", body)
        self.assertIn("Active alarms: none", mailtext.report_body(ID, "t", {}, [], []))

    def test_test_body(self):
        self.assertIn("Mail server: mail.example:587",
                      mailtext.test_body(ID, "t", "mail.example:587"))


if __name__ == "__main__":
    unittest.main()
