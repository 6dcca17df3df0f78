"""Modbus PDUs, the part of a frame RTU and Modbus TCP share: function code and data (pure).

    request 03/04   fc  addr(2)  count(2)                         count 1..125
    response        fc  nbytes(= 2 * count)  words...
    request 06      fc  addr(2)  value(2)                         response: the request echoed
    request 10      fc  addr(2)  count(2)  nbytes  words...       count 1..123
    response        fc  addr(2)  count(2)
    exception       fc | 0x80  code

All fields are big-endian. Example: 03 10 20 00 04 reads 4 holding registers at 0x1020; 83 02 is
the "illegal data address" answer to it. An RTU frame puts the slave address before the PDU and a
CRC after it (rtu.py); a Modbus TCP frame puts the MBAP header before it (mbap.py). The client
side (request builders, parse_response) serves the RTU master; the server side (parse_request and
the response builders) the Modbus TCP server.
"""

import struct

READ_HOLDING = 0x03
READ_INPUT = 0x04
WRITE_SINGLE = 0x06
WRITE_MULTIPLE = 0x10

MAX_READ = 125   # words per 0x03/0x04 request (the standard's limit: 250 data bytes)
MAX_WRITE = 123  # words per 0x10 request

ILLEGAL_FUNCTION = 1
ILLEGAL_DATA_ADDRESS = 2
ILLEGAL_DATA_VALUE = 3
SLAVE_DEVICE_FAILURE = 4
EXCEPTION_NAMES = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "slave device failure",
    5: "acknowledge",
    6: "slave device busy",
    8: "memory parity error",
    10: "gateway path unavailable",
    11: "gateway target failed to respond",
}


class ModbusError(Exception):
    """Any failed Modbus transaction."""


class ModbusFrameError(ModbusError):
    """Bytes arrived but no acceptable response was among them."""


class ModbusWrongFunction(ModbusFrameError):
    """The slave answered with a function code that is not the request's."""


class ModbusException(ModbusError):
    """The slave answered with an exception; `code` is the Modbus exception code."""

    def __init__(self, code, function=None):
        self.code = code
        self.function = function
        name = EXCEPTION_NAMES.get(code, "unknown")
        super().__init__("modbus exception %d (%s)" % (code, name))


class PduError(ValueError):
    """A request PDU the server must refuse; `code` is the exception code to answer with."""

    def __init__(self, code, message):
        self.code = code
        super().__init__(message)


# --- client: requests and their responses -----------------------------------------------------
def _check_span(address, count, limit):
    if not 0 <= address <= 0xFFFF:
        raise ValueError("register address %r out of range 0-65535" % (address,))
    if not 1 <= count <= limit:
        raise ValueError("register count %r out of range 1-%d" % (count, limit))
    if address + count > 0x10000:
        raise ValueError("registers 0x%04X + %d run past 0xFFFF" % (address, count))


def _word(value):
    # Accept signed values (setpoints can be negative) and send their two's complement.
    if not -0x8000 <= value <= 0xFFFF:
        raise ValueError("register value %r out of range -32768..65535" % (value,))
    return value & 0xFFFF


def read_request(address, count, function=READ_HOLDING):
    """The PDU reading `count` words at `address` (0x03, or 0x04 for input registers)."""
    if function not in (READ_HOLDING, READ_INPUT):
        raise ValueError("read function must be 0x03 or 0x04, not %r" % (function,))
    _check_span(address, count, MAX_READ)
    return struct.pack(">BHH", function, address, count)


def write_single_request(address, value):
    """The PDU writing one word (function 0x06)."""
    _check_span(address, 1, 1)
    return struct.pack(">BHH", WRITE_SINGLE, address, _word(value))


def write_multiple_request(address, values):
    """The PDU writing consecutive words (function 0x10)."""
    count = len(values)
    _check_span(address, count, MAX_WRITE)
    body = bytearray(struct.pack(">BHHB", WRITE_MULTIPLE, address, count, 2 * count))
    for v in values:
        body += struct.pack(">H", _word(v))
    return bytes(body)


def response_length(function, count=1):
    """Length of the normal response PDU to a request (count = words read or written)."""
    if function in (READ_HOLDING, READ_INPUT):
        return 2 + 2 * count
    if function in (WRITE_SINGLE, WRITE_MULTIPLE):
        return 5
    raise ValueError("unsupported function 0x%02X" % function)


def parse_response(pdu, function, count=1):
    """Payload of a response PDU: words for reads, (address, value/count) for writes.

    Raises ModbusException for an exception reply.
    """
    fc = pdu[0]
    if fc & 0x80:
        raise ModbusException(pdu[1], fc & 0x7F)
    if fc != function:
        raise ModbusWrongFunction("function 0x%02X answered with 0x%02X" % (function, fc))
    if function in (READ_HOLDING, READ_INPUT):
        if pdu[1] != 2 * count or len(pdu) != 2 + 2 * count:
            raise ModbusFrameError("expected %d words, got %d bytes" % (count, pdu[1]))
        return list(struct.unpack(">%dH" % count, pdu[2:]))
    if len(pdu) != 5:
        raise ModbusFrameError("write response of %d bytes" % len(pdu))
    return struct.unpack(">HH", pdu[1:5])


# --- server: requests and the answers to them -------------------------------------------------
def parse_request(pdu):
    """(function, address, payload): payload is the count (03/04), the value (06) or the list of
    words (10). Raises PduError with the exception code to answer with.
    """
    if not pdu:
        raise PduError(ILLEGAL_FUNCTION, "empty PDU")
    function = pdu[0]
    if function not in (READ_HOLDING, READ_INPUT, WRITE_SINGLE, WRITE_MULTIPLE):
        raise PduError(ILLEGAL_FUNCTION, "function 0x%02X not supported" % function)
    if len(pdu) < 5:
        raise PduError(ILLEGAL_DATA_VALUE, "PDU of %d bytes too short" % len(pdu))
    address, word = struct.unpack(">HH", bytes(pdu[1:5]))
    if function in (READ_HOLDING, READ_INPUT):
        if len(pdu) != 5 or not 1 <= word <= MAX_READ:
            raise PduError(ILLEGAL_DATA_VALUE, "read of %d registers" % word)
        if address + word > 0x10000:
            raise PduError(ILLEGAL_DATA_ADDRESS, "read past 0xFFFF")
        return function, address, word
    if function == WRITE_SINGLE:
        if len(pdu) != 5:
            raise PduError(ILLEGAL_DATA_VALUE, "write single of %d bytes" % len(pdu))
        return function, address, word
    count = word
    if not 1 <= count <= MAX_WRITE or len(pdu) != 6 + 2 * count or pdu[5] != 2 * count:
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
