"""Schedules and power share, the pure parts: settings, due times, plug modes, availability."""

import unittest

from firmware.clock.calendar import (WEEK_MIN, days_from_civil, epoch_of, hhmm_minutes,
                                     in_week_window, week_minute)
from firmware.schedules import availability, due, settings
from firmware.schedules.powershare import Plug, reached
from firmware.settings.config import Config
from firmware.settings.schema import ConfigError, Schema
from firmware.state.ups import UpsState

PORTABLE = True
SCHEMA = Schema(settings.ROWS, settings.RULES)
MONDAY = epoch_of(2026, 11, 30)           # Monday 30 November 2026, 00:00 local


def minute(y, mo, d, h=0, mi=0):
    return epoch_of(y, mo, d, h, mi) // 60


class CalendarTest(unittest.TestCase):
    def test_week_minutes_and_windows_that_wrap(self):
        self.assertEqual(week_minute(MONDAY), 0)
        self.assertEqual(week_minute(MONDAY + 6 * 86400 + 23 * 3600 + 59 * 60), WEEK_MIN - 1)
        sunday_night = 6 * 1440 + 22 * 60
        for now, inside in ((sunday_night - 1, False), (sunday_night, True), (30, True),
                            (59, True), (60, False)):
            self.assertEqual(in_week_window(now, sunday_night, 180), inside, now)
        self.assertEqual(hhmm_minutes("07:30"), 450)
        for bad in ("7:30", "24:00", "07:60", "0730"):
            with self.assertRaises(ValueError):
                hhmm_minutes(bad)


class SettingsTest(unittest.TestCase):
    def test_eco_periods_are_checked_and_written_in_lower_case(self):
        self.assertEqual(SCHEMA.check("schedules.eco.periods", "FRI 20:00 MON 06:00, sat 08:00 "
                                      "18:00"), ["fri 20:00 mon 06:00", "sat 08:00 18:00"])
        for bad in ("fri 20:00", "friday 20:00 21:00", "fri 20:00 fri 20:00", "fri 25:00 06:00",
                    "fri 20:00 xyz 06:00", "fri 20:00 mon 06:00 extra"):
            with self.assertRaises(ConfigError, msg=bad):
                SCHEMA.check("schedules.eco.periods", [bad])

    def test_battery_test_fields(self):
        self.assertEqual(SCHEMA.check("schedules.battery_test.time", "23:45"), "23:45")
        self.assertEqual(SCHEMA.check("schedules.battery_test.start", " 2026-12-01"), "2026-12-01")
        for key, bad in (("schedules.battery_test.time", "2:00"),
                         ("schedules.battery_test.start", "2026-02-30"),
                         ("schedules.battery_test.start", "01/12/2026"),
                         ("schedules.battery_test.day", "monday"),
                         ("schedules.battery_test.weeks", "0")):
            with self.assertRaises(ConfigError, msg=(key, bad)):
                SCHEMA.check(key, bad)

    def test_a_plug_value_fits_its_mode_and_a_refusal_changes_nothing(self):
        cfg = Config(SCHEMA)
        with self.assertRaises(ConfigError) as ctx:
            cfg.update({"powershare.plug2.mode": "battery_capacity", "powershare.plug2.value": 150})
        self.assertEqual(ctx.exception.field, "powershare.plug2.value")
        self.assertIn("1 to 100 %", ctx.exception.message)
        self.assertEqual(cfg.get("powershare.plug2.mode"), "manual")
        with self.assertRaises(ConfigError):
            cfg.update({"powershare.plug1.mode": "time_on_battery"})      # value 0: never
        cfg.update({"powershare.plug1.mode": "time_on_battery", "powershare.plug1.value": 5,
                    "powershare.plug3.mode": "emergency_lighting"})
        self.assertEqual(cfg.get("powershare.plug1.value"), 5)


class BatteryTestDueTest(unittest.TestCase):
    def test_every_week_on_its_day_and_time(self):
        monday_2am = minute(2026, 11, 30, 2, 0)
        cases = (   # (local time, latest occurrence at or before it)
            (epoch_of(2026, 11, 30, 1, 59), monday_2am - WEEK_MIN),
            (epoch_of(2026, 11, 30, 2, 0), monday_2am),
            (epoch_of(2026, 12, 6, 23, 59), monday_2am),
            (epoch_of(2026, 12, 7, 2, 0), monday_2am + WEEK_MIN),
        )
        for local, last in cases:
            self.assertEqual(due.last_test(local, "mon", "02:00", 1), last, local)
        self.assertEqual(due.next_test(epoch_of(2026, 11, 30, 2, 0), "mon", "02:00", 1),
                         monday_2am + WEEK_MIN)

    def test_every_n_weeks_from_the_first_day_on_or_after_the_start(self):
        # Start Wednesday 2 December 2026, Fridays at 22:30 every 3 weeks: 4, 25 December, ...
        first = minute(2026, 12, 4, 22, 30)
        args = ("fri", "22:30", 3, "2026-12-02")
        self.assertEqual(due.first_test(*args[:2], start=args[3]), first)
        self.assertIsNone(due.last_test(epoch_of(2026, 12, 4, 22, 29), *args))
        self.assertEqual(due.next_test(epoch_of(2026, 11, 1), *args), first)
        self.assertEqual(due.last_test(epoch_of(2026, 12, 11, 23, 0), *args), first)
        self.assertEqual(due.last_test(epoch_of(2026, 12, 25, 22, 30), *args),
                         first + 3 * WEEK_MIN)
        self.assertEqual(due.next_test(epoch_of(2026, 12, 25, 22, 30), *args),
                         first + 6 * WEEK_MIN)
        # A start on the test day itself is the first test day.
        self.assertEqual(due.first_test("wed", "00:00", "2026-12-02"),
                         days_from_civil(2026, 12, 2) * 1440)

    def test_without_a_start_weeks_count_from_the_first_monday_of_1970(self):
        self.assertEqual(due.first_test("mon", "00:00"), days_from_civil(1970, 1, 5) * 1440)
        monday = minute(2026, 11, 30)        # 2917 weeks after 1970-01-05: 2917 % 4 == 1
        self.assertEqual(due.last_test(MONDAY, "mon", "00:00", 4), monday - WEEK_MIN)


class EcoDueTest(unittest.TestCase):
    def test_periods_within_a_day_across_midnight_and_across_the_weekend(self):
        periods = ["tue 12:00 14:00", "wed 22:00 06:00", "fri 20:00 mon 06:00"]
        cases = (
            (epoch_of(2026, 12, 1, 11, 59), False), (epoch_of(2026, 12, 1, 12, 0), True),
            (epoch_of(2026, 12, 1, 14, 0), False), (epoch_of(2026, 12, 3, 5, 59), True),
            (epoch_of(2026, 12, 3, 6, 0), False), (epoch_of(2026, 12, 4, 19, 59), False),
            (epoch_of(2026, 12, 5, 12, 0), True), (epoch_of(2026, 12, 7, 5, 59), True),
            (epoch_of(2026, 12, 7, 6, 0), False),
        )
        for local, inside in cases:
            self.assertEqual(due.inside(periods, local), inside, local)
        self.assertFalse(due.inside([], MONDAY))


class PlugTest(unittest.TestCase):
    MAINS = {"on_battery": False, "charge": 100, "runtime_s": None, "on_battery_s": 0}

    @staticmethod
    def battery(**kv):
        facts = {"on_battery": True, "charge": 90, "runtime_s": 1800, "on_battery_s": 10}
        facts.update(kv)
        return facts

    def test_thresholds(self):
        for mode, value, facts, yes in (
                ("battery_capacity", 50, {"charge": 50}, True),
                ("battery_capacity", 50, {"charge": 51}, False),
                ("battery_capacity", 50, {}, False),
                ("backup_time", 10, {"runtime_s": 600}, True),
                ("backup_time", 10, {"runtime_s": 601}, False),
                ("time_on_battery", 2, {"on_battery_s": 120}, True),
                ("time_on_battery", 2, {"on_battery_s": 119}, False),
                ("manual", 2, {"on_battery_s": 999}, False)):
            self.assertEqual(reached(mode, value, facts), yes, (mode, value, facts))

    def test_a_threshold_switches_off_once_and_back_on_with_mains(self):
        plug = Plug()
        steps = (   # (facts, wanted, due, acted ok)
            (self.MAINS, None, False, None),
            (self.battery(charge=80), None, False, None),
            (self.battery(charge=60), "off", True, True),
            (self.battery(charge=65), "off", False, None),     # the charge climbs back: still off
            (self.MAINS, "on", True, True),
            (self.MAINS, None, False, None),
        )
        for facts, wanted, is_due, ok in steps:
            self.assertEqual(plug.wanted("battery_capacity", 70, facts), wanted, facts)
            self.assertEqual(plug.due(wanted), is_due, facts)
            if is_due:
                plug.done(wanted, ok)

    def test_a_refused_command_is_not_repeated_and_nothing_is_restored(self):
        plug = Plug()
        wanted = plug.wanted("time_on_battery", 1, self.battery(on_battery_s=60))
        self.assertTrue(plug.due(wanted))
        plug.done(wanted, False)                              # the UPS refused it
        again = plug.wanted("time_on_battery", 1, self.battery(on_battery_s=90))
        self.assertEqual(again, "off")
        self.assertFalse(plug.due(again))
        self.assertIsNone(plug.wanted("time_on_battery", 1, self.MAINS))

    def test_emergency_lighting_is_on_only_on_battery(self):
        plug = Plug()
        self.assertEqual(plug.wanted("emergency_lighting", 0, self.MAINS), "off")
        self.assertEqual(plug.wanted("emergency_lighting", 0, self.battery()), "on")
        self.assertIsNone(plug.wanted("manual", 0, self.battery()))


def ups(mapping, values=None, statuses=(), alarms=(), **device):
    """A committed snapshot as the poller writes it."""
    state = UpsState()
    state.begin()
    for name, value in (values or {}).items():
        state.set(name, value)
    state.set_flags({a: (None, a) for a in statuses}, {a: (None, a) for a in alarms})
    device["mapping"] = mapping
    state.set_device(device)
    state.commit(now=0)
    return state


class AvailabilityTest(unittest.TestCase):
    VUMAP = {"functions": ["eco mode enabled"], "dc_storage": ["battery present"]}
    ALL = ["test.battery.start", "experimental.ecomode.enable", "experimental.ecomode.disable",
           "outlet.1.load.off", "outlet.1.load.on", "outlet.2.load.off", "outlet.2.load.on"]

    def test_a_vumap_ups_with_everything(self):
        state = ups("vumap", **self.VUMAP)
        for function in ("battery_test", "eco"):
            self.assertIsNone(availability.why_not(state, self.ALL, function))
        self.assertIsNone(availability.why_not(state, self.ALL, "powershare", 2, 2))
        self.assertEqual(availability.why_not(state, self.ALL, "powershare", 2, 3),
                         "the UPS has 2 power share plugs")
        self.assertEqual(availability.why_not(state, self.ALL, "powershare", 0, 1),
                         "the UPS has no power share plugs")

    def test_functions_the_ups_lacks(self):
        cases = (
            (ups("vumap", functions=[], dc_storage=["battery present"]), "eco",
             "eco mode is not enabled by the UPS"),
            (ups("vumap", alarms=["A008"], **self.VUMAP), "eco",
             "eco mode is not enabled by the UPS"),
            (ups("vumap", functions=["eco mode enabled"], dc_storage=[]), "battery_test",
             "the UPS reports no battery"),
            (ups("jbusp"), "battery_test", "the battery test schedule is only for VU-MAP UPS"),
            (ups("sts"), "eco", "the device is a static transfer switch"),
            (ups("vumap", **self.VUMAP), "powershare", "the UPS has no power share plugs"),
            (UpsState(), "eco", "no current data from the UPS"),
        )
        for state, function, why in cases:
            self.assertEqual(availability.why_not(state, self.ALL, function), why, why)

    def test_remote_controls_and_commands(self):
        jbusp = ups("jbusp", values={"outlet.count": 2})
        self.assertEqual(availability.plug_count(jbusp, 0), 2)
        self.assertEqual(availability.plug_count(ups("vumap"), 3), 3)
        self.assertIsNone(availability.why_not(jbusp, self.ALL, "eco"))   # JBUSP: no function bit
        self.assertIsNone(availability.why_not(jbusp, self.ALL, "powershare", 2, 1))
        disabled = ups("jbusp", values={"outlet.count": 2}, statuses=["S06"])
        self.assertEqual(availability.why_not(disabled, ["beeper.mute"], "powershare", 2, 1),
                         "the UPS reports remote controls disabled")
        self.assertEqual(availability.why_not(jbusp, ["test.battery.start"], "eco"),
                         "the UPS has no experimental.ecomode.enable command")


if __name__ == "__main__":
    unittest.main()
