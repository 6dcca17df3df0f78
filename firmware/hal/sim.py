"""The simulated board: the firmware on a PC talking to the UPS simulator over a pseudo-terminal."""

from __future__ import annotations

import os

from firmware.hal.boards import read_board_file

# board.toml [ports] names -> the settings they give defaults to.
PORT_KEYS = {"http": "http.port", "https": "https.port", "snmp": "snmp.port",
             "snmp_trap": "snmp.trap_port", "modbus": "modbus.port", "nut": "nut.port",
             "ssh": "ssh.port", "bacnet": "bacnet.port"}


class SimBoard:
    """Board "sim": fixed MAC, unprivileged ports, the simulator's pseudo-terminal as UPS port."""

    name = "sim"

    def __init__(self, spec: dict | None = None) -> None:
        """Read the board description (board/sim/board.toml, the one home of its facts)."""
        self.spec = spec or read_board_file("sim")
        self.mac = self.spec["mac"].upper()
        self.serial_device = self.spec["serial"]["device"]

    @property
    def first_password(self) -> str:
        """The first-access admin password: the last 6 characters of the MAC, as on a real card."""
        return self.mac.replace(":", "")[-6:]

    def config_defaults(self) -> dict:
        """Setting defaults this board changes (its unprivileged ports); settings of features
        this build does not run are ignored by the configuration."""
        ports = self.spec.get("ports", {})
        return {PORT_KEYS[k]: v for k, v in ports.items() if k in PORT_KEYS}

    def open_serial(self, path: str, config) -> object:
        """The UPS serial transport on `path`."""
        from firmware.hal.serial_port import SerialTransport

        if not os.path.exists(path):
            raise FileNotFoundError(f"serial device {path} not found (is the simulator running?)")
        baud = config.get("serial.baud")
        return SerialTransport(path, baud=9600 if baud == "auto" else int(baud),
                               parity=config.get("serial.parity"))

    def open_emd(self, path: str, baud: int) -> object:
        """The EMD's line: the simulator's EMD profile on its own pseudo-terminal."""
        from firmware.hal.serial_port import SerialTransport

        if not os.path.exists(path):
            raise FileNotFoundError(f"EMD port {path} not found (is the EMD simulator running?)")
        return SerialTransport(path, baud=baud, parity="N")

    def status(self) -> dict:
        """JSON-safe description of the board."""
        return {"name": self.name, "mac": self.mac, "serial_device": self.serial_device}
