"""sd_notify without a library: one datagram to $NOTIFY_SOCKET (see systemd's sd_notify(3)).

    notifier = Notifier.from_environment()      # None when not started by systemd Type=notify
    notifier.send("READY=1")
    notifier.watchdog_s                         # WatchdogSec as seconds (WATCHDOG_USEC), or None
"""

from __future__ import annotations

import os
import socket


class Notifier:
    """The datagram socket systemd listens on for this service."""

    def __init__(self, address: str, watchdog_usec: int | None = None) -> None:
        # "@name" is an abstract socket: a leading NUL byte.
        self.address = "\0" + address[1:] if address.startswith("@") else address
        self.watchdog_s = watchdog_usec / 1e6 if watchdog_usec else None
        self.sent = 0
        self.errors = 0

    @classmethod
    def from_environment(cls, environ=os.environ) -> "Notifier | None":
        address = environ.get("NOTIFY_SOCKET")
        if not address:
            return None
        usec = environ.get("WATCHDOG_USEC", "")
        pid = environ.get("WATCHDOG_PID", "")
        if pid and pid != str(os.getpid()):
            usec = ""          # the watchdog is for another process of the unit
        return cls(address, int(usec) if usec.isdigit() else None)

    def send(self, message: str) -> bool:
        """Send one state line; False if systemd is not listening (never raises)."""
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
                s.sendto(message.encode(), self.address)
            self.sent += 1
            return True
        except OSError:
            self.errors += 1
            return False
