"""What drives each status and alarm bit of the simulated devices: physical facts -> the manual's acronyms.

Each predicate gets a Node (quantities.py): n.p is the Physics, n.unit/n.module the device
(0 = the system), n.units/n.modules the counts, n.children the devices one level down. The
acronyms are the simulator's register tables' (registers/): JBUSP S00/A00, VU-MAP S000/A000,
STS S000/A000 numbered from the printed address and bit. A bit no predicate names stays 0.
"""

from __future__ import annotations


def _general(v) -> bool:
    """General alarm: any alarm of the model, or a unit/module in fault (this one or, for the
    system, any of its children)."""
    fault = v.p.unit_fault
    return v.p.alarms_active() or (fault and (v.unit or v.module or fault) == fault)


def _child_fault(n: int):
    """Unit or module n in general alarm, as its parent reports it."""
    return lambda v: v.unit == 0 and v.module == 0 and v.p.unit_fault == n and n <= v.children


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
    "S43": lambda v: bool(v.p.plugs),                        # power share
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
for _n in range(1, 5):  # S060..S063 PowerShare Plug n closed
    VUMAP_FLAGS["S%03d" % (59 + _n)] = (lambda n: lambda v: v.p.plug_closed(n))(_n)
for _n in range(1, 16):  # S096.. [n] is operating, S112.. [n] is available (level -1 devices)
    # On a unit of a modular parallel system [n] is a module: all stop when the unit is in fault.
    VUMAP_FLAGS["S%03d" % (95 + _n)] = (lambda n: lambda v: v.children >= n and v.p.output_live()
                                        and v.p.unit_fault != (v.unit or n))(_n)
    VUMAP_FLAGS["S%03d" % (111 + _n)] = (lambda n: lambda v: v.children >= n)(_n)

VUMAP_ALARMS = {
    "A000": lambda v: v.p.imminent_stop(),
    "A001": lambda v: v.p.overload(),
    "A008": lambda v: not v.p.eco_function,                  # eco mode disabled by UPS
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

# STS (acronyms numbered as registers/sts.py does): source 1 is the model's mains, source 2 an
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

