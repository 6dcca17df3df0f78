"""Power-cut benchmark: kill a writer of ring-log records and configuration at random points.

A forked child appends records to a ring log and saves the configuration in a loop, telling the
parent on a pipe after each append ("r<seq>") and each save ("c<n>"). The parent kills it with
SIGKILL at a random moment, reopens both files and checks that

  * the log holds every acknowledged record, in order, with contiguous sequences and intact
    contents; at most the record being written is missing, and at most the oldest one lost;
  * the configuration is exactly the last acknowledged save or the one being written, never a
    mix of two saves, never defaults.

SIGKILL stops the process, not the disk: the kernel still writes what it has cached. It proves
the software never leaves a state it cannot reopen at any instruction; torn slots (a real power
cut inside a write) are covered by the unit tests that write half slots.

    python -m tools.bench.powercut [--cuts 1000] [--slots 64]   -> one JSON object on stdout
"""

import argparse
import json
import os
import random
import signal
import sys
import tempfile
import time

from firmware.card import features
from firmware.settings.config import Config as _Config
from firmware.logs.ringlog import RingLog

FMT = "<IQ"
FIELDS = ("seq", "check")


def config_of(generation: int) -> dict:
    """The settings of save number `generation`: two keys that must always agree."""
    return {"system.name": "gen-%d" % generation, "poll.rate": generation % 3600}


def Config(path: str | None = None) -> _Config:
    """The card's configuration (every setting of this build) in `path`."""
    return _Config(features.schema(), path)


def check_value(seq: int) -> int:
    """A content that depends on the sequence, so a record moved or mixed is seen."""
    return (seq * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF


def worker(directory: str, ack_fd: int, nslots: int) -> None:
    """Append and save forever (runs in the forked child until it is killed)."""
    log = RingLog(os.path.join(directory, "ring.log"), FMT, FIELDS, nslots)
    cfg = Config(os.path.join(directory, "config.json"))
    saves = saved_generation(cfg) or 0
    os.write(ack_fd, b"c%d\n" % saves)  # what is on disk before this run's first save
    while True:
        seq = log.head + 1
        log.append((seq, check_value(seq)))
        os.write(ack_fd, b"r%d\n" % seq)
        if seq % 3 == 0:
            saves += 1
            cfg.update(config_of(saves))
            os.write(ack_fd, b"c%d\n" % saves)


def saved_generation(cfg: Config) -> int | None:
    """The save number on disk; 0 for defaults (never saved); None for a mix of two saves."""
    name = cfg.get("system.name")
    if name == Config().get("system.name"):
        return 0
    if name.startswith("gen-") and name[4:].isdigit():
        generation = int(name[4:])
        if config_of(generation) == {k: cfg.get(k) for k in config_of(0)}:
            return generation
    return None


def verify(directory: str, acked_record: int, acked_save: int | None, nslots: int) -> dict:
    """Reopen after a cut; returns the facts and a list of problems (empty when all is well)."""
    problems = []
    log = RingLog(os.path.join(directory, "ring.log"), FMT, FIELDS, nslots)
    try:
        if log.created is not None:
            problems.append("log re-created at reopen (%s)" % log.created)
        head = log.head
        if head not in (acked_record, acked_record + 1):
            problems.append("head %d, last acknowledged %d" % (head, acked_record))
        expected = head
        for seq, _t, values in log.records():
            if seq != expected:
                problems.append("sequence gap: %d after %d" % (seq, expected + 1))
                break
            if values != (seq, check_value(seq)):
                problems.append("record %d has wrong contents %r" % (seq, values))
                break
            expected -= 1
        stored = len(log)
        if stored < min(head, nslots) - 1:
            problems.append("only %d records of %d" % (stored, min(head, nslots)))
        # A slot that is neither empty nor valid right after the head is a torn write.
        torn = head > 0 and log.read(head + 1) is None and _slot_dirty(log, head + 1)
    finally:
        log.close()
    generation = saved_generation(Config(os.path.join(directory, "config.json")))
    acked_save = acked_save or 0
    if generation not in (acked_save, acked_save + 1):
        problems.append("configuration is save %r, expected %d or %d"
                        % (generation, acked_save, acked_save + 1))
    return {"head": head, "acked": acked_record, "stored": stored, "torn": bool(torn),
            "config": generation, "acked_save": acked_save, "problems": problems}


def _slot_dirty(log: RingLog, seq: int) -> bool:
    with open(log.path, "rb") as f:
        f.seek(32 + ((seq - 1) % log.nslots) * log.slot_size)
        raw = f.read(log.slot_size)
    stale_seq = seq - log.nslots  # the older record that slot held, if it was full
    return any(raw) and int.from_bytes(raw[:4], "little") not in (stale_seq, 0)


def cut_once(directory: str, rng: random.Random, nslots: int = 64, max_delay_ms: float = 40,
             deadline_s: float = 20) -> dict:
    """Fork a writer, kill it at a random moment after its first record, verify."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into the caller's code
        try:
            os.close(read_fd)
            worker(directory, write_fd, nslots)
        finally:
            os._exit(1)
    os.close(write_fd)
    acks = b""
    try:
        start = time.monotonic()
        while not any(line.startswith(b"r") for line in acks.split(b"\n")[:-1]):
            if time.monotonic() - start > deadline_s:
                raise RuntimeError("the writer acknowledged nothing within %ss" % deadline_s)
            acks += os.read(read_fd, 4096)
        time.sleep(rng.uniform(0, max_delay_ms) / 1000)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    while True:
        more = os.read(read_fd, 65536)
        if not more:
            break
        acks += more
    os.close(read_fd)
    acked_record, acked_save = 0, None
    for line in acks.split(b"\n")[:-1]:  # the last piece may be a half-written line
        if line.startswith(b"r"):
            acked_record = int(line[1:])
        elif line.startswith(b"c"):
            acked_save = int(line[1:])
    return verify(directory, acked_record, acked_save, nslots)


def run(cuts: int, nslots: int, directory: str, seed: int) -> dict:
    rng = random.Random(seed)
    results = []
    t0 = time.monotonic()
    for _ in range(cuts):
        results.append(cut_once(directory, rng, nslots))
    elapsed = time.monotonic() - t0
    failures = [r for r in results if r["problems"]]
    return {
        "cuts": cuts,
        "slots": nslots,
        "seed": seed,
        "failures": len(failures),
        "first_failures": [r["problems"] for r in failures[:5]],
        "records_written": results[-1]["head"] if results else 0,
        "cut_while_writing_a_record": sum(r["head"] == r["acked"] + 1 for r in results),
        "torn_slots_seen": sum(r["torn"] for r in results),
        "config_old": sum(r["config"] == r["acked_save"] for r in results),
        "config_new": sum(r["config"] == r["acked_save"] + 1 for r in results),
        "seconds": round(elapsed, 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the cuts and print one JSON object."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cuts", type=int, default=1000)
    ap.add_argument("--slots", type=int, default=64)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--dir", default=None, help="directory on the storage to test (default: temp)")
    args = ap.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    with tempfile.TemporaryDirectory(dir=args.dir) as d:
        report = run(args.cuts, args.slots, d, seed)
    print(json.dumps(report, indent=2))
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
