"""VU-MAP register tables as the manual prints them (appendix "VU-MAP MODBUS TABLE").

Holding registers, function 0x03. The manual prints the address once per group of 16 flags
(0x0030: S000..S015, 0x0031: S016..S031, ...): Snnn is bit nnn % 16 of word 0x0030 + nnn // 16,
bit 0 the LSB. "[n]" in the unit rows stands for the unit or module number.
"""

from tools.upssim.registers import numbered_position

MAPPING = "vumap"

# "APPENDIX: MODBUS TCP ACCESS", FOR VU-MAP UPS: Data, Address, Words.
BLOCKS = (
    ("CONFIGURATIONS", 0x0001, 15),
    ("SERIAL NUMBER", 0x0010, 10),      # R000, ASCII
    ("UPS REFERENCE", 0x001A, 10),      # R001, ASCII
    ("CLOCK", 0x0028, 6),               # not in the manual: see CLOCK
    ("STATUS", 0x0030, 8),              # "6+2(*)": 2 more words for parallel systems
    ("ALARMS", 0x0038, 8),
    ("MEASUREMENTS", 0x0040, 80),
)
STATUS_TABLE, ALARM_TABLE = 0x0030, 0x0038


def _units(letter: str, first: int, level: str, text: str) -> list[tuple[str, str, str]]:
    """The manual's 15 rows "[1] <text>" .. "[15] <text>" from acronym `letter` + `first`."""
    return [("%s%03d" % (letter, first + i), level if i < 12 else "", "[%d] %s" % (i + 1, text))
            for i in range(15)]


# (acronym, level, description). Empty rows are left out; "ı" in the level column is I, the
# Cyrillic "С" is C. S091 "FREE" and S092 "FMEE" (a garbled FREE) are spare bits.
STATUS = (
    ("S000", "I", "Load protected by Inverter"), ("S002", "W", "Load supplied by automatic Bypass"),
    ("S003", "W", "Load supplied by Maintenance Bypass"), ("S004", "C", "Load OFF"),
    ("S006", "I", "UPS in eco mode"), ("S007", "I", "UPS in energy saver"),
    ("S008", "", "Heat Run test"), ("S009", "W", "In Service mode"),
    ("S010", "", "Line-interactive mode"), ("S011", "I", "Operating"), ("S012", "I", "Available"),
    ("S013", "W", "on Standby"), ("S014", "I", "Unit isolated"), ("S015", "W", "Maintenance Alert"),
    ("S016", "", "Output Breaker closed"), ("S017", "", "Maintenance Bypass closed"),
    ("S018", "", "External Maintenance Bypass closed"),
    ("S019", "", "External Output Breaker closed"), ("S020", "", "Single phase Input supply"),
    ("S021", "", "Rectifier Input Breaker"), ("S022", "", "Bypass Input Breaker"),
    ("S023", "I", "Gen set ON"), ("S024", "", "Busbar 1 closed"), ("S025", "", "Busbar 2 closed"),
    ("S026", "I", "Automatic Start in progress"),
    ("S027", "W", "Maintenance Bypass proc. in progress"),
    ("S028", "W", "UPS OFF procedure in progress"),
    ("S030", "I", "Auto-test Procedure in progress"),
    ("S031", "I", "Alarm Acknowledgement requested"),
    ("S032", "I", "Battery OK"), ("S033", "I", "Battery charged"),
    ("S034", "I", "Battery Test in progress"), ("S035", "I", "Battery Test programmed"),
    ("S036", "I", "Battery charging"), ("S037", "W", "Battery Test interrupted"),
    ("S038", "I", "Floating Voltage reduced"), ("S039", "I", "Battery discharge to Input"),
    ("S040", "I", "UPS backup system connected"),
    ("S041", "I", "UPS backup system charged / ready"),
    ("S042", "I", "UPS backup system charging"),
    ("S048", "I", "Rectifier Input Supply present"), ("S049", "I", "Rectifier ON"),
    ("S050", "I", "Charger ON"), ("S051", "", "Rectifier is starting"),
    ("S052", "I", "Inverter ON"),
    ("S053", "I", "Inverter Switch ON"), ("S055", "", "Bypass output breaker closed"),
    ("S056", "I", "Bypass Input Supply present"), ("S057", "I", "Bypass Static Switch closed"),
    ("S058", "I", "Bypass Input & Inverter synchronised"),
    ("S059", "I", "ACS external synchronisation"),
    ("S060", "", "PowerShare Plug 1 closed"), ("S061", "", "PowerShare Plug 2 closed"),
    ("S062", "", "PowerShare Plug 3 closed"), ("S063", "", "PowerShare Plug 4 closed"),
    *[("S%03d" % (64 + i), "", "Card in Slot %d present" % (i + 1)) for i in range(6)],
    *[("S%03d" % n, "", "Programmable S%03d" % n) for n in range(72, 80)],
    ("S080", "", "Module Insertion Procedure"), ("S081", "", "Module Extraction Procedure"),
    ("S082", "", "UPS in line interactive operation"), ("S083", "", "Battery circuit open"),
    ("S084", "", "Backfeed protection open"), ("S085", "", "Bypass Locked"),
    ("S086", "", "Adv GEN SET Static mode – Soft Load"), ("S087", "", "Derating charge for LIB"),
    *_units("S", 96, "", "is operating"), *_units("S", 112, "", "is available"),
    ("S127", "", "Data no longer updated"),
)

# A076 "FREE", A077 "11122" (garbled) and A088 "FREE" are spare bits, left out. The manual
# prints levels for [1]..[12] of the unit rows only.
ALARMS = (
    ("A000", "C", "Imminent Stop"), ("A001", "W", "Overload Alarm"),
    ("A002", "W", "Ambient Temperature Alarm"), ("A003", "W", "Transfer locked"),
    ("A004", "W", "Transfer impossible"), ("A005", "W", "Insufficient Resources"),
    ("A006", "W", "Redundancy lost"), ("A007", "W", "Output short circuit detection"),
    ("A008", "", "eco mode disabled by UPS"), ("A009", "", "energy saver disabled by UPS"),
    ("A010", "", "On Bypass for 1 hour"), ("A011", "", "Bypass output breaker closed"),
    ("A012", "W", "Maintenance Alarm"), ("A013", "W", "Remote Service Alarm"),
    ("A014", "", "Remote Service Preventive Alarm"), ("A015", "W", "General Alarm"),
    ("A016", "C", "Battery disconnected"), ("A017", "C", "Battery discharged"),
    ("A018", "W", "End of Backup Time"), ("A019", "W", "Operating on Battery"),
    ("A020", "W", "Battery Temperature Alarm"), ("A021", "W", "Battery Room Alarm"),
    ("A022", "W", "Battery Test failed"), ("A023", "", "BMS has detected a weak String"),
    ("A024", "", "At least one Battery String open"), ("A025", "", "On Battery with Mains OK"),
    ("A026", "", "Insulation fault"), ("A027", "W", "Battery Alarm"),
    ("A028", "", "Battery preventive alarm*"), ("A029", "", "UPS Backup Critical Alarm"),
    ("A030", "", "UPS Backup preventive alarm"), ("A031", "", "UPS Backup not OK"),
    ("A032", "C", "Rectifier Critical Alarm"), ("A033", "W", "Rectifier Preventive Alarm"),
    ("A034", "", "Rectifier Redundancy Alarm"), ("A035", "", "Rectifier Input Supply not OK"),
    ("A036", "W", "Gen Set Alarm"), ("A037", "C", "Charger Critical Alarm"),
    ("A038", "W", "Charger Preventive Alarm"), ("A039", "", "Battery charge interrupted"),
    ("A040", "C", "Inverter Critical Alarm"), ("A041", "W", "Inverter Preventive Alarm"),
    ("A042", "", "Inverter Redundancy Alarm"), ("A043", "", "Redundancy Imminent Lost"),
    ("A044", "", "Consumable Alarm"), ("A045", "", "Unit Redondancy lost"),
    ("A046", "", "Parallel board Critical Alarm"), ("A047", "", "Parallel board Preventive Alarm"),
    ("A048", "C", "Bypass Critical Alarm"), ("A049", "W", "Bypass Preventive Alarm"),
    ("A050", "W", "Bypass Input Supply not OK"), ("A051", "W", "Phase Rotation fault"),
    ("A052", "", "Bypass Back-feed detection"), ("A053", "", "Transformer Alarm"),
    ("A054", "W", "FAN Failure"), ("A055", "", "ACS Alarm"),
    ("A056", "W", "Maintenance Bypass Alarm"), ("A057", "", "Internal Back-feed detection"),
    ("A058", "", "Battery monitoring Alarm"), ("A059", "C", "UPS Power OFF"),
    ("A060", "W", "Wrong Configuration"), ("A061", "W", "Internal / Communication failure"),
    ("A062", "W", "Option Board Alarm"), ("A063", "", "Spare part not"),
    *[("A%03d" % n, "", "Programmable A%03d" % n) for n in range(64, 72)],
    ("A072", "", "Line-Interactive mode disabled by UPS"),
    ("A073", "", "Features using batteries unavailable"),
    ("A080", "", "Customer Installation Overload"),
    *_units("A", 96, "W", "in General Alarm"), *_units("A", 112, "C", "in Imminent STOP"),
)

# (acronym, address, description, unit, (format at T014=0, format at T014=1), quantity).
# T014 (0x000E) = 1: "value with 1 decimal (501 = 50.1)" for the rows whose two formats differ.
MEASURES = (
    ("M000", 0x0040, "Output load rate", "%", ("###", "###"), "load_pct"),
    ("M001", 0x0041, "Output load rate L1", "%", ("###", "###"), "load_pct_L1"),
    ("M002", 0x0042, "Output load rate L2", "%", ("###", "###"), "load_pct_L2"),
    ("M003", 0x0043, "Output load rate L3", "%", ("###", "###"), "load_pct_L3"),
    ("M004", 0x0044, "Output Apparent Power", "kVA", ("## ###", "# ###.#"), "output_kva"),
    ("M005", 0x0045, "Output Active Power", "kW", ("## ###", "# ###.#"), "output_kw"),
    ("M006", 0x0046, "Output current L1", "A", ("## ###", "# ###.#"), "output_current_L1"),
    ("M007", 0x0047, "Output current L2", "A", ("## ###", "# ###.#"), "output_current_L2"),
    ("M008", 0x0048, "Output current L3", "A", ("## ###", "# ###.#"), "output_current_L3"),
    ("M009", 0x0049, "Output neutral current", "A", ("## ###", "# ###.#"), "output_current_N"),
    ("M010", 0x004A, "Output voltage L1", "V", ("###", "###"), "output_voltage_L1"),
    ("M011", 0x004B, "Output voltage L2", "V", ("###", "###"), "output_voltage_L2"),
    ("M012", 0x004C, "Output voltage L3", "V", ("###", "###"), "output_voltage_L3"),
    ("M013", 0x004D, "Output frequency", "Hz", ("##.#", "##.#"), "output_frequency"),
    ("M014", 0x004E, "Output Crest Factor", "", ("#.#", "#.#"), "output_crest_factor"),
    ("M015", 0x004F, "Ambient Temperature", "°C", ("##.#", "##.#"), "ambient_temperature"),
    ("M016", 0x0050, "Battery voltage string +", "V", ("# ###", "###.#"), "battery_voltage"),
    ("M017", 0x0051, "Battery voltage string -", "V", ("# ###", "###.#"),
     "battery_voltage_negative"),
    ("M018", 0x0052, "Battery current string +", "A", ("## ###", "# ###.#"), "battery_current"),
    ("M019", 0x0053, "Battery current string -", "A", ("## ###", "# ###.#"),
     "battery_current_negative"),
    ("M022", 0x0056, "Battery capacity", "%", ("###", "###"), "battery_charge_pct"),
    ("M023", 0x0057, "Battery capacity", "Ah", ("## ###", "# ###.#"), "battery_capacity_ah"),
    ("M024", 0x0058, "Remaining Battery backup time", "Mn", ("###", "###"), "runtime_min"),
    ("M025", 0x0059, "Time on battery", "S", ("###", "###"), "time_on_battery_s"),
    ("M026", 0x005A, "Battery temperature", "°C", ("##.#", "##.#"), "battery_temperature"),
    ("M027", 0x005B, "Battery temperature average", "°C", ("##.#", "##.#"),
     "battery_temperature_average"),
    ("M028", 0x005C, "DC Storage voltage", "V", ("# ###", "###.#"), "dc_storage_voltage"),
    ("M029", 0x005D, "DC Storage temperature", "°C", ("##.#", "##.#"), "dc_storage_temperature"),
    ("M032", 0x0060, "Rect. input supply volt. L1", "V", ("###", "###"), "input_voltage_L1"),
    ("M033", 0x0061, "Rect. input supply volt. L2", "V", ("###", "###"), "input_voltage_L2"),
    ("M034", 0x0062, "Rect. input supply volt. L3", "V", ("###", "###"), "input_voltage_L3"),
    ("M035", 0x0063, "Rect. input supply freq.", "Hz", ("##.#", "##.#"), "input_frequency"),
    ("M036", 0x0064, "Rect. input supply volt. U12", "V", ("###", "###"), "input_voltage_U12"),
    ("M037", 0x0065, "Rect. input supply volt. U23", "V", ("###", "###"), "input_voltage_U23"),
    ("M038", 0x0066, "Rect. input supply volt. U31", "V", ("###", "###"), "input_voltage_U31"),
    ("M039", 0x0067, "Bypass input supply voltage L1", "V", ("###", "###"), "bypass_voltage_L1"),
    ("M040", 0x0068, "Bypass input supply voltage L2", "V", ("###", "###"), "bypass_voltage_L2"),
    ("M041", 0x0069, "Bypass input supply voltage L3", "V", ("###", "###"), "bypass_voltage_L3"),
    ("M042", 0x006A, "Bypass input supply freq.", "Hz", ("##.#", "##.#"), "bypass_frequency"),
    ("M043", 0x006B, "Bypass input supply volt U12", "V", ("###", "###"), "bypass_voltage_U12"),
    ("M044", 0x006C, "Bypass input supply volt. U23", "V", ("###", "###"), "bypass_voltage_U23"),
    ("M045", 0x006D, "Bypass input supply volt. U31", "V", ("###", "###"), "bypass_voltage_U31"),
    ("M048", 0x0070, "Output Apparent P. L1", "kVA", ("## ###", "# ###.#"), "output_kva_L1"),
    ("M049", 0x0071, "Output Apparent P. L2", "kVA", ("## ###", "# ###.#"), "output_kva_L2"),
    ("M050", 0x0072, "Output Apparent P. L3", "kVA", ("## ###", "# ###.#"), "output_kva_L3"),
    ("M051", 0x0073, "Output Active Power L1", "kW", ("## ###", "# ###.#"), "output_kw_L1"),
    ("M052", 0x0074, "Output Active Power L2", "kW", ("## ###", "# ###.#"), "output_kw_L2"),
    ("M053", 0x0075, "Output Active Power L3", "kW", ("## ###", "# ###.#"), "output_kw_L3"),
    ("M054", 0x0076, "Output voltage U12", "V", ("###", "###"), "output_voltage_U12"),
    ("M055", 0x0077, "Output voltage U23", "V", ("###", "###"), "output_voltage_U23"),
    ("M056", 0x0078, "Output voltage U31", "V", ("###", "###"), "output_voltage_U31"),
    ("M057", 0x0079, "Output Power factor L1", "", ("#.##", "#.##"), "output_power_factor_L1"),
    ("M058", 0x007A, "Output Power factor L2", "", ("#.##", "#.##"), "output_power_factor_L2"),
    ("M059", 0x007B, "Output Power factor L3", "", ("#.##", "#.##"), "output_power_factor_L3"),
    ("M060", 0x007C, "Output Crest Factor L1", "", ("#.#", "#.#"), "output_crest_factor_L1"),
    ("M061", 0x007D, "Output Crest Factor L2", "", ("#.#", "#.#"), "output_crest_factor_L2"),
    ("M062", 0x007E, "Output Crest Factor L3", "", ("#.#", "#.#"), "output_crest_factor_L3"),
    ("M063", 0x007F, "Output Crest Factor neutral", "", ("#.#", "#.#"), "output_crest_factor_N"),
    # M064..M066 are all printed "Rect. Input Current L1": a copy slip beside rows that go
    # L1, L2, L3 everywhere else (M067..M069 below); read as L1, L2, L3.
    ("M064", 0x0080, "Rect. Input Current L1", "A", ("## ###", "# ###.#"), "input_current_L1"),
    ("M065", 0x0081, "Rect. Input Current L1", "A", ("## ###", "# ###.#"), "input_current_L2"),
    ("M066", 0x0082, "Rect. Input Current L1", "A", ("## ###", "# ###.#"), "input_current_L3"),
    ("M067", 0x0083, "Rect. Active Power L1", "kW", ("## ###", "# ###.#"), "input_kw_L1"),
    ("M068", 0x0084, "Rect. Active Power L2", "kW", ("## ###", "# ###.#"), "input_kw_L2"),
    ("M069", 0x0085, "Rect. Active Power L3", "kW", ("## ###", "# ###.#"), "input_kw_L3"),
    ("M070", 0x0086, "Bypass Input Current L1", "A", ("## ###", "# ###.#"), "bypass_current_L1"),
    ("M071", 0x0087, "Bypass Input Current L2", "A", ("## ###", "# ###.#"), "bypass_current_L2"),
    ("M072", 0x0088, "Bypass Input Current L3", "A", ("## ###", "# ###.#"), "bypass_current_L3"),
    ("M073", 0x0089, "Bypass Active Power L1", "kW", ("## ###", "# ###.#"), "bypass_kw_L1"),
    ("M074", 0x008A, "Bypass Active Power L2", "kW", ("## ###", "# ###.#"), "bypass_kw_L2"),
    ("M075", 0x008B, "Bypass Active Power L3", "kW", ("## ###", "# ###.#"), "bypass_kw_L3"),
)

# "List of UPS configurations" (0x0001 x15): (address, acronym, description as printed).
CONFIGURATIONS = (
    (0x0001, "T001", "UPS installation code (MSB) and Device type (LSB)"),
    (0x0002, "T002", "Number of devices in level -1"),
    (0x0003, "T003", "Position of devices present (b00..b07 module/unit 1..8, b13 bypass module)"),
    (0x0004, "T004", "Device number"),
    (0x0005, "T005", "Nominal kVA (*10 if 0x000E = 1)"),
    (0x0006, "T006", "Nominal kW (*10 if 0x000E = 1)"),
    (0x0007, "T007", "Phases number: input phases (MSB), output phases (LSB)"),
    (0x0008, "T008", "Function: b00 eco mode enabled, b01 energy saver enabled, b03 genset "
                     "present, b06 Standby schedule, b09 backfeed present"),
    (0x0009, "T009", "Environment: b00..b07"),
    (0x000A, "T010", "DC storage: b00 battery present"),
    (0x000E, "T014", "measurements factor: 0 = no factor / 1 = factor * 10"),
    (0x000F, "T015", "Device reference code"),
)
T014_ADDRESS = 0x000E      # the measurements factor: which format column of MEASURES applies
# T001 remarks, as printed: MSB installation code : LSB device type.
INSTALLATION_CODES = {"single unit": (0x01, 0x01), "modular unit": (0x08, 0x01),
                      "distributed bypass UPS parallel system": (0x06, 0x01),
                      "modular parallel UPS system": (0x06, 0x08)}
# T015 remarks, as printed. One row is garbled ("0.0400 MODUNO VO"): left out.
REFERENCE_CODES = {"ITYS PRO": 0x8001, "MODULYS GP 2.0": 0x8100, "MODULYS RM GP": 0x8110,
                   "MODULYS XS": 0x8180, "MODULYS XL": 0x81A0, "MASTERYS BC+": 0x8200,
                   "MASTERYS GP4": 0x8300, "DELPHYS XL": 0x8400, "DELPHYS BC - GP 2.0": 0x0288}

RANGE_CODE = (0x000F, {code: name for name, code in REFERENCE_CODES.items()})   # T015

# R000 and R001 (10 words each, "ASCII"): the manual gives no character order for VU-MAP. The
# simulator's choice: first character in the MSB, Modbus's big-endian order for register data.
SERIAL_NUMBER, UPS_REFERENCE, TEXT_FIRST_CHAR_IN_LSB = (0x0010, 10), (0x001A, 10), False

# No clock and no command registers in the manual. The simulator's choice: the date and time
# as six words (year, month, day, hour, minute, second) at 0x0028, and one command word at
# 0x00F0 with a code per command: the layouts the card uses by default, a shared convention
# so that these features can be exercised (it witnesses nothing).
CLOCK = (0x0028, 6, "plain")
COMMANDS = {
    "test.battery.start": (0x00F0, 0x0001), "test.battery.stop": (0x00F0, 0x0002),
    "bypass.start": (0x00F0, 0x0010), "bypass.stop": (0x00F0, 0x0011),
    "load.off.delay": (0x00F0, 0x0020), "shutdown.return": (0x00F0, 0x0021),
    "load.on": (0x00F0, 0x0022), "beeper.mute": (0x00F0, 0x0030),
    "experimental.ecomode.enable": (0x00F0, 0x0040),
    "experimental.ecomode.disable": (0x00F0, 0x0041),
    "experimental.standby.enable": (0x00F0, 0x0050),
    "experimental.standby.disable": (0x00F0, 0x0051),
}
# Power share plug n: opened (off) with code 0x006n, closed (on) with 0x007n.
COMMANDS.update({"outlet.%d.load.%s" % (n, state): (0x00F0, code + n)
                 for n in range(1, 5) for state, code in (("off", 0x0060), ("on", 0x0070))})


STATUS_ROWS, ALARM_ROWS = STATUS, ALARMS     # (acronym, level, description), as sts.py has


def measure_rows(t014: int) -> list[tuple[str, int, str, str, str]]:
    """(acronym, address, unit, format, quantity) of every row, in the T014 column's format.

    The battery currents M018/M019 are printed without a sign; the simulator's choice is two's
    complement, + while charging, - while discharging (the format is given a "±")."""
    rows = []
    for acronym, address, _text, unit, formats, quantity in MEASURES:
        fmt = formats[1 if t014 == 1 else 0]
        rows.append((acronym, address, unit, ("±" + fmt) if acronym in ("M018", "M019") else fmt,
                     quantity))
    return rows


def flag_position(acronym: str) -> tuple[int, int]:
    """(address, bit) of a status (Snnn) or alarm (Annn) acronym."""
    base = STATUS_TABLE if acronym[0] == "S" else ALARM_TABLE
    return numbered_position(base, acronym)
