"""The management operations of the running card, one per local-socket request ("op").

    op              args                                         result
    status          -                                            the card's snapshot
    logs.list       -                                            [{name, title, records, capacity}]
    logs.show       log, from, to, page, per_page, sort          one page, records with "local"
    logs.csv        log, from, to                                {"csv": text (the manual's columns)}
    logs.clear      log                                          card event "... log cleared"
    alarms          -                                            the active alarm table
    config.get      keys (empty: all)                            {key: value}, secrets masked
    config.set      assignments ["key=value", ...]               {"changed": [...]}; all or nothing
    config.backup   -                                            {"text": backup file}
    config.restore  text                                         {"changed": [...]}; refused fields
    config.reset    accounts (bool)                              {"changed": [...]}
    time.show       -                                            clock, NTP/NTS, UPS clock
    time.set        local "dd/mm/yyyy hh:mm:ss"                  the clock's status
    time.browser    epoch_ms                                     the clock's status
    time.ntp_sync   -                                            the SNTP result
    time.update_ups -                                            {"written": true}

Every change goes through the same component methods the web UI will use, with interface
"console" and the caller's OS user name, so the card's event log records who changed what.
Log names are given as in the command line ("ups-events") or in the files ("ups_events").
Times (from/to) are ISO 8601; without a zone they are the card's local time.
"""

from __future__ import annotations

import datetime

from firmware.settings import config as config_mod
from firmware.settings import backup as config_backup
from firmware.clock.clock import epoch_of
from firmware.logs.logs import LOGS
from firmware.admin.local_socket import AdminError

VIA = "console"


def log_name(value: object) -> str:
    """The Logs name of a log given as "ups-events" or "ups_events"."""
    if not isinstance(value, str) or value.replace("-", "_") not in LOGS:
        raise AdminError("unknown log %r; one of: %s" % (value, ", ".join(
            sorted(n.replace("_", "-") for n in LOGS))))
    return value.replace("-", "_")


class AdminOps:
    """Carries out management requests on a running App."""

    def __init__(self, app) -> None:
        """Serve the components of `app` (firmware.card.card.App)."""
        self.app = app
        self.table = {
            "status": self.status, "alarms": self.alarms,
            "logs.list": self.logs_list, "logs.show": self.logs_show,
            "logs.csv": self.logs_csv, "logs.clear": self.logs_clear,
            "config.get": self.config_get, "config.set": self.config_set,
            "config.backup": self.config_backup, "config.restore": self.config_restore,
            "config.reset": self.config_reset,
            "time.show": self.time_show, "time.set": self.time_set,
            "time.browser": self.time_browser, "time.ntp_sync": self.time_ntp_sync,
            "time.update_ups": self.time_update_ups,
        }

    async def handle(self, op: str, args: dict, user: str) -> object:
        """Run one request; AdminError for a refused one."""
        fn = self.table.get(op)
        if fn is None:
            raise AdminError("unknown request %r; known: %s" % (op, ", ".join(sorted(self.table))))
        return await fn(args, user)

    # --- helpers ---------------------------------------------------------------------------
    def _logs(self):
        if self.app.logs is None:
            raise AdminError("this card keeps no logs (no data folder)", "failed")
        return self.app.logs

    def _instant(self, args: dict, key: str) -> float | None:
        """Epoch seconds of an ISO 8601 argument (card local time when it has no zone)."""
        value = args.get(key)
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if not isinstance(value, str):
            raise AdminError("%s must be an ISO 8601 date and time" % key)
        try:
            when = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            raise AdminError("%s: %r is not an ISO 8601 date and time "
                             "(e.g. 2025-03-01T14:00)" % (key, value)) from None
        if when.tzinfo is not None:
            return when.timestamp()
        local = epoch_of(when.year, when.month, when.day, when.hour, when.minute, when.second)
        return self.app.clock.utc_from_local(local)

    def _int(self, args: dict, key: str, default: int) -> int:
        value = args.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise AdminError("%s must be a whole number" % key)
        return value

    # --- status, alarms --------------------------------------------------------------------
    async def status(self, args: dict, user: str) -> dict:
        return self.app.status()

    async def alarms(self, args: dict, user: str) -> dict:
        return self.app.alarms.status()

    # --- logs ------------------------------------------------------------------------------
    async def logs_list(self, args: dict, user: str) -> list:
        logs = self._logs()
        opened = logs.status()
        out = []
        for name, row in sorted(LOGS.items()):
            st = opened.get(name, {"records": 0, "capacity": logs.records})
            out.append({"name": name.replace("_", "-"), "title": row[3],
                        "records": st["records"], "capacity": st["capacity"]})
        return out

    async def logs_show(self, args: dict, user: str) -> dict:
        logs = self._logs()
        name = log_name(args.get("log"))
        try:
            page = logs.query(name, self._instant(args, "from"), self._instant(args, "to"),
                              page=self._int(args, "page", 1),
                              per_page=self._int(args, "per_page", 20),
                              sort=args.get("sort", "time"))
        except ValueError as exc:
            raise AdminError(str(exc)) from None
        for rec in page["records"]:
            for key in ("time", "start"):
                if rec.get(key) is not None:
                    rec[key + "_local"] = self.app.clock.format(rec[key])
        page["log"] = name.replace("_", "-")
        return page

    async def logs_csv(self, args: dict, user: str) -> dict:
        logs = self._logs()
        name = log_name(args.get("log"))
        lines = logs.csv_lines(name, self.app.tz, self._instant(args, "from"),
                               self._instant(args, "to"))
        return {"csv": "".join(lines)}

    async def logs_clear(self, args: dict, user: str) -> dict:
        logs = self._logs()
        name = log_name(args.get("log"))
        logs.clear(name, user=user)
        return {"cleared": name.replace("_", "-")}

    # --- configuration ---------------------------------------------------------------------
    async def config_get(self, args: dict, user: str) -> dict:
        keys = args.get("keys") or []
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise AdminError("keys must be a list of setting names")
        public = self.app.config.public_dict()
        unknown = [k for k in keys if k not in public]
        if unknown:
            raise AdminError("unknown setting(s): %s (see: opennmc config keys)"
                             % ", ".join(unknown), detail={k: "unknown setting" for k in unknown})
        return {k: public[k] for k in (keys or sorted(public))}

    async def config_set(self, args: dict, user: str) -> dict:
        items = args.get("assignments")
        if not isinstance(items, list) or not items or \
                not all(isinstance(i, str) for i in items):
            raise AdminError("give one or more KEY=VALUE assignments")
        changes, bad = {}, {}
        for text in items:
            try:
                key, value = config_mod.parse_assignment(text)
                changes[key] = value
            except config_mod.ConfigError as exc:
                bad[exc.field] = exc.message
        if bad:
            raise AdminError("refused, nothing changed (%d field(s) rejected)" % len(bad),
                             detail=bad)
        config = self.app.config
        changed = config.update(changes, via=VIA, user=user)
        if changed:
            config.save()
        return {"changed": changed}

    async def config_backup(self, args: dict, user: str) -> dict:
        from firmware.card.card import VERSION
        return {"text": config_backup.export_backup(self.app.config, VERSION,
                                                    now=self.app.clock.now())}

    async def config_restore(self, args: dict, user: str) -> dict:
        text = args.get("text")
        if not isinstance(text, str):
            raise AdminError("text must be the backup file's content")
        result = config_backup.restore_backup(self.app.config, text, via=VIA, user=user)
        if not result["ok"]:
            raise AdminError("restore refused, nothing changed (%d field(s) rejected)"
                             % len(result["errors"]), detail=result["errors"])
        return {"changed": result["changed"]}

    async def config_reset(self, args: dict, user: str) -> dict:
        accounts = args.get("accounts", False)
        if not isinstance(accounts, bool):
            raise AdminError("accounts must be true or false")
        config = self.app.config
        if accounts:
            return {"changed": config.reset_accounts(via=VIA, user=user)}
        return {"changed": config.reset_factory(via=VIA, user=user)}

    # --- time ------------------------------------------------------------------------------
    async def time_show(self, args: dict, user: str) -> dict:
        return self.app.time_status()

    async def time_set(self, args: dict, user: str) -> dict:
        text = args.get("local")
        fields = _parse_manual_time(text)
        try:
            self.app.clock.set_local(*fields, via="user")
        except ValueError as exc:
            raise AdminError(str(exc)) from None
        return self.app.clock.status()

    async def time_browser(self, args: dict, user: str) -> dict:
        try:
            self.app.clock.set_from_browser(args.get("epoch_ms"))
        except ValueError as exc:
            raise AdminError(str(exc)) from None
        return self.app.clock.status()

    async def time_ntp_sync(self, args: dict, user: str) -> dict:
        sync = self.app.timesync
        if sync.nts:
            raise AdminError("NTS is on: chronyd keeps the time (%s)"
                             % (self.app.nts_error or "see time show"), "failed")
        res = await sync.sync_now()
        if res is None:
            raise AdminError("NTP synchronisation failed: %s" % sync.last_error, "failed")
        return res

    async def time_update_ups(self, args: dict, user: str) -> dict:
        sync = self.app.timesync
        if not await sync.update_ups_now():
            raise AdminError("UPS clock not written: %s" % sync.ups_error, "failed")
        return {"written": True, "local": self.app.clock.format()}


def _parse_manual_time(text: object) -> tuple:
    """(y, mo, d, h, mi, s) of the manual's "dd/mm/yyyy hh:mm:ss"; AdminError otherwise."""
    usage = 'time must be "dd/mm/yyyy hh:mm:ss", not %r' % (text,)
    if not isinstance(text, str) or len(text) > 32:
        raise AdminError(usage)
    parts = text.strip().split()
    if len(parts) not in (1, 2):
        raise AdminError(usage)
    date = parts[0].split("/")
    clock = parts[1].split(":") if len(parts) == 2 else ["0", "0", "0"]
    if len(date) != 3 or len(clock) not in (2, 3):
        raise AdminError(usage)
    if len(clock) == 2:
        clock.append("0")
    if not all(p.isdigit() for p in date + clock):
        raise AdminError(usage)
    d, mo, y = (int(p) for p in date)
    h, mi, s = (int(p) for p in clock)
    return y, mo, d, h, mi, s
