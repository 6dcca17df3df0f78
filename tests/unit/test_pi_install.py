"""What ./flash.sh pi installs, checked without a Pi: pinned dependencies within pyproject's
ranges, the board.toml devices, the service unit's settings."""

from __future__ import annotations

import re
import tomllib
import unittest
from pathlib import Path

from tools.flash.pi_tree import board_toml

ROOT = Path(__file__).resolve().parents[2]
RPI = ROOT / "board" / "rpi"


def version_tuple(text: str) -> tuple:
    return tuple(int(p) for p in re.findall(r"\d+", text.split(".post")[0]))


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, ver = line.partition("==")
            out[name.lower().replace("_", "-")] = ver
    return out


class TestRequirements(unittest.TestCase):
    def test_every_dependency_is_pinned_within_its_range(self) -> None:
        project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
        pinned = pins(RPI / "requirements.txt")
        pinned.update(pins(RPI / "requirements-pi.txt"))
        for spec in project["dependencies"] + project["optional-dependencies"]["pi"]:
            name, lo, hi = re.fullmatch(r"([\w-]+)>=([\d.]+),<([\d.]+)", spec).groups()
            self.assertIn(name.lower(), pinned, name)
            have = version_tuple(pinned[name.lower()])
            self.assertTrue(version_tuple(lo) <= have < version_tuple(hi), (name, have))
        self.assertTrue(all(re.fullmatch(r"[\d.]+(post\d+)?", v) for v in pinned.values()))


class TestBoardFile(unittest.TestCase):
    def test_devices_are_set_and_the_rest_kept(self) -> None:
        text = board_toml("/dev/serial/by-id/usb-FTDI_FT232R-if00-port0", "/dev/ttyUSB1")
        spec = tomllib.loads(text)
        self.assertEqual(spec["serial"]["device"], "/dev/serial/by-id/usb-FTDI_FT232R-if00-port0")
        self.assertEqual(spec["emd"]["device"], "/dev/ttyUSB1")
        self.assertEqual(spec["pins"], tomllib.loads((RPI / "board.toml").read_text())["pins"])
        self.assertEqual(tomllib.loads(board_toml())["serial"]["device"], "/dev/serial0")

    def test_bad_devices_are_refused(self) -> None:
        for bad in ("ttyUSB0", '/dev/x"\nmac = "1', "/dev/a\\b"):
            with self.assertRaises(ValueError):
                board_toml(bad)


class TestUnit(unittest.TestCase):
    def test_the_service_settings(self) -> None:
        unit = (RPI / "opennmc.service").read_text()
        settings = {}
        for line in unit.splitlines():
            if "=" in line and not line.startswith("#"):
                key, _, value = line.partition("=")
                settings.setdefault(key, []).append(value)
        expected = {"Type": "notify", "User": "opennmc", "WatchdogSec": "30",
                    "AmbientCapabilities": "CAP_NET_BIND_SERVICE",
                    "CapabilityBoundingSet": "CAP_NET_BIND_SERVICE", "ProtectSystem": "strict",
                    "NoNewPrivileges": "yes", "Restart": "always",
                    "SupplementaryGroups": "dialout gpio"}
        for key, value in expected.items():
            self.assertEqual(settings[key], [value], key)
        self.assertIn("OPENNMC_BOARD_FILE=/etc/opennmc/board.toml", settings["Environment"])
        self.assertTrue(settings["ExecStartPre"][0].startswith("+/opt/opennmc/venv/bin/python "
                                                               "/opt/opennmc/bin/opennmc-boot"))


if __name__ == "__main__":
    unittest.main()
