"""Settings rows and the schema the card builds from its features' rows: one place checks a value.

A feature declares its settings as rows beside its code (firmware/<feature>/settings.py):

    Row("poll.rate", "int", 2, (0, 3600), "Polling Rate (s): ...", label="Polling Rate")
    Row("time.ntp_server", "host", "", 64, "NTP server", check=parse_server_value)
    Row("log.records", "int", 2048, (16, 65535), "Records kept in each log", restart=True)

kind, default and limit are checked by firmware/settings/types.py; `check(value) -> value` (raising
ValueError with a message for the user) adds what a type cannot say (a host:port, a command row).
`restart` marks a setting that takes effect at the next start of the card; every other setting is
applied by its feature while the card runs. The card assembles one Schema from the rows of the
features it runs (firmware/card/features.py): a setting exists only when its feature does, and
the same Schema.check() serves `--set`, restore, the management socket and the boot-time load.
"""

from firmware.settings import types


class ConfigError(ValueError):
    """A refused setting; `field` names it, `message` says why."""

    def __init__(self, field, message):
        # super(), not ValueError.__init__(self, ...): MicroPython's built-in types lack __init__.
        super().__init__("%s: %s" % (field, message))
        self.field = field
        self.message = message


class Row:
    """One setting: key "section.name", value kind, default, limit, description, label, check."""

    def __init__(self, key, kind, default, limit=None, doc="", label=None, check=None,
                 restart=False):
        if kind not in types.KINDS:
            raise ValueError("setting %s: unknown kind %r" % (key, kind))
        self.key = key
        self.kind = kind
        self.default = default
        self.limit = limit
        self.doc = doc
        self.label = label or key      # the manual's name, in "<label> has been changed ..."
        self.check = check
        self.restart = restart

    @property
    def secret(self):
        """Never shown or exported in plain text (hashed passwords, sealed secrets)."""
        return self.kind in ("password", "secret")

    def validate(self, value):
        """The typed value, or ConfigError naming the setting."""
        try:
            value = types.coerce(self.kind, self.limit, value)
            if self.check is not None:
                value = self.check(value)
        except ValueError as exc:
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError(self.key, str(exc))
        return value


class Schema:
    """The card's settings: rows by key, checked in one place.

    rules: checks across settings, rule(get) with get(key) -> value, raising ConfigError naming
    the setting to change (the UPS shut-off delay must exceed the servers' shutdown time ...).
    """

    def __init__(self, rows, rules=()):
        self.rows = {}
        self.rules = tuple(rules)
        for row in rows:
            if row.key in self.rows:
                raise ValueError("setting %s is declared twice" % row.key)
            self.rows[row.key] = row

    def check_rules(self, values):
        """ConfigError from the first rule the {key: value} settings break, else None."""
        for rule in self.rules:
            rule(values.get)

    def __contains__(self, key):
        return key in self.rows

    def __len__(self):
        return len(self.rows)

    def keys(self):
        return sorted(self.rows)

    def row(self, key):
        row = self.rows.get(key)
        if row is None:
            raise ConfigError(key, "unknown setting")
        return row

    def check(self, key, value):
        """The typed value of a setting, or ConfigError naming it."""
        return self.row(key).validate(value)

    def parse_assignment(self, text):
        """'section.key=value' -> (key, typed value)."""
        if "=" not in text:
            raise ConfigError(text, "expected section.key=value")
        key, value = text.split("=", 1)
        key = key.strip()
        return key, self.check(key, value)

    def defaults(self):
        return {key: copy_value(row.default) for key, row in self.rows.items()}

    def label(self, key):
        """The manual's name of a setting, else its key."""
        row = self.rows.get(key)
        return row.label if row is not None else key

    def is_secret(self, key):
        row = self.rows.get(key)
        return row is not None and row.secret

    def restart_keys(self, keys):
        """The keys among `keys` that take effect only at the next start."""
        return sorted(k for k in keys if k in self.rows and self.rows[k].restart)


def copy_value(value):
    """A copy safe to hand out: lists are the only mutable values settings hold."""
    return list(value) if isinstance(value, list) else value


def item_check(check_item, unique=True):
    """A row check applying check_item(text) -> text to every item of a list setting."""
    def check(items):
        out = [check_item(item) for item in items]
        if unique:
            seen = set()
            for item in out:
                name = item.split(":")[0]
                if name in seen:
                    raise ValueError("%s is listed twice" % name)
                seen.add(name)
        return out
    return check
