"""Every simulator profile read with pymodbus's RTU client: identification, addressing, mapping, bits, measures.

Words are read back through the simulator's own tables (the manual's addresses, bits and
scales); the card's maps are checked against the simulator through the wire elsewhere
(test_sim_witness*.py).
"""

import pytest
from pymodbus.client import ModbusSerialClient
from pymodbus.exceptions import ModbusException

from tests.simharness import exchange_raw, start_sim
from tools.upssim import encoding
from tools.upssim.registers import jbusp, sts, vumap
from tools.upssim.wire import crc16

BAUD = 19200
IDENT_BLOCK = {"jbusp": (0x1000, 12), "vumap": (0x0001, 15), "sts": (0x0100, 10)}
TYPE_CODE = 0x1000                                            # JBUSP T00 "UPS TYPE"
T001, T002, T003, T004, T014, T015 = 0x0001, 0x0002, 0x0003, 0x0004, 0x000E, 0x000F   # VU-MAP


def unit_address(u, base=1):
    return base + u


def module_address(u, m, base=1):
    return base + 16 * u + m


def active_flags(tables, image):
    """Acronyms whose bit is set in image, by the simulator's table positions."""
    out = set()
    for acronym, _level, _text in tables.STATUS_ROWS + tables.ALARM_ROWS:
        address, bit = tables.flag_position(acronym)
        if image.get(address, 0) >> bit & 1:
            out.add(acronym)
    return out


def measure(tables, image, acronym, t014=0):
    """Physical value of a measurement row, None when it reads 0xFFFF."""
    row = next(r for r in tables.measure_rows(t014) if r[0] == acronym)
    _acronym, address, unit, fmt, _quantity = row
    raw = image[address]
    if raw == encoding.NOT_MANAGED:
        return None
    if encoding.signed(unit, fmt) and raw & 0x8000:
        raw -= 0x10000
    return raw / encoding.multiplier(unit, fmt)


def text(image, start, words, first_in_lsb):
    data = b"".join(bytes([w & 0xFF, w >> 8]) if first_in_lsb else bytes([w >> 8, w & 0xFF])
                    for w in (image[start + i] for i in range(words)))
    return data.rstrip(b"\0").decode()


def client_for(sim, parity="N"):
    c = ModbusSerialClient(port=sim.link, baudrate=BAUD, parity=parity, timeout=1.0, retries=0)
    assert c.connect()
    return c


def read(c, address, count, slave=1):
    rr = c.read_holding_registers(address, count=count, device_id=slave)
    assert not rr.isError(), f"slave {slave} 0x{address:04X} x{count}: {rr}"
    return rr.registers


def read_block_image(c, m, slave=1):
    """{address: word} of every block of the simulator's tables."""
    image = {}
    for _name, start, count in m.BLOCKS:
        for i, w in enumerate(read(c, start, count, slave)):
            image[start + i] = w
    return image


def no_answer(c, slave):
    try:
        rr = c.read_holding_registers(IDENT_BLOCK["jbusp"][0], count=1, device_id=slave)
    except ModbusException:
        return True
    return rr.isError() and getattr(rr, "exception_code", None) is None


def other_mappings_answer_exception_2(c, mapping):
    for other, (start, count) in IDENT_BLOCK.items():
        if other == mapping:
            continue
        rr = c.read_holding_registers(start, count=count, device_id=1)
        assert rr.isError() and rr.exception_code == 2, f"{other} ident on {mapping}: {rr}"


@pytest.mark.parametrize("profile,type_code,phases", [("netys-rt", 31, 1), ("masterys-33", 257, 3)])
def test_jbusp_single(tmp_path, profile, type_code, phases):
    with start_sim(tmp_path, profile=profile, baud=BAUD) as sim:
        c = client_for(sim)
        try:
            image = read_block_image(c, jbusp)
            assert image[TYPE_CODE] == type_code
            phys = sim.state()["physics"]
            assert measure(jbusp, image, "M04") == round(phys["battery_charge"])
            l3 = image[0x1062]
            assert (l3 == 0xFFFF) == (phases == 1), "L3 load managed only on three-phase units"
            other_mappings_answer_exception_2(c, "jbusp")
            assert no_answer(c, 2), "a single UPS has no unit 1"
        finally:
            c.close()


def test_masterys_parallel_units(tmp_path):
    with start_sim(tmp_path, profile="masterys-33-parallel", baud=BAUD, units=4) as sim:
        c = client_for(sim)
        try:
            system = read_block_image(c, jbusp)
            assert system[TYPE_CODE] == 256, "MASTERYS 3/3 SYSTEM"
            statuses = active_flags(jbusp, system)
            assert "S30" in statuses
            assert [u for u in ("S32", "S33", "S34", "S35", "S36", "S37") if u in statuses] == \
                ["S32", "S33", "S34", "S35"], "units 1..4 present"
            for u in range(1, 5):
                words = read(c, 0x1000, 3, slave=unit_address(u))
                assert words[2] == u, "T02 module number of unit %d" % u
            assert no_answer(c, unit_address(5)), "no unit 5"
            sim.set(unit_fault=3)
            alarms = active_flags(jbusp, read_block_image(c, jbusp))
            assert "A34" in alarms and "A00" in alarms and "A33" not in alarms
            unit3 = active_flags(jbusp, read_block_image(c, jbusp, slave=4))
            unit2 = active_flags(jbusp, read_block_image(c, jbusp, slave=3))
            assert "A00" in unit3 and "A00" not in unit2
        finally:
            c.close()


def test_modulys_single_vumap(tmp_path):
    with start_sim(tmp_path, profile="modulys-gp2", baud=BAUD) as sim:
        c = client_for(sim)
        try:
            image = read_block_image(c, vumap)
            assert image[T015] == 0x8100 == vumap.REFERENCE_CODES["MODULYS GP 2.0"]
            assert image[T014] == 1
            assert image[T001] == 0x0101, "single unit"
            phys = sim.state()["physics"]
            assert measure(vumap, image, "M022", 1) == round(phys["battery_charge"])
            assert measure(vumap, image, "M013", 1) == pytest.approx(phys["output_frequency"])
            assert measure(vumap, image, "M016", 1) == pytest.approx(phys["battery_voltage"],
                                                                     abs=0.05), "T014=1: V*10"
            assert measure(vumap, image, "M028", 1) is None, "not managed -> 0xFFFF"
            assert text(image, 0x001A, 10, False) == "MODULYS GP 2.0 25"
            other_mappings_answer_exception_2(c, "vumap")
            sim.scenario("mains-failure")
            alarms = active_flags(vumap, read_block_image(c, vumap))
            assert "A019" in alarms, "operating on battery"
        finally:
            c.close()


def test_modulys_modular_modules(tmp_path):
    with start_sim(tmp_path, profile="modulys-gp2-modular", baud=BAUD, modules=3) as sim:
        c = client_for(sim)
        try:
            unit = read_block_image(c, vumap)
            assert unit[T001] == 0x0801 and unit[T002] == 3
            assert unit[T003] == 0b111
            for m in range(1, 4):
                words = read(c, 0x0001, 15, slave=module_address(1, m))
                assert words[T004 - 1] == m
            assert no_answer(c, module_address(1, 4))
        finally:
            c.close()


def test_modulys_parallel_units(tmp_path):
    with start_sim(tmp_path, profile="modulys-gp2-parallel", baud=BAUD, units=2) as sim:
        c = client_for(sim)
        try:
            system = read_block_image(c, vumap)
            assert system[T001] == 0x0601 and system[T002] == 2
            for u in (1, 2):
                words = read(c, 0x0001, 15, slave=unit_address(u))
                assert words[T004 - 1] == u
            sim.set(unit_fault=2)
            alarms = active_flags(vumap, read_block_image(c, vumap))
            assert "A097" in alarms and "A096" not in alarms
        finally:
            c.close()


def test_modulys_modular_system_units_and_modules(tmp_path):
    with start_sim(tmp_path, profile="modulys-gp2-modular-system", baud=BAUD, units=3,
                   modules=2) as sim:
        c = client_for(sim)
        try:
            system = read_block_image(c, vumap)
            assert system[T001] == 0x0608, "modular parallel UPS system"
            assert system[T002] == 3 and system[T003] == 0b111
            for u in (1, 2, 3):
                words = read(c, 0x0001, 15, slave=unit_address(u))
                assert words[T001 - 1] == 0x0801, "each unit is a modular unit"
                assert words[T002 - 1] == 2 and words[T003 - 1] == 0b11
                assert words[T004 - 1] == u
                for m in (1, 2):
                    words = read(c, 0x0001, 15, slave=module_address(u, m))
                    assert words[T004 - 1] == m
                assert no_answer(c, module_address(u, 3)), "unit %d has 2 modules" % u
            assert no_answer(c, unit_address(4)), "no unit 4"
        finally:
            c.close()


def test_statys_sources(tmp_path):
    with start_sim(tmp_path, profile="statys", baud=BAUD) as sim:
        c = client_for(sim)
        try:
            image = read_block_image(c, sts)
            assert text(image, 0x0100, 10, False).startswith("STATYS")
            statuses = active_flags(sts, image)
            assert "S023" in statuses and "S045" in statuses, "load on S1, remote enabled"
            assert measure(sts, image, "M006") == pytest.approx(50.0), "S1 frequency, ##.#"
            other_mappings_answer_exception_2(c, "sts")
            sim.scenario("mains-failure")
            statuses = active_flags(sts, read_block_image(c, sts))
            assert "S024" in statuses and "S003" in statuses and "S019" not in statuses
            sim.set(remote_disabled=True)
            statuses = active_flags(sts, read_block_image(c, sts))
            assert "S045" not in statuses
            address, value = sts.COMMANDS["beeper.mute"]
            rr = c.write_register(address, value, device_id=1)
            assert rr.isError() and rr.exception_code == 1
        finally:
            c.close()


def test_bad_options_are_refused(tmp_path):
    from tests.simharness import SimError
    with pytest.raises(SimError, match="units"):
        start_sim(tmp_path, profile="masterys-33-parallel", baud=BAUD, units=9)
    with pytest.raises(SimError, match="modules"):
        start_sim(tmp_path, profile="netys-rt", baud=BAUD, modules=2)
    with pytest.raises(SimError, match="at most 24"):
        start_sim(tmp_path, profile="modulys-gp2-modular-system", baud=BAUD, units=4, modules=7)


def test_parity_is_checked_where_the_pty_carries_it(tmp_path):
    with start_sim(tmp_path, profile="modulys-gp2", baud=BAUD, parity="E") as sim:
        if sim.state()["line"]["parity_observable"]:
            c = client_for(sim, parity="E")
            try:
                assert read(c, T015, 1) == [0x8100]
            finally:
                c.close()
            c = client_for(sim, parity="N")
            try:
                assert no_answer(c, 1)
            finally:
                c.close()
            assert sim.state()["line"]["counters"]["dropped_wrong_line"] > 0
        else:
            # Linux pseudo-terminals refuse PARENB here, so a wrong parity cannot be seen on the
            # line; what remains observable is that each character costs 11 bits, not 10.
            assert_paced_at_11_bits(sim)


def assert_paced_at_11_bits(sim):
    request = bytes([1, 3, 0, 0x40, 0, 80])
    request += crc16(request)
    expected = 5 + 160
    got, stamps, _sent = exchange_raw(sim.link, BAUD, request, expected)
    assert len(got) == expected and crc16(got[:-2]) == got[-2:], got.hex()
    # the first chunk holds at least one character; the rest cannot arrive faster than 11 bits each
    span = stamps[-1] - stamps[0]
    assert span >= (expected - 1 - 8) * 11 / BAUD, (span, len(stamps))
