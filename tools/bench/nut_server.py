"""Benchmark of the card's NUT server beside NUT's own upsd, serving the same variables (JSON out).

    python -m tools.bench.nut_server [--clients 1000] [--requests 3000]

Both servers run as their own processes on loopback: the card (`opennmc run`) reading the UPS
simulator, and upsd with a dummy-ups driver serving the variables the card serves (from upsc).
For each: GET VAR rate on one connection, LIST VAR time, and with N clients connected from N
loopback addresses (127.0.0.x, as N hosts would) the time from FSD until every client has read
it in ups.status, the server's memory per connection, and whether a legitimate upsc still gets
its answer. Ratios are card / upsd (rate: higher is better; times and memory: lower is better).

The card polls at its default rate, as a user's card does. The rate and LIST VAR figures are the
median of ROUNDS rounds that alternate between the two servers, so a burst of load on the machine
weighs on both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.cardharness import start_card  # noqa: E402
from tests.simharness import start_sim  # noqa: E402

USER, PASSWORD = "bench", "Bench-Pw-2718"
ROUNDS = 5


def nut_program(name: str) -> str:
    for folder in ("/lib/nut", "/usr/lib/nut", "/usr/sbin", "/sbin"):
        if os.access(os.path.join(folder, name), os.X_OK):
            return os.path.join(folder, name)
    raise SystemExit(f"{name} not found: install nut-server (tools/ci-packages.txt)")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Upsd:
    """NUT's upsd with a dummy-ups driver, on a free loopback port."""

    def __init__(self, folder: Path, variables: dict[str, str]) -> None:
        self.folder = folder
        (folder / "ups.dev").write_text("".join(f"{k}: {v}\n" for k, v in variables.items()
                                                if not k.startswith("driver.")))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        files = {"ups.conf": "[ups]\n driver = dummy-ups\n port = ups.dev\n desc = \"bench\"\n",
                 "upsd.conf": f"LISTEN 127.0.0.1 {self.port}\nMAXCONN 4096\n",
                 "upsd.users": f"[{USER}]\n password = {PASSWORD}\n upsmon primary\n",
                 "nut.conf": "MODE=standalone\n"}
        for name, text in files.items():
            (folder / name).write_text(text)
            os.chmod(folder / name, 0o640)
        env = dict(os.environ, NUT_CONFPATH=str(folder), NUT_STATEPATH=str(folder),
                   NUT_ALTPIDPATH=str(folder))
        self.driver = subprocess.Popen([nut_program("dummy-ups"), "-a", "ups", "-u", "root", "-F"],
                                       env=env, cwd=folder, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        time.sleep(0.5)      # the driver's socket must exist before upsd starts (no event to wait)
        self.proc = subprocess.Popen([nut_program("upsd"), "-F", "-u", "root"], env=env,
                                     cwd=folder, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if ask(self.port, "GET VAR ups ups.status").startswith("VAR"):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("upsd did not answer")

    def stop(self) -> None:
        for p in (self.proc, self.driver):
            p.terminate()
            p.wait(10)


def ask(port: int, line: str) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(line.encode() + b"\n")
        return s.makefile().readline().strip()


async def rate(port: int, n: int) -> float:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    start = time.perf_counter()
    for _ in range(n):
        writer.write(b"GET VAR ups ups.status\n")
        await reader.readline()
    elapsed = time.perf_counter() - start
    writer.close()
    return n / elapsed


async def list_var_ms(port: int, rounds: int = 100) -> float:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        writer.write(b"LIST VAR ups\n")
        while not (await reader.readline()).startswith(b"END LIST"):
            pass
        times.append((time.perf_counter() - start) * 1000)
    writer.close()
    return statistics.median(times)


async def crowd(port: int, clients: int, pid: int, set_fsd) -> dict:
    """N logged-in clients from N loopback addresses; FSD; time until all read it."""
    before = rss_kib(pid)
    conns = []
    for i in range(clients):
        host = "127.0.%d.%d" % (1 + i // 250, 1 + i % 250)
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(host, 0))
        for line in (f"USERNAME {USER}", f"PASSWORD {PASSWORD}", "LOGIN ups"):
            writer.write(line.encode() + b"\n")
        conns.append((reader, writer))
    for reader, _w in conns:
        for _ in range(3):
            await reader.readline()
    connected = rss_kib(pid)
    upsc_ok = await asyncio.to_thread(ask, port, "GET VAR ups ups.status")
    await asyncio.to_thread(set_fsd)
    start = time.perf_counter()

    async def sees_fsd(reader, writer) -> None:
        while True:
            writer.write(b"GET VAR ups ups.status\n")
            if b"FSD" in await reader.readline():
                return

    await asyncio.gather(*(sees_fsd(r, w) for r, w in conns))
    fan_out_ms = (time.perf_counter() - start) * 1000
    for _r, writer in conns:
        writer.close()
    return {"fsd_fan_out_ms": round(fan_out_ms, 1),
            "rss_kib_per_connection": round((connected - before) / clients, 2),
            "upsc_answered_while_full": upsc_ok.startswith("VAR")}


def set_fsd_by_client(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        f = s.makefile()
        for line in (f"USERNAME {USER}", f"PASSWORD {PASSWORD}", "PRIMARY ups", "FSD ups"):
            s.sendall(line.encode() + b"\n")
            f.readline()


def speeds(ports: dict[str, int], requests: int) -> dict[str, dict]:
    """GET VAR rate and LIST VAR time of each server, medians of alternating rounds."""
    rates: dict[str, list] = {name: [] for name in ports}
    lists: dict[str, list] = {name: [] for name in ports}
    for _ in range(ROUNDS):
        for name, port in ports.items():
            rates[name].append(asyncio.run(rate(port, requests)))
            lists[name].append(asyncio.run(list_var_ms(port, 20)))
    return {name: {"get_var_per_s": round(statistics.median(rates[name])),
                   "list_var_ms": round(statistics.median(lists[name]), 3)} for name in ports}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="nutbench"))
    try:
        with start_sim(folder, profile="masterys-33", baud=57600) as sim, \
                start_card(folder, serial=sim.link,
                           sets=["nut.max_clients=%d" % (args.clients + 16),
                                 f"nut.users={USER}:{PASSWORD}:primary"]) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
            variables = dict(line.split(": ", 1) for line in subprocess.run(
                [shutil.which("upsc") or nut_program("upsc"), "ups@" + card.nut_address],
                capture_output=True, text=True, timeout=30).stdout.splitlines() if ": " in line)
            (folder / "upsd").mkdir()
            upsd = Upsd(folder / "upsd", variables)
            try:
                figures = speeds({"card": card.nut_port, "upsd": upsd.port}, args.requests)
                for name, port, pid in (("card", card.nut_port, card.proc.pid),
                                        ("upsd", upsd.port, upsd.proc.pid)):
                    figures[name].update(asyncio.run(crowd(port, args.clients, pid,
                                                           lambda: set_fsd_by_client(port))))
            finally:
                upsd.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    card_figures, upsd_figures = figures["card"], figures["upsd"]
    ratios = {
        "get_var_rate": round(card_figures["get_var_per_s"] / upsd_figures["get_var_per_s"], 2),
        "list_var_time": round(card_figures["list_var_ms"] / upsd_figures["list_var_ms"], 2),
        "fsd_fan_out_time": round(card_figures["fsd_fan_out_ms"] / upsd_figures["fsd_fan_out_ms"],
                                  2),
    }
    print(json.dumps({"variables": len(variables), "clients": args.clients,
                      "card": card_figures, "upsd": upsd_figures, "card_over_upsd": ratios},
                     indent=2))


if __name__ == "__main__":
    main()
