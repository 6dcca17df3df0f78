"""Thousands of malformed SNMP packets against the running card; it keeps answering correct
requests (checked with our own GET between bursts and with net-snmp's snmpget at the end)."""

import random
import socket

from firmware.snmp import ber
from tests.cardharness import start_card
from tests.snmpharness import NetSnmp

SYS_NAME = (1, 3, 6, 1, 2, 1, 1, 5, 0)


def get_request(request_id, community=b"public", version=ber.V2C, pdu=ber.GET,
                varbinds=None, f1=0, f2=0):
    varbinds = varbinds or [(SYS_NAME, (ber.NULL, None))]
    return ber.encode_message(version, community,
                              ber.encode_pdu(pdu, request_id, f1, f2, varbinds))


def malformed(rng, good):
    """One bad packet of a randomly chosen kind."""
    kind = rng.randrange(9)
    if kind == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
    if kind == 1:
        return good[:rng.randrange(1, len(good))]                     # truncated BER
    if kind == 2:
        data = bytearray(good)                                        # flipped bits
        for _ in range(rng.randrange(1, 6)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    if kind == 3:
        return b"\x30\x84\x7f\xff\xff\xff" + good[2:]                 # a huge length
    if kind == 4:
        return good.replace(b"\x02\x01\x01", b"\x02\x01" + bytes([rng.choice((2, 4, 9, 255))]),
                            1)                                        # wrong versions
    if kind == 5:
        return b"\x30\x82\x00\x10\x02\x01\x03" + bytes(rng.randrange(256) for _ in range(13))
    if kind == 6:                                                     # garbage SNMPv3
        return bytes.fromhex("303e020103301102040000000102030100000201030204") + bytes(
            rng.randrange(256) for _ in range(rng.randrange(0, 60)))
    if kind == 7:                                                     # legal but greedy bulk
        return get_request(rng.randrange(1 << 30), pdu=ber.BULK, f1=-5, f2=2 ** 31 - 1,
                           varbinds=[((1, 3), (ber.NULL, None))] * 64)
    return b"\x30" + bytes([rng.randrange(128)]) + good[2:]           # wrong outer length


def answer_of(sock, data, request_id):
    sock.sendto(data, sock.getpeername())
    while True:
        reply = sock.recv(65535)
        r = ber.decode(reply)
        if r.request_id == request_id:
            return r


def test_malformed_packets_do_not_stop_the_agent(tmp_path):
    with start_card(tmp_path, sets=["snmp.port=0", "snmp.bind=127.0.0.1",
                                    "snmp.max_rate=0"]) as card:
        host, port = card.ready["snmp"].rsplit(":", 1)
        rng = random.Random(1628)
        good = get_request(1)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect((host, int(port)))
            sock.settimeout(5)
            sent = 0
            for burst in range(40):
                for _ in range(100):
                    try:
                        sock.send(malformed(rng, good))
                    except OSError:       # an ICMP error from an earlier answer: go on
                        pass
                    sent += 1
                r = answer_of(sock, get_request(100000 + burst), 100000 + burst)
                assert r.pdu == ber.RESPONSE and r.varbinds[0][1] == (ber.OCTETS, b"opennmc")
            assert sent == 4000
        counters = card.status()["snmp"]["counters"]
        assert counters["parse_errors"] > 500 and counters["in_pkts"] >= 4040, counters
        assert counters.get("errors", 0) == 0, counters       # nothing reached an exception
        got = NetSnmp(tmp_path).values("snmpget", "-v2c", "-c", "public", card.ready["snmp"],
                                       ".1.3.6.1.2.1.1.5.0")
        assert got == {".1.3.6.1.2.1.1.5.0": 'STRING: "opennmc"'}
        assert card.proc.poll() is None
