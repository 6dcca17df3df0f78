"""Civil dates in integer arithmetic: days since 1970, weekday, epoch seconds <-> fields.

The one civil-date conversion of the card: the clock, the logs, the UPS clock words, the CSV
exports and the weekly schedules (shutdown, eco mode, battery test) all use it. No datetime, no
time.gmtime: MicroPython's epoch may start in 2000.

Weekly schedules count minutes from Monday 00:00 (week_minute); a window is a start minute of
the week and a length, and may run past Sunday midnight into the next week (in_week_window).
"""

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")     # weekday() order
WEEK_MIN = 7 * 24 * 60

def days_from_civil(y, m, d):
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def civil_from_days(z):
    """(year, month, day) of a day number since 1970-01-01."""
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return (y + (m <= 2), m, d)


def weekday(days):
    """0 = Monday .. 6 = Sunday for a day number (1970-01-01 was a Thursday)."""
    return (days + 3) % 7


def epoch_of(y, mo, d, h=0, mi=0, s=0):
    """Seconds since 1970 of a date and time (in whatever zone the fields are)."""
    return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s


def parts(epoch):
    """(year, month, day, hour, minute, second, weekday) of epoch seconds."""
    secs = int(epoch // 1)
    days = secs // 86400
    rem = secs - days * 86400
    y, m, d = civil_from_days(days)
    return (y, m, d, rem // 3600, (rem // 60) % 60, rem % 60, weekday(days))


def nth_sunday(y, m, n):
    """Day number of the n-th Sunday of a month; n = -1 is the last one."""
    if n > 0:
        first = days_from_civil(y, m, 1)
        return first + (6 - weekday(first)) % 7 + 7 * (n - 1)
    nxt = days_from_civil(y + (m == 12), 1 if m == 12 else m + 1, 1)
    last = nxt - 1
    return last - (weekday(last) - 6) % 7


def format_time(epoch):
    """dd/mm/yyyy hh:mm:ss, the manual's display format."""
    y, mo, d, h, mi, s, _ = parts(epoch)
    return "%02d/%02d/%04d %02d:%02d:%02d" % (d, mo, y, h, mi, s)


def month_days(y, m):
    """Days in month m of year y."""
    if m == 12:
        return 31
    return days_from_civil(y, m + 1, 1) - days_from_civil(y, m, 1)


def hhmm_minutes(text):
    """Minutes since midnight of 'HH:MM' (ValueError saying so when it is not a time)."""
    h, _, m = text.partition(":")
    if not (len(h) == 2 and len(m) == 2 and h.isdigit() and m.isdigit()
            and int(h) < 24 and int(m) < 60):
        raise ValueError("%r is not a time HH:MM" % text)
    return int(h) * 60 + int(m)


def week_minute(local_s):
    """Minutes since Monday 00:00 of local wall-clock epoch seconds."""
    fields = parts(local_s)
    return fields[6] * 1440 + fields[3] * 60 + fields[4]


def in_week_window(now_min, start_min, length_min):
    """True when minute-of-week now_min is inside the window [start, start + length), which may
    wrap past Sunday midnight."""
    return (now_min - start_min) % WEEK_MIN < length_min
