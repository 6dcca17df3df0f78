"""The kernel's sensors through sysfs (firmware/emd/sysfs.py), on a scratch sysfs tree."""

from __future__ import annotations

import unittest
from pathlib import Path
from tempfile import TemporaryDirectory

from firmware.emd import sysfs


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")


def tree(root: Path) -> None:
    write(root, "bus/w1/devices/28-0123456789ab/temperature", "21500")
    write(root, "bus/w1/devices/28-00000000beef/w1_slave",
          "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n72 01 4b 46 7f ff 0e 10 57 t=23125")
    write(root, "bus/w1/devices/28-00000000dead/w1_slave",
          "72 01 4b 46 7f ff 0e 10 57 : crc=00 NO\n72 01 4b 46 7f ff 0e 10 57 t=23125")
    write(root, "bus/iio/devices/iio:device0/name", "sht3x")
    write(root, "bus/iio/devices/iio:device0/in_temp_input", "24310")
    write(root, "bus/iio/devices/iio:device0/in_humidityrelative_input", "41250")
    write(root, "bus/iio/devices/iio:device1/name", "bme280")
    write(root, "bus/iio/devices/iio:device1/in_temp_raw", "2000")
    write(root, "bus/iio/devices/iio:device1/in_temp_scale", "10")
    write(root, "bus/iio/devices/iio:device1/in_temp_offset", "50")
    write(root, "class/hwmon/hwmon3/name", "sht4x")
    write(root, "class/hwmon/hwmon3/temp1_input", "19875")
    write(root, "class/hwmon/hwmon3/humidity1_input", "55000")


class TestSysfs(unittest.TestCase):
    def setUp(self) -> None:
        self._tmp = TemporaryDirectory()
        self.root = Path(self._tmp.name)
        tree(self.root)

    def tearDown(self) -> None:
        self._tmp.cleanup()

    def test_table(self) -> None:
        cases = (
            ("w1", "28-0123456789ab", {"temperature": 21.5}),
            ("w1", "28-00000000beef", {"temperature": 23.125}),
            ("iio", "sht3x", {"temperature": 24.31, "humidity": 41.25}),
            ("iio", "iio:device0", {"temperature": 24.31, "humidity": 41.25}),
            ("iio", "bme280", {"temperature": 20.5}),
            ("hwmon", "sht4x", {"temperature": 19.875, "humidity": 55.0}),
            ("hwmon", "hwmon3", {"temperature": 19.875, "humidity": 55.0}),
        )
        for source, ident, values in cases:
            self.assertEqual(sysfs.read_sensor(str(self.root), source, ident), values, ident)

    def test_unreadable(self) -> None:
        with self.assertRaisesRegex(ValueError, "CRC"):
            sysfs.read_sensor(str(self.root), "w1", "28-00000000dead")
        with self.assertRaises(FileNotFoundError):
            sysfs.read_sensor(str(self.root), "iio", "nothing")
        write(self.root, "class/hwmon/hwmon4/name", "empty")
        with self.assertRaises(ValueError):
            sysfs.read_sensor(str(self.root), "hwmon", "empty")

    def test_kinds(self) -> None:
        self.assertEqual(sysfs.kinds_of(str(self.root), "iio", "sht3x"),
                         ("temperature", "humidity"))
        self.assertEqual(sysfs.kinds_of(str(self.root), "w1", "28-0123456789ab"),
                         ("temperature",))


if __name__ == "__main__":
    unittest.main()
