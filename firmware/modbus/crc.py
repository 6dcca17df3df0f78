"""Modbus CRC-16 (polynomial 0xA001 reflected, initial value 0xFFFF), table driven.

The CRC travels on the wire low byte first: for the frame 01 03 00 00 00 01 the CRC is 0x0A84,
sent as 84 0A. `append()` and `check()` handle that byte order so callers never have to.
"""


def _build_table():
    # One 256-entry table of 16-bit values: one lookup and one shift per byte, instead of eight
    # bit steps. A list of ints is cheap on MicroPython (small ints are not boxed).
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            if crc & 1:
                crc = (crc >> 1) ^ 0xA001
            else:
                crc >>= 1
        table.append(crc)
    return tuple(table)


_TABLE = _build_table()


def crc16(data, start=0, end=None):
    """CRC-16/MODBUS of data[start:end] (bytes, bytearray or memoryview) as an int."""
    if end is None:
        end = len(data)
    crc = 0xFFFF
    table = _TABLE
    for i in range(start, end):
        crc = (crc >> 8) ^ table[(crc ^ data[i]) & 0xFF]
    return crc


def append(frame):
    """The frame followed by its CRC, low byte first, as bytes."""
    crc = crc16(frame)
    return bytes(frame) + bytes((crc & 0xFF, crc >> 8))


def check(frame, length=None):
    """True when the last two of the first `length` bytes are the CRC of the bytes before them."""
    if length is None:
        length = len(frame)
    if length < 3:
        return False
    crc = crc16(frame, 0, length - 2)
    return frame[length - 2] == (crc & 0xFF) and frame[length - 1] == (crc >> 8)
