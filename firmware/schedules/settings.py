"""Settings of the UPS control schedules and power share (manual §12.7.3, §12.7.4, §12.8.1).

    schedules.battery_test.*   enabled, day, time, weeks, start: a battery test on DAY at TIME
                               every WEEKS weeks, the first on or after START (VU-MAP only)
    schedules.eco.*            enabled, periods: eco mode inside each period, normal mode after
    powershare.plugs           plugs of a UPS that does not report how many it has (VU-MAP)
    powershare.plugN.*         mode, value: what switches plug N (N = 1..4) on its own

The manual's pages for the two schedules are screenshots its text lost: the fields here are the
usual ones of such a card. The battery test has one day, one time and a frequency in weeks
("start on a specific day and hours with a frequency given in weeks"); the eco mode schedule
has periods like the weekly shutdown schedule, each 'DAY HH:MM HH:MM' (the end on the same day,
or on the next when it is not later) or 'DAY HH:MM DAY HH:MM' (the NET VISION MIB's
upsControlEcoModeStartDay/StartTime/EndDay/EndTime), so a period may span a weekend.
"""

from firmware.clock.calendar import DAYS, WEEK_MIN, days_from_civil, hhmm_minutes, month_days
from firmware.settings.schema import ConfigError, Row, item_check

PLUGS = 4                 # the manual's UPS event list: "Power Plugs 1 to 4"
# Plug modes: key -> (the manual's name, unit of the value, highest value).
MODES = (
    ("manual", "Manual (plugs control only)", "", 0),
    ("battery_capacity", "Battery Capacity", "%", 100),
    ("backup_time", "Remaining Backup time", "min", 999),
    ("time_on_battery", "Time on Battery", "min", 999),
    ("emergency_lighting", "Emergency lighting", "", 0),
)
MODE_KEYS = tuple(m[0] for m in MODES)
MODE_LABELS = {m[0]: m[1] for m in MODES}


def _day(text):
    day = text.lower()
    if day not in DAYS:
        raise ValueError("%r is not a day (%s)" % (text, ", ".join(DAYS)))
    return DAYS.index(day)


def eco_period(item):
    """(start minute of the week, length in minutes) of an eco mode period item."""
    fields = item.split()
    if len(fields) == 3:
        start = _day(fields[0]) * 1440 + hhmm_minutes(fields[1])
        length = (hhmm_minutes(fields[2]) - hhmm_minutes(fields[1])) % 1440 or 1440
        return start, length
    if len(fields) == 4:
        start = _day(fields[0]) * 1440 + hhmm_minutes(fields[1])
        end = _day(fields[2]) * 1440 + hhmm_minutes(fields[3])
        if end == start:
            raise ValueError("%r: the period must end at another time than it starts" % item)
        return start, (end - start) % WEEK_MIN
    raise ValueError("expected 'DAY HH:MM HH:MM' or 'DAY HH:MM DAY HH:MM' (DAY one of %s), "
                     "not %r" % (", ".join(DAYS), item))


def eco_item(item):
    """The check of one period: well formed, days written in lower case."""
    eco_period(item)
    fields = item.split()
    days = (0, 2) if len(fields) == 4 else (0,)
    return " ".join(f.lower() if i in days else f for i, f in enumerate(fields))


def check_time(text):
    hhmm_minutes(text)
    return text


def start_day(text):
    """Days since 1970 of 'YYYY-MM-DD', None for '' (ValueError when not a date)."""
    if not text:
        return None
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError("%r is not a date YYYY-MM-DD" % text)
    y, mo, d = (int(p) for p in parts)
    if not (1 <= mo <= 12 and 1 <= d <= month_days(y, mo)):
        raise ValueError("%r is not a date" % text)
    return days_from_civil(y, mo, d)


def check_start(text):
    start_day(text.strip())
    return text.strip()


def _plug_rows(n):
    prefix = "powershare.plug%d." % n
    return (
        Row(prefix + "mode", "choice", "manual", MODE_KEYS,
            "What switches power share plug %d: manual (the plugs control only), "
            "battery_capacity / backup_time / time_on_battery (off on battery when the value "
            "is reached, on again when mains returns), emergency_lighting (on only while on "
            "battery)" % n, label="Plug %d mode" % n),
        Row(prefix + "value", "int", 0, (0, 999),
            "The value plug %d's mode is reached at: battery charge (%%), remaining backup time "
            "(minutes) or time on battery (minutes)" % n, label="Plug %d value" % n),
    )


ROWS = (
    Row("schedules.battery_test.enabled", "bool", False, None,
        "Battery test schedule on/off (VU-MAP UPS with a battery, remote controls enabled)",
        label="Battery Test Schedule"),
    Row("schedules.battery_test.day", "choice", "mon", DAYS, "Day of the scheduled battery test",
        label="Battery test day"),
    Row("schedules.battery_test.time", "str", "02:00", 5,
        "Time of the scheduled battery test, HH:MM card local time",
        label="Battery test time", check=check_time),
    Row("schedules.battery_test.weeks", "int", 4, (1, 52),
        "Weeks between two scheduled battery tests", label="Battery test frequency (weeks)"),
    Row("schedules.battery_test.start", "str", "", 12,
        "YYYY-MM-DD: the first scheduled test is on the first test day on or after this date; "
        "empty: weeks are counted from Monday 5 January 1970",
        label="Battery test first date", check=check_start),
    Row("schedules.eco.enabled", "bool", False, None,
        "eco mode schedule on/off (UPS with eco mode and remote controls enabled)",
        label="eco mode schedule"),
    Row("schedules.eco.periods", "list", [], 14,
        "eco mode periods, card local time: 'DAY HH:MM HH:MM' or 'DAY HH:MM DAY HH:MM' (start, "
        "end); eco mode is enabled at each start and disabled at each end",
        label="eco mode periods", check=item_check(eco_item, unique=False)),
    Row("powershare.plugs", "int", 0, (0, PLUGS),
        "Power share plugs of a UPS that does not report their number (VU-MAP); a JBUSP UPS "
        "reports its own (outlet.count)", label="Power share plugs"),
)
for _n in range(1, PLUGS + 1):
    ROWS += _plug_rows(_n)
del _n


def plug_values(get):
    """A plug's value must fit its mode: a charge within 1..100 %, a time of at least 1 min."""
    for n in range(1, PLUGS + 1):
        mode = get("powershare.plug%d.mode" % n)
        value = get("powershare.plug%d.value" % n)
        for key, label, unit, high in MODES:
            if key == mode and high and not 1 <= value <= high:
                raise ConfigError("powershare.plug%d.value" % n,
                                  "plug %d's mode %s needs a value from 1 to %d %s, not %d"
                                  % (n, label, high, unit, value))


RULES = (plug_values,)
