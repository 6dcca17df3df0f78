"""How the simulated device writes values into 16-bit words: scaled measures, ASCII text, flags, its clock.

Scales come from the manual's own notation, read as printed: a unit with a factor ("A*10",
"Hz*10", "Integer *100") multiplies by that factor; otherwise the format's decimals do ("##.#"
one decimal -> x10, "#.##" -> x100, "###" -> x1). "±" in the format means two's complement.
A measure the device does not manage reads -1 (0xFFFF), as the manual says.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Sequence

NOT_MANAGED = 0xFFFF
_FACTOR = re.compile(r"\*\s*(10+)\b")


def multiplier(unit: str, fmt: str) -> int:
    """Raw word per unit of the physical value, from the manual's unit and format columns."""
    factor = _FACTOR.search(unit)
    if factor:
        return int(factor.group(1))
    decimals = len(fmt.split(".", 1)[1]) if "." in fmt else 0
    return 10 ** decimals


def format_multiplier(fmt: str) -> int | None:
    """What the format column alone says (None when the manual prints no format)."""
    if not fmt.strip("±"):
        return None
    return multiplier("", fmt)


def signed(unit: str, fmt: str) -> bool:
    """Two's complement: "±" printed in the format; temperatures too (the simulator's choice:
    the manual prints no sign for them, and a temperature can fall below 0 degC)."""
    return fmt.startswith("±") or unit == "°C"


def encode(value: float | None, mult: int, is_signed: bool) -> int:
    """The raw word of a physical value; None -> 0xFFFF ("not managed").

    Out-of-range values are held at the limit of the word; a signed value that would read -1
    (the "not managed" mark) is sent as 0.
    """
    if value is None:
        return NOT_MANAGED
    raw = int(round(value * mult))
    low, high = (-0x8000, 0x7FFF) if is_signed else (0, 0xFFFE)
    raw = max(low, min(high, raw))
    if raw == -1:
        raw = 0
    return raw & 0xFFFF


def ascii_words(text: str, words: int, first_char_in_lsb: bool) -> list[int]:
    """`words` words of printable ASCII, two characters a word, padded with NULs."""
    data = text[:2 * words].encode("ascii")
    if any(c < 32 or c > 126 for c in data):
        raise ValueError(f"not printable ASCII: {text!r}")
    data += bytes(2 * words - len(data))
    pairs = [(data[i], data[i + 1]) for i in range(0, len(data), 2)]
    if first_char_in_lsb:
        return [second << 8 | first for first, second in pairs]
    return [first << 8 | second for first, second in pairs]


def set_bit(words: dict[int, int], address: int, bit: int, on: bool) -> None:
    """Set or clear one bit of a word of the image (in place)."""
    word = words.get(address, 0)
    words[address] = (word | 1 << bit) if on else (word & ~(1 << bit) & 0xFFFF)


def clock_words(layout: str, t: float, count: int) -> list[int]:
    """The UPS date and time, UTC.

    packed (JBUSP, as NUT's socomec_jbus reads 0x1360): minutes:seconds, day:hours,
    month:0, year - 2000 (MSB:LSB). plain: year, month, day, hour, minute, second.
    """
    tm = time.gmtime(t)
    if layout == "packed":
        words = [tm.tm_min << 8 | tm.tm_sec, tm.tm_mday << 8 | tm.tm_hour, tm.tm_mon << 8,
                 tm.tm_year - 2000]
    else:
        words = [tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec]
    return (words + [0] * count)[:count]


def clock_time(layout: str, words: Sequence[int]) -> float:
    """Seconds since the epoch of a written clock block; ValueError if it is no valid date."""
    if layout == "packed":
        sec, minute = words[0] & 0xFF, words[0] >> 8
        hour, day = words[1] & 0xFF, words[1] >> 8
        month, year = words[2] >> 8, words[3] + 2000
    else:
        year, month, day, hour, minute, sec = (list(words) + [0] * 6)[:6]
    if not (1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and sec < 60):
        raise ValueError("not a valid date/time")
    return float(calendar.timegm((year, month, day, hour, minute, sec, 0, 0, 0)))
