"""Tests for firmware.notify.rfc5424: the syslog line of an event, octet counting, both ways."""

import unittest

from firmware.notify import rfc5424

PORTABLE = True

T = 1906545600.25          # 2030-06-01T12:00:00.250Z

# (event, hostname, facility, sequence, expected line)
MESSAGES = (
    ({"time": T, "source": "ups", "level": "W", "code": "A031", "text": "UPS Imminent Stop",
      "state": "added", "kind": "alarm"}, "Room 12", 16, 7,
     '<132>1 2030-06-01T12:00:00.250Z Room_12 opennmc - A031 [origin software="opennmc" '
     'swVersion="0.1.0"][meta sequenceId="7"] UPS Warning added: UPS Imminent Stop'),
    ({"time": T, "source": "card", "level": "C", "code": "shutdown.request",
      "text": "Send shutdown request to clients"}, "", 1, 1,
     '<10>1 2030-06-01T12:00:00.250Z - opennmc - shutdown.request [origin software="opennmc" '
     'swVersion="0.1.0"][meta sequenceId="1"] Card Critical: Send shutdown request to clients'),
    ({"time": T, "source": "ups", "level": "I", "code": "S05", "text": "Operating on Battery",
      "state": "removed", "unit": 2}, "ups-a", 23, 99,
     '<190>1 2030-06-01T12:00:00.250Z ups-a opennmc - S05 [origin software="opennmc" '
     'swVersion="0.1.0"][meta sequenceId="99"] UPS unit 2 Information removed: '
     'Operating on Battery'),
)


class MessageTest(unittest.TestCase):
    def test_lines(self):
        for event, host, facility, seq, line in MESSAGES:
            got = rfc5424.message(event, host, facility, seq, "0.1.0")
            self.assertEqual(got, line.encode(), line)

    def test_timestamp_rounds_to_the_millisecond_in_utc(self):
        self.assertEqual(rfc5424.timestamp(0), "1970-01-01T00:00:00.000Z")
        self.assertEqual(rfc5424.timestamp(1709251199.9996), "2024-03-01T00:00:00.000Z")
        self.assertEqual(rfc5424.timestamp(1709164800.001), "2024-02-29T00:00:00.001Z")

    def test_header_fields_are_visible_ascii_and_bounded(self):
        self.assertEqual(rfc5424.printable("a b\u00e9c", 10), "a_b_c")
        self.assertEqual(rfc5424.printable("", 10), "-")
        self.assertEqual(len(rfc5424.printable("x" * 300, 255)), 255)
        event = {"time": T, "level": "I", "source": "card", "code": "c" * 40, "text": "t"}
        msgid = rfc5424.message(event, "h").split(b" ")[5]
        self.assertEqual(len(msgid), 32)

    def test_structured_data_values_are_escaped(self):
        self.assertEqual(rfc5424.sd_value('a"b\\c]d'), 'a\\"b\\\\c\\]d')

    def test_text_is_utf8(self):
        event = {"time": T, "level": "I", "source": "card", "code": "x", "text": "t\u00e9"}
        self.assertTrue(rfc5424.message(event, "h").endswith("t\u00e9".encode("utf-8")))


class FrameTest(unittest.TestCase):
    def test_octet_counting(self):
        msg = "<14>1 - - - - - - caf\u00e9".encode("utf-8")
        self.assertEqual(rfc5424.frame(msg), str(len(msg)).encode() + b" " + msg)
        self.assertEqual(rfc5424.frame(b"abc"), b"3 abc")

    def test_unframe_takes_whole_frames_and_keeps_the_rest(self):
        data = rfc5424.frame(b"one") + rfc5424.frame(b"two 2") + b"9 par"
        self.assertEqual(rfc5424.unframe(data), ([b"one", b"two 2"], b"9 par"))
        self.assertEqual(rfc5424.unframe(b"12"), ([], b"12"))

    def test_unframe_refuses_what_is_not_octet_counting(self):
        for bad in (b"<14>1 - - -", b"07 abcdefg", b"abc def"):
            with self.assertRaises(ValueError):
                rfc5424.unframe(bad)


if __name__ == "__main__":
    unittest.main()
