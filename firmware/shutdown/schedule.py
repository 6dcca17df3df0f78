"""Weekly and special-day schedules (manual §12.7.5, §12.8): is the card's local time in a window?

    weekly item        "fri 22:00 07:00"    off Friday 22:00, on again at 07:00 (Saturday here:
                                            an "on" time not after the "off" time is the next day)
    special-day item   "2026-12-24 18:00 2026-12-27 07:00"   off, then on again

A schedule event is present while the local time is inside one of its windows: the shutdown
sequence starts at the "off" time and the UPS is switched on again at the "on" time.
"""

from firmware.clock.calendar import parts
from firmware.shutdown.settings import DAYS, date_minutes

WEEK_MIN = 7 * 24 * 60


def _minutes(text):
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def in_weekly(items, local_s):
    """True when local_s (local wall-clock epoch seconds) is inside a weekly window."""
    fields = parts(local_s)
    now = fields[6] * 1440 + fields[3] * 60 + fields[4]      # minutes since Monday 00:00
    for item in items:
        day, off, on = item.split()
        start = DAYS.index(day) * 1440 + _minutes(off)
        length = (_minutes(on) - _minutes(off)) % 1440 or 1440
        if (now - start) % WEEK_MIN < length:
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
