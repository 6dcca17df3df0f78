"""Drive a running card (tests/cardharness.py) through the real `opennmc` management commands.

    out = cli(card, "config", "set", "system.name=Room 1")     # CompletedProcess
    page = cli_json(card, "logs", "show", "card-events", "--per-page", "50")
    wait_until(lambda: ..., "what")                           # poll with a deadline
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from tests.cardharness import ROOT, Card


def cli(card: Card, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `opennmc ARGS --data-dir <the card's>`."""
    return subprocess.run([sys.executable, "-m", "firmware", *args, "--data-dir",
                           str(card.data_dir)], capture_output=True, text=True, timeout=timeout,
                          cwd=ROOT)


def cli_ok(card: Card, *args: str) -> str:
    """stdout of a command that must succeed."""
    out = cli(card, *args)
    assert out.returncode == 0, (args, out.returncode, out.stdout, out.stderr)
    return out.stdout


def cli_json(card: Card, *args: str) -> object:
    """The --json answer of a command that must succeed."""
    return json.loads(cli_ok(card, *args, "--json"))


def events(card: Card, log: str = "card-events", per_page: int = 500) -> list[dict]:
    """Every record of an event log, oldest first."""
    page = cli_json(card, "logs", "show", log, "--per-page", str(per_page))
    return sorted(page["records"], key=lambda r: r["seq"])


def texts(card: Card, log: str = "card-events") -> list[str]:
    return [r["text"] for r in events(card, log)]


def wait_until(predicate, what: str, timeout: float = 45.0, every: float = 0.3):
    """Poll predicate() until it returns something true; AssertionError at the deadline."""
    end = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() > end:
            raise AssertionError(f"{what}: not within {timeout} s (last: {last!r})")
        time.sleep(every)
