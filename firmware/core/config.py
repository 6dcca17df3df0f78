"""The configuration: one schema (defaults, types, bounds, choices), validation, atomic save.

Keys are "section.key". Everything that reads settings goes through a Config object:

    cfg = Config(path)                  # loads path if it exists, else defaults
    cfg.get("poll.rate")                # -> 2
    cfg.section("nut")                  # -> {"port": 3493, "users": [...], ...}
    cfg.update({"poll.rate": "0"}, via="cli", user="admin")   # validates all first, all or nothing
    cfg.save()                          # temp file, fsync, rename
    parse_assignment("poll.rate=0")     # -> ("poll.rate", 0), typed through the schema

A bad key or value raises ConfigError naming the field; nothing is changed.
"""

import json

try:
    import os
except ImportError:  # pragma: no cover - MicroPython names it uos on old ports
    import uos as os  # type: ignore


class ConfigError(ValueError):
    def __init__(self, field, message):
        ValueError.__init__(self, "%s: %s" % (field, message))
        self.field = field
        self.message = message


# key: (type, default, constraint, description)
#   type: "int" (constraint (min, max)), "str" (constraint max length), "bool", "choice"
#   (constraint tuple of allowed strings), "list" (constraint max items; items are strings)
SCHEMA = {
    "system.name": ("str", "opennmc", 64, "Name shown in the top bar, SNMP sysName and e-mail"),
    "serial.baud": ("choice", "auto", ("auto", "2400", "9600", "19200", "57600"),
                    "Baud rate; auto detects 57600, 19200, 9600 then 2400"),
    "serial.mapping": ("choice", "auto", ("auto", "jbusp", "vumap", "sts"),
                       "UPS Modbus mapping; auto detects it"),
    "serial.parity": ("choice", "N", ("N", "E", "O"), "Serial parity"),
    "serial.slave": ("int", 1, (1, 247), "Modbus slave address of the UPS (the system)"),
    "serial.timeout_ms": ("int", 0, (0, 5000),
                          "Additional serial timeout; 0 = the manual's default for the baud rate"),
    "serial.retries": ("int", 2, (0, 10), "Retries of a failed request before the cycle fails"),
    "poll.rate": ("int", 2, (0, 3600), "Polling Rate (s): delay between two polls; 0 = back-to-back"),
    "poll.stale_after": ("int", 3, (1, 100), "Failed cycles before the data is stale"),
    "poll.ident_every": ("int", 300, (10, 86400), "Seconds between re-reads of identity/config"),
    "poll.commands": ("list", [], 32,
                      "Command register overrides: 'nut.command=ADDRESS:VALUE' (hex or decimal)"),
    "nut.enabled": ("bool", True, None, "NUT network server on/off"),
    "nut.port": ("int", 3493, (0, 65535), "NUT network server port; 0 = any free port"),
    "nut.bind": ("str", "0.0.0.0", 64, "NUT server listening address"),
    "nut.max_clients": ("int", 64, (1, 1024), "Simultaneous NUT connections"),
    "nut.idle_timeout": ("int", 600, (10, 86400), "Seconds before an idle NUT connection is closed"),
    "nut.users": ("list", [], 16,
                  "NUT users: 'name:password:role[:cmd+cmd...]', role primary or secondary; "
                  "the password is stored hashed"),
}


def _coerce(key, value):
    spec = SCHEMA.get(key)
    if spec is None:
        raise ConfigError(key, "unknown setting")
    kind, _default, cons, _doc = spec
    if kind == "int":
        if isinstance(value, bool):
            raise ConfigError(key, "must be a whole number")
        if isinstance(value, str):
            try:
                value = int(value.strip(), 0)
            except ValueError:
                raise ConfigError(key, "must be a whole number, not %r" % value)
        if not isinstance(value, int):
            raise ConfigError(key, "must be a whole number")
        lo, hi = cons
        if value < lo or value > hi:
            raise ConfigError(key, "must be between %d and %d" % (lo, hi))
        return value
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "on", "yes", "enabled"):
            return True
        if isinstance(value, str) and value.lower() in ("0", "false", "off", "no", "disabled"):
            return False
        raise ConfigError(key, "must be on or off")
    if kind == "choice":
        value = str(value)
        if value not in cons:
            raise ConfigError(key, "must be one of %s" % ", ".join(cons))
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise ConfigError(key, "must be text")
        if len(value) > cons:
            raise ConfigError(key, "must be at most %d characters" % cons)
        if any(ord(c) < 32 for c in value):
            raise ConfigError(key, "must not contain control characters")
        return value
    if kind == "list":
        if isinstance(value, str):
            value = [v for v in value.replace(",", " ").split() if v] if value.strip() else []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(key, "must be a list of text items")
        if len(value) > cons:
            raise ConfigError(key, "must have at most %d items" % cons)
        return list(value)
    raise ConfigError(key, "bad schema type %r" % kind)  # pragma: no cover


# Per-key validators beyond type and bounds (for example hashing NUT passwords); registered by the
# modules that own the setting so the schema stays data.
VALIDATORS = {}


def validate(key, value):
    value = _coerce(key, value)
    check = VALIDATORS.get(key)
    if check is not None:
        value = check(key, value)
    return value


def parse_assignment(text):
    """'section.key=value' -> (key, typed value)."""
    if "=" not in text:
        raise ConfigError(text, "expected section.key=value")
    key, value = text.split("=", 1)
    key = key.strip()
    return key, validate(key, value)


def defaults():
    return {k: (list(v[1]) if isinstance(v[1], list) else v[1]) for k, v in SCHEMA.items()}


class Config:
    def __init__(self, path=None):
        self.path = path
        self._values = defaults()
        self._subscribers = []
        if path:
            self._load()

    def _load(self):
        try:
            with open(self.path) as f:
                data = json.load(f)
        except OSError:
            return
        for k, v in data.get("settings", {}).items():
            if k in SCHEMA:
                try:
                    self._values[k] = _coerce(k, v)
                except ConfigError:
                    pass

    def get(self, key):
        if key not in SCHEMA:
            raise ConfigError(key, "unknown setting")
        return self._values[key]

    def section(self, name):
        prefix = name + "."
        return {k[len(prefix):]: v for k, v in self._values.items() if k.startswith(prefix)}

    def subscribe(self, callback):
        """callback(changed_keys, via, user) after a successful update."""
        self._subscribers.append(callback)

    def update(self, changes, via="api", user="admin"):
        """Validate every change first; apply all or none. Returns the keys that changed."""
        checked = {}
        for k, v in changes.items():
            checked[k] = validate(k, v)
        changed = [k for k, v in checked.items() if self._values[k] != v]
        for k in changed:
            self._values[k] = checked[k]
        if changed:
            for cb in list(self._subscribers):
                cb(changed, via, user)
        return changed

    def as_dict(self):
        return dict(self._values)

    def save(self):
        if not self.path:
            return
        data = json.dumps({"version": 1, "settings": self._values})
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            f.write(data)
            f.flush()
            if hasattr(os, "fsync"):
                os.fsync(f.fileno())
        os.rename(tmp, self.path)
