"""The card tells systemd it is ready and alive (firmware/service/): READY=1 once every feature
has started, WATCHDOG=1 from its event loop every half WatchdogSec, STOPPING=1 at the end.

The firmware process gets NOTIFY_SOCKET and WATCHDOG_USEC as systemd gives them to a
Type=notify service; the test listens on that datagram socket as systemd would.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.procs import stop_process

pytestmark = pytest.mark.timeout(120)
ROOT = Path(__file__).resolve().parents[2]


def test_ready_watchdog_and_stopping(tmp_path):
    address = str(tmp_path / "notify.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(address)
    listener.settimeout(1)
    env = dict(os.environ, NOTIFY_SOCKET=address, WATCHDOG_USEC="2000000")
    env.pop("WATCHDOG_PID", None)
    data = tmp_path / "card"
    proc = subprocess.Popen(
        [sys.executable, "-m", "firmware", "run", "--board", "sim", "--data-dir", str(data),
         "--serial", str(tmp_path / "no-ups"), "--set", "nut.port=0", "--set", "ssh.port=0",
         "--set", "snmp.port=0", "--set", "http.port=0", "--set", "https.port=0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, env=env)
    got: list[tuple[float, str]] = []
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end and \
                sum(1 for _t, m in got if m == "WATCHDOG=1") < 3:
            try:
                got.append((time.monotonic(), listener.recv(4096).decode()))
            except socket.timeout:
                assert proc.poll() is None, proc.stdout.read()
        messages = [m for _t, m in got]
        assert messages[0] == "READY=1\nSTATUS=running"
        # They keep coming while the card runs (their pace is the event loop's: no timing
        # is asserted on a shared machine).
        assert [m for m in messages[1:] if m != "WATCHDOG=1"] == []
    finally:
        stop_process(proc)
    tail = []
    while True:
        try:
            tail.append(listener.recv(4096).decode())
        except socket.timeout:
            break
    listener.close()
    assert "STOPPING=1" in tail
