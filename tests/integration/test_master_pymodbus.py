"""The Modbus RTU master and serial transport against pymodbus's RTU server on pseudo-terminals.

pymodbus is the independent implementation: its server opens the pseudo-terminal's slave path (a
symlink, as the simulator makes) and the firmware's Master talks to it from the other end.
"""

import asyncio
import os
import termios

import pytest

pymodbus_server = pytest.importorskip("pymodbus.server")
from pymodbus.simulator import DataType, SimData, SimDevice  # noqa: E402

from firmware.modbus import pdu, rtu  # noqa: E402
from firmware.modbus.crc import append  # noqa: E402
from firmware.modbus.master import Master  # noqa: E402
from firmware.hal.serial_port import SerialTransport  # noqa: E402

SLAVE = 1
BASE = 0x1000
VALUES = [(0x1234 + 7 * i) & 0xFFFF for i in range(200)]  # no zeros: a misaligned read shows
SCENARIO_DEADLINE_S = 60
READY_DEADLINE_S = 20

pytestmark = pytest.mark.timeout(90)


def make_device(writes):
    """Slave 1 with holding registers BASE..BASE+199; writes are recorded as (address, values)."""

    async def record(function_code, start_address, address, count, current_registers, set_values):
        if set_values is not None:
            writes.append((address, list(set_values)))
        return None

    return SimDevice(
        id=SLAVE,
        simdata=[SimData(address=BASE, values=list(VALUES), datatype=DataType.REGISTERS)],
        action=record,
    )


async def wait_ready(transport):
    """Poll until the server answers, failing clearly at the deadline."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + READY_DEADLINE_S
    probe = Master(transport, baud=9600, timeout_ms=100, retries=0)
    while True:
        try:
            await probe.read(SLAVE, BASE, 1)
            return
        except pdu.ModbusError as exc:
            if loop.time() > deadline:
                pytest.fail(f"pymodbus server did not answer within {READY_DEADLINE_S} s: {exc!r}")
            await asyncio.sleep(0.05)


def run_scenario(tmp_path, scenario, trace_packet=None, retries=2, timeout_ms=1000):
    """Serve slave 1 with pymodbus on a pty, run scenario(master, writes, slave_fd) against it."""

    async def main():
        master_fd, slave_fd = os.openpty()
        link = tmp_path / "ttyUPS"
        link.symlink_to(os.ttyname(slave_fd))
        writes = []
        server = pymodbus_server.ModbusSerialServer(
            make_device(writes), port=str(link), baudrate=9600, trace_packet=trace_packet
        )
        serving = asyncio.create_task(server.serve_forever())
        transport = SerialTransport(fd=master_fd, baud=9600)
        master = Master(transport, baud=9600, timeout_ms=timeout_ms, retries=retries)
        try:
            await wait_ready(transport)
            return await scenario(master, writes, slave_fd)
        finally:
            await server.shutdown()
            serving.cancel()
            transport.close()
            os.close(slave_fd)

    return asyncio.run(asyncio.wait_for(main(), SCENARIO_DEADLINE_S))


def test_reads_match_the_server_registers(tmp_path):
    async def scenario(master, writes, slave_fd):
        assert await master.read(SLAVE, BASE, 4) == VALUES[:4]
        assert await master.read(SLAVE, BASE + 3, 125) == VALUES[3:128]
        assert await master.read(SLAVE, BASE + 199, 1) == VALUES[199:200]
        status = master.status()
        assert status["requests"] == status["responses"] == 3
        assert status["bytes_rx"] == (5 + 8) + (5 + 250) + (5 + 2)
        assert status["bytes_tx"] == 3 * 8
        assert status["timeouts"] == status["crc"] == status["noise_bytes"] == 0

    run_scenario(tmp_path, scenario)


def test_writes_reach_the_server(tmp_path):
    async def scenario(master, writes, slave_fd):
        await master.write(SLAVE, BASE + 10, 0xBEEF)
        await master.write_many(SLAVE, BASE + 20, [1, 2, 3, 0xFFFF])
        assert writes == [(BASE + 10, [0xBEEF]), (BASE + 20, [1, 2, 3, 0xFFFF])]
        assert await master.read(SLAVE, BASE + 10, 1) == [0xBEEF]
        assert await master.read(SLAVE, BASE + 19, 6) == [VALUES[19], 1, 2, 3, 0xFFFF, VALUES[24]]

    run_scenario(tmp_path, scenario)


def test_unmapped_address_raises_exception_2_without_retry(tmp_path):
    async def scenario(master, writes, slave_fd):
        with pytest.raises(pdu.ModbusException) as info:
            await master.read(SLAVE, 0x2000, 2)
        assert info.value.code == 2
        status = master.status()
        assert status["exceptions"] == 1
        assert status["requests"] == 1  # a definite answer is not retried
        assert "illegal data address" in status["last_error"]
        # The line is still in step afterwards.
        assert await master.read(SLAVE, BASE, 2) == VALUES[:2]

    run_scenario(tmp_path, scenario)


def test_silent_slave_id_times_out_after_retries(tmp_path):
    def silence_other_ids(sending, data):
        # pymodbus 3.16 answers an unknown id with exception 4 from that id; a UPS on an RS232
        # line is the only device there and stays silent, which is what this emulates.
        if sending and data and data[0] != SLAVE:
            return b""
        return data

    async def scenario(master, writes, slave_fd):
        with pytest.raises(rtu.ModbusTimeout):
            await master.read(7, BASE, 2)
        status = master.status()
        assert status["timeouts"] == 2 and status["requests"] == 2 and status["retries"] == 1
        assert status["failures"] == 1 and status["responses"] == 0
        assert await master.read(SLAVE, BASE, 1) == VALUES[:1]

    run_scenario(tmp_path, scenario, trace_packet=silence_other_ids, retries=1, timeout_ms=300)


def test_noise_before_each_answer_is_skipped(tmp_path):
    noise = bytes.fromhex("FF 00 01 03 55")  # includes the slave address and function code

    def noisy(sending, data):
        return noise + data if sending and data else data

    async def scenario(master, writes, slave_fd):
        for _ in range(3):
            assert await master.read(SLAVE, BASE, 8) == VALUES[:8]
        await master.write(SLAVE, BASE, 5)
        status = master.status()
        assert status["noise_bytes"] == 4 * len(noise)
        assert status["requests"] == status["responses"] == 4

    run_scenario(tmp_path, scenario, trace_packet=noisy)


def test_corrupted_answers_are_rejected_and_retried(tmp_path):
    spoil = {"crc": 0, "slave": 0, "function": 0}

    def corrupt(sending, data):
        if not sending or not data:
            return data
        if spoil["crc"]:
            spoil["crc"] -= 1
            return data[:-1] + bytes([data[-1] ^ 0x5A])
        if spoil["slave"]:
            spoil["slave"] -= 1
            return append(bytes([SLAVE + 8]) + data[1:-2])
        if spoil["function"]:
            spoil["function"] -= 1
            return append(bytes([data[0], 0x04]) + data[2:-2])
        return data

    async def scenario(master, writes, slave_fd):
        spoil.update(crc=1, slave=1, function=1)
        assert await master.read(SLAVE, BASE, 3) == VALUES[:3]
        status = master.status()
        assert (status["crc"], status["wrong_slave"], status["wrong_function"]) == (1, 1, 1)
        assert status["retries"] == 3 and status["requests"] == 4 and status["responses"] == 1
        spoil.update(crc=5)
        with pytest.raises(rtu.ModbusCRCError):
            await master.read(SLAVE, BASE, 3)
        assert master.status()["failures"] == 1

    run_scenario(tmp_path, scenario, trace_packet=corrupt, retries=3, timeout_ms=300)


def test_baud_rate_set_by_master_is_visible_at_the_other_end(tmp_path):
    async def scenario(master, writes, slave_fd):
        for baud in (2400, 19200, 57600, 9600):
            master.set_baud(baud)
            assert termios.tcgetattr(slave_fd)[5] == getattr(termios, f"B{baud}")
        assert master.status()["timeout_ms"] == 1000  # overridden, so it does not follow the baud

    run_scenario(tmp_path, scenario)


def test_transport_opened_by_path_through_a_null_modem(tmp_path):
    """The path-opened (pyserial) transport, cabled to pymodbus by relaying two pty pairs."""

    async def main():
        server_master, server_slave = os.openpty()
        card_master, card_slave = os.openpty()
        for fd in (server_master, card_master):
            os.set_blocking(fd, False)
        (tmp_path / "server").symlink_to(os.ttyname(server_slave))
        (tmp_path / "card").symlink_to(os.ttyname(card_slave))
        loop = asyncio.get_running_loop()

        def relay(src, dst):
            def pump():
                try:
                    os.write(dst, os.read(src, 4096))
                except (BlockingIOError, OSError):
                    pass

            loop.add_reader(src, pump)

        relay(server_master, card_master)
        relay(card_master, server_master)
        server = pymodbus_server.ModbusSerialServer(
            make_device([]), port=str(tmp_path / "server"), baudrate=9600
        )
        serving = asyncio.create_task(server.serve_forever())
        transport = SerialTransport(str(tmp_path / "card"), baud=9600)
        master = Master(transport, baud=9600, timeout_ms=1000)
        try:
            await wait_ready(transport)
            assert await master.read(SLAVE, BASE + 50, 10) == VALUES[50:60]
            master.set_baud(19200)
            # The card's end is a pty slave: the relay's master side reads the new rate.
            assert termios.tcgetattr(card_master)[5] == termios.B19200
            assert transport.baud == 19200
            # Linux ptys refuse PARENB: the parity is kept for timing, the line carries none.
            master.set_baud(9600, "E")
            assert (transport.baud, transport.parity, master.bits_per_char) == (9600, "E", 11)
            assert termios.tcgetattr(card_master)[2] & termios.PARENB == 0
            assert await master.read(SLAVE, BASE, 2) == VALUES[:2]
            with pytest.raises(ValueError):
                transport.set_baud(9600, "X")
            assert (transport.baud, transport.parity) == (9600, "E")
        finally:
            loop.remove_reader(server_master)
            loop.remove_reader(card_master)
            await server.shutdown()
            serving.cancel()
            transport.close()
            for fd in (server_master, server_slave, card_master, card_slave):
                os.close(fd)

    asyncio.run(asyncio.wait_for(main(), SCENARIO_DEADLINE_S))


def test_line_faults_become_modbus_errors():
    """A peer that never reads stalls the output; a closed peer reads as silence."""

    async def main():
        master_fd, slave_fd = os.openpty()
        transport = SerialTransport(fd=master_fd, baud=57600)
        transport.write_stall_s = 0.2
        try:
            with pytest.raises(TimeoutError):
                await transport.write(bytes(1 << 20))  # nobody reads the slave side
            transport.reset_input()
            master = Master(transport, baud=57600, timeout_ms=20, retries=1)
            os.close(slave_fd)  # the simulator went away: the pty master now reads EIO
            slave_fd = None
            with pytest.raises(pdu.ModbusError) as info:
                await master.read(SLAVE, BASE, 1)
            assert isinstance(info.value, (rtu.ModbusTimeout, rtu.ModbusLineError)), info.value
            assert master.status()["failures"] == 1
        finally:
            transport.close()
            if slave_fd is not None:
                os.close(slave_fd)

    asyncio.run(asyncio.wait_for(main(), SCENARIO_DEADLINE_S))
