"""Local management socket: a unix socket (mode 0600) in the data folder, one JSON request each.

Whoever can open the socket is the card's administrator, as on a serial console. The user named
in change events is the OS account the kernel reports for the peer (SO_PEERCRED), never a name
the client claims. One connection carries one request and one answer, each a JSON line:

    client                                           card
      {"op": "config.set", "args": {...}}\\n    ->
                                                <-   {"ok": true, "result": ...}\\n
                                                <-   {"ok": false, "kind": "usage", "error": "...",
                                                      "detail": {...}}\\n          (then it closes)

"kind" is "usage" for a request the card refused (bad input: nothing was changed), "failed" when
the card could not do it (no UPS link, NTP server silent), "busy" when too many clients are
connected. An empty request (the client shuts down its sending side at once) asks for the status
snapshot, so `opennmc status` of older builds still works.

Bounds keep a bad client from hurting the card: a request is at most MAX_REQUEST bytes and must
arrive within REQUEST_TIMEOUT_S, a handler gets HANDLER_TIMEOUT_S, at most MAX_CLIENTS connections
are served at once.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import stat
import struct
from collections.abc import Awaitable, Callable

from firmware.admin.args import OpError

SOCKET_NAME = "opennmc.sock"
MAX_REQUEST = 256 * 1024           # a configuration backup is about 10 KiB
REQUEST_TIMEOUT_S = 5.0
HANDLER_TIMEOUT_S = 30.0
MAX_CLIENTS = 4

Handler = Callable[[str, dict, str], Awaitable[object]]


def peer_user(writer: asyncio.StreamWriter) -> str:
    """The OS user name of the process at the other end of a unix socket."""
    sock = writer.get_extra_info("socket")
    try:
        raw = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        uid = struct.unpack("3i", raw)[1]
    except (OSError, AttributeError):
        return "console"
    try:
        import pwd
        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return "uid%d" % uid


def parse_request(line: bytes) -> tuple[str, dict]:
    """(op, args) of one request line; OpError for anything else."""
    if not line.strip():
        return "status", {}
    try:
        request = json.loads(line)
    except (UnicodeError, ValueError) as exc:
        raise OpError("request is not JSON: %s" % exc) from None
    if not isinstance(request, dict) or not isinstance(request.get("op"), str):
        raise OpError('request must be an object {"op": "...", "args": {...}}')
    args = request.get("args", {})
    if not isinstance(args, dict):
        raise OpError('"args" must be an object')
    return request["op"], args


class LocalAdmin:
    """Serves handler(op, args, user) on a private unix socket."""

    def __init__(self, path: str, handler: Handler, max_request: int = MAX_REQUEST,
                 request_timeout_s: float = REQUEST_TIMEOUT_S,
                 handler_timeout_s: float = HANDLER_TIMEOUT_S,
                 max_clients: int = MAX_CLIENTS) -> None:
        """Serve `handler` on the unix socket `path` with the given bounds."""
        self.path = path
        self.handler = handler
        self.max_request = max_request
        self.request_timeout_s = request_timeout_s
        self.handler_timeout_s = handler_timeout_s
        self.max_clients = max_clients
        self._server: asyncio.AbstractServer | None = None
        self._active = 0
        self.requests = 0
        self.refused = 0

    async def start(self) -> str:
        """Bind the socket, private from its creation (a leftover file is replaced)."""
        try:
            if stat.S_ISSOCK(os.lstat(self.path).st_mode):
                os.unlink(self.path)
        except FileNotFoundError:
            pass
        old = os.umask(0o177)          # no window in which others could connect
        try:
            self._server = await asyncio.start_unix_server(self._serve, self.path,
                                                           limit=self.max_request + 1)
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        return self.path

    async def stop(self) -> None:
        """Close the socket and remove its file."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass

    async def _read_request(self, reader: asyncio.StreamReader) -> bytes:
        try:
            return await asyncio.wait_for(reader.readuntil(b"\n"), self.request_timeout_s)
        except asyncio.IncompleteReadError as exc:   # closed without a newline: take it whole
            if len(exc.partial) > self.max_request:
                raise OpError("request larger than %d bytes" % self.max_request) from None
            return exc.partial
        except asyncio.LimitOverrunError:
            raise OpError("request larger than %d bytes" % self.max_request) from None
        except asyncio.TimeoutError:
            raise OpError("no request within %g s" % self.request_timeout_s) from None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._active >= self.max_clients:
            self.refused += 1
            await self._answer(writer, {"ok": False, "kind": "busy",
                                        "error": "too many management clients; try again"})
            return
        self._active += 1
        try:
            try:
                op, args = parse_request(await self._read_request(reader))
                self.requests += 1
                result = await asyncio.wait_for(self.handler(op, args, peer_user(writer)),
                                                self.handler_timeout_s)
                answer = {"ok": True, "result": result}
            except OpError as exc:
                answer = {"ok": False, "kind": exc.kind, "error": exc.message}
                if exc.detail is not None:
                    answer["detail"] = exc.detail
            except asyncio.TimeoutError:
                answer = {"ok": False, "kind": "failed",
                          "error": "no answer within %g s" % self.handler_timeout_s}
            except Exception as exc:   # a bug in one request must not take the card down
                answer = {"ok": False, "kind": "failed", "error": "internal error: %r" % exc}
            await self._answer(writer, answer)
        finally:
            self._active -= 1

    async def _answer(self, writer: asyncio.StreamWriter, answer: dict) -> None:
        try:
            writer.write(json.dumps(answer, sort_keys=True, default=str).encode() + b"\n")
            await asyncio.wait_for(writer.drain(), self.request_timeout_s)
        except (ConnectionError, OSError, asyncio.TimeoutError):
            pass
        finally:
            writer.close()

    def status(self) -> dict:
        """Counters for the status page."""
        return {"path": self.path, "requests": self.requests, "refused": self.refused,
                "active": self._active}


# --- the client (blocking, for the command line) --------------------------------------------------
def call(path: str, op: str, args: dict | None = None, timeout_s: float = 60.0) -> dict:
    """Send one request to the card at `path`; the answer object ({"ok": ...}).

    OSError when no card answers, ValueError when the answer is not JSON."""
    line = json.dumps({"op": op, "args": args or {}}).encode() + b"\n"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout_s)
        s.connect(path)
        s.sendall(line)
        s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    answer = json.loads(b"".join(chunks))
    if not isinstance(answer, dict) or "ok" not in answer:
        raise ValueError("not an answer from the card")
    return answer
