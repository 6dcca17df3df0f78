"""Tests for firmware.clock.sntp: timestamps, request/reply bytes, validation, offset and delay."""

import binascii
import unittest

from firmware.clock import sntp

PORTABLE = True

T1_MS = 1700000000500                 # 2023-11-14 22:13:20.5 UTC
T1 = 0xE8FE6F8080000000               # the same instant as an NTP timestamp (1900 epoch, 32.32)

REQUEST_HEX = "23" + "00" * 39 + "e8fe6f8080000000"

# A stratum 3 reply: receive and transmit 1.0 s after T1, origin echoes T1, ref id 127.127.1.1.
REPLY_HEX = ("240303e9" "00000010" "00000020" "7f7f0101"
             "e8fe6f7c00000000" "e8fe6f8080000000" "e8fe6f8180000000" "e8fe6f8180000000")


def reply(**changes):
    data = bytearray(binascii.unhexlify(REPLY_HEX))
    if "b0" in changes:
        data[0] = changes["b0"]
    if "stratum" in changes:
        data[1] = changes["stratum"]
    if "ref" in changes:
        data[12:16] = changes["ref"]
    if "origin" in changes:
        data[24:32] = changes["origin"]
    if "transmit" in changes:
        data[40:48] = changes["transmit"]
    return bytes(data)


class TestTimestamps(unittest.TestCase):
    def test_known_conversions(self):
        for ms, ts in ((0, 0x83AA7E8000000000), (T1_MS, T1),
                       (2085978496000, 0),                          # 2036-02-07 06:28:16: era 1
                       (2085978497250, 0x0000000140000000)):
            self.assertEqual(sntp.to_ntp_ms(ms), ts, ms)
            self.assertEqual(sntp.from_ntp_ms(ts), ms, hex(ts))

    def test_offset_and_delay_across_the_era_wrap(self):
        t1 = sntp.to_ntp_ms(2085978495000)        # one second before the wrap
        t2 = sntp.to_ntp_ms(2085978496000 + 500)  # after it
        off, delay = sntp.offset_delay_ms(t1, t2, t2, sntp.to_ntp_ms(2085978495100))
        self.assertEqual((off, delay), (1450, 100))


class TestPackets(unittest.TestCase):
    def test_request_bytes(self):
        self.assertEqual(binascii.hexlify(sntp.build_request(T1)).decode(), REQUEST_HEX)

    def test_parse_reply(self):
        r = sntp.parse(binascii.unhexlify(REPLY_HEX))
        self.assertEqual((r["leap"], r["version"], r["mode"], r["stratum"]), (0, 4, 4, 3))
        self.assertEqual((r["poll"], r["precision"]), (3, -23))
        self.assertEqual((r["root_delay_ms"], r["root_dispersion_ms"]), (0, 0))
        self.assertEqual(r["ref_id"], b"\x7f\x7f\x01\x01")
        self.assertEqual(r["origin"], T1)

    def test_offset_and_delay(self):
        res = sntp.result(binascii.unhexlify(REPLY_HEX), T1, sntp.to_ntp_ms(T1_MS + 200))
        self.assertEqual((res["offset_ms"], res["delay_ms"]), (900, 200))
        self.assertEqual(res["server_ms"], T1_MS + 1000)
        res = sntp.result(binascii.unhexlify(REPLY_HEX), T1, sntp.to_ntp_ms(T1_MS + 3200))
        self.assertEqual((res["offset_ms"], res["delay_ms"]), (-600, 3200))

    def test_invalid_replies_are_refused(self):
        t4 = sntp.to_ntp_ms(T1_MS + 10)
        cases = {
            "short": reply()[:47],
            "client mode": reply(b0=0x23),
            "broadcast mode": reply(b0=0x25),
            "version 2": reply(b0=0x14),
            "origin mismatch": reply(origin=b"\x00" * 8),
            "unsynchronised LI": reply(b0=0xE4),
            "stratum 16": reply(stratum=16),
            "no transmit": reply(transmit=b"\x00" * 8),
        }
        for name, data in cases.items():
            try:
                sntp.result(data, T1, t4)
            except sntp.SntpError:
                continue
            self.fail("accepted a reply with " + name)

    def test_kiss_of_death(self):
        with self.assertRaises(sntp.KissOfDeath) as ctx:
            sntp.result(reply(stratum=0, ref=b"RATE"), T1, sntp.to_ntp_ms(T1_MS + 10))
        self.assertEqual(ctx.exception.code, "RATE")


class _CannedTransport:
    """Answers like a server 250 ms ahead of the client, echoing the request's transmit time."""

    def __init__(self, ahead_ms):
        self.ahead_ms = ahead_ms
        self.sent = []

    async def exchange(self, host, port, payload, timeout_ms, stamp=None):
        self.sent.append((host, port, payload))
        t1 = sntp.parse(payload)["transmit"]
        server = sntp.to_ntp_ms(sntp.from_ntp_ms(t1) + self.ahead_ms)
        data = bytearray(binascii.unhexlify(REPLY_HEX))
        data[24:32] = t1.to_bytes(8, "big")
        data[32:40] = server.to_bytes(8, "big")
        data[40:48] = server.to_bytes(8, "big")
        return bytes(data), sntp.from_ntp_ms(t1)


def run_now(coro):
    """Run a coroutine that never waits on I/O (the canned transport) to its result."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("the coroutine waited on something")


class TestClient(unittest.TestCase):
    def test_query_through_a_transport(self):
        transport = _CannedTransport(250)
        client = sntp.SntpClient(lambda: T1_MS, transport)
        res = run_now(client.query("ntp.example", 123))
        self.assertEqual(res["offset_ms"], 250)
        self.assertEqual(transport.sent[0][:2], ("ntp.example", 123))
        self.assertEqual(len(transport.sent[0][2]), 48)

    def test_no_server_is_an_error(self):
        client = sntp.SntpClient(lambda: T1_MS, _CannedTransport(0))
        with self.assertRaises(sntp.SntpError):
            run_now(client.query(""))


if __name__ == "__main__":
    unittest.main()
