"""What one simulated device measures, in physical units and the simulator's own names.

A quantity name says what is measured and where: `output_voltage_L1` (V, phase to neutral),
`output_voltage_U12` (V, phase to phase, the manual's "U12"), `output_kva_L2` (kVA),
`runtime_min` (minutes), `s1_frequency` (Hz, source 1 of a transfer switch). Units are those
the register tables print: V, A, Hz, %, kVA, kW, Ah, minutes, seconds, degC, degrees, and plain
ratios for power and crest factors. The register tables bind each row to one of these names.
"""

from __future__ import annotations

from tools.upssim.physics import Physics

SQRT3 = 3 ** 0.5
POWER_FACTOR = 0.9          # of the simulated load
CREST_FACTOR = 1.4
RECTIFIER_EFFICIENCY = 0.95
BATTERY_AH = 7.0
FLOAT_CHARGE_A = 1.0        # battery current while the charger floats it
SWITCH_HEATING_C = 6.0      # a static switch runs this much above ambient


class Node:
    """One device of the installation (the system, a unit or a module) over the shared physics."""

    def __init__(self, p: Physics, address: int, unit: int = 0, module: int = 0,
                 units: int = 0, modules: int = 0) -> None:
        self.p, self.address, self.unit, self.module = p, address, unit, module
        self.units, self.modules = units, modules
        # devices one level down (VU-MAP T002): units of a system, modules of a modular unit (a
        # unit of a modular parallel system has its modules; other units have none)
        if module:
            self.children = 0
        elif unit:
            self.children = modules
        else:
            self.children = units or modules

    def share(self) -> float:
        """This node's share of the installation's power (the load is shared evenly)."""
        if self.module:  # a module of unit u shares that unit's share
            return 1.0 / max(1, self.modules) / (max(1, self.units) if self.unit else 1)
        if self.unit:
            return 1.0 / max(1, self.units)
        return 1.0


def quantities(node: Node, kva: float, phases: int) -> dict[str, float]:
    """Every quantity this node measures; a phase the device does not have is left out."""
    p = node.p
    load = p.effective_load()
    vin = p.input_voltage if p.mains else 0.0
    fin = p.input_frequency if p.mains else 0.0
    vout, fout = p.output_voltage(), p.output_frequency()
    kva_out = kva * node.share() * load / 100.0
    kw_out = kva_out * POWER_FACTOR
    amps = kva_out * 1000.0 / phases / vout if vout else 0.0
    kw_in = kw_out / RECTIFIER_EFFICIENCY if p.mains_ok() else 0.0
    amps_in = kw_in * 1000.0 / phases / vin if p.mains_ok() and vin else 0.0
    vbat = p.battery_voltage()
    pf = POWER_FACTOR if load else 0.0
    cf = CREST_FACTOR if load else 0.0
    out = {
        "load_pct": load, "battery_charge_pct": p.battery_charge,
        "battery_capacity_ah": BATTERY_AH, "runtime_min": p.runtime_min(),
        "time_on_battery_s": p.on_battery_s,
        "battery_voltage": vbat, "battery_voltage_negative": vbat,
        "battery_current": -amps * vout * phases / vbat if p.on_battery() else FLOAT_CHARGE_A,
        "dc_storage_voltage": vbat, "dc_storage_temperature": p.ambient_temperature,
        "battery_temperature": p.ambient_temperature,
        "battery_temperature_average": p.ambient_temperature,
        "ambient_temperature": p.ambient_temperature,
        "input_frequency": fin, "bypass_frequency": fin,
        "output_frequency": fout, "output_kva": kva_out, "output_kw": kw_out,
        "output_crest_factor": cf,
    }
    # the + and - strings are in series around the mid-point: the same current in both
    out["battery_current_negative"] = out["battery_current"]
    for n in range(1, phases + 1):
        out.update({
            f"load_pct_L{n}": load, f"output_voltage_L{n}": vout, f"output_current_L{n}": amps,
            f"output_kva_L{n}": kva_out / phases, f"output_kw_L{n}": kw_out / phases,
            f"output_power_factor_L{n}": pf, f"output_crest_factor_L{n}": cf,
            f"input_voltage_L{n}": vin, f"input_current_L{n}": amps_in,
            f"input_kw_L{n}": kw_in / phases, f"bypass_voltage_L{n}": vin,
            f"bypass_current_L{n}": 0.0, f"bypass_kw_L{n}": 0.0,
        })
    if phases == 3:
        out.update({"load_pct_N": 0.0, "output_current_N": 0.0, "output_crest_factor_N": 0.0})
        for pair in ("12", "23", "31"):
            out[f"input_voltage_U{pair}"] = vin * SQRT3
            out[f"bypass_voltage_U{pair}"] = vin * SQRT3
            out[f"output_voltage_U{pair}"] = vout * SQRT3
    # a static transfer switch: source 1 is the model's mains, source 2 a steady alternate supply
    for src, volts, freq in (("s1", vin, fin), ("s2", p.nominal_voltage, p.nominal_frequency)):
        out[f"{src}_frequency"] = freq
        for n in range(1, phases + 1):
            out[f"{src}_voltage_L{n}"] = volts
        if phases == 3:
            for pair in ("12", "23", "31"):
                out[f"{src}_voltage_U{pair}"] = volts * SQRT3
    out["ss1_temperature"] = out["ss2_temperature"] = p.ambient_temperature + SWITCH_HEATING_C
    out["phase_shift_deg"] = 0.0 if p.mains_ok() else 180.0
    return out
