"""The simulator's netys-rt profile read with pymodbus's own RTU client over the pseudo-terminal.

Addresses and bits are the simulator's own JBUSP tables (the manual's); the card's map is checked
against the simulator separately, through the wire (test_sim_witness*.py).
"""

import calendar
import time

import pytest
import serial
from pymodbus.client import ModbusSerialClient
from pymodbus.exceptions import ModbusException

from tools.upssim.registers import jbusp
from tests.simharness import SimError, exchange_raw, start_sim
from tools.upssim.wire import crc16

BAUD = 9600
IDENT, STATUS_BASE, ALARM_BASE, MEASURE_BASE = 0x1000, 0x1020, 0x1040, 0x1060


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    with start_sim(tmp_path_factory.mktemp("netys"), profile="netys-rt", baud=BAUD, seed=7) as s:
        yield s


@pytest.fixture
def sim_normal(sim):
    sim.fault()
    sim.scenario("normal")
    sim.set(remote_disabled=False)
    yield sim
    sim.fault()
    sim.scenario("normal")
    sim.set(remote_disabled=False)


@pytest.fixture
def client(sim):
    c = ModbusSerialClient(port=sim.link, baudrate=BAUD, timeout=1.0, retries=0)
    assert c.connect(), "cannot open the simulator's link"
    yield c
    c.close()


def read(client, address, count, slave=1):
    rr = client.read_holding_registers(address, count=count, device_id=slave)
    assert not rr.isError(), f"read 0x{address:04X} x{count}: {rr}"
    return rr.registers


def bit(words, base, address, bit_no):
    return bool(words[address - base] >> bit_no & 1)


def status_bit(client, acronym):
    words = read(client, STATUS_BASE, 4)
    return bit(words, STATUS_BASE, *jbusp.flag_position(acronym))


def alarm_bit(client, acronym):
    words = read(client, ALARM_BASE, 4)
    return bit(words, ALARM_BASE, *jbusp.flag_position(acronym))


def measure(words, acronym):
    row = next(r for r in jbusp.MEASURES if r[0] == acronym)
    return words[row[1] - MEASURE_BASE]


def test_identification_is_netys_rt(sim_normal, client):
    words = read(client, IDENT, 12)
    assert words[0] == 31, "T00 UPS type: NETYS RT"
    assert jbusp.UPS_TYPES[words[0]] == "NETYS RT"
    serial_no = b"".join(bytes([w & 0xFF, w >> 8]) for w in words[3:8]).decode()
    assert serial_no.strip() and serial_no.isprintable()


def test_measurements_follow_the_physics(sim_normal, client):
    sim_normal.set(load=40, battery_charge=80, input_voltage=228)
    words = read(client, MEASURE_BASE, 48)
    phys = sim_normal.state()["physics"]
    assert measure(words, "M00") == 40
    assert measure(words, "M03") == 40
    assert measure(words, "M04") == round(phys["battery_charge"])
    assert measure(words, "M33") == 228
    assert measure(words, "M09") == 230
    assert measure(words, "M19") == 500                      # 50.0 Hz * 10
    assert measure(words, "M23") == 0xFFFF, "no remaining backup time on mains"
    # single phase: L2/L3 and what NETYS does not manage read "not managed"
    for acronym in ("M01", "M02", "M07", "M08", "M10", "M11", "M21", "M24"):
        assert measure(words, acronym) == 0xFFFF, acronym


def test_registers_equal_the_state_image(sim_normal, client):
    words = read(client, MEASURE_BASE, 48)
    image = sim_normal.registers()
    assert [image[MEASURE_BASE + i] for i in range(48)] == words


def test_unmapped_address_is_exception_2(sim_normal, client):
    for address, count in ((0x0001, 4), (0x0140, 4), (0x1100, 1), (0x108F, 2)):
        rr = client.read_holding_registers(address, count=count, device_id=1)
        assert rr.isError(), f"0x{address:04X} answered {rr}"
        assert rr.exception_code == 2, f"0x{address:04X}: {rr}"


def test_unknown_slave_gets_no_answer(sim_normal, client):
    try:
        rr = client.read_holding_registers(IDENT, count=1, device_id=9)
    except ModbusException:
        rr = None  # timed out: nobody answers at that address, as on a real bus
    assert rr is None or (rr.isError() and getattr(rr, "exception_code", None) is None), rr
    assert read(client, IDENT, 1) == [31], "the real slave still answers"


def test_mains_failure_sets_on_battery_and_returns(sim_normal, client):
    assert not status_bit(client, "S05")
    sim_normal.scenario("mains-failure")
    assert status_bit(client, "S05"), "S05 on battery after mains failure"
    assert alarm_bit(client, "A05")
    words = read(client, MEASURE_BASE, 48)
    runtime = sim_normal.state()["physics"]["battery_runtime_min"]
    assert abs(measure(words, "M23") - runtime) <= 1, "remaining backup time on battery"
    sim_normal.scenario("mains-return")
    assert not status_bit(client, "S05")


def test_overload_and_bypass_bits(sim_normal, client):
    sim_normal.scenario("overload")
    assert alarm_bit(client, "A02")
    assert status_bit(client, "S04"), "overload above 110 % transfers to bypass"
    sim_normal.scenario("normal")
    sim_normal.scenario("bypass")
    assert status_bit(client, "S04") and not status_bit(client, "S03")
    sim_normal.scenario("normal")
    sim_normal.scenario("eco")
    assert status_bit(client, "S07")
    sim_normal.scenario("maintenance-bypass")
    assert alarm_bit(client, "A08") and status_bit(client, "S48")


def test_battery_test_ends_ok_or_failed(sim_normal, client):
    sim_normal.set(battery_test_seconds=1)
    sim_normal.scenario("battery-test")
    assert status_bit(client, "S10")
    sim_normal.wait_for(lambda st: st["physics"]["battery_test"] == "passed", what="test passed")
    assert not status_bit(client, "S10") and not status_bit(client, "S14")
    sim_normal.scenario("battery-test-fail")
    sim_normal.wait_for(lambda st: st["physics"]["battery_test"] == "failed", what="test failed")
    assert status_bit(client, "S14") and alarm_bit(client, "A01")


def test_low_battery_then_discharged_in_accelerated_time(sim_normal, client):
    sim_normal.scenario("low-battery")
    assert status_bit(client, "S15"), "S15 near end of backup time"
    sim_normal.set(accel=2000)
    sim_normal.wait_for(lambda st: st["physics"]["discharged"], what="discharged")
    assert status_bit(client, "S16") and alarm_bit(client, "A49")
    assert sim_normal.state()["physics"]["mode"] == "off"
    sim_normal.set(accel=1)


def test_commands_act_and_are_refused_when_remote_disabled(sim_normal, client):
    address, value = jbusp.COMMANDS["test.battery.start"]
    rr = client.write_register(address, value, device_id=1)
    assert not rr.isError(), rr
    assert status_bit(client, "S10")
    address, value = jbusp.COMMANDS["beeper.mute"]
    sim_normal.set(buzzer=True)
    assert status_bit(client, "S09")
    assert not client.write_register(address, value, device_id=1).isError()
    assert not status_bit(client, "S09")
    sim_normal.set(remote_disabled=True)
    assert status_bit(client, "S06")
    address, value = jbusp.COMMANDS["bypass.start"]
    rr = client.write_register(address, value, device_id=1)
    assert rr.isError() and rr.exception_code == 1, rr
    assert not status_bit(client, "S04")
    rr = client.write_register(address, 0x7777, device_id=1)
    assert rr.isError() and rr.exception_code == 3, rr


def test_clock_runs_and_accepts_a_write(sim_normal, client):
    start, count, _layout = jbusp.CLOCK
    words = read(client, start, count)
    now = time.gmtime()
    assert words[3] + 2000 == now.tm_year and words[2] >> 8 == now.tm_mon
    target = [30 << 8 | 15, 24 << 8 | 22, 12 << 8, 2030 - 2000]   # 2030-12-24 22:30:15
    assert not client.write_registers(start, target, device_id=1).isError()
    words = read(client, start, count)
    assert words[1:] == target[1:] and words[0] >> 8 == 30
    written = calendar.timegm((2030, 12, 24, 22, 30, 15, 0, 0, 0))
    assert 0 <= sim_normal.state()["clock"] - written < 60, "state clock = the written UTC fields"
    rr = client.write_registers(start, [0, 99 << 8 | 99, 0, 0], device_id=1)
    assert rr.isError() and rr.exception_code == 3


def test_bytes_leave_no_faster_than_the_baud_rate(sim_normal):
    request = bytes([1, 3, 0x10, 0x60, 0, 48])
    request += crc16(request)
    expected = 5 + 96
    got, stamps, sent = exchange_raw(sim_normal.link, BAUD, request, expected)
    assert len(got) == expected, got.hex()
    assert crc16(got[:-2]) == got[-2:]
    char_s = 10 / BAUD
    span = stamps[-1] - stamps[0]
    # the first chunk holds at least one character; the rest cannot arrive faster than the line
    assert span >= (expected - 1 - 8) * char_s, (span, len(stamps))
    turnaround_s = sim_normal.state()["line"]["turnaround_ms"] / 1000
    # the request takes its own wire time to arrive, then the UPS turns the line around
    assert stamps[0] - sent >= len(request) * char_s + turnaround_s, stamps[0] - sent


def test_wrong_baud_gets_no_valid_answer(sim_normal):
    c = ModbusSerialClient(port=sim_normal.link, baudrate=19200, timeout=0.5, retries=0)
    assert c.connect()
    try:
        rr = c.read_holding_registers(IDENT, count=12, device_id=1)
        assert rr.isError(), rr
    except ModbusException:
        pass
    finally:
        c.close()
    st = sim_normal.state()["line"]
    assert st["counters"]["dropped_wrong_line"] > 0
    assert st["card_side"]["baud"] == 19200 and not st["card_side"]["match"]


def test_faults_crc_silence_wrong_slave_noise(sim_normal, client):
    sim_normal.fault(silence=True)
    with pytest.raises(ModbusException):
        rr = client.read_holding_registers(IDENT, count=1, device_id=1)
        if rr.isError():
            raise ModbusException(str(rr))
    sim_normal.fault(crc_error_rate=1.0)
    with pytest.raises(ModbusException):
        rr = client.read_holding_registers(IDENT, count=1, device_id=1)
        if rr.isError():
            raise ModbusException(str(rr))
    sim_normal.fault(wrong_slave=True)
    with pytest.raises(ModbusException):
        rr = client.read_holding_registers(IDENT, count=1, device_id=1)
        if rr.isError():
            raise ModbusException(str(rr))
    counters = sim_normal.state()["line"]["counters"]
    assert counters["silenced"] >= 1 and counters["crc_errors"] >= 1
    assert counters["wrong_slave"] >= 1
    sim_normal.fault(timeout_rate=0.5)
    answered = 0
    for _ in range(12):
        try:
            rr = client.read_holding_registers(IDENT, count=1, device_id=1)
            answered += not rr.isError()
        except ModbusException:
            pass
    assert 0 < answered < 12, answered
    sim_normal.fault()
    assert read(client, IDENT, 1) == [31]


def test_noise_burst_precedes_the_answer(sim_normal):
    sim_normal.fault(noise_bytes=5)
    request = bytes([1, 3, 0x10, 0x00, 0, 1])
    request += crc16(request)
    got = exchange_raw(sim_normal.link, BAUD, request, 5 + 7)[0]
    assert len(got) == 12, got.hex()
    frame = got[5:]
    assert frame[:3] == bytes([1, 3, 2]) and crc16(frame[:-2]) == frame[-2:]


def test_control_api_rejects_bad_input_and_changes_nothing(sim_normal):
    before = sim_normal.state()["physics"]
    for path, body in (("/set", {"mains": "no"}), ("/set", {"nonsense": 1}),
                       ("/set", {"load": 1000}), ("/set", {}),
                       ("/scenario", {"name": "flood"}), ("/scenario", {"nme": "normal"}),
                       ("/fault", {"crc_error_rate": 2}), ("/fault", {"lightning": True}),
                       ("/command", {"name": "self.destruct"})):
        with pytest.raises(SimError) as err:
            sim_normal.request("POST", path, body)
        assert " 400 " in str(err.value) and "error" in str(err.value), (path, body)
    with pytest.raises(SimError, match="not valid JSON"):
        req_bad_json(sim_normal)
    after = sim_normal.state()["physics"]
    for key in ("mains", "load", "mode", "battery_test", "remote_disabled"):
        assert before[key] == after[key], key
    assert sim_normal.state()["line"]["faults"] == {}


def req_bad_json(sim):
    import urllib.error
    import urllib.request
    req = urllib.request.Request(sim.control_url + "/set", data=b"{mains: false", method="POST")
    try:
        urllib.request.urlopen(req, timeout=10)
    except urllib.error.HTTPError as exc:
        raise SimError(exc.read().decode()) from None


def test_garbage_and_bad_crc_are_dropped_then_the_next_request_answers(sim_normal, client):
    before = sim_normal.state()["line"]["counters"]["bad_frames"]
    with serial.Serial(sim_normal.link, BAUD, timeout=0.3) as port:
        port.write(b"\x01\x03\x10")                       # a torn frame, then silence
        time.sleep(0.05)
        request = bytes([1, 3, 0x10, 0x00, 0, 1])
        port.write(request + b"\x00\x00")                 # wrong CRC
        assert port.read(16) == b"", "no answer to a frame with a wrong CRC"
    counters = sim_normal.wait_for(
        lambda st: st["line"]["counters"]["bad_frames"] >= before + 2, what="bad frames counted")
    assert counters["line"]["counters"]["bad_frames"] >= before + 2
    assert read(client, IDENT, 1) == [31]
