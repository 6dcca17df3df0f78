"""The card clock: UTC epoch kept as an offset from the system clock, plus time zone and DST.

Why an offset: setting a Linux board's system time needs privileges the firmware does not have (and
the simulated board must run unprivileged). The card therefore keeps `offset_ms`, the difference
between its own time and the system clock; setting the time (by a user, the browser, an NTP server
or an RTC) only changes that offset. Where chronyd disciplines the system clock (NTS), the offset is
simply left at zero.

Local time = UTC + zone (GMT +/- hours, quarter hours allowed) + DST, DST being "off", "on" (+1 h
all year) or "auto", where the zone selects a rule:

    rule  zones (GMT)             summer time starts              summer time ends
    eu    0, +1, +2, +3           last Sunday March 01:00 UTC     last Sunday October 01:00 UTC
    us    -5 .. -10               second Sunday March 02:00 local first Sunday November 02:00 local
                                  (standard time)                 (daylight time)
    au    +9:30, +10              first Sunday October 02:00      first Sunday April 03:00 local
                                  local standard time             daylight time (southern summer)
    nz    +12                     last Sunday September 02:00     first Sunday April 03:00 local
                                  local standard time             daylight time (southern summer)

Zones without a rule have no automatic DST. A zone shared by regions with and without DST
(+10 Queensland, -7 Arizona, -10 Hawaii) follows the rule above: choose "off" there.
Dates are computed with integer arithmetic (no datetime; MicroPython's epoch may differ).
"""

from firmware.platform import compat
from firmware.state import catalogue
from firmware.settings.config import ConfigError

DST_MODES = ("off", "on", "auto")


# --- calendar arithmetic on days since 1970-01-01 ------------------------------------------------
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


# --- DST rules: (start, end) instants in UTC seconds for a year and zone offset ------------------
def _eu(y, zone_s):
    return (nth_sunday(y, 3, -1) * 86400 + 3600, nth_sunday(y, 10, -1) * 86400 + 3600)


def _us(y, zone_s):
    # 02:00 local standard -> UTC; the end is 02:00 daylight = 01:00 standard.
    return (nth_sunday(y, 3, 2) * 86400 + 7200 - zone_s,
            nth_sunday(y, 11, 1) * 86400 + 3600 - zone_s)


def _au(y, zone_s):
    return (nth_sunday(y, 10, 1) * 86400 + 7200 - zone_s,
            nth_sunday(y, 4, 1) * 86400 + 7200 - zone_s)


def _nz(y, zone_s):
    return (nth_sunday(y, 9, -1) * 86400 + 7200 - zone_s,
            nth_sunday(y, 4, 1) * 86400 + 7200 - zone_s)


RULES = {"eu": _eu, "us": _us, "au": _au, "nz": _nz}
# zone in minutes -> rule name
ZONE_RULES = {0: "eu", 60: "eu", 120: "eu", 180: "eu",
              -300: "us", -360: "us", -420: "us", -480: "us", -540: "us", -600: "us",
              570: "au", 600: "au", 720: "nz"}


def rule_for(zone_min):
    return ZONE_RULES.get(zone_min)


def dst_active(utc, zone_min, rule=None):
    """True when summer time applies at a UTC instant under the zone's (or the given) rule."""
    rule = rule or rule_for(zone_min)
    if rule is None:
        return False
    zone_s = zone_min * 60
    y = parts(utc + zone_s)[0]
    start, end = RULES[rule](y, zone_s)
    if start < end:                      # northern hemisphere: summer inside the year
        return start <= utc < end
    return not (end <= utc < start)      # southern: summer spans the new year


def parse_zone(value):
    """Zone in minutes from hours (int/float, e.g. 5.5) or text ("+5:30", "-3", "GMT+1")."""
    if isinstance(value, bool):
        raise ConfigError("time.zone", "must be a GMT offset in hours")
    if isinstance(value, str):
        text = value.strip().upper()
        if text.startswith("GMT") or text.startswith("UTC"):
            text = text[3:].strip()
        if not text:
            return 0
        try:
            if ":" in text:
                h, m = text.split(":", 1)
                sign = -1 if h.strip().startswith("-") else 1
                minutes = abs(int(h)) * 60 + int(m)
                if not 0 <= int(m) < 60:
                    raise ValueError(text)
                minutes *= sign
            else:
                minutes = float(text) * 60
        except ValueError:
            raise ConfigError("time.zone",
                              "must be a GMT offset like +1, -5, +5:30, not %r" % value)
    elif isinstance(value, (int, float)):
        minutes = value * 60
    else:
        raise ConfigError("time.zone", "must be a GMT offset in hours")
    minutes = int(round(minutes))
    if minutes % 15 or not -720 <= minutes <= 840:
        raise ConfigError("time.zone", "must be between -12 and +14 hours in quarter hours")
    return minutes


def format_zone(zone_min):
    sign = "-" if zone_min < 0 else "+"
    z = abs(zone_min)
    return "GMT%s%02d:%02d" % (sign, z // 60, z % 60)


def format_time(epoch):
    """dd/mm/yyyy hh:mm:ss, the manual's display format."""
    y, mo, d, h, mi, s, _ = parts(epoch)
    return "%02d/%02d/%04d %02d:%02d:%02d" % (d, mo, y, h, mi, s)


def config_value(config, key, default):
    """config.get(key), or default when there is no config or the key is not in its schema."""
    if config is None:
        return default
    try:
        return config.get(key)
    except (ConfigError, KeyError):
        return default


class Clock:
    """The card's clock: now() in UTC epoch seconds, local() for display, set_*() to change it."""

    def __init__(self, zone=0, dst="off", bus=None, ip=""):
        self.zone_min = parse_zone(zone)
        if dst not in DST_MODES:
            raise ConfigError("time.dst", "must be one of off, on, auto")
        self.dst = dst
        self.bus = bus
        self.ip = ip                   # the card's address, in the manual's "time changed" texts
        self.offset_ms = 0             # card time - system time
        self.last_change = None        # (via, step_ms, utc) of the last change
        self._listeners = []

    @classmethod
    def from_config(cls, config, bus=None, ip=""):
        return cls(config_value(config, "time.zone", 0), config_value(config, "time.dst", "off"),
                   bus, ip)

    def configure(self, zone=None, dst=None):
        """Change zone and/or DST mode; validates both before changing anything."""
        zone_min = self.zone_min if zone is None else parse_zone(zone)
        if dst is not None and dst not in DST_MODES:
            raise ConfigError("time.dst", "must be one of off, on, auto")
        self.zone_min = zone_min
        if dst is not None:
            self.dst = dst

    def subscribe(self, callback):
        """callback(via, step_ms) after the card time was set."""
        self._listeners.append(callback)

    # --- reading --------------------------------------------------------------------------------
    def system_ms(self):
        return int(compat.epoch_time() * 1000)

    def now_ms(self):
        return self.system_ms() + self.offset_ms

    def now(self):
        """UTC epoch seconds of the card."""
        return self.now_ms() / 1000

    def dst_offset(self, utc):
        if self.dst == "on":
            return 3600
        if self.dst == "auto" and dst_active(utc, self.zone_min):
            return 3600
        return 0

    def local(self, utc=None):
        """Local wall-clock seconds (epoch-like, for display and for the UPS clock)."""
        if utc is None:
            utc = self.now()
        return utc + self.zone_min * 60 + self.dst_offset(utc)

    def format(self, utc=None):
        return format_time(self.local(utc))

    def utc_from_local(self, local):
        """UTC instant of a local wall-clock time. In the repeated autumn hour the first
        (summer-time) instant is chosen; a time in the skipped spring hour maps forward."""
        base = local - self.zone_min * 60
        for guess in (base - 3600, base):
            if guess + self.zone_min * 60 + self.dst_offset(guess) == local:
                return guess
        return base

    # --- setting --------------------------------------------------------------------------------
    def set_utc(self, utc, via="user"):
        """Set the card time (UTC seconds) via "user", "server" or "rtc"; returns the step (ms)."""
        if isinstance(utc, bool) or not isinstance(utc, (int, float)):
            raise ValueError("time must be a number of seconds")
        if not 946684800 <= utc < 4102444800:   # 2000 .. 2100: anything else is a bad input
            raise ValueError("time out of range (years 2000 to 2099)")
        if via not in ("user", "server", "rtc"):
            raise ValueError("via must be user, server or rtc")
        step = int(utc * 1000) - self.now_ms()
        self.offset_ms += step
        self.last_change = (via, step, utc)
        catalogue.card_event(self.bus, "time." + via, now=utc, ip=self.ip, step_ms=step)
        for cb in list(self._listeners):
            cb(via, step)
        return step

    def step_ms(self, delta_ms, via="server"):
        """Move the card time by delta_ms (an NTP offset)."""
        return self.set_utc((self.now_ms() + int(delta_ms)) / 1000, via)

    def set_from_browser(self, epoch_ms):
        """"Synchronise with computer time": the browser sends Date.now()."""
        if isinstance(epoch_ms, bool) or not isinstance(epoch_ms, (int, float)):
            raise ValueError("browser time must be milliseconds since 1970")
        return self.set_utc(epoch_ms / 1000, via="user")

    def set_local(self, y, mo, d, h=0, mi=0, s=0, via="user"):
        """"Set manually": a local date and time as the user reads it."""
        fields = (y, mo, d, h, mi, s)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in fields):
            raise ValueError("date and time fields must be whole numbers")
        if not (1 <= mo <= 12 and 0 <= h < 24 and 0 <= mi < 60 and 0 <= s < 60):
            raise ValueError("invalid date or time")
        if not 1 <= d <= _month_days(y, mo):
            raise ValueError("invalid day %d for %02d/%04d" % (d, mo, y))
        return self.set_utc(self.utc_from_local(epoch_of(y, mo, d, h, mi, s)), via)

    def status(self):
        utc = self.now()
        return {
            "utc": utc,
            "local": self.format(utc),
            "zone": format_zone(self.zone_min),
            "dst": self.dst,
            "dst_rule": rule_for(self.zone_min) if self.dst == "auto" else None,
            "dst_active": self.dst_offset(utc) != 0,
            "offset_ms": self.offset_ms,
            "last_change": None if self.last_change is None else {
                "via": self.last_change[0], "step_ms": self.last_change[1],
                "time": self.last_change[2]},
        }


def _month_days(y, m):
    if m == 12:
        return 31
    return days_from_civil(y, m + 1, 1) - days_from_civil(y, m, 1)
