"""Kill a writer of ring-log records and configuration at random points; both must reopen intact.

The writer is a forked process killed with SIGKILL (tools/bench/powercut.py runs 1,000 cuts).
POWERCUT_CUTS sets the number of cuts (default 30, a few seconds).
"""

import os
import random

from firmware.logs.ringlog import RingLog
from tools.bench import powercut


def test_random_kills_leave_log_and_configuration_consistent(tmp_path):
    cuts = int(os.environ.get("POWERCUT_CUTS", "30"))
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    results = [powercut.cut_once(str(tmp_path), rng, nslots=64) for _ in range(cuts)]
    failures = [(i, r["problems"]) for i, r in enumerate(results) if r["problems"]]
    assert not failures, "seed %d: %r" % (seed, failures[:3])
    # The cuts went on across the wrap of the 64-slot ring and through configuration saves.
    assert results[-1]["head"] > 64, results[-1]
    assert results[-1]["config"] > 1, results[-1]


def test_verify_reports_a_damaged_record_and_a_wrong_configuration(tmp_path):
    """The checker itself can fail: a changed record and an unexpected save are caught."""
    rng = random.Random(1)
    good = powercut.cut_once(str(tmp_path), rng, nslots=64)
    assert not good["problems"]
    log = RingLog(str(tmp_path / "ring.log"), powercut.FMT, powercut.FIELDS, 64)
    head = log.head
    log.head = head - 2                         # rewrite an older record with wrong contents
    log.append((head - 1, 12345))
    log.close()
    bad = powercut.verify(str(tmp_path), head, good["config"] + 2, 64)
    assert any("wrong contents" in p for p in bad["problems"]), bad
    assert any("configuration is save" in p for p in bad["problems"]), bad
