"""Stock NUT clients (upsc, upscmd, upsmon primary and secondary) against the card, which reads the
UPS simulator: the whole chain simulator -> poller -> UpsState -> NUT server -> client."""

import subprocess
import time
from pathlib import Path

import pytest

from tests.cardharness import start_card
from tests.conftest import require_tool
from tests.nutpeers import (PRIMARY, SECONDARY, nut_program, start_upsmon, upsc_vars,
                            upsmon_conf)
from tests.simharness import start_sim
from tests.procs import stop_process

OPERATOR = ("operator", "Operator-pw3")
USERS = ["nut.users=%s:%s:primary,%s:%s:secondary,%s:%s:secondary:test.battery.start"
         % (PRIMARY + SECONDARY + OPERATOR), "poll.rate=0"]


def _wait(predicate, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out after %ss waiting for %s" % (timeout, what))


def _run(cmd, timeout=30):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def chain(tmp_path):
    """Simulator (time x100 so a battery drains in seconds) and the card reading it."""
    with start_sim(tmp_path, profile="netys-rt", baud=57600, accel=100.0) as sim:
        with start_card(tmp_path, serial=sim.link, sets=USERS) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="the first UPS data")
            yield sim, card


def test_upsc_reads_the_card(chain):
    sim, card = chain
    upsc = require_tool("upsc")
    listed = _run([upsc, "-l", card.nut_address])
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["ups"]
    values = upsc_vars(upsc, card.nut_address)
    assert values["ups.status"].split()[0] == "OL"
    assert values["driver.name"] == "opennmc"
    snapshot = card.status()["ups"]["values"]
    assert values["device.model"] == snapshot["device.model"]
    assert float(values["input.voltage"]) == pytest.approx(
        sim.state()["physics"]["input_voltage"], abs=1.0)
    one = _run([upsc, "ups@" + card.nut_address, "battery.charge"])
    assert one.returncode == 0 and 0 <= float(one.stdout) <= 100


def test_upscmd_starts_a_battery_test(chain):
    sim, card = chain
    upscmd = require_tool("upscmd")
    address = "ups@" + card.nut_address
    listed = _run([upscmd, "-l", address])
    assert "test.battery.start" in listed.stdout, listed.stdout + listed.stderr
    denied = _run([upscmd, "-u", SECONDARY[0], "-p", SECONDARY[1], address, "test.battery.start"])
    assert denied.returncode != 0 and "ACCESS-DENIED" in denied.stderr
    assert sim.state()["physics"]["battery_test"] == "none"
    sent = _run([upscmd, "-u", OPERATOR[0], "-p", OPERATOR[1], address, "test.battery.start"])
    assert sent.returncode == 0, sent.stdout + sent.stderr
    _wait(lambda: sim.state()["physics"]["battery_test"] in ("running", "passed"), 20,
          "the simulator to run the battery test")
    clients = card.status()["nut"]
    assert clients["commands_run"] == 1


def test_upsmon_primary_and_secondary_shut_down(chain, tmp_path):
    sim, card = chain
    upsmon = nut_program("upsmon")
    primary_flag = upsmon_conf(tmp_path / "primary", card.nut_address, *PRIMARY, "primary")
    secondary_flag = upsmon_conf(tmp_path / "secondary", card.nut_address, *SECONDARY,
                                  "secondary")
    procs = [start_upsmon(upsmon, tmp_path / "primary"),
             start_upsmon(upsmon, tmp_path / "secondary")]
    try:
        card.wait_for(lambda s: len(s["nut"]["clients"]) == 2, what="both upsmon to log in")
        table = card.status()["nut"]["clients"]
        assert sorted(c["user"] for c in table) == sorted([PRIMARY[0], SECONDARY[0]])
        assert [c["primary"] for c in table if c["user"] == PRIMARY[0]] == [True]
        assert not primary_flag.exists() and not secondary_flag.exists()
        sim.scenario("mains-failure")
        card.wait_for(lambda s: "OB" in s["ups"]["values"].get("ups.status", "").split(),
                      what="the card to report OB")
        # The primary sees OB LB, sets FSD; the secondary sees FSD and shuts down first.
        _wait(secondary_flag.exists, 90, "the secondary upsmon to run its SHUTDOWNCMD")
        _wait(primary_flag.exists, 60, "the primary upsmon to run its SHUTDOWNCMD")
        assert card.status()["nut"]["fsd"] is True
        secondary_at = int(secondary_flag.read_text().split()[0])
        primary_at = int(primary_flag.read_text().split()[0])
        assert secondary_at <= primary_at
        # The primary shut down because it saw the critical state itself (OB LB), not an FSD.
        assert "battery is low" in (tmp_path / "primary" / "upsmon.log").read_text()
    finally:
        for p in procs:
            stop_process(p)
        for side in ("primary", "secondary"):
            log = Path(tmp_path / side / "upsmon.log")
            if log.exists():
                print("---- upsmon %s ----\n%s" % (side, log.read_text()[-3000:]))


def test_upsc_shows_eco_mode_not_bypass(chain):
    sim, card = chain
    upsc = require_tool("upsc")
    sim.scenario("eco")
    values = _wait(lambda: (lambda v: v if "ECO" in v.get("ups.status", "").split() else None)(
        upsc_vars(upsc, card.nut_address)), 30, "ups.status with ECO")
    assert values["ups.status"].split()[0] == "OL"
    assert "BYPASS" not in values["ups.status"].split()
    assert values["experimental.ups.mode.buzzwords"] == "vendor:socomec:eco"
    sim.scenario("normal")
    sim.scenario("bypass")
    _wait(lambda: "BYPASS" in upsc_vars(upsc, card.nut_address).get("ups.status", ""), 30,
          "a real transfer to bypass to read BYPASS")


def test_upsc_shows_which_sts_source_feeds_the_load(tmp_path):
    upsc = require_tool("upsc")
    with start_sim(tmp_path, profile="statys", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link, sets=["poll.rate=0"]) as card:
        card.wait_for(lambda s: not s["ups"]["stale"], what="the first STS data")
        values = upsc_vars(upsc, card.nut_address)
        assert (values["input.source"], values["input.source.preferred"]) == ("1", "1")
        assert "ALARM" not in values["ups.status"]
        sim.scenario("mains-failure")                  # source 1 fails: the load moves to S2
        values = _wait(lambda: (lambda v: v if v.get("input.source") == "2" else None)(
            upsc_vars(upsc, card.nut_address)), 30, "input.source 2")
        assert values["ups.status"].split() == ["OL", "ALARM"]
        assert "Load on alternate source" in values["ups.alarm"]
        assert "Source 1 absent" in values["ups.alarm"]
        logged = [r["text"] for r in card.status()["recent_events"] if r.get("source") == "sts"]
        assert "STS Load on alternate source" in logged and "STS Source 1 Absent" in logged
