"""The event engine: each committed status/alarm change of UpsState becomes a timestamped event.

Subscribed to UpsState, it reads the names commit() reports ("status:S05", "alarm:A031",
"unit.2.alarm:A000", "unit.2.present") and publishes on the bus, for each flag that came or went:

    {"time": card UTC, "source": "ups" | "sts", "level": map level, "code": acronym,
     "text": the manual's wording, "state": "added" | "removed", "kind": "status" | "alarm",
     "unit": n (per-unit flags only)}

The level comes from the map row the poller copied into the flag (rows with level None are not
events); for an STS the manual's STS list (§18.4) gives levels and texts by register bit. A flag's
level and text are remembered while it is present, so its removal is reported with the same ones.
Within one commit removals come first, then additions by severity (C, W, I) then code, so a
critical alarm is never logged after a minor one of the same poll. "UPS connected" / "UPS not
connected" come from the poller, which sees the link; flags are kept while the data is stale.
"""

from firmware.state import catalogue
from firmware.state.bus import make_event

_RANK = {"C": 0, "W": 1, "I": 2}


def parse_flag_name(name):
    """"unit.2.alarm:A000" -> (2, "alarm", "A000"); "status:S05" -> (None, "status", "S05");
    any other changed name -> None."""
    unit = None
    if name.startswith("unit."):
        rest = name[5:]
        dot = rest.find(".")
        if dot <= 0:
            return None
        try:
            unit = int(rest[:dot])
        except ValueError:
            return None
        name = rest[dot + 1:]
    colon = name.find(":")
    if colon < 0:
        return None
    kind = name[:colon]
    if kind not in ("status", "alarm") or colon == len(name) - 1:
        return None
    return unit, kind, name[colon + 1:]


class EventEngine:
    """Turns UpsState commits into events on the bus; status() for diagnostics."""

    def __init__(self, state, bus, clock=None, mapping=None, table=None):
        self.state = state
        self.table = table              # a map module (STATUS, ALARMS); None: maps.load(mapping)
        self.bus = bus
        self.clock = clock
        self.mapping = mapping          # None: take it from state.device["mapping"]
        self._active = {}               # (unit, kind, acronym) -> (level, text)
        self._rows = {}                 # mapping -> {(kind, acronym): (address, bit)}
        self.published = 0
        state.subscribe(self.on_commit)

    def close(self):
        self.state.unsubscribe(self.on_commit)

    def _now(self, state):
        return self.clock.now() if self.clock is not None else state.updated

    def _mapping(self, state):
        return self.mapping or state.device.get("mapping") or "jbusp"

    def _positions(self, mapping):
        """(kind, acronym) -> (address, bit) from the map tables, for the STS list lookup."""
        rows = self._rows.get(mapping)
        if rows is None:
            rows = {}
            try:
                m = self.table
                if m is None:
                    from firmware.ups import maps
                    m = maps.load(mapping)
                for kind, table in (("status", getattr(m, "STATUS", ())),
                                    ("alarm", getattr(m, "ALARMS", ()))):
                    for row in table:
                        rows[(kind, row[0])] = (row[1], row[2])
            except (ImportError, ValueError, AttributeError, IndexError):
                pass                    # no table: texts fall back to the flag descriptions
            self._rows[mapping] = rows
        return rows

    def describe(self, mapping, kind, acronym, flag):
        """(level, text) of a present flag, or None when the card does not report it."""
        level, description = flag[0], flag[1]
        if mapping == "sts":
            pos = self._positions(mapping).get((kind, acronym))
            entry = catalogue.sts_entry(pos[0], pos[1]) if pos else None
            if entry is not None:
                return entry            # the manual's STS list sets level and text
        if level not in _RANK:
            return None
        return level, catalogue.ups_text(mapping, acronym, description)

    def _flags(self, state, unit, kind):
        if unit is None:
            return state.statuses if kind == "status" else state.alarms
        for node in state.units:
            if node.index == unit:
                if not node.present:
                    return {}
                return node.statuses if kind == "status" else node.alarms
        return {}

    def on_commit(self, state, changed):
        now = self._now(state)
        mapping = self._mapping(state)
        source = "sts" if mapping == "sts" else "ups"
        removed, added = [], []
        for unit, kind, acr in self._flag_names(state, changed):
            key = (unit, kind, acr)
            flag = self._flags(state, unit, kind).get(acr)
            if flag is None:
                known = self._active.pop(key, None)
                if known is not None:
                    removed.append((key, known))
            elif key not in self._active:
                desc = self.describe(mapping, kind, acr, flag)
                if desc is not None:
                    self._active[key] = desc
                    added.append((key, desc))
        removed.sort(key=_order)
        added.sort(key=lambda item: (_RANK[item[1][0]],) + _order(item))
        for key, desc in removed:
            self._emit(source, key, desc, "removed", now)
        for key, desc in added:
            self._emit(source, key, desc, "added", now)

    def _flag_names(self, state, changed):
        """(unit, kind, acronym) of every flag that may have come or gone in this commit.
        A unit that appeared or vanished ("unit.<n>.present") has all its flags checked, since
        commit() lists only the flags of units present before and after."""
        names = set()
        units = set()
        for name in changed:
            parsed = parse_flag_name(name)
            if parsed is not None:
                names.add(parsed)
            elif name.startswith("unit.") and name.endswith(".present"):
                try:
                    units.add(int(name[5:-8]))
                except ValueError:
                    pass
        for unit in units:
            for kind in ("status", "alarm"):
                for acr in self._flags(state, unit, kind):
                    names.add((unit, kind, acr))
            for key in self._active:
                if key[0] == unit:
                    names.add(key)
        return names

    def _emit(self, source, key, desc, state, now):
        unit, kind, acr = key
        self.published += 1
        self.bus.publish(make_event(source, desc[0], acr, desc[1], state=state, unit=unit,
                                    now=now, kind=kind))

    def active(self):
        """[(unit, kind, acronym, level, text)] of the flags currently reported as events."""
        return sorted((k[0] or 0, k[1], k[2], v[0], v[1]) for k, v in self._active.items())

    def status(self):
        return {"published": self.published, "active": len(self._active)}


def _order(item):
    unit, kind, acr = item[0]
    return (unit or 0, kind, acr)
