"""Start the firmware (`python -m firmware run`) as a separate process, for tests.

    with start_card(tmp_path, serial=sim.link, sets=["nut.users=mon:pw:secondary"]) as card:
        card.nut_port, card.status(), card.stop()

The NUT server and the SSH console bind ephemeral ports on 127.0.0.1; the card's ready line
tells which.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from tests.procs import stop_process

ROOT = Path(__file__).resolve().parent.parent
READY_PREFIX = "opennmc ready "
START_DEADLINE_S = 30.0
# The web interface on ephemeral ports of the loopback address (card.http_url, card.https_url).
WEB_SETS = ["--set", "http.port=0", "--set", "https.port=0", "--set", "http.bind=127.0.0.1"]


class CardError(RuntimeError):
    """The firmware did not start or did not answer."""


class Card:
    """A running firmware process with its endpoints."""

    def __init__(self, proc: subprocess.Popen, ready: dict, data_dir: Path, log: list) -> None:
        self.proc = proc
        self.ready = ready
        self.data_dir = data_dir
        self.log = log
        self.nut_host, self.nut_port = None, None     # no NUT server running at start
        if "nut" in ready:
            host, port = ready["nut"].rsplit(":", 1)
            self.nut_host, self.nut_port = host, int(port)
        self.http_url = "http://" + ready["http"] if "http" in ready else None
        self.https_url = "https://" + ready["https"] if "https" in ready else None

    @property
    def nut_address(self) -> str:
        return "%s:%d" % (self.nut_host, self.nut_port)

    def status(self) -> dict:
        """The card's snapshot through `opennmc status` (the real command line)."""
        out = subprocess.run([sys.executable, "-m", "firmware", "status", "--data-dir",
                              str(self.data_dir)], capture_output=True, text=True, timeout=30,
                             cwd=ROOT)
        if out.returncode != 0:
            raise CardError("opennmc status failed: " + out.stderr)
        return json.loads(out.stdout)

    def wait_for(self, predicate, timeout: float = 30.0, what: str = "condition") -> dict:
        """Poll the status until predicate(status) is true; CardError at the deadline."""
        end = time.monotonic() + timeout
        last = None
        while time.monotonic() < end:
            last = self.status()
            if predicate(last):
                return last
            time.sleep(0.2)
        raise CardError("timed out waiting for %s; last status: %s"
                        % (what, json.dumps(last)[:2000]))

    def stop(self, timeout: float = 15.0) -> int:
        return stop_process(self.proc, timeout)

    def __enter__(self) -> "Card":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_card(tmp_path: Path | str, serial: str | None = None, sets: list[str] | None = None,
               data_dir: Path | None = None) -> Card:
    """Run the firmware on the sim board with ephemeral NUT, SSH and SNMP ports; wait for its
    ready line."""
    data_dir = Path(data_dir or Path(tmp_path) / "card")
    data_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "firmware", "run", "--board", "sim", "--data-dir", str(data_dir),
           "--set", "nut.port=0", "--set", "nut.bind=127.0.0.1",
           "--set", "ssh.port=0", "--set", "ssh.bind=127.0.0.1",
           "--set", "snmp.port=0", "--set", "snmp.bind=127.0.0.1"]
    cmd += WEB_SETS
    if serial:
        cmd += ["--serial", serial]
    for s in sets or []:
        cmd += ["--set", s]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            cwd=ROOT, env=env)
    log: list[str] = []
    ready: dict = {}
    got = threading.Event()

    def pump() -> None:
        for line in proc.stdout:
            log.append(line)
            if line.startswith(READY_PREFIX) and not got.is_set():
                for field in line[len(READY_PREFIX):].split():
                    k, _, v = field.partition("=")
                    ready[k] = v
                got.set()

    threading.Thread(target=pump, daemon=True).start()
    end = time.monotonic() + START_DEADLINE_S
    while not got.wait(0.1):
        if proc.poll() is not None or time.monotonic() > end:
            proc.kill()
            raise CardError("opennmc did not get ready:\n" + "".join(log))
    return Card(proc, ready, data_dir, log)
