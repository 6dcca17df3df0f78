"""The admin feature: every management operation, served on the local socket (CPython boards).

The socket (DATA/opennmc.sock, mode 0600) is where `opennmc status|logs|alarms|config|time` talk
to the running card; later the web API and the SSH menu call the same operations (CardOps).
"""

from firmware.admin.args import Caller
from firmware.admin.ops import CardOps
from firmware.card.feature import Feature


class Admin(Feature):
    """Management operations; the local socket where the board has unix sockets."""

    name = "admin"
    title = "Management socket"

    def __init__(self, card):
        super().__init__(card)
        self.ops = CardOps(card)
        self.socket = None

    async def start(self):
        if not self.card.data_dir:
            return
        try:
            from firmware.admin.local_socket import SOCKET_NAME, LocalAdmin  # CPython
        except ImportError:
            return                 # MicroPython: management goes through the web UI
        socket = LocalAdmin(self.card.data_dir + "/" + SOCKET_NAME, self._handle)
        await socket.start()
        self.socket = socket

    async def _handle(self, op, args, user):
        return await self.ops.handle(op, args, Caller(user, "console"))

    async def stop(self):
        if self.socket is not None:
            await self.socket.stop()
            self.socket = None

    def endpoints(self):
        return {"status": self.socket.path} if self.socket is not None else {}

    def status(self):
        return self.socket.status() if self.socket is not None else {}
