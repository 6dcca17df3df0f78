"""The SNMP v1/v2c BER codec with tables of known-good frames (encoded by pysnmp, an independent
implementation) and of malformed ones."""

import unittest

from firmware.snmp import ber

# net-snmp/pysnmp GetRequest v2c, community public, request-id 1234, sysName.0
GET_SYSNAME = bytes.fromhex(
    "302702010104067075626c6963a01a020204d2020100020100300e300c06082b060102010105000500")
# The response pysnmp encodes for: sysName "opennmc", upsBatteryVoltage -5, sysUpTime 2^32-1,
# an alarm descr OID at index 200, a Counter32 128 and a noSuchInstance.
RESPONSE = bytes.fromhex(
    "30818e02010104067075626c6963a28180020204d20201000201003074301306082b06010201010500040"
    "76f70656e6e6d63300f060a2b0601020121010205000201fb301106082b06010201010300430500ffffff"
    "ff301b060d2b060102012101060201028148060a2b060102012101060302300e06082b06010201010900"
    "41020080300c06082b060102010108008100")
RESPONSE_VARBINDS = [
    ((1, 3, 6, 1, 2, 1, 1, 5, 0), (ber.OCTETS, b"opennmc")),
    ((1, 3, 6, 1, 2, 1, 33, 1, 2, 5, 0), (ber.INTEGER, -5)),
    ((1, 3, 6, 1, 2, 1, 1, 3, 0), (ber.TIMETICKS, 4294967295)),
    ((1, 3, 6, 1, 2, 1, 33, 1, 6, 2, 1, 2, 200), (ber.OID, (1, 3, 6, 1, 2, 1, 33, 1, 6, 3, 2))),
    ((1, 3, 6, 1, 2, 1, 1, 9, 0), (ber.COUNTER32, 128)),
    ((1, 3, 6, 1, 2, 1, 1, 8, 0), (ber.NO_SUCH_INSTANCE, None)),
]


class Decode(unittest.TestCase):
    def test_a_get_request(self):
        r = ber.decode(GET_SYSNAME)
        self.assertEqual((r.version, r.community, r.pdu, r.request_id, r.field1, r.field2),
                         (ber.V2C, b"public", ber.GET, 1234, 0, 0))
        self.assertEqual(r.varbinds, [((1, 3, 6, 1, 2, 1, 1, 5, 0), (ber.NULL, None))])

    def test_a_response_decodes_to_its_values(self):
        self.assertEqual(ber.decode(RESPONSE).varbinds, RESPONSE_VARBINDS)

    def test_version_of_v3_and_of_garbage(self):
        self.assertEqual(ber.message_version(bytes.fromhex("3006020103040000")), 3)
        with self.assertRaises(ber.BerError):
            ber.message_version(b"\x00\x01")

    def test_malformed_messages_raise_bererror(self):
        bad = {
            "empty": b"",
            "truncated": GET_SYSNAME[:-3],
            "trailing bytes": GET_SYSNAME + b"\x00",
            "indefinite length": b"\x30\x80" + GET_SYSNAME[2:] + b"\x00\x00",
            "huge length": b"\x30\x84\xff\xff\xff\xff" + GET_SYSNAME[2:],
            "five length bytes": b"\x30\x85\x00\x00\x00\x00\x27" + GET_SYSNAME[2:],
            "version 3": GET_SYSNAME.replace(b"\x02\x01\x01\x04", b"\x02\x01\x03\x04", 1),
            "a trap pdu": GET_SYSNAME.replace(b"\xa0\x1a", b"\xa4\x1a", 1),
            "multi-byte tag": GET_SYSNAME.replace(b"\x05\x00", b"\x1f\x00"),
        }
        for name, data in bad.items():
            with self.subTest(name):
                with self.assertRaises(ber.BerError):
                    ber.decode(data)
        with self.assertRaises(ber.BerError):
            ber.decode_oid(b"\x2b\x9f\xff\xff\xff\xff\x7f")
        with self.assertRaises(ber.BerError):
            ber.decode_oid(b"\x2b\x86")            # truncated sub-identifier
        with self.assertRaises(ber.BerError):
            ber.decode_oid(b"\x2b" + b"\x01" * 200)
        with self.assertRaises(ber.BerError):                # an integer over 64 bits
            ber._int(b"\x01" * 10, 0, 10)

    def test_too_many_varbinds(self):
        varbinds = [((1, 3, 6, 1, i), (ber.NULL, None)) for i in range(10)]
        data = ber.encode_message(ber.V2C, b"public", ber.encode_pdu(ber.GET, 1, 0, 0,
                                                                     varbinds))
        self.assertEqual(len(ber.decode(data).varbinds), 10)
        with self.assertRaises(ber.BerError):
            ber.decode(data, max_varbinds=9)


class Encode(unittest.TestCase):
    def test_the_response_is_byte_for_byte_pysnmps(self):
        request = ber.decode(GET_SYSNAME)
        self.assertEqual(ber.encode_response(request, 0, 0, RESPONSE_VARBINDS), RESPONSE)

    def test_integers_and_unsigned_round_trip(self):
        for tag, value in ((ber.INTEGER, 0), (ber.INTEGER, -1), (ber.INTEGER, 127),
                           (ber.INTEGER, 128), (ber.INTEGER, -129), (ber.INTEGER, 2 ** 31 - 1),
                           (ber.INTEGER, -2 ** 31), (ber.GAUGE32, 2 ** 32 - 1),
                           (ber.COUNTER32, 0), (ber.COUNTER64, 2 ** 64 - 1),
                           (ber.IPADDRESS, b"\x7f\x00\x00\x01"), (ber.OCTETS, b""),
                           (ber.OID, (1, 3, 6, 1, 4, 1, 4555, 4294967295))):
            with self.subTest(tag=tag, value=value):
                data = ber.encode_message(ber.V1, b"c", ber.encode_pdu(
                    ber.RESPONSE, 7, 0, 0, [((1, 3, 6), (tag, value))]))
                self.assertEqual(ber.decode(data).varbinds, [((1, 3, 6), (tag, value))])

    def test_long_lengths(self):
        text = b"x" * 300
        data = ber.encode_message(ber.V2C, b"public", ber.encode_pdu(
            ber.RESPONSE, 1, 0, 0, [((1, 3, 6), (ber.OCTETS, text))]))
        self.assertEqual(ber.decode(data).varbinds[0][1], (ber.OCTETS, text))

    def test_a_v1_trap(self):
        data = ber.encode_trap_v1(b"public", (1, 3, 6, 1, 2, 1, 33, 2), b"\x7f\x00\x00\x01",
                                  6, 3, 100, [])
        self.assertEqual(ber.message_version(data), ber.V1)
        self.assertIn(b"\xa4", data[:20])


if __name__ == "__main__":
    unittest.main()
