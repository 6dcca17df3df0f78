"""UPS control schedules and power share on the running card, against the UPS simulator.

The card reads the simulator on a pseudo-terminal; each schedule is set, the card clock is set
forward past its time (never slept through), and the simulator must have acted on the command:
a battery test, eco mode on and off, power share plugs opened and closed by their modes and by
the admin's plugs control. A control the UPS does not allow now (remote controls disabled, eco
function off, no such plug) is not sent and leaves one card event; read/write users cannot
switch plugs.
"""

from __future__ import annotations

import pytest

from tests.cardcli import cli, cli_json, cli_ok, texts, wait_until
from tests.cardharness import start_card
from tests.simharness import start_sim
from tests.webclient import ADMIN_PASSWORD, WebClient

pytestmark = pytest.mark.timeout(120)
MONDAY_0150 = "30/11/2026 01:50:00"          # a Monday, card local time (GMT, no DST)
WRITER = ("operator", "Oper#Write#2030")


def jump(card, seconds: float) -> None:
    """Set the card clock forward (as a user would, "synchronise with computer time")."""
    now = card.status()["time"]["clock"]["utc"]
    cli_ok(card, "time", "browser", str(int((now + seconds) * 1000)))


def schedules(card) -> dict:
    return cli_json(card, "schedules")


def done(sim, command: str) -> int:
    """How many times the simulated UPS received `command`."""
    return sim.state()["commands_done"].count(command)


def plugs(sim) -> list[str]:
    return sim.state()["physics"]["plugs"]


def card_value(card, name: str):
    return card.status()["ups"]["values"].get(name)


def not_sent(card, start: str) -> list[str]:
    return [t for t in texts(card) if t.startswith(start) and " not sent: " in t]


@pytest.fixture(scope="module")
def vumap(tmp_path_factory):
    """A VU-MAP UPS with two power share plugs (the simulator's modulys-gp2) and its card."""
    tmp = tmp_path_factory.mktemp("vumap")
    sets = ["poll.rate=0", "serial.baud=57600", "serial.mapping=vumap", "powershare.plugs=2",
            "auth.admin_password=" + ADMIN_PASSWORD, "auth.users=%s:%s:write" % WRITER]
    with start_sim(tmp, profile="modulys-gp2", baud=57600) as sim, \
            start_card(tmp, serial=sim.link, sets=sets) as card:
        card.wait_for(lambda s: not s["ups"]["stale"], what="the first UPS data")
        yield sim, card


def test_battery_test_schedule_runs_when_the_clock_passes_it(vumap):
    sim, card = vumap
    cli_ok(card, "time", "set", MONDAY_0150)
    cli_ok(card, "config", "set", "schedules.battery_test.enabled=on",
           "schedules.battery_test.day=mon", "schedules.battery_test.time=02:00",
           "schedules.battery_test.weeks=1")
    st = schedules(card)["battery_test"]
    assert st["next"] == "30/11/2026 02:00:00" and st["why_unavailable"] is None, st
    before = done(sim, "test.battery.start")
    jump(card, 11 * 60)
    wait_until(lambda: done(sim, "test.battery.start") == before + 1, "the scheduled test")
    assert sim.state()["physics"]["battery_test"] in ("running", "passed")
    wait_until(lambda: "Battery test sent" in texts(card, "ups-events"), "the UPS event")
    assert schedules(card)["battery_test"]["next"] == "07/12/2026 02:00:00"
    # A week later with remote controls disabled: the UPS refuses, one card event says so.
    sim.set(remote_disabled=True)
    try:
        jump(card, 7 * 86400)
        events = wait_until(lambda: not_sent(card, "Battery test (schedule)"),
                            "the refusal in the card events")
        assert "refused by the UPS" in events[-1], events
        assert done(sim, "test.battery.start") == before + 1
        assert schedules(card)["battery_test"]["last"]["result"].startswith(
            "refused by the UPS")
    finally:
        sim.set(remote_disabled=False)
        cli_ok(card, "config", "set", "schedules.battery_test.enabled=off")


def test_eco_mode_schedule_enables_then_disables_eco_mode(vumap):
    sim, card = vumap
    cli_ok(card, "time", "set", MONDAY_0150)
    cli_ok(card, "config", "set", "schedules.eco.enabled=on",
           "schedules.eco.periods=mon 02:00 02:30")
    assert sim.state()["physics"]["eco"] is False
    jump(card, 11 * 60)
    sim.wait_for(lambda s: s["physics"]["eco"], what="eco mode on")
    wait_until(lambda: "ECO" in card_value(card, "ups.status").split(), "ECO in ups.status")
    jump(card, 30 * 60)
    sim.wait_for(lambda s: not s["physics"]["eco"], what="eco mode off")
    ups_events = texts(card, "ups-events")
    assert "Enable eco mode" in ups_events and "Disable eco mode" in ups_events
    # The UPS turns its eco function off: the schedule is unavailable and sends nothing.
    sim.set(eco_function=False)
    try:
        wait_until(lambda: schedules(card)["eco"]["why_unavailable"]
                   == "eco mode is not enabled by the UPS", "the eco function seen off")
        enables = done(sim, "experimental.ecomode.enable")
        jump(card, 7 * 86400 - 30 * 60)          # next Monday 02:01, inside the period
        events = wait_until(lambda: not_sent(card, "Enable eco mode (schedule)"),
                            "the card event")
        assert events[-1].endswith("not sent: eco mode is not enabled by the UPS"), events
        assert done(sim, "experimental.ecomode.enable") == enables
        assert sim.state()["physics"]["eco"] is False
    finally:
        sim.set(eco_function=True)
        cli_ok(card, "config", "set", "schedules.eco.enabled=off")


def test_power_share_modes_switch_plugs_at_their_thresholds(vumap):
    sim, card = vumap
    refused = cli(card, "config", "set", "powershare.plug1.mode=battery_capacity")
    assert refused.returncode == 2, (refused.stdout, refused.stderr)
    assert "needs a value from 1 to 100 %, not 0" in refused.stderr
    cli_ok(card, "config", "set", "powershare.plug1.mode=battery_capacity",
           "powershare.plug1.value=80", "powershare.plug2.mode=emergency_lighting")
    try:
        # Emergency lighting: off on mains, on only while on battery.
        sim.wait_for(lambda s: s["physics"]["plugs"] == ["closed", "open"], what="plug 2 off")
        wait_until(lambda: card_value(card, "outlet.2.status") == "off", "outlet.2.status off")
        sim.scenario("mains-failure")
        sim.wait_for(lambda s: s["physics"]["plugs"] == ["closed", "closed"], what="plug 2 on")
        sim.set(battery_charge=75)
        sim.wait_for(lambda s: s["physics"]["plugs"] == ["open", "closed"], what="plug 1 shed")
        wait_until(lambda: card_value(card, "outlet.1.status") == "off", "outlet.1.status off")
        sim.scenario("mains-return")
        sim.wait_for(lambda s: s["physics"]["plugs"] == ["closed", "open"], what="back on mains")
        assert {"Power Plug 1 OFF", "Power Plug 1 ON", "Power Plug 2 ON", "Power Plug 2 OFF"} \
            <= set(texts(card, "ups-events"))
        # Time on battery: counted on the card clock, so the test jumps through 5 minutes.
        cli_ok(card, "config", "set", "powershare.plug1.mode=time_on_battery",
               "powershare.plug1.value=5", "powershare.plug2.mode=manual")
        sim.scenario("mains-failure")
        wait_until(lambda: schedules(card)["powershare"]["on_battery_s"] is not None,
                   "the card to see the UPS on battery")
        assert plugs(sim)[0] == "closed"
        jump(card, 5 * 60 + 1)
        sim.wait_for(lambda s: s["physics"]["plugs"][0] == "open", what="plug 1 off at 5 min")
        # Back on mains with remote controls disabled: the plug stays off, one event says why.
        sim.set(remote_disabled=True)
        sim.scenario("mains-return")
        events = wait_until(lambda: not_sent(card, "Power Plug 1 ON (plug mode)"), "the refusal")
        assert "refused by the UPS" in events[-1], events
        assert plugs(sim)[0] == "open"
    finally:
        sim.set(remote_disabled=False)
        sim.scenario("normal")
        cli_ok(card, "config", "set", "powershare.plug1.mode=manual",
               "powershare.plug2.mode=manual")


def test_plugs_control_is_the_admins_and_only_for_plugs_without_a_mode(vumap):
    sim, card = vumap
    sim.scenario("normal")
    cli_ok(card, "powershare", "off", "2")                  # the local socket: the admin's
    sim.wait_for(lambda s: s["physics"]["plugs"][1] == "open", what="plug 2 opened")
    cli_ok(card, "powershare", "on", "2")
    sim.wait_for(lambda s: s["physics"]["plugs"][1] == "closed", what="plug 2 closed")
    cli_ok(card, "config", "set", "powershare.plug2.mode=emergency_lighting")
    try:
        sim.wait_for(lambda s: s["physics"]["plugs"][1] == "open", what="the mode's plug off")
        refused = cli(card, "powershare", "on", "2")
        assert refused.returncode == 2 and "mode Emergency lighting" in refused.stderr
        assert cli(card, "powershare", "on", "3").returncode == 1      # the UPS has 2 plugs
    finally:
        cli_ok(card, "config", "set", "powershare.plug2.mode=manual")
    commands = done(sim, "outlet.1.load.off")
    writer = WebClient(card.http_url)
    writer.login(*WRITER)
    status, answer = writer.call("POST", "/commands/outlet.1.load.off")
    assert status == 400 and "admin only" in answer["error"], (status, answer)
    admin = WebClient(card.http_url)
    admin.login("admin", ADMIN_PASSWORD)
    # The web interface draws the feature's settings page from these rows.
    rows = {r["key"]: r for r in admin.call("GET", "/config")[1] if r["feature"] == "schedules"}
    assert rows["schedules.eco.periods"]["title"] == "Schedules and power share"
    assert "emergency_lighting" in rows["powershare.plug1.mode"]["limit"]
    assert admin.call("POST", "/commands/outlet.1.load.off")[0] == 200
    sim.wait_for(lambda s: s["physics"]["plugs"][0] == "open", what="the admin's control")
    assert done(sim, "outlet.1.load.off") == commands + 1
    assert admin.call("POST", "/commands/outlet.1.load.on")[0] == 200


def test_a_jbusp_ups_reports_its_plugs_and_its_remote_controls(tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link, sets=["poll.rate=0", "serial.baud=57600",
                                                        "serial.mapping=jbusp"]) as card:
        card.wait_for(lambda s: not s["ups"]["stale"], what="the first UPS data")
        st = schedules(card)
        assert st["powershare"]["plugs"] == 2                  # T10, without any setting
        assert st["powershare"]["plug"][1]["state"] is None    # JBUSP has no plug state bits
        assert st["battery_test"]["why_unavailable"] == \
            "the battery test schedule is only for VU-MAP UPS"
        cli_ok(card, "powershare", "off", "2")
        sim.wait_for(lambda s: s["physics"]["plugs"] == ["closed", "open"], what="plug 2 off")
        sim.set(remote_disabled=True)
        wait_until(lambda: schedules(card)["powershare"]["plug"][1]["why_unavailable"]
                   == "the UPS reports remote controls disabled", "S06 seen")
        refused = cli(card, "powershare", "on", "2")
        assert refused.returncode == 1 and "remote controls disabled" in refused.stderr
        assert sim.state()["physics"]["plugs"] == ["closed", "open"]
