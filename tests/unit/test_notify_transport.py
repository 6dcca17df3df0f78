"""Tests for firmware.notify.transport on each event loop the card may run on (asyncio, uvloop)."""

import asyncio
import socket

import pytest
import uvloop

from firmware.notify.transport import Datagrams

LOOPS = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}


@pytest.mark.parametrize("loop_name", sorted(LOOPS))
def test_datagrams_leave_on_every_loop(loop_name):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rx:
        rx.bind(("127.0.0.1", 0))
        rx.settimeout(5)
        sender = Datagrams("127.0.0.1", rx.getsockname()[1], broadcast=True)
        sent = [b"one", b"two", b"three"]
        with asyncio.Runner(loop_factory=LOOPS[loop_name]) as runner:
            runner.run(sender.send_all(sent))
            runner.run(sender.send(b"four"))
        assert [rx.recv(64) for _ in range(4)] == sent + [b"four"]

