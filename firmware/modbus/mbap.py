"""Modbus TCP (MBAP) framing: the header before each PDU (pure: no I/O; PDUs are in pdu.py).

    +----------------+----------------+----------------+---------+------------------------+
    | transaction id | protocol id    | length         | unit id | PDU                    |
    | 2 bytes        | 2 bytes (= 0)  | 2 bytes        | 1 byte  | length - 1 bytes       |
    +----------------+----------------+----------------+---------+------------------------+
    |<-------------------- MBAP header (7 bytes) ------------->|

All fields are big-endian. `length` counts the unit id and the PDU (2..254). The PDU is the RTU
frame's function code and data, without slave address and CRC. Example: 00 01 00 00 00 06 01 03
10 20 00 04 is transaction 1 reading 4 holding registers at 0x1020 from unit 1.
"""

import struct

HEADER_LEN = 7
MAX_PDU = 253
MAX_ADU = HEADER_LEN - 1 + MAX_PDU  # 260


class MbapError(ValueError):
    """A header that cannot belong to a Modbus TCP stream: the connection should be dropped."""


def encode(transaction, unit, pdu):
    """One ADU: the MBAP header for `pdu`, then the PDU."""
    if not 0 <= transaction <= 0xFFFF:
        raise ValueError("transaction id %r out of range 0-65535" % (transaction,))
    if not 0 <= unit <= 255:
        raise ValueError("unit id %r out of range 0-255" % (unit,))
    if not 1 <= len(pdu) <= MAX_PDU:
        raise ValueError("PDU of %d bytes (1-%d allowed)" % (len(pdu), MAX_PDU))
    return struct.pack(">HHHB", transaction, 0, len(pdu) + 1, unit) + bytes(pdu)


def decode(buf):
    """(used, (transaction, unit, pdu)) for the first ADU in buf, or (0, None) when incomplete.

    Raises MbapError when the header is impossible (protocol id not 0, length out of range):
    a stream cannot be resynchronised, so the caller closes the connection.
    """
    if len(buf) < HEADER_LEN:
        return 0, None
    transaction, protocol, length, unit = struct.unpack(">HHHB", bytes(buf[:HEADER_LEN]))
    if protocol != 0:
        raise MbapError("protocol id %d is not Modbus (0)" % protocol)
    if not 2 <= length <= MAX_PDU + 1:
        raise MbapError("MBAP length %d out of range 2-%d" % (length, MAX_PDU + 1))
    end = HEADER_LEN - 1 + length
    if len(buf) < end:
        return 0, None
    return end, (transaction, unit, bytes(buf[HEADER_LEN:end]))
