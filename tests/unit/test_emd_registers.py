"""The EMD register map's decoding (firmware/emd/registers.py), with tables of words."""

import unittest

from firmware.emd import registers

PORTABLE = True


class TestIdentity(unittest.TestCase):
    def test_the_manuals_example(self):
        self.assertEqual(registers.decode_identity([0x454D, 1, 0, 5, 1]),
                         {"firmware": "01.00.0005", "address": 1})

    def test_not_an_emd_or_short(self):
        for words in ([0x1234, 1, 0, 5, 1], [0x454D, 1, 0]):
            with self.assertRaises(ValueError):
                registers.decode_identity(words)


class TestMeasures(unittest.TestCase):
    def test_table(self):
        cases = (
            # words -> temperature, humidity, inputs, faults
            ([220, 352, 0, 0], 22.0, 35.2, [False, False], []),
            ([0xFFCE, 1000, 1, 0], -5.0, 100.0, [True, False], []),
            ([0x8000, 0xFFFF, 3, 0], None, None, [True, True], []),
            ([250, 400, 2, 1], None, 40.0, [False, True], ["temperature"]),
            ([250, 400, 0, 2], 25.0, None, [False, False], ["humidity"]),
        )
        for words, temp, hum, inputs, faults in cases:
            m = registers.decode_measures(words)
            self.assertEqual((m["temperature"], m["humidity"], m["inputs"], m["faults"]),
                             (temp, hum, inputs, faults), words)

    def test_short_block(self):
        with self.assertRaises(ValueError):
            registers.decode_measures([1, 2])


if __name__ == "__main__":
    unittest.main()
