"""The card-wide management operations: status and configuration (get, set, backup, restore,
reset), and the dispatcher that finds any feature's operation by name.

    op              args                                   result
    status          -                                      the card's snapshot
    config.get      keys (empty: all)                      {key: value}, secrets masked
    config.rows     -                                      [{key, feature, kind, limit, label,
                                                            doc, default, value}] for pages
    config.set      assignments ["key=value", ...]         {"changed": [...], "restart": [...],
                                                            "not_applied": {feature: why},
                                                            "not_running": {feature: why}}
    config.backup   -                                      {"text": backup file}
    config.restore  text                                   {"changed", "not_used", ...}
    config.reset    -                                      {"changed": [...]} factory defaults
    card.restart    -                                      {"restarting": true}: every feature
                                                           stopped and started again

Feature operations (logs.*, alarms, time.*, accounts.reset) come from the features themselves
(Feature.operations()). Every change goes through the card's configuration, so it is checked by
the one schema, saved before it takes effect, logged as "... via <via> by <user>", and applied
by the feature that owns it; the answer says which settings wait for a restart, which feature
could not take its change (not_applied) and which owning feature is not running (not_running).
"""

from firmware import VERSION
from firmware.admin.args import OpError, bool_arg
from firmware.platform import compat
from firmware.settings import backup
from firmware.settings.schema import ConfigError
from firmware.state import catalogue

# The answer to a restart leaves before the features stop (the interface that asked is one).
RESTART_DELAY_MS = 500


class CardOps:
    """Dispatches operations by name: the card's own below, then those of its features."""

    def __init__(self, card):
        self.card = card
        self.own = {"status": self.status, "config.get": self.config_get,
                    "config.rows": self.config_rows,
                    "config.set": self.config_set, "config.backup": self.config_backup,
                    "config.restore": self.config_restore, "config.reset": self.config_reset,
                    "card.restart": self.card_restart}
        self._restarting = None    # the restart under way, if any

    def table(self):
        ops = self.card.operations()
        ops.update(self.own)
        return ops

    async def handle(self, op, args, caller):
        """Run one request; OpError for a refused one."""
        table = self.table()
        fn = table.get(op)
        if fn is None:
            raise OpError("unknown request %r; known: %s" % (op, ", ".join(sorted(table))))
        return await fn(args, caller)

    # --- status ----------------------------------------------------------------------------------
    async def status(self, args, caller):
        return self.card.status()

    # --- configuration ---------------------------------------------------------------------------
    async def config_get(self, args, caller):
        keys = args.get("keys") or []
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise OpError("keys must be a list of setting names")
        public = self.card.config.public_dict()
        unknown = [k for k in keys if k not in public]
        if unknown:
            raise OpError("unknown setting(s): %s (see: opennmc config keys)"
                          % ", ".join(unknown), detail={k: "unknown setting" for k in unknown})
        return {k: public[k] for k in (keys or sorted(public))}

    async def config_rows(self, args, caller):
        """Every setting's row (the feature that owns it, kind, limit, label, description) and
        its value, secrets masked: what a configuration page is drawn from."""
        owners = {}
        for feature in self.card.features():
            for row in feature.SETTINGS:
                owners[row.key] = (feature.name, feature.title)
        public = self.card.config.public_dict()
        out = []
        for key in self.card.config.schema.keys():
            row = self.card.config.schema.row(key)
            name, title = owners.get(key, ("system", "System"))
            limit = row.limit
            out.append({"key": key, "feature": name, "title": title, "kind": row.kind,
                        "limit": list(limit) if isinstance(limit, tuple) else limit,
                        "default": self.card.config.default(key) if not row.secret else "",
                        "label": row.label, "doc": row.doc, "restart": row.restart,
                        "secret": row.secret, "value": public[key]})
        return out

    async def config_set(self, args, caller):
        items = args.get("assignments")
        if not isinstance(items, list) or not items or \
                not all(isinstance(i, str) for i in items):
            raise OpError("give one or more KEY=VALUE assignments")
        config = self.card.config
        changes, bad = {}, {}
        for text in items:
            try:
                key, value = config.schema.parse_assignment(text)
                changes[key] = value
            except ConfigError as exc:
                bad[exc.field] = exc.message
        if bad:
            raise OpError("refused, nothing changed (%d field(s) rejected)" % len(bad),
                          detail=bad)
        changed = self._change(lambda: config.update(changes, via=caller.via, user=caller.user))
        return await self._applied(changed)

    async def config_backup(self, args, caller):
        return {"text": backup.export_backup(self.card.config, VERSION,
                                             now=self.card.clock.now())}

    async def config_restore(self, args, caller):
        text = args.get("text")
        if not isinstance(text, str):
            raise OpError("text must be the backup file's content")
        result = self._change(lambda: backup.restore_backup(self.card.config, text,
                                                            via=caller.via, user=caller.user))
        if not result["ok"]:
            raise OpError("restore refused, nothing changed (%d field(s) rejected)"
                          % len(result["errors"]), detail=result["errors"])
        out = await self._applied(result["changed"])
        out["not_used"] = result["not_used"]
        return out

    async def config_reset(self, args, caller):
        if bool_arg(args, "accounts"):
            return await self.handle("accounts.reset", {}, caller)
        changed = self._change(lambda: self.card.config.reset(via=caller.via, user=caller.user))
        catalogue.card_event(self.card.bus, "params.reset", via=caller.via, user=caller.user)
        return await self._applied(changed)

    # --- restart ---------------------------------------------------------------------------------
    async def card_restart(self, args, caller):
        """The card's firmware restarts in its process, as the reset button pressed 1-3 s does:
        every feature stops (connections close) and starts again (ports reopen, the UPS is
        detected again) from the saved configuration; "NET VISION UPS Agent Restart" is logged
        once it runs again."""
        if self._restarting is not None:
            raise OpError("a restart is already under way", "failed")
        self._restarting = compat.create_task(self._restart(caller))
        return {"restarting": True}

    async def _restart(self, caller):
        try:
            await compat.sleep_ms(RESTART_DELAY_MS)
            await self.card.stop()
            await self.card.start()
            catalogue.card_event(self.card.bus, "agent.restart", via=caller.via,
                                 user=caller.user)
        finally:
            self._restarting = None

    @staticmethod
    def _change(fn):
        try:
            return fn()
        except ConfigError as exc:  # a rule across settings refused it: nothing was changed
            raise OpError("refused, nothing changed: %s" % exc.message,
                          detail={exc.field: exc.message})
        except OSError as exc:     # the file could not be written: nothing was changed
            raise OpError("configuration not saved, nothing changed: %s" % exc, "failed")

    async def _applied(self, changed):
        """The answer to a change, once the features have taken it into account."""
        out = await self.card.settled()
        out["changed"] = changed
        out["restart"] = self.card.config.schema.restart_keys(changed)
        return out
