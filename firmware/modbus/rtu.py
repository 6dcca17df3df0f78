"""Modbus RTU framing for a master: request frames, response decoder, line timing (pure: no I/O).

An RTU frame is an address, a PDU (pdu.py) and a CRC; frames are separated by at least 3.5
character times of silence (T3.5), which this module does not see: the master enforces it.

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

from firmware.modbus import pdu
from firmware.modbus.crc import append, check
from firmware.modbus.pdu import (READ_HOLDING, READ_INPUT, ModbusError, ModbusFrameError,
                                 ModbusWrongFunction)


def char_bits(parity="N"):
    """Bits on the wire per character: start + 8 data + (parity) + stop."""
    return 10 if parity == "N" else 11


def char_us(baud, parity="N"):
    """One character's wire time in microseconds."""
    return char_bits(parity) * 1000000.0 / baud


def t35_us(baud, parity="N"):
    """The silence between frames (T3.5): 3.5 character times, fixed at 1750 us above 19200
    baud (Modbus over serial line V1.02, 2.5.1.1)."""
    if baud > 19200:
        return 1750.0
    return 3.5 * char_us(baud, parity)


class ModbusTimeout(ModbusError):
    """No answer at all before the deadline."""


class ModbusLineError(ModbusError):
    """The transport itself failed (device unplugged, output stalled): an OSError, wrapped."""


class ModbusCRCError(ModbusFrameError):
    """A frame for the right slave and function arrived with a wrong CRC."""


class ModbusWrongSlave(ModbusFrameError):
    """A well-formed frame arrived from another slave address."""


class ModbusShortFrame(ModbusFrameError):
    """The start of a matching frame arrived, but not all of it."""


class ModbusNoise(ModbusFrameError):
    """Only bytes that cannot start any frame arrived (wrong baud rate, noise)."""


def _check_slave(slave):
    # 0 is broadcast (writes only); 248-255 are reserved by the standard but some gateways use
    # them, and the addressing scheme for modular systems can reach them: allow any byte.
    if not 0 <= slave <= 255:
        raise ValueError("slave address %r out of range 0-255" % (slave,))


def build_read(slave, address, count, function=READ_HOLDING):
    """Request frame reading `count` words at `address` (0x03, or 0x04 for input registers)."""
    _check_slave(slave)
    return append(bytes((slave,)) + pdu.read_request(address, count, function))


def build_write_single(slave, address, value):
    """Request frame writing one word (function 0x06)."""
    _check_slave(slave)
    return append(bytes((slave,)) + pdu.write_single_request(address, value))


def build_write_multiple(slave, address, values):
    """Request frame writing consecutive words (function 0x10)."""
    _check_slave(slave)
    return append(bytes((slave,)) + pdu.write_multiple_request(address, values))


def response_length(function, count=1):
    """Length of the normal response frame to a request (count = words read or written)."""
    return 3 + pdu.response_length(function, count)


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
