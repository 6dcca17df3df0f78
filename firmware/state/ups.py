"""UpsState: the single source of truth for what the card knows about the UPS (or STS).

Only the poller writes UPS data, in one transaction per poll cycle:

    state.begin()
    state.set("battery.charge", 100)          # NUT name -> value
    state.delete("input.L2-N.voltage")        # the UPS stopped managing it
    state.set_flags(statuses, alarms)         # {acronym: (level, description)}
    state.set_registers(image)                # {address: word}, raw, as the UPS lays it out
    state.set_units(units)                    # [Node, ...] for modular/parallel systems
    changed = state.commit()                  # subscribers are told once, with the changed names

Everyone else reads the committed snapshot (get(), values(), statuses, alarms, registers, units)
and never keeps a copy. Readers on the same event loop see either the old or the new cycle, never
a mix, because commit() swaps whole dictionaries.

Names in `changed`: NUT variable names, "status:<acronym>" and "alarm:<acronym>" for flags that
came or went, "unit.<n>.<name>" for unit values, and STALE when the stale flag flips.
"""

STALE = "_stale"
DEVICE = "_device"


class Node:
    """One unit (or module) of a modular or parallel system: the same shape as the top level."""

    def __init__(self, index, kind="unit"):
        self.index = index          # 1-based unit or module number
        self.kind = kind            # "unit" or "module"
        self.present = True
        self.values = {}
        self.statuses = {}
        self.alarms = {}
        self.registers = {}
        self.modules = []

    def status(self):
        return {
            "index": self.index,
            "kind": self.kind,
            "present": self.present,
            "values": dict(self.values),
            "statuses": _flags_json(self.statuses),
            "alarms": _flags_json(self.alarms),
            "modules": [m.status() for m in self.modules],
        }


def _flags_json(flags):
    return {k: {"level": v[0], "description": v[1]} for k, v in flags.items()}


class UpsState:
    def __init__(self):
        self._values = {}
        self.statuses = {}
        self.alarms = {}
        self.registers = {}
        self.units = []
        # Detection results: mapping, baud, range, architecture, slave ... (poller writes it).
        self.device = {}
        self.stale = True
        self.cycles = 0
        self.updated = None          # epoch seconds of the last good commit
        self._pending = None
        self._subscribers = []

    # --- reading -------------------------------------------------------------------------
    def get(self, name, default=None):
        return self._values.get(name, default)

    def __contains__(self, name):
        return name in self._values

    def values(self):
        """The committed values (do not modify: commit() replaces the dictionary)."""
        return self._values

    def names(self):
        return sorted(self._values)

    def status(self):
        """A JSON-safe view of the whole snapshot."""
        return {
            "stale": self.stale,
            "cycles": self.cycles,
            "updated": self.updated,
            "device": dict(self.device),
            "values": dict(self._values),
            "statuses": _flags_json(self.statuses),
            "alarms": _flags_json(self.alarms),
            "units": [u.status() for u in self.units],
        }

    # --- subscribing ---------------------------------------------------------------------
    def subscribe(self, callback):
        """callback(state, changed_names) after each commit; it must not block."""
        self._subscribers.append(callback)

    def unsubscribe(self, callback):
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def _notify(self, changed):
        for cb in list(self._subscribers):
            try:
                cb(self, changed)
            except Exception as exc:  # a broken subscriber must not stop the poller
                import sys
                sys.print_exception(exc) if hasattr(sys, "print_exception") else print(
                    "subscriber error:", repr(exc))

    # --- writing (poller only) -----------------------------------------------------------
    def begin(self):
        self._pending = {
            "values": dict(self._values),
            "statuses": self.statuses,
            "alarms": self.alarms,
            "registers": self.registers,
            "units": self.units,
            "device": self.device,
        }

    def set(self, name, value):
        if value is None:
            self._pending["values"].pop(name, None)
        else:
            self._pending["values"][name] = value

    def delete(self, name):
        self._pending["values"].pop(name, None)

    def set_flags(self, statuses, alarms):
        self._pending["statuses"] = dict(statuses)
        self._pending["alarms"] = dict(alarms)

    def set_registers(self, image):
        self._pending["registers"] = dict(image)

    def set_units(self, units):
        self._pending["units"] = list(units)

    def set_device(self, info):
        self._pending["device"] = dict(info)

    def commit(self, now=None):
        """Publish the pending cycle atomically; returns the set of changed names."""
        p = self._pending
        if p is None:
            raise RuntimeError("commit() without begin()")
        self._pending = None
        changed = set()
        old, new = self._values, p["values"]
        for k in new:
            if old.get(k) != new[k]:
                changed.add(k)
        for k in old:
            if k not in new:
                changed.add(k)
        for kind, before, after in (("status:", self.statuses, p["statuses"]),
                                    ("alarm:", self.alarms, p["alarms"])):
            for k in after:
                if k not in before:
                    changed.add(kind + k)
            for k in before:
                if k not in after:
                    changed.add(kind + k)
        changed.update(_unit_changes(self.units, p["units"]))
        if p["device"] != self.device:
            changed.add(DEVICE)
        self._values = new
        self.statuses = p["statuses"]
        self.alarms = p["alarms"]
        self.registers = p["registers"]
        self.units = p["units"]
        self.device = p["device"]
        self.cycles += 1
        if now is None:
            import time
            now = time.time()
        self.updated = now
        if self.stale:
            self.stale = False
            changed.add(STALE)
        self._notify(changed)
        return changed

    def abort(self):
        self._pending = None

    def mark_stale(self):
        """The poller lost the UPS: keep the last values for display, flag them stale."""
        self._pending = None
        if not self.stale:
            self.stale = True
            self._notify({STALE})


def _unit_changes(before, after):
    changed = set()
    old = {u.index: u for u in before}
    for u in after:
        prev = old.pop(u.index, None)
        prefix = "unit.%d." % u.index
        if prev is None:
            changed.add(prefix + "present")
            changed.update(prefix + k for k in u.values)
            continue
        for k, v in u.values.items():
            if prev.values.get(k) != v:
                changed.add(prefix + k)
        for k in prev.values:
            if k not in u.values:
                changed.add(prefix + k)
        for kind, b, a in (("status:", prev.statuses, u.statuses), ("alarm:", prev.alarms, u.alarms)):
            for k in a:
                if k not in b:
                    changed.add(prefix + kind + k)
            for k in b:
                if k not in a:
                    changed.add(prefix + kind + k)
    for idx in old:
        changed.add("unit.%d.present" % idx)
    return changed
