"""The simulator's own register tables and encoders: consistent with themselves and with the manual's notation."""

import time

import pytest

from tools.upssim import encoding, flags, registers
from tools.upssim.device import Installation
from tools.upssim.physics import Physics
from tools.upssim.profiles import PROFILES
from tools.upssim.registers import jbusp, sts, vumap

TABLES = (jbusp, vumap, sts)
FLAG_SETS = {"jbusp": (flags.JBUSP_FLAGS, flags.JBUSP_ALARMS),
             "vumap": (flags.VUMAP_FLAGS, flags.VUMAP_ALARMS),
             "sts": (flags.STS_FLAGS, flags.STS_ALARMS)}


def block_of(tables, address):
    return [name for name, start, words in tables.BLOCKS if start <= address < start + words]


@pytest.mark.parametrize("tables", TABLES, ids=lambda t: t.MAPPING)
def test_rows_sit_in_their_block_one_row_per_word(tables):
    seen = {}
    for t014 in (0, 1):
        for acronym, address, _unit, _fmt, _quantity in tables.measure_rows(t014):
            assert block_of(tables, address) == [block_of(tables, address)[0]], acronym
            assert block_of(tables, address)[0].startswith("MEASUREMENT"), acronym
            assert seen.setdefault(address, acronym) == acronym, (hex(address), acronym)
    positions = {}
    for kind, rows in (("STATUS", tables.STATUS_ROWS), ("ALARMS", tables.ALARM_ROWS)):
        for acronym, level, text in rows:
            address, bit = tables.flag_position(acronym)
            assert block_of(tables, address) == [kind], acronym
            assert 0 <= bit < 16 and level in ("", "I", "W", "C") and text, acronym
            assert positions.setdefault((address, bit), acronym) == acronym, acronym


def test_jbusp_and_vumap_acronyms_number_their_address():
    """The manual's codes follow the addresses: M19 at 0x1060 + 19, M042 at 0x0040 + 42."""
    for code, address, *_rest in jbusp.MEASURES:
        assert address == 0x1060 + int(code[1:]), code
    for acronym, address, *_rest in vumap.MEASURES:
        assert address == 0x0040 + int(acronym[1:]), acronym
    assert jbusp.flag_position("S26") == (0x1021, 10)     # as NUT's socomec_jbus reads it
    assert jbusp.flag_position("A31") == (0x1041, 15)
    assert vumap.flag_position("S127") == (0x0037, 15)
    assert sts.flag_position("S045") == (0x0142, 13)      # 0x0142 b13 "Remote controls enabled"
    assert sts.flag_position("A031") == (0x0149, 15)      # 0x0149 b15 "General Alarm"


def test_jbusp_unit_and_format_columns_agree_where_both_are_printed():
    """"A*10" with "###.#", "Hz*10" with "##.#": the two columns say the same scale."""
    checked = 0
    rows = [(code, unit, fmt) for code, _a, _t, unit, fmt, _q in jbusp.MEASURES]
    rows += [(code, unit, fmt) for _a, code, _t, unit, fmt, _q in jbusp.CONFIGURATION]
    for code, unit, fmt in rows:
        if encoding.format_multiplier(fmt) is None:
            continue
        assert encoding.multiplier(unit, "") == encoding.format_multiplier(fmt), code
        checked += 1
    assert checked >= 20


def test_vumap_t014_adds_one_decimal_to_the_rows_it_changes():
    changed = 0
    for acronym, _address, _text, unit, (fmt0, fmt1), _q in vumap.MEASURES:
        m0, m1 = encoding.multiplier(unit, fmt0), encoding.multiplier(unit, fmt1)
        assert m1 in (m0, 10 * m0), acronym
        changed += m1 != m0
    assert changed == 30, "the rows printed ## ### / # ###.# (and # ### / ###.#)"


@pytest.mark.parametrize("mapping", sorted(FLAG_SETS))
def test_every_driven_flag_is_a_row_of_the_tables(mapping):
    tables = registers.load(mapping)
    known = {row[0] for row in tables.STATUS_ROWS + tables.ALARM_ROWS}
    statuses, alarms = FLAG_SETS[mapping]
    assert set(statuses) <= known and all(a.startswith("S") for a in statuses)
    assert set(alarms) <= known and all(a.startswith("A") for a in alarms)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_managed_row_has_a_quantity(profile):
    inst = Installation(profile, Physics())
    assert inst.unfed() == []


def test_netys_manages_what_the_netys_column_marks():
    inst = Installation("netys-rt", Physics())
    managed = {row[0] for row in inst.measure_rows(0)}
    assert managed == {"M00", "M03", "M04", "M06", "M09", "M15", "M18", "M19", "M20", "M22",
                       "M23", "M33"}
    image = inst.image(inst.nodes[1])
    assert image[0x1061] == image[0x1062] == 0xFFFF, "single phase: NUT reads L2/L3 as absent"
    assert image[0x1079] == 0xFFFF, "an empty row of the table reads -1"


def test_scales_from_the_printed_notation():
    assert encoding.multiplier("A*10", "###.#") == 10
    assert encoding.multiplier("Integer *100", "###.##") == 100
    assert encoding.multiplier("Hz", "##.#") == 10
    assert encoding.multiplier("", "#.##") == 100
    assert encoding.multiplier("kVA", "# ###.#") == 10
    assert encoding.multiplier("V", "###") == 1
    assert encoding.signed("A*10", "±###.#") and encoding.signed("°C", "##")
    assert not encoding.signed("V", "###")


def test_encode_words():
    assert encoding.encode(None, 10, False) == 0xFFFF
    assert encoding.encode(49.96, 10, False) == 500
    assert encoding.encode(-2.5, 10, True) == 0x10000 - 25
    assert encoding.encode(-0.1, 10, True) == 0, "-1 would read as not managed"
    assert encoding.encode(1e9, 1, False) == 0xFFFE and encoding.encode(-5, 1, False) == 0
    assert encoding.encode(-1e9, 1, True) == 0x8000


def test_ascii_orders():
    # JBUSP T03: "char 2" in the MSB, "char 1" in the LSB
    assert encoding.ascii_words("NRT3", 3, True) == [ord("R") << 8 | ord("N"),
                                                     ord("3") << 8 | ord("T"), 0]
    assert encoding.ascii_words("AB", 1, False) == [ord("A") << 8 | ord("B")]
    with pytest.raises(ValueError):
        encoding.ascii_words("é", 1, False)


@pytest.mark.parametrize("layout,count", [("packed", 4), ("plain", 6)])
def test_clock_round_trip(layout, count):
    t = float(int(time.time()))
    assert encoding.clock_time(layout, encoding.clock_words(layout, t, count)) == t
    with pytest.raises(ValueError):
        encoding.clock_time(layout, [0] * count)


def test_packed_clock_is_what_nut_reads():
    # 2030-12-24 22:30:15 UTC: minutes:seconds, day:hours, month:0, year - 2000
    t = 1924381815.0
    assert encoding.clock_words("packed", t, 4) == [30 << 8 | 15, 24 << 8 | 22, 12 << 8, 30]
