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
Dates come from firmware/clock/calendar.py. Zone and DST arrive checked by the settings
(firmware/clock/settings.py): the zone in hours, quarter hours allowed.
"""

from firmware.clock.calendar import epoch_of, format_time, month_days, nth_sunday, parts
from firmware.platform import compat
from firmware.state import catalogue

DST_MODES = ("off", "on", "auto")


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


def format_zone(zone_min):
    sign = "-" if zone_min < 0 else "+"
    z = abs(zone_min)
    return "GMT%s%02d:%02d" % (sign, z // 60, z % 60)


class Clock:
    """The card's clock: now() in UTC epoch seconds, local() for display, set_*() to change it."""

    def __init__(self, zone=0, dst="off", bus=None, ip=""):
        self.zone_min = 0
        self.dst = "off"
        self.configure(zone, dst)
        self.bus = bus
        self.ip = ip                   # the card's address, in the manual's "time changed" texts
        self.offset_ms = 0             # card time - system time
        self.last_change = None        # (via, step_ms, utc) of the last change
        self._listeners = []

    def configure(self, zone=None, dst=None):
        """Change the zone (GMT offset in hours, quarter hours allowed) and/or the DST mode."""
        if dst is not None and dst not in DST_MODES:
            raise ValueError("DST must be one of off, on, auto, not %r" % (dst,))
        if zone is not None:
            zone_min = int(round(zone * 60))
            if zone_min % 15 or not -720 <= zone_min <= 840:
                raise ValueError("zone must be -12..+14 hours in quarter hours, not %r" % (zone,))
            self.zone_min = zone_min
        if dst is not None:
            self.dst = dst

    def subscribe(self, callback):
        """callback(via, step_ms) after the card time was set."""
        self._listeners.append(callback)

    def unsubscribe(self, callback):
        if callback in self._listeners:
            self._listeners.remove(callback)

    # --- reading --------------------------------------------------------------------------------
    def system_ms(self):
        return int(compat.epoch_time() * 1000)

    def now_ms(self):
        return self.system_ms() + self.offset_ms

    def now(self):
        """UTC epoch seconds of the card."""
        return self.now_ms() / 1000

    def ticks_for(self, seconds):
        """Milliseconds of the tick counter a span of card seconds lasts (periodic tasks)."""
        return max(1, int(seconds * 1000))

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
        if not 1 <= d <= month_days(y, mo):
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
