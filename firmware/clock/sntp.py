"""SNTP client (RFC 4330 / RFC 5905): pure packet code plus a small async query over UDP.

The 48-byte NTP packet (all fields big-endian):

     0                   1                   2                   3
     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
    |LI | VN  |Mode |    Stratum    |     Poll      |   Precision   |  0
    +---------------------------------------------------------------+
    |                 Root Delay (16.16 seconds)                    |  4
    |              Root Dispersion (16.16 seconds)                  |  8
    |          Reference ID (ASCII kiss code when stratum 0)        | 12
    +---------------------------------------------------------------+
    |           Reference Timestamp (64: 32.32 s since 1900)        | 16
    |           Origin Timestamp    (T1, echoed by the server)      | 24
    |           Receive Timestamp   (T2, server got the request)    | 32
    |           Transmit Timestamp  (T3, server sent the reply)     | 40
    +---------------------------------------------------------------+

The client sends mode 3 with its own time T1 in Transmit; the server's reply (mode 4) must echo it
in Origin, which defeats stray and spoofed replies. With T4 the arrival time:
offset = ((T2 - T1) + (T3 - T4)) / 2 and delay = (T4 - T1) - (T3 - T2). Timestamps stay 64-bit
integers throughout so the arithmetic is exact on MicroPython's single-precision floats.
A reply with stratum 0 is a Kiss-o'-Death: its Reference ID says why (DENY, RSTR, RATE...).
"""

import asyncio
import struct

NTP_PORT = 123
PACKET_SIZE = 48
NTP_DELTA = 2208988800          # seconds from 1900-01-01 to 1970-01-01
_ERA = 1 << 32
MODE_CLIENT = 3
MODE_SERVER = 4


class SntpError(Exception):
    """A reply the client must not use (or no reply at all)."""


class KissOfDeath(SntpError):
    def __init__(self, code):
        super().__init__("kiss-o'-death %s" % code)
        self.code = code


def to_ntp_ms(epoch_ms):
    """Unix milliseconds -> 64-bit NTP timestamp (era 0 until 2036, then wraps as NTP does)."""
    secs = epoch_ms // 1000
    frac = ((epoch_ms - secs * 1000) << 32) // 1000
    return (((secs + NTP_DELTA) % _ERA) << 32) | frac


def from_ntp_ms(ts):
    """64-bit NTP timestamp -> Unix milliseconds; seconds below 2**31 are read as era 1
    (after 2036-02-07), so the usable range is 1968 to 2104."""
    secs = ts >> 32
    if secs < 0x80000000:
        secs += _ERA
    return (secs - NTP_DELTA) * 1000 + (((ts & 0xFFFFFFFF) * 1000 + (1 << 31)) >> 32)


def build_request(transmit_ts, version=4):
    """A client request carrying transmit_ts (64-bit NTP) in its Transmit field."""
    packet = bytearray(PACKET_SIZE)
    packet[0] = (0 << 6) | (version << 3) | MODE_CLIENT
    struct.pack_into(">Q", packet, 40, transmit_ts)
    return bytes(packet)


def parse(data):
    """Decode the header of any NTP packet into a dict; SntpError if it is too short."""
    if len(data) < PACKET_SIZE:
        raise SntpError("short packet: %d bytes" % len(data))
    b0, stratum, poll, precision = struct.unpack_from(">BBbb", data, 0)
    root_delay, root_disp = struct.unpack_from(">II", data, 4)
    ref_id = bytes(data[12:16])
    ref, origin, receive, transmit = struct.unpack_from(">QQQQ", data, 16)
    return {
        "leap": b0 >> 6, "version": (b0 >> 3) & 7, "mode": b0 & 7, "stratum": stratum,
        "poll": poll, "precision": precision,
        "root_delay_ms": root_delay * 1000 >> 16, "root_dispersion_ms": root_disp * 1000 >> 16,
        "ref_id": ref_id, "reference": ref, "origin": origin, "receive": receive,
        "transmit": transmit,
    }


def validate(reply, sent_ts):
    """Raise SntpError (or KissOfDeath) unless `reply` answers the request sent with sent_ts."""
    if reply["mode"] != MODE_SERVER:
        raise SntpError("not a server reply (mode %d)" % reply["mode"])
    if reply["version"] not in (3, 4):
        raise SntpError("unsupported NTP version %d" % reply["version"])
    if reply["origin"] != sent_ts:
        raise SntpError("origin timestamp does not match the request (stray or spoofed reply)")
    if reply["stratum"] == 0:
        code = reply["ref_id"].decode("ascii", "replace") if hasattr(reply["ref_id"], "decode") \
            else str(reply["ref_id"])
        raise KissOfDeath(code.strip("\x00 "))
    if reply["stratum"] > 15:
        raise SntpError("server is unsynchronised (stratum %d)" % reply["stratum"])
    if reply["leap"] == 3:
        raise SntpError("server clock is not synchronised (leap indicator 3)")
    if reply["transmit"] == 0:
        raise SntpError("server sent no transmit timestamp")
    return reply


def offset_delay_ms(t1, t2, t3, t4):
    """(offset, delay) in milliseconds from four 64-bit NTP timestamps (era-safe)."""
    def diff(a, b):      # a - b in 2**-32 s, within +/- 68 years across the era wrap
        d = (a - b) % (1 << 64)
        return d - (1 << 64) if d >= (1 << 63) else d
    # Rounded to the nearest millisecond: timestamps made from milliseconds are truncated.
    offset = ((diff(t2, t1) + diff(t3, t4)) * 1000 + (1 << 32)) >> 33
    delay = ((diff(t4, t1) - diff(t3, t2)) * 1000 + (1 << 31)) >> 32
    return offset, delay


def result(data, t1, t4):
    """Everything a client needs from a reply to the request stamped t1, received at t4."""
    reply = validate(parse(data), t1)
    offset, delay = offset_delay_ms(t1, reply["receive"], reply["transmit"], t4)
    if delay < 0:
        raise SntpError("negative round-trip delay (%d ms)" % delay)
    return {"offset_ms": offset, "delay_ms": delay, "stratum": reply["stratum"],
            "leap": reply["leap"], "server_ms": from_ntp_ms(reply["transmit"])}


class AsyncioUdp:
    """UDP exchange through asyncio's datagram endpoint (CPython; MicroPython injects its own)."""

    async def exchange(self, host, port, payload, timeout_ms, stamp=None):
        """Send payload, return (first reply, stamp() at its arrival); SntpError on timeout."""
        loop = asyncio.get_event_loop()
        if not hasattr(loop, "create_datagram_endpoint"):
            raise SntpError("no UDP transport on this port: pass one to SntpClient")
        got = loop.create_future()

        class _Proto(asyncio.DatagramProtocol):
            def datagram_received(self, data, addr):
                if not got.done():
                    got.set_result((data, stamp() if stamp else None))

            def error_received(self, exc):
                if not got.done():
                    got.set_exception(SntpError("UDP error: %s" % exc))

        try:
            transport, _ = await loop.create_datagram_endpoint(_Proto, remote_addr=(host, port))
        except OSError as exc:
            raise SntpError("cannot reach %s: %s" % (host, exc))
        try:
            transport.sendto(payload)
            return await asyncio.wait_for(got, timeout_ms / 1000)
        except asyncio.TimeoutError:
            raise SntpError("no reply from %s:%d within %d ms" % (host, port, timeout_ms))
        finally:
            transport.close()


class SntpClient:
    """query(host) -> result dict; now_ms is the card clock (milliseconds since 1970)."""

    def __init__(self, now_ms, transport=None, timeout_ms=3000):
        self.now_ms = now_ms
        self.transport = transport or AsyncioUdp()
        self.timeout_ms = timeout_ms

    async def query(self, host, port=NTP_PORT):
        if not host:
            raise SntpError("no NTP server configured")
        t1 = to_ntp_ms(self.now_ms())
        request = build_request(t1)
        data, t4_ms = await self.transport.exchange(
            host, port, request, self.timeout_ms, self.now_ms)
        if t4_ms is None:
            t4_ms = self.now_ms()
        return result(data, t1, to_ntp_ms(t4_ms))
