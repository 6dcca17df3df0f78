"""Shared rig of the witness tests: the simulator and the card on one pseudo-terminal, compared.

No tests here; test_sim_witness.py imports it. The simulator says what it is and measures in its
own terms (its control API); the card says what it decoded (`opennmc status`). The two sides
were written independently, each from the manual: these helpers list every point where they
disagree, so that a test shows a wrong address, scale, bit, level or text on either side.
"""

from __future__ import annotations

import difflib
import re

from tests.cardharness import Card
from tools.upssim import encoding, registers

FRESH_TIMEOUT_S = 60.0      # generous: the machine runs other suites at the same time

# The simulator's quantity -> the NUT names the card publishes it under (RFC 9271 / NUT's
# nut-names vocabulary, "L1" names folded into the plain name on single-phase devices).
NAMES: dict[str, tuple[str, ...]] = {
    "load_pct": ("ups.load",), "battery_charge_pct": ("battery.charge",),
    "battery_capacity_ah": ("battery.capacity",), "runtime_min": ("battery.runtime",),
    "time_on_battery_s": ("battery.runtime.elapsed",),
    "battery_voltage": ("battery.voltage",),
    "battery_voltage_negative": ("battery.voltage.negative",),
    "battery_current": ("battery.current",),
    "battery_current_negative": ("battery.current.negative",),
    "battery_temperature": ("battery.temperature",),
    "battery_temperature_average": ("battery.temperature.average",),
    "ambient_temperature": ("ambient.temperature",),
    "input_frequency": ("input.frequency",), "bypass_frequency": ("input.bypass.frequency",),
    "output_frequency": ("output.frequency",), "output_kva": ("ups.power",),
    "output_kw": ("ups.realpower",), "output_crest_factor": ("output.crestfactor",),
    "output_current_N": ("output.N.current", "output.neutral.current"),
    "output_crest_factor_N": ("output.N.crestfactor",), "load_pct_N": ("output.N.power.percent",),
    "dc_storage_voltage": ("dc.voltage",), "dc_storage_temperature": ("dc.temperature",),
    "phase_shift_deg": ("input.phase.shift",),
    "ss1_temperature": ("input.1.switch.temperature",),
    "ss2_temperature": ("input.2.switch.temperature",),
    "s1_frequency": ("input.1.frequency",), "s2_frequency": ("input.2.frequency",),
}
for _n in (1, 2, 3):
    NAMES.update({
        f"load_pct_L{_n}": (f"output.L{_n}.power.percent",),
        f"output_voltage_L{_n}": (f"output.L{_n}-N.voltage",),
        f"input_voltage_L{_n}": (f"input.L{_n}-N.voltage",),
        f"bypass_voltage_L{_n}": (f"input.bypass.L{_n}-N.voltage",),
        f"output_current_L{_n}": (f"output.L{_n}.current",),
        f"input_current_L{_n}": (f"input.L{_n}.current",),
        f"output_kva_L{_n}": (f"output.L{_n}.power",),
        f"output_kw_L{_n}": (f"output.L{_n}.realpower",),
        f"input_kw_L{_n}": (f"input.L{_n}.realpower",),
        f"bypass_current_L{_n}": (f"input.bypass.L{_n}.current",),
        f"bypass_kw_L{_n}": (f"input.bypass.L{_n}.realpower",),
        f"output_power_factor_L{_n}": (f"output.L{_n}.powerfactor",),
        f"output_crest_factor_L{_n}": (f"output.L{_n}.crestfactor",),
        f"s1_voltage_L{_n}": (f"input.1.L{_n}-N.voltage",),
        f"s2_voltage_L{_n}": (f"input.2.L{_n}-N.voltage",),
    })
# Phase 1 also goes by the plain name: voltages always, the rest on a single-phase device only.
PHASE_ONE_ALWAYS = {"output_voltage_L1": "output.voltage", "input_voltage_L1": "input.voltage",
                    "bypass_voltage_L1": "input.bypass.voltage", "s1_voltage_L1": "input.1.voltage",
                    "s2_voltage_L1": "input.2.voltage"}
PHASE_ONE_SINGLE = {"load_pct_L1": "ups.load", "output_current_L1": "output.current",
                    "input_current_L1": "input.current", "output_kva_L1": "ups.power",
                    "output_kw_L1": "ups.realpower", "input_kw_L1": "input.realpower",
                    "output_power_factor_L1": "output.powerfactor"}
for _a, _b in ((1, 2), (2, 3), (3, 1)):
    for _where, _nut in (("input", "input"), ("bypass", "input.bypass"), ("output", "output"),
                         ("s1", "input.1"), ("s2", "input.2")):
        NAMES[f"{_where}_voltage_U{_a}{_b}"] = (f"{_nut}.L{_a}-L{_b}.voltage",)


def names_of(quantity: str, single_phase: bool) -> tuple[str, ...]:
    """The NUT names a quantity is published under on this device."""
    extra = PHASE_ONE_ALWAYS.get(quantity) or (single_phase and PHASE_ONE_SINGLE.get(quantity))
    return NAMES[quantity] + ((extra,) if extra else ())


# What the card publishes besides measurements: identity, nominal values, status, clock.
# Names that come from identity or from status bits, not from a measurement row: the status
# checks (test_sim_witness.expected_status) judge the ones derived from bits.
META = re.compile(r"^(device\.|ups\.(mfr|model|serial|firmware|status|alarm|date|time|type)$"
                  r"|.*\.nominal$|(input|output)\.phases$|outlet\.count$"
                  r"|input\.source(\.preferred)?$|experimental\.ups\.mode\.buzzwords$"
                  r"|outlet\.\d\.status$)")
MEASUREMENT_NAMES = {n for q in NAMES for one in (True, False) for n in names_of(q, one)}


def nut_units_per(quantity: str) -> float:
    """NUT unit per simulator unit: VA per kVA, W per kW, seconds per minute."""
    if "_kva" in quantity or "_kw" in quantity:
        return 1000.0
    return 60.0 if quantity == "runtime_min" else 1.0


def resolutions(mapping: str, t014: int) -> dict[str, tuple[str, float]]:
    """quantity -> (acronym, one step of its register in the simulator's unit), by the manual."""
    out = {}
    for acronym, _address, unit, fmt, quantity in registers.load(mapping).measure_rows(t014):
        out[quantity] = (acronym, 1.0 / encoding.multiplier(unit, fmt))
    return out


def compare_measures(label: str, card_values: dict, device: dict, mapping: str,
                     t014: int) -> dict[str, str]:
    """{NUT name: what disagrees} between the card's values and the device's quantities."""
    steps = resolutions(mapping, t014)
    sent = device["measures"]
    earlier = device.get("measures_before", {})     # a drifting value: any in between will do
    single = not any(q.endswith("_L2") for q in sent)
    problems: dict[str, str] = {}
    for quantity, value in sent.items():
        acronym, step = steps[quantity]
        names = [n for n in names_of(quantity, single) if n in card_values]
        if not names:
            problems[NAMES[quantity][0]] = (f"{label}: {acronym} ({quantity}={value}) is sent, "
                                            f"the card publishes none of "
                                            f"{names_of(quantity, single)}")
        per = nut_units_per(quantity)
        low, high = sorted((earlier.get(quantity, value) * per, value * per))
        for name in names:
            tolerance = (step / 2) * per * 1.001 + 1e-9
            if not low - tolerance <= card_values[name] <= high + tolerance:
                span = f"{low:g}" if low == high else f"{low:g} to {high:g}"
                problems[name] = (f"{label}: {acronym} ({quantity}) sent {value}, the card reads "
                                  f"{name}={card_values[name]} (expected {span} "
                                  f"+/- {tolerance:g})")
    # A name the card shows although every row behind it reads -1 (not managed) on this device.
    for quantity, (acronym, _step) in steps.items():
        for name in names_of(quantity, single):
            behind = [q for q in steps if name in names_of(q, single)]
            if name in card_values and not any(q in sent for q in behind):
                problems.setdefault(name, f"{label}: {acronym} reads -1 (not managed), the card "
                                          f"publishes {name}={card_values[name]}")
    for name in card_values:
        if name not in MEASUREMENT_NAMES and not META.match(name):
            problems[name] = (f"{label}: the card publishes {name}={card_values[name]}, which "
                              f"no row of the device's tables carries")
    return problems


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def same_text(manual: str, card: str) -> bool:
    """The manual's wording and the card's, allowing for case, punctuation and spelled-out
    abbreviations ("[1] in General Alarm" / "Unit/module 1 in General Alarm")."""
    a, b = _norm(manual), _norm(card)
    return a == b or a in b or b in a or difflib.SequenceMatcher(None, a, b).ratio() >= 0.85


def compare_flags(label: str, card_node: dict, device: dict, mapping: str) -> dict[str, str]:
    """{acronym: what disagrees}: set bits, levels and descriptions against the manual's rows."""
    tables = registers.load(mapping)
    manual = {acr: (level, text) for acr, level, text in tables.STATUS_ROWS + tables.ALARM_ROWS}
    sent = set(device["statuses"]) | set(device["alarms"])
    shown = {**card_node["statuses"], **card_node["alarms"]}
    problems = {}
    for acronym in sorted(sent | set(shown)):
        level, text = manual[acronym] if acronym in manual else (None, "?")
        where = "0x%04X bit %d" % tables.flag_position(acronym) if acronym in manual else "?"
        if acronym not in shown:
            problems[acronym] = (f"{label}: the device sets {acronym} {text!r} ({where}), the "
                                 f"card does not report it")
        elif acronym not in sent:
            problems[acronym] = (f"{label}: the card reports {acronym} "
                                 f"{shown[acronym]['description']!r}, the device does not set "
                                 f"it ({where} is {text!r} in the manual)")
        elif (shown[acronym]["level"] or "") != level:
            problems[acronym] = (f"{label}: {acronym} {text!r}: the manual prints level "
                                 f"{level or 'none'}, the card gives {shown[acronym]['level']}")
        elif not same_text(text, shown[acronym]["description"]):
            problems[acronym] = (f"{label}: {acronym} ({where}) is {text!r} in the manual, the "
                                 f"card calls it {shown[acronym]['description']!r}")
    return problems


def paired_nodes(card_ups: dict, sim_state: dict) -> list[tuple[str, dict, dict]]:
    """(label, card node, simulator device) for every device the simulator answers for."""
    units = {u["index"]: u for u in card_ups["units"]}
    pairs = []
    for slave, device in sorted(sim_state["devices"].items(), key=lambda kv: int(kv[0])):
        unit, module = device["unit"], device["module"]
        label = f"slave {slave}" + (f" unit {unit}" if unit else "") + (
            f" module {module}" if module else "")
        if not unit and not module:
            node = card_ups
        else:
            parent = units.get(unit or 1, {})
            node = parent if not module else next(
                (m for m in parent.get("modules", []) if m["index"] == module), None)
        pairs.append((label, node, device))
    return pairs


def fresh_status(card: Card) -> dict:
    """The card's status after a poll cycle that started after this call."""
    first = card.status()["ups"]["cycles"]
    return card.wait_for(lambda st: st["ups"]["cycles"] >= first + 2 and not st["ups"]["stale"],
                         timeout=FRESH_TIMEOUT_S, what="a fresh poll cycle")


def t014_of(sim_state: dict) -> int:
    """The measurement factor word the simulated VU-MAP device sends (0 elsewhere)."""
    if sim_state["mapping"] != "vumap":
        return 0
    return sim_state["devices"][str(sim_state["base"])]["registers"]["0x000E"]
