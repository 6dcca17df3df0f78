"""An STS on the line: net-snmp reads the STS tree (and no UPS-MIB), snmptrapd gets STS traps."""

from tests.cardharness import start_card
from tests.simharness import start_sim
from tests.snmpharness import NetSnmp, TrapReceiver, trap_numbers

STS = ".1.3.6.1.4.1.4555.1.1.8"


def test_the_sts_tree_and_its_traps(tmp_path):
    with TrapReceiver(tmp_path) as trapd, start_sim(tmp_path, profile="statys",
                                                      baud=57600) as sim:
        sets = ["snmp.port=0", "snmp.bind=127.0.0.1", "poll.rate=1",
                "snmp.traps=%s/netvision/v2c/public" % trapd.address]
        with start_card(tmp_path, serial=sim.link, sets=sets) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="the STS data")
            tools = NetSnmp(tmp_path)
            tree = tools.values("snmpbulkwalk", "-v2c", "-c", "public", card.ready["snmp"], STS)
            values = card.status()["ups"]["values"]
            assert tree[STS + ".1.1.1.0"] == 'STRING: "STATYS"'
            assert tree[STS + ".1.2.1.0"] == "INTEGER: 2"            # source 1 OK
            assert tree[STS + ".1.5.4.0"] == "INTEGER: %d" % round(values["ups.load"])
            ups = tools.values("snmpbulkwalk", "-v2c", "-c", "public", card.ready["snmp"],
                               ".1.3.6.1.2.1.33")
            # An STS has no UPS-MIB: the walk finds nothing and falls back to a GET of the root.
            assert list(ups) == [".1.3.6.1.2.1.33"] and "No Such" in ups[".1.3.6.1.2.1.33"], ups
            flags = sim.state()["devices"][str(sim.state()["base"])]["statuses"]
            forced = sorted(set(flags) - {"S017"} | {"S018"})       # on the alternate source
            sim.request("POST", "/flags", {"acronyms": forced})
            got = trapd.wait_for(lambda t: 4 in trap_numbers(t, STS + ".2"),
                                 what="stsTrapSwitchOnAlternateSource")
            assert trap_numbers(got, STS + ".2").count(4) == 1
            sim.request("POST", "/flags", {"acronyms": None})
            trapd.wait_for(lambda t: 3 in trap_numbers(t, STS + ".2"),
                           what="stsTrapSwitchOnPreferredSource")
