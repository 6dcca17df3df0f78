"""Start and steer the UPS simulator (`python -m tools.upssim.cli`) as a separate process, for tests.

    with start_sim(tmp_path, profile="netys-rt", baud=9600) as sim:
        open sim.link with any serial client ...
        sim.scenario("mains-failure"); sim.set(load=95); sim.fault(crc_error_rate=0.2)
        sim.state()["physics"]["battery_charge"]

Options map to command-line flags: parity="E", slave=2, turnaround_ms=5, accel=60.0, units=3,
modules=4, seed=1 (faults). The control API listens on an ephemeral port.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from tests.procs import stop_process

READY_PREFIX = "upssim ready "
START_DEADLINE_S = 30.0
ROOT = Path(__file__).resolve().parent.parent


class SimError(RuntimeError):
    """The simulator did not start, or its control API refused a request."""


class Sim:
    """A running simulator process: its serial link, its control URL and helpers for both."""

    def __init__(self, proc: subprocess.Popen, link: str, control_url: str, log: Path) -> None:
        self.proc = proc
        self.link = link
        self.control_url = control_url
        self.log = log

    # ------------------------------------------------------------------ control API
    def request(self, method: str, path: str, body: object = None) -> dict:
        """One control call; raises SimError with the server's message on a 4xx/5xx."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.control_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            raise SimError(f"{method} {path}: {exc.code} {exc.read().decode()}") from None

    def state(self) -> dict:
        return self.request("GET", "/state")

    def set(self, **kv: object) -> dict:
        return self.request("POST", "/set", kv)

    def scenario(self, name: str) -> dict:
        return self.request("POST", "/scenario", {"name": name})

    def fault(self, **kv: object) -> dict:
        """Set faults; fault() with no arguments clears them."""
        return self.request("POST", "/fault", kv or "clear")

    def command(self, name: str) -> dict:
        return self.request("POST", "/command", {"name": name})

    def registers(self, slave: int | None = None) -> dict[int, int]:
        """The raw register image of one slave (the base address when None)."""
        st = self.state()
        key = str(slave if slave is not None else st["base"])
        return {int(a, 16): w for a, w in st["devices"][key]["registers"].items()}

    def wait_for(self, predicate, timeout: float = 20.0, what: str = "condition") -> dict:
        """Poll state() until predicate(state) is true; fail with the last state at the deadline."""
        end = time.monotonic() + timeout
        while True:
            st = self.state()
            if predicate(st):
                return st
            if time.monotonic() > end:
                raise AssertionError(f"simulator: {what} not reached in {timeout}s; "
                                     f"physics={st['physics']}")
            time.sleep(0.05)

    # ------------------------------------------------------------------ lifetime
    def stop(self, timeout: float = 10.0) -> int:
        """SIGTERM, wait; kill if it does not stop. Returns the exit code."""
        return stop_process(self.proc, timeout)

    def __enter__(self) -> "Sim":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def sim_command(link: str, profile: str, baud: int, **opts: object) -> list[str]:
    cmd = [sys.executable, "-m", "tools.upssim.cli", "--profile", profile, "--baud", str(baud),
           "--link", link, "--control", "127.0.0.1:0"]
    for key, value in opts.items():
        if value is None:
            continue
        cmd += ["--" + key.replace("_", "-"), str(value)]
    return cmd


def start_sim(tmp_path: Path | str, profile: str = "netys-rt", baud: int = 9600,
              name: str = "ttyUPS", **opts: object) -> Sim:
    """Start a simulator whose serial link is tmp_path/name; wait (with a deadline) until ready."""
    tmp_path = Path(tmp_path)
    link = str(tmp_path / name)
    log = tmp_path / (name + ".log")
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with open(log, "wb") as err:
        proc = subprocess.Popen(sim_command(link, profile, baud, **opts), stdout=subprocess.PIPE,
                                stderr=err, cwd=str(ROOT), env=env, text=True)
    ready: list[str] = []

    def read_ready() -> None:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        ready.append(line)

    reader = threading.Thread(target=read_ready, daemon=True)
    reader.start()
    reader.join(START_DEADLINE_S)
    line = ready[0] if ready else ""
    if not line.startswith(READY_PREFIX):
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        raise SimError(f"upssim did not become ready within {START_DEADLINE_S}s "
                       f"(exit {proc.returncode}): {line!r}; log: {log.read_text()[-2000:]}")
    fields = dict(part.split("=", 1) for part in line.split()[2:])
    return Sim(proc, fields["link"], fields["control"], log)


def exchange_raw(link: str, baud: int, request: bytes, expected: int,
                 deadline_s: float = 5.0) -> tuple[bytes, list[float], float]:
    """Send one raw frame on the line and collect up to `expected` answer bytes.

    Returns (bytes, arrival time of each chunk, time the request was written), so tests can check
    the wire pacing as well as the frame.
    """
    import serial

    with serial.Serial(link, baud, timeout=0) as port:
        port.write(request)
        sent = time.monotonic()
        stamps, got = [], b""
        end = sent + deadline_s
        while len(got) < expected and time.monotonic() < end:
            chunk = port.read(512)
            if chunk:
                stamps.append(time.monotonic())
                got += chunk
            else:
                time.sleep(0.0005)
    return got, stamps, sent
