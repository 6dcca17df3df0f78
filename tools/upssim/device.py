"""Register images of the simulated devices (system, units, modules) and the pymodbus datastore that serves them.

Every slave address of the installation (addressing scheme in firmware/ups/maps/__init__.py) answers
its own image, built from the map tables: identification words from the profile, status and alarm
bits from physical facts, measurements from NUT-named values through the map's scale (0xFFFF where
the range does not manage a value), and the UPS's own clock. Reads outside the map's blocks answer
exception 2 (illegal data address), as a real device does, so detection can tell the mappings apart.

Writes: function 0x06 to a COMMANDS register acts on the model; a write of the CLOCK block (0x10, or
0x06 word by word) sets the UPS clock. While remote controls are disabled a command is refused with
exception 1 (illegal function: "the server is in the wrong state for this request", Modbus spec).
A wrong value for a command register answers exception 3; a write anywhere else answers exception 2.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from pymodbus.constants import ExcCodes
from pymodbus.datastore import ModbusServerContext
from pymodbus.exceptions import NoSuchIdException

from firmware.ups import decode, maps
from tools.upssim.physics import Physics
from tools.upssim.profiles import EXTRA_RANGES, PROFILES
from tools.upssim.values import View, clock_time, clock_words, encode_clamped, nut_values

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
        self.m = maps.load(self.mapping)
        self.p = physics
        self.base = base
        self.units = self._count("units", units)
        self.modules = self._count("modules", modules)
        limit = self.prof.get("max_modules")
        if limit and self.units * self.modules > limit:
            raise ValueError(f"--units {self.units} x --modules {self.modules} is "
                             f"{self.units * self.modules} modules; {self.name} allows at most "
                             f"{limit} in total")
        self.clock_offset = 0.0
        self.commands_done: list[str] = []
        self.nodes: dict[int, View] = {}
        layout = self.prof["layout"]
        self._add(View(physics, base, units=self.units, modules=self.modules))
        for u in range(1, self.units + 1):
            if layout == "modular-system":  # each unit is a modular unit with its own modules
                self._add(View(physics, maps.unit_address(base, u), unit=u, units=self.units,
                               modules=self.modules))
                for m in range(1, self.modules + 1):
                    self._add(View(physics, maps.module_address(base, u, m), unit=u, module=m,
                                   units=self.units, modules=self.modules))
            else:
                self._add(View(physics, maps.unit_address(base, u), unit=u, units=self.units))
        for m in range(1, self.modules + 1):
            if layout == "modular":
                self._add(View(physics, maps.module_address(base, 1, m), module=m,
                               modules=self.modules))
        self.readable = self._readable()
        self.commands = {(addr, value): name for name, (addr, value) in
                         getattr(self.m, "COMMANDS", {}).items()}
        self.command_addresses = {addr for addr, _value in self.commands}
        clock = getattr(self.m, "CLOCK", None)
        self.clock = tuple(clock) if clock else None

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

    def _add(self, view: View) -> None:
        self.nodes[view.address] = view

    def _readable(self) -> set[int]:
        addrs: set[int] = set()
        for _name, start, count, _when in self.m.BLOCKS:
            addrs.update(range(start, start + count))
        for start, count in EXTRA_RANGES.get(self.mapping, ()):
            addrs.update(range(start, start + count))
        clock = getattr(self.m, "CLOCK", None)
        if clock:
            addrs.update(range(clock[0], clock[0] + clock[1]))
        return addrs

    # ------------------------------------------------------------------ images
    def flags(self, view: View) -> tuple[list[str], list[str]]:
        """Active status and alarm acronyms of a node."""
        fs, fa = self.prof["flags"], self.prof["alarms"]
        return ([a for a, f in fs.items() if f(view)], [a for a, f in fa.items() if f(view)])

    def image(self, view: View) -> dict[int, int]:
        words = {a: 0 for a in self.readable}
        words.update(self.prof["ident"](view))
        statuses, alarms = self.flags(view)
        for rows, active in ((self.m.STATUS, set(statuses)), (self.m.ALARMS, set(alarms))):
            for row in rows:
                decode.set_flag(words, row, row[0] in active)
        values = nut_values(view, self.prof["kva"], self.prof["phases"])
        if self.prof.get("runtime_on_battery_only") and not self.p.on_battery():
            # JBUSP UPSs report no remaining backup time on mains (NUT's socomec_jbus reads
            # 0x1077 = 0xFFFF as "on line")
            values.pop("battery.runtime", None)
        managed = self.prof.get("managed")
        unmanaged = self.prof.get("unmanaged", ())
        factor = decode.measure_factor(self.m, words)  # VU-MAP T014 = 1: factored rows *10
        factored = getattr(self.m, "FACTORED", ())
        for row in self.m.MEASURES:
            acronym, address, nut_name, scale, signed = row
            value = values.get(nut_name)
            if (managed is not None and acronym not in managed) or acronym in unmanaged:
                value = None
            words[address] = encode_clamped(row, value, factor if acronym in factored else 1)
        if self.clock:
            start, count = self.clock
            for i, w in enumerate(clock_words(self.mapping, self.now(), count)):
                words[start + i] = w
        return words

    def now(self) -> float:
        return time.time() + self.clock_offset

    def unfed(self) -> list[str]:
        """Measurement rows this simulator has no value for (they read 0xFFFF)."""
        values = nut_values(self.nodes[self.base], self.prof["kva"], self.prof["phases"])
        managed = self.prof.get("managed")
        unmanaged = self.prof.get("unmanaged", ())
        return [r[0] + ":" + r[2] for r in self.m.MEASURES if r[2] not in values
                and (managed is None or r[0] in managed) and r[0] not in unmanaged]

    # ------------------------------------------------------------------ Modbus access
    def read(self, slave: int, address: int, count: int) -> list[int] | ExcCodes:
        view = self.nodes[slave]
        if any(a not in self.readable for a in range(address, address + count)):
            return ExcCodes.ILLEGAL_ADDRESS
        words = self.image(view)
        return [words.get(a, 0) for a in range(address, address + count)]

    def write(self, slave: int, address: int, values: Sequence[int]) -> ExcCodes | None:
        if self.clock and self.clock[0] <= address < self.clock[0] + self.clock[1]:
            return self._write_clock(slave, address, values)
        if len(values) != 1 or address not in self.command_addresses:
            return ExcCodes.ILLEGAL_ADDRESS
        name = self.commands.get((address, values[0]))
        if name is None:  # several commands share a register, each with its own code
            return ExcCodes.ILLEGAL_VALUE
        if self.p.remote_disabled:
            return ExcCodes.ILLEGAL_FUNCTION
        self.run_command(name)
        return None

    def _write_clock(self, slave: int, address: int, values: Sequence[int]) -> ExcCodes | None:
        start, count = self.clock
        if address + len(values) > start + count:
            return ExcCodes.ILLEGAL_ADDRESS
        words = clock_words(self.mapping, self.now(), count)
        words[address - start: address - start + len(values)] = list(values)
        try:
            self.clock_offset = clock_time(self.mapping, words) - time.time()
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
        p.advance(0.0)

    def status(self) -> dict:
        """Per-slave raw images and active flags, JSON-safe."""
        out = {}
        for address, view in self.nodes.items():
            words = self.image(view)
            statuses, alarms = self.flags(view)
            out[str(address)] = {
                "unit": view.unit, "module": view.module, "statuses": statuses, "alarms": alarms,
                "registers": {"0x%04X" % a: w for a, w in sorted(words.items())},
            }
        return out


class SimContext(ModbusServerContext):
    """pymodbus datastore answering from an Installation (one context for every slave address)."""

    def __init__(self, installation: Installation) -> None:  # pylint: disable=super-init-not-called
        # The base class wants its deprecated device blocks; this context computes words instead.
        self.inst = installation
        self.simdevices = []
        self.old_simulator = True  # pymodbus then calls our async_getValues/async_setValues
        self.requests = 0
        self._echo: dict[tuple[int, int], int] = {}

    def _check(self, device_id: int) -> None:
        if device_id not in self.inst.nodes:
            raise NoSuchIdException(f"no device at slave address {device_id}")

    async def async_getValues(self, device_id: int, func_code: int, address: int,
                              count: int = 1) -> list[int] | list[bool] | ExcCodes:
        self._check(device_id)
        self.requests += 1
        if func_code not in (3, 4, 6, 16, 23):
            return ExcCodes.ILLEGAL_FUNCTION
        if func_code in (6, 16):  # the echo pymodbus reads back after a write
            return [self._echo.get((device_id, address + i), 0) for i in range(count)]
        return self.inst.read(device_id, address, count)

    async def async_setValues(self, device_id: int, func_code: int, address: int,
                              values: Sequence[int] | Sequence[bool]) -> ExcCodes | None:
        self._check(device_id)
        self.requests += 1
        if func_code not in (6, 16):
            return ExcCodes.ILLEGAL_FUNCTION
        words = [int(v) for v in values]
        for i, w in enumerate(words):
            self._echo[(device_id, address + i)] = w
        return self.inst.write(device_id, address, words)

    def device_ids(self) -> list[int]:
        return list(self.inst.nodes)
