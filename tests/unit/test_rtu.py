"""Modbus RTU framing: request frames, response decoding, rejection of bad frames, resync."""

import unittest

from firmware.modbus import pdu, rtu
from firmware.modbus.crc import append

PORTABLE = True


def h(text):
    return bytes.fromhex(text.replace(" ", ""))


# (built request, known-good hex frame on the wire)
REQUESTS = (
    (lambda: rtu.build_read(1, 0x1020, 4), "01 03 10 20 00 04 41 03"),
    (lambda: rtu.build_read(0x11, 0x006B, 3), "11 03 00 6B 00 03 76 87"),  # Modbus spec example
    (lambda: rtu.build_read(1, 0, 1), "01 03 00 00 00 01 84 0A"),
    (lambda: rtu.build_write_single(0x11, 0x0001, 0x0003), "11 06 00 01 00 03 9A 9B"),  # spec
    (lambda: rtu.build_write_single(1, 0x1000, -1), "01 06 10 00 FF FF 8C BA"),
    (lambda: rtu.build_write_multiple(0x11, 0x0001, [0x000A, 0x0102]),
     "11 10 00 01 00 02 04 00 0A 01 02 C6 F0"),  # Modbus spec example
)

# (frame on the wire, slave, function, count, decoded payload)
RESPONSES = (
    ("01 03 08 00 01 00 02 00 03 00 04 0D 14", 1, 3, 4, [1, 2, 3, 4]),
    ("11 03 06 02 2B 00 00 00 64 C8 BA", 0x11, 3, 3, [0x022B, 0, 0x64]),  # Modbus spec example
    ("11 06 00 01 00 03 9A 9B", 0x11, 6, 1, (1, 3)),
    ("11 10 00 01 00 02 12 98", 0x11, 0x10, 2, (1, 2)),  # Modbus spec example
)


class TestBuild(unittest.TestCase):
    def test_known_request_frames(self):
        for build, wire in REQUESTS:
            self.assertEqual(build(), h(wire))

    def test_read_input_registers(self):
        self.assertEqual(rtu.build_read(1, 8, 1, rtu.READ_INPUT)[:6], h("01 04 00 08 00 01"))

    def test_out_of_range_requests_are_refused(self):
        bad = (
            lambda: rtu.build_read(1, 0, 0),
            lambda: rtu.build_read(1, 0, 126),
            lambda: rtu.build_read(1, 0xFFFF, 2),
            lambda: rtu.build_read(1, 0x10000, 1),
            lambda: rtu.build_read(256, 0, 1),
            lambda: rtu.build_read(1, 0, 1, 0x05),
            lambda: rtu.build_write_single(1, 0, 0x10000),
            lambda: rtu.build_write_single(1, 0, -0x8001),
            lambda: rtu.build_write_multiple(1, 0, []),
            lambda: rtu.build_write_multiple(1, 0, [0] * 124),
        )
        for make in bad:
            self.assertRaises(ValueError, make)

    def test_response_lengths(self):
        self.assertEqual(rtu.response_length(3, 4), 13)
        self.assertEqual(rtu.response_length(4, 125), 255)
        self.assertEqual(rtu.response_length(6), 8)
        self.assertEqual(rtu.response_length(0x10, 3), 8)


class TestDecode(unittest.TestCase):
    def test_known_responses(self):
        for wire, slave, fc, count, payload in RESPONSES:
            frame = h(wire)
            used, body = rtu.decode_response(frame, slave, fc, count)
            self.assertEqual(used, len(frame), wire)
            self.assertEqual(body, frame[1:-2])
            result = pdu.parse_response(body, fc, count)
            self.assertEqual(tuple(result), tuple(payload))

    def test_exception_frame(self):
        frame = h("01 83 02 C0 F1")
        used, body = rtu.decode_response(frame, 1, 3, 4)
        self.assertEqual((used, body), (5, h("83 02")))
        with self.assertRaises(pdu.ModbusException) as ctx:
            pdu.parse_response(body, 3, 4)
        self.assertEqual(ctx.exception.code, 2)
        self.assertIn("illegal data address", str(ctx.exception))

    def test_incomplete_frames_wait_for_more(self):
        frame = h("01 03 08 00 01 00 02 00 03 00 04 0D 14")
        for cut in range(len(frame)):
            used, body = rtu.decode_response(frame[:cut], 1, 3, 4)
            self.assertIsNone(body)
            self.assertEqual(used, 0)

    def test_bad_crc_is_never_accepted(self):
        frame = bytearray(h("01 03 08 00 01 00 02 00 03 00 04 0D 14"))
        for i in range(len(frame)):
            frame[i] ^= 0x10
            self.assertIsNone(rtu.decode_response(frame, 1, 3, 4)[1])
            frame[i] ^= 0x10
        frame[-1] ^= 0xFF
        self.assertIsInstance(rtu.diagnose(frame, 1, 3, 4), rtu.ModbusCRCError)

    def test_wrong_slave_is_never_accepted(self):
        frame = append(h("02 03 08 00 01 00 02 00 03 00 04"))
        self.assertEqual(rtu.decode_response(frame, 1, 3, 4), (len(frame), None))
        self.assertIsInstance(rtu.diagnose(frame, 1, 3, 4), rtu.ModbusWrongSlave)
        exception_from_other = h("02 83 02 C0 F1")[:3]
        self.assertIsNone(rtu.decode_response(append(exception_from_other), 1, 3, 4)[1])

    def test_wrong_function_is_never_accepted(self):
        # A well-formed 0x04 answer to a 0x03 request, and a 0x84 exception to it.
        for body in ("01 04 08 00 01 00 02 00 03 00 04", "01 84 02"):
            frame = append(h(body))
            self.assertIsNone(rtu.decode_response(frame, 1, 3, 4)[1], body)
            self.assertIsInstance(rtu.diagnose(frame, 1, 3, 4), pdu.ModbusWrongFunction)
        self.assertRaises(pdu.ModbusWrongFunction, pdu.parse_response, h("04 02 00 01"), 3, 1)

    def test_byte_count_must_match_request(self):
        frame = append(h("01 03 04 00 01 00 02"))  # two words where four were asked for
        self.assertIsNone(rtu.decode_response(frame, 1, 3, 4)[1])
        self.assertIsInstance(rtu.diagnose(frame, 1, 3, 4), rtu.ModbusFrameError)

    def test_truncated_frame_is_a_short_frame(self):
        frame = h("01 03 08 00 01 00 02 00 03 00 04 0D 14")
        error = rtu.diagnose(frame[:7], 1, 3, 4)
        self.assertIsInstance(error, rtu.ModbusShortFrame)

    def test_empty_buffer_is_a_timeout_and_garbage_is_noise(self):
        self.assertIsInstance(rtu.diagnose(b"", 1, 3, 4), rtu.ModbusTimeout)
        self.assertIsInstance(rtu.diagnose(h("FF 00 FE 7F 80"), 1, 3, 4), rtu.ModbusNoise)

    def test_resync_after_leading_noise(self):
        frame = h("01 03 08 00 01 00 02 00 03 00 04 0D 14")
        # Noise that contains the slave address and even the right function code.
        noises = ("FF", "00 FF 00", "01", "01 03", "01 03 08 00", "01 83 02 00 00",
                  "11 06 00 01 00 03 9A 9B")
        for noise in noises:
            buf = h(noise) + frame
            used, body = rtu.decode_response(buf, 1, 3, 4)
            self.assertEqual(used, len(buf), noise)
            self.assertEqual(pdu.parse_response(body, 3, 4), [1, 2, 3, 4])
            start, length = rtu.find_frame(buf, 1, 3, 4)
            self.assertEqual((start, length), (len(h(noise)), len(frame)))

    def test_noise_before_a_partial_frame_can_be_dropped(self):
        frame = h("01 03 08 00 01 00 02 00 03 00 04 0D 14")
        used, body = rtu.decode_response(h("FF FE") + frame[:6], 1, 3, 4)
        self.assertEqual((used, body), (2, None))

    def test_trailing_bytes_are_not_consumed(self):
        frame = h("01 83 02 C0 F1")
        used, body = rtu.decode_response(frame + h("00 00"), 1, 3, 4)
        self.assertEqual((used, body), (5, h("83 02")))


if __name__ == "__main__":
    unittest.main()
