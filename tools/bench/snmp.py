"""Benchmark of the card's SNMP agent beside net-snmp's snmpd serving the same tree (JSON out).

    python -m tools.bench.snmp [--seconds 3] [--runs 20] [--window 16]

In one run, on this machine:
- the card (`opennmc run`) reading the UPS simulator, and snmpd (`override` lines) serving a
  static copy of the card's tree: the same OIDs, types and values;
- bulk walk of the whole tree (net-snmp's snmpbulkwalk, the same client for both), best of 5;
- GETs per second: one UDP client keeping `window` GETs of single objects in flight for
  `seconds`, the same packets for both agents;
- the poll period with and without a bulk walk of the whole tree every second (poll.rate 1);
- the time from a mains failure on the simulator to the trap at snmptrapd, `runs` times, at
  9600 baud with the default poll rate (NET VISION's manual: traps 2-5 s after the event), and
  from a card event on the bus (the test trap) to snmptrapd;
- the card's resident memory with every feature running, SNMP included.
Ratios are card / snmpd (rate: higher is better; times: lower is better).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from firmware.admin.local_socket import SOCKET_NAME, call  # noqa: E402
from firmware.snmp import ber  # noqa: E402
from tests.cardcli import cli_ok  # noqa: E402
from tests.cardharness import start_card  # noqa: E402
from tests.simharness import start_sim  # noqa: E402
from tests.snmpharness import NetSnmp, TrapReceiver, free_udp_port, trap_numbers  # noqa: E402

ROOTS = (".1.3.6.1.2.1.33", ".1.3.6.1.4.1.4555")     # the UPS trees both agents serve
NV_TRAPS = ".1.3.6.1.4.1.4555.1.1.7.2"
TYPES = {"INTEGER": "integer", "STRING": "octet_str", "OID": "object_id",
         "Timeticks": "timeticks", "Gauge32": "unsigned", "Counter32": "counter"}


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def walk(tools: NetSnmp, address: str) -> dict[str, str]:
    out = {}
    for root in ROOTS:
        out.update(tools.values("snmpbulkwalk", "-v2c", "-c", "public", "-Cr25", address, root))
    return out


def walk_time(tools: NetSnmp, address: str) -> float:
    best = None
    for _ in range(5):
        start = time.perf_counter()
        walk(tools, address)
        took = time.perf_counter() - start
        best = took if best is None else min(best, took)
    return best


class Snmpd:
    """net-snmp's agent serving a static copy of a walk, on a free loopback port."""

    def __init__(self, folder: Path, tree: dict[str, str]) -> None:
        lines = ["rocommunity public 127.0.0.1"]
        for oid, typed in tree.items():
            kind, _, value = typed.partition(": ") if typed != '""' else ("STRING", "", "")
            if kind not in TYPES:
                continue
            if kind == "Timeticks":
                value = value.split(")")[0].strip("(")
            if kind == "STRING" or (not value and kind != "INTEGER"):
                value = '"%s"' % value.strip('"')
            lines.append("override %s %s %s" % (oid, TYPES[kind], value or '""'))
        conf = folder / "snmpd.conf"
        conf.write_text("\n".join(lines) + "\n")
        self.port = free_udp_port()
        env = dict(os.environ, MIBS="", SNMP_PERSISTENT_DIR=str(folder))
        self.proc = subprocess.Popen(["snmpd", "-f", "-Lo", "-C", "-c", str(conf),
                                      "udp:127.0.0.1:%d" % self.port], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.address = "127.0.0.1:%d" % self.port

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def get_rate(address: str, oids: list[tuple], seconds: float, window: int) -> float:
    """Answered GETs a second with `window` requests in flight on one UDP socket."""
    host, port = address.rsplit(":", 1)
    packets = [ber.encode_message(ber.V2C, b"public", ber.encode_pdu(
        ber.GET, i + 1, 0, 0, [(oids[i % len(oids)], (ber.NULL, None))])) for i in range(4096)]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect((host, int(port)))
        sock.settimeout(1.0)
        answered, sent = 0, 0
        end = time.perf_counter() + seconds
        for _ in range(window):
            sock.send(packets[sent % len(packets)])
            sent += 1
        start = time.perf_counter()
        while time.perf_counter() < end:
            try:
                sock.recv(65535)
            except socket.timeout:
                for _ in range(window):        # lost answers: refill the window
                    sock.send(packets[sent % len(packets)])
                    sent += 1
                continue
            answered += 1
            sock.send(packets[sent % len(packets)])
            sent += 1
        return answered / (time.perf_counter() - start)


def poll_period(card, seconds: float) -> float:
    first = card.status()["poller"]["counters"]["cycles"]
    start = time.monotonic()
    time.sleep(seconds)
    last = card.status()["poller"]["counters"]["cycles"]
    return (time.monotonic() - start) / max(1, last - first)


def trap_latency(tmp: Path, runs: int) -> dict:
    """Mains failure -> first NET VISION on-battery trap at snmptrapd, 9600 baud, defaults."""
    samples = []
    with TrapReceiver(tmp) as trapd, start_sim(tmp, profile="netys-rt", baud=9600,
                                               name="ttyLatency") as sim:
        sets = ["snmp.port=0", "snmp.bind=127.0.0.1",
                "snmp.traps=%s/netvision/v2c/public" % trapd.address]
        with start_card(tmp, serial=sim.link, sets=sets, data_dir=tmp / "latency") as card:
            card.wait_for(lambda s: "OL" in s["ups"]["values"].get("ups.status", ""),
                          timeout=60, what="on line")
            for _ in range(runs):
                before = len(trapd.traps())
                time.sleep(random.uniform(0, 2))      # any phase of the poll cycle
                start = time.monotonic()
                sim.scenario("mains-failure")
                trapd.wait_for(lambda t: 1 in trap_numbers(t[before:], NV_TRAPS), timeout=30,
                               what="the on-battery trap")
                index = [i for i, t in enumerate(trapd.traps()) if i >= before
                         and t["trap"] == NV_TRAPS + ".1"][0]
                samples.append(trapd.stamps[index] - start)
                before = len(trapd.traps())
                sim.scenario("mains-return")
                trapd.wait_for(lambda t: 23 in trap_numbers(t[before:], NV_TRAPS), timeout=30,
                               what="power restored")
            bus = bus_to_trap(card, trapd, runs)
    samples.sort()
    return {"runs": runs, "bus_to_trap": bus, "p50_s": round(samples[len(samples) // 2], 3),
            "p95_s": round(samples[min(len(samples) - 1, int(0.95 * len(samples)))], 3),
            "max_s": round(samples[-1], 3), "target_p95_s": 0.5,
            "net_vision_s": "2-5 (manual)"}


def bus_to_trap(card, trapd: TrapReceiver, runs: int) -> dict:
    """The test trap: from the card event on the bus to the trap at snmptrapd (an upper bound:
    the local socket's round trip is inside)."""
    samples = []
    path = str(card.data_dir / SOCKET_NAME)
    for _ in range(runs):
        before = len(trapd.traps())
        start = time.monotonic()
        call(path, "snmp.test_trap", {})
        trapd.wait_for(lambda t: 40 in trap_numbers(t[before:], NV_TRAPS), timeout=10,
                       what="the test trap")
        index = [i for i, t in enumerate(trapd.traps()) if i >= before
                 and t["trap"] == NV_TRAPS + ".40"][0]
        samples.append(trapd.stamps[index] - start)
    samples.sort()
    return {"p95_ms": round(1000 * samples[min(len(samples) - 1, int(0.95 * len(samples)))], 1),
            "target_ms": 100}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--window", type=int, default=16)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-snmp-"))
    tools = NetSnmp(tmp)
    result = {}
    with start_sim(tmp, profile="netys-rt", baud=57600) as sim:
        sets = ["snmp.port=0", "snmp.bind=127.0.0.1", "snmp.max_rate=0", "poll.rate=1"]
        with start_card(tmp, serial=sim.link, sets=sets) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
            address = card.ready["snmp"]
            tree = walk(tools, address)
            snmpd = Snmpd(tmp, tree)
            try:
                time.sleep(1.0)
                served = walk(tools, snmpd.address)
                oids = [tuple(int(x) for x in o.strip(".").split(".")) for o in list(tree)[:64]]
                card_walk, snmpd_walk = walk_time(tools, address), walk_time(tools,
                                                                             snmpd.address)
                card_rate = get_rate(address, oids, args.seconds, args.window)
                snmpd_rate = get_rate(snmpd.address, oids, args.seconds, args.window)
            finally:
                snmpd.stop()
            result["tree"] = {"card_objects": len(tree), "snmpd_objects": len(served)}
            result["bulkwalk_s"] = {"card": round(card_walk, 4), "snmpd": round(snmpd_walk, 4),
                                    "ratio": round(card_walk / snmpd_walk, 2)}
            result["gets_per_s"] = {"card": round(card_rate), "snmpd": round(snmpd_rate),
                                    "ratio": round(card_rate / snmpd_rate, 2), "target": 0.5,
                                    "window": args.window}
            quiet = poll_period(card, 15)
            stop = threading.Event()

            def walker() -> None:
                while not stop.is_set():
                    started = time.monotonic()
                    tools.run("snmpbulkwalk", "-v2c", "-c", "public", "-Cr25", address, ".1")
                    stop.wait(max(0.0, 1.0 - (time.monotonic() - started)))
            thread = threading.Thread(target=walker, daemon=True)
            thread.start()
            busy = poll_period(card, 15)
            stop.set()
            thread.join()
            result["poll_period_s"] = {"quiet": round(quiet, 3), "walk_every_second":
                                       round(busy, 3), "change_pct":
                                       round(100 * (busy - quiet) / quiet, 1), "target_pct": 5}
            plain = rss_kib(card.proc.pid)
            # A USM user loads pysnmp and its cryptography for SNMPv3.
            cli_ok(card, "config", "set", "snmp.usm1=bench:read:authPriv:SHA:bench-auth:AES:"
                   "bench-priv")
            tools.values("snmpget", "-v3", "-u", "bench", "-l", "authPriv", "-a", "SHA", "-A",
                         "bench-auth", "-x", "AES", "-X", "bench-priv", address,
                         ".1.3.6.1.2.1.1.5.0")
            result["card_rss_mib"] = {"all_features": round(plain / 1024, 1),
                                      "all_features_with_v3_user":
                                      round(rss_kib(card.proc.pid) / 1024, 1), "target": 64}
    result["trap_latency"] = trap_latency(tmp, args.runs)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
