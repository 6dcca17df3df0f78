"""Register images of the simulated devices (system, units, modules): what each slave address answers.

Every slave address of the installation answers its own image, built from the simulator's own
register tables (registers/): identification words from the profile, status and alarm bits from
physical facts (flags.py), measurements from physical quantities (quantities.py) through the
unit and format the manual prints for each row (0xFFFF where the range does not manage it), and
the UPS's own clock. Reads outside the tables' blocks answer exception 2 (illegal data address),
as a real device does, so detection can tell the mappings apart.

The manual does not say how the devices of a system are addressed. The simulator's choice, the
scheme the card uses too (a shared convention):

    the system (or the single device)  -> slave address BASE (--slave, default 1)
    unit u of a parallel system        -> BASE + u
    module m of unit u                 -> BASE + 16 * u + m   (a single modular UPS is unit 1)

Writes: function 0x06 to a command register acts on the model; a write of the clock block (0x10,
or 0x06 word by word) sets the UPS clock. While remote controls are disabled a command is refused
with exception 1 (illegal function: "the server is in the wrong state for this request", Modbus
spec), and so is "enable eco mode" while the UPS's eco function is off. A wrong value for a
command register answers exception 3, and so does a power share plug the device does not have;
a write anywhere else answers exception 2.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from pymodbus.constants import ExcCodes

from tools.upssim import registers
from tools.upssim.encoding import (NOT_MANAGED, clock_time, clock_words, encode, multiplier,
                                   set_bit, signed)
from tools.upssim.physics import Physics
from tools.upssim.profiles import PROFILES
from tools.upssim.quantities import Node, quantities

LOAD_OFF_DELAY_S = 30.0  # load.off.delay / shutdown.return: seconds before the load goes off


class Installation:
    """All devices of one simulated installation and their register images."""

    def __init__(self, profile: str, physics: Physics, base: int = 1, units: int | None = None,
                 modules: int | None = None) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
        self.name = profile
        self.prof = PROFILES[profile]
        self.mapping = self.prof["mapping"]
        self.tables = registers.load(self.mapping)
        self.p = physics
        physics.plugs = [True] * self.prof.get("power_share_plugs", 0)   # closed: supplying
        self.base = base
        self.units = self._count("units", units)
        self.modules = self._count("modules", modules)
        limit = self.prof.get("max_modules")
        if limit and self.units * self.modules > limit:
            raise ValueError(f"--units {self.units} x --modules {self.modules} is "
                             f"{self.units * self.modules} modules; {self.name} allows at most "
                             f"{limit} in total")
        self.clock_offset = 0.0
        self.forced: list[str] | None = None      # see force_flags
        self.range_code: int | None = None        # see set_range_code
        self.commands_done: list[str] = []
        self.nodes: dict[int, Node] = {}
        self._lay_out(physics, base, self.prof["layout"])
        self.readable = registers.readable(self.tables)
        self.measurement_words = registers.measurement_words(self.tables)
        self.commands = {(addr, value): name for name, (addr, value) in
                         self.tables.COMMANDS.items()}
        self.command_addresses = {addr for addr, _value in self.commands}
        self.clock = self.tables.CLOCK        # (address, words, layout)
        self._rows: dict[int, list[tuple[str, int, int, bool, str]]] = {}

    def _lay_out(self, physics: Physics, base: int, layout: str) -> None:
        """One node per slave address of the installation (see the module docstring)."""
        self._add(Node(physics, base, units=self.units, modules=self.modules))
        for u in range(1, self.units + 1):
            if layout == "modular-system":  # each unit is a modular unit with its own modules
                self._add(Node(physics, base + u, unit=u, units=self.units, modules=self.modules))
                for m in range(1, self.modules + 1):
                    self._add(Node(physics, base + 16 * u + m, unit=u, module=m,
                                   units=self.units, modules=self.modules))
            else:
                self._add(Node(physics, base + u, unit=u, units=self.units))
        if layout == "modular":
            for m in range(1, self.modules + 1):
                self._add(Node(physics, base + 16 + m, module=m, modules=self.modules))

    def _count(self, key: str, given: int | None) -> int:
        spec = self.prof.get(key)
        if spec is None:
            if given:
                raise ValueError(f"profile {self.name} has no {key}")
            return 0
        low, high, default = spec
        n = default if given is None else given
        if not low <= n <= high:
            raise ValueError(f"--{key} must be {low}..{high} for {self.name}")
        return n

    def _add(self, node: Node) -> None:
        self.nodes[node.address] = node

    # ------------------------------------------------------------------ images
    def flags(self, node: Node) -> tuple[list[str], list[str]]:
        """Active status and alarm acronyms of a node (the forced ones while forced)."""
        if self.forced is not None:
            return ([a for a in self.forced if a[0] == "S"],
                    [a for a in self.forced if a[0] == "A"])
        fs, fa = self.prof["flags"], self.prof["alarms"]
        return ([a for a, f in fs.items() if f(node)], [a for a, f in fa.items() if f(node)])

    def identity(self, node: Node) -> tuple[dict, dict[int, int]]:
        """(identity, words) of a node, with the range code given by set_range_code if any."""
        identity, words = self.prof["ident"](node)
        if self.range_code is not None:
            address, names = self.tables.RANGE_CODE
            words[address] = self.range_code
            identity = {**identity, "range": names[self.range_code],
                        "range_code": self.range_code}
        return identity, words

    def set_range_code(self, code: int | None) -> None:
        """Announce another range of the same mapping (JBUSP "UPS TYPE", VU-MAP T015), so that
        a test can reach every code of the manual's list; None goes back to the profile's."""
        names = getattr(self.tables, "RANGE_CODE", (None, {}))[1]
        if code is not None and code not in names:
            raise ValueError(f"{code} is not a {self.mapping} range code of the manual; known: "
                             f"{', '.join(str(c) for c in sorted(names))}")
        self.range_code = code

    def force_flags(self, acronyms: list[str] | None) -> None:
        """Set exactly these status/alarm bits on every device, whatever the physics (a test
        reaching every row of the tables); None gives the bits back to the physics."""
        if acronyms is not None:
            known = {row[0] for row in self.tables.STATUS_ROWS + self.tables.ALARM_ROWS}
            unknown = sorted(set(acronyms) - known)
            if unknown:
                raise ValueError(f"not a {self.mapping} status or alarm: {', '.join(unknown)}")
            acronyms = sorted(set(acronyms))
        self.forced = acronyms

    def measure_rows(self, t014: int) -> list[tuple[str, int, int, bool, str]]:
        """(acronym, address, multiplier, signed, quantity) of the rows this range manages."""
        if t014 not in self._rows:
            managed = self.prof.get("managed")
            unmanaged = self.prof.get("unmanaged", ())
            self._rows[t014] = [
                (acronym, address, multiplier(unit, fmt), signed(unit, fmt), quantity)
                for acronym, address, unit, fmt, quantity in self.tables.measure_rows(t014)
                if (managed is None or acronym in managed) and acronym not in unmanaged]
        return self._rows[t014]

    def measures(self, node: Node, t014: int) -> list[tuple[int, int, bool, str, float | None]]:
        """(address, multiplier, signed, quantity, value) of a node's managed rows."""
        values = quantities(node, self.prof["kva"], self.prof["phases"][1])
        if self.prof.get("runtime_on_battery_only") and not self.p.on_battery():
            values.pop("runtime_min", None)
        return [(address, mult, sign, quantity, values.get(quantity))
                for _acronym, address, mult, sign, quantity in self.measure_rows(t014)]

    def _t014(self, words: dict[int, int]) -> int:
        """VU-MAP T014 of an image: the device's own factor word says which format column
        applies (0 for the mappings that have none)."""
        return words.get(getattr(self.tables, "T014_ADDRESS", -1), 0)

    def image(self, node: Node) -> dict[int, int]:
        words = {a: 0 for a in self.readable}
        # "Value -1 means that the measurement is not managed by the UPS": every measurement
        # word reads -1 unless a managed row fills it (the table's empty rows too).
        words.update(dict.fromkeys(self.measurement_words, NOT_MANAGED))
        words.update(self.identity(node)[1])
        statuses, alarms = self.flags(node)
        for acronym in statuses + alarms:
            address, bit = self.tables.flag_position(acronym)
            set_bit(words, address, bit, True)
        t014 = self._t014(words)
        for address, mult, sign, _quantity, value in self.measures(node, t014):
            words[address] = encode(value, mult, sign)
        start, count, layout = self.clock
        for i, word in enumerate(clock_words(layout, self.now(), count)):
            words[start + i] = word
        return words

    def now(self) -> float:
        return time.time() + self.clock_offset

    def unfed(self) -> list[str]:
        """Managed rows the simulator has no quantity for (they read 0xFFFF)."""
        values = quantities(self.nodes[self.base], self.prof["kva"], self.prof["phases"][1])
        return [f"{acronym}:{quantity}" for acronym, _a, _m, _s, quantity in self.measure_rows(0)
                if quantity not in values]

    # ------------------------------------------------------------------ Modbus access
    def read(self, slave: int, address: int, count: int) -> list[int] | ExcCodes:
        node = self.nodes[slave]
        if any(a not in self.readable for a in range(address, address + count)):
            return ExcCodes.ILLEGAL_ADDRESS
        words = self.image(node)
        return [words.get(a, 0) for a in range(address, address + count)]

    def write(self, slave: int, address: int, values: Sequence[int]) -> ExcCodes | None:
        if self.clock[0] <= address < self.clock[0] + self.clock[1]:
            return self._write_clock(slave, address, values)
        if len(values) != 1 or address not in self.command_addresses:
            return ExcCodes.ILLEGAL_ADDRESS
        name = self.commands.get((address, values[0]))
        if name is None:  # several commands share a register, each with its own code
            return ExcCodes.ILLEGAL_VALUE
        if name.startswith("outlet.") and int(name.split(".")[1]) > len(self.p.plugs):
            return ExcCodes.ILLEGAL_VALUE
        if self.p.remote_disabled or (name.endswith("ecomode.enable") and not self.p.eco_function):
            return ExcCodes.ILLEGAL_FUNCTION
        self.run_command(name)
        return None

    def _write_clock(self, slave: int, address: int, values: Sequence[int]) -> ExcCodes | None:
        start, count, layout = self.clock
        if address + len(values) > start + count:
            return ExcCodes.ILLEGAL_ADDRESS
        words = clock_words(layout, self.now(), count)
        words[address - start: address - start + len(values)] = list(values)
        try:
            self.clock_offset = clock_time(layout, words) - time.time()
        except ValueError:
            return ExcCodes.ILLEGAL_VALUE
        return None

    def run_command(self, name: str) -> None:
        """Act on a NUT-named command as the UPS would."""
        p = self.p
        self.commands_done.append(name)
        if name in ("test.battery.start", "test.battery.start.quick", "test.battery.start.deep"):
            p.start_battery_test()
        elif name == "test.battery.stop":
            p.stop_battery_test()
        elif name in ("bypass.start",):
            p.bypass = True
        elif name in ("bypass.stop",):
            p.bypass = False
        elif name in ("load.off", "load.off.delay", "shutdown.stayoff"):
            p.load_off_in_s = 0.0 if name == "load.off" else LOAD_OFF_DELAY_S
        elif name == "shutdown.return":
            p.load_off_in_s = LOAD_OFF_DELAY_S
            p.restart_on_mains = True
        elif name in ("load.on", "load.on.delay"):
            p.load_on, p.load_off_in_s = True, None
        elif name in ("shutdown.stop",):
            p.load_off_in_s, p.restart_on_mains = None, False
        elif name.endswith("ecomode.enable") or name.endswith("eco.on"):
            p.eco = True
        elif name.endswith("ecomode.disable") or name.endswith("eco.off"):
            p.eco = False
        elif name.endswith("standby.enable") or name.endswith("standby.on"):
            p.standby = True
        elif name.endswith("standby.disable") or name.endswith("standby.off"):
            p.standby = False
        elif name in ("beeper.mute", "beeper.disable", "beeper.off", "alarm.ack",
                      "experimental.alarm.ack"):
            p.buzzer = False
        elif name in ("beeper.enable", "beeper.on"):
            p.buzzer = True
        elif name.startswith("outlet.") and name.endswith((".load.off", ".load.on")):
            n = int(name.split(".")[1])
            if n <= len(p.plugs):
                p.switch_plug(n, name.endswith(".on"))
        p.advance(0.0)

    def status(self) -> dict:
        """Per slave: flags, identity, the quantities it publishes, its raw image (JSON-safe).

        "identity" and "measures" are in the simulator's own terms (quantities.py names, physical
        units): what the device puts on the wire, before the register's rounding; a quantity it
        does not publish (its row reads 0xFFFF) is absent.
        """
        out = {}
        for address, node in self.nodes.items():
            words = self.image(node)
            statuses, alarms = self.flags(node)
            t014 = self._t014(words)
            published = {quantity: value for *_row, quantity, value in self.measures(node, t014)
                         if value is not None}
            out[str(address)] = {
                "unit": node.unit, "module": node.module, "statuses": statuses, "alarms": alarms,
                "identity": self.identity(node)[0],
                "measures": {q: round(v, 4) for q, v in sorted(published.items())},
                "registers": {"0x%04X" % a: w for a, w in sorted(words.items())},
            }
        return out
