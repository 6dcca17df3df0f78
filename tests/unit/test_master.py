"""Modbus RTU master logic with an in-memory line: timing, retries, counters, stale input.

The end-to-end check against an independent slave is tests/integration/test_master_pymodbus.py.
"""

import json
import struct
import unittest

from firmware.platform import compat
from firmware.modbus import master as mm
from firmware.modbus import pdu, rtu
from firmware.modbus.crc import append

PORTABLE = True


class MemoryLine:
    """A transport whose far end is a register table answering like a slave (or not at all)."""

    def __init__(self, registers=None, slave=1):
        self.registers = registers if registers is not None else {}
        self.slave = slave
        self.rx = bytearray()
        self.sent = []
        self.sent_at_us = []
        self.bauds = []
        self.silent = False
        self.prefix = b""  # bytes put before each answer (noise)
        self.mangle = None  # function(answer) -> answer
        self.closed = False

    def set_baud(self, baud, parity="N"):
        self.bauds.append((baud, parity))

    def reset_input(self):
        dropped = len(self.rx)
        self.rx = bytearray()
        return dropped

    def close(self):
        self.closed = True

    async def write(self, data):
        self.sent.append(bytes(data))
        self.sent_at_us.append(compat.ticks_us())
        if self.silent or data[0] != self.slave:
            return
        answer = self.answer(bytes(data))
        if self.mangle:
            answer = self.mangle(answer)
        self.rx.extend(self.prefix + answer)

    def answer(self, frame):
        slave, fc, address, value = struct.unpack(">BBHH", frame[:6])
        if fc == 3:
            if any(a not in self.registers for a in range(address, address + value)):
                return append(bytes((slave, 0x83, 2)))
            words = [self.registers[a] for a in range(address, address + value)]
            head = struct.pack(">BBB", slave, fc, 2 * value)
            return append(head + struct.pack(">%dH" % value, *words))
        if fc == 6:
            self.registers[address] = value
            return frame
        if fc == 0x10:
            for i in range(value):
                self.registers[address + i] = struct.unpack(">H", frame[7 + 2 * i : 9 + 2 * i])[0]
            return append(frame[:6])
        return append(bytes((slave, fc | 0x80, 1)))

    async def read(self, n, timeout_ms):
        if not self.rx:
            await compat.sleep_ms(timeout_ms)
        out = bytes(self.rx[:n])
        self.rx = self.rx[n:]
        return out


class LateLine(MemoryLine):
    """The slave answers the first request only after the master gave up on it: the answer
    arrives once the master has moved on (its next reset_input), right as it sends again."""

    def __init__(self, registers):
        super().__init__(registers)
        self.late = b""
        self.moved_on = False

    def reset_input(self):
        self.moved_on = bool(self.late)
        return super().reset_input()

    def _arrive(self):
        if self.moved_on and self.late:
            self.rx.extend(self.late)
            self.late = b""

    async def write(self, data):
        if not self.sent:
            self.sent.append(bytes(data))
            self.late = self.answer(bytes(data))
            return
        self._arrive()
        await super().write(data)

    async def read(self, n, timeout_ms):
        self._arrive()
        return await super().read(n, timeout_ms)


class BusyLoopLine(MemoryLine):
    """The answer arrives in time, but the master's first wake-up after each request comes
    past its deadline with only the answer's first bytes, as on an event loop busy with others."""

    def __init__(self, registers):
        super().__init__(registers)
        self.woken_late = False

    async def write(self, data):
        self.woken_late = False
        await super().write(data)

    async def read(self, n, timeout_ms):
        if self.rx and not self.woken_late:
            self.woken_late = True
            await compat.sleep_ms(timeout_ms + 20)
            out = bytes(self.rx[:min(n, 3)])
            self.rx = self.rx[len(out):]
            return out
        return await super().read(n, timeout_ms)


class TestTiming(unittest.TestCase):
    def test_t35_and_char_times(self):
        line = MemoryLine()
        m = mm.Master(line, baud=9600)
        self.assertEqual(m.bits_per_char, 10)
        self.assertEqual(m.char_us, 1041)
        self.assertEqual(m.t35_us, 3645)            # 3.5 x 1041.67 us
        m.set_baud(9600, "E")
        self.assertEqual(m.bits_per_char, 11)
        self.assertEqual(m.t35_us, 4010)            # 3.5 x 1145.83 us
        m.set_baud(19200, "N")
        self.assertEqual(m.t35_us, 1822)            # 3.5 x 520.83 us
        m.set_baud(57600)
        self.assertEqual(m.t35_us, 1750)  # fixed above 19200 baud
        self.assertEqual(line.bauds, [(9600, "N"), (9600, "E"), (19200, "N"), (57600, "N")])

    def test_default_timeouts_follow_the_baud_rate(self):
        m = mm.Master(MemoryLine(), baud=9600)
        expected = {57600: 20, 19200: 50, 9600: 100, 2400: 200}
        for baud in expected:
            m.set_baud(baud)
            self.assertEqual(m.timeout_ms, expected[baud])

    def test_override_does_not_follow_the_baud_rate(self):
        m = mm.Master(MemoryLine(), baud=9600, timeout_ms=333)
        m.set_baud(2400)
        self.assertEqual(m.timeout_ms, 333)

    def test_answer_deadline_adds_wire_time(self):
        m = mm.Master(MemoryLine(), baud=9600)
        # 8 request + 255 answer characters at 1041 us, T3.5 (4 ms rounded up) and 100 ms.
        self.assertEqual(m.answer_deadline_ms(8, 255), (263 * 1041 + 999) // 1000 + 4 + 100)
        m.set_baud(57600)
        self.assertEqual(m.answer_deadline_ms(8, 13), (21 * 173 + 999) // 1000 + 2 + 20)

    def test_bad_settings_are_refused_and_change_nothing(self):
        line = MemoryLine()
        m = mm.Master(line, baud=9600)
        self.assertRaises(ValueError, m.set_baud, 12345)
        self.assertRaises(ValueError, m.set_baud, 9600, "X")
        self.assertEqual((m.baud, m.parity, len(line.bauds)), (9600, "N", 1))
        self.assertRaises(ValueError, mm.Master, line, 9600, "N", 0)
        self.assertRaises(ValueError, mm.Master, line, 9600, "N", None, 11)


class TestTransactions(unittest.IsolatedAsyncioTestCase):
    def make(self, **kwargs):
        line = MemoryLine({0x1000 + i: 100 + i for i in range(130)})
        kwargs.setdefault("timeout_ms", 5)
        return line, mm.Master(line, baud=57600, **kwargs)

    async def test_read_write_and_counters(self):
        line, m = self.make()
        self.assertEqual(await m.read(1, 0x1000, 3), [100, 101, 102])
        await m.write(1, 0x1001, 0xABCD)
        await m.write_many(1, 0x1002, [7, 8])
        self.assertEqual(await m.read(1, 0x1000, 4), [100, 0xABCD, 7, 8])
        self.assertEqual(line.sent[0], rtu.build_read(1, 0x1000, 3))
        status = m.status()
        self.assertEqual(status["requests"], 4)
        self.assertEqual(status["responses"], 4)
        self.assertEqual(status["bytes_tx"], 8 + 8 + 13 + 8)
        self.assertEqual(status["bytes_rx"], 11 + 8 + 8 + 13)
        self.assertIsNone(status["last_error"])
        self.assertEqual(json.loads(json.dumps(status)), status)

    async def test_silence_times_out_after_every_retry(self):
        line, m = self.make(retries=2)
        line.silent = True
        with self.assertRaises(rtu.ModbusTimeout):
            await m.read(1, 0x1000, 1)
        status = m.status()
        self.assertEqual((status["requests"], status["timeouts"]), (3, 3))
        self.assertEqual((status["retries"], status["failures"]), (2, 1))
        self.assertIn("ModbusTimeout", status["last_error"])

    async def test_exception_is_raised_at_once(self):
        line, m = self.make(retries=2)
        with self.assertRaises(pdu.ModbusException) as ctx:
            await m.read(1, 0x2000, 1)
        self.assertEqual(ctx.exception.code, 2)
        self.assertEqual((m.status()["requests"], m.status()["exceptions"]), (1, 1))

    async def test_a_retry_recovers_from_one_bad_crc(self):
        line, m = self.make(retries=1)
        spoiled = []

        def once(answer):
            if spoiled:
                return answer
            spoiled.append(answer)
            return answer[:-1] + bytes((answer[-1] ^ 1,))

        line.mangle = once
        self.assertEqual(await m.read(1, 0x1000, 2), [100, 101])
        status = m.status()
        self.assertEqual((status["crc"], status["retries"], status["responses"]), (1, 1, 1))

    async def test_wrong_slave_and_short_frames_are_counted(self):
        line, m = self.make(retries=0)
        line.mangle = lambda answer: append(bytes((9,)) + answer[1:-2])
        with self.assertRaises(rtu.ModbusWrongSlave):
            await m.read(1, 0x1000, 2)
        line.mangle = lambda answer: answer[:-3]
        with self.assertRaises(rtu.ModbusShortFrame):
            await m.read(1, 0x1000, 2)
        status = m.status()
        self.assertEqual((status["wrong_slave"], status["short_frames"]), (1, 1))

    async def test_noise_is_skipped_and_counted(self):
        line, m = self.make()
        line.prefix = bytes.fromhex("00 FF 01 03")
        self.assertEqual(await m.read(1, 0x1000, 2), [100, 101])
        self.assertEqual(m.status()["noise_bytes"], 4)
        line.prefix = b""
        line.mangle = lambda answer: bytes.fromhex("FE FD FC")
        with self.assertRaises(rtu.ModbusNoise):
            await m.read(1, 0x1000, 2)

    async def test_stale_input_is_discarded_before_a_request(self):
        line, m = self.make()
        line.rx.extend(append(bytes.fromhex("01 03 04 DE AD BE EF")))  # an old answer
        self.assertEqual(await m.read(1, 0x1000, 2), [100, 101])
        self.assertEqual(m.status()["noise_bytes"], 9)

    async def test_a_late_answer_is_not_taken_for_the_next_one(self):
        line = LateLine({0x1000 + i: 100 + i for i in range(130)})
        m = mm.Master(line, baud=57600, timeout_ms=5, retries=0)
        with self.assertRaises(rtu.ModbusTimeout):
            await m.read(1, 0x1000, 2)                 # its answer comes too late ...
        self.assertEqual(await m.read(1, 0x1040, 2), [164, 165])   # ... and is not this one
        self.assertEqual(m.status()["late_bytes"], 9)

    async def test_an_answer_in_time_is_taken_by_a_late_wake_up(self):
        line = BusyLoopLine({0x1000 + i: 100 + i for i in range(130)})
        m = mm.Master(line, baud=57600, timeout_ms=5, retries=0)
        self.assertEqual(await m.read(1, 0x1000, 3), [100, 101, 102])
        await m.write(1, 0x1001, 7)
        status = m.status()
        self.assertEqual((status["requests"], status["responses"], status["timeouts"]), (2, 2, 0))

    async def test_write_echo_must_match(self):
        line, m = self.make(retries=0)
        line.mangle = lambda answer: append(answer[:4] + bytes((0, 9)))
        with self.assertRaises(pdu.ModbusFrameError):
            await m.write(1, 0x1000, 5)
        self.assertEqual(m.status()["frame_errors"], 1)

    async def test_broadcast_write_waits_for_no_answer(self):
        line, m = self.make()
        await m.write(0, 0x1000, 1)
        self.assertEqual(len(line.sent), 1)
        self.assertEqual((m.status()["requests"], m.status()["responses"]), (1, 0))
        with self.assertRaises(ValueError):
            await m.read(0, 0x1000, 1)

    async def test_t35_silence_before_each_request(self):
        line = MemoryLine({0: 1})
        m = mm.Master(line, baud=2400, timeout_ms=50)
        await m.read(1, 0, 1)
        await m.read(1, 0, 1)
        # The in-memory answer arrives at once; the next request must still leave T3.5
        # (14.6 ms at 2400 baud) of silence after it. 1 ms slack for the tick rounding.
        gap_us = compat.ticks_diff(line.sent_at_us[1], line.sent_at_us[0])
        self.assertGreaterEqual(gap_us, m.t35_us - 1000)

    async def test_transport_failure_becomes_a_modbus_error(self):
        line, m = self.make(retries=1)

        async def unplugged(data):
            raise OSError(5, "Input/output error")

        line.write = unplugged
        with self.assertRaises(rtu.ModbusLineError):
            await m.read(1, 0x1000, 1)
        status = m.status()
        self.assertEqual((status["line_errors"], status["failures"]), (2, 1))

    async def test_bad_requests_send_nothing(self):
        line, m = self.make()
        with self.assertRaises(ValueError):
            await m.read(1, 0x1000, 126)
        with self.assertRaises(ValueError):
            await m.write(1, 0x1000, 0x10000)
        self.assertEqual(line.sent, [])


if __name__ == "__main__":
    unittest.main()
