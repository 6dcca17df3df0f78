"""Shutdown settings: schedules' formats, the windows they make, the shut-off delay rule."""

import unittest

from firmware.card import features
from firmware.clock.calendar import epoch_of
from firmware.settings.config import Config
from firmware.settings.schema import ConfigError
from firmware.shutdown import schedule

PORTABLE = True
SCHEMA = features.schema()


class ScheduleTest(unittest.TestCase):
    def test_items_are_checked(self):
        self.assertEqual(SCHEMA.check("shutdown.weekly", "FRI 22:00 07:00"), ["fri 22:00 07:00"])
        for bad in ("fri 24:00 07:00", "friday 22:00 07:00", "fri 22:00"):
            with self.assertRaises(ConfigError):
                SCHEMA.check("shutdown.weekly", [bad])
        self.assertEqual(SCHEMA.check("shutdown.special_days",
                                      ["2026-12-24 18:00 2026-12-27 07:00"]),
                         ["2026-12-24 18:00 2026-12-27 07:00"])
        for bad in ("2026-02-30 18:00 2026-03-01 07:00", "2026-12-27 07:00 2026-12-24 18:00"):
            with self.assertRaises(ConfigError):
                SCHEMA.check("shutdown.special_days", [bad])

    def test_weekly_windows_cross_midnight_and_the_week(self):
        items = ["fri 22:00 07:00", "sun 23:30 00:30"]
        friday = epoch_of(2026, 11, 27, 21, 59)       # a Friday
        self.assertFalse(schedule.in_weekly(items, friday))
        self.assertTrue(schedule.in_weekly(items, friday + 60))
        self.assertTrue(schedule.in_weekly(items, epoch_of(2026, 11, 28, 6, 59)))
        self.assertFalse(schedule.in_weekly(items, epoch_of(2026, 11, 28, 7, 0)))
        self.assertTrue(schedule.in_weekly(items, epoch_of(2026, 11, 30, 0, 15)))   # Monday

    def test_special_day_windows(self):
        items = ["2026-12-24 18:00 2026-12-27 07:00"]
        self.assertFalse(schedule.in_special(items, epoch_of(2026, 12, 24, 17, 59)))
        self.assertTrue(schedule.in_special(items, epoch_of(2026, 12, 25, 12, 0)))
        self.assertFalse(schedule.in_special(items, epoch_of(2026, 12, 27, 7, 0)))


class RuleTest(unittest.TestCase):
    def test_the_ups_goes_off_only_after_the_servers(self):
        cfg = Config(SCHEMA)
        cfg.update({"shutdown.ups_off": True, "shutdown.ups_off_delay": 300})
        with self.assertRaises(ConfigError) as ctx:
            cfg.update({"shutdown.server_time": 300})
        self.assertEqual(ctx.exception.field, "shutdown.ups_off_delay")
        self.assertIn("(300 s) must be longer than the servers' shutdown time", str(ctx.exception))
        self.assertEqual(cfg.get("shutdown.server_time"), 120)      # nothing changed
        cfg.update({"shutdown.ups_off": False})
        cfg.update({"shutdown.server_time": 600})                   # no shut-off: no rule


if __name__ == "__main__":
    unittest.main()
