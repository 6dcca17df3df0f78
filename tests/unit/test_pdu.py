"""Modbus PDUs: requests and responses of the client (RTU master) and of the server (Modbus TCP)."""

import unittest

from firmware.modbus import pdu

PORTABLE = True


def h(text):
    return bytes.fromhex(text.replace(" ", ""))


class TestClientSide(unittest.TestCase):
    def test_requests(self):
        self.assertEqual(pdu.read_request(0x1020, 4), h("03 10 20 00 04"))
        self.assertEqual(pdu.read_request(0, 125, pdu.READ_INPUT), h("04 00 00 00 7D"))
        self.assertEqual(pdu.write_single_request(1, 3), h("06 00 01 00 03"))
        self.assertEqual(pdu.write_single_request(1, -2), h("06 00 01 FF FE"))
        self.assertEqual(pdu.write_multiple_request(1, [10, 0x102]),
                         h("10 00 01 00 02 04 00 0A 01 02"))

    def test_bad_requests_are_refused_before_anything_is_sent(self):
        for call in (lambda: pdu.read_request(0, 126), lambda: pdu.read_request(0xFFFF, 2),
                     lambda: pdu.read_request(0, 1, 0x06),
                     lambda: pdu.write_single_request(0, 0x10000),
                     lambda: pdu.write_multiple_request(0, [0] * 124)):
            self.assertRaises(ValueError, call)

    def test_responses(self):
        self.assertEqual(pdu.parse_response(h("03 08 00 01 00 02 00 03 00 04"), 3, 4), [1, 2, 3, 4])
        self.assertEqual(tuple(pdu.parse_response(h("06 00 01 00 03"), 6)), (1, 3))
        self.assertEqual(tuple(pdu.parse_response(h("10 00 01 00 02"), 0x10, 2)), (1, 2))
        self.assertEqual((pdu.response_length(3, 4), pdu.response_length(6)), (10, 5))

    def test_exception_and_wrong_answers(self):
        with self.assertRaises(pdu.ModbusException) as ctx:
            pdu.parse_response(h("83 02"), 3, 4)
        self.assertEqual(ctx.exception.code, 2)
        self.assertIn("illegal data address", str(ctx.exception))
        self.assertRaises(pdu.ModbusWrongFunction, pdu.parse_response, h("04 02 00 01"), 3, 1)
        self.assertRaises(pdu.ModbusFrameError, pdu.parse_response, h("03 04 00 01 00 02"), 3, 4)


class TestServerSide(unittest.TestCase):
    def test_parse_requests(self):
        self.assertEqual(pdu.parse_request(h("03 10 20 00 04")), (3, 0x1020, 4))
        self.assertEqual(pdu.parse_request(h("04 00 00 00 7D")), (4, 0, 125))
        self.assertEqual(pdu.parse_request(h("06 00 01 00 03")), (6, 1, 3))
        self.assertEqual(pdu.parse_request(h("10 00 01 00 02 04 00 0A 01 02")),
                         (0x10, 1, [10, 0x102]))

    def test_bad_requests_name_the_exception_code(self):
        cases = (
            ("", pdu.ILLEGAL_FUNCTION),
            ("01 00 00 00 08", pdu.ILLEGAL_FUNCTION),  # read coils: not served
            ("03 00 00 00 00", pdu.ILLEGAL_DATA_VALUE),
            ("03 00 00 00 7E", pdu.ILLEGAL_DATA_VALUE),
            ("03 FF FF 00 02", pdu.ILLEGAL_DATA_ADDRESS),
            ("03 00 00", pdu.ILLEGAL_DATA_VALUE),
            ("06 00 01 00 03 00", pdu.ILLEGAL_DATA_VALUE),
            ("10 00 01 00 02 03 00 0A 01", pdu.ILLEGAL_DATA_VALUE),
            ("10 00 01 00 02 04 00 0A", pdu.ILLEGAL_DATA_VALUE),
            ("10 FF FF 00 02 04 00 0A 01 02", pdu.ILLEGAL_DATA_ADDRESS),
        )
        for request, code in cases:
            with self.assertRaises(pdu.PduError) as ctx:
                pdu.parse_request(h(request))
            self.assertEqual(ctx.exception.code, code, request)

    def test_responses(self):
        self.assertEqual(pdu.read_response(3, [1, 2, 3, 4]), h("03 08 00 01 00 02 00 03 00 04"))
        self.assertEqual(pdu.write_response(6, 1, 3), h("06 00 01 00 03"))
        self.assertEqual(pdu.write_response(0x10, 1, 2), h("10 00 01 00 02"))
        self.assertEqual(pdu.exception_response(3, 2), h("83 02"))



if __name__ == "__main__":
    unittest.main()
