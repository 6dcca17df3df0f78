"""JBUSP register tables as the manual prints them (appendix "JBUSP UPS MODBUS TABLE").

Holding registers, function 0x03. Acronyms, levels, units and formats are the manual's; the last
column of MEASURES is the simulator's physical quantity. The manual numbers the flags of each
4-word table S00..S63 / A00..A63 without drawing the words: Snn is bit nn % 16 (bit 0 = LSB) of
word nn // 16, the order NUT's socomec_jbus also reads (S26 = word 1 bit 10, S48 = word 3 bit 0).
"""

from tools.upssim.registers import numbered_position

MAPPING = "jbusp"

# "APPENDIX: MODBUS TCP ACCESS", FOR JBUSP UPS: Data, Address, Words.
BLOCKS = (
    ("IDENTIFIERS", 0x1000, 12),
    ("STATUS", 0x1020, 6),          # manual: 4 words; NUT's socomec_jbus reads 6, so 2 more (0)
    ("ALARMS", 0x1040, 4),
    ("MEASUREMENTS", 0x1060, 48),
    # The access table says 16 words, the configuration table lists T00..T31 up to 0x10FF (and
    # NUT's socomec_jbus reads 32): the simulator answers the 32 words of the longer table.
    ("CONFIGURATION", 0x10E0, 32),
    ("CLOCK", 0x1360, 4),           # not in the manual: see CLOCK
)
STATUS_TABLE, ALARM_TABLE = 0x1020, 0x1040

# (acronym, level, description); level "" where the manual prints none. Extraction slips read
# as: "1" and "ī" in the level column of S11, S12, S17 are the letter I.
STATUS = (
    ("S00", "", "Rectifier Input supply present"),
    ("S01", "I", "Inverter ON"),
    ("S02", "I", "Rectifier ON"),
    ("S03", "I", "Load protected by inverter"),
    ("S04", "W", "Load on automatic bypass"),
    ("S05", "W", "on battery / Battery discharging"),
    ("S06", "", "Remote controls disabled"),
    ("S07", "", "Eco-mode ON"),
    ("S08", "W", "Stand-by mode"),
    ("S09", "", "Buzzer on"),
    ("S10", "I", "Battery test in progress"),
    ("S11", "I", "Battery test programmed"),
    ("S12", "I", "Battery test in stand-by"),
    ("S13", "I", "Battery test supported"),
    ("S14", "W", "Battery test failed"),
    ("S15", "C", "Battery near end of backup time"),
    ("S16", "C", "Battery discharged"),
    ("S17", "I", "Battery OK"),
    ("S18", "", "Battery ere"),     # garbled in the manual; never set by the simulator
    ("S23", "", "Inverter synchro with mains"),
    ("S24", "", "Boost on"),
    ("S25", "", "DOOST OH"),        # garbled in the manual; never set by the simulator
    ("S26", "", "Bypass input supply present"),
    ("S27", "", "Battery charging"),
    ("S28", "", "Bypass input fr. out of tolerance"),
    ("S29", "", "Stand-by schedule"),
    ("S30", "", "UPS on parallel system"),
    ("S31", "", "Battery extension"),
    ("S32", "", "Unit 1 present"),
    ("S33", "", "Unit 2 present"),
    ("S34", "", "Unit 3 present"),
    ("S35", "", "Unit 4 present"),
    ("S36", "", "Unit 5 present"),
    ("S37", "", "Unit 6 present"),
    ("S38", "", "External Input 1"),
    ("S39", "", "External Input 2"),
    ("S40", "", "External Input 3"),
    ("S41", "", "External Input 4"),
    ("S42", "", "Controls permission table managed"),
    ("S43", "", "power share"),
    ("S46", "", "Operating on Gen Set"),
    ("S48", "W", "Maintenance mode active"),
    ("S49", "W", "End of the first maintenance period"),
)

ALARMS = (
    ("A00", "W", "General Alarm"),
    ("A01", "W", "Battery failure"),
    ("A02", "W", "UPS overload"),
    ("A03", "", "Output voltage out of tolerance"),
    ("A04", "", "Control failure"),
    ("A05", "W", "Rec. input supply out of tolerance"),
    ("A06", "W", "Bypass input supply out of tolerance"),
    ("A07", "W", "Over temperature alarm"),
    ("A08", "W", "Maintenance bypass closed"),
    ("A10", "W", "Battery charger fault"),
    ("A13", "", "Pre-charge out of tolerance"),
    ("A14", "", "BOOST too low"),
    ("A15", "", "BOOST too high"),
    ("A16", "", "VDC too high"),
    ("A17", "", "Improper condition of use"),
    ("A18", "", "Inverter stopped for overload"),
    ("A19", "W", "Microprocessor control system"),
    ("A20", "W", "data map corrupted"),
    ("A21", "", "PLL fault (sources synchronization)"),
    ("A22", "", "Rectifier input supply fault"),
    ("A23", "W", "Rectifier preventive alarm"),
    ("A25", "W", "Inverter preventive alarm"),
    ("A26", "W", "Charger general alarm"),
    ("A27", "", "Output Voltage over limit"),
    ("A29", "W", "Bypass preventive alarm"),
    ("A30", "", "UPS stopped for overload"),
    ("A31", "C", "Imminent STOP"),
    ("A32", "W", "Unit 1 general alarm"),
    ("A33", "W", "Unit 2 general alarm"),
    ("A34", "W", "Unit 3 general alarm"),
    ("A35", "W", "Unit 4 general alarm"),
    ("A36", "W", "Unit 5 general alarm"),
    ("A37", "W", "Unit 6 general alarm"),
    ("A38", "W", "External alarm 1"),
    ("A39", "", "External alarm 2"),
    ("A40", "", "External alarm 3"),
    ("A41", "", "External alarm 4"),
    ("A42", "W", "Remote service alarm"),
    ("A43", "W", "redundancy loss"),
    ("A44", "W", "Servicing alarm"),
    ("A45", "W", "Auto. and manual transfer disable"),
    ("A46", "W", "Automatic transfer disable"),
    ("A47", "W", "Battery room alarm"),
    ("A48", "W", "Maintenance bypass alarm"),
    ("A49", "C", "Battery discharged"),
    ("A50", "W", "insufficient resources"),
    ("A51", "W", "Synoptic alarm"),
    ("A52", "C", "Rectifier fault"),
    ("A54", "C", "Inverter fault"),
    ("A55", "", "Parallel fault"),
    ("A56", "W", "Gen set alarm"),
    ("A57", "", "Gen set fault"),
    ("A58", "C", "ESD activated"),
    ("A59", "C", "Battery circuit open"),
    ("A60", "W", "Fan failure"),
    ("A61", "W", "Phase rotation fault"),
    ("A62", "C", "Bypass critical alarm"),
)

# (code, address, description, units, format, quantity). Per-range columns as printed in
# RANGES below. Value -1 (0xFFFF): "the measurement is not managed by the UPS".
MEASURES = (
    ("M00", 0x1060, "Load rate phase1", "%", "###", "load_pct_L1"),
    ("M01", 0x1061, "Load rate phase 2", "%", "", "load_pct_L2"),
    ("M02", 0x1062, "Load rate phase 3", "%", "", "load_pct_L3"),
    ("M03", 0x1063, "UPS load rate", "%", "###", "load_pct"),
    ("M04", 0x1064, "Battery Capacity", "%", "###", "battery_charge_pct"),
    ("M05", 0x1065, "Battery Capacity", "Ah*10", "###.#", "battery_capacity_ah"),
    ("M06", 0x1066, "Input bypass voltage phase 1", "V", "###", "bypass_voltage_L1"),
    ("M07", 0x1067, "Input bypass voltage phase 2", "V", "", "bypass_voltage_L2"),
    ("M08", 0x1068, "Input bypass voltage phase 3", "V", "", "bypass_voltage_L3"),
    ("M09", 0x1069, "Output voltage phase 1", "V", "###", "output_voltage_L1"),
    ("M10", 0x106A, "Output voltage phase 2", "V", "", "output_voltage_L2"),
    ("M11", 0x106B, "Output voltage phase 3", "V", "", "output_voltage_L3"),
    ("M12", 0x106C, "Input current L1", "A", "", "input_current_L1"),
    ("M13", 0x106D, "Input current L2", "A", "", "input_current_L2"),
    ("M14", 0x106E, "Input current L3", "A", "", "input_current_L3"),
    ("M15", 0x106F, "Output current phase 1", "A*10", "###.#", "output_current_L1"),
    ("M16", 0x1070, "Output current phase 2", "A*10", "", "output_current_L2"),
    ("M17", 0x1071, "Output current phase 3", "A*10", "", "output_current_L3"),
    ("M18", 0x1072, "Input bypass frequency", "Hz*10", "##.#", "bypass_frequency"),
    ("M19", 0x1073, "Output frequency", "Hz*10", "##.#", "output_frequency"),
    ("M20", 0x1074, "Battery voltage (+)", "V*10", "###.#", "battery_voltage"),
    ("M21", 0x1075, "Battery voltage (-)", "V*10", "###.#", "battery_voltage_negative"),
    ("M22", 0x1076, "Ambient Temperature", "°C", "##", "ambient_temperature"),
    ("M23", 0x1077, "Remaining backup time", "Minutes", "####", "runtime_min"),
    ("M24", 0x1078, "Battery current", "A*10", "±###.#", "battery_current"),
    ("M33", 0x1081, "Rectifier input voltage phase 1", "V", "###", "input_voltage_L1"),
    ("M34", 0x1082, "Rectifier input voltage phase 2", "V", "", "input_voltage_L2"),
    ("M35", 0x1083, "Rectifier input voltage phase 3", "V", "", "input_voltage_L3"),
    ("M36", 0x1084, "UPS output power", "kW*10", "", "output_kw"),
    ("M37", 0x1085, "Output power phase 1", "kVA*10", "###.#", "output_kva_L1"),
    ("M38", 0x1086, "Output power phase 2", "kVA*10", "", "output_kva_L2"),
    ("M39", 0x1087, "Output power phase 3", "kVA*10", "", "output_kva_L3"),
    # M40..M42 "Input power": the manual prints no unit or format. The simulator's choice:
    # kW*10, the unit of the one other active power of the table (M36).
    ("M40", 0x1088, "Input power L1", "kW*10", "", "input_kw_L1"),
    ("M41", 0x1089, "Input power L2", "kW*10", "", "input_kw_L2"),
    ("M42", 0x108A, "Input power L3", "kW*10", "", "input_kw_L3"),
    ("M43", 0x108B, "Rec input Fr", "Hz*10", "##.#", "input_frequency"),
)

# The per-range columns of the measurement table, one character a column in the order
# NETYS/ITYS, MASTERYS, DELPHYS MP/MX, DELPHYS BC/GP: "X" printed X, "-" printed -1 (not
# managed), "." blank (a single-phase NETYS/ITYS has no phase 2/3: not managed either).
RANGE_COLUMNS = ("NETYS/ITYS", "MASTERYS", "DELPHYS MP/MX", "DELPHYS BC/GP")
RANGES = {
    "M00": "XXXX", "M01": ".XXX", "M02": ".XXX", "M03": "XXXX", "M04": "XXXX", "M05": ".XXX",
    "M06": "XXXX", "M07": ".XXX", "M08": ".XXX", "M09": "XXXX", "M10": ".XXX", "M11": ".XXX",
    "M12": ".X--", "M13": ".X--", "M14": ".X--", "M15": "XXXX", "M16": ".XXX", "M17": ".XXX",
    "M18": "XXXX", "M19": "XXXX", "M20": "XXXX", "M21": "-X--", "M22": "XXXX", "M23": "XXXX",
    "M24": "-XXX", "M33": "XXXX", "M34": ".XXX", "M35": ".XXX", "M36": ".XX-", "M37": ".XXX",
    "M38": ".XXX", "M39": ".XXX", "M40": ".XXX", "M41": ".XXX", "M42": ".XXX", "M43": ".X--",
}


def managed_by(column: str) -> set[str]:
    """Codes of the measurements a range column marks X."""
    i = RANGE_COLUMNS.index(column)
    return {code for code, marks in RANGES.items() if marks[i] == "X"}


# "List of UPS configurations": 12 words at 0x1000 (address, acronym, description, value).
IDENTIFIERS = (
    ("T00", 0x1000, "UPS TYPE", "see list", "type_code"),
    ("T01", 0x1001, "Nomnival kVA *10", "*10", "nominal_kva"),
    ("T02", 0x1002, "Module number", "1", "module_number"),
)
SERIAL = (0x1003, 5)        # T03..T07 "Serail number", ASCII: MSB = char 2, LSB = char 1
SERIAL_FIRST_CHAR_IN_LSB = True

# 0x10E0 table: (address, code, description, unit, format, quantity).
CONFIGURATION = (
    (0x10E0, "T00", "Nominal star input voltage", "V", "###", "nominal_voltage"),
    (0x10E1, "T01", "Nominal star output voltage", "V", "###", "nominal_voltage"),
    (0x10E2, "T02", "Nominal input frequency", "Hz", "##", "nominal_frequency"),
    (0x10E3, "T03", "Nominal output frequency", "Hz", "##", "nominal_frequency"),
    (0x10E4, "T04", "Firmware version of com. board (ex 1.00)", "Integer *100", "###.##",
     "firmware_version"),
    (0x10E8, "T08", "Total nominal battery capacity (battery expansion cabinets included)",
     "Ah*10", "####.#", "battery_nominal_ah"),
    (0x10EA, "T10", "Number of Power Share Plugs Available", "Integer", "#####",
     "power_share_plugs"),
)

# "0x1000 value" -> "UPS RANGE", as printed (513 - 514 etc. are ranges of codes).
UPS_TYPES = {
    20: "MODULYS 1/1 MODULE", 21: "MODULYS 1/1 UPS", 22: "MODULYS 1/1 SYSTEM",
    26: "MASTERYS 1/1 SYSTEM", 27: "MASTERYS 1/1 UPS", 28: "MASTERYS 1/1 MODULE",
    29: "NETYS", 30: "ITYS", 31: "NETYS RT", 35: "NETYS PR", 36: "NETYS PR-RK", 37: "NETYS PR-RT",
    82: "MODULYS 3/1 MODULE", 83: "MODULYS 3/1 SYSTEM", 84: "MODULYS 3/1 UPS",
    86: "MASTERYS 3/1 SYSTEM", 87: "MASTERYS 3/1 UPS", 88: "MASTERYS 3/1 MODULE",
    89: "ITYS 3/1 UPS", 256: "MASTERYS 3/3 SYSTEM", 257: "MASTERYS 3/3 UPS",
    258: "MASTERYS 3/3 MODULE", 513: "DELPHYS MP SINGLE UNIT", 514: "DELPHYS MP SINGLE UNIT",
    515: "DELPHYS MX SINGLE UNIT", 516: "DELPHYS MX SINGLE UNIT", 640: "DELPHYS Green Power",
    644: "DELPHYS BC", 648: "DELPHYS GP 2.0",
    **{code: "DELPHYS MP SYSTEM" for code in range(1014, 1018)},
    **{code: "DELPHYS MX SYSTEM" for code in range(1018, 1022)},
}

RANGE_CODE = (0x1000, UPS_TYPES)     # where the range code goes, and what each code means

# The manual publishes no clock register. The simulator's choice: the 4 words at 0x1360 that
# NUT's socomec_jbus reads as the UPS date and time (encoding.clock_words, "packed").
CLOCK = (0x1360, 4, "packed")

# The manual does not publish the command registers either. The simulator's choice: one
# command word at 0x1500 with a code per command, the layout the card sends by default (a
# shared convention so that commands can be exercised; it witnesses nothing).
COMMANDS = {
    "test.battery.start": (0x1500, 0x0001), "test.battery.stop": (0x1500, 0x0002),
    "bypass.start": (0x1500, 0x0010), "bypass.stop": (0x1500, 0x0011),
    "load.off.delay": (0x1500, 0x0020), "shutdown.return": (0x1500, 0x0021),
    "load.on": (0x1500, 0x0022), "beeper.mute": (0x1500, 0x0030),
    "experimental.ecomode.enable": (0x1500, 0x0040),
    "experimental.ecomode.disable": (0x1500, 0x0041),
    "experimental.standby.enable": (0x1500, 0x0050),
    "experimental.standby.disable": (0x1500, 0x0051),
}
# Power share plug n: opened (off) with code 0x006n, closed (on) with 0x007n.
COMMANDS.update({"outlet.%d.load.%s" % (n, state): (0x1500, code + n)
                 for n in range(1, 5) for state, code in (("off", 0x0060), ("on", 0x0070))})


GARBLED = ("S18", "S25")      # rows whose wording the extraction lost: never set
STATUS_ROWS, ALARM_ROWS = STATUS, ALARMS     # (acronym, level, description), as sts.py has


def measure_rows(_t014: int = 0) -> list[tuple[str, int, str, str, str]]:
    """(code, address, unit, format, quantity) of every measurement row (JBUSP has no T014)."""
    return [(code, address, unit, fmt, quantity)
            for code, address, _text, unit, fmt, quantity in MEASURES]


def flag_position(acronym: str) -> tuple[int, int]:
    """(address, bit) of a status (Snn) or alarm (Ann) acronym."""
    base = STATUS_TABLE if acronym[0] == "S" else ALARM_TABLE
    return numbered_position(base, acronym)
