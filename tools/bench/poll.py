"""Benchmark: the poller's full refresh period against the wire's physical limit, printed as JSON.

For one JBUSP unit (netys-rt), one VU-MAP unit (modulys-gp2) and a 3-unit JBUSP parallel system
(masterys-33-parallel), at 9600 and 57600 baud, the simulator paces every byte at the baud rate
(wire emulation) and answers after its turnaround. Each figure is printed beside its physical
limit: the bytes of the same reads at the baud rate plus the minimum T3.5 silences, without any
turnaround or timeout. The manual states about 3 s per unit at 9600 baud.

    python -m tools.bench.poll [--cycles-9600 8] [--cycles-57600 30] [--turnaround-ms 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from firmware.ups import pollplan  # noqa: E402
from firmware.card import features  # noqa: E402
from firmware.settings.config import Config  # noqa: E402
from firmware.state.bus import EventBus  # noqa: E402
from firmware.state.ups import UpsState  # noqa: E402
from firmware.ups.poller import Poller  # noqa: E402
from firmware.hal.serial_port import SerialTransport  # noqa: E402
from tests.simharness import start_sim  # noqa: E402

CASES = (
    ("netys-rt", "JBUSP single unit", {}),
    ("modulys-gp2", "VU-MAP single unit", {}),
    ("masterys-33-parallel", "JBUSP parallel system, 3 units", {"units": 3}),
)


def _p95(samples: list[float]) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(0.95 * len(s)))]


async def _measure(link: str, baud: int, cycles: int) -> dict:
    """Detect, warm up (identity pass), then time `cycles` back-to-back cycles."""
    cfg = Config(features.schema())
    cfg.update({"poll.rate": 0, "serial.baud": str(baud)})
    transport = SerialTransport(link)
    poller = Poller(cfg, UpsState(), EventBus(), transport)
    try:
        found = await poller.detect()
        if not found["found"]:
            raise RuntimeError(f"no UPS found: {found}")
        for _ in range(2):          # identity pass, then a cycle with every split learnt
            if not await poller.poll_once():
                raise RuntimeError(f"warm-up cycle failed: {poller.last_error}")
        master = poller.master
        bytes_before = master.counters["bytes_tx"] + master.counters["bytes_rx"]
        requests_before = master.counters["requests"]
        walls, cpus = [], []
        for _ in range(cycles):
            w0, c0 = time.perf_counter(), time.process_time()
            if not await poller.poll_once():
                raise RuntimeError(f"cycle failed: {poller.last_error}")
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
        moved = master.counters["bytes_tx"] + master.counters["bytes_rx"] - bytes_before
        reads = poller.plan.reads("cycle")
        nodes = len(poller.plan.nodes)
        bound_s = pollplan.wire_bound_us(reads, baud, poller.parity) / 1e6
        return {
            "devices_polled": nodes,
            "reads_per_cycle": (master.counters["requests"] - requests_before) / cycles,
            "refresh_s": {"median": round(statistics.median(walls), 4),
                          "p95": round(_p95(walls), 4),
                          "wire_limit": round(bound_s, 4)},
            "refresh_per_unit_s": {"median": round(statistics.median(walls) / nodes, 4),
                                   "p95": round(_p95(walls) / nodes, 4),
                                   "wire_limit": round(bound_s / nodes, 4),
                                   "manual": 3.0 if baud == 9600 else None},
            "bytes_per_cycle": {"measured": round(moved / cycles, 1),
                                "planned": poller.plan.wire_bytes("cycle")},
            "cpu_s_per_cycle": {"median": round(statistics.median(cpus), 5),
                                "p95": round(_p95(cpus), 5)},
            "efficiency": round(bound_s / statistics.median(walls), 3),
            "plan": poller.plan.status(),
        }
    finally:
        transport.close()


def main(argv: list[str] | None = None) -> int:
    """Run every case and print one JSON document."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles-9600", type=int, default=8)
    ap.add_argument("--cycles-57600", type=int, default=30)
    ap.add_argument("--turnaround-ms", type=float, default=5.0)
    args = ap.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-poll-") as tmp:
        for profile, label, opts in CASES:
            for baud in (9600, 57600):
                cycles = args.cycles_9600 if baud == 9600 else args.cycles_57600
                case_dir = Path(tmp) / f"{profile}-{baud}"
                case_dir.mkdir()
                with start_sim(case_dir, profile=profile, baud=baud,
                               turnaround_ms=args.turnaround_ms, **opts) as sim:
                    figures = asyncio.run(_measure(sim.link, baud, cycles))
                results.append({"profile": profile, "system": label, "baud": baud,
                                "cycles": cycles, **figures})
    print(json.dumps({"benchmark": "poll", "turnaround_ms": args.turnaround_ms,
                      "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
