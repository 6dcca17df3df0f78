"""The fast lane on the card: with a 30 s polling rate at 9600 baud, a mains failure on the UPS
simulator reaches ups.status, the event log and the SNMP agent long before the next cycle."""

from tests.cardcli import texts, wait_until
from tests.cardharness import start_card
from tests.simharness import start_sim
from tests.snmpharness import NetSnmp

OUTPUT_SOURCE = ".1.3.6.1.2.1.33.1.4.1.0"


def test_a_status_change_does_not_wait_for_the_polling_rate(tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=9600) as sim:
        sets = ["poll.rate=30", "snmp.port=0", "snmp.bind=127.0.0.1"]
        with start_card(tmp_path, serial=sim.link, sets=sets) as card:
            first = card.wait_for(lambda s: "OL" in s["ups"]["values"].get("ups.status", ""),
                                  timeout=60, what="on line")
            cycles = first["poller"]["counters"]["cycles"]
            sim.scenario("mains-failure")
            # The next cycle is about 30 s away: 10 s is plenty for the fast lane, far too
            # short for the polling rate.
            status = card.wait_for(lambda s: "OB" in s["ups"]["values"].get("ups.status", ""),
                                   timeout=10, what="on battery through the fast lane")
            counters = status["poller"]["counters"]
            assert counters["fast_wakeups"] >= 1 and counters["fast_reads"] >= 2, counters
            assert counters["cycles"] <= cycles + 1, counters      # measurements: 30 s
            wait_until(lambda: "Operating on Battery" in texts(card, "ups-events"),
                       "the event", timeout=10)
            got = NetSnmp(tmp_path).values("snmpget", "-v2c", "-c", "public",
                                           card.ready["snmp"], OUTPUT_SOURCE)
            assert got[OUTPUT_SOURCE] == "INTEGER: 5"            # upsOutputSource battery
