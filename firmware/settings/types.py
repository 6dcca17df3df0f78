"""Value types of the configuration: checking and converting one setting's value.

    int (min, max)      hours (min, max) GMT offset, quarter hours   bool
    choice (allowed)    str (max length)    host (max length) name or address, may be empty
    ipv4 (empty allowed?)    email (max length)    hhmm  "HH:MM"
    list (max items) of text; the VALIDATORS of firmware/settings/config.py check item formats
    password            login password, kept only as a salted hash ("" = not set)
    secret (max length) sent to peers: readable in memory, sealed at rest, left out of backups

coerce(key, value) returns the typed value or raises ConfigError naming the setting.
"""

from firmware.accounts import passwords
from firmware.settings.schema import SCHEMA


class ConfigError(ValueError):
    def __init__(self, field, message):
        # super(), not ValueError.__init__(self, ...): MicroPython's built-in types lack __init__.
        super().__init__("%s: %s" % (field, message))
        self.field = field
        self.message = message


def _fail(key, message):
    raise ConfigError(key, message)


def _int(key, value, cons):
    if isinstance(value, bool):
        _fail(key, "must be a whole number")
    if isinstance(value, str):
        try:
            value = int(value.strip(), 0)
        except ValueError:
            _fail(key, "must be a whole number, not %r" % value)
    if not isinstance(value, int):
        _fail(key, "must be a whole number")
    lo, hi = cons
    if value < lo or value > hi:
        _fail(key, "must be between %d and %d" % (lo, hi))
    return value


def _hours(key, value, cons):
    """GMT offset: 5, '+5.5', '-3:30' -> hours in quarter steps (int when whole)."""
    if isinstance(value, bool):
        _fail(key, "must be a number of hours")
    try:
        if isinstance(value, str):
            text = value.strip()
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
        _fail(key, "must be hours like +2, -5, 5.5 or 5:30, not %r" % (value,))
    if minutes % 15:
        _fail(key, "must be a whole number of quarter hours")
    lo, hi = cons
    if minutes < lo * 60 or minutes > hi * 60:
        _fail(key, "must be between %+d and %+d hours" % (lo, hi))
    return int(minutes) // 60 if minutes % 60 == 0 else minutes / 60


def _bool(key, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "on", "yes", "enabled"):
        return True
    if isinstance(value, str) and value.lower() in ("0", "false", "off", "no", "disabled"):
        return False
    _fail(key, "must be on or off")


def _text(key, value, maxlen):
    if not isinstance(value, str):
        _fail(key, "must be text")
    if len(value) > maxlen:
        _fail(key, "must be at most %d characters" % maxlen)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        _fail(key, "must not contain control characters")
    return value


def _is_ipv4(text):
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts)


_HOST_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789.-:_/%[]"


def _host(key, value, maxlen):
    value = _text(key, value, maxlen).strip()
    if value and (any(c not in _HOST_CHARS for c in value.lower()) or value[0] in "-."):
        _fail(key, "must be a host name or an address, not %r" % value)
    return value


def _ipv4(key, value, empty_ok):
    value = _text(key, value, 15).strip()
    if value == "" and empty_ok:
        return value
    if not _is_ipv4(value):
        _fail(key, "must be an IPv4 address like 192.168.1.10, not %r" % value)
    return value


def _email(key, value, maxlen):
    value = _text(key, value, maxlen).strip()
    if value and (value.count("@") != 1 or " " in value or value[0] == "@" or value[-1] == "@"):
        _fail(key, "must be an e-mail address like name@domain, not %r" % value)
    return value


def _hhmm(key, value):
    value = _text(key, value, 5).strip()
    h, _, m = value.partition(":")
    if not (len(h) == 2 and len(m) == 2 and h.isdigit() and m.isdigit()
            and int(h) < 24 and int(m) < 60):
        _fail(key, "must be a time HH:MM, not %r" % value)
    return value


def _password(key, value):
    """A plain password is hashed; a stored hash is checked and kept; '' means not set."""
    if not isinstance(value, str):
        _fail(key, "must be text")
    if value == "" or passwords.is_hash(value):
        if value:
            try:
                passwords.parse_hash(value)
            except ValueError as exc:
                _fail(key, "damaged password hash (%s)" % exc)
        return value
    # The manual limits passwords; we only refuse what cannot be typed or stored safely.
    if len(value) > 64 or any(ord(c) < 32 for c in value):
        _fail(key, "password must be 1-64 printable characters")
    return passwords.hash_password(value)


def _list(key, value, maxitems):
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v] if value.strip() else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(key, "must be a list of text items")
    if len(value) > maxitems:
        _fail(key, "must have at most %d items" % maxitems)
    return list(value)


def coerce(key, value):
    spec = SCHEMA.get(key)
    if spec is None:
        _fail(key, "unknown setting")
    kind, _default, cons, _doc = spec
    if kind == "int":
        return _int(key, value, cons)
    if kind == "bool":
        return _bool(key, value)
    if kind == "choice":
        value = str(value)
        if value not in cons:
            _fail(key, "must be one of %s" % ", ".join(cons))
        return value
    if kind == "str" or kind == "secret":
        return _text(key, value, cons)
    if kind == "list":
        return _list(key, value, cons)
    if kind == "hours":
        return _hours(key, value, cons)
    if kind == "host":
        return _host(key, value, cons)
    if kind == "ipv4":
        return _ipv4(key, value, cons)
    if kind == "email":
        return _email(key, value, cons)
    if kind == "hhmm":
        return _hhmm(key, value)
    if kind == "password":
        return _password(key, value)
    _fail(key, "bad schema type %r" % kind)  # pragma: no cover
