"""JBUSP register map (NETYS, ITYS, MODULYS, MASTERYS, DELPHYS BC/GP/MP/MX) as data tables.

Source: NET VISION 8.3 manual, appendix "JBUSP UPS MODBUS TABLE"; holding registers (0x03).

    0x1000 x12  ident    T00 type code, T01 nominal kVA*10, T02 module number,
                         T03..T07 serial number, 2 ASCII chars a word: MSB = char 2, LSB = char 1
    0x1020 x4   status   S00..S63, S00 = bit 0 (LSB) of 0x1020, S16 = bit 0 of 0x1021
    0x1040 x4   alarm    A00..A63, same bit order
    0x1060 x48  measure  M00..M47, 0xFFFF = not managed
    0x10E0 x16  config   nominal voltages/frequencies, firmware *100, battery Ah*10, power share plugs
    0x1360 x4   clock    read as NUT's socomec_jbus reads it (our third-party peer on this profile):
                         word 0 = minutes:seconds, word 1 = day:hours, word 2 = month:(LSB not
                         read by NUT, we write 0), word 3 = year - 2000 (MSB:LSB each word)

The PDF extraction garbled a few rows; each decision is commented next to its row.
"""

MAPPING = "jbusp"
DEVICE_TYPE = "ups"
ASCII_LSB_FIRST = True   # T03: "MSB = char 2, LSB = char 1"; NUT's socomec_jbus reads it the same way

IDENT, CONFIG, STATUS_BASE, ALARM_BASE, MEASURE_BASE, CLOCK_BASE = (
    0x1000, 0x10E0, 0x1020, 0x1040, 0x1060, 0x1360)

BLOCKS = (
    ("ident", IDENT, 12, "ident"),
    ("config", CONFIG, 16, "ident"),
    ("status", STATUS_BASE, 4, "cycle"),
    ("alarm", ALARM_BASE, 4, "cycle"),
    ("measure", MEASURE_BASE, 48, "cycle"),
    ("clock", CLOCK_BASE, 4, "cycle"),
)

# (acronym, address, bit, level, description). Levels exactly as printed; "1"/"ī" in the
# extracted text are the letter I (they sit in the I column of battery-test rows).
STATUS = (
    ("S00", 0x1020, 0, None, "Rectifier Input supply present"),
    ("S01", 0x1020, 1, "I", "Inverter ON"),
    ("S02", 0x1020, 2, "I", "Rectifier ON"),
    ("S03", 0x1020, 3, "I", "Load protected by inverter"),
    ("S04", 0x1020, 4, "W", "Load on automatic bypass"),
    ("S05", 0x1020, 5, "W", "On battery / Battery discharging"),
    ("S06", 0x1020, 6, None, "Remote controls disabled"),
    ("S07", 0x1020, 7, None, "Eco-mode ON"),
    ("S08", 0x1020, 8, "W", "Stand-by mode"),
    ("S09", 0x1020, 9, None, "Buzzer on"),
    ("S10", 0x1020, 10, "I", "Battery test in progress"),
    ("S11", 0x1020, 11, "I", "Battery test programmed"),
    ("S12", 0x1020, 12, "I", "Battery test in stand-by"),
    ("S13", 0x1020, 13, "I", "Battery test supported"),
    ("S14", 0x1020, 14, "W", "Battery test failed"),
    ("S15", 0x1020, 15, "C", "Battery near end of backup time"),
    # S16/S17 as the manual prints them; NUT's socomec_jbus logs "Battery OK" at bit 0 of the
    # second word (S16) but only for debug output, so nothing depends on that reading.
    ("S16", 0x1021, 0, "C", "Battery discharged"),
    ("S17", 0x1021, 1, "I", "Battery OK"),
    # S18: description unreadable in the manual ("Battery ere"), left out; S19..S22 empty.
    ("S23", 0x1021, 7, None, "Inverter synchro with mains"),
    ("S24", 0x1021, 8, None, "Boost on"),   # battery boost charge (NUT: "Boost charge ON")
    # S25: the manual's row is a garbled copy of S24 ("DOOST OH"), left out.
    ("S26", 0x1021, 10, None, "Bypass input supply present"),   # NUT: word 1 bit 10, agrees
    ("S27", 0x1021, 11, None, "Battery charging"),              # NUT: word 1 bit 11, agrees
    ("S28", 0x1021, 12, None, "Bypass input fr. out of tolerance"),
    ("S29", 0x1021, 13, None, "Stand-by schedule"),
    ("S30", 0x1021, 14, None, "UPS on parallel system"),
    ("S31", 0x1021, 15, None, "Battery extension"),
    ("S32", 0x1022, 0, None, "Unit 1 present"),
    ("S33", 0x1022, 1, None, "Unit 2 present"),
    ("S34", 0x1022, 2, None, "Unit 3 present"),
    ("S35", 0x1022, 3, None, "Unit 4 present"),
    ("S36", 0x1022, 4, None, "Unit 5 present"),
    ("S37", 0x1022, 5, None, "Unit 6 present"),
    ("S38", 0x1022, 6, None, "External Input 1"),
    ("S39", 0x1022, 7, None, "External Input 2"),
    ("S40", 0x1022, 8, None, "External Input 3"),
    ("S41", 0x1022, 9, None, "External Input 4"),
    ("S42", 0x1022, 10, None, "Controls permission table managed"),
    ("S43", 0x1022, 11, None, "Power share"),
    ("S46", 0x1022, 14, None, "Operating on Gen Set"),
    # S47 garbled and empty; the trailing "End of the first maintenance period" line after
    # S49 is an extraction duplicate of S49.
    ("S48", 0x1023, 0, "W", "Maintenance mode active"),          # NUT: word 3 bit 0, agrees
    ("S49", 0x1023, 1, "W", "End of the first maintenance period"),
)

ALARMS = (
    ("A00", 0x1040, 0, "W", "General Alarm"),
    ("A01", 0x1040, 1, "W", "Battery failure"),
    ("A02", 0x1040, 2, "W", "UPS overload"),
    ("A03", 0x1040, 3, None, "Output voltage out of tolerance"),
    ("A04", 0x1040, 4, None, "Control failure"),
    ("A05", 0x1040, 5, "W", "Rec. input supply out of tolerance"),
    ("A06", 0x1040, 6, "W", "Bypass input supply out of tolerance"),
    ("A07", 0x1040, 7, "W", "Over temperature alarm"),
    ("A08", 0x1040, 8, "W", "Maintenance bypass closed"),
    ("A10", 0x1040, 10, "W", "Battery charger fault"),
    ("A13", 0x1040, 13, None, "Pre-charge out of tolerance"),
    ("A14", 0x1040, 14, None, "BOOST too low"),
    ("A15", 0x1040, 15, None, "BOOST too high"),
    ("A16", 0x1041, 0, None, "VDC too high"),
    ("A17", 0x1041, 1, None, "Improper condition of use"),
    ("A18", 0x1041, 2, None, "Inverter stopped for overload"),
    ("A19", 0x1041, 3, "W", "Microprocessor control system"),
    ("A20", 0x1041, 4, "W", "Data map corrupted"),
    ("A21", 0x1041, 5, None, "PLL fault (sources synchronization)"),
    ("A22", 0x1041, 6, None, "Rectifier input supply fault"),
    ("A23", 0x1041, 7, "W", "Rectifier preventive alarm"),
    ("A25", 0x1041, 9, "W", "Inverter preventive alarm"),
    ("A26", 0x1041, 10, "W", "Charger general alarm"),
    ("A27", 0x1041, 11, None, "Output Voltage over limit"),
    ("A29", 0x1041, 13, "W", "Bypass preventive alarm"),
    ("A30", 0x1041, 14, None, "UPS stopped for overload"),
    ("A31", 0x1041, 15, "C", "Imminent STOP"),                   # NUT: word 1 bit 15, agrees
    ("A32", 0x1042, 0, "W", "Unit 1 general alarm"),
    ("A33", 0x1042, 1, "W", "Unit 2 general alarm"),
    ("A34", 0x1042, 2, "W", "Unit 3 general alarm"),
    ("A35", 0x1042, 3, "W", "Unit 4 general alarm"),
    ("A36", 0x1042, 4, "W", "Unit 5 general alarm"),
    ("A37", 0x1042, 5, "W", "Unit 6 general alarm"),
    ("A38", 0x1042, 6, "W", "External alarm 1"),
    ("A39", 0x1042, 7, None, "External alarm 2"),
    ("A40", 0x1042, 8, None, "External alarm 3"),
    ("A41", 0x1042, 9, None, "External alarm 4"),
    ("A42", 0x1042, 10, "W", "Remote service alarm"),
    ("A43", 0x1042, 11, "W", "Redundancy loss"),
    ("A44", 0x1042, 12, "W", "Servicing alarm"),
    ("A45", 0x1042, 13, "W", "Auto. and manual transfer disable"),
    ("A46", 0x1042, 14, "W", "Automatic transfer disable"),
    ("A47", 0x1042, 15, "W", "Battery room alarm"),
    ("A48", 0x1043, 0, "W", "Maintenance bypass alarm"),
    ("A49", 0x1043, 1, "C", "Battery discharged"),
    ("A50", 0x1043, 2, "W", "Insufficient resources"),
    ("A51", 0x1043, 3, "W", "Synoptic alarm"),
    ("A52", 0x1043, 4, "C", "Rectifier fault"),
    ("A54", 0x1043, 6, "C", "Inverter fault"),
    ("A55", 0x1043, 7, None, "Parallel fault"),
    ("A56", 0x1043, 8, "W", "Gen set alarm"),
    ("A57", 0x1043, 9, None, "Gen set fault"),
    ("A58", 0x1043, 10, "C", "ESD activated"),
    ("A59", 0x1043, 11, "C", "Battery circuit open"),
    ("A60", 0x1043, 12, "W", "Fan failure"),
    ("A61", 0x1043, 13, "W", "Phase rotation fault"),
    ("A62", 0x1043, 14, "C", "Bypass critical alarm"),
)

# (acronym, address, nut_name, scale, signed): NUT value = raw * scale. Per-phase rows carry
# the L1/L2/L3 names; decode renames L1 to the plain name on single-phase units (L2 absent)
# and also publishes phase 1 voltages as the plain name (names.PHASE_ONE).
MEASURES = (
    ("M00", 0x1060, "output.L1.power.percent", 1, False),
    ("M01", 0x1061, "output.L2.power.percent", 1, False),
    ("M02", 0x1062, "output.L3.power.percent", 1, False),
    ("M03", 0x1063, "ups.load", 1, False),
    ("M04", 0x1064, "battery.charge", 1, False),
    ("M05", 0x1065, "battery.capacity", 0.1, False),             # Ah*10
    ("M06", 0x1066, "input.bypass.L1-N.voltage", 1, False),
    ("M07", 0x1067, "input.bypass.L2-N.voltage", 1, False),
    ("M08", 0x1068, "input.bypass.L3-N.voltage", 1, False),
    ("M09", 0x1069, "output.L1-N.voltage", 1, False),
    ("M10", 0x106A, "output.L2-N.voltage", 1, False),
    ("M11", 0x106B, "output.L3-N.voltage", 1, False),
    ("M12", 0x106C, "input.L1.current", 1, False),              # A, no decimal in the table
    ("M13", 0x106D, "input.L2.current", 1, False),
    ("M14", 0x106E, "input.L3.current", 1, False),
    ("M15", 0x106F, "output.L1.current", 0.1, False),           # A*10
    ("M16", 0x1070, "output.L2.current", 0.1, False),
    ("M17", 0x1071, "output.L3.current", 0.1, False),
    ("M18", 0x1072, "input.bypass.frequency", 0.1, False),
    ("M19", 0x1073, "output.frequency", 0.1, False),
    ("M20", 0x1074, "battery.voltage", 0.1, False),             # string (+)
    ("M21", 0x1075, "battery.voltage.negative", 0.1, False),    # string (-), extension
    ("M22", 0x1076, "ambient.temperature", 1, True),            # "Ambient Temperature", degC
    ("M23", 0x1077, "battery.runtime", 60, False),              # minutes -> seconds
    ("M24", 0x1078, "battery.current", 0.1, True),              # A*10, signed (+ charge)
    ("M33", 0x1081, "input.L1-N.voltage", 1, False),            # rectifier input = NUT input
    ("M34", 0x1082, "input.L2-N.voltage", 1, False),
    ("M35", 0x1083, "input.L3-N.voltage", 1, False),
    ("M36", 0x1084, "ups.realpower", 100, False),               # kW*10 -> W
    ("M37", 0x1085, "output.L1.power", 100, False),             # kVA*10 -> VA
    ("M38", 0x1086, "output.L2.power", 100, False),
    ("M39", 0x1087, "output.L3.power", 100, False),
    # M40..M42 "Input power": the table gives no unit or format; kW*10 assumed like M36.
    ("M40", 0x1088, "input.L1.realpower", 100, False),
    ("M41", 0x1089, "input.L2.realpower", 100, False),
    ("M42", 0x108A, "input.L3.realpower", 100, False),
    ("M43", 0x108B, "input.frequency", 0.1, False),             # rectifier input frequency
)

# Identity/configuration words: (nut_name, address, kind, arg).
#   "number": raw * arg (0 or 0xFFFF = not given), "version": raw / arg as "1.00",
#   "ascii": arg words of text.
IDENTITY = (
    ("ups.power.nominal", 0x1001, "number", 100),               # kVA*10 -> VA
    ("device.serial", 0x1003, "ascii", 5),                      # T03..T07, 10 chars
    ("input.voltage.nominal", 0x10E0, "number", 1),
    ("output.voltage.nominal", 0x10E1, "number", 1),
    ("input.frequency.nominal", 0x10E2, "number", 1),
    ("output.frequency.nominal", 0x10E3, "number", 1),
    ("ups.firmware", 0x10E4, "version", 100),                   # of the UPS com. board
    ("battery.capacity.nominal", 0x10E8, "number", 0.1),        # Ah*10, extensions included
    ("outlet.count", 0x10EA, "number", 1),                      # power share plugs
)
TYPE_CODE = 0x1000
MODULE_NUMBER = 0x1002

# UPS type code (T00) -> (range, architecture, input phases, output phases).
# "SYSTEM" codes are parallel systems (MODULYS: of modular units), "UPS" codes a single UPS
# (MODULYS: one modular unit), "MODULE" codes a power module answering on its own.
TYPES = {
    20: ("MODULYS 1/1 MODULE", "single", 1, 1),
    21: ("MODULYS 1/1 UPS", "modular", 1, 1),
    22: ("MODULYS 1/1 SYSTEM", "modular-system", 1, 1),
    26: ("MASTERYS 1/1 SYSTEM", "parallel", 1, 1),
    27: ("MASTERYS 1/1 UPS", "single", 1, 1),
    28: ("MASTERYS 1/1 MODULE", "single", 1, 1),
    29: ("NETYS", "single", 1, 1),
    30: ("ITYS", "single", 1, 1),
    31: ("NETYS RT", "single", 1, 1),
    35: ("NETYS PR", "single", 1, 1),
    36: ("NETYS PR-RK", "single", 1, 1),
    37: ("NETYS PR-RT", "single", 1, 1),
    82: ("MODULYS 3/1 MODULE", "single", 3, 1),
    83: ("MODULYS 3/1 SYSTEM", "modular-system", 3, 1),
    84: ("MODULYS 3/1 UPS", "modular", 3, 1),
    86: ("MASTERYS 3/1 SYSTEM", "parallel", 3, 1),
    87: ("MASTERYS 3/1 UPS", "single", 3, 1),
    88: ("MASTERYS 3/1 MODULE", "single", 3, 1),
    89: ("ITYS 3/1 UPS", "single", 3, 1),
    256: ("MASTERYS 3/3 SYSTEM", "parallel", 3, 3),
    257: ("MASTERYS 3/3 UPS", "single", 3, 3),
    258: ("MASTERYS 3/3 MODULE", "single", 3, 3),
    513: ("DELPHYS MP SINGLE UNIT", "single", 3, 3),            # 513 - 514
    514: ("DELPHYS MP SINGLE UNIT", "single", 3, 3),
    515: ("DELPHYS MX SINGLE UNIT", "single", 3, 3),            # 515 - 516
    516: ("DELPHYS MX SINGLE UNIT", "single", 3, 3),
    640: ("DELPHYS Green Power", "single", 3, 3),
    644: ("DELPHYS BC", "single", 3, 3),
    648: ("DELPHYS GP 2.0", "single", 3, 3),
    1014: ("DELPHYS MP SYSTEM", "parallel", 3, 3),              # 1014 - 1017
    1015: ("DELPHYS MP SYSTEM", "parallel", 3, 3),
    1016: ("DELPHYS MP SYSTEM", "parallel", 3, 3),
    1017: ("DELPHYS MP SYSTEM", "parallel", 3, 3),
    1018: ("DELPHYS MX SYSTEM", "parallel", 3, 3),              # 1018 - 1021
    1019: ("DELPHYS MX SYSTEM", "parallel", 3, 3),
    1020: ("DELPHYS MX SYSTEM", "parallel", 3, 3),
    1021: ("DELPHYS MX SYSTEM", "parallel", 3, 3),
}

PARALLEL_FLAG = "S30"                                           # "UPS on parallel system"
UNIT_PRESENT = ("S32", "S33", "S34", "S35", "S36", "S37")       # unit 1..6 present

# ups.status rules: (acronym, NUT status tokens[, acronyms that cancel the rule]). The load is
# supplied when one of LOAD_SUPPLIED is active (inverter, automatic bypass, battery, maintenance
# bypass); otherwise the status is OFF. OL is added when the load is supplied and the UPS is not
# on battery.
STATUS_RULES = (
    ("S05", "OB DISCHRG"),      # on battery / battery discharging
    ("S15", "LB"),              # battery near end of backup time
    ("S16", "LB"),              # battery discharged
    ("A49", "LB"),              # battery discharged (alarm word)
    ("S14", "RB"),              # battery test failed
    ("A01", "RB"),              # battery failure
    ("S27", "CHRG"),            # battery charging
    # In eco mode the load runs on the bypass line by design and S04 is set with S07: the manual
    # defines "on bypass" as S04 and not S07 (NET VISION 7 MIB 3.55 upsAlarmOnBypass, and the
    # RFC 1628 well-known-alarm appendix). The trap table's "S04&!S06" is read as a misprint of
    # the same rule: S06 is "remote controls disabled", which has nothing to do with bypass.
    ("S04", "BYPASS", ("S07",)),    # load on automatic bypass
    ("S07", "ECO"),             # eco mode: NUT's ECO status (upsmon knows it)
    ("A08", "BYPASS"),          # maintenance bypass closed: the load is on the bypass line
    ("S10", "CAL"),             # battery test in progress
    ("A02", "OVER"),            # UPS overload
    ("A18", "OVER"),            # inverter stopped for overload
    ("A30", "OVER"),            # UPS stopped for overload
)
LOAD_SUPPLIED = ("S03", "S04", "S05", "A08")
LOAD_OFF = ()
# experimental.ups.mode.buzzwords (NUT's name for vendor modes): (acronym, word).
BUZZWORDS = (("S07", "vendor:socomec:eco"),)
# Flags behind the shutdown events the manual names (§12.8.2) that ups.status does not carry;
# the RFC 1628 well-known-alarm appendix pairs them: upsAlarmTempBad = A07.
CONDITIONS = {"imminent_stop": ("A31",), "temperature": ("A07",)}
DERIVED = ()                    # no value derived from flags (see the STS map)
STATUS_ALARMS = False           # statuses describe states that ups.status already shows

# Instant commands: {nut_command: (address, value)} written with function 0x06.
# The manual does not publish the command registers: this layout is ours, one command word at
# 0x1500 with a code per command; every row is to be confirmed against the range's MODBUS
# manual and can be overridden with the configuration key poll.commands.
COMMAND_REGISTER = 0x1500
COMMANDS = {
    "test.battery.start": (0x1500, 0x0001),     # to be confirmed against the range's MODBUS manual
    "test.battery.stop": (0x1500, 0x0002),      # to be confirmed against the range's MODBUS manual
    "bypass.start": (0x1500, 0x0010),           # to be confirmed against the range's MODBUS manual
    "bypass.stop": (0x1500, 0x0011),            # to be confirmed against the range's MODBUS manual
    "load.off.delay": (0x1500, 0x0020),         # to be confirmed against the range's MODBUS manual
    "shutdown.return": (0x1500, 0x0021),        # to be confirmed against the range's MODBUS manual
    "load.on": (0x1500, 0x0022),                # to be confirmed against the range's MODBUS manual
    "beeper.mute": (0x1500, 0x0030),            # to be confirmed against the range's MODBUS manual
    "experimental.ecomode.enable": (0x1500, 0x0040),    # to be confirmed against the range's MODBUS manual
    "experimental.ecomode.disable": (0x1500, 0x0041),   # to be confirmed against the range's MODBUS manual
    "experimental.standby.enable": (0x1500, 0x0050),    # to be confirmed against the range's MODBUS manual
    "experimental.standby.disable": (0x1500, 0x0051),   # to be confirmed against the range's MODBUS manual
}
# Power share plugs (manual §12.8.1; JBUSP publishes their number, T10 = outlet.count, and S43
# "power share", not the state of each plug): plug N opened (off) with code 0x006N, closed (on)
# with 0x007N, in the same command word; our layout like the rows above, every row to be confirmed
# against the range's MODBUS manual (poll.commands can override it).
for _n in range(1, 5):
    COMMANDS["outlet.%d.load.off" % _n] = (0x1500, 0x0060 + _n)    # to be confirmed (see above)
    COMMANDS["outlet.%d.load.on" % _n] = (0x1500, 0x0070 + _n)     # to be confirmed (see above)
del _n

CLOCK = (CLOCK_BASE, 4)             # as NUT's socomec_jbus reads it (see the module docstring)
CLOCK_FORMAT = "packed"
REMOTE_DISABLED = "S06"
REMOTE_INVERTED = False             # the bit is set when remote controls are disabled
