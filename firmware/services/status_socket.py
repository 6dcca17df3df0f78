"""Local status endpoint: a unix socket in the data folder that answers one JSON snapshot.

`opennmc status` connects to it; nothing is read from the client, so there is nothing to parse and
nothing to abuse. The socket file is private to the card's user (mode 0600).
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Callable

SOCKET_NAME = "opennmc.sock"


class StatusSocket:
    """Serves status() as one JSON document per connection."""

    def __init__(self, path: str, status: Callable[[], dict]) -> None:
        """Serve `status()` on the unix socket `path`."""
        self.path = path
        self._status = status
        self._server: asyncio.AbstractServer | None = None
        self.requests = 0

    async def start(self) -> str:
        """Bind the socket (replacing a leftover file from an unclean stop)."""
        if os.path.exists(self.path):
            os.unlink(self.path)
        self._server = await asyncio.start_unix_server(self._serve, self.path)
        os.chmod(self.path, 0o600)
        return self.path

    async def stop(self) -> None:
        """Close the socket and remove its file."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        if os.path.exists(self.path):
            os.unlink(self.path)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.requests += 1
        try:
            writer.write(json.dumps(self._status(), sort_keys=True, default=str).encode() + b"\n")
            await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()


def read_status(path: str, timeout_s: float = 5.0) -> dict:
    """The snapshot of the card serving `path` (blocking client for the command line)."""
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout_s)
        s.connect(path)
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    return json.loads(b"".join(chunks))
