"""The simulator's own register tables, transcribed from the NET VISION 8.3 manual's appendices.

One module per mapping (jbusp, vumap, sts). Each keeps the manual's form: its addresses as
printed, its acronyms, its units and formats, its levels, its wording; the simulator's own choices
(where the manual is silent) are commented as such beside the row. Every module defines:

    MAPPING    "jbusp" | "vumap" | "sts"
    BLOCKS     ((table name as printed, first address, words), ...)   what the device answers;
               a read touching any other address answers exception 2 (illegal data address)
    STATUS, ALARMS, MEASURES      the rows as the manual prints them (their shape differs from
                                  one appendix to the next; each module says it)
    STATUS_ROWS, ALARM_ROWS       ((acronym, level, description), ...) in one shape
    flag_position(acronym)        (address, bit) of a status or alarm
    measure_rows(t014)            ((acronym, address, unit, format, quantity), ...): quantity is
                                  the simulator's name of what the row carries (quantities.py)
    CLOCK      (address, words, layout)   layout "packed" or "plain" (encoding.py)
    COMMANDS   {command name: (address, code)}   written with function 0x06
    RANGE_CODE (address, {code: range name})   JBUSP and VU-MAP only

Nothing here is shared with the card: the card's maps are written separately, so that a test
comparing the two through the wire can fail when either is wrong.
"""

from __future__ import annotations

from types import ModuleType


def load(mapping: str) -> ModuleType:
    """The table module of a mapping name."""
    from tools.upssim.registers import jbusp, sts, vumap

    tables = {"jbusp": jbusp, "vumap": vumap, "sts": sts}
    if mapping not in tables:
        raise ValueError(f"unknown mapping {mapping!r}; known: {', '.join(tables)}")
    return tables[mapping]


def numbered_position(base: int, acronym: str) -> tuple[int, int]:
    """(address, bit) of a flag numbered from bit 0 (the LSB) of the table's first word.

    S00 -> (base, 0), S15 -> (base, 15), S16 -> (base + 1, 0): the numbering the JBUSP and
    VU-MAP tables use (each word holds the next 16 acronyms).
    """
    number = int(acronym[1:])
    return base + number // 16, number % 16


def readable(tables: ModuleType) -> set[int]:
    """Every address the device answers a read of."""
    addresses: set[int] = set()
    for _name, start, words in tables.BLOCKS:
        addresses.update(range(start, start + words))
    return addresses


def measurement_words(tables: ModuleType) -> range:
    """The addresses of the measurement table ("MEASUREMENTS", STS "MEASUREMENT")."""
    for name, start, words in tables.BLOCKS:
        if name.startswith("MEASUREMENT"):
            return range(start, start + words)
    raise ValueError(f"{tables.MAPPING}: no measurement table")
