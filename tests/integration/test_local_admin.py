"""The local management socket's bounds, on a real unix socket: a bad client cannot hurt the card.

Private mode from creation, peer user from the kernel, oversize / garbage / silent requests
answered with a clear error, too many clients refused, a failing handler reported; after each,
the socket still serves the next client.
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import socket
import stat
import time

from firmware.admin.args import OpError
from firmware.admin.local_socket import LocalAdmin, call


async def handler(op: str, args: dict, user: str) -> object:
    if op == "status":
        return {"user": user}
    if op == "echo":
        return args
    if op == "slow":
        await asyncio.sleep(args.get("s", 1.0))
        return "late"
    if op == "bad":
        raise OpError("refused on purpose", detail={"field": "why"})
    raise ZeroDivisionError("a bug")


def serve(tmp_path, body, **bounds) -> None:
    """Run LocalAdmin in a thread-free loop; body(path) runs the blocking clients in a thread."""
    path = str(tmp_path / "admin.sock")

    async def main() -> None:
        admin = LocalAdmin(path, handler, **bounds)
        await admin.start()
        try:
            await asyncio.get_running_loop().run_in_executor(None, body, path)
        finally:
            await admin.stop()
        assert not os.path.exists(path)

    asyncio.run(main())


def raw(path: str, data: bytes, shut: bool = True, timeout: float = 10.0) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        try:
            s.sendall(data)
        except BrokenPipeError:
            pass          # the card closed after refusing: the answer is still there to read
        if shut:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return json.loads(b"".join(chunks))


def test_private_socket_and_peer_user(tmp_path):
    def body(path: str) -> None:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_ISSOCK(os.stat(path).st_mode)
        assert call(path, "status")["result"] == {"user": getpass.getuser()}
        # The user is the kernel's answer, whatever the client claims.
        assert call(path, "echo", {"user": "mallory"})["result"] == {"user": "mallory"}
        assert call(path, "status", {"user": "mallory"})["result"]["user"] == getpass.getuser()
        assert raw(path, b"")["result"] == {"user": getpass.getuser()}   # empty = status

    serve(tmp_path, body)


def test_bad_requests_get_clear_errors_and_the_socket_keeps_serving(tmp_path):
    def body(path: str) -> None:
        cases = [(b"not json\n", "not JSON"), (b"[1, 2]\n", "must be an object"),
                 (b'{"op": "echo", "args": [1]}\n', '"args" must be an object'),
                 (b"x" * 5000 + b"\n", "larger than 4096 bytes"),
                 (b'{"op": "nope"}\n', "internal error")]
        for data, why in cases:
            answer = raw(path, data)
            assert answer["ok"] is False and why in answer["error"], (data[:40], answer)
        answer = call(path, "bad")
        assert answer == {"ok": False, "kind": "usage", "error": "refused on purpose",
                          "detail": {"field": "why"}}
        assert call(path, "echo", {"a": 1}) == {"ok": True, "result": {"a": 1}}

    serve(tmp_path, body, max_request=4096)


def test_silent_slow_and_crowding_clients_are_bounded(tmp_path):
    def body(path: str) -> None:
        # Connected but silent: answered when the request time is up, not held forever.
        answer = raw(path, b"", shut=False)
        assert answer["ok"] is False and "no request within" in answer["error"], answer
        # A handler over its time.
        answer = call(path, "slow", {"s": 5.0})
        assert answer["ok"] is False and "no answer within" in answer["error"], answer
        # Two silent clients fill the slots: the third is told the card is busy.
        holders = []
        for _ in range(2):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            holders.append(s)
        try:
            busy = {}
            for _ in range(50):       # the server counts a client once it has accepted it
                busy = call(path, "echo", {})
                if busy.get("kind") == "busy":
                    break
            assert busy.get("kind") == "busy", busy
        finally:
            for s in holders:
                s.close()
        # Once the card sees them gone, their slots serve again.
        deadline = time.monotonic() + 10
        answer = call(path, "echo", {"b": 2})
        while answer.get("kind") == "busy" and time.monotonic() < deadline:
            time.sleep(0.05)
            answer = call(path, "echo", {"b": 2})
        assert answer == {"ok": True, "result": {"b": 2}}, answer

    serve(tmp_path, body, request_timeout_s=2.0, handler_timeout_s=0.5, max_clients=2)
