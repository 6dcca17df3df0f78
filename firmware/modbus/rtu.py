"""Modbus RTU framing for a master: request builders, response decoder (pure: no I/O, no sleep).

An RTU frame is an address, a PDU and a CRC; frames are separated by at least 3.5 character times
of silence (T3.5), which this module does not see: the master enforces it.

    +--------+----------+----------------------------+---------+---------+
    | slave  | function | data (0..252 bytes)        | CRC lo  | CRC hi  |
    | 1 byte | 1 byte   |                            | 1 byte  | 1 byte  |
    +--------+----------+----------------------------+---------+---------+
                |<------------- PDU ------------->|

    request 0x03/0x04  slave fc  addr_hi addr_lo  count_hi count_lo  crc crc         8 bytes
    response           slave fc  nbytes(=2*count) word0_hi word0_lo ...  crc crc     5 + 2*count
    request 0x06       slave 06  addr_hi addr_lo  value_hi value_lo  crc crc         8 bytes
    response           the request echoed                                           8 bytes
    request 0x10       slave 10  addr_hi addr_lo  count_hi count_lo  nbytes words... crc crc
                                                                                     9 + 2*count
    response           slave 10  addr_hi addr_lo  count_hi count_lo  crc crc         8 bytes
    exception          slave fc|0x80  code  crc crc                                  5 bytes

Example: 01 03 10 20 00 04 41 03 reads 4 words at 0x1020 from slave 1; 01 83 02 C0 F1 is
slave 1's "illegal data address" (exception 2) answer to it.

A response is accepted only when its slave address and function code match the request (or the
function code with bit 7 set, an exception), its length is the one the function code implies
and its CRC is right. `decode_response` also resynchronises: leading bytes that cannot start such
a frame (line noise, an echo, the tail of an older answer) are skipped.
"""

import struct

from firmware.modbus.crc import append, check

READ_HOLDING = 0x03
READ_INPUT = 0x04
WRITE_SINGLE = 0x06
WRITE_MULTIPLE = 0x10

MAX_READ = 125  # words per 0x03/0x04 request (the standard's limit: 250 data bytes)
MAX_WRITE = 123  # words per 0x10 request

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


class ModbusTimeout(ModbusError):
    """No answer at all before the deadline."""


class ModbusLineError(ModbusError):
    """The transport itself failed (device unplugged, output stalled): an OSError, wrapped."""


class ModbusFrameError(ModbusError):
    """Bytes arrived but no acceptable response frame was among them."""


class ModbusCRCError(ModbusFrameError):
    """A frame for the right slave and function arrived with a wrong CRC."""


class ModbusWrongSlave(ModbusFrameError):
    """A well-formed frame arrived from another slave address."""


class ModbusWrongFunction(ModbusFrameError):
    """The slave answered with a function code that is not the request's."""


class ModbusShortFrame(ModbusFrameError):
    """The start of a matching frame arrived, but not all of it."""


class ModbusNoise(ModbusFrameError):
    """Only bytes that cannot start any frame arrived (wrong baud rate, noise)."""


class ModbusException(ModbusError):
    """The slave answered with an exception frame; `code` is the Modbus exception code."""

    def __init__(self, code, function=None):
        self.code = code
        self.function = function
        name = EXCEPTION_NAMES.get(code, "unknown")
        super().__init__("modbus exception %d (%s)" % (code, name))


def _check_slave(slave):
    # 0 is broadcast (writes only); 248-255 are reserved by the standard but some gateways use
    # them, and the addressing scheme for modular systems can reach them: allow any byte.
    if not 0 <= slave <= 255:
        raise ValueError("slave address %r out of range 0-255" % (slave,))


def _check_span(address, count, limit):
    if not 0 <= address <= 0xFFFF:
        raise ValueError("register address %r out of range 0-65535" % (address,))
    if not 1 <= count <= limit:
        raise ValueError("register count %r out of range 1-%d" % (count, limit))
    if address + count > 0x10000:
        raise ValueError("registers 0x%04X + %d run past 0xFFFF" % (address, count))


def _word(value):
    # Accept signed values (setpoints can be negative) and store their two's complement.
    if not -0x8000 <= value <= 0xFFFF:
        raise ValueError("register value %r out of range -32768..65535" % (value,))
    return value & 0xFFFF


def build_read(slave, address, count, function=READ_HOLDING):
    """Request frame reading `count` words at `address` (0x03, or 0x04 for input registers)."""
    if function not in (READ_HOLDING, READ_INPUT):
        raise ValueError("read function must be 0x03 or 0x04, not %r" % (function,))
    _check_slave(slave)
    _check_span(address, count, MAX_READ)
    return append(struct.pack(">BBHH", slave, function, address, count))


def build_write_single(slave, address, value):
    """Request frame writing one word (function 0x06)."""
    _check_slave(slave)
    _check_span(address, 1, 1)
    return append(struct.pack(">BBHH", slave, WRITE_SINGLE, address, _word(value)))


def build_write_multiple(slave, address, values):
    """Request frame writing consecutive words (function 0x10)."""
    _check_slave(slave)
    count = len(values)
    _check_span(address, count, MAX_WRITE)
    head = struct.pack(">BBHHB", slave, WRITE_MULTIPLE, address, count, 2 * count)
    body = bytearray(head)
    for v in values:
        body += struct.pack(">H", _word(v))
    return append(body)


def response_length(function, count=1):
    """Length of the normal response frame to a request (count = words read or written)."""
    if function in (READ_HOLDING, READ_INPUT):
        return 5 + 2 * count
    if function in (WRITE_SINGLE, WRITE_MULTIPLE):
        return 8
    raise ValueError("unsupported function 0x%02X" % function)


def _length_at(buf, i, function, count):
    """Length of the frame at buf[i] for this function: 0 needs more bytes, -1 none can start."""
    if i + 2 > len(buf):
        return 0
    fc = buf[i + 1]
    if fc == function | 0x80:
        return 5
    if fc != function:
        return -1
    if function in (READ_HOLDING, READ_INPUT):
        if i + 3 > len(buf):
            return 0
        nbytes = buf[i + 2]
        if nbytes != 2 * count:
            return -1
        return 5 + nbytes
    return 8


def find_frame(buf, slave, function, count=1):
    """Locate the first acceptable response frame in buf.

    Returns (offset, length) of a complete frame whose CRC is right, or (offset, 0) where offset
    is the first position that may still start one once more bytes arrive (len(buf) if none):
    every byte before offset is noise for this request.
    """
    n = len(buf)
    pending = n
    for i in range(n):
        if buf[i] != slave:
            continue
        length = _length_at(buf, i, function, count)
        if length < 0:
            continue
        if length == 0 or i + length > n:
            # Maybe the start of the answer; keep looking in case a whole one follows.
            if pending == n:
                pending = i
            continue
        if check(buf[i : i + length]):
            return i, length
    return pending, 0


def decode_response(buf, slave, function, count=1):
    """(used, pdu): pdu is function code + data of the first acceptable frame, used the bytes it
    and the noise before it took. pdu is None when no frame is complete yet; used then counts the
    leading bytes that can be dropped.
    """
    start, length = find_frame(buf, slave, function, count)
    if length == 0:
        return start, None
    return start + length, bytes(buf[start + 1 : start + length - 2])


def parse_pdu(pdu, function, count=1):
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


def _good_frame_at(buf, i):
    """Length of a CRC-valid frame of any function starting at buf[i], or 0."""
    n = len(buf)
    lengths = [5, 8]
    if i + 3 <= n:
        lengths.append(5 + buf[i + 2])
    for length in lengths:
        if i + length <= n and check(buf[i : i + length]):
            return length
    return 0


def diagnose(buf, slave, function, count=1):
    """The error that best explains a buffer in which no acceptable frame was found by the deadline.

    The first position that looks like the start of a frame decides: a matching header whose frame
    has a bad CRC, a valid frame from another slave or with another function, a matching header
    whose frame ran out. Bytes that start nothing are noise.
    """
    if not buf:
        return ModbusTimeout("no answer from slave %d" % slave)
    n = len(buf)
    for i in range(n):
        length = _length_at(buf, i, function, count) if buf[i] == slave else -1
        if length > 0 and i + length <= n:
            return ModbusCRCError("bad CRC from slave %d" % slave)
        if _good_frame_at(buf, i):
            if buf[i] != slave:
                return ModbusWrongSlave("answer from slave %d, expected %d" % (buf[i], slave))
            if buf[i + 1] & 0x7F != function:
                return ModbusWrongFunction(
                    "function 0x%02X answered with 0x%02X" % (function, buf[i + 1])
                )
            # Right slave and function, another length: a byte count for other registers.
            return ModbusFrameError("unexpected answer length from slave %d" % slave)
        if length >= 0:
            return ModbusShortFrame("truncated frame from slave %d (%d bytes)" % (slave, n - i))
    return ModbusNoise("%d bytes of noise, no frame" % n)
