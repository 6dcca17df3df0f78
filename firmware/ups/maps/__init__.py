"""Register maps as data: one module per UPS/STS family, read by the poller.

Each map module (jbusp, vumap, sts) defines the same names:

    MAPPING   "jbusp" | "vumap" | "sts"
    BLOCKS    ((name, start, count, when), ...)   when: "cycle" (every poll) or "ident" (at start,
              then rarely). Names: "ident", "config", "status", "alarm", "measure", "clock", ...
    STATUS    ((acronym, address, bit, level, description), ...)   level "I"/"W"/"C" or None
              when the card does not report it. Bit 0 is the least significant bit of the word.
    ALARMS    the same shape as STATUS.
    MEASURES  ((acronym, address, nut_name, scale, signed), ...)   value = raw * scale; raw 0xFFFF
              (-1) means "not managed": the name is then absent, never 0 or -1.
    TYPES     {type_code: (range name, architecture, input phases, output phases)} (JBUSP, STS)
    COMMANDS  {nut_command: (address, value)}   the UPS-side command registers (function 0x06).
              The manual does not publish them: every row is marked "to be confirmed against the
              range's MODBUS manual" and the configuration may override it (poll.commands).
    CLOCK     (address, count) of the UPS date/time block, or None.
    REMOTE_DISABLED   acronym of the status bit that says remote controls are disabled, or None.
    REMOTE_INVERTED   True when that bit says the opposite (STS: "Remote controls enabled").

and, for decoding (firmware.ups.decode):

    DEVICE_TYPE      "ups" | "sts"
    IDENTITY         ((nut_name, address, kind, arg), ...)   kind "number" (raw * arg),
                     "factored" (raw * arg / measurement factor), "version" (raw / arg as
                     "1.05"), "ascii" (arg words of text; ASCII_LSB_FIRST: char 1 in the LSB)
    FACTORED         acronyms of MEASURES divided by the measurement factor (VU-MAP T014 = 1
                     -> 10); FACTOR_REGISTER is the address of that setting (VU-MAP only)
    STATUS_RULES     ((acronym, "NUT status tokens"), ...) for ups.status; LOAD_SUPPLIED and
                     LOAD_OFF: acronyms saying the load is (not) supplied (decode.ups_status)
    CLOCK_FORMAT     "packed" (JBUSP, as NUT's socomec_jbus reads it) or "plain" (one word
                     each: year, month, day, hour, minute, second)
    JBUSP: TYPE_CODE, MODULE_NUMBER, PARALLEL_FLAG, UNIT_PRESENT; VU-MAP: INSTALLATION,
    DEVICE_COUNT, POSITIONS, DEVICE_NUMBER, PHASES, REFERENCE_CODE, RANGES, FEATURES;
    STS: RANGE_NAME.

Parallel and modular systems (the manual does not say how units are addressed; this scheme is used
by the firmware and the simulator alike):

    the system (or the single device)  -> slave address BASE (configured, default 1)
    unit u of a parallel system        -> BASE + u                  (u = 1 .. 15)
    module m of unit u                 -> BASE + 16 * u + m         (modular system, m = 1 .. 15)
    module m of a single modular unit  -> BASE + 16 + m             (the unit is unit 1)
"""

NOT_MANAGED = 0xFFFF
# Units and modules the addressing scheme above can reach (the manual allows up to 10 VU-MAP
# units; 15 leaves room and keeps every address of a modular system within one byte).
MAX_UNITS = 15
MAX_MODULES = 15


def unit_address(base, unit):
    return base + unit


def module_address(base, unit, module):
    return base + 16 * unit + module


def load(mapping):
    """The map module for a mapping name."""
    if mapping == "jbusp":
        from firmware.ups.maps import jbusp as m
    elif mapping == "vumap":
        from firmware.ups.maps import vumap as m
    elif mapping == "sts":
        from firmware.ups.maps import sts as m
    else:
        raise ValueError("unknown mapping %r" % mapping)
    return m
