"""The vocabulary: every name the maps and decoders produce is described, typed and well formed."""

import unittest

from firmware.ups import decode
from firmware.state import names
from firmware.ups.maps import load

PORTABLE = True

MAPPINGS = ("jbusp", "vumap", "sts")
ALLOWED = "abcdefghijklmnopqrstuvwxyz0123456789-LN"


def _full_image(mapping):
    """Every measure at a plausible small raw value, identity text and a set status word."""
    image = {}
    for acronym, address, name, scale, signed in mapping.MEASURES:
        image[address] = 5
    for name, address, kind, arg in mapping.IDENTITY:
        if kind == "ascii":
            for i, w in enumerate(decode.encode_ascii("X1", arg)):
                image[address + i] = w
        else:
            image[address] = 7
    return image


class VocabularyTest(unittest.TestCase):
    def test_entries_are_typed_and_described(self):
        for name, entry in names.VARIABLES.items():
            kind, unit, description = entry
            self.assertIn(kind, (names.NUMBER, names.STRING, names.ENUM), name)
            self.assertIsInstance(unit, str)
            self.assertTrue(description, name)

    def test_names_are_dotted_lowercase(self):
        for name in list(names.VARIABLES) + list(names.COMMANDS):
            parts = name.split(".")
            self.assertTrue(len(parts) >= 2, name)
            for part in parts:
                self.assertTrue(part, name)
                for c in part:
                    self.assertIn(c, ALLOWED, name)

    def test_everything_decoded_is_in_the_vocabulary(self):
        for mapping_name in MAPPINGS:
            m = load(mapping_name)
            image = _full_image(m)
            produced = dict(decode.decode_measures(m, image, 1))
            values, _ = decode.decode_identity(m, image)
            produced.update(values)
            produced.update(decode.clock_values((2024, 1, 2, 3, 4, 5)))
            self.assertTrue(len(produced) > 10, mapping_name)
            for name in produced:
                self.assertTrue(names.is_known(name), "%s: %s" % (mapping_name, name))
            for name in ("ups.status", "ups.alarm"):
                self.assertTrue(names.is_known(name))

    def test_phase_one_targets_are_known(self):
        for l1_name, (plain, also_three_phase) in names.PHASE_ONE.items():
            self.assertTrue(names.is_known(l1_name), l1_name)
            self.assertTrue(names.is_known(plain), plain)
            self.assertIn("L1", l1_name)
            self.assertTrue(names.is_known(l1_name.replace("L1", "L2", 1)), l1_name)

    def test_every_map_command_is_described(self):
        for mapping_name in MAPPINGS:
            for command in load(mapping_name).COMMANDS:
                self.assertTrue(names.cmd_desc(command), command)

    def test_nut_wording_where_nut_has_the_name(self):
        # Descriptions as NUT's upsd serves them (its cmdvartab), so clients show the same text.
        table = (
            ("battery.charge", "Battery charge (percent of full)"),
            ("battery.runtime", "Battery runtime (seconds)"),
            ("ups.load", "Load on UPS (percent of full)"),
            ("ups.realpower", "Current value of real power (W)"),
            ("input.voltage.nominal", "Nominal input voltage (V)"),
        )
        for name, text in table:
            self.assertEqual(names.var_desc(name), text)
        self.assertEqual(names.cmd_desc("test.battery.start"), "Start a battery test")
        self.assertEqual(names.cmd_desc("load.off.delay"), "Turn off the load with a delay (seconds)")

    def test_lookups(self):
        self.assertEqual(names.var_type("battery.runtime"), names.NUMBER)
        self.assertEqual(names.var_unit("battery.runtime"), "s")
        self.assertEqual(names.var_type("ups.status"), names.STRING)
        self.assertEqual(names.var_unit("output.L2.current"), "A")
        self.assertIsNone(names.var_type("no.such.name"))
        self.assertIsNone(names.var_desc("no.such.name"))
        self.assertIsNone(names.var_unit("no.such.name"))
        self.assertIsNone(names.cmd_desc("no.such.command"))
        self.assertFalse(names.is_known("no.such.name"))


if __name__ == "__main__":
    unittest.main()
