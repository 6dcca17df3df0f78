"""Simulated UPS/STS ranges: which map, which architecture, identification words and what each status bit means.

The addresses, bits and scales come from the map tables in firmware/ups/maps (shared with the card);
this module only says, per range, which physical facts drive which manual acronym and which
measurements the range does not manage (those read 0xFFFF, e.g. L2/L3 on a single-phase NETYS).
"""

from __future__ import annotations

from firmware.ups import decode
from firmware.ups.maps import jbusp, sts, vumap

# ---------------------------------------------------------------- what drives each status/alarm bit
def _general(v) -> bool:
    """General alarm: any alarm of the model, or a unit/module in fault (this one or, for the
    system, any of its children)."""
    fault = v.p.unit_fault
    return v.p.alarms_active() or (fault and (v.unit or v.module or fault) == fault)


def _child_fault(n: int):
    return lambda v: v.unit == 0 and v.module == 0 and v.p.unit_fault == n and n <= v.children


# Each predicate gets a View (device.py): v.p is the Physics, v.unit/v.module the node (0 = system),
# v.units/v.modules the counts. Acronyms are the manual's (appendices JBUSP, VU-MAP).

JBUSP_FLAGS = {
    "S00": lambda v: v.p.mains_ok(),                         # rectifier input supply present
    "S01": lambda v: v.p.mode() in ("online", "battery"),    # inverter on
    "S02": lambda v: v.p.mains_ok() and v.p.mode() != "maintenance-bypass",
    "S03": lambda v: v.p.mode() in ("online", "battery"),    # load protected by inverter
    "S04": lambda v: v.p.mode() in ("bypass", "eco"),        # load on automatic bypass
    "S05": lambda v: v.p.on_battery(),
    "S06": lambda v: v.p.remote_disabled,
    "S07": lambda v: v.p.eco,
    "S08": lambda v: v.p.standby,
    "S09": lambda v: v.p.buzzer,
    "S10": lambda v: v.p.battery_test == "running",
    "S13": lambda v: True,                                   # battery test supported
    "S14": lambda v: v.p.battery_test == "failed",
    "S15": lambda v: v.p.low_battery(),
    "S16": lambda v: v.p.discharged(),
    "S17": lambda v: not v.p.battery_bad and not v.p.discharged(),
    "S23": lambda v: v.p.mains_ok(),                         # inverter synchronised with mains
    "S26": lambda v: v.p.mains_ok(),                         # bypass input present (same source)
    "S27": lambda v: v.p.charging(),
    "S30": lambda v: v.units > 0,
    "S42": lambda v: True,                                   # controls permission table managed
    "S48": lambda v: v.p.maintenance_bypass,
}
for _u in range(1, 7):  # S32..S37: unit u present (parallel systems)
    JBUSP_FLAGS["S%02d" % (31 + _u)] = (lambda u: lambda v: v.unit == 0 and u <= v.units)(_u)

JBUSP_ALARMS = {
    "A00": _general,
    "A01": lambda v: v.p.battery_test == "failed",
    "A02": lambda v: v.p.overload(),
    "A05": lambda v: not v.p.mains_ok(),
    "A06": lambda v: not v.p.mains_ok(),
    "A08": lambda v: v.p.maintenance_bypass,
    "A18": lambda v: v.p.overload_transfer,
    "A22": lambda v: not v.p.mains_ok(),
    "A31": lambda v: v.p.imminent_stop(),
    "A48": lambda v: v.p.maintenance_bypass,
    "A49": lambda v: v.p.discharged(),
}
for _u in range(1, 7):  # A32..A37: unit u general alarm (parallel systems)
    JBUSP_ALARMS["A%02d" % (31 + _u)] = _child_fault(_u)

VUMAP_FLAGS = {
    "S000": lambda v: v.p.mode() in ("online", "battery"),
    "S002": lambda v: v.p.mode() in ("bypass", "eco"),
    "S003": lambda v: v.p.maintenance_bypass,
    "S004": lambda v: v.p.mode() == "off",
    "S006": lambda v: v.p.eco,
    "S011": lambda v: v.p.output_live(),
    "S012": lambda v: True,
    "S013": lambda v: v.p.standby,
    "S016": lambda v: True,                                  # output breaker closed
    "S017": lambda v: v.p.maintenance_bypass,
    "S031": lambda v: v.p.buzzer,                            # alarm acknowledgement requested
    "S032": lambda v: not v.p.battery_bad and not v.p.discharged(),
    "S033": lambda v: v.p.battery_charge >= 100.0,
    "S034": lambda v: v.p.battery_test == "running",
    "S036": lambda v: v.p.charging(),
    "S048": lambda v: v.p.mains_ok(),
    "S049": lambda v: v.p.mains_ok(),
    "S050": lambda v: v.p.charging(),
    "S052": lambda v: v.p.mode() in ("online", "battery"),
    "S053": lambda v: v.p.mode() in ("online", "battery"),
    "S056": lambda v: v.p.mains_ok(),
    "S057": lambda v: v.p.mode() in ("bypass", "eco"),
    "S058": lambda v: v.p.mains_ok(),
}
for _n in range(1, 16):  # S096.. [n] is operating, S112.. [n] is available (level -1 devices)
    # On a unit of a modular parallel system [n] is a module: all stop when the unit is in fault.
    VUMAP_FLAGS["S%03d" % (95 + _n)] = (lambda n: lambda v: v.children >= n and v.p.output_live()
                                        and v.p.unit_fault != (v.unit or n))(_n)
    VUMAP_FLAGS["S%03d" % (111 + _n)] = (lambda n: lambda v: v.children >= n)(_n)

VUMAP_ALARMS = {
    "A000": lambda v: v.p.imminent_stop(),
    "A001": lambda v: v.p.overload(),
    "A012": lambda v: v.p.maintenance_bypass,
    "A015": _general,
    "A017": lambda v: v.p.discharged(),
    "A018": lambda v: v.p.low_battery(),                     # end of backup time
    "A019": lambda v: v.p.on_battery(),
    "A022": lambda v: v.p.battery_test == "failed",
    "A027": lambda v: v.p.battery_bad,
    "A035": lambda v: not v.p.mains_ok(),
    "A050": lambda v: not v.p.mains_ok(),
    "A056": lambda v: v.p.maintenance_bypass,
    "A059": lambda v: v.p.mode() == "off",
}
for _n in range(1, 16):  # A096.. [n] in general alarm
    VUMAP_ALARMS["A%03d" % (95 + _n)] = _child_fault(_n)

# STS (acronyms of firmware/ups/maps/sts.py): source 1 is the model's mains, source 2 an
# alternate supply that is always there; the STS has no battery.
STS_FLAGS = {
    "S000": lambda v: v.p.mains_ok(),                        # source 1 OK
    "S003": lambda v: not v.p.mains,                         # source 1 absent
    "S002": lambda v: v.p.mains and not v.p.mains_ok(),      # source 1 out of tolerance
    "S004": lambda v: v.p.mains_ok(),                        # power path 1 OK
    "S006": lambda v: True,                                  # source 2 OK
    "S010": lambda v: True,                                  # power path 2 OK
    "S012": lambda v: v.p.mains_ok(),                        # sources permanently synchronised
    "S016": lambda v: True,                                  # S1 is the preferred source
    "S017": lambda v: v.p.mains_ok() and v.p.output_live() and not v.p.maintenance_bypass,
    "S018": lambda v: not v.p.mains_ok() and v.p.output_live() and not v.p.maintenance_bypass,
    "S019": lambda v: not v.p.output_live(),                 # load not supplied
    "S020": lambda v: v.p.maintenance_bypass,                # load on manual by-pass 1
    "S023": lambda v: v.p.mains_ok() and v.p.output_live(),  # load on S1
    "S024": lambda v: not v.p.mains_ok() and v.p.output_live(),
    "S028": lambda v: v.p.output_live(),                     # output OK
    "S030": lambda v: not v.p.output_live(),                 # output absent
    "S033": lambda v: True,                                  # Q41 closed
    "S034": lambda v: True,                                  # Q42 closed
    "S035": lambda v: v.p.mains_ok(),                        # SS1 closed
    "S036": lambda v: not v.p.mains_ok(),                    # SS2 closed
    "S037": lambda v: v.p.maintenance_bypass,                # Q30 (manual bypass) closed
    "S045": lambda v: not v.p.remote_disabled,               # remote controls enabled
}
STS_ALARMS = {
    "A000": lambda v: v.p.imminent_stop(),
    "A002": lambda v: v.p.maintenance_bypass,
    "A003": lambda v: v.p.overload(),
    "A031": _general,
}


def _words(text: str, count: int, lsb_first: bool) -> list[int]:
    return decode.encode_ascii(text, count, lsb_first)


# ---------------------------------------------------------------- identification words per range
def jbusp_ident(type_code: int, kva: float, serial: str, phases: int):
    """Words of the JBUSP identification (0x1000..) and nominal (0x10E0..) tables."""
    def build(v) -> dict[int, int]:
        words = {0x1000: type_code, 0x1001: int(round(kva * 10 / max(1, v.units or 1)
                                                      if v.unit else kva * 10)),
                 0x1002: v.unit or 1}
        text = serial[:8] + "%02d" % v.unit if v.unit else serial
        for i, w in enumerate(_words(text, 5, jbusp.ASCII_LSB_FIRST)):
            words[0x1003 + i] = w
        words.update({0x10E0: 230, 0x10E1: 230, 0x10E2: 50, 0x10E3: 50, 0x10E4: 100,
                      0x10E8: 70 * (v.units or 1) if not v.unit else 70, 0x10EA: 0})
        return words
    return build


def vumap_ident(reference: int, install: int, kva: float, phases: tuple[int, int], serial: str,
                part: str, system_type: int = 0x01):
    """Words of the VU-MAP configuration table (0x0001..0x000F).

    T001 is installation code : device type (manual: 01:01 single unit, 08:01 or 09:01 modular
    unit, 06:01 parallel system, 06:08 modular parallel system); system_type is the system's
    device type byte.
    """
    def build(v) -> dict[int, int]:
        size = kva * v.share()
        if v.module:      # a module of a modular unit: device type 02 (not published; chosen here)
            # a module of a modular parallel system belongs to a modular unit (08)
            t001, number = ((0x08 if v.unit else install) << 8) | 0x02, v.module
        elif v.unit:      # a unit of a parallel system: a single or, with modules, a modular unit
            t001, number = (0x0801 if v.children else 0x0101), v.unit
        else:
            t001, number = (install << 8) | system_type, 0
        children = v.children
        words = {}
        node = "".join("-%02d" % n for n in (v.unit, v.module) if n)
        for i, w in enumerate(_words(serial + node, 10, vumap.ASCII_LSB_FIRST)):
            words[vumap.SERIAL + i] = w
        for i, w in enumerate(_words(part, 10, vumap.ASCII_LSB_FIRST)):
            words[vumap.REFERENCE + i] = w
        return words | {
            0x0001: t001, 0x0002: children, 0x0003: (1 << children) - 1, 0x0004: number,
            0x0005: int(round(size * 10)), 0x0006: int(round(size * 9)),      # T014=1: values *10
            0x0007: (phases[0] << 8) | phases[1], 0x0008: 0x0001 if v.p.eco else 0,
            0x0009: 0, 0x000A: 0x0001, 0x000E: 1, 0x000F: reference,
        }
    return build


def sts_ident(reference: str, serial: str):
    def build(v) -> dict[int, int]:
        words = {}
        for i, w in enumerate(_words(reference, 10, sts.ASCII_LSB_FIRST)):
            words[sts.REFERENCE + i] = w
        for i, w in enumerate(_words(serial, 10, sts.ASCII_LSB_FIRST)):
            words[sts.SERIAL + i] = w
        # 0x0120 config: layout not published; nominal voltage, frequency, current, preferred source
        words.update({0x0120: 230, 0x0121: 50, 0x0122: 160, 0x0123: 1})
        return words
    return build


# ---------------------------------------------------------------- the ranges
# A battery-backed MODULYS has one battery string and no other DC storage.
VUMAP_UNMANAGED = ("M017", "M019", "M028", "M029")

NETYS_MANAGED = {"M00", "M03", "M04", "M06", "M09", "M15", "M18", "M19", "M20", "M22", "M23", "M33"}

PROFILES = {
    "netys-rt": {"mapping": "jbusp", "layout": "single", "phases": (1, 1), "kva": 3.0,
                 "ident": jbusp_ident(31, 3.0, "NRT3000A01", 1), "managed": NETYS_MANAGED,
                 "flags": JBUSP_FLAGS, "alarms": JBUSP_ALARMS, "runtime_on_battery_only": True},
    "masterys-33": {"mapping": "jbusp", "layout": "single", "phases": (3, 3), "kva": 40.0,
                    "ident": jbusp_ident(257, 40.0, "MBC40K0A01", 3), "managed": None,
                    "flags": JBUSP_FLAGS, "alarms": JBUSP_ALARMS, "runtime_on_battery_only": True},
    "masterys-33-parallel": {"mapping": "jbusp", "layout": "parallel", "phases": (3, 3),
                             "kva": 120.0, "units": (2, 6, 3),
                             "ident": jbusp_ident(256, 120.0, "MBCPAR0A", 3), "managed": None,
                             "flags": JBUSP_FLAGS, "alarms": JBUSP_ALARMS, "runtime_on_battery_only": True},
    "modulys-gp2": {"mapping": "vumap", "layout": "single", "phases": (3, 3), "kva": 25.0,
                    "ident": vumap_ident(0x8100, 0x01, 25.0, (3, 3), "MGP25A01", "MODULYS GP 2.0 25"), "managed": None,
                    "unmanaged": VUMAP_UNMANAGED, "flags": VUMAP_FLAGS, "alarms": VUMAP_ALARMS},
    "modulys-gp2-modular": {"mapping": "vumap", "layout": "modular", "phases": (3, 3),
                            "kva": 100.0, "modules": (1, 8, 4),
                            "ident": vumap_ident(0x8100, 0x08, 100.0, (3, 3), "MGPM100A", "MODULYS GP 2.0 100"), "managed": None,
                            "unmanaged": VUMAP_UNMANAGED, "flags": VUMAP_FLAGS, "alarms": VUMAP_ALARMS},
    "modulys-gp2-parallel": {"mapping": "vumap", "layout": "parallel", "phases": (3, 3),
                             "kva": 150.0, "units": (2, 10, 3),
                             "ident": vumap_ident(0x8100, 0x06, 150.0, (3, 3), "MGPP150A", "MODULYS GP 2.0 150"), "managed": None,
                             "unmanaged": VUMAP_UNMANAGED, "flags": VUMAP_FLAGS, "alarms": VUMAP_ALARMS},
    # Manual (T001 06:08): up to 4 units and 24 modules in total; modules counts per unit.
    "modulys-gp2-modular-system": {"mapping": "vumap", "layout": "modular-system", "phases": (3, 3),
                                   "kva": 300.0, "units": (2, 4, 2), "modules": (1, 8, 3),
                                   "max_modules": 24,
                                   "ident": vumap_ident(0x8100, 0x06, 300.0, (3, 3), "MGPS300A",
                                                        "MODULYS GP 2.0 300", system_type=0x08),
                                   "managed": None, "unmanaged": VUMAP_UNMANAGED,
                                   "flags": VUMAP_FLAGS, "alarms": VUMAP_ALARMS},
    "statys": {"mapping": "sts", "layout": "single", "phases": (3, 3), "kva": 100.0,
               "ident": sts_ident("STATYS 100A", "STS100A01"), "managed": None,
               "flags": STS_FLAGS, "alarms": STS_ALARMS, "has_battery": False},
}

# Extra readable ranges beyond the map's blocks, as peers read them (NUT's socomec_jbus reads
# 0x10E0 x 32 and 0x1020 x 6, more than the manual's 15 and 4 words).
EXTRA_RANGES = {"jbusp": ((0x1000, 12), (0x10E0, 32), (0x1020, 6), (0x1040, 4), (0x1060, 48)),
                "vumap": ((0x0001, 15),), "sts": ()}
