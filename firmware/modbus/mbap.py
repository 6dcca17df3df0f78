"""Modbus TCP (MBAP) framing and the register PDUs a Modbus TCP server answers (pure: no I/O).

    +----------------+----------------+----------------+---------+------------------------+
    | transaction id | protocol id    | length         | unit id | PDU                    |
    | 2 bytes        | 2 bytes (= 0)  | 2 bytes        | 1 byte  | length - 1 bytes       |
    +----------------+----------------+----------------+---------+------------------------+
    |<-------------------- MBAP header (7 bytes) ------------->|

All fields are big-endian. `length` counts the unit id and the PDU (2..254). The PDU is the RTU
frame's function code and data, without slave address and CRC. Example: 00 01 00 00 00 06 01 03
10 20 00 04 is transaction 1 reading 4 holding registers at 0x1020 from unit 1.

Request PDUs handled here (what a UPS card's register image needs):
    03/04  addr(2) count(2)                         count 1..125
    06     addr(2) value(2)
    10     addr(2) count(2) nbytes(1) words...      count 1..123, nbytes = 2 * count
"""

import struct

HEADER_LEN = 7
MAX_PDU = 253
MAX_ADU = HEADER_LEN - 1 + MAX_PDU  # 260

ILLEGAL_FUNCTION = 1
ILLEGAL_DATA_ADDRESS = 2
ILLEGAL_DATA_VALUE = 3
SLAVE_DEVICE_FAILURE = 4


class MbapError(ValueError):
    """A header that cannot belong to a Modbus TCP stream: the connection should be dropped."""


class PduError(ValueError):
    """A request PDU the server must refuse; `code` is the exception code to answer with."""

    def __init__(self, code, message):
        self.code = code
        super().__init__(message)


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


def parse_request(pdu):
    """(function, address, payload): payload is the count (03/04), the value (06) or the list of
    words (10). Raises PduError with the exception code to answer with.
    """
    if not pdu:
        raise PduError(ILLEGAL_FUNCTION, "empty PDU")
    function = pdu[0]
    if function in (0x03, 0x04, 0x06, 0x10):
        if len(pdu) < 5:
            raise PduError(ILLEGAL_DATA_VALUE, "PDU of %d bytes too short" % len(pdu))
        address, word = struct.unpack(">HH", bytes(pdu[1:5]))
    else:
        raise PduError(ILLEGAL_FUNCTION, "function 0x%02X not supported" % function)
    if function in (0x03, 0x04):
        if len(pdu) != 5 or not 1 <= word <= 125:
            raise PduError(ILLEGAL_DATA_VALUE, "read of %d registers" % word)
        if address + word > 0x10000:
            raise PduError(ILLEGAL_DATA_ADDRESS, "read past 0xFFFF")
        return function, address, word
    if function == 0x06:
        if len(pdu) != 5:
            raise PduError(ILLEGAL_DATA_VALUE, "write single of %d bytes" % len(pdu))
        return function, address, word
    count = word
    if not 1 <= count <= 123 or len(pdu) != 6 + 2 * count or pdu[5] != 2 * count:
        raise PduError(ILLEGAL_DATA_VALUE, "write multiple byte count does not match")
    if address + count > 0x10000:
        raise PduError(ILLEGAL_DATA_ADDRESS, "write past 0xFFFF")
    return function, address, list(struct.unpack(">%dH" % count, bytes(pdu[6:])))


def read_response(function, words):
    """The PDU answering a 03/04 read with these words."""
    return struct.pack(">BB", function, 2 * len(words)) + struct.pack(">%dH" % len(words), *words)


def write_response(function, address, value_or_count):
    """The PDU answering a 06 (echo of address and value) or 10 (address and count) write."""
    return struct.pack(">BHH", function, address, value_or_count)


def exception_response(function, code):
    """The exception PDU: function code with bit 7 set, then the exception code."""
    return bytes(((function | 0x80) & 0xFF, code))
