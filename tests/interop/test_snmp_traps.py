"""snmptrapd (net-snmp) receives the card's traps for the simulator's scenarios: the right traps,
in order, for each receiver's type, version and filter; v1, v2c and v3 (SHA/AES)."""

import pytest

from firmware.admin.local_socket import SOCKET_NAME, call
from tests.cardharness import start_card
from tests.simharness import start_sim
from tests.snmpharness import TrapReceiver, trap_numbers

NV = ".1.3.6.1.4.1.4555.1.1.7.2"
RFC = ".1.3.6.1.2.1.33.2"
WELL_KNOWN = ".1.3.6.1.2.1.33.1.6.3"
ON_BATTERY, LOW_BATTERY, OVERLOAD, COMM_LOST = 2, 3, 8, 20
USER = "trapper:read:authPriv:SHA:trapper-auth:AES:trapper-priv"


def alarms(traps, number):
    """Well-known alarms carried by RFC 1628 traps `number` (3 added, 4 removed), in order."""
    out = []
    for t in traps:
        if t["trap"] == "%s.%d" % (RFC, number):
            out += [int(v.rsplit(".", 1)[1]) for k, v in t["varbinds"].items()
                    if v.startswith("OID: " + WELL_KNOWN + ".")]
    return out


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("traps")
    receivers = {
        "nv": TrapReceiver(tmp),
        "rfc": TrapReceiver(tmp),
        "critical": TrapReceiver(tmp),
        "events": TrapReceiver(tmp),
        "v3": TrapReceiver(tmp, users=["trapper SHA trapper-auth AES trapper-priv"]),
    }
    items = ["%s/netvision/v2c/public" % receivers["nv"].address,
             "%s/rfc1628/v1/public" % receivers["rfc"].address,
             "%s/netvision/v2c/public/critical" % receivers["critical"].address,
             "%s/netvision/v2c/public/events=15+23" % receivers["events"].address,
             "%s/netvision/v3/trapper" % receivers["v3"].address,
             # Neither of these may hold up the others: a name that does not resolve and a
             # port where nobody listens.
             "no-such-host.invalid/netvision/v2c/public",
             "127.0.0.1:9/netvision/v2c/public"]
    sets = ["snmp.port=0", "snmp.bind=127.0.0.1", "snmp.usm1=" + USER, "poll.rate=1",
            "snmp.traps=" + ",".join(items)]
    try:
        with start_sim(tmp, profile="netys-rt", baud=57600) as sim:
            with start_card(tmp, serial=sim.link, sets=sets) as card:
                card.wait_for(lambda s: not s["ups"]["stale"] and s["ups"]["values"].get(
                    "ups.status", "").startswith("OL"), what="the UPS on line")
                yield sim, card, receivers
    finally:
        for r in receivers.values():
            r.stop()


def test_mains_failure_and_return(rig):
    sim, _card, r = rig
    sim.scenario("mains-failure")
    nv = r["nv"].wait_for(lambda t: {1, 15, 19} <= set(trap_numbers(t, NV)),
                          what="on battery traps")
    rfc = r["rfc"].wait_for(lambda t: 1 in trap_numbers(t, RFC), what="upsTrapOnBattery")
    assert ON_BATTERY in alarms(rfc, 3)
    on_battery = [t for t in rfc if t["trap"] == RFC + ".1"][0]["varbinds"]
    assert ".1.3.6.1.2.1.33.1.2.2.0" in on_battery          # upsSecondsOnBattery
    assert ".1.3.6.1.2.1.33.1.2.3.0" in on_battery          # upsEstimatedMinutesRemaining
    numbers = trap_numbers(nv, NV)
    assert numbers.index(1) < numbers.index(15) and 3 in numbers
    sim.scenario("mains-return")
    nv = r["nv"].wait_for(lambda t: {4, 23, 24} <= set(trap_numbers(t, NV)),
                          what="power restored traps")
    rfc = r["rfc"].wait_for(lambda t: ON_BATTERY in alarms(t, 4), what="on battery removed")
    assert alarms(rfc, 3).count(ON_BATTERY) == alarms(rfc, 4).count(ON_BATTERY) == 1
    # The filters: critical only; a selection of events (15 and 23); v3 sees them all.
    crit = trap_numbers(r["critical"].traps(), NV)
    assert 1 in crit and not {3, 4, 15, 19, 23, 24} & set(crit), crit
    chosen = r["events"].wait_for(lambda t: {15, 23} <= set(trap_numbers(t, NV)),
                                  what="the selected events")
    assert set(trap_numbers(chosen, NV)) == {15, 23}
    secure = r["v3"].wait_for(lambda t: {1, 15, 23} <= set(trap_numbers(t, NV)),
                              what="SNMPv3 traps")
    assert all(t["version"] == "v3" for t in secure), secure[0]["security"]


def test_low_battery_overload_and_their_removal(rig):
    sim, _card, r = rig
    sim.scenario("low-battery")
    r["nv"].wait_for(lambda t: 10 in trap_numbers(t, NV), what="upsTrapBatteryLow")
    r["rfc"].wait_for(lambda t: LOW_BATTERY in alarms(t, 3), what="upsAlarmLowBattery added")
    r["critical"].wait_for(lambda t: 10 in trap_numbers(t, NV), what="battery low (critical)")
    sim.scenario("normal")
    r["rfc"].wait_for(lambda t: LOW_BATTERY in alarms(t, 4), what="upsAlarmLowBattery removed")
    sim.scenario("overload")
    r["nv"].wait_for(lambda t: 6 in trap_numbers(t, NV), what="upsTrapOverload")
    r["rfc"].wait_for(lambda t: OVERLOAD in alarms(t, 3), what="upsAlarmOutputOverload added")
    assert 6 not in trap_numbers(r["critical"].traps(), NV)       # a warning
    sim.scenario("normal")
    r["rfc"].wait_for(lambda t: OVERLOAD in alarms(t, 4), what="upsAlarmOutputOverload removed")


def test_communication_lost_and_restored(rig):
    sim, card, r = rig
    sim.fault(silence=True)
    r["nv"].wait_for(lambda t: 14 in trap_numbers(t, NV), what="upsTrapCommunicationLost")
    r["rfc"].wait_for(lambda t: COMM_LOST in alarms(t, 3), what="communications lost added")
    sim.fault()
    r["nv"].wait_for(lambda t: 25 in trap_numbers(t, NV), what="upsTrapComEstablished")
    r["rfc"].wait_for(lambda t: COMM_LOST in alarms(t, 4), what="communications lost removed")


def test_the_test_trap_reaches_every_receiver_and_the_dead_ones_hold_up_nothing(rig):
    _sim, card, r = rig
    answer = call(str(card.data_dir / SOCKET_NAME), "snmp.test_trap", {})
    assert answer["ok"] and answer["result"]["receivers"] == 7, answer
    for name in ("nv", "critical", "events", "v3"):
        r[name].wait_for(lambda t: 40 in trap_numbers(t, NV), timeout=5, what=name)
    r["rfc"].wait_for(lambda t: 40 in trap_numbers(t, NV), timeout=5, what="rfc receiver")
    dead = [t for t in card.status()["snmp"]["traps"]
            if t["receiver"].startswith("no-such-host.invalid:")]
    assert dead[0]["sent"] == 0 and "resolve" in (dead[0]["error"] or ""), dead


def test_the_trap_filter_leaves_out_alarm_entries_for_severity_filters(rig, tmp_path):
    sim, card, r = rig
    from tests.cardcli import cli_ok
    with TrapReceiver(tmp_path) as plain:
        items = ["%s/netvision/v2c/public" % plain.address]
        cli_ok(card, "config", "set", "snmp.trap_filter=on", "snmp.traps=" + ",".join(items))
        sim.scenario("mains-failure")
        got = plain.wait_for(lambda t: 15 in trap_numbers(t, NV), what="on battery")
        sim.scenario("mains-return")
        got = plain.wait_for(lambda t: 23 in trap_numbers(t, NV), what="power restored")
        assert not {3, 4} & set(trap_numbers(got, NV)), trap_numbers(got, NV)
