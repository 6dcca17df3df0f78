"""STS (STATYS) register tables as the manual prints them ("MODBUS ADDRESSES TABLE FOR STS",
"MODBUS TABLE DATA").

Holding registers, function 0x03. The data table prints each flag as an address and a bit
(0x0140 b00 "Source 1 OK"); it gives no acronyms and no levels. Acronyms follow section 7.5
("STATUS S000 - S127 0x0140", "ALARMS A000 - A127 0x0148"): Snnn is bit nnn % 16 of word
0x0140 + nnn // 16. Levels are those of the STS events log (section 18.4), row for row.
"""

MAPPING = "sts"

# "MODBUS ADDRESSES TABLE FOR STS": Data, Address, Length in words. Section 7.5 says 3 status
# words, the address table 4: the simulator answers 4 (0x0143 carries no published bit).
BLOCKS = (
    ("STS REFERENCE", 0x0100, 10),
    ("STS SERIAL NUMBER", 0x0116, 10),
    ("CONFIG", 0x0120, 16),
    ("CLOCK", 0x0130, 6),               # not in the manual: see CLOCK
    ("STATUS", 0x0140, 4),
    ("ALARMS", 0x0148, 2),
    ("MEASUREMENT", 0x0220, 64),
)
STATUS_TABLE, ALARM_TABLE = 0x0140, 0x0148

# (address, bit, level, description) as printed; empty bits left out.
STATUS = (
    (0x0140, "b00", "", "Source 1 OK"),
    (0x0140, "b01", "C", "Source 1 critical"),
    (0x0140, "b02", "W", "Source 1 out of tolerance"),
    (0x0140, "b03", "W", "Source 1 absent"),
    (0x0140, "b04", "", "Power Path 1 OK"),
    (0x0140, "b06", "", "Source 2 OK"),
    (0x0140, "b07", "C", "Source 2 critical"),
    (0x0140, "b08", "W", "Source 2 out of tolerance"),
    (0x0140, "b09", "W", "Source 2 absent"),
    (0x0140, "b10", "", "Power Path 2 OK"),
    (0x0140, "b12", "", "Sources perm. Synchronised"),
    (0x0140, "b13", "W", "Sliding Sources"),
    (0x0140, "b14", "W", "Sources perm. Not Synchron."),
    (0x0140, "b15", "", "Sources Instant. Synchron."),
    (0x0141, "b00", "", "S1 is preferred source"),
    (0x0141, "b01", "", "Load on preferred source"),
    (0x0141, "b02", "W", "Load on alternate source"),
    (0x0141, "b03", "C", "Load not supplied"),          # events log: "STS Load Off"
    (0x0141, "b04", "W", "Load on manual by-pass1"),
    (0x0141, "b05", "W", "Load on manual by-pass2"),
    (0x0141, "b07", "", "Load on S1"),
    (0x0141, "b08", "", "Load on S2"),
    (0x0141, "b10", "W", "Transfer locked ext."),
    (0x0141, "b12", "", "Output OK"),
    (0x0141, "b13", "W", "Output out of tolerance"),
    (0x0141, "b14", "W", "Output absent"),
    (0x0142, "b00", "W", "ESD input active"),
    (0x0142, "b01", "", "Q41 closed"),
    (0x0142, "b02", "", "Q42 closed"),
    (0x0142, "b03", "", "SS1 closed"),
    (0x0142, "b04", "", "SS2 closed"),
    (0x0142, "b05", "", "Q30 closed"),
    (0x0142, "b06", "", "Q51 closed"),
    (0x0142, "b07", "", "Q52 closed"),
    (0x0142, "b13", "", "Remote controls enabled"),
    (0x0142, "b14", "W", "Maintenance alert"),
    (0x0142, "b15", "", "User mode"),
)

# The events log prints "PowerPath1 Failure" twice; its second one, between PowerPath2 rows,
# is PowerPath2 (0x0148 b15), level C.
ALARMS = (
    (0x0148, "b00", "C", "Imminent stop"),
    (0x0148, "b01", "W", "Output Isc detection"),
    (0x0148, "b02", "W", "Manual By-Pass"),
    (0x0148, "b03", "W", "Overload"),
    (0x0148, "b04", "C", "SoLink Alarm"),
    (0x0148, "b05", "W", "Consecutive Detections"),
    (0x0148, "b06", "W", "Switchback impossible"),
    (0x0148, "b07", "W", "Transfer impossible"),
    (0x0148, "b09", "W", "PowerPath1 deteriorated"),
    (0x0148, "b10", "W", "PowerPath1 short circuit"),
    (0x0148, "b11", "C", "PowerPath1 in failure"),
    (0x0148, "b13", "W", "PowerPath2 deteriorated"),
    (0x0148, "b14", "W", "PowerPath2 short circuit"),
    (0x0148, "b15", "C", "PowerPath2 in failure"),
    (0x0149, "b00", "W", "Backfeed1 protection open"),
    (0x0149, "b01", "W", "Backfeed2 protection open"),
    (0x0149, "b02", "W", "Ambient temperature max"),
    (0x0149, "b09", "W", "Preventive Alarm"),
    (0x0149, "b10", "W", "Wrong Configuration"),
    (0x0149, "b11", "W", "HMI Alarm"),
    (0x0149, "b12", "W", "Electronics alarm"),
    (0x0149, "b13", "W", "Custom input alarm"),
    (0x0149, "b14", "W", "Maintenance alarm"),
    (0x0149, "b15", "W", "General Alarm"),
)

# (address, description as printed, unit as printed, format, quantity). The table gives units
# but no formats. The simulator's choice: the format the VU-MAP table prints, with no factor
# (T014 = 0), for the same unit, because the STS rows are VU-MAP's own wording ("Output
# Apparent P. L1", "Output Power factor L1", "Output Active Power L1"): V ###, A ## ###,
# Hz ##.#, degC ##.#, % ###, kVA and kW ## ###, power factor #.##, crest factor #.#; degrees
# whole. Section 7.5 names them M000..M079 from 0x0220: M0nn is 0x0220 + nn.
MEASURES = (
    (0x0220, "S1 voltage L1N (V)", "V", "###", "s1_voltage_L1"),
    (0x0221, "S1 voltage L2N (V)", "V", "###", "s1_voltage_L2"),
    (0x0222, "S1 voltage L3N (V)", "V", "###", "s1_voltage_L3"),
    (0x0223, "S1 voltage U12 (V)", "V", "###", "s1_voltage_U12"),
    (0x0224, "S1 voltage U23 (V)", "V", "###", "s1_voltage_U23"),
    (0x0225, "S1 voltage U31 (V)", "V", "###", "s1_voltage_U31"),
    (0x0226, "S1 frequency (Hz)", "Hz", "##.#", "s1_frequency"),
    (0x0227, "SS1 temperature (°C)", "°C", "##.#", "ss1_temperature"),
    (0x0228, "S2 voltage L1 (V)", "V", "###", "s2_voltage_L1"),
    (0x0229, "S2 voltage L2 (V)", "V", "###", "s2_voltage_L2"),
    (0x022A, "S2 voltage L3 (V)", "V", "###", "s2_voltage_L3"),
    (0x022B, "S2 voltage U12 (V)", "V", "###", "s2_voltage_U12"),
    (0x022C, "S2 voltage U23 (V)", "V", "###", "s2_voltage_U23"),
    (0x022D, "S2 voltage U31 (V)", "V", "###", "s2_voltage_U31"),
    (0x022E, "S2 frequency (Hz)", "Hz", "##.#", "s2_frequency"),
    (0x022F, "SS2 temperature (°C)", "°C", "##.#", "ss2_temperature"),
    (0x0230, "Output voltage L1 (V)", "V", "###", "output_voltage_L1"),
    (0x0231, "Output voltage L2 (V)", "V", "###", "output_voltage_L2"),
    (0x0232, "Output voltage L3 (V)", "V", "###", "output_voltage_L3"),
    (0x0233, "Output voltage U12 (V)", "V", "###", "output_voltage_U12"),
    (0x0234, "Output voltage U23 (V)", "V", "###", "output_voltage_U23"),
    (0x0235, "Output voltage U31 (V)", "V", "###", "output_voltage_U31"),
    (0x0236, "Output frequency (Hz)", "Hz", "##.#", "output_frequency"),
    (0x0238, "Output current I1 (A)", "A", "## ###", "output_current_L1"),
    (0x0239, "Output current I2 (A)", "A", "## ###", "output_current_L2"),
    (0x023A, "Output current I3 (A)", "A", "## ###", "output_current_L3"),
    (0x023B, "Output current IN (A)", "A", "## ###", "output_current_N"),
    (0x023D, "Output load rate (%)", "%", "###", "load_pct"),
    (0x023F, "S1-S2 phase shift (°)", "°", "±###", "phase_shift_deg"),   # signed: S1 - S2
    (0x0240, "Output Apparent P. L1 KVA", "KVA", "## ###", "output_kva_L1"),
    (0x0241, "Output Apparent P. L2 KVA", "KVA", "## ###", "output_kva_L2"),
    (0x0242, "Output Apparent P. L3 KVA", "KVA", "## ###", "output_kva_L3"),
    (0x0243, "Output Power factor L1", "", "#.##", "output_power_factor_L1"),
    (0x0244, "Output Power factor L2", "", "#.##", "output_power_factor_L2"),
    (0x0245, "Output Power factor L3", "", "#.##", "output_power_factor_L3"),
    (0x0248, "Output crest factor L1", "", "#.#", "output_crest_factor_L1"),
    (0x0249, "Output crest factor L2", "", "#.#", "output_crest_factor_L2"),
    (0x024A, "Output crest factor L3", "", "#.#", "output_crest_factor_L3"),
    (0x024B, "Output crest factor N", "", "#.#", "output_crest_factor_N"),
    (0x024F, "Ambient temperature (°C)", "°C", "##.#", "ambient_temperature"),
    (0x0250, "Output Active Power L1 KW", "KW", "## ###", "output_kw_L1"),
    (0x0251, "Output Active Power L2 KW", "KW", "## ###", "output_kw_L2"),
    (0x0252, "Output Active Power L3 KW", "KW", "## ###", "output_kw_L3"),
    (0x0253, "Global Active Power kW", "kW", "## ###", "output_kw"),
    (0x0258, "Output load rate L1 (%)", "%", "###", "load_pct_L1"),
    (0x0259, "Output load rate L2 (%)", "%", "###", "load_pct_L2"),
    (0x025A, "Output load rate L3 (%)", "%", "###", "load_pct_L3"),
    (0x025B, "Output load rate N (%)", "%", "###", "load_pct_N"),
)

# STS REFERENCE and STS SERIAL NUMBER, 10 words of ASCII each: no character order printed.
# The simulator's choice: first character in the MSB (Modbus's big-endian register order).
STS_REFERENCE, STS_SERIAL_NUMBER, TEXT_FIRST_CHAR_IN_LSB = (0x0100, 10), (0x0116, 10), False

# CONFIG (0x0120, 16 words "values"): no layout printed. The simulator's choice: nominal
# voltage (V), nominal frequency (Hz), nominal current (A), preferred source (1 or 2), then 0.
CONFIG = ((0x0120, "nominal_voltage"), (0x0121, "nominal_frequency"),
          (0x0122, "nominal_current"), (0x0123, "preferred_source"))

# No clock and no command registers in the manual (section 13.8 lists the controls only).
# The simulator's choice: date and time as six words (year, month, day, hour, minute, second)
# at 0x0130 and one command word at 0x0160 with a code per control: the layouts the card uses
# by default, a shared convention so that these features can be exercised (it witnesses nothing).
CLOCK = (0x0130, 6, "plain")
COMMANDS = {
    "transfer.preferred": (0x0160, 0x0001),     # "Switch on preferred Source"
    "transfer.alternate": (0x0160, 0x0002),     # "Switch on alternate Source"
    "source.1.preferred": (0x0160, 0x0011),     # "Set Source 1 as Preferred Source"
    "source.2.preferred": (0x0160, 0x0012),     # "Set Source 2 as Preferred Source"
    "beeper.mute": (0x0160, 0x0030),            # "Alarm Ack"
}


def measure_rows(_t014: int = 0) -> list[tuple[str, int, str, str, str]]:
    """(acronym, address, unit, format, quantity) of every row; M0nn is 0x0220 + nn (7.5)."""
    return [("M%03d" % (address - 0x0220), address, unit, fmt, quantity)
            for address, _text, unit, fmt, quantity in MEASURES]


def _acronym(letter: str, table: int, address: int, bit: str) -> str:
    return "%s%03d" % (letter, (address - table) * 16 + int(bit[1:]))


# The rows by acronym (section 7.5 numbering), in the shape the other tables have.
STATUS_ROWS = tuple((_acronym("S", STATUS_TABLE, a, b), lvl, text) for a, b, lvl, text in STATUS)
ALARM_ROWS = tuple((_acronym("A", ALARM_TABLE, a, b), lvl, text) for a, b, lvl, text in ALARMS)
_POSITIONS = {_acronym(kind, table, a, b): (a, int(b[1:]))
              for kind, table, rows in (("S", STATUS_TABLE, STATUS), ("A", ALARM_TABLE, ALARMS))
              for a, b, _lvl, _text in rows}


def flag_position(acronym: str) -> tuple[int, int]:
    """(address, bit) of a status (Snnn) or alarm (Annn) acronym, from the printed address/bit."""
    return _POSITIONS[acronym]
