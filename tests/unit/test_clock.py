"""Tests for firmware.clock (calendar, clock): civil dates, zones, DST rules at each switch, setting."""

import unittest

from firmware.card import features
from firmware.clock import calendar as ck
from firmware.clock import clock as clock_mod
from firmware.clock.clock import Clock, dst_active, format_zone
from firmware.clock.calendar import epoch_of, parts
from firmware.settings.schema import ConfigError
from firmware.state.bus import EventBus

PORTABLE = True

H = 3600

# (rule zone in minutes, year, summer start UTC, summer end UTC): published switch instants.
SWITCHES = (
    (60, 2024, epoch_of(2024, 3, 31, 1), epoch_of(2024, 10, 27, 1)),     # Paris
    (0, 2025, epoch_of(2025, 3, 30, 1), epoch_of(2025, 10, 26, 1)),      # London
    (120, 2023, epoch_of(2023, 3, 26, 1), epoch_of(2023, 10, 29, 1)),    # Helsinki
    (-300, 2024, epoch_of(2024, 3, 10, 7), epoch_of(2024, 11, 3, 6)),    # New York
    (-480, 2024, epoch_of(2024, 3, 10, 10), epoch_of(2024, 11, 3, 9)),   # Los Angeles
    (-360, 2026, epoch_of(2026, 3, 8, 8), epoch_of(2026, 11, 1, 7)),     # Chicago
)
# Southern hemisphere: summer ends in April and starts again in September/October.
SOUTH = (
    (600, 2024, epoch_of(2024, 4, 6, 16), epoch_of(2024, 10, 5, 16)),    # Sydney: end, start
    (720, 2024, epoch_of(2024, 4, 6, 14), epoch_of(2024, 9, 28, 14)),    # Auckland: end, start
    (570, 2025, epoch_of(2025, 4, 5, 16, 30), epoch_of(2025, 10, 4, 16, 30)),  # Adelaide
)


class TestCalendar(unittest.TestCase):
    def test_days_round_trip_across_leap_years_and_centuries(self):
        for y, m, d, days in ((1970, 1, 1, 0), (2000, 2, 29, 11016), (2000, 3, 1, 11017),
                              (2100, 3, 1, 47541), (1969, 12, 31, -1), (2024, 12, 31, 20088)):
            self.assertEqual(ck.days_from_civil(y, m, d), days, (y, m, d))
            self.assertEqual(ck.civil_from_days(days), (y, m, d))

    def test_weekday_and_sundays(self):
        self.assertEqual(ck.weekday(0), 3)                       # 1970-01-01 was a Thursday
        self.assertEqual(ck.civil_from_days(ck.nth_sunday(2024, 3, -1)), (2024, 3, 31))
        self.assertEqual(ck.civil_from_days(ck.nth_sunday(2024, 3, 2)), (2024, 3, 10))
        self.assertEqual(ck.civil_from_days(ck.nth_sunday(2024, 11, 1)), (2024, 11, 3))
        self.assertEqual(ck.civil_from_days(ck.nth_sunday(2026, 11, 1)), (2026, 11, 1))
        self.assertEqual(ck.civil_from_days(ck.nth_sunday(2024, 12, -1)), (2024, 12, 29))

    def test_parts_and_format(self):
        t = epoch_of(2024, 2, 29, 23, 59, 58)
        self.assertEqual(parts(t), (2024, 2, 29, 23, 59, 58, 3))
        self.assertEqual(ck.format_time(t), "29/02/2024 23:59:58")


class TestDstRules(unittest.TestCase):
    def test_hour_before_and_after_each_northern_switch(self):
        for zone, year, start, end in SWITCHES:
            self.assertFalse(dst_active(start - H, zone), "hour before spring switch")
            self.assertFalse(dst_active(start - 1, zone), "second before spring switch")
            self.assertTrue(dst_active(start, zone), "at spring switch")
            self.assertTrue(dst_active(start + H, zone), "hour after spring switch")
            self.assertTrue(dst_active(end - H, zone), "hour before autumn switch")
            self.assertTrue(dst_active(end - 1, zone), "second before autumn switch")
            self.assertFalse(dst_active(end, zone), "at autumn switch")
            self.assertFalse(dst_active(end + H, zone), "hour after autumn switch")

    def test_hour_before_and_after_each_southern_switch(self):
        for zone, year, end, start in SOUTH:
            self.assertTrue(dst_active(end - H, zone))
            self.assertFalse(dst_active(end, zone))
            self.assertFalse(dst_active(end + H, zone))
            self.assertFalse(dst_active(start - H, zone))
            self.assertTrue(dst_active(start, zone))
            self.assertTrue(dst_active(start + H, zone))
            self.assertTrue(dst_active(epoch_of(year, 1, 15), zone), "southern summer")
            self.assertFalse(dst_active(epoch_of(year, 7, 15), zone), "southern winter")

    def test_zones_without_rule_never_switch(self):
        for zone in (330, 480, 540, -180, 840):
            self.assertFalse(dst_active(epoch_of(2024, 7, 1), zone))
            self.assertFalse(dst_active(epoch_of(2024, 1, 1), zone))

    def test_local_time_across_the_eu_spring_switch(self):
        c = Clock(zone=1, dst="auto")
        start = SWITCHES[0][2]
        self.assertEqual(ck.format_time(c.local(start - 1)), "31/03/2024 01:59:59")
        self.assertEqual(ck.format_time(c.local(start)), "31/03/2024 03:00:00")

    def test_local_time_across_the_us_autumn_switch(self):
        c = Clock(zone=-5, dst="auto")
        end = SWITCHES[3][3]
        self.assertEqual(ck.format_time(c.local(end - 1)), "03/11/2024 01:59:59")
        self.assertEqual(ck.format_time(c.local(end)), "03/11/2024 01:00:00")

    def test_dst_on_and_off_ignore_the_rule(self):
        winter = epoch_of(2024, 1, 10, 12)
        summer = epoch_of(2024, 7, 10, 12)
        self.assertEqual(Clock(zone=1, dst="on").local(winter) - winter, 2 * H)
        self.assertEqual(Clock(zone=1, dst="off").local(summer) - summer, H)
        self.assertEqual(Clock(zone=1, dst="auto").local(summer) - summer, 2 * H)


class TestZones(unittest.TestCase):
    def test_zone_setting_forms(self):
        schema = features.schema()
        for value, minutes in ((0, 0), (1, 60), (-5, -300), (5.5, 330), ("+5:30", 330),
                               ("-3:30", -210), ("GMT+1", 60), ("5.75", 345), (14, 840),
                               (-12, -720), ("GMT", 0)):
            hours = schema.check("time.zone", value)
            self.assertEqual(Clock(zone=hours).zone_min, minutes, value)
        self.assertEqual(format_zone(-210), "GMT-03:30")

    def test_bad_zones_are_refused(self):
        schema = features.schema()
        for bad in (15, -13, 5.2, "abc", "+5:75", True, None, [1], ""):
            with self.assertRaises(ConfigError):
                schema.check("time.zone", bad)

    def test_bad_configure_changes_nothing(self):
        c = Clock(zone=2, dst="auto")
        for zone, dst in ((3, "sometimes"), (5.2, "on"), (15, "off")):
            with self.assertRaises(ValueError):
                c.configure(zone=zone, dst=dst)
        self.assertEqual((c.zone_min, c.dst), (120, "auto"))


class TestSetting(unittest.TestCase):
    def setUp(self):
        self.bus = EventBus()
        self.clock = Clock(zone=1, dst="auto", bus=self.bus, ip="192.0.2.7")

    def test_set_utc_keeps_an_offset_and_logs_the_change(self):
        target = epoch_of(2031, 6, 1, 12)
        self.clock.set_utc(target, via="server")
        self.assertTrue(abs(self.clock.now() - target) < 5)
        self.assertNotEqual(self.clock.offset_ms, 0)
        ev = self.bus.recent[-1]
        self.assertEqual((ev["source"], ev["code"], ev["level"]), ("card", "time.server", "I"))
        self.assertEqual(ev["text"], "192.0.2.7 Time changed by server")

    def test_browser_and_manual_setting(self):
        self.clock.set_from_browser(epoch_of(2030, 1, 2, 3, 4, 5) * 1000)
        self.assertTrue(abs(self.clock.now() - epoch_of(2030, 1, 2, 3, 4, 5)) < 5)
        self.assertEqual(self.bus.recent[-1]["code"], "time.user")
        # Summer local 12:00 in Paris is 10:00 UTC.
        self.clock.set_local(2030, 7, 14, 12, 0, 0)
        self.assertTrue(abs(self.clock.now() - epoch_of(2030, 7, 14, 10)) < 5)
        self.assertTrue(self.clock.format().startswith("14/07/2030 12:0"))

    def test_ambiguous_and_skipped_local_hours(self):
        c = Clock(zone=1, dst="auto")
        # 27/10/2024 02:30 happens twice in Paris: the summer-time instant comes first.
        self.assertEqual(c.utc_from_local(epoch_of(2024, 10, 27, 2, 30)),
                         epoch_of(2024, 10, 27, 0, 30))
        # 31/03/2024 02:30 does not exist: it is read as standard time.
        self.assertEqual(c.utc_from_local(epoch_of(2024, 3, 31, 2, 30)),
                         epoch_of(2024, 3, 31, 1, 30))

    def test_bad_inputs_change_nothing(self):
        before = self.clock.offset_ms
        for call in (lambda: self.clock.set_local(2024, 2, 30, 0, 0, 0),
                     lambda: self.clock.set_local(2024, 13, 1),
                     lambda: self.clock.set_local(2024, 1, 1, 24),
                     lambda: self.clock.set_local("2024", 1, 1),
                     lambda: self.clock.set_utc(-5),
                     lambda: self.clock.set_utc("now"),
                     lambda: self.clock.set_from_browser(None),
                     lambda: self.clock.set_utc(epoch_of(2030, 1, 1), via="moon")):
            with self.assertRaises(ValueError):
                call()
        self.assertEqual(self.clock.offset_ms, before)
        self.assertEqual(self.bus.published, 0)

    def test_listeners_hear_each_change(self):
        heard = []
        self.clock.subscribe(lambda via, step: heard.append(via))
        self.clock.set_utc(epoch_of(2030, 1, 1), via="rtc")
        self.assertEqual(heard, ["rtc"])
        self.assertEqual(self.clock.status()["last_change"]["via"], "rtc")

    def test_status_is_json_safe(self):
        import json
        st = json.loads(json.dumps(self.clock.status()))
        self.assertEqual(st["zone"], "GMT+01:00")
        self.assertEqual(st["dst_rule"], "eu")


try:
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo
except ImportError:          # MicroPython: no tz database; the rule tables above still run
    ZoneInfo = None


class TestAgainstTzdata(unittest.TestCase if ZoneInfo else object):
    """CPython only: every auto rule agrees with the system's tz database, hour by hour around
    every switch from 2008 to 2037 (the years all four rules have been in force)."""

    ZONES = ((60, "Europe/Paris"), (0, "Europe/London"), (120, "Europe/Helsinki"),
             (-300, "America/New_York"), (-360, "America/Chicago"), (-420, "America/Denver"),
             (-480, "America/Los_Angeles"), (-540, "America/Anchorage"),
             (600, "Australia/Sydney"), (570, "Australia/Adelaide"), (720, "Pacific/Auckland"))

    def test_rules_match_tzdata(self):
        for zone, name in self.ZONES:
            tz = ZoneInfo(name)           # a missing zone is an error: CI has tzdata
            for year in range(2008, 2038):
                for month in (3, 4, 9, 10, 11):
                    for day in (1, 5, 8, 12, 15, 26, 29):
                        for hour in range(0, 24, 1):
                            t = epoch_of(year, month, day, hour)
                            dt = datetime.fromtimestamp(t, timezone.utc).astimezone(tz)
                            expected = bool(dt.dst())
                            if dst_active(t, zone) != expected:
                                self.fail("%s %s: rule says %s" % (name, dt, not expected))
                # Right around the rule's own switch instants.
                for instant in clock_mod.RULES[clock_mod.rule_for(zone)](year, zone * 60):
                    for t in (instant - H, instant - 1, instant, instant + H):
                        dt = datetime.fromtimestamp(t, timezone.utc).astimezone(tz)
                        self.assertEqual(dst_active(t, zone), bool(dt.dst()), "%s %s" % (name, dt))


if __name__ == "__main__":
    unittest.main()
