"""Value kinds of settings: checking and converting one value (the schema names the setting).

    int (min, max)        bool                  choice (allowed values)
    str (max length)      host (max length)     name or address, may be empty
    hours (min, max)      GMT offset in quarter hours: 5, "+5.5", "-3:30"
    list (max items)      of text items; "a, b c" is two items: commas (or new lines) separate
                          them, spaces around them are dropped, spaces inside an item are kept
    password              login password, kept only as a salted hash ("" = not set)
    secret (max length)   sent to peers: readable in memory, sealed at rest, left out of backups

coerce(kind, limit, value) returns the typed value or raises ValueError saying what is wrong.
"""

from firmware.accounts import passwords

KINDS = ("int", "bool", "choice", "str", "host", "hours", "list", "password", "secret")


def _int(value, limit):
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    if isinstance(value, str):
        try:
            value = int(value.strip(), 0)
        except ValueError:
            raise ValueError("must be a whole number, not %r" % value)
    if not isinstance(value, int):
        raise ValueError("must be a whole number")
    lo, hi = limit
    if value < lo or value > hi:
        raise ValueError("must be between %d and %d" % (lo, hi))
    return value


def _hours(value, limit):
    """GMT offset: 5, '+5.5', '-3:30' -> hours in quarter steps (int when whole)."""
    if isinstance(value, bool):
        raise ValueError("must be a number of hours")
    try:
        if isinstance(value, str):
            text = value.strip().upper()
            if text.startswith("GMT") or text.startswith("UTC"):
                text = text[3:].strip() or "0"
            sign = -1 if text[:1] == "-" else 1
            text = text.lstrip("+-")
            if ":" in text:
                h, m = text.split(":", 1)
                if not (h.isdigit() and m.isdigit() and int(m) < 60):
                    raise ValueError
                minutes = sign * (int(h) * 60 + int(m))
            else:
                minutes = sign * float(text) * 60
        elif isinstance(value, (int, float)):
            minutes = value * 60
        else:
            raise ValueError
    except ValueError:
        raise ValueError("must be hours like +2, -5, 5.5 or 5:30, not %r" % (value,))
    if minutes % 15:
        raise ValueError("must be a whole number of quarter hours")
    lo, hi = limit
    if minutes < lo * 60 or minutes > hi * 60:
        raise ValueError("must be between %+d and %+d hours" % (lo, hi))
    return int(minutes) // 60 if minutes % 60 == 0 else minutes / 60


def _bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "on", "yes", "enabled"):
        return True
    if isinstance(value, str) and value.lower() in ("0", "false", "off", "no", "disabled"):
        return False
    raise ValueError("must be on or off")


def text(value, maxlen):
    """Printable text of at most maxlen characters."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    if len(value) > maxlen:
        raise ValueError("must be at most %d characters" % maxlen)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("must not contain control characters")
    return value


_HOST_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789.-:_[]"


def _host(value, maxlen):
    value = text(value, maxlen).strip()
    if value and (any(c not in _HOST_CHARS for c in value.lower()) or value[0] in "-."):
        raise ValueError("must be a host name or an address, not %r" % value)
    return value


def _password(value):
    """A plain password is hashed; a stored hash is checked and kept; '' means not set."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    if value == "" or passwords.is_hash(value):
        if value:
            try:
                passwords.parse_hash(value)
            except ValueError as exc:
                raise ValueError("damaged password hash (%s)" % exc)
        return value
    # The manual limits passwords; we only refuse what cannot be typed or stored safely.
    if len(value) > 64 or any(ord(c) < 32 for c in value):
        raise ValueError("password must be 1-64 printable characters")
    return passwords.hash_password(value)


def _list(value, maxitems):
    if isinstance(value, str):
        value = [v.strip() for v in value.replace("\n", ",").split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of text items")
    if len(value) > maxitems:
        raise ValueError("must have at most %d items" % maxitems)
    return list(value)


def coerce(kind, limit, value):
    """The value converted to its kind, or ValueError."""
    if kind == "int":
        return _int(value, limit)
    if kind == "bool":
        return _bool(value)
    if kind == "choice":
        value = str(value)
        if value not in limit:
            raise ValueError("must be one of %s" % ", ".join(limit))
        return value
    if kind == "str" or kind == "secret":
        return text(value, limit)
    if kind == "list":
        return _list(value, limit)
    if kind == "hours":
        return _hours(value, limit)
    if kind == "host":
        return _host(value, limit)
    if kind == "password":
        return _password(value)
    raise ValueError("bad setting kind %r" % kind)  # pragma: no cover - Row checks kinds
