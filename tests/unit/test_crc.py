"""Modbus CRC-16 against known-good frames from the Modbus specification and real devices."""

import unittest

from firmware.modbus import crc

PORTABLE = True

# (frame without CRC, CRC as sent on the wire: low byte first)
KNOWN = (
    ("010300000001", "840a"),
    ("010310200004", "4103"),  # 4 words at 0x1020, the manual's JBUS measurement block
    ("018302", "c0f1"),  # exception 2, illegal data address
    ("1103006b0003", "7687"),  # Modbus over serial line spec, read holding registers example
    ("110600010003", "9a9b"),  # same spec, write single register example
    ("01", "7e80"),
)


class TestCrc(unittest.TestCase):
    def test_known_frames(self):
        for body, wire in KNOWN:
            frame = bytes.fromhex(body)
            self.assertEqual(crc.append(frame).hex(), body + wire)
            self.assertTrue(crc.check(bytes.fromhex(body + wire)))

    def test_value_is_little_endian_on_the_wire(self):
        self.assertEqual(crc.crc16(bytes.fromhex("010300000001")), 0x0A84)

    def test_table_matches_bitwise_definition(self):
        # An independent bit-by-bit CRC over every byte value checks the lookup table.
        def bitwise(data):
            value = 0xFFFF
            for byte in data:
                value ^= byte
                for _ in range(8):
                    value = (value >> 1) ^ 0xA001 if value & 1 else value >> 1
            return value

        data = bytes(range(256))
        self.assertEqual(crc.crc16(data), bitwise(data))
        for i in range(256):
            self.assertEqual(crc.crc16(bytes((i, 255 - i))), bitwise(bytes((i, 255 - i))))

    def test_every_single_bit_flip_is_detected(self):
        frame = bytearray(crc.append(bytes.fromhex("0103081000010002000300")))
        for i in range(len(frame)):
            for bit in range(8):
                frame[i] ^= 1 << bit
                self.assertFalse(crc.check(frame), "flip of bit %d in byte %d" % (bit, i))
                frame[i] ^= 1 << bit
        self.assertTrue(crc.check(frame))

    def test_slices_and_short_input(self):
        frame = crc.append(bytes.fromhex("010310200004"))
        padded = b"\xaa\xbb" + frame
        self.assertEqual(crc.crc16(padded, 2, 8), crc.crc16(frame[:6]))
        self.assertTrue(crc.check(bytearray(frame) + b"\x00\x00", len(frame)))
        self.assertFalse(crc.check(b"\x01\x02"))
        self.assertFalse(crc.check(b""))


if __name__ == "__main__":
    unittest.main()
