"""Modbus TCP framing: MBAP header encode/decode."""

import unittest

from firmware.modbus import mbap

PORTABLE = True


def h(text):
    return bytes.fromhex(text.replace(" ", ""))


# (transaction, unit, PDU, ADU on the wire); the first frame was cross-checked with pymodbus's
# socket framer, the others follow the Modbus application protocol's examples.
ADUS = (
    (1, 1, "03 10 20 00 04", "00 01 00 00 00 06 01 03 10 20 00 04"),
    (1, 1, "03 08 00 01 00 02 00 03 00 04", "00 01 00 00 00 0B 01 03 08 00 01 00 02 00 03 00 04"),
    (2, 1, "83 02", "00 02 00 00 00 03 01 83 02"),
    (0xFFFF, 0x11, "10 00 01 00 02 04 00 0A 01 02",
     "FF FF 00 00 00 0B 11 10 00 01 00 02 04 00 0A 01 02"),
)


class TestMbap(unittest.TestCase):
    def test_encode_known_adus(self):
        for transaction, unit, pdu, wire in ADUS:
            self.assertEqual(mbap.encode(transaction, unit, h(pdu)), h(wire))

    def test_decode_known_adus(self):
        for transaction, unit, pdu, wire in ADUS:
            self.assertEqual(mbap.decode(h(wire)), (len(h(wire)), (transaction, unit, h(pdu))))

    def test_partial_adus_wait_for_more(self):
        wire = h(ADUS[1][3])
        for cut in range(len(wire)):
            self.assertEqual(mbap.decode(wire[:cut]), (0, None))

    def test_back_to_back_adus(self):
        stream = bytearray(h(ADUS[0][3]) + h(ADUS[2][3]))
        used, first = mbap.decode(stream)
        self.assertEqual(first[2], h("03 10 20 00 04"))
        stream = stream[used:]  # MicroPython bytearrays do not support slice deletion
        used, second = mbap.decode(stream)
        self.assertEqual((used, second), (9, (2, 1, h("83 02"))))

    def test_impossible_headers_are_refused(self):
        for wire in ("00 01 00 01 00 06 01 03 10 20 00 04",  # protocol id 1
                     "00 01 00 00 00 01 01",  # length 1: no room for a function code
                     "00 01 00 00 01 00 01 03"):  # length 256 > 254
            self.assertRaises(mbap.MbapError, mbap.decode, h(wire))

    def test_encode_refuses_bad_fields(self):
        self.assertRaises(ValueError, mbap.encode, 0x10000, 1, b"\x03")
        self.assertRaises(ValueError, mbap.encode, 1, 256, b"\x03")
        self.assertRaises(ValueError, mbap.encode, 1, 1, b"")
        self.assertRaises(ValueError, mbap.encode, 1, 1, bytes(254))


if __name__ == "__main__":
    unittest.main()
