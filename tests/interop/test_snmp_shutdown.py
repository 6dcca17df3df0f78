"""The shutdown agent over SNMP, seen by net-snmp: snmptrapd receives NET VISION traps 20
(warning), 21 (request) and 26 (cancel) through each receiver's filter, and snmpwalk reads
upsAlarmShutdownPending in the RFC 1628 alarm table during the warning period.

The card reads the UPS simulator: a mains failure starts the AC-failed sequence and mains back
cancels it; the AC-fail test runs to the servers' request without FSD reaching any client. The
card clock is set forward to go through the warning period instead of sleeping through it.
"""

from __future__ import annotations

import pytest

from tests.cardcli import cli_json, cli_ok, wait_until
from tests.cardharness import start_card
from tests.simharness import start_sim
from tests.snmpharness import NetSnmp, TrapReceiver, trap_numbers

pytestmark = pytest.mark.timeout(300)
NV = ".1.3.6.1.4.1.4555.1.1.7.2"
RFC = ".1.3.6.1.2.1.33.2"
TRAP_STRING = ".1.3.6.1.4.1.4555.1.1.7.1.9.50.0"
WELL_KNOWN = ".1.3.6.1.2.1.33.1.6.3"
ALARM_DESCR = ".1.3.6.1.2.1.33.1.6.2.1.2"
PENDING = 22
SHUTDOWN_TRAPS = {20, 21, 26}


def alarms(traps, number):
    """Well-known alarms carried by RFC 1628 traps `number` (3 added, 4 removed), in order."""
    out = []
    for t in traps:
        if t["trap"] == "%s.%d" % (RFC, number):
            out += [int(v.rsplit(".", 1)[1]) for v in t["varbinds"].values()
                    if v.startswith("OID: " + WELL_KNOWN + ".")]
    return out


def shutdown_traps(receiver):
    return [n for n in trap_numbers(receiver.traps(), NV) if n in SHUTDOWN_TRAPS]


def jump(card, seconds: float) -> None:
    """Set the card clock forward (as a user would, "synchronise with computer time")."""
    now = card.status()["time"]["clock"]["utc"]
    cli_ok(card, "time", "browser", str(int((now + seconds) * 1000)))


def table(card, tools) -> list[int]:
    """The well-known alarms of the RFC 1628 alarm table, as snmpwalk reads upsAlarmDescr."""
    values = tools.values("snmpwalk", "-v2c", "-c", "public", card.ready["snmp"], ALARM_DESCR)
    return sorted(int(v.rsplit(".", 1)[1]) for v in values.values()
                  if v.startswith("OID: " + WELL_KNOWN + "."))


@pytest.fixture
def rig(tmp_path):
    names = ("all", "warning", "critical", "chosen", "rfc")
    receivers = {name: TrapReceiver(tmp_path) for name in names}
    items = ["%s/netvision/v2c/public" % receivers["all"].address,
             "%s/netvision/v2c/public/warning" % receivers["warning"].address,
             "%s/netvision/v2c/public/critical" % receivers["critical"].address,
             "%s/netvision/v2c/public/events=21+26" % receivers["chosen"].address,
             "%s/rfc1628/v1/public" % receivers["rfc"].address]
    sets = ["snmp.port=0", "snmp.bind=127.0.0.1", "poll.rate=0", "snmp.traps=" + ",".join(items),
            "shutdown.battery_low.enabled=off", "shutdown.ac_failed.enabled=on",
            "shutdown.ac_failed.period=1", "shutdown.ac_failed.first_warning=0",
            "shutdown.ac_failed.interval=30"]
    try:
        with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
                start_card(tmp_path, serial=sim.link, sets=sets) as card:
            card.wait_for(lambda s: not s["ups"]["stale"] and s["ups"]["values"].get(
                "ups.status", "").startswith("OL"), what="the UPS on line")
            yield sim, card, receivers, NetSnmp(tmp_path)
    finally:
        for r in receivers.values():
            r.stop()


def test_a_warning_cancelled_by_mains_back(rig):
    sim, card, r, tools = rig
    sim.scenario("mains-failure")
    got = r["all"].wait_for(lambda t: 20 in trap_numbers(t, NV), what="upsTrapShutdownWarning")
    warning = [t for t in got if t["trap"] == NV + ".20"][0]["varbinds"]
    assert "Send shutdown warning to clients: UPS on battery (AC Failed)" in warning[TRAP_STRING]
    assert PENDING in table(card, tools)
    pending = tools.values("snmpget", "-v2c", "-c", "public", card.ready["snmp"],
                           ".1.3.6.1.2.1.33.1.6.1.0")        # upsAlarmsPresent
    assert int(pending[".1.3.6.1.2.1.33.1.6.1.0"].split()[-1]) >= 1
    r["rfc"].wait_for(lambda t: PENDING in alarms(t, 3), what="upsAlarmShutdownPending added")
    sim.scenario("mains-return")
    r["all"].wait_for(lambda t: 26 in trap_numbers(t, NV), what="upsTrapShutdownCancelled")
    assert shutdown_traps(r["all"]) == [20, 26]
    r["rfc"].wait_for(lambda t: PENDING in alarms(t, 4), what="upsAlarmShutdownPending removed")
    assert PENDING not in table(card, tools)
    # The filters: warning level takes 20 and not 26 (information); a selection, what it names.
    r["warning"].wait_for(lambda t: 20 in trap_numbers(t, NV), timeout=5, what="warning level")
    assert shutdown_traps(r["warning"]) == [20]
    r["chosen"].wait_for(lambda t: 26 in trap_numbers(t, NV), timeout=5, what="selection")
    assert shutdown_traps(r["chosen"]) == [26]
    assert shutdown_traps(r["critical"]) == []


def test_the_ac_fail_test_runs_to_the_request_and_ends_with_a_cancel(rig):
    sim, card, r, tools = rig
    assert cli_json(card, "shutdown", "test")["test"] is True
    r["all"].wait_for(lambda t: 20 in trap_numbers(t, NV), what="upsTrapShutdownWarning")
    assert PENDING in table(card, tools)
    jump(card, 61)
    got = r["all"].wait_for(lambda t: 21 in trap_numbers(t, NV), what="upsTrapShutdownRequest")
    request = [t for t in got if t["trap"] == NV + ".21"][0]["varbinds"]
    assert request[TRAP_STRING].endswith('(AC Failed) (test)"'), request[TRAP_STRING]
    assert shutdown_traps(r["all"]) == [20, 21]
    assert card.status()["nut"]["fsd"] is False               # no client was told
    # No UPS shut-off follows a test: the countdown is over, nothing is pending any more.
    r["rfc"].wait_for(lambda t: PENDING in alarms(t, 4), what="upsAlarmShutdownPending removed")
    assert not {21, 22, 23} & set(table(card, tools))
    r["warning"].wait_for(lambda t: 21 in trap_numbers(t, NV), timeout=5, what="warning level")
    r["chosen"].wait_for(lambda t: 21 in trap_numbers(t, NV), timeout=5, what="selection")
    jump(card, 121)
    r["all"].wait_for(lambda t: 26 in trap_numbers(t, NV), what="the test's cancel")
    assert shutdown_traps(r["all"]) == [20, 21, 26]
    wait_until(lambda: cli_json(card, "shutdown", "status")["phase"] == "idle", "the test over")
    assert sim.state()["commands_done"] == []
    assert shutdown_traps(r["critical"]) == []
