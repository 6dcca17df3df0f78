"""VU-MAP register map (ITYS-PRO, MODULYS XS/GP 2.0/XM/XL, MASTERYS BC+/GP4, DELPHYS touchscreen).

Source: NET VISION 8.3 manual, appendix "VU-MAP MODBUS TABLE"; holding registers (0x03).

    0x0001 x15  config   T001 installation code (MSB) : device type (LSB), T002 devices in
                         level -1, T003 positions present (bitmask), T004 device number,
                         T005/T006 nominal kVA/kW, T007 phases in (MSB) : out (LSB),
                         T008 functions, T009 environment, T010 DC storage,
                         T014 measurement factor (1 = values *10), T015 reference code
    0x0010 x10  serial   ASCII, 2 chars a word, MSB = first char (the Modbus convention; the
                         manual gives no order for VU-MAP: to be confirmed)
    0x001A x10  reference ASCII
    0x0028 x6   clock    year, month, day, hour, minute, second (our choice: to be confirmed)
    0x0030 x8   status   S000..S127, S000 = bit 0 (LSB) of 0x0030, S016 = bit 0 of 0x0031;
                         the first 4 words describe a single UPS, the others the parallel system
    0x0038 x8   alarm    A000..A127, same bit order
    0x0040 x80  measure  M000..M079, 0xFFFF = not managed; rows in FACTORED are *10 when T014 = 1

"[n]" in the manual's unit rows (S096.., A096..) stands for the unit or module number.
"""

MAPPING = "vumap"
DEVICE_TYPE = "ups"
ASCII_LSB_FIRST = False     # no order given for VU-MAP text: the usual Modbus one (MSB first)

INSTALLATION, DEVICE_COUNT, POSITIONS, DEVICE_NUMBER = 0x0001, 0x0002, 0x0003, 0x0004
PHASES, FACTOR_REGISTER, REFERENCE_CODE = 0x0007, 0x000E, 0x000F
SERIAL, REFERENCE, CLOCK_BASE = 0x0010, 0x001A, 0x0028
STATUS_BASE, ALARM_BASE, MEASURE_BASE = 0x0030, 0x0038, 0x0040

BLOCKS = (
    ("config", 0x0001, 15, "ident"),
    ("serial", SERIAL, 10, "ident"),
    ("reference", REFERENCE, 10, "ident"),
    ("status", STATUS_BASE, 8, "cycle"),
    ("alarm", ALARM_BASE, 8, "cycle"),
    ("measure", MEASURE_BASE, 80, "cycle"),
    ("clock", CLOCK_BASE, 6, "cycle"),
)


def _flags(base, letter, entries):
    """Rows from (number, level, description): the address and bit follow from the number."""
    return tuple(("%s%03d" % (letter, n), base + n // 16, n % 16, level, text)
                 for n, level, text in entries)


def _units(first, text):
    """The 15 per-unit rows "[n] <text>" the manual prints without a level."""
    return [(first + i, None, "Unit/module %d %s" % (i + 1, text)) for i in range(15)]


# Levels exactly as printed ("ı" in the extraction is I). Empty, "FREE" and garbled rows
# (S091 "FREE", S092 "FMEE") are left out.
STATUS = _flags(STATUS_BASE, "S", [
    (0, "I", "Load protected by Inverter"),
    (2, "W", "Load supplied by automatic Bypass"),
    (3, "W", "Load supplied by Maintenance Bypass"),
    (4, "C", "Load OFF"),
    (6, "I", "UPS in eco mode"),
    (7, "I", "UPS in energy saver"),
    (8, None, "Heat Run test"),
    (9, "W", "In Service mode"),
    (10, None, "Line-interactive mode"),
    (11, "I", "Operating"),
    (12, "I", "Available"),
    (13, "W", "On Standby"),
    (14, "I", "Unit isolated"),
    (15, "W", "Maintenance Alert"),
    (16, None, "Output Breaker closed"),
    (17, None, "Maintenance Bypass closed"),
    (18, None, "External Maintenance Bypass closed"),
    (19, None, "External Output Breaker closed"),
    (20, None, "Single phase Input supply"),
    (21, None, "Rectifier Input Breaker"),
    (22, None, "Bypass Input Breaker"),
    (23, "I", "Gen set ON"),
    (24, None, "Busbar 1 closed"),
    (25, None, "Busbar 2 closed"),
    (26, "I", "Automatic Start in progress"),
    (27, "W", "Maintenance Bypass proc. in progress"),
    (28, "W", "UPS OFF procedure in progress"),
    (30, "I", "Auto-test Procedure in progress"),
    (31, "I", "Alarm Acknowledgement requested"),
    (32, "I", "Battery OK"),
    (33, "I", "Battery charged"),
    (34, "I", "Battery Test in progress"),
    (35, "I", "Battery Test programmed"),
    (36, "I", "Battery charging"),
    (37, "W", "Battery Test interrupted"),
    (38, "I", "Floating Voltage reduced"),
    (39, "I", "Battery discharge to Input"),
    (40, "I", "UPS backup system connected"),
    (41, "I", "UPS backup system charged / ready"),
    (42, "I", "UPS backup system charging"),
    (48, "I", "Rectifier Input Supply present"),
    (49, "I", "Rectifier ON"),
    (50, "I", "Charger ON"),
    (51, None, "Rectifier is starting"),
    (52, "I", "Inverter ON"),
    (53, "I", "Inverter Switch ON"),
    (55, None, "Bypass output breaker closed"),
    (56, "I", "Bypass Input Supply present"),
    (57, "I", "Bypass Static Switch closed"),
    (58, "I", "Bypass Input & Inverter synchronised"),
    (59, "I", "ACS external synchronisation"),
    (60, None, "PowerShare Plug 1 closed"),
    (61, None, "PowerShare Plug 2 closed"),
    (62, None, "PowerShare Plug 3 closed"),
    (63, None, "PowerShare Plug 4 closed"),
] + [(64 + i, None, "Card in Slot %d present" % (i + 1)) for i in range(6)]
  + [(72 + i, None, "Programmable S%03d" % (72 + i)) for i in range(8)] + [
    (80, None, "Module Insertion Procedure"),
    (81, None, "Module Extraction Procedure"),
    (82, None, "UPS in line interactive operation"),
    (83, None, "Battery circuit open"),
    (84, None, "Backfeed protection open"),
    (85, None, "Bypass Locked"),
    (86, None, "Adv GEN SET Static mode - Soft Load"),
    (87, None, "Derating charge for LIB"),
] + _units(96, "is operating") + _units(112, "is available") + [
    (127, None, "Data no longer updated"),
])

# A076 "FREE", A077 "11122" (garbled) and A088 "FREE" are left out. The manual prints W for
# "[1]..[12] in General Alarm" and C for "[1]..[12] in Imminent STOP" only: [13]..[15] have
# no level. A063 is cut short in the manual ("Spare part not").
ALARMS = _flags(ALARM_BASE, "A", [
    (0, "C", "Imminent Stop"),
    (1, "W", "Overload Alarm"),
    (2, "W", "Ambient Temperature Alarm"),
    (3, "W", "Transfer locked"),
    (4, "W", "Transfer impossible"),
    (5, "W", "Insufficient Resources"),
    (6, "W", "Redundancy lost"),
    (7, "W", "Output short circuit detection"),
    (8, None, "eco mode disabled by UPS"),
    (9, None, "energy saver disabled by UPS"),
    (10, None, "On Bypass for 1 hour"),
    (11, None, "Bypass output breaker closed"),
    (12, "W", "Maintenance Alarm"),
    (13, "W", "Remote Service Alarm"),
    (14, None, "Remote Service Preventive Alarm"),
    (15, "W", "General Alarm"),
    (16, "C", "Battery disconnected"),
    (17, "C", "Battery discharged"),
    (18, "W", "End of Backup Time"),
    (19, "W", "Operating on Battery"),
    (20, "W", "Battery Temperature Alarm"),
    (21, "W", "Battery Room Alarm"),
    (22, "W", "Battery Test failed"),
    (23, None, "BMS has detected a weak String"),
    (24, None, "At least one Battery String open"),
    (25, None, "On Battery with Mains OK"),
    (26, None, "Insulation fault"),
    (27, "W", "Battery Alarm"),
    (28, None, "Battery preventive alarm"),
    (29, None, "UPS Backup Critical Alarm"),
    (30, None, "UPS Backup preventive alarm"),
    (31, None, "UPS Backup not OK"),
    (32, "C", "Rectifier Critical Alarm"),
    (33, "W", "Rectifier Preventive Alarm"),
    (34, None, "Rectifier Redundancy Alarm"),
    (35, None, "Rectifier Input Supply not OK"),
    (36, "W", "Gen Set Alarm"),
    (37, "C", "Charger Critical Alarm"),
    (38, "W", "Charger Preventive Alarm"),
    (39, None, "Battery charge interrupted"),
    (40, "C", "Inverter Critical Alarm"),
    (41, "W", "Inverter Preventive Alarm"),
    (42, None, "Inverter Redundancy Alarm"),
    (43, None, "Redundancy Imminent Lost"),
    (44, None, "Consumable Alarm"),
    (45, None, "Unit Redundancy lost"),
    (46, None, "Parallel board Critical Alarm"),
    (47, None, "Parallel board Preventive Alarm"),
    (48, "C", "Bypass Critical Alarm"),
    (49, "W", "Bypass Preventive Alarm"),
    (50, "W", "Bypass Input Supply not OK"),
    (51, "W", "Phase Rotation fault"),
    (52, None, "Bypass Back-feed detection"),
    (53, None, "Transformer Alarm"),
    (54, "W", "FAN Failure"),
    (55, None, "ACS Alarm"),
    (56, "W", "Maintenance Bypass Alarm"),
    (57, None, "Internal Back-feed detection"),
    (58, None, "Battery monitoring Alarm"),
    (59, "C", "UPS Power OFF"),
    (60, "W", "Wrong Configuration"),
    (61, "W", "Internal / Communication failure"),
    (62, "W", "Option Board Alarm"),
    (63, None, "Spare part not"),
] + [(64 + i, None, "Programmable A%03d" % (64 + i)) for i in range(8)] + [
    (72, None, "Line-Interactive mode disabled by UPS"),
    (73, None, "Features using batteries unavailable"),
    (80, None, "Customer Installation Overload"),
] + [(96 + i, "W" if i < 12 else None, "Unit/module %d in General Alarm" % (i + 1))
     for i in range(15)]
  + [(112 + i, "C" if i < 12 else None, "Unit/module %d in Imminent STOP" % (i + 1))
     for i in range(15)])

# (acronym, address, nut_name, scale, signed); the scale is for T014 = 0, rows in FACTORED are
# divided by 10 more when T014 = 1 (the manual's "## ###" / "# ###.#" columns). Rows whose
# format is the same in both columns (voltages, %, Hz, degC, power/crest factors) are not.
MEASURES = (
    ("M000", 0x0040, "ups.load", 1, False),
    ("M001", 0x0041, "output.L1.power.percent", 1, False),
    ("M002", 0x0042, "output.L2.power.percent", 1, False),
    ("M003", 0x0043, "output.L3.power.percent", 1, False),
    ("M004", 0x0044, "ups.power", 1000, False),                 # kVA -> VA
    ("M005", 0x0045, "ups.realpower", 1000, False),             # kW -> W
    ("M006", 0x0046, "output.L1.current", 1, False),
    ("M007", 0x0047, "output.L2.current", 1, False),
    ("M008", 0x0048, "output.L3.current", 1, False),
    ("M009", 0x0049, "output.neutral.current", 1, False),
    ("M010", 0x004A, "output.L1-N.voltage", 1, False),
    ("M011", 0x004B, "output.L2-N.voltage", 1, False),
    ("M012", 0x004C, "output.L3-N.voltage", 1, False),
    ("M013", 0x004D, "output.frequency", 0.1, False),
    ("M014", 0x004E, "output.crestfactor", 0.1, False),
    ("M015", 0x004F, "ambient.temperature", 0.1, True),
    ("M016", 0x0050, "battery.voltage", 1, False),              # string +
    ("M017", 0x0051, "battery.voltage.negative", 1, False),     # string -
    ("M018", 0x0052, "battery.current", 1, True),               # string +, signed
    ("M019", 0x0053, "battery.current.negative", 1, True),      # string -, signed
    ("M022", 0x0056, "battery.charge", 1, False),
    ("M023", 0x0057, "battery.capacity", 1, False),             # Ah
    ("M024", 0x0058, "battery.runtime", 60, False),             # minutes -> seconds
    ("M025", 0x0059, "battery.runtime.elapsed", 1, False),      # time on battery, s
    ("M026", 0x005A, "battery.temperature", 0.1, True),
    ("M027", 0x005B, "battery.temperature.average", 0.1, True),
    ("M028", 0x005C, "dc.voltage", 1, False),
    ("M029", 0x005D, "dc.temperature", 0.1, True),
    ("M032", 0x0060, "input.L1-N.voltage", 1, False),           # rectifier input = NUT input
    ("M033", 0x0061, "input.L2-N.voltage", 1, False),
    ("M034", 0x0062, "input.L3-N.voltage", 1, False),
    ("M035", 0x0063, "input.frequency", 0.1, False),
    ("M036", 0x0064, "input.L1-L2.voltage", 1, False),
    ("M037", 0x0065, "input.L2-L3.voltage", 1, False),
    ("M038", 0x0066, "input.L3-L1.voltage", 1, False),
    ("M039", 0x0067, "input.bypass.L1-N.voltage", 1, False),
    ("M040", 0x0068, "input.bypass.L2-N.voltage", 1, False),
    ("M041", 0x0069, "input.bypass.L3-N.voltage", 1, False),
    ("M042", 0x006A, "input.bypass.frequency", 0.1, False),
    ("M043", 0x006B, "input.bypass.L1-L2.voltage", 1, False),
    ("M044", 0x006C, "input.bypass.L2-L3.voltage", 1, False),
    ("M045", 0x006D, "input.bypass.L3-L1.voltage", 1, False),
    ("M048", 0x0070, "output.L1.power", 1000, False),           # kVA -> VA
    ("M049", 0x0071, "output.L2.power", 1000, False),
    ("M050", 0x0072, "output.L3.power", 1000, False),
    ("M051", 0x0073, "output.L1.realpower", 1000, False),       # kW -> W
    ("M052", 0x0074, "output.L2.realpower", 1000, False),
    ("M053", 0x0075, "output.L3.realpower", 1000, False),
    ("M054", 0x0076, "output.L1-L2.voltage", 1, False),
    ("M055", 0x0077, "output.L2-L3.voltage", 1, False),
    ("M056", 0x0078, "output.L3-L1.voltage", 1, False),
    ("M057", 0x0079, "output.L1.powerfactor", 0.01, False),
    ("M058", 0x007A, "output.L2.powerfactor", 0.01, False),
    ("M059", 0x007B, "output.L3.powerfactor", 0.01, False),
    ("M060", 0x007C, "output.L1.crestfactor", 0.1, False),
    ("M061", 0x007D, "output.L2.crestfactor", 0.1, False),
    ("M062", 0x007E, "output.L3.crestfactor", 0.1, False),
    ("M063", 0x007F, "output.N.crestfactor", 0.1, False),
    # M064..M066 are all printed "Rect. Input Current L1": a copy slip, read as L1, L2, L3.
    ("M064", 0x0080, "input.L1.current", 1, False),
    ("M065", 0x0081, "input.L2.current", 1, False),
    ("M066", 0x0082, "input.L3.current", 1, False),
    ("M067", 0x0083, "input.L1.realpower", 1000, False),        # kW -> W
    ("M068", 0x0084, "input.L2.realpower", 1000, False),
    ("M069", 0x0085, "input.L3.realpower", 1000, False),
    ("M070", 0x0086, "input.bypass.L1.current", 1, False),
    ("M071", 0x0087, "input.bypass.L2.current", 1, False),
    ("M072", 0x0088, "input.bypass.L3.current", 1, False),
    ("M073", 0x0089, "input.bypass.L1.realpower", 1000, False),
    ("M074", 0x008A, "input.bypass.L2.realpower", 1000, False),
    ("M075", 0x008B, "input.bypass.L3.realpower", 1000, False),
)
FACTORED = ("M004", "M005", "M006", "M007", "M008", "M009", "M016", "M017", "M018", "M019",
            "M023", "M028", "M048", "M049", "M050", "M051", "M052", "M053", "M064", "M065",
            "M066", "M067", "M068", "M069", "M070", "M071", "M072", "M073", "M074", "M075")

# (nut_name, address, kind, arg); "factored": raw * arg, divided by 10 when T014 = 1.
IDENTITY = (
    ("ups.power.nominal", 0x0005, "factored", 1000),            # T005 kVA -> VA
    ("ups.realpower.nominal", 0x0006, "factored", 1000),        # T006 kW -> W
    ("device.serial", SERIAL, "ascii", 10),
    ("device.part", REFERENCE, "ascii", 10),
)

# Bit labels of T008..T010, published in state.device.
FEATURES = {
    "functions": (0x0008, ((0, "eco mode enabled"), (1, "energy saver enabled"),
                           (3, "genset present"), (6, "standby schedule"),
                           (9, "backfeed present"))),
    "environment": (0x0009, ((0, "external transformer"), (1, "external input breaker"),
                             (2, "external output breaker"), (3, "double bus bar"),
                             (4, "external bypass"), (5, "super bypass"), (6, "without bypass"),
                             (7, "without maintenance bypass"))),
    "dc_storage": (0x000A, ((0, "battery present"),)),
}

# T015 device reference code -> range. The row between MODULYS RM GP and MODULYS XS is
# garbled in the manual ("0.0400 MODUNO VO", probably MODULYS XM): its code is unreadable.
RANGES = {
    0x8001: "ITYS PRO",
    0x8100: "MODULYS GP 2.0",
    0x8110: "MODULYS RM GP",
    0x8180: "MODULYS XS",
    0x81A0: "MODULYS XL",
    0x8200: "MASTERYS BC+",
    0x8300: "MASTERYS GP4",
    0x8400: "DELPHYS XL",
    0x0288: "DELPHYS BC - GP 2.0",
}
TYPES = {}      # VU-MAP has no JBUSP-style type code: see RANGES and T001

# ups.status rules (acronym, NUT tokens[, acronyms that cancel the rule]). The load is OFF only
# on S004 "Load OFF" (the map says so explicitly), so LOAD_SUPPLIED is empty.
STATUS_RULES = (
    ("A019", "OB DISCHRG"),     # operating on battery
    ("A018", "LB"),             # end of backup time
    ("A017", "LB"),             # battery discharged
    ("A022", "RB"),             # battery test failed
    ("S036", "CHRG"),           # battery charging
    ("S034", "CAL"),            # battery test in progress
    # In eco mode (S006) and in energy saver (S007) the load runs on the bypass line by design.
    # The manual names one each: its RFC 1628 appendix says "S002&!S006" and its NET VISION 7 MIB
    # table (3.55) "S002&!S007". Both are high-efficiency modes, not "on bypass": neither counts.
    ("S002", "BYPASS", ("S006", "S007")),   # load supplied by automatic bypass
    ("S006", "ECO"),            # UPS in eco mode: NUT's ECO status
    ("S007", "ECO"),            # UPS in energy saver (also a vendor ECO mode for NUT)
    ("S003", "BYPASS"),         # load supplied by maintenance bypass
    ("A001", "OVER"),           # overload alarm
)
LOAD_SUPPLIED = ()
LOAD_OFF = ("S004",)
# experimental.ups.mode.buzzwords (NUT's name for vendor modes): (acronym, word).
BUZZWORDS = (("S006", "vendor:socomec:eco"), ("S007", "vendor:socomec:energy-saver"))
# Flags behind the shutdown events the manual names (§12.8.2) that ups.status does not carry;
# the RFC 1628 well-known-alarm appendix pairs them: upsAlarmTempBad = A002.
CONDITIONS = {"imminent_stop": ("A000",), "temperature": ("A002",)}
# Power share plugs: S060..S063 "PowerShare Plug N closed" -> NUT's outlet.N.status. VU-MAP does
# not say how many plugs a UPS has, so all four are published (an absent plug reads "off"); the
# power share feature takes the count from its setting (powershare.plugs).
DERIVED = tuple(("outlet.%d.status" % (n + 1), (("S%03d" % (60 + n), "on"),), "off")
                for n in range(4))
STATUS_ALARMS = False           # statuses describe states that ups.status already shows

# The manual does not publish the command registers: one command word at 0x00F0 (free in
# every VU-MAP block above) with a code per command, our layout. Every row: to be confirmed
# against the range's MODBUS manual; poll.commands can override it.
COMMANDS = {
    "test.battery.start": (0x00F0, 0x0001),     # to be confirmed against the range's MODBUS manual
    "test.battery.stop": (0x00F0, 0x0002),      # to be confirmed against the range's MODBUS manual
    "bypass.start": (0x00F0, 0x0010),           # to be confirmed against the range's MODBUS manual
    "bypass.stop": (0x00F0, 0x0011),            # to be confirmed against the range's MODBUS manual
    "load.off.delay": (0x00F0, 0x0020),         # to be confirmed against the range's MODBUS manual
    "shutdown.return": (0x00F0, 0x0021),        # to be confirmed against the range's MODBUS manual
    "load.on": (0x00F0, 0x0022),                # to be confirmed against the range's MODBUS manual
    "beeper.mute": (0x00F0, 0x0030),            # to be confirmed against the range's MODBUS manual
    "experimental.ecomode.enable": (0x00F0, 0x0040),    # to be confirmed against the range's MODBUS manual
    "experimental.ecomode.disable": (0x00F0, 0x0041),   # to be confirmed against the range's MODBUS manual
    "experimental.standby.enable": (0x00F0, 0x0050),    # to be confirmed against the range's MODBUS manual
    "experimental.standby.disable": (0x00F0, 0x0051),   # to be confirmed against the range's MODBUS manual
}
# Power share plugs (manual §12.8.1): plug N opened (off) with code 0x006N, closed (on) with
# 0x007N, in the same command word; our layout like the rows above, every row to be confirmed
# against the range's MODBUS manual (poll.commands can override it).
for _n in range(1, 5):
    COMMANDS["outlet.%d.load.off" % _n] = (0x00F0, 0x0060 + _n)    # to be confirmed (see above)
    COMMANDS["outlet.%d.load.on" % _n] = (0x00F0, 0x0070 + _n)     # to be confirmed (see above)
del _n

CLOCK = (CLOCK_BASE, 6)             # to be confirmed against the range's MODBUS manual
CLOCK_FORMAT = "plain"
REMOTE_DISABLED = None              # VU-MAP publishes no such bit
REMOTE_INVERTED = False
