"""What every management operation shares: its error, and reading its arguments.

An operation is `async fn(args, caller) -> JSON-safe result`; the same functions serve the local
socket (`opennmc ...`), and later the web API, the SSH menu and SNMP. The caller says who asks and
through which interface, so every change lands in the event log as "... via <via> by <user>". They refuse bad input with
OpError("...", "usage") before changing anything, and report what the card could not do with
OpError("...", "failed").
"""

from firmware.clock.calendar import epoch_of


class Caller:
    """Who asks for an operation: the user name and the interface ("console", "web", ...)."""

    def __init__(self, user, via="console"):
        self.user = user
        self.via = via


class OpError(Exception):
    """A request the card refuses ("usage") or cannot carry out ("failed")."""

    def __init__(self, message, kind="usage", detail=None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.detail = detail


def int_arg(args, key, default, lo=None, hi=None):
    """A whole-number argument (default when absent), within [lo, hi] when given."""
    value = args.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise OpError("%s must be a whole number" % key)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise OpError("%s must be between %s and %s" % (key, lo, hi))
    return value


def bool_arg(args, key, default=False):
    value = args.get(key, default)
    if not isinstance(value, bool):
        raise OpError("%s must be true or false" % key)
    return value


def parse_iso(text):
    """(local epoch seconds, offset seconds or None) of 'YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM]'."""
    text = text.strip()
    offset = None
    if text.endswith("Z") or text.endswith("z"):
        text, offset = text[:-1], 0
    elif len(text) > 16 and text[-6] in "+-" and text[-3] == ":":
        sign = -1 if text[-6] == "-" else 1
        hh, mm = text[-5:-3], text[-2:]
        if not (hh.isdigit() and mm.isdigit()):
            raise ValueError(text)
        offset = sign * (int(hh) * 3600 + int(mm) * 60)
        text = text[:-6]
    date, _, clock = text.replace(" ", "T").partition("T")
    d = date.split("-")
    c = clock.split(":") if clock else ["0", "0"]
    if len(d) != 3 or len(c) not in (2, 3) or not all(p.isdigit() for p in d + c):
        raise ValueError(text)
    y, mo, day = (int(p) for p in d)
    h, mi = int(c[0]), int(c[1])
    s = int(c[2]) if len(c) == 3 else 0
    if not (1 <= mo <= 12 and 1 <= day <= 31 and h < 24 and mi < 60 and s < 60):
        raise ValueError(text)
    return epoch_of(y, mo, day, h, mi, s), offset


def instant_arg(args, key, clock):
    """Epoch seconds of an ISO 8601 argument, card local time when it has no offset; or None."""
    value = args.get(key)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, str) or len(value) > 40:
        raise OpError("%s must be an ISO 8601 date and time" % key)
    try:
        local, offset = parse_iso(value)
    except ValueError:
        raise OpError("%s: %r is not an ISO 8601 date and time (e.g. 2025-03-01T14:00)"
                      % (key, value))
    if offset is not None:
        return local - offset
    return clock.utc_from_local(local)
