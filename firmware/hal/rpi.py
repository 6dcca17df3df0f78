"""The Raspberry Pi board (Zero 2 W, 3, 4, 5): the UPS on a UART or USB adapter, GPIO via gpiozero.

Its facts come from a board.toml: the one the installer writes (/etc/opennmc/board.toml, named
by OPENNMC_BOARD_FILE in the systemd unit) or the repository's board/rpi/board.toml.
"""

from __future__ import annotations

import os

from firmware.hal.sim import PORT_KEYS

NET = "/sys/class/net"


def read_mac(source: str | None, net: str = NET) -> str:
    """The MAC address from a sysfs file (mac_source), else the first interface that has one."""
    candidates = [source] if source else []
    try:
        candidates += [os.path.join(net, name, "address") for name in sorted(os.listdir(net))
                       if name != "lo"]
    except OSError:
        pass
    for path in candidates:
        try:
            with open(path) as f:
                mac = f.read().strip().upper()
        except OSError:
            continue
        if len(mac) == 17 and mac != "00:00:00:00:00:00":
            return mac
    return "00:00:00:00:00:00"


class RpiBoard:
    """Board "rpi": the board.toml's serial device, EMD port and GPIO pins."""

    name = "rpi"

    def __init__(self, spec: dict, pin_factory=None) -> None:
        self.spec = spec
        self.mac = spec.get("mac") or read_mac(spec.get("mac_source"))
        self.mac = self.mac.upper()
        self.serial_device = spec["serial"]["device"]
        self.emd_device = spec.get("emd", {}).get("device", "")
        self.pins = dict(spec.get("pins", {}))
        self.pin_factory = pin_factory     # None: gpiozero's own choice (lgpio on a Pi)

    @property
    def first_password(self) -> str:
        """The first-access admin password: the last 6 characters of the MAC (manual §9.3)."""
        return self.mac.replace(":", "")[-6:]

    def config_defaults(self) -> dict:
        """The manual's ports (from board.toml) and the EMD's RS-485 port."""
        ports = self.spec.get("ports", {})
        out = {PORT_KEYS[k]: v for k, v in ports.items() if k in PORT_KEYS}
        if self.emd_device:
            out["emd.device"] = self.emd_device
        return out

    def serial_present(self, path: str) -> bool:
        return os.path.exists(path)

    def open_serial(self, path: str, config) -> object:
        """The UPS serial transport on `path` (the UART or a /dev/serial/by-id/ adapter)."""
        from firmware.hal.serial_port import SerialTransport

        if not os.path.exists(path):
            raise FileNotFoundError(f"serial device {path} not found (adapter unplugged? "
                                    "UART not enabled?)")
        baud = config.get("serial.baud")
        return SerialTransport(path, baud=9600 if baud == "auto" else int(baud),
                               parity=config.get("serial.parity"))

    def open_emd(self, path: str, baud: int) -> object:
        """The EMD's RS-485 line (8N1)."""
        from firmware.hal.serial_port import SerialTransport

        if not os.path.exists(path):
            raise FileNotFoundError(f"EMD port {path} not found")
        return SerialTransport(path, baud=baud, parity="N")

    def panel(self, on_edge, ticks):
        """The status LEDs and the reset button (firmware/panel/feature.py)."""
        from firmware.hal.gpio import GpioPanel

        return GpioPanel(self.pins, on_edge, ticks, pin_factory=self.pin_factory)

    def inputs(self, pins: list[int]):
        """Dry-contact inputs on GPIO pins (firmware/emd)."""
        from firmware.hal.gpio import GpioInputs

        return GpioInputs(pins, pin_factory=self.pin_factory)

    def status(self) -> dict:
        return {"name": self.name, "mac": self.mac, "serial_device": self.serial_device,
                "emd_device": self.emd_device, "pins": self.pins}
