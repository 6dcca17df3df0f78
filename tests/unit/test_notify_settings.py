"""Tests for firmware.notify.settings: recipients, WOL targets, times, through the rows' checks."""

import unittest

from firmware.notify import settings
from firmware.settings.schema import ConfigError, Schema

PORTABLE = True

SCHEMA = Schema(settings.ROWS)


class RecipientTest(unittest.TestCase):
    GOOD = (("ops@example.com:events:warning", ("ops@example.com", "events", "W")),
            ("a.b@x.example.org:BOTH:Information", ("a.b@x.example.org", "both", "I")),
            ("boss@example.com:report:critical", ("boss@example.com", "report", "C")))
    BAD = ("ops@example.com", "ops@example.com:events", "ops@example.com:daily:warning",
           "ops@example.com:events:loud", "ops.example.com:events:warning",
           "ops@localhost:events:warning", "o ps@example.com:events:warning",
           "@example.com:events:warning", "x" * 60 + "@example.com:events:warning")

    def test_items(self):
        for item, parsed in self.GOOD:
            self.assertEqual(settings.parse_recipient(item), parsed)
        for item in self.BAD:
            with self.assertRaises(ValueError, msg=item):
                settings.parse_recipient(item)

    def test_the_row_checks_each_item_and_refuses_the_whole_change(self):
        good = [item for item, _ in self.GOOD]
        self.assertEqual(SCHEMA.check("mail.recipients", good), good)
        with self.assertRaises(ConfigError) as ctx:
            SCHEMA.check("mail.recipients", good + ["nobody"])
        self.assertIn("nobody", ctx.exception.message)
        with self.assertRaises(ConfigError):                 # at most 8
            SCHEMA.check("mail.recipients", ["u%d@example.com:events:warning" % n
                                             for n in range(9)])
        with self.assertRaises(ConfigError):                 # listed twice
            SCHEMA.check("mail.recipients", [good[0], good[0]])


class TargetTest(unittest.TestCase):
    def test_items_are_stored_in_one_form(self):
        check = SCHEMA.row("wol.targets").validate
        self.assertEqual(check(["00-1A-2b-3C-4d-5E:ON:rack-2:db"]),
                         ["00:1a:2b:3c:4d:5e:on:rack-2:db"])
        self.assertEqual(check(["00:11:22:33:44:55:off"]), ["00:11:22:33:44:55:off"])

    def test_parse(self):
        mac, enabled, text = settings.parse_target("00:11:22:33:44:55:on:web server-1")
        self.assertEqual((mac, enabled, text),
                         (b"\x00\x11\x22\x33\x44\x55", True, "web server-1"))

    def test_bad_items(self):
        check = SCHEMA.row("wol.targets").validate
        for bad in (["00:11:22:33:44"], ["00:11:22:33:44:55"], ["00:11:22:33:44:gg:on"],
                    ["00:11:22:33:44:55:maybe"], ["0:11:22:33:44:55:on"],
                    ["00:11:22:33:44:55:on", "00-11-22-33-44-55:off"]):
            with self.assertRaises(ConfigError, msg=bad):
                check(bad)
        with self.assertRaises(ConfigError):
            check(["00:00:00:00:00:%02x:on" % n for n in range(33)])


class OtherRowsTest(unittest.TestCase):
    def test_report_time(self):
        self.assertEqual(SCHEMA.check("mail.report_time", "07:30"), "07:30")
        for bad in ("7:30", "24:00", "12:60", "1230", "ab:cd"):
            with self.assertRaises(ConfigError, msg=bad):
                SCHEMA.check("mail.report_time", bad)

    def test_sender_and_groups(self):
        self.assertEqual(SCHEMA.check("mail.sender", ""), "")
        with self.assertRaises(ConfigError):
            SCHEMA.check("mail.sender", "card")
        self.assertEqual(SCHEMA.check("syslog.events", "UPS,shutdown"), ["ups", "shutdown"])
        with self.assertRaises(ConfigError):
            SCHEMA.check("syslog.events", ["ups", "web"])

    def test_the_password_is_a_secret(self):
        self.assertTrue(SCHEMA.is_secret("mail.password"))


if __name__ == "__main__":
    unittest.main()
