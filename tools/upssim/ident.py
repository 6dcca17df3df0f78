"""Identification and configuration words of each simulated range, per device of the installation.

Each builder returns, for a device, its identity in the simulator's own terms (range, serial,
nominal power ...; reported by the control API) and the words that carry it. The manual
describes these words for a whole UPS; what a unit or a module of a system answers is not
published. The simulator's choices for those are commented where they are made.
"""

from __future__ import annotations

from collections.abc import Callable

from tools.upssim.encoding import ascii_words, multiplier
from tools.upssim.quantities import POWER_FACTOR, Node
from tools.upssim.registers import jbusp, sts, vumap

NOMINAL_V, NOMINAL_HZ = 230, 50
FIRMWARE_VERSION = 1.00         # of the UPS communication board (JBUSP T04)
BATTERY_NOMINAL_AH = 7.0        # per unit (JBUSP T08)

Ident = Callable[[Node], tuple[dict, dict[int, int]]]     # node -> (identity, words)


def jbusp_ident(range_name: str, kva: float, serial: str, plugs: int = 0) -> Ident:
    """IDENTIFIERS (0x1000..) and CONFIGURATION (0x10E0..) words of a JBUSP range, with its
    number of power share plugs (T10; the simulator's choice: a unit of a parallel system
    reports none of its own)."""
    type_code = next(code for code, name in jbusp.UPS_TYPES.items() if name == range_name)

    def build(node: Node) -> tuple[dict, dict[int, int]]:
        units = node.units or 1
        # A unit of a parallel system: the system's type code, its share of the power, its
        # number as "Module number" and the system's serial with the unit number appended
        # (the simulator's choice: the manual describes a single UPS only).
        facts = {"type_code": type_code, "nominal_kva": kva / units if node.unit else kva,
                 "module_number": node.unit or 1, "nominal_voltage": NOMINAL_V,
                 "nominal_frequency": NOMINAL_HZ, "firmware_version": FIRMWARE_VERSION,
                 "battery_nominal_ah": BATTERY_NOMINAL_AH * (1 if node.unit else units),
                 "power_share_plugs": 0 if node.unit else plugs}
        words = {}
        for _code, address, _text, value, name in jbusp.IDENTIFIERS:
            words[address] = int(round(facts[name] * multiplier(value, "")))
        for address, _code, _text, unit, fmt, name in jbusp.CONFIGURATION:
            words[address] = int(round(facts[name] * multiplier(unit, fmt)))
        text = serial[:8] + "%02d" % node.unit if node.unit else serial
        start, count = jbusp.SERIAL
        for i, word in enumerate(ascii_words(text, count, jbusp.SERIAL_FIRST_CHAR_IN_LSB)):
            words[start + i] = word
        return {"range": range_name, "serial": text, **facts}, words
    return build


def vumap_ident(range_name: str, installation: str, kva: float, phases: tuple[int, int],
                serial: str, reference: str, t014: int = 1) -> Ident:
    """CONFIGURATIONS (T001..T015), SERIAL NUMBER and UPS REFERENCE words of a VU-MAP range."""
    code = vumap.REFERENCE_CODES[range_name]
    system_code, system_type = vumap.INSTALLATION_CODES[installation]
    modular_unit = vumap.INSTALLATION_CODES["modular unit"]

    def build(node: Node) -> tuple[dict, dict[int, int]]:
        size = kva * node.share()
        if node.module:
            # Not published: a module answers device type 02 under its unit's installation code
            # (a modular unit, 08, inside a modular parallel system). The simulator's choice.
            t001 = ((modular_unit[0] if node.unit else system_code) << 8) | 0x02
            number = node.module
        elif node.unit:
            # A unit of a parallel system: a single unit (01:01), or a modular unit (08:01)
            # when it has modules. The simulator's choice.
            t001 = 0x0801 if node.children else 0x0101
            number = node.unit
        else:
            t001, number = (system_code << 8) | system_type, 0
        factor = 10 if t014 == 1 else 1      # T005/T006: "*10 if 0x000E = 1"
        words = {
            0x0001: t001, 0x0002: node.children, 0x0003: (1 << node.children) - 1,
            0x0004: number, 0x0005: int(round(size * factor)),
            0x0006: int(round(size * POWER_FACTOR * factor)),
            0x0007: phases[0] << 8 | phases[1],
            # T008 b00 "eco mode enabled": the function the UPS allows, not the mode (S006)
            0x0008: 0x0001 if node.p.eco_function else 0,
            0x0009: 0, 0x000A: 0x0001,                # T010 b00 "battery present"
            0x000E: t014, 0x000F: code,
        }
        suffix = "".join("-%02d" % n for n in (node.unit, node.module) if n)
        for (start, count), text in ((vumap.SERIAL_NUMBER, serial + suffix),
                                     (vumap.UPS_REFERENCE, reference)):
            for i, word in enumerate(ascii_words(text, count, vumap.TEXT_FIRST_CHAR_IN_LSB)):
                words[start + i] = word
        identity = {"range": range_name, "serial": serial + suffix, "reference": reference,
                    "nominal_kva": size, "nominal_kw": size * POWER_FACTOR,
                    "input_phases": phases[0], "output_phases": phases[1],
                    "device_number": number, "devices_below": node.children}
        return identity, words
    return build


def sts_ident(reference: str, serial: str, nominal_current: int) -> Ident:
    """STS REFERENCE, STS SERIAL NUMBER and CONFIG words."""
    def build(node: Node) -> tuple[dict, dict[int, int]]:
        facts = {"nominal_voltage": NOMINAL_V, "nominal_frequency": NOMINAL_HZ,
                 "nominal_current": nominal_current, "preferred_source": 1}
        words = {address: facts[name] for address, name in sts.CONFIG}
        for (start, count), text in ((sts.STS_REFERENCE, reference),
                                     (sts.STS_SERIAL_NUMBER, serial)):
            for i, word in enumerate(ascii_words(text, count, sts.TEXT_FIRST_CHAR_IN_LSB)):
                words[start + i] = word
        # "STATYS" is the one STS range the manual names
        return {"range": "STATYS", "reference": reference, "serial": serial, **facts}, words
    return build
