"""MIB-II system and snmp groups (RFC 3418): the card's identity and the agent's counters.

    1.3.6.1.2.1.1   system   sysDescr, sysObjectID, sysUpTime, sysContact (rw), sysName (rw),
                             sysLocation (rw), sysServices
    1.3.6.1.2.1.11  snmp     snmpInPkts, snmpInBadVersions, snmpInBadCommunityNames,
                             snmpInBadCommunityUses, snmpInASNParseErrs, snmpEnableAuthenTraps,
                             snmpSilentDrops, snmpProxyDrops

sysObjectID is NET VISION's (1.3.6.1.4.1.4555.1.1.1): NUT's snmp-ups picks its `netvision`
MIB from it when it runs with mibs=auto. sysName, sysContact and sysLocation are the card's
system.* settings: a SET changes them through the configuration, checked and logged.
"""

from firmware import VERSION
from firmware.snmp.mib import COUNTER, INTEGER, OCTETS, OID, TICKS, Writer, text_check

SYSTEM = (1, 3, 6, 1, 2, 1, 1)
SNMP = (1, 3, 6, 1, 2, 1, 11)
SYS_UPTIME = SYSTEM + (3, 0)
SNMP_TRAP_OID = (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)
SYS_OBJECT_ID = (1, 3, 6, 1, 4, 1, 4555, 1, 1, 1)

# snmp group counters (RFC 3418), by sub-identifier.
COUNTERS = {"in_pkts": 1, "out_pkts": 2, "bad_versions": 3, "bad_community_names": 4,
            "bad_community_uses": 5, "parse_errors": 6, "silent_drops": 31, "proxy_drops": 32}


def build(tree, ctx) -> None:
    """Register the system and snmp groups; ctx is the feature's SnmpContext."""
    card = ctx.card

    def ident(key):
        return lambda: card.identity()[key]

    def setter(key):
        async def apply(index, value):
            await ctx.set_settings({"system." + key: value})
        return Writer(text_check(64), apply)

    tree.scalar(SYSTEM + (1,), OCTETS,
                lambda: "opennmc %s UPS network management card (%s)"
                % (VERSION, card.state.device.get("range") or "no UPS detected"))
    tree.scalar(SYSTEM + (2,), OID, lambda: SYS_OBJECT_ID)
    tree.scalar(SYSTEM + (3,), TICKS, ctx.tracker.uptime)
    tree.scalar(SYSTEM + (4,), OCTETS, ident("contact"), setter("contact"))
    tree.scalar(SYSTEM + (5,), OCTETS, ident("name"), setter("name"))
    tree.scalar(SYSTEM + (6,), OCTETS, ident("location"), setter("location"))
    tree.scalar(SYSTEM + (7,), INTEGER, lambda: 72)    # application + end-to-end layers
    for name, sub in COUNTERS.items():
        tree.scalar(SNMP + (sub,), COUNTER, _counter(ctx, name))

    # snmpEnableAuthenTraps: disabled(2). The card sends no authenticationFailure trap: an
    # unknown community is dropped and counted (snmpInBadCommunityNames).
    tree.scalar(SNMP + (30,), INTEGER, lambda: 2)


def _counter(ctx, name):
    return lambda: ctx.counters.get(name, 0)
