"""The simulated board: the firmware on a PC talking to the UPS simulator over a pseudo-terminal."""

from __future__ import annotations

import os
import tomllib

from firmware.settings import config as config_mod

_REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOARD_DIR = os.path.join(_REPOSITORY, "board")

# Used when the package runs without the repository's board/ folder next to it.
_FALLBACK = {
    "name": "sim",
    "description": "Simulated card",
    "mac": "02:00:00:4E:4D:43",
    "serial": {"device": ".sim-data/ups.tty"},
    "ports": {"http": 8080, "https": 8443, "snmp": 1161, "snmp_trap": 1162, "modbus": 5020,
              "nut": 3493, "ssh": 2222, "bacnet": 47808},
}

# board.toml [ports] names -> configuration keys.
_PORT_KEYS = {"http": "http.port", "https": "https.port", "snmp": "snmp.port",
              "snmp_trap": "snmp.trap_port", "modbus": "modbus.port", "nut": "nut.port",
              "ssh": "ssh.port", "bacnet": "bacnet.port"}


def read_board_file(name: str) -> dict | None:
    """The parsed board/<name>/board.toml, or None when the folder is not installed."""
    path = os.path.join(BOARD_DIR, name, "board.toml")
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return None


class SimBoard:
    """Board "sim": fixed MAC, unprivileged ports, the simulator's pseudo-terminal as UPS port."""

    name = "sim"

    def __init__(self, spec: dict | None = None) -> None:
        """Read the board description (board/sim/board.toml)."""
        self.spec = spec or read_board_file("sim") or _FALLBACK
        self.mac = self.spec.get("mac", _FALLBACK["mac"]).upper()
        self.serial_device = self.spec.get("serial", {}).get("device", ".sim-data/ups.tty")

    @property
    def first_password(self) -> str:
        """The first-access admin password: the last 6 characters of the MAC, as on a real card."""
        return self.mac.replace(":", "")[-6:]

    def config_defaults(self) -> dict:
        """Configuration defaults this board overrides (its unprivileged ports)."""
        ports = self.spec.get("ports", _FALLBACK["ports"])
        return {_PORT_KEYS[k]: v for k, v in ports.items()
                if k in _PORT_KEYS and _PORT_KEYS[k] in config_mod.SCHEMA}

    def open_serial(self, path: str | None, config) -> object:
        """The UPS serial transport on `path` (default: the simulator's link)."""
        from firmware.hal.serial_port import SerialTransport

        path = path or self.serial_device
        if not os.path.exists(path):
            raise FileNotFoundError(f"serial device {path} not found (is the simulator running?)")
        baud = config.get("serial.baud")
        return SerialTransport(path, baud=9600 if baud == "auto" else int(baud),
                               parity=config.get("serial.parity"))

    def status(self) -> dict:
        """JSON-safe description of the board."""
        return {"name": self.name, "mac": self.mac, "serial_device": self.serial_device}
