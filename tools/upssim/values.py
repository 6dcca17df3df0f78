"""What the simulated devices measure: NUT-named values of a node, the map encoding, and the UPS clock words."""

from __future__ import annotations

import calendar
import time
from collections.abc import Sequence

from firmware.ups import decode
from tools.upssim.physics import Physics


class View:
    """One node of the installation as the predicates see it."""

    def __init__(self, p: Physics, address: int, unit: int = 0, module: int = 0,
                 units: int = 0, modules: int = 0) -> None:
        self.p, self.address, self.unit, self.module = p, address, unit, module
        self.units, self.modules = units, modules
        # devices one level down (T002): units of a system, modules of a modular unit (a unit
        # of a modular parallel system is given its module count; other units have none)
        if module:
            self.children = 0
        elif unit:
            self.children = modules
        else:
            self.children = units or modules

    def share(self) -> float:
        """This node's share of the installation's power."""
        if self.module:  # a module of unit u shares that unit's share
            return 1.0 / max(1, self.modules) / (max(1, self.units) if self.unit else 1)
        if self.unit:
            return 1.0 / max(1, self.units)
        return 1.0


def nut_values(v: View, kva: float, phases: tuple[int, int]) -> dict[str, float]:
    """The node's measurements, by NUT name, in NUT units (V, Hz, %, A, W, VA, s, degC)."""
    p = v.p
    load = p.effective_load()
    vin = p.input_voltage if p.mains else 0.0
    fin = p.input_frequency if p.mains else 0.0
    vout, fout = p.output_voltage(), p.output_frequency()
    va = kva * 1000.0 * v.share() * load / 100.0
    watts = va * 0.9
    nph = phases[1]
    amps = va / nph / vout if vout else 0.0
    out = {
        "ups.load": load, "battery.charge": round(p.battery_charge),
        "battery.runtime": round(p.runtime_min()) * 60, "battery.voltage": p.battery_voltage(),
        "battery.current": (-amps * vout * nph / p.battery_voltage()) if p.on_battery() else 1.0,
        "battery.capacity": 7.0, "battery.temperature": p.ambient_temperature,
        "battery.runtime.elapsed": p.on_battery_s,
        "ambient.temperature": p.ambient_temperature,
        "input.voltage": vin, "input.frequency": fin,
        "input.bypass.voltage": vin, "input.bypass.frequency": fin,
        "output.voltage": vout, "output.frequency": fout, "output.current": amps,
        "output.power": va, "output.realpower": watts, "output.powerfactor": 0.9 if load else 0,
        "output.crestfactor": 1.4 if load else 0, "input.realpower": watts / 0.95 if p.mains_ok() else 0,
        "input.current": (watts / 0.95 / nph / vin) if p.mains_ok() and vin else 0.0,
        "ups.power": va, "ups.realpower": watts,
        "battery.voltage.negative": p.battery_voltage(),
    }
    for i in range(1, 4):
        lv = load if i <= nph else None
        if lv is None:
            continue
        ph = "L%d" % i
        out.update({
            "output.%s.power.percent" % ph: lv, "ups.%s.load" % ph: lv,
            "output.%s-N.voltage" % ph: vout, "output.%s.current" % ph: amps,
            "output.%s.power" % ph: va / nph, "output.%s.realpower" % ph: watts / nph,
            "output.%s.powerfactor" % ph: out["output.powerfactor"],
            "output.%s.crestfactor" % ph: out["output.crestfactor"],
            "input.%s-N.voltage" % ph: vin, "input.%s.current" % ph: out["input.current"],
            "input.%s.realpower" % ph: out["input.realpower"] / nph,
            "input.bypass.%s-N.voltage" % ph: vin, "input.bypass.%s.current" % ph: 0.0,
            "input.bypass.%s.realpower" % ph: 0.0,
        })
    # a static transfer switch: source 1 is the model's mains, source 2 a steady alternate supply
    for src, volts, freq in ((1, vin, fin), (2, p.nominal_voltage, p.nominal_frequency)):
        out["input.%d.frequency" % src] = freq
        out["input.%d.switch.temperature" % src] = p.ambient_temperature + 6
        for i in range(1, nph + 1):
            out["input.%d.L%d-N.voltage" % (src, i)] = volts
            if nph == 3:
                out["input.%d.L%d-L%d.voltage" % (src, i, i % 3 + 1)] = volts * 3 ** 0.5
    out["input.phase.shift"] = 0.0 if p.mains_ok() else 180.0
    out["battery.temperature.average"] = p.ambient_temperature
    if nph == 3:
        out["output.N.power.percent"] = 0.0
        out["output.neutral.current"] = 0.0
        out["output.N.current"] = 0.0
        out["output.N.crestfactor"] = 0.0
        for a, b in ((1, 2), (2, 3), (3, 1)):
            ll = "L%d-L%d" % (a, b)
            out["input.%s.voltage" % ll] = vin * 3 ** 0.5
            out["input.bypass.%s.voltage" % ll] = vin * 3 ** 0.5
            out["output.%s.voltage" % ll] = vout * 3 ** 0.5
    return out


def encode_clamped(row: tuple, value: float | None, factor: int) -> int:
    """The map's encoder, with the value held inside what the register can carry."""
    _acronym, _address, _name, scale, signed = row
    if value is not None:
        low, high = (-0x8000, 0x7FFF) if signed else (0, 0xFFFE)
        value = max(low * scale / factor, min(high * scale / factor, value))
        if signed and int(round(value * factor / scale)) == -1:
            value = 0.0  # -1 would read as "not managed"
    return decode.encode_measure(row, value, factor)


def clock_words(mapping: str, t: float, count: int) -> list[int]:
    """The UPS date/time block: JBUSP as NUT's socomec_jbus reads it, other maps Y M D h m s."""
    tm = time.gmtime(t)
    if mapping == "jbusp":
        words = [tm.tm_min << 8 | tm.tm_sec, tm.tm_mday << 8 | tm.tm_hour,
                 tm.tm_mon << 8, tm.tm_year - 2000]  # word 2 LSB unused (map: written 0)
    else:
        words = [tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec]
    return (words + [0] * count)[:count]


def clock_time(mapping: str, words: Sequence[int]) -> float:
    """Seconds since the epoch for a written clock block; ValueError if it is no valid date."""
    if mapping == "jbusp":
        sec, mi = words[0] & 0xFF, words[0] >> 8
        hour, day = words[1] & 0xFF, words[1] >> 8
        mon, year = words[2] >> 8, words[3] + 2000
    else:
        year, mon, day, hour, mi, sec = (list(words) + [0] * 6)[:6]
    if not (1 <= mon <= 12 and 1 <= day <= 31 and hour < 24 and mi < 60 and sec < 60):
        raise ValueError("not a valid date/time")
    return float(calendar.timegm((year, mon, day, hour, mi, sec, 0, 0, 0)))
