"""Logs and alarms of the running card, read with `opennmc logs ...` / `opennmc alarms`.

The UPS simulator runs on a pseudo-terminal and the card as its own process (`opennmc run`); every
check goes through the real command line and the card's management socket: a mains failure gives
the manual's UPS events in order with their levels (in `logs show` and in the CSV export, read by
Python's csv module), the history log fills at an interval set with `config set`, logs clear with
a card event, and bad requests are refused with exit code 2.
"""

from __future__ import annotations

import csv
import datetime
import io
import subprocess
import sys

import pytest

from tests.cardcli import cli, cli_json, cli_ok, events, texts, wait_until
from tests.cardharness import ROOT, start_card
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    """(sim, card): a NETYS RT simulator and the card polling it back to back."""
    tmp = tmp_path_factory.mktemp("logs")
    with start_sim(tmp, profile="netys-rt") as sim:
        with start_card(tmp, serial=sim.link, sets=["poll.rate=0"]) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
            yield sim, card


def flag_events(card) -> list[tuple[str, str, str]]:
    """(text, level, state) of the UPS event log, oldest first."""
    return [(r["text"], r["level"], r["state"]) for r in events(card, "ups-events")]


def position(seen: list, item: tuple, after: int = -1) -> int:
    for i, entry in enumerate(seen):
        if i > after and entry == item:
            return i
    raise AssertionError(f"{item} not logged after position {after}: {seen}")


def test_mains_failure_gives_the_manuals_events_in_order(rig):
    sim, card = rig
    wait_until(lambda: ("Load protected by Inverter", "I", "added") in flag_events(card),
               "inverter status logged at start")
    sim.scenario("mains-failure")
    wait_until(lambda: ("Operating on Battery", "W", "added") in flag_events(card),
               "on-battery event")
    table = cli_json(card, "alarms")
    assert table["general"] and {"A00", "A05", "A06"} <= {a["code"] for a in table["alarms"]}
    assert "General Alarm" in cli_ok(card, "alarms")

    sim.set(battery_charge=4.0)
    wait_until(lambda: ("End of Backup Time / Battery Low", "C", "added") in flag_events(card),
               "battery low event")
    sim.set(battery_charge=90.0)
    sim.scenario("mains-return")
    wait_until(lambda: ("Operating on Battery", "W", "removed") in flag_events(card),
               "back on mains")
    wait_until(lambda: cli_json(card, "alarms")["count"] == 0, "alarm table empty")

    seen = flag_events(card)
    start = position(seen, ("Load protected by Inverter", "I", "added"))
    rect = position(seen, ("Rectifier Input Supply not OK", "W", "added"), start)
    battery = position(seen, ("Operating on Battery", "W", "added"), start)
    stop = position(seen, ("UPS Imminent Stop", "C", "added"), battery)
    low = position(seen, ("End of Backup Time / Battery Low", "C", "added"), battery)
    back = position(seen, ("Operating on Battery", "W", "removed"), max(stop, low))
    position(seen, ("General Alarm", "W", "removed"), max(stop, low))
    assert rect < back

    # Sorted by level: critical first, whatever their age.
    by_level = cli_json(card, "logs", "show", "ups-events", "--sort", "level", "--per-page", "3")
    assert [r["level"] for r in by_level["records"]] == ["C", "C", "C"], by_level

    # The same events, in the same order, in the manual's CSV columns.
    rows = list(csv.reader(io.StringIO(cli_ok(card, "logs", "csv", "ups-events"))))
    assert rows[0] == ["Event Time", "Event Level", "Event Description"]
    levels = {"I": "Information", "W": "Warning", "C": "Critical"}
    expected = [[levels[lv], text + (" (removed)" if st == "removed" else "")]
                for text, lv, st in flag_events(card)]
    assert [r[1:] for r in rows[1:len(expected) + 1]] == expected
    stamps = [datetime.datetime.strptime(r[0], "%d/%m/%Y %H:%M:%S") for r in rows[1:]]
    assert stamps == sorted(stamps)


def test_history_log_fills_at_the_interval_set_with_config_set(rig, tmp_path):
    sim, card = rig
    # Out of bounds (config_schema: 1..3600 s): refused, nothing changed.
    for bad in ("0", "3601", "often"):
        out = cli(card, "config", "set", "log.history_interval=" + bad)
        assert out.returncode == 2, out
        assert "log.history_interval" in out.stderr
    assert cli_json(card, "config", "get", "log.history_interval") == \
        {"log.history_interval": 60}

    cli_ok(card, "config", "set", "log.history_interval=1")
    assert "History log interval changed" in texts(card)
    assert any(t.startswith("History Log Interval (s) has been changed via console by ")
               for t in texts(card))
    wait_until(lambda: cli_json(card, "logs", "show", "history")["total"] >= 3,
               "three history records at a 1 s interval")
    cli_ok(card, "config", "set", "log.history_interval=3600")   # freeze the log to compare

    page = cli_json(card, "logs", "show", "history", "--per-page", "2048")
    records = sorted(page["records"], key=lambda r: r["seq"])
    target = tmp_path / "history.csv"
    cli_ok(card, "logs", "csv", "history", "-o", str(target))
    with open(target, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["Date time", "Input Voltage R (V)", "Input Voltage S (V)"]
    column = rows[0].index("Output Voltage R (V)")
    assert len(rows) - 1 == len(records)
    for row, rec in zip(rows[1:], records):
        assert float(row[column]) == pytest.approx(rec["output.L1-N.voltage"])
        assert row[0] == rec["time_local"]
    assert 150 < records[-1]["output.L1-N.voltage"] < 260, records[-1]


def test_list_and_clear_a_log(rig):
    sim, card = rig
    listed = {row["name"]: row for row in cli_json(card, "logs", "list")}
    assert {"ups-events", "card-events", "history", "extended"} <= set(listed)
    assert listed["card-events"]["records"] > 0
    assert "card-events" in cli_ok(card, "logs", "list")

    cli_ok(card, "logs", "clear", "ups-events")
    assert cli_json(card, "logs", "show", "ups-events")["total"] == 0
    assert events(card)[-1]["text"] == "UPS event log cleared"


def test_bad_log_requests_are_refused(rig):
    sim, card = rig
    before = cli_json(card, "logs", "list")
    for args, why in ((("logs", "show", "no-such-log"), "unknown log"),
                      (("logs", "show", "card-events", "--from", "yesterday"), "ISO 8601"),
                      (("logs", "show", "card-events", "--per-page", "0"), "per_page"),
                      (("logs", "show", "history", "--sort", "level"), "only event logs"),
                      (("logs", "clear", "everything"), "unknown log")):
        out = cli(card, *args)
        assert out.returncode == 2, (args, out)
        assert why in out.stderr, (args, out.stderr)
    after = cli_json(card, "logs", "list")
    assert [r["name"] for r in after] == [r["name"] for r in before]
    # A time window: nothing before the card existed, everything up to now.
    empty = cli_json(card, "logs", "show", "card-events", "--to", "2001-01-01T00:00")
    assert empty["total"] == 0
    assert cli_json(card, "logs", "show", "card-events",
                    "--from", "2001-01-01T00:00+00:00")["total"] > 0


def test_commands_without_a_running_card(tmp_path):
    out = subprocess.run([sys.executable, "-m", "firmware", "logs", "list", "--data-dir",
                          str(tmp_path)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 1
    assert "no running card" in out.stderr
