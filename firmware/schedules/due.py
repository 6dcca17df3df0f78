"""When the schedules act, as pure functions of the card's local time (minutes since 1970).

    battery test    occurrences at DAY TIME every WEEKS weeks from the first one on or after
                    the start date (without one: weeks counted from Monday 1970-01-05):

        last_test(local_s, ...)  the latest occurrence at or before now, None before the first
        next_test(local_s, ...)  the next one after now

    eco mode        inside(periods, local_s): the local time is inside one of the periods

The feature acts on changes of these answers as the card clock moves: a new latest occurrence
starts a test, entering or leaving a period enables or disables eco mode. A clock set forward
past an occurrence therefore starts the test at once (once, however many were skipped); one set
back never repeats a test already started.
"""

from firmware.clock.calendar import (DAYS, WEEK_MIN, hhmm_minutes, in_week_window, week_minute,
                                     weekday)
from firmware.schedules.settings import eco_period, start_day

EPOCH_MONDAY = 4          # 1970-01-05, the first Monday since 1970-01-01 (a Thursday)


def first_test(day, clock, start=""):
    """Local minute (since 1970) of the first scheduled battery test."""
    first = start_day(start)
    wanted = DAYS.index(day)
    if first is None:
        first_day = EPOCH_MONDAY + wanted
    else:
        first_day = first + (wanted - weekday(first)) % 7
    return first_day * 1440 + hhmm_minutes(clock)


def last_test(local_s, day, clock, weeks, start=""):
    """The latest occurrence at or before local_s (minutes since 1970), or None."""
    now = int(local_s // 60)
    first = first_test(day, clock, start)
    if now < first:
        return None
    period = weeks * WEEK_MIN
    return first + (now - first) // period * period


def next_test(local_s, day, clock, weeks, start=""):
    """The next occurrence after local_s (minutes since 1970)."""
    last = last_test(local_s, day, clock, weeks, start)
    return first_test(day, clock, start) if last is None else last + weeks * WEEK_MIN


def inside(periods, local_s):
    """True when local_s (local wall-clock epoch seconds) is inside one of the eco periods."""
    now = week_minute(local_s)
    for item in periods:
        start, length = eco_period(item)
        if in_week_window(now, start, length):
            return True
    return False
