"""The configuration: one schema (defaults, types, bounds), validation, checked atomic save.

Keys are "section.key". Everything that reads settings goes through a Config object:

    cfg = Config(path, bus=bus, board_defaults={"http.port": 8080})
    cfg.get("poll.rate")                # -> 2
    cfg.section("nut")                  # -> {"port": 3493, "users": [...], ...}
    cfg.update({"poll.rate": "0"}, via="cli", user="admin")   # validates all first, all or nothing
    cfg.save()                          # temp file, fsync, previous copy kept as .bak, rename
    cfg.report                          # what loading found: source, checksum error, unknown keys
    parse_assignment("poll.rate=0")     # -> ("poll.rate", 0), typed through the schema

A bad key or value raises ConfigError naming the field; nothing is changed. The file layout, the
checksum and the fallback to the last good copy are described in firmware/settings/store.py;
backup/restore of the whole configuration is in firmware/settings/backup.py.

Rows of the schema are in firmware/settings/schema.py, value types in config_types.py;
this module re-exports their names, so "from firmware.settings.config import SCHEMA" keeps working.
"""

from firmware.settings import items as config_items, store as config_store
from firmware.accounts import passwords
from firmware.settings.schema import (  # noqa: F401  (re-exported API)
    ACCOUNT_KEYS, LABELS, SCHEMA, SIM_BOARD_DEFAULTS, is_secret, label)
from firmware.settings.types import ConfigError, coerce  # noqa: F401

_coerce = coerce  # the name older callers used


# Per-key validators beyond type and bounds (for example hashing NUT passwords); registered by the
# modules that own the setting so the schema stays data. validator(key, value) -> value.
VALIDATORS = {}


def validate(key, value):
    value = coerce(key, value)
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


def copy_value(value):
    return list(value) if isinstance(value, list) else value


def defaults():
    return {k: copy_value(v[1]) for k, v in SCHEMA.items()}


def _items(check, unique=True):
    """A VALIDATORS entry applying an item checker of config_items to every item of a list."""
    def validator(key, items):
        out = []
        for item in items:
            try:
                out.append(check(item))
            except ValueError as exc:
                raise ConfigError(key, str(exc))
        if unique:
            try:
                config_items.unique_names(out)
            except ValueError as exc:
                raise ConfigError(key, str(exc))
        return out
    return validator


def _single(check):
    def validator(key, value):
        try:
            return check(value)
        except ValueError as exc:
            raise ConfigError(key, str(exc))
    return validator


VALIDATORS["auth.users"] = _items(config_items.user_item)
VALIDATORS["radius.users"] = _items(config_items.radius_user_item)
VALIDATORS["smtp.recipients"] = _items(config_items.recipient_item)
VALIDATORS["wol.targets"] = _items(config_items.wol_item)
VALIDATORS["firewall.rules"] = _items(config_items.firewall_item, unique=False)
for _i in range(1, 9):
    VALIDATORS["snmp.trap.%d.events" % _i] = _items(config_items.trap_number_item)
    VALIDATORS["snmp.usm.%d.auth_password" % _i] = _single(config_items.snmp_v3_password)
    VALIDATORS["snmp.usm.%d.priv_password" % _i] = _single(config_items.snmp_v3_password)

# Card event codes, the same as the card event catalogue's (firmware/state/catalogue.py).
CHANGED = "setting.changed"
CHECKSUM_ERROR = "params.checksum"
RESET = "params.reset"
ACCOUNTS_RESET = "params.accounts.reset"
UPLOADED = "config.uploaded"
UPLOAD_ERRORS = "config.upload.errors"
KEY_SUFFIX = ".key"


class Config:
    """The card's settings: defaults (schema, then the board's), then the saved file on top.

    bus (optional, an EventBus): receives the card events (changes, checksum error, resets).
    board_defaults: {key: value} a board uses instead of the schema's defaults (ports ...).
    secret_key: bytes sealing the secrets at rest; default a random key kept in PATH.key.
    """

    def __init__(self, path=None, bus=None, board_defaults=None, secret_key=None):
        self.path = path
        self.bus = bus
        self._factory = defaults()
        for k, v in (board_defaults or {}).items():
            self._factory[k] = validate(k, v)
        self._values = {k: copy_value(v) for k, v in self._factory.items()}
        self._subscribers = []
        self._key = secret_key
        self._main_good = False   # config.json was valid (or written by us): rotate it on save
        self.report = {"source": "defaults", "checksum_error": False, "errors": [],
                       "unknown": [], "rejected": {}}
        if path:
            self._load()
            if bus is not None:
                self.publish_report()

    # --- loading
    def _load(self):
        report = self.report
        settings, reason = config_store.read(self.path)
        if settings is not None:
            report["source"] = "file"
            self._main_good = True
        else:
            main_present = config_store.exists(self.path)
            if main_present:
                report["checksum_error"] = True
                report["errors"].append("%s: %s" % (self.path, reason))
            bak = self.path + config_store.BACKUP_SUFFIX
            settings, bak_reason = config_store.read(bak)
            if settings is not None:
                report["source"] = "backup"
                if not main_present:
                    report["errors"].append("%s missing (save interrupted): previous copy used"
                                            % self.path)
            elif bak_reason:
                report["errors"].append("%s: %s" % (bak, bak_reason))
            if settings is None:
                if main_present:
                    report["errors"].append("no good copy left: factory defaults used")
                return
        for key, value in settings.items():
            if key not in SCHEMA:
                report["unknown"].append(key)
                continue
            try:
                self._values[key] = self.check_stored(key, value)
            except ConfigError as exc:
                report["rejected"][key] = exc.message
        report["unknown"].sort()

    def publish_report(self, bus=None):
        """Publish what loading found (a checksum error) on the bus; returns the report."""
        bus = bus or self.bus
        if bus is not None and self.report["checksum_error"]:
            bus.card("C", CHECKSUM_ERROR, "Parameters checksum error",
                     detail="; ".join(self.report["errors"]), loaded_from=self.report["source"])
        return self.report

    # --- the sealing key for secrets at rest
    def _secret_key(self, create):
        if self._key is None and self.path:
            try:
                with open(self.path + KEY_SUFFIX, "rb") as f:
                    key = f.read()
                if len(key) >= 16:
                    self._key = key
            except OSError:
                pass
            if self._key is None and create:
                key = passwords.random_bytes(32)
                config_store.write_private(self.path + KEY_SUFFIX, key)
                self._key = key
        if self._key is None and create:
            self._key = passwords.random_bytes(32)  # no file: secrets live in memory only
        return self._key

    def _unseal(self, key, value):
        secret_key = self._secret_key(create=False)
        if secret_key is None:
            raise ConfigError(key, "sealed secret but the card key is missing")
        try:
            return passwords.unseal(secret_key, value)
        except ValueError as exc:
            raise ConfigError(key, str(exc))

    # --- reading
    def get(self, key):
        if key not in SCHEMA:
            raise ConfigError(key, "unknown setting")
        return self._values[key]

    def default(self, key):
        """The factory default of a setting on this board."""
        if key not in SCHEMA:
            raise ConfigError(key, "unknown setting")
        return copy_value(self._factory[key])

    def section(self, name):
        prefix = name + "."
        return {k[len(prefix):]: v for k, v in self._values.items() if k.startswith(prefix)}

    def as_dict(self):
        return dict(self._values)

    def public_dict(self):
        """Every setting with passwords and secrets masked: for pages, APIs and logs."""
        out = {}
        for k, v in self._values.items():
            if is_secret(k):
                v = "********" if v else ""
            elif k in ("auth.users", "nut.users"):
                v = [_mask_item(i) for i in v]
            out[k] = copy_value(v)
        return out

    def status(self):
        return {"path": self.path, "source": self.report["source"],
                "checksum_error": self.report["checksum_error"],
                "unknown": list(self.report["unknown"]),
                "rejected": dict(self.report["rejected"])}

    # --- logins
    def check_password(self, key, plain):
        """True when plain matches the hashed password setting key (False when none is set)."""
        return passwords.verify_password(plain, self.get(key))

    def user_access(self, name, plain):
        """'write' for admin and read/write users, 'read', or None when the login is refused.

        An admin password left empty means the board's first-access password, which the caller
        checks (it is derived from the board, never stored)."""
        if name == "admin":
            return "write" if self.check_password("auth.admin_password", plain) else None
        for item in self._values["auth.users"]:
            first, last = item.find(":"), item.rfind(":")
            if item[:first] == name:
                access = item[last + 1:]
                if access != "disabled" and passwords.verify_password(plain, item[first + 1:last]):
                    return access
                return None
        return None

    # --- changing
    def subscribe(self, callback):
        """callback(changed_keys, via, user) after a successful update."""
        self._subscribers.append(callback)

    def check(self, changes):
        """({key: typed value}, {key: error message}) without changing anything."""
        good, bad = {}, {}
        for k, v in changes.items():
            try:
                good[k] = validate(k, v)
            except ConfigError as exc:
                bad[k] = exc.message
        return good, bad

    def check_stored(self, key, value):
        """Typed value of a setting read from a file (sealed secrets opened with the card key)."""
        if key in SCHEMA and SCHEMA[key][0] == "secret" and passwords.is_sealed(value):
            value = self._unseal(key, value)
        return validate(key, value)

    def update(self, changes, via="api", user="admin"):
        """Validate every change first; apply all or none. Returns the keys that changed."""
        checked = {}
        for k, v in changes.items():
            checked[k] = validate(k, v)
        return self.apply_checked(checked, via, user, announce=True)

    def apply_checked(self, checked, via, user, announce):
        """Apply values already validated (check()); announce = one change event per setting."""
        changed = sorted(k for k, v in checked.items() if self._values[k] != v)
        for k in changed:
            self._values[k] = copy_value(checked[k])
        if announce and self.bus is not None:
            for k in changed:
                self.bus.card("I", CHANGED, "%s has been changed via %s by %s"
                              % (label(k), via, user), setting=label(k), key=k, via=via, user=user)
        if changed:
            for cb in list(self._subscribers):
                cb(changed, via, user)
        return changed

    def reset_factory(self, via="button", user="admin"):
        """Every setting back to the board's factory default, saved; card event published."""
        changed = self.apply_checked(self._factory, via, user, announce=False)
        self.save()
        if self.bus is not None:
            self.bus.card("W", RESET, "NET VISION UPS Agent Parameters reset to default",
                          via=via, user=user)
        return changed

    def reset_accounts(self, via="button", user="admin"):
        """Admin password and the user table back to the board's defaults (reset button 3-6 s)."""
        changed = self.apply_checked({k: self._factory[k] for k in ACCOUNT_KEYS}, via, user,
                              announce=False)
        self.save()
        if self.bus is not None:
            self.bus.card("W", ACCOUNTS_RESET,
                          "Accounts and passwords reset to default via %s by %s" % (via, user),
                          via=via, user=user)
        return changed

    def save(self):
        """Write the file atomically; the previous good file is kept as PATH.bak."""
        if not self.path:
            return
        settings = {}
        for k, v in self._values.items():
            if SCHEMA[k][0] == "secret" and v:
                v = passwords.seal(self._secret_key(create=True), v)
            settings[k] = v
        config_store.write_atomic(self.path, config_store.render(settings),
                                  keep_previous=self._main_good)
        self._main_good = True


def _mask_item(item):
    """'name:<hash>:role...' -> 'name:********:role...'."""
    fields = item.split(":")
    if len(fields) >= 3:
        fields[1] = "********"
    return ":".join(fields)


# The NUT accounts' validator (hashes plain passwords) lives with the NUT server; importing it here
# means no code path can store a nut.users password in plain text.
from firmware.nut import users as nut_users  # noqa: E402,F401
