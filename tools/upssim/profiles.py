"""The simulated UPS/STS ranges: mapping, architecture, size, identification and what each range manages.

Each profile names its register tables (registers/), how its devices are laid out, what drives
its flags (flags.py) and which measurements it does not manage (those read 0xFFFF, as the
manual's "-1"). The ranges and their codes are the manual's (JBUSP "0x1000 value", VU-MAP T015).
"""

from __future__ import annotations

from tools.upssim.flags import (JBUSP_ALARMS, JBUSP_FLAGS, STS_ALARMS, STS_FLAGS, VUMAP_ALARMS,
                                VUMAP_FLAGS)
from tools.upssim.ident import jbusp_ident, sts_ident, vumap_ident
from tools.upssim.registers import jbusp

# The simulator's choice: the single MODULYS has one battery string (no "string -" voltage or
# current) and no other DC storage; the larger systems have both strings and a DC storage, so
# that every VU-MAP row is sent by some profile.
VUMAP_UNMANAGED = ("M017", "M019", "M028", "M029")
# Power share plugs (manual §12.8.1), the simulator's choice: the NETYS RT (JBUSP, which reports
# their number, T10) and the single MODULYS (VU-MAP, which reports each plug's state, S060..S063)
# have two; the other profiles none.
PLUGS = 2

_JBUSP = {"mapping": "jbusp", "flags": JBUSP_FLAGS, "alarms": JBUSP_ALARMS,
          # a JBUSP UPS reports no remaining backup time on mains: NUT's socomec_jbus reads
          # 0x1077 = 0xFFFF as "on line"
          "runtime_on_battery_only": True}
_VUMAP = {"mapping": "vumap", "flags": VUMAP_FLAGS, "alarms": VUMAP_ALARMS,
          "managed": None, "unmanaged": ()}

PROFILES = {
    # the manual's JBUSP measurement columns say what each range manages
    "netys-rt": {**_JBUSP, "layout": "single", "phases": (1, 1), "kva": 3.0,
                 "power_share_plugs": PLUGS,
                 "ident": jbusp_ident("NETYS RT", 3.0, "NRT3000A01", PLUGS),
                 "managed": jbusp.managed_by("NETYS/ITYS")},
    "masterys-33": {**_JBUSP, "layout": "single", "phases": (3, 3), "kva": 40.0,
                    "ident": jbusp_ident("MASTERYS 3/3 UPS", 40.0, "MBC40K0A01"),
                    "managed": jbusp.managed_by("MASTERYS")},
    "masterys-33-parallel": {**_JBUSP, "layout": "parallel", "phases": (3, 3), "kva": 120.0,
                             "units": (2, 6, 3),   # "up to 6 Units (JBUSP)"
                             "ident": jbusp_ident("MASTERYS 3/3 SYSTEM", 120.0, "MBCPAR0A"),
                             "managed": jbusp.managed_by("MASTERYS")},
    "modulys-gp2": {**_VUMAP, "layout": "single", "phases": (3, 3), "kva": 25.0,
                    "unmanaged": VUMAP_UNMANAGED, "power_share_plugs": PLUGS,
                    "ident": vumap_ident("MODULYS GP 2.0", "single unit", 25.0, (3, 3),
                                         "MGP25A01", "MODULYS GP 2.0 25")},
    "modulys-gp2-modular": {**_VUMAP, "layout": "modular", "phases": (3, 3), "kva": 100.0,
                            "modules": (1, 8, 4),   # "Modular Unit up to 8 modules"
                            "ident": vumap_ident("MODULYS GP 2.0", "modular unit", 100.0,
                                                 (3, 3), "MGPM100A", "MODULYS GP 2.0 100")},
    "modulys-gp2-parallel": {**_VUMAP, "layout": "parallel", "phases": (3, 3), "kva": 150.0,
                             "units": (2, 10, 3),   # "up to ... 10 Units (VU-MAP)"
                             "ident": vumap_ident("MODULYS GP 2.0",
                                                  "distributed bypass UPS parallel system",
                                                  150.0, (3, 3), "MGPP150A",
                                                  "MODULYS GP 2.0 150")},
    # "Modular system up to 4 Units 24 modules": modules counts per unit.
    "modulys-gp2-modular-system": {**_VUMAP, "layout": "modular-system", "phases": (3, 3),
                                   "kva": 300.0, "units": (2, 4, 2), "modules": (1, 8, 3),
                                   "max_modules": 24,
                                   "ident": vumap_ident("MODULYS GP 2.0",
                                                        "modular parallel UPS system", 300.0,
                                                        (3, 3), "MGPS300A", "MODULYS GP 2.0 300")},
    "statys": {"mapping": "sts", "layout": "single", "phases": (3, 3), "kva": 100.0,
               "ident": sts_ident("STATYS 100A", "STS100A01", 160), "managed": None,
               "flags": STS_FLAGS, "alarms": STS_ALARMS, "has_battery": False},
}
