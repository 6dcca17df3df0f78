"""STS register map (STATYS static transfer switch) as data tables.

Source: NET VISION 8.3 manual, appendices "MODBUS ADDRESSES TABLE FOR STS" and "MODBUS TABLE
DATA"; levels from the STS event list (section 18.4). Holding registers (0x03).

    0x0100 x10  reference  ASCII, MSB = first char (the Modbus convention: to be confirmed)
    0x0116 x10  serial     ASCII
    0x0120 x16  config     layout not published: read and served raw (Modbus TCP), not decoded
    0x0130 x6   clock      year, month, day, hour, minute, second (our choice: to be confirmed)
    0x0140 x4   status     S000..S063, S000 = bit 0 (LSB) of 0x0140, S016 = bit 0 of 0x0141.
                           The address table says 4 words, section 7.5 says 3: the data table
                           describes 0x0140..0x0142 only, we read 4 as the address table says
                           (0x0143 carries no published bit).
    0x0148 x2   alarm      A000..A031, same bit order
    0x0220 x64  measure    0xFFFF = not managed

The measurement table gives units but no formats. Its rows use the VU-MAP table's wording
("Output Apparent P. L1", "Output Active Power L1", "Ambient temperature"), so the scales follow
the formats VU-MAP prints for those rows: V, A and % whole, Hz and crest factors ##.#, power
factors #.##, degC ##.#, kVA and kW ## ### (whole). To be confirmed against the STATYS MODBUS
manual; the simulator, written from the same table apart from this map, reads it the same way.
"""

MAPPING = "sts"
DEVICE_TYPE = "sts"
RANGE_NAME = "STATYS"       # the only STS range the manual names
ASCII_LSB_FIRST = False     # no order given for STS text: the usual Modbus one (MSB first)

REFERENCE, SERIAL, CONFIG, CLOCK_BASE = 0x0100, 0x0116, 0x0120, 0x0130
STATUS_BASE, ALARM_BASE, MEASURE_BASE = 0x0140, 0x0148, 0x0220

BLOCKS = (
    ("reference", REFERENCE, 10, "ident"),
    ("serial", SERIAL, 10, "ident"),
    ("config", CONFIG, 16, "ident"),
    ("status", STATUS_BASE, 4, "cycle"),
    ("alarm", ALARM_BASE, 2, "cycle"),
    ("measure", MEASURE_BASE, 64, "cycle"),
    ("clock", CLOCK_BASE, 6, "cycle"),
)


def _flags(base, letter, entries):
    """Rows from (number, level, description): the address and bit follow from the number."""
    return tuple(("%s%03d" % (letter, n), base + n // 16, n % 16, level, text)
                 for n, level, text in entries)


STATUS = _flags(STATUS_BASE, "S", (
    (0, None, "Source 1 OK"),
    (1, "C", "Source 1 critical"),
    (2, "W", "Source 1 out of tolerance"),
    (3, "W", "Source 1 absent"),
    (4, None, "Power Path 1 OK"),
    (6, None, "Source 2 OK"),
    (7, "C", "Source 2 critical"),
    (8, "W", "Source 2 out of tolerance"),
    (9, "W", "Source 2 absent"),
    (10, None, "Power Path 2 OK"),
    (12, None, "Sources perm. Synchronised"),
    (13, "W", "Sliding Sources"),
    (14, "W", "Sources perm. Not Synchronised"),
    (15, None, "Sources Instant. Synchronised"),
    (16, None, "S1 is preferred source"),
    (17, None, "Load on preferred source"),
    (18, "W", "Load on alternate source"),
    (19, "C", "Load not supplied"),
    (20, "W", "Load on manual by-pass 1"),
    (21, "W", "Load on manual by-pass 2"),
    (23, None, "Load on S1"),
    (24, None, "Load on S2"),
    (26, "W", "Transfer locked ext."),
    (28, None, "Output OK"),
    (29, "W", "Output out of tolerance"),
    (30, "W", "Output absent"),
    (32, "W", "ESD input active"),
    (33, None, "Q41 closed"),
    (34, None, "Q42 closed"),
    (35, None, "SS1 closed"),
    (36, None, "SS2 closed"),
    (37, None, "Q30 closed"),
    (38, None, "Q51 closed"),
    (39, None, "Q52 closed"),
    (45, None, "Remote controls enabled"),
    (46, "W", "Maintenance alert"),
    (47, None, "User mode"),
))

# The event list prints "PowerPath1 Failure" twice; the second is PowerPath2 (A015, C).
ALARMS = _flags(ALARM_BASE, "A", (
    (0, "C", "Imminent stop"),
    (1, "W", "Output Isc detection"),
    (2, "W", "Manual By-Pass"),
    (3, "W", "Overload"),
    (4, "C", "SoLink Alarm"),
    (5, "W", "Consecutive Detections"),
    (6, "W", "Switchback impossible"),
    (7, "W", "Transfer impossible"),
    (9, "W", "PowerPath1 deteriorated"),
    (10, "W", "PowerPath1 short circuit"),
    (11, "C", "PowerPath1 in failure"),
    (13, "W", "PowerPath2 deteriorated"),
    (14, "W", "PowerPath2 short circuit"),
    (15, "C", "PowerPath2 in failure"),
    (16, "W", "Backfeed1 protection open"),
    (17, "W", "Backfeed2 protection open"),
    (18, "W", "Ambient temperature max"),
    (25, "W", "Preventive Alarm"),
    (26, "W", "Wrong Configuration"),
    (27, "W", "HMI Alarm"),
    (28, "W", "Electronics alarm"),
    (29, "W", "Custom input alarm"),
    (30, "W", "Maintenance alarm"),
    (31, "W", "General Alarm"),
))

# Source 1 and source 2 are input.1.* and input.2.* (names.py); the STS output is output.*.
# The manual gives the measures no acronym: M000.. is 0x0220 + n, as in the UPS maps.
MEASURES = (
    ("M000", 0x0220, "input.1.L1-N.voltage", 1, False),
    ("M001", 0x0221, "input.1.L2-N.voltage", 1, False),
    ("M002", 0x0222, "input.1.L3-N.voltage", 1, False),
    ("M003", 0x0223, "input.1.L1-L2.voltage", 1, False),
    ("M004", 0x0224, "input.1.L2-L3.voltage", 1, False),
    ("M005", 0x0225, "input.1.L3-L1.voltage", 1, False),
    ("M006", 0x0226, "input.1.frequency", 0.1, False),
    ("M007", 0x0227, "input.1.switch.temperature", 0.1, True),   # SS1, ##.#
    ("M008", 0x0228, "input.2.L1-N.voltage", 1, False),
    ("M009", 0x0229, "input.2.L2-N.voltage", 1, False),
    ("M010", 0x022A, "input.2.L3-N.voltage", 1, False),
    ("M011", 0x022B, "input.2.L1-L2.voltage", 1, False),
    ("M012", 0x022C, "input.2.L2-L3.voltage", 1, False),
    ("M013", 0x022D, "input.2.L3-L1.voltage", 1, False),
    ("M014", 0x022E, "input.2.frequency", 0.1, False),
    ("M015", 0x022F, "input.2.switch.temperature", 0.1, True),   # SS2, ##.#
    ("M016", 0x0230, "output.L1-N.voltage", 1, False),
    ("M017", 0x0231, "output.L2-N.voltage", 1, False),
    ("M018", 0x0232, "output.L3-N.voltage", 1, False),
    ("M019", 0x0233, "output.L1-L2.voltage", 1, False),
    ("M020", 0x0234, "output.L2-L3.voltage", 1, False),
    ("M021", 0x0235, "output.L3-L1.voltage", 1, False),
    ("M022", 0x0236, "output.frequency", 0.1, False),
    ("M024", 0x0238, "output.L1.current", 1, False),
    ("M025", 0x0239, "output.L2.current", 1, False),
    ("M026", 0x023A, "output.L3.current", 1, False),
    ("M027", 0x023B, "output.neutral.current", 1, False),
    ("M029", 0x023D, "ups.load", 1, False),
    ("M031", 0x023F, "input.phase.shift", 1, True),            # S1-S2, degrees
    ("M032", 0x0240, "output.L1.power", 1000, False),          # whole kVA -> VA
    ("M033", 0x0241, "output.L2.power", 1000, False),
    ("M034", 0x0242, "output.L3.power", 1000, False),
    ("M035", 0x0243, "output.L1.powerfactor", 0.01, False),
    ("M036", 0x0244, "output.L2.powerfactor", 0.01, False),
    ("M037", 0x0245, "output.L3.powerfactor", 0.01, False),
    ("M040", 0x0248, "output.L1.crestfactor", 0.1, False),
    ("M041", 0x0249, "output.L2.crestfactor", 0.1, False),
    ("M042", 0x024A, "output.L3.crestfactor", 0.1, False),
    ("M043", 0x024B, "output.N.crestfactor", 0.1, False),
    ("M047", 0x024F, "ambient.temperature", 0.1, True),      # ##.#
    ("M048", 0x0250, "output.L1.realpower", 1000, False),      # whole kW -> W
    ("M049", 0x0251, "output.L2.realpower", 1000, False),
    ("M050", 0x0252, "output.L3.realpower", 1000, False),
    ("M051", 0x0253, "ups.realpower", 1000, False),            # global active power
    ("M056", 0x0258, "output.L1.power.percent", 1, False),
    ("M057", 0x0259, "output.L2.power.percent", 1, False),
    ("M058", 0x025A, "output.L3.power.percent", 1, False),
    ("M059", 0x025B, "output.N.power.percent", 1, False),
)

IDENTITY = (
    ("device.part", REFERENCE, "ascii", 10),
    ("device.serial", SERIAL, "ascii", 10),
)
TYPES = {}      # the manual publishes no STS type codes; the range is RANGE_NAME

# ups.status: OFF on "Load not supplied"; the manual bypasses are BYPASS; no battery.
STATUS_RULES = (
    ("S020", "BYPASS"),         # load on manual by-pass 1
    ("S021", "BYPASS"),         # load on manual by-pass 2
    ("A003", "OVER"),           # overload
)
LOAD_SUPPLIED = ()
LOAD_OFF = ("S019",)
BUZZWORDS = ()
# Flags behind the shutdown events the manual names (§12.8.2): imminent stop, ambient max.
CONDITIONS = {"imminent_stop": ("A000",), "temperature": ("A018",)}
# Values derived from status bits: (NUT name, ((acronym, value), ...), value when none is set).
# NUT's input.source / input.source.preferred number the sources as the STS does: 1 and 2.
DERIVED = (
    ("input.source", (("S023", 1), ("S024", 2)), None),        # load on S1 / load on S2
    ("input.source.preferred", (("S016", 1),), 2),            # S1 is preferred, else S2
)
# An STS's faults (a source absent, out of tolerance, the load on the alternate source) are in
# its status words, and ups.status has no token for them: warning and critical statuses are
# reported as ups.alarm (with ALARM in ups.status), as NUT does for an ATS.
STATUS_ALARMS = True

# The manual lists the STS controls (section 13.8) but not their registers: one command word
# at 0x0160 (free between the published blocks), our layout. Every row: to be confirmed against
# the range's MODBUS manual; poll.commands can override it.
COMMANDS = {
    "transfer.preferred": (0x0160, 0x0001),     # to be confirmed against the range's MODBUS manual
    "transfer.alternate": (0x0160, 0x0002),     # to be confirmed against the range's MODBUS manual
    "source.1.preferred": (0x0160, 0x0011),     # to be confirmed against the range's MODBUS manual
    "source.2.preferred": (0x0160, 0x0012),     # to be confirmed against the range's MODBUS manual
    "beeper.mute": (0x0160, 0x0030),            # alarm ack; to be confirmed against the range's MODBUS manual
}

CLOCK = (CLOCK_BASE, 6)             # to be confirmed against the range's MODBUS manual
CLOCK_FORMAT = "plain"
REMOTE_DISABLED = "S045"            # 0x0142 b13 "Remote controls enabled" ...
REMOTE_INVERTED = True              # ... so remote controls are disabled when it is clear
