"""The simulated UPS's physics: mains, load, battery charge and runtime, modes, alarms, in accelerated time.

One `Physics` object stands for the whole installation (a single UPS, or a parallel/modular system
sharing its load evenly). `tick()` advances it by real elapsed time multiplied by `accel`; everything
observable is derived from a few settable facts (mains present, load, battery charge, operating mode)
so that a test can set a fact and read a consistent picture back through the registers.
"""

from __future__ import annotations

import time

# Settable facts: name -> (type, low, high). Booleans have no bounds.
SETTABLE: dict[str, tuple[type, float | None, float | None]] = {
    "mains": (bool, None, None),
    "load": (float, 0, 150),
    "battery_charge": (float, 0, 100),
    "input_voltage": (float, 0, 300),
    "input_frequency": (float, 40, 70),
    "ambient_temperature": (float, -20, 80),
    "remote_disabled": (bool, None, None),
    "battery_bad": (bool, None, None),
    "eco": (bool, None, None),
    "eco_function": (bool, None, None),  # the UPS allows eco mode (VU-MAP T008 b00, not A008)
    "maintenance_bypass": (bool, None, None),
    "bypass": (bool, None, None),
    "standby": (bool, None, None),
    "load_on": (bool, None, None),
    "low_battery_charge": (float, 1, 90),
    "runtime_full_load_min": (float, 1, 600),
    "recharge_hours": (float, 0.01, 48),
    "accel": (float, 0.01, 100000),
    "battery_test_seconds": (float, 1, 3600),
    "buzzer": (bool, None, None),
    "unit_fault": (int, 0, 15),  # the unit (parallel) or module (modular) in general alarm; 0 none
}

INPUT_TOLERANCE_V = (184.0, 264.0)  # +15 % / -20 % around 230 V: outside this the rectifier stops
OVERLOAD_TRANSFER_PCT = 110.0  # above this the inverter hands the load to the bypass
IMMINENT_STOP_PCT = 5.0  # battery charge under which the UPS announces an imminent stop


class Physics:
    """State of the simulated installation; all numbers in physical units (V, Hz, %, minutes)."""

    def __init__(self, accel: float = 1.0, nominal_voltage: float = 230.0,
                 nominal_frequency: float = 50.0) -> None:
        self.accel = accel
        self.nominal_voltage = nominal_voltage
        self.nominal_frequency = nominal_frequency
        self.mains = True
        self.input_voltage = nominal_voltage
        self.input_frequency = nominal_frequency
        self.load = 35.0  # percent of nominal power, the same on every phase
        self.battery_charge = 100.0
        self.battery_bad = False
        self.ambient_temperature = 24.0
        self.remote_disabled = False
        self.eco = False
        self.eco_function = True  # eco mode allowed by the UPS's configuration
        self.plugs: list[bool] = []  # power share plugs: True = closed (supplying)
        self.maintenance_bypass = False
        self.bypass = False  # forced transfer to the automatic bypass (command or scenario)
        self.standby = False
        self.load_on = True
        self.buzzer = False  # the beeper sounds while an alarm is unacknowledged
        self.low_battery_charge = 20.0
        self.runtime_full_load_min = 12.0  # backup time of a full battery at 100 % load
        self.recharge_hours = 6.0
        self.battery_test_seconds = 10.0
        self.battery_test = "none"  # none | running | passed | failed
        self._test_left_s = 0.0
        self.overload_transfer = False
        self.load_off_in_s: float | None = None  # pending delayed load off
        self.restart_on_mains = False  # shutdown.return: come back when mains returns
        self.on_battery_s = 0.0
        self.sim_seconds = 0.0
        self.unit_fault = 0
        self.has_battery = True  # False for a static transfer switch: a second source instead
        self._last = time.monotonic()

    # ------------------------------------------------------------------ time
    def tick(self, now: float | None = None) -> None:
        """Advance the model by the real time since the last tick, times the acceleration."""
        now = time.monotonic() if now is None else now
        dt = max(0.0, now - self._last) * self.accel
        self._last = now
        self.advance(dt)

    def advance(self, dt: float) -> None:
        """Advance by dt simulated seconds."""
        self.sim_seconds += dt
        if self.load_off_in_s is not None:
            self.load_off_in_s -= dt
            if self.load_off_in_s <= 0:
                self.load_off_in_s = None
                self.load_on = False
        if self.restart_on_mains and self.mains_ok() and not self.load_on:
            self.restart_on_mains = False
            self.load_on = True
        if self.battery_test == "running":
            self._test_left_s -= dt
            if self._test_left_s <= 0:
                self.battery_test = "failed" if self.battery_bad else "passed"
        self.overload_transfer = self.load_on and self.load > OVERLOAD_TRANSFER_PCT and self.mains_ok()
        if self.on_battery() and self.has_battery:
            self.on_battery_s += dt
            per_second = 100.0 / (self.runtime_at_load_min(100.0) * 60.0)
            self.battery_charge = max(0.0, self.battery_charge - per_second * dt)
            if self.battery_charge <= 0.0:
                self.load_on = False  # discharged: the inverter stops, the load is off
                self.restart_on_mains = True
        else:
            if not self.on_battery():
                self.on_battery_s = 0.0
            if self.mains_ok() and not self.battery_bad:
                per_second = 100.0 / (self.recharge_hours * 3600.0)
                self.battery_charge = min(100.0, self.battery_charge + per_second * dt)

    # ------------------------------------------------------------------ facts derived
    def mains_ok(self) -> bool:
        low, high = INPUT_TOLERANCE_V
        return self.mains and low <= self.input_voltage <= high

    def mode(self) -> str:
        """off | maintenance-bypass | standby | bypass | eco | battery | online."""
        if self.maintenance_bypass:
            return "maintenance-bypass"
        if not self.load_on:
            return "off"
        if self.standby:
            return "standby"
        if self.mains_ok() and (self.bypass or self.overload_transfer):
            return "bypass"
        if not self.mains_ok():
            return "battery" if self.has_battery else "alternate-source"
        if self.eco:
            return "eco"
        return "online"

    def on_battery(self) -> bool:
        return self.mode() == "battery"

    def output_live(self) -> bool:
        return self.mode() != "off" and self.mode() != "standby"

    def runtime_at_load_min(self, load: float | None = None) -> float:
        """Backup time of a full battery at a load (Peukert-like: lighter loads last longer)."""
        load = self.load if load is None else load
        return self.runtime_full_load_min * (100.0 / max(load, 5.0)) ** 1.1

    def runtime_min(self) -> float:
        if self.battery_bad:
            return self.runtime_at_load_min() * self.battery_charge / 100.0 * 0.1
        return self.runtime_at_load_min() * self.battery_charge / 100.0

    def low_battery(self) -> bool:
        return self.on_battery() and self.battery_charge <= self.low_battery_charge

    def discharged(self) -> bool:
        return self.battery_charge <= 0.0

    def imminent_stop(self) -> bool:
        return (self.on_battery() and self.battery_charge <= IMMINENT_STOP_PCT) or (
            self.load_off_in_s is not None)

    def overload(self) -> bool:
        return self.load_on and self.load > 100.0

    def charging(self) -> bool:
        return self.mains_ok() and self.battery_charge < 100.0 and not self.battery_bad

    def output_voltage(self) -> float:
        if not self.output_live():
            return 0.0
        if self.mode() in ("bypass", "eco", "maintenance-bypass"):
            return self.input_voltage
        return self.nominal_voltage

    def output_frequency(self) -> float:
        if not self.output_live():
            return 0.0
        if self.mode() in ("bypass", "eco", "maintenance-bypass"):
            return self.input_frequency
        return self.nominal_frequency

    def effective_load(self) -> float:
        return self.load if self.output_live() else 0.0

    def battery_voltage(self) -> float:
        """A 12-cell-per-block lead battery bank: 2.0 V/cell empty .. 2.27 V/cell floating."""
        cells = 24
        per_cell = 1.75 + 0.5 * self.battery_charge / 100.0 if self.on_battery() else 2.27
        return cells * min(per_cell, 2.27)

    # ------------------------------------------------------------------ actions
    def start_battery_test(self) -> None:
        self.battery_test = "running"
        self._test_left_s = self.battery_test_seconds

    def stop_battery_test(self) -> None:
        if self.battery_test == "running":
            self.battery_test = "none"

    def plug_closed(self, n: int) -> bool:
        """Power share plug n (1-based) is closed: it supplies its outlet."""
        return 1 <= n <= len(self.plugs) and self.plugs[n - 1]

    def switch_plug(self, n: int, closed: bool) -> None:
        self.plugs[n - 1] = closed

    def alarms_active(self) -> bool:
        return (self.overload() or (not self.mains_ok() and self.has_battery)
                or self.battery_test == "failed"
                or self.maintenance_bypass or self.discharged())

    def set(self, key: str, value: object) -> None:
        """Set one fact after `check_settings` accepted it."""
        setattr(self, key, value)
        if key == "mains" and value and self.restart_on_mains:
            self.advance(0.0)

    def status(self) -> dict:
        """The physical state, JSON-safe."""
        return {
            "mode": self.mode(),
            "mains": self.mains,
            "mains_ok": self.mains_ok(),
            "input_voltage": self.input_voltage if self.mains else 0.0,
            "input_frequency": self.input_frequency if self.mains else 0.0,
            "output_voltage": self.output_voltage(),
            "output_frequency": self.output_frequency(),
            "load": self.effective_load(),
            "load_setpoint": self.load,
            "battery_charge": round(self.battery_charge, 3),
            "battery_runtime_min": round(self.runtime_min(), 3),
            "battery_voltage": round(self.battery_voltage(), 1),
            "battery_bad": self.battery_bad,
            "battery_test": self.battery_test,
            "low_battery": self.low_battery(),
            "discharged": self.discharged(),
            "imminent_stop": self.imminent_stop(),
            "overload": self.overload(),
            "overload_transfer": self.overload_transfer,
            "charging": self.charging(),
            "eco": self.eco,
            "eco_function": self.eco_function,
            "plugs": ["closed" if closed else "open" for closed in self.plugs],
            "bypass": self.bypass,
            "maintenance_bypass": self.maintenance_bypass,
            "standby": self.standby,
            "load_on": self.load_on,
            "load_off_in_s": self.load_off_in_s,
            "restart_on_mains": self.restart_on_mains,
            "remote_disabled": self.remote_disabled,
            "buzzer": self.buzzer,
            "ambient_temperature": self.ambient_temperature,
            "low_battery_charge": self.low_battery_charge,
            "accel": self.accel,
            "on_battery_s": round(self.on_battery_s, 1),
            "sim_seconds": round(self.sim_seconds, 1),
            "unit_fault": self.unit_fault,
            "has_battery": self.has_battery,
        }


def check_settings(settings: object) -> dict:
    """Validate a /set body; return the converted values or raise ValueError (nothing is changed)."""
    if not isinstance(settings, dict) or not settings:
        raise ValueError("expected a non-empty JSON object of settings, e.g. {\"mains\": false}")
    out = {}
    for key, value in settings.items():
        if key not in SETTABLE:
            raise ValueError(f"unknown setting {key!r}; known: {', '.join(sorted(SETTABLE))}")
        kind, low, high = SETTABLE[key]
        if kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{key} must be true or false, not {value!r}")
            out[key] = value
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{key} must be a number, not {value!r}")
        if kind is int and int(value) != value:
            raise ValueError(f"{key} must be a whole number, not {value!r}")
        if not low <= value <= high:
            raise ValueError(f"{key}={value} is out of range [{low}, {high}]")
        out[key] = kind(value)
    return out


SCENARIOS = ("normal", "mains-failure", "mains-return", "overload", "battery-test",
             "battery-test-fail", "low-battery", "bypass", "eco", "maintenance-bypass")


def apply_scenario(phys: Physics, name: str) -> None:
    """Put the model into a named situation; raise ValueError for an unknown name."""
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    if name == "normal":
        phys.mains, phys.input_voltage = True, phys.nominal_voltage
        phys.input_frequency = phys.nominal_frequency
        phys.load, phys.battery_charge, phys.battery_bad = 35.0, 100.0, False
        phys.eco = phys.bypass = phys.maintenance_bypass = phys.standby = False
        phys.load_on, phys.load_off_in_s, phys.restart_on_mains = True, None, False
        phys.battery_test, phys.buzzer = "none", False
        phys.plugs = [True] * len(phys.plugs)
    elif name == "mains-failure":
        phys.mains = False
        phys.buzzer = True
    elif name == "mains-return":
        phys.mains, phys.input_voltage = True, phys.nominal_voltage
    elif name == "overload":
        phys.load = 115.0
        phys.buzzer = True
    elif name == "battery-test":
        phys.battery_bad = False
        phys.start_battery_test()
    elif name == "battery-test-fail":
        phys.battery_bad = True
        phys.start_battery_test()
    elif name == "low-battery":
        phys.mains = False
        phys.battery_charge = max(1.0, phys.low_battery_charge - 5.0)
        phys.buzzer = True
    elif name == "bypass":
        phys.bypass = True
    elif name == "eco":
        phys.eco = True
    elif name == "maintenance-bypass":
        phys.maintenance_bypass = True
    phys.advance(0.0)
