"""The console feature: the configuration menu over SSH and on the serial line (manual §9.5).

Both transports run the same session (session.py) on the card's management operations. SSH
needs asyncssh and the serial line termios: on a board without them (MicroPython) the feature
runs and says so in its status. An SSH port that cannot be opened fails the feature (the card
reports it and retries); a serial device that is not there yet (no USB host, no terminal on the
pseudo-terminal) is waited for.

Changes while running: ssh.* reopen the listener and leave open sessions alone (as sshd does:
turning SSH off closes the port, not the sessions already logged in); console.serial and
console.device restart the serial line, ending its session. The card's Login Timeout counts at
the next question of every session.
"""

from firmware.admin.args import Caller
from firmware.admin.ops import CardOps
from firmware.card.feature import Feature
from firmware.console import settings

HOST_KEY_NAME = "ssh_host_ed25519_key"


class Console(Feature):
    """The configuration console: an SSH server and a serial line, one menu engine."""

    name = "console"
    title = "Configuration console"
    SETTINGS = settings.ROWS

    def __init__(self, card):
        super().__init__(card)
        self.ops = CardOps(card)
        self.ssh = None
        self.serial = None
        self.unavailable = {}

    @staticmethod
    def caller(user, via):
        return Caller(user, via)

    # --- where the serial console is -------------------------------------------------------------
    def serial_device(self):
        """(path, pseudo) of the serial console: console.device, else the board's [console]
        device (a relative path is in the data folder); pseudo when the board makes a
        pseudo-terminal there instead of opening a device. (None, False) when there is none."""
        spec = getattr(self.card.board, "spec", None)
        board = spec.get("console", {}) if isinstance(spec, dict) else {}
        device = self.setting("console.device")
        pseudo = False
        if not device:
            device = board.get("device", "")
            pseudo = bool(board.get("pseudo_terminal"))
        if device and not device.startswith("/"):
            if not self.card.data_dir:
                return None, False
            device = self.card.data_dir + "/" + device
        return (device or None), pseudo

    # --- life cycle ------------------------------------------------------------------------------
    async def start(self):
        await self._start_ssh()
        try:
            await self._start_serial()
        except BaseException:
            await self.stop()
            raise

    async def _start_ssh(self):
        if not self.setting("ssh.enabled"):
            return
        if self.ssh is None:
            try:
                from firmware.console.ssh import SshConsole   # CPython with asyncssh
            except ImportError as exc:
                self.unavailable["ssh"] = "SSH is not available on this board (%s)" % exc
                return
            path = self.card.data_dir + "/" + HOST_KEY_NAME if self.card.data_dir else None
            self.ssh = SshConsole(self, path, self.setting("ssh.port"), self.setting("ssh.bind"),
                                  self.setting("ssh.max_sessions"))
        else:
            self.ssh.port, self.ssh.bind = self.setting("ssh.port"), self.setting("ssh.bind")
        await self.ssh.listen()      # OSError: port in use, address not here (the card retries)

    async def _start_serial(self):
        if not self.setting("console.serial"):
            return
        device, pseudo = self.serial_device()
        if device is None:
            self.unavailable["serial"] = "this board names no serial console device"
            return
        try:
            from firmware.console.serial import SerialConsole   # CPython with termios
        except ImportError as exc:
            self.unavailable["serial"] = "no serial console on this board (%s)" % exc
            return
        line = SerialConsole(self, device, pseudo)
        await line.start()
        self.serial = line

    async def stop(self):
        if self.serial is not None:
            serial, self.serial = self.serial, None
            await serial.stop()
        if self.ssh is not None:
            ssh, self.ssh = self.ssh, None
            await ssh.stop()

    async def apply(self, changed):
        if any(k in settings.SSH_KEYS for k in changed):
            if self.ssh is not None:
                self.ssh.max_sessions = self.setting("ssh.max_sessions")
            if any(k in changed for k in ("ssh.enabled", "ssh.port", "ssh.bind")):
                if self.ssh is not None:
                    await self.ssh.close_listener()
                await self._start_ssh()
        if any(k in settings.SERIAL_KEYS for k in changed):
            if self.serial is not None:
                serial, self.serial = self.serial, None
                await serial.stop()
            await self._start_serial()

    # --- what it shows ---------------------------------------------------------------------------
    def endpoints(self):
        out = {}
        if self.ssh is not None and self.ssh.listening:
            host = self.ssh.bind if self.ssh.bind not in ("0.0.0.0", "") else "127.0.0.1"
            out["ssh"] = "%s:%d" % (host, self.ssh.port)
        if self.serial is not None:
            out["console"] = self.serial.device
        return out

    def status(self):
        return {"ssh": self.ssh.status() if self.ssh is not None
                else {"enabled": bool(self.setting("ssh.enabled")), "listening": False},
                "serial": self.serial.status() if self.serial is not None
                else {"enabled": bool(self.setting("console.serial")), "device": None},
                "unavailable": dict(self.unavailable)}
