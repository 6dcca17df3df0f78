"""Register map tables: shape, bit numbering and rows checked against the manual's appendix."""

import unittest

from firmware.state import names
from firmware.ups.maps import load

PORTABLE = True

MAPPINGS = ("jbusp", "vumap", "sts")
LEVELS = ("I", "W", "C", None)


def _block(mapping, name):
    for block in mapping.BLOCKS:
        if block[0] == name:
            return block
    raise AssertionError("%s has no %s block" % (mapping.MAPPING, name))


def _covered(mapping, address):
    return any(start <= address < start + count for _, start, count, _ in mapping.BLOCKS)


class MapShapeTest(unittest.TestCase):
    """Every map module follows the format of firmware.ups.maps."""

    def test_blocks_are_well_formed(self):
        for name in MAPPINGS:
            m = load(name)
            self.assertEqual(m.MAPPING, name)
            for block, start, count, when in m.BLOCKS:
                self.assertIn(when, ("cycle", "ident"), block)
                self.assertTrue(0 < count <= 125, block)    # one Modbus read each
                self.assertTrue(0 <= start and start + count <= 0x10000, block)

    def test_flag_acronyms_match_address_and_bit(self):
        # S00 = bit 0 of the first word, S16 = bit 0 of the second word (bit 0 = LSB).
        for name in MAPPINGS:
            m = load(name)
            for rows, block in ((m.STATUS, "status"), (m.ALARMS, "alarm")):
                base = _block(m, block)[1]
                seen = set()
                for acronym, address, bit, level, description in rows:
                    n = int(acronym[1:])
                    self.assertEqual((address, bit), (base + n // 16, n % 16), acronym)
                    self.assertIn(level, LEVELS, acronym)
                    self.assertTrue(description, acronym)
                    self.assertFalse((address, bit) in seen, acronym)
                    seen.add((address, bit))
                    self.assertTrue(_covered(m, address), acronym)

    def test_measures_are_read_and_named(self):
        for name in MAPPINGS:
            m = load(name)
            seen = set()
            for acronym, address, nut_name, scale, signed in m.MEASURES:
                self.assertTrue(_covered(m, address), acronym)
                self.assertTrue(names.is_known(nut_name), nut_name)
                self.assertFalse(nut_name in seen, nut_name)
                seen.add(nut_name)
                self.assertTrue(scale > 0, acronym)
                self.assertIn(signed, (True, False), acronym)

    def test_identity_rows_are_read_and_named(self):
        for name in MAPPINGS:
            m = load(name)
            for nut_name, address, kind, arg in m.IDENTITY:
                self.assertIn(kind, ("number", "factored", "version", "ascii"), nut_name)
                self.assertTrue(names.is_known(nut_name), nut_name)
                last = address + (arg - 1 if kind == "ascii" else 0)
                self.assertTrue(_covered(m, address) and _covered(m, last), nut_name)

    def test_commands_are_named_and_outside_the_read_blocks(self):
        for name in MAPPINGS:
            m = load(name)
            self.assertTrue(m.COMMANDS)
            for command, (address, value) in m.COMMANDS.items():
                self.assertIsNotNone(names.cmd_desc(command), command)
                self.assertFalse(_covered(m, address), command)
                self.assertTrue(0 <= value <= 0xFFFF, command)
            values = list(m.COMMANDS.values())
            self.assertEqual(len(values), len(set(values)), "two commands share a register value")

    def test_status_rules_name_existing_flags(self):
        for name in MAPPINGS:
            m = load(name)
            known = set(r[0] for r in m.STATUS) | set(r[0] for r in m.ALARMS)
            for rule in m.STATUS_RULES:
                for acronym in (rule[0],) + tuple(rule[2] if len(rule) > 2 else ()):
                    self.assertIn(acronym, known)
            for name, rows, _default in m.DERIVED:
                self.assertTrue(names.is_known(name), name)
                for acronym, _value in rows:
                    self.assertIn(acronym, known)
            for acronym, _word in m.BUZZWORDS:
                self.assertIn(acronym, known)
            self.assertEqual(sorted(m.CONDITIONS), ["imminent_stop", "temperature"])
            for acronyms in m.CONDITIONS.values():
                for acronym in acronyms:
                    self.assertIn(acronym, known)
            for acronym in m.LOAD_SUPPLIED + m.LOAD_OFF:
                self.assertIn(acronym, known)
            if m.REMOTE_DISABLED is not None:
                self.assertIn(m.REMOTE_DISABLED, known)

    def test_clock_block_is_read(self):
        for name in MAPPINGS:
            m = load(name)
            if m.CLOCK is not None:
                self.assertTrue(_covered(m, m.CLOCK[0]))
                self.assertTrue(_covered(m, m.CLOCK[0] + m.CLOCK[1] - 1))


class JbuspTableTest(unittest.TestCase):
    """Rows copied from the manual's JBUSP appendix (and NUT's socomec_jbus where it reads)."""

    m = load("jbusp")

    def test_blocks(self):
        self.assertEqual(_block(self.m, "status")[1:3], (0x1020, 4))
        self.assertEqual(_block(self.m, "alarm")[1:3], (0x1040, 4))
        self.assertEqual(_block(self.m, "measure")[1:3], (0x1060, 48))
        self.assertEqual(_block(self.m, "ident")[1:3], (0x1000, 12))
        self.assertEqual(_block(self.m, "config")[1:3], (0x10E0, 16))
        self.assertEqual(self.m.CLOCK, (0x1360, 4))

    def test_flag_rows(self):
        table = (
            (self.m.STATUS, "S03", 0x1020, 3, "I"),
            (self.m.STATUS, "S05", 0x1020, 5, "W"),
            (self.m.STATUS, "S06", 0x1020, 6, None),
            (self.m.STATUS, "S15", 0x1020, 15, "C"),
            (self.m.STATUS, "S16", 0x1021, 0, "C"),
            (self.m.STATUS, "S27", 0x1021, 11, None),
            (self.m.STATUS, "S30", 0x1021, 14, None),
            (self.m.STATUS, "S37", 0x1022, 5, None),
            (self.m.STATUS, "S49", 0x1023, 1, "W"),
            (self.m.ALARMS, "A02", 0x1040, 2, "W"),
            (self.m.ALARMS, "A31", 0x1041, 15, "C"),
            (self.m.ALARMS, "A49", 0x1043, 1, "C"),
            (self.m.ALARMS, "A55", 0x1043, 7, None),
            (self.m.ALARMS, "A62", 0x1043, 14, "C"),
        )
        for rows, acronym, address, bit, level in table:
            row = [r for r in rows if r[0] == acronym]
            self.assertEqual(len(row), 1, acronym)
            self.assertEqual(row[0][1:4], (address, bit, level), acronym)

    def test_measure_rows(self):
        table = (
            ("M03", 0x1063, "ups.load", 1, False),
            ("M05", 0x1065, "battery.capacity", 0.1, False),
            ("M15", 0x106F, "output.L1.current", 0.1, False),
            ("M23", 0x1077, "battery.runtime", 60, False),
            ("M24", 0x1078, "battery.current", 0.1, True),
            ("M36", 0x1084, "ups.realpower", 100, False),
            ("M43", 0x108B, "input.frequency", 0.1, False),
        )
        for row in table:
            self.assertIn(row, self.m.MEASURES)

    def test_types_include_the_ranges_of_codes(self):
        for code in (513, 514):
            self.assertEqual(self.m.TYPES[code][0], "DELPHYS MP SINGLE UNIT")
        for code in (1014, 1015, 1016, 1017):
            self.assertEqual(self.m.TYPES[code][:2], ("DELPHYS MP SYSTEM", "parallel"))
        for code in (1018, 1021):
            self.assertEqual(self.m.TYPES[code][0], "DELPHYS MX SYSTEM")
        self.assertEqual(self.m.TYPES[29][0], "NETYS")
        self.assertEqual(self.m.TYPES[257][0], "MASTERYS 3/3 UPS")
        self.assertFalse(1013 in self.m.TYPES)
        self.assertFalse(1022 in self.m.TYPES)
        self.assertEqual(len(self.m.TYPES), 37)     # 29 rows, 4 of them ranges of 2, 2, 4, 4 codes

    def test_remote_disabled(self):
        self.assertEqual(self.m.REMOTE_DISABLED, "S06")


class VumapTableTest(unittest.TestCase):
    """Rows copied from the manual's VU-MAP appendix."""

    m = load("vumap")

    def test_blocks(self):
        self.assertEqual(_block(self.m, "status")[1:3], (0x0030, 8))
        self.assertEqual(_block(self.m, "alarm")[1:3], (0x0038, 8))
        self.assertEqual(_block(self.m, "measure")[1:3], (0x0040, 80))
        self.assertEqual(_block(self.m, "config")[1:3], (0x0001, 15))
        self.assertEqual(_block(self.m, "serial")[1:3], (0x0010, 10))
        self.assertEqual(_block(self.m, "reference")[1:3], (0x001A, 10))

    def test_flag_rows(self):
        table = (
            (self.m.STATUS, "S000", 0x0030, 0, "I"),
            (self.m.STATUS, "S004", 0x0030, 4, "C"),
            (self.m.STATUS, "S023", 0x0031, 7, "I"),
            (self.m.STATUS, "S037", 0x0032, 5, "W"),
            (self.m.STATUS, "S051", 0x0033, 3, None),
            (self.m.STATUS, "S096", 0x0036, 0, None),
            (self.m.STATUS, "S127", 0x0037, 15, None),
            (self.m.ALARMS, "A000", 0x0038, 0, "C"),
            (self.m.ALARMS, "A019", 0x0039, 3, "W"),
            (self.m.ALARMS, "A059", 0x003B, 11, "C"),
            (self.m.ALARMS, "A107", 0x003E, 11, "W"),
            (self.m.ALARMS, "A108", 0x003E, 12, None),
            (self.m.ALARMS, "A123", 0x003F, 11, "C"),
            (self.m.ALARMS, "A124", 0x003F, 12, None),
        )
        for rows, acronym, address, bit, level in table:
            row = [r for r in rows if r[0] == acronym]
            self.assertEqual(len(row), 1, acronym)
            self.assertEqual(row[0][1:4], (address, bit, level), acronym)
        acronyms = set(r[0] for r in self.m.STATUS + self.m.ALARMS)
        for left_out in ("S001", "S091", "S092", "A076", "A077", "A088"):
            self.assertFalse(left_out in acronyms)

    def test_factored_rows(self):
        rows = dict((r[0], r) for r in self.m.MEASURES)
        for acronym in self.m.FACTORED:
            self.assertIn(acronym, rows)
        for acronym in ("M000", "M010", "M013", "M015", "M022", "M024", "M057"):
            self.assertFalse(acronym in self.m.FACTORED)
        self.assertEqual(rows["M024"][1:4], (0x0058, "battery.runtime", 60))
        self.assertEqual(rows["M018"][2:], ("battery.current", 1, True))

    def test_ranges(self):
        self.assertEqual(self.m.RANGES[0x8100], "MODULYS GP 2.0")
        self.assertEqual(self.m.RANGES[0x0288], "DELPHYS BC - GP 2.0")
        self.assertEqual(self.m.FACTOR_REGISTER, 0x000E)
        self.assertIsNone(self.m.REMOTE_DISABLED)


class StsTableTest(unittest.TestCase):
    """Rows from the manual's STS appendix with the levels of its STS event list."""

    m = load("sts")

    def test_blocks(self):
        self.assertEqual(_block(self.m, "config")[1:3], (0x0120, 16))
        self.assertEqual(_block(self.m, "status")[1:3], (0x0140, 4))
        self.assertEqual(_block(self.m, "alarm")[1:3], (0x0148, 2))
        self.assertEqual(_block(self.m, "measure")[1:3], (0x0220, 64))
        self.assertEqual(_block(self.m, "reference")[1:3], (0x0100, 10))
        self.assertEqual(_block(self.m, "serial")[1:3], (0x0116, 10))

    def test_flag_rows(self):
        table = (
            (self.m.STATUS, "S001", 0x0140, 1, "C"),
            (self.m.STATUS, "S014", 0x0140, 14, "W"),
            (self.m.STATUS, "S019", 0x0141, 3, "C"),
            (self.m.STATUS, "S032", 0x0142, 0, "W"),
            (self.m.STATUS, "S045", 0x0142, 13, None),
            (self.m.ALARMS, "A011", 0x0148, 11, "C"),
            (self.m.ALARMS, "A015", 0x0148, 15, "C"),
            (self.m.ALARMS, "A031", 0x0149, 15, "W"),
        )
        for rows, acronym, address, bit, level in table:
            row = [r for r in rows if r[0] == acronym]
            self.assertEqual(len(row), 1, acronym)
            self.assertEqual(row[0][1:4], (address, bit, level), acronym)
        # the event list has 24 alarm lines, one per published alarm bit
        self.assertEqual(len(self.m.ALARMS), 24)

    def test_remote_controls_bit_is_inverted(self):
        self.assertEqual(self.m.REMOTE_DISABLED, "S045")
        self.assertTrue(self.m.REMOTE_INVERTED)


if __name__ == "__main__":
    unittest.main()
