"""The active alarm table (manual §12.3): active alarms with the time each appeared, the last one.

Fed by the event engine's alarm events on the bus ("kind": "alarm"), so the table and the logs can
never disagree. System-level alarms (no unit) and per-unit alarms of a parallel system are kept
apart: the manual's page shows the system level, the unit pages show their own.

    table = AlarmTable(bus, clock)
    table.status() -> {"count": 2, "last": {...}, "general": True,
                       "alarms": [{"code", "text", "level", "time", "local"}, ...],
                       "units": {"2": [...]}}
"""

from firmware.state import catalogue
from firmware.clock.calendar import format_time


class AlarmTable:
    def __init__(self, bus, clock=None):
        self.bus = bus
        self.clock = clock
        self._system = {}             # code -> entry
        self._units = {}              # unit -> {code -> entry}
        self.last = None              # the last incoming alarm (kept after it goes away)
        self.incoming = 0             # alarms that appeared since start (not the active count)
        bus.subscribe(self.on_event)

    def close(self):
        self.bus.unsubscribe(self.on_event)

    def on_event(self, event):
        if event.get("kind") != "alarm" or event.get("source") not in ("ups", "sts"):
            return
        unit = event.get("unit")
        table = self._system if unit is None else self._units.setdefault(unit, {})
        code = event["code"]
        if event.get("state") == "added":
            entry = {"code": code, "text": event["text"], "level": event["level"],
                     "time": event["time"], "source": event["source"]}
            if unit is not None:
                entry["unit"] = unit
            table[code] = entry
            self.last = entry
            self.incoming += 1
        elif event.get("state") == "removed":
            table.pop(code, None)
            if unit is not None and not table:
                self._units.pop(unit, None)

    def count(self, unit=None):
        if unit is None:
            return len(self._system)
        return len(self._units.get(unit, ()))

    def active(self, unit=None):
        """Active entries, oldest first (system level unless a unit is given)."""
        table = self._system if unit is None else self._units.get(unit, {})
        return sorted(table.values(), key=lambda e: (e["time"] or 0, e["code"]))

    def general(self):
        """True while a general alarm is present (the icon of the top bar)."""
        for code in self._system:
            if code in catalogue.GENERAL_ALARMS.values():
                return True
        return False

    def clear(self):
        """Forget everything (after a mapping change: the acronyms no longer mean the same)."""
        self._system = {}
        self._units = {}
        self.last = None

    def _json(self, entry):
        out = dict(entry)
        if self.clock is not None and entry["time"] is not None:
            out["local"] = format_time(self.clock.local(entry["time"]))
        return out

    def status(self):
        return {
            "count": len(self._system),
            "last": None if self.last is None else self._json(self.last),
            "general": self.general(),
            "incoming": self.incoming,
            "alarms": [self._json(e) for e in self.active()],
            "units": {str(u): [self._json(e) for e in self.active(u)]
                      for u in sorted(self._units)},
        }
