"""Weekly and special-day schedules (manual §12.7.5, §12.8): is the card's local time in a window?

    weekly item        "fri 22:00 07:00"    off Friday 22:00, on again at 07:00 (Saturday here:
                                            an "on" time not after the "off" time is the next day)
    special-day item   "2026-12-24 18:00 2026-12-27 07:00"   off, then on again

A schedule event is present while the local time is inside one of its windows: the shutdown
sequence starts at the "off" time and the UPS is switched on again at the "on" time.
"""

from firmware.clock.calendar import DAYS, hhmm_minutes, in_week_window, week_minute
from firmware.shutdown.settings import date_minutes


def in_weekly(items, local_s):
    """True when local_s (local wall-clock epoch seconds) is inside a weekly window."""
    now = week_minute(local_s)
    for item in items:
        day, off, on = item.split()
        start = DAYS.index(day) * 1440 + hhmm_minutes(off)
        length = (hhmm_minutes(on) - hhmm_minutes(off)) % 1440 or 1440
        if in_week_window(now, start, length):
            return True
    return False


def in_special(items, local_s):
    """True when local_s is inside a special-day window."""
    now = int(local_s // 60)
    for item in items:
        d1, t1, d2, t2 = item.split()
        off_day, off_min = date_minutes(d1, t1)
        on_day, on_min = date_minutes(d2, t2)
        if off_day * 1440 + off_min <= now < on_day * 1440 + on_min:
            return True
    return False
