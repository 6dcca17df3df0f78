"""The card's configuration: the schema's defaults, the board's, then the saved file; checked saves.

    cfg = Config(schema, path, bus=bus, board_defaults={"nut.port": 3493})
    cfg.get("poll.rate")                                  # -> 2
    cfg.update({"poll.rate": "0"}, via="web", user="admin")   # all checked, saved, then applied
    cfg.report                                            # what loading found (see _load)

A bad key or value raises ConfigError naming the field and changes nothing; update() writes the
file before the running card sees the change, so a change is never half made. At load, a stored
value its row refuses is left at the default and reported ("setting.rejected" event naming it):
a bad setting never stops the card. Stored keys this build has no feature for are kept as they
are and written back, so a build without a feature does not lose that feature's settings. The
file format, its checksum and the fallback to the last good copy are in firmware/settings/store.py.
"""

from firmware.accounts import passwords
from firmware.settings import store
from firmware.settings.schema import ConfigError, copy_value
from firmware.state import catalogue

KEY_SUFFIX = ".key"   # the card's key sealing secrets at rest, beside the file


class Config:
    """Settings by key; subscribers hear (changed_keys, via, user) after each change.

    board_defaults: {key: value} a board uses instead of the schema's defaults (ports ...).
    secret_key: bytes sealing the secrets at rest; default a random key kept in PATH.key.
    """

    def __init__(self, schema, path=None, bus=None, board_defaults=None, secret_key=None):
        self.schema = schema
        self.path = path
        self.bus = bus
        self._factory = schema.defaults()
        for k, v in (board_defaults or {}).items():
            if k in schema:        # a board's port for a feature this build does not run
                self._factory[k] = schema.check(k, v)
        self._values = {k: copy_value(v) for k, v in self._factory.items()}
        self._extra = {}           # stored settings of features this build does not run
        self._subscribers = []
        self._key = secret_key
        self._main_good = False    # config.json was valid (or written by us): rotate it on save
        self.report = {"source": "defaults", "checksum_error": False, "errors": [],
                       "unknown": [], "rejected": {}}
        if path:
            self._load()
            if bus is not None:
                self.publish_report()

    # --- loading ---------------------------------------------------------------------------------
    def _load(self):
        report = self.report
        for path in (self.path, self.path + store.BACKUP_SUFFIX, self.path + KEY_SUFFIX):
            if store.exists(path):
                store.make_private(path)   # written by an older build with a wider mode
        settings, reason = store.read(self.path)
        if settings is not None:
            report["source"] = "file"
            self._main_good = True
        else:
            main_present = store.exists(self.path)
            if main_present:
                report["checksum_error"] = True
                report["errors"].append("%s: %s" % (self.path, reason))
            bak = self.path + store.BACKUP_SUFFIX
            settings, bak_reason = store.read(bak)
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
            if key not in self.schema:
                self._extra[key] = value
                continue
            try:
                self._values[key] = self.check_stored(key, value)
            except ConfigError as exc:
                report["rejected"][key] = exc.message
        report["unknown"] = sorted(self._extra)
        for _ in self.schema.rules:     # a combination a rule refuses: its setting's default
            try:
                self.schema.check_rules(self._values)
                break
            except ConfigError as exc:
                report["rejected"][exc.field] = exc.message
                self._values[exc.field] = copy_value(self._factory[exc.field])

    def publish_report(self, bus=None):
        """Publish what loading found: a checksum error, each refused stored value."""
        bus = bus or self.bus
        if bus is None:
            return self.report
        if self.report["checksum_error"]:
            catalogue.card_event(bus, "params.checksum", detail="; ".join(self.report["errors"]),
                                 loaded_from=self.report["source"])
        for key, why in sorted(self.report["rejected"].items()):
            catalogue.card_event(bus, "setting.rejected", setting=self.schema.label(key),
                                 key=key, error=why)
        return self.report

    # --- the sealing key for secrets at rest -----------------------------------------------------
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
                store.write_private(self.path + KEY_SUFFIX, key)
                self._key = key
        if self._key is None and create:
            self._key = passwords.random_bytes(32)  # no file: secrets live in memory only
        return self._key

    def check_stored(self, key, value):
        """Typed value of a setting read from a file (sealed secrets opened with the card key)."""
        if self.schema.row(key).kind == "secret" and passwords.is_sealed(value):
            secret_key = self._secret_key(create=False)
            if secret_key is None:
                raise ConfigError(key, "sealed secret but the card key is missing")
            try:
                value = passwords.unseal(secret_key, value)
            except ValueError as exc:
                raise ConfigError(key, str(exc))
        return self.schema.check(key, value)

    # --- reading ---------------------------------------------------------------------------------
    def get(self, key):
        if key not in self._values:
            raise ConfigError(key, "unknown setting")
        return self._values[key]

    def default(self, key):
        """The factory default of a setting on this board."""
        self.schema.row(key)
        return copy_value(self._factory[key])

    def as_dict(self):
        return dict(self._values)

    def stored_extra(self):
        """Stored settings of features this build does not run, as they were read."""
        return dict(self._extra)

    def public_dict(self):
        """Every setting with passwords and secrets masked: for pages, APIs and logs."""
        out = {}
        for k, v in self._values.items():
            if self.schema.is_secret(k):
                v = "********" if v else ""
            elif isinstance(v, list) and any(passwords.HASH_PREFIX in i for i in v):
                v = [_mask_item(i) for i in v]
            out[k] = copy_value(v)
        return out

    def status(self):
        return {"path": self.path, "source": self.report["source"],
                "checksum_error": self.report["checksum_error"],
                "unknown": list(self.report["unknown"]),
                "rejected": dict(self.report["rejected"])}

    # --- changing --------------------------------------------------------------------------------
    def subscribe(self, callback):
        """callback(changed_keys, via, user) after a successful change."""
        self._subscribers.append(callback)

    def check(self, changes):
        """({key: typed value}, {key: error message}) without changing anything."""
        good, bad = {}, {}
        for k, v in changes.items():
            try:
                good[k] = self.schema.check(k, v)
            except ConfigError as exc:
                bad[k] = exc.message
        return good, bad

    def update(self, changes, via="api", user="admin"):
        """Check every change, save, then apply: all or nothing. Returns the changed keys.

        ConfigError for the first refused field; OSError when the file cannot be written
        (the running card then keeps its values too).
        """
        checked = {}
        for k, v in changes.items():
            checked[k] = self.schema.check(k, v)
        return self.apply_checked(checked, via, user)

    def apply_checked(self, checked, via, user, announce=True, extra=None):
        """Save and apply values already checked; announce = one change event per setting.

        extra: the new set of settings kept for features this build does not run (None: keep).
        """
        changed = sorted(k for k, v in checked.items() if self._values[k] != v)
        if not changed and (extra is None or extra == self._extra):
            return []
        values = dict(self._values)
        for k in changed:
            values[k] = copy_value(checked[k])
        self.schema.check_rules(values)
        self._save(values, self._extra if extra is None else extra)
        self._values = values
        if extra is not None:
            self._extra = dict(extra)
            self.report["unknown"] = sorted(self._extra)
        if announce and self.bus is not None:
            for k in changed:
                catalogue.card_event(self.bus, "setting.changed", setting=self.schema.label(k),
                                     key=k, via=via, user=user)
        if changed:
            for cb in list(self._subscribers):
                cb(changed, via, user)
        return changed

    def reset(self, keys=None, via="button", user="admin"):
        """Settings back to the board's factory defaults (all, or `keys`), saved; no event."""
        everything = keys is None
        keys = self.schema.keys() if everything else keys
        return self.apply_checked({k: self._factory[k] for k in keys}, via, user,
                                  announce=False, extra={} if everything else None)

    def save(self):
        """Write the current values (after a fallback to the last good copy, for instance)."""
        self._save(self._values, self._extra)

    def _save(self, values, extra):
        if not self.path:
            return
        settings = dict(extra)
        for k, v in values.items():
            if self.schema.row(k).kind == "secret" and v:
                v = passwords.seal(self._secret_key(create=True), v)
            settings[k] = v
        store.write_atomic(self.path, store.render(settings), keep_previous=self._main_good)
        self._main_good = True


def _mask_item(item):
    """'name:<hash>:role...' -> 'name:********:role...'."""
    fields = item.split(":")
    if len(fields) >= 3:
        fields[1] = "********"
    return ":".join(fields)
