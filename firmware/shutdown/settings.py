"""Settings of shutdown management (manual §12.8.2): the events, their periods, the UPS shut-off.

    Shutdown Event    Shutdown Actions  Warning Period (Min)  1st Warning (Sec)  Warning Interval
    shutdown.<event>. enabled           period                first_warning      interval

The events are those of the manual's "Shutdown event selection", keys in EVENTS; the weekly and
special-day schedules (§12.7.5, §12.8) are their own events with their own lists of times.
"""

from firmware.clock.calendar import DAYS, days_from_civil, hhmm_minutes, month_days
from firmware.settings.schema import ConfigError, Row, item_check

# key -> (the manual's name, enabled by default). Only "battery low" is on by default: it is the
# moment every NUT upsmon shuts its server down on its own, so a new card changes nothing there.
EVENTS = (
    ("ac_failed", "UPS on battery (AC Failed)", False),
    ("battery_low", "Battery Low or Battery Discharged", True),
    ("battery_level", "Battery Level", False),
    ("imminent_stop", "Imminent Stop", False),
    ("overload", "UPS Overload", False),
    ("temperature", "Temperature Alarm", False),
    ("bypass", "On Bypass", False),
    ("weekly", "Weekly Schedule", False),
    ("special_day", "Special Day", False),
)


def weekly_item(item):
    """'DAY HH:MM HH:MM': on DAY, shut down at the first time, restart at the second."""
    fields = item.split()
    if len(fields) != 3 or fields[0].lower() not in DAYS:
        raise ValueError("expected 'DAY HH:MM HH:MM' (DAY one of %s), not %r"
                         % (", ".join(DAYS), item))
    hhmm_minutes(fields[1])
    hhmm_minutes(fields[2])
    return "%s %s %s" % (fields[0].lower(), fields[1], fields[2])


def date_minutes(date, clock):
    """Days since 1970 and minutes of 'YYYY-MM-DD', 'HH:MM' (ValueError when not a date)."""
    parts = date.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise ValueError("%r is not a date YYYY-MM-DD" % date)
    y, mo, d = (int(p) for p in parts)
    if not (1 <= mo <= 12 and 1 <= d <= month_days(y, mo)):
        raise ValueError("%r is not a date" % date)
    return days_from_civil(y, mo, d), hhmm_minutes(clock)


def special_item(item):
    """'YYYY-MM-DD HH:MM YYYY-MM-DD HH:MM': shut down at the first, restart at the second."""
    fields = item.split()
    if len(fields) != 4:
        raise ValueError("expected 'YYYY-MM-DD HH:MM YYYY-MM-DD HH:MM', not %r" % item)
    off = date_minutes(fields[0], fields[1])
    on = date_minutes(fields[2], fields[3])
    if on <= off:
        raise ValueError("%r: the restart must come after the shutdown" % item)
    return " ".join(fields)


def _event_rows(key, label, enabled):
    prefix = "shutdown.%s." % key
    return (
        Row(prefix + "enabled", "bool", enabled, None, "Shutdown action on: " + label,
            label="Shutdown Actions (%s)" % label),
        Row(prefix + "period", "int", 0 if key == "battery_low" else 5, (0, 999),
            "Minutes from the event to the shutdown command to the servers (reversible)",
            label="Warning Period (Min) (%s)" % label),
        Row(prefix + "first_warning", "int", 0 if key == "battery_low" else 10, (0, 3600),
            "Seconds from the event to the first warning to the servers",
            label="1st Warning (Sec) (%s)" % label),
        Row(prefix + "interval", "int", 60, (1, 3600), "Seconds between two warnings",
            label="Warning Interval (Sec) (%s)" % label),
    )


ROWS = (
    Row("shutdown.ups_off", "bool", False, None,
        "After the servers' shutdown, switch the UPS output off (and, with a restart delay, "
        "back on when mains returns)", label="UPS Shut Off"),
    Row("shutdown.ups_off_delay", "int", 180, (0, 7200),
        "Seconds from the shutdown command to the servers to the UPS output off",
        label="UPS Shut Off Delay (Sec)"),
    Row("shutdown.ups_on_delay", "int", 0, (0, 1440),
        "Minutes after mains returns before the UPS output is switched on; 0 = stays off",
        label="UPS On Delay (mn)"),
    Row("shutdown.battery_level", "int", 30, (0, 100),
        "Battery charge (%) at which the Battery Level event starts, on battery",
        label="Level of battery capacity (%)"),
    Row("shutdown.server_time", "int", 120, (0, 7200),
        "Seconds the slowest server needs to shut down (its agent's delay plus the OS "
        "shutdown): the UPS shut-off delay must be longer",
        label="Longest Server Shutdown Time (s)"),
    Row("shutdown.weekly", "list", [], 14,
        "Weekly schedule: 'DAY HH:MM HH:MM' (shut down, restart; card local time)",
        label="Weekly Schedule", check=item_check(weekly_item, unique=False)),
    Row("shutdown.special_days", "list", [], 8,
        "Special days: 'YYYY-MM-DD HH:MM YYYY-MM-DD HH:MM' (shut down, restart)",
        label="Special Schedule", check=item_check(special_item, unique=False)),
)
for _key, _label, _on in EVENTS:
    ROWS += _event_rows(_key, _label, _on)


def ups_off_after_servers(get):
    """The manual's warning, enforced: the UPS output may go off only after the servers did."""
    if get("shutdown.ups_off") and get("shutdown.ups_off_delay") <= get("shutdown.server_time"):
        raise ConfigError("shutdown.ups_off_delay",
                          "the UPS shut-off delay (%d s) must be longer than the servers' "
                          "shutdown time (shutdown.server_time, %d s)"
                          % (get("shutdown.ups_off_delay"), get("shutdown.server_time")))


RULES = (ups_off_after_servers,)
