"""Shutdown management on the running card, with NUT's own clients as the servers to shut down.

The card reads the UPS simulator; each event kind starts the sequence, its warnings show in upsc
(ups.timer.shutdown, ALARM, ups.alarm), an event that clears in time cancels it, and at the end
two real upsmon (primary and secondary) see FSD and run their SHUTDOWNCMD; the UPS shut-off and
restart commands reach the simulator. The card clock is set forward to go through warning
periods and schedules instead of sleeping through them.
"""

from __future__ import annotations

import subprocess

import pytest

from tests.cardcli import cli_json, cli_ok, texts, wait_until
from tests.cardharness import start_card
from tests.conftest import require_tool
from tests.nutpeers import (PRIMARY, SECONDARY, nut_program, start_upsmon, upsc_vars,
                            upsmon_conf)
from tests.procs import stop_process
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(300)
USERS = "nut.users=%s:%s:primary,%s:%s:secondary" % (PRIMARY + SECONDARY)
KINDS = {   # event -> how the simulator makes it, and how it ends
    "ac_failed": (lambda sim: sim.scenario("mains-failure"), "mains-return"),
    "battery_level": (lambda sim: sim.scenario("mains-failure") and sim.set(battery_charge=25),
                      "mains-return"),
    "overload": (lambda sim: sim.scenario("overload"), "normal"),
    "bypass": (lambda sim: sim.scenario("bypass"), "normal"),
    "battery_low": (lambda sim: sim.scenario("low-battery"), "mains-return"),
    "imminent_stop": (lambda sim: sim.request("POST", "/flags", {"acronyms": ["S03", "A31"]}),
                      "flags"),
    "temperature": (lambda sim: sim.request("POST", "/flags", {"acronyms": ["S03", "A07"]}),
                    "flags"),
}


def jump(card, seconds: float) -> None:
    """Set the card clock forward (as a user would, "synchronise with computer time")."""
    now = card.status()["time"]["clock"]["utc"]
    cli_ok(card, "time", "browser", str(int((now + seconds) * 1000)))


def sequence(card) -> dict:
    return cli_json(card, "shutdown", "status")


def upsc(card) -> dict:
    return upsc_vars(require_tool("upsc"), card.nut_address)


def _read(path) -> str:
    return path.read_text() if path.exists() else ""


def end(sim, how: str) -> None:
    if how == "flags":
        sim.request("POST", "/flags", {"acronyms": []})
        sim.scenario("normal")
    else:
        sim.scenario(how)


@pytest.fixture
def chain(tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link, sets=[USERS, "poll.rate=0"]) as card:
        card.wait_for(lambda s: not s["ups"]["stale"], what="the first UPS data")
        yield sim, card


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_event_warns_cancels_when_it_clears_then_shuts_the_servers_down(chain, tmp_path,
                                                                              kind):
    sim, card = chain
    others = ["shutdown.battery_low.enabled=off"] if kind != "battery_low" else []
    cli_ok(card, "config", "set", *others,
           "shutdown.%s.enabled=on" % kind, "shutdown.%s.period=1" % kind,
           "shutdown.%s.first_warning=0" % kind, "shutdown.%s.interval=30" % kind)
    # An upsmon shuts its server down on its own at "OB LB": for that event FSD is the card's
    # word too, but the servers' shutdown is upsmon's own doing.
    watched = kind != "battery_low"
    flags, procs = _upsmons(card, tmp_path) if watched else ((), [])
    try:
        start, stop = KINDS[kind]
        start(sim)
        wait_until(lambda: sequence(card)["phase"] == "warning", "the warning period")
        assert sequence(card)["event"] == kind
        values = wait_until(lambda: (lambda v: v if "ups.timer.shutdown" in v else None)(
            upsc(card)), "the countdown in upsc")
        assert 0 < int(values["ups.timer.shutdown"]) <= 60
        assert "ALARM" in values["ups.status"].split()
        assert "Shutdown warning 1: servers shut down in " in values["ups.alarm"]
        assert any(t.startswith("Send shutdown warning to clients: ") for t in texts(card))
        end(sim, stop)
        wait_until(lambda: sequence(card)["phase"] == "idle", "the cancel")
        assert any(t.startswith("Send shutdown cancel to clients: ") for t in texts(card))
        assert card.status()["nut"]["fsd"] is False
        assert "ups.timer.shutdown" not in wait_until(lambda: upsc(card), "upsc's answer")
        assert not any(f.exists() for f in flags)          # the reversible period held
        start(sim)                                          # again, and this time it stays
        wait_until(lambda: sequence(card)["phase"] == "warning", "the second warning period")
        jump(card, 61)
        wait_until(lambda: card.status()["nut"]["fsd"], "FSD to the clients")
        wait_until(lambda: "FSD" in upsc(card).get("ups.status", "").split(), "FSD in upsc")
        wait_until(lambda: all(f.exists() for f in flags), "both upsmon to shut down", 90)
    finally:
        for p in procs:
            stop_process(p)


def _upsmons(card, tmp_path):
    """A primary and a secondary upsmon logged in to the card: their flag files and processes."""
    upsmon = nut_program("upsmon")
    flags = (upsmon_conf(tmp_path / "primary", card.nut_address, *PRIMARY, "primary"),
             upsmon_conf(tmp_path / "secondary", card.nut_address, *SECONDARY, "secondary"))
    procs = [start_upsmon(upsmon, tmp_path / "primary"),
             start_upsmon(upsmon, tmp_path / "secondary")]
    try:
        card.wait_for(lambda s: len(s["nut"]["clients"]) == 2, what="both upsmon logged in")
    except BaseException:
        for p in procs:
            stop_process(p)
        raise
    return flags, procs


def test_upsmon_shuts_the_servers_down_then_the_ups_goes_off_and_on(chain, tmp_path):
    sim, card = chain
    cli_ok(card, "config", "set", "shutdown.ac_failed.enabled=on", "shutdown.ac_failed.period=1",
           "shutdown.ac_failed.first_warning=0", "shutdown.ac_failed.interval=20",
           "shutdown.server_time=10", "shutdown.ups_off_delay=40", "shutdown.ups_off=on",
           "shutdown.ups_on_delay=1")
    flags, procs = _upsmons(card, tmp_path)
    upslog = tmp_path / "upslog.txt"           # NUT's logger, as a client watching the warnings
    procs.append(subprocess.Popen(
        [require_tool("upslog"), "-F", "-i", "1", "-s", "ups@" + card.nut_address,
         "-l", str(upslog), "-f", "%VAR ups.alarm%"], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL))
    try:
        sim.set(battery_charge=100)
        sim.scenario("mains-failure")
        wait_until(lambda: sequence(card)["phase"] == "warning", "the warning period")
        wait_until(lambda: "Shutdown warning 1:" in _read(upslog), "upslog to see warning 1")
        assert not any(f.exists() for f in flags)          # reversible: nobody shut down yet
        jump(card, 21)
        wait_until(lambda: "Shutdown warning 2:" in _read(upslog), "upslog to see warning 2")
        jump(card, 40)
        wait_until(lambda: card.status()["nut"]["fsd"], "FSD to the clients")
        wait_until(lambda: all(f.exists() for f in flags), "both upsmon to shut down", 90)
        assert "Send shutdown request to clients: UPS on battery (AC Failed)" in texts(card)
        notified = [_read(f.parent / "notified") for f in flags]
        assert all("ONBATT" in n for n in notified), notified     # each upsmon's NOTIFYCMD
        assert "FSD" in notified[1], notified                      # the secondary saw FSD
        assert sequence(card)["seconds_left"] is not None   # the UPS shut-off counts down
        jump(card, 41)
        wait_until(lambda: "shutdown.return" in sim.state()["commands_done"],
                   "the UPS shut-off command at the UPS")
        assert "Send UPS shutdown command to UPS (shutdown.return)" in texts(card)
    finally:
        for p in procs:
            stop_process(p)
    wait_until(lambda: "OFF" in card.status()["ups"]["values"].get("ups.status", ""),
               "the UPS output off", 90)
    jump(card, 6)                                          # off long enough to be believed
    wait_until(lambda: sequence(card)["output_seen_off"], "the card to see the output off")
    sim.scenario("mains-return")
    wait_until(lambda: sequence(card)["phase"] in ("ups_off", "idle"), "mains back")
    jump(card, 61)
    wait_until(lambda: sequence(card)["phase"] == "idle", "the output on again", 90)
    assert card.status()["nut"]["fsd"] is False             # servers may come back up


def test_the_ac_fail_test_warns_and_cancels_without_touching_servers_or_ups(chain, tmp_path):
    sim, card = chain
    upsmon = nut_program("upsmon")
    cli_ok(card, "config", "set", "shutdown.ac_failed.enabled=on", "shutdown.ac_failed.period=1",
           "shutdown.ac_failed.first_warning=0", "shutdown.ups_off=on",
           "shutdown.server_time=10", "shutdown.ups_off_delay=30")
    flag = upsmon_conf(tmp_path / "primary", card.nut_address, *PRIMARY, "primary")
    proc = start_upsmon(upsmon, tmp_path / "primary")
    try:
        card.wait_for(lambda s: len(s["nut"]["clients"]) == 1, what="upsmon logged in")
        assert cli_json(card, "shutdown", "test")["test"] is True
        assert subprocess.run  # the command line answered; the sequence runs on the card
        assert sequence(card)["phase"] == "warning"
        jump(card, 61)
        wait_until(lambda: "Send shutdown request to clients: UPS on battery (AC Failed)"
                   in texts(card), "the simulated shutdown request")
        assert card.status()["nut"]["fsd"] is False and not flag.exists()
        jump(card, 121)
        wait_until(lambda: sequence(card)["phase"] == "idle", "the test's cancel")
        assert "Send shutdown cancel to clients: UPS on battery (AC Failed)" in texts(card)
        assert sim.state()["commands_done"] == [] and not flag.exists()
    finally:
        stop_process(proc)


def test_the_weekly_schedule_switches_the_ups_off_and_on(chain):
    sim, card = chain
    cli_ok(card, "time", "set", "27/11/2026 21:59:00")        # a Friday, card local time
    cli_ok(card, "config", "set", "shutdown.weekly=fri 22:00 23:00",
           "shutdown.weekly.enabled=on", "shutdown.weekly.period=0", "shutdown.ups_off_delay=20",
           "shutdown.server_time=5")
    assert sequence(card)["phase"] == "idle"
    cli_ok(card, "time", "set", "27/11/2026 22:00:05")
    wait_until(lambda: card.status()["nut"]["fsd"], "the scheduled shutdown")
    jump(card, 21)
    wait_until(lambda: "load.off.delay" in sim.state()["commands_done"], "the UPS off command")
    wait_until(lambda: "OFF" in card.status()["ups"]["values"].get("ups.status", ""),
               "the UPS output off", 90)
    cli_ok(card, "time", "set", "27/11/2026 23:00:05")
    wait_until(lambda: "load.on" in sim.state()["commands_done"], "the UPS on at 23:00")
    wait_until(lambda: sequence(card)["phase"] == "idle", "the schedule over", 60)
