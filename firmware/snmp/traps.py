"""Which receiver gets which notification, and what each carries (pure: no I/O).

    route(receiver, kind, number, trap_filter) -> True when the receiver takes it
    build(ctx, kind, number, info) -> Trap(oid, level, text, varbinds)

kind "rfc" (RFC 1628 traps 1-4) goes to receivers of type rfc1628; "nv" (NET VISION traps 1-40)
and "sts" (STS traps) to receivers of type netvision, through the receiver's filter: by severity
(information: all, warning: warning and critical, critical: critical only) or by a selection of
NET VISION trap numbers. With the "SNMP TRAP / email Filter" on, a severity filter leaves out
traps 3 and 4 (manual 15.8). The test trap (40) reaches every receiver of a type that is not
"none", whatever its filter.

A Trap's varbinds come after sysUpTime.0 and snmpTrapOID.0 (the sender puts those first).
"""

from firmware.snmp import ber, nv7, rfc1628, sts, wellknown
from firmware.snmp.mib import INTEGER, OCTETS, OID
from firmware.snmp.wellknown import LEVEL_RANK

TEST_TRAP = 40
STS_TRAPS = sts.TRAPS
TRAP_STRING = nv7.OBJECTS + (9, 50, 0)

# The manual's words for the NET VISION traps (15.8.1), else the trap's name.
TEXTS = {
    1: "The UPS is on battery", 2: "This trap is sent upon completion of a UPS diagnostic test",
    3: "A new alarm entry has been added to the alarm table",
    4: "An alarm has been removed from the alarm table",
    5: "The UPS is about to switch off the output power", 6: "Output load rate more than 100%",
    7: "Redundancy lost", 8: "The battery has been disconnected from the UPS",
    9: "The battery has been detected as discharged",
    10: "The battery is near of the end of backup time", 11: "Battery alarm",
    12: "A critical alarm has been detected on the UPS",
    13: "The load has been disconnected from the UPS",
    14: "UPS is no longer communicating with the agent", 15: "Battery discharging",
    16: "Battery test failed", 17: "Temperature alarm", 18: "Load on bypass",
    19: "UPS general alarm", 22: "The UPS status is normal. Load protected by UPS",
    23: "The Input supply has been restored", 24: "Alarm cancelled. All alarms are disabled",
    25: "The communication between UPS and the agent has been restored",
    27: "NET VISION is restarting", 40: "Trap test",
}
STS_TEXTS = {
    1: "STS Imminent Stop", 2: "STS in Overload",
    3: "The load is supplied by the preferred source",
    4: "The load is supplied by the alternate source", 5: "The source 1 is the preferred source",
    6: "Load not supplied", 7: "STS general alarm", 8: "Alarm cancelled. STS in normal situation",
}


class Trap:
    """One notification as it leaves: OID, level, text and its own varbinds."""

    __slots__ = ("kind", "number", "oid", "level", "text", "varbinds")

    def __init__(self, kind, number, oid, level, text, varbinds) -> None:
        self.kind = kind
        self.number = number
        self.oid = oid
        self.level = level
        self.text = text
        self.varbinds = varbinds


def route(receiver, kind: str, number: int, trap_filter: bool) -> bool:
    """True when `receiver` takes notification (kind, number)."""
    if receiver.kind == "none":
        return False
    if kind == "nv" and number == TEST_TRAP:
        return True
    if kind == "rfc":
        return receiver.kind == "rfc1628"
    if receiver.kind != "netvision":
        return False
    level = (wellknown.NV_TRAPS[number][1] if kind == "nv"
             else wellknown.STS_TRAPS[number][1])
    if receiver.filter_kind == "events":
        return kind == "nv" and number in receiver.filter_value
    if trap_filter and kind == "nv" and number in (3, 4):
        return False
    return LEVEL_RANK[level] >= LEVEL_RANK[receiver.filter_value]


def build(tree, kind: str, number: int, info: dict) -> Trap:
    """The Trap for a notification, its varbinds read from the tree now."""
    if kind == "rfc":
        return Trap(kind, number, rfc1628.TRAPS + (number,), "W", "", _rfc_varbinds(
            tree, number, info))
    if kind == "sts":
        name, level, _rule, _edge = wellknown.STS_TRAPS[number]
        text = STS_TEXTS.get(number, name)
        return Trap(kind, number, STS_TRAPS + (number,), level, text,
                    [(sts.TRAP_STRING, (OCTETS, text.encode()))])
    name, level, _rules, _edge = wellknown.NV_TRAPS[number]
    text = info.get("text") or TEXTS.get(number, name)
    varbinds = [(TRAP_STRING, (OCTETS, text.encode()))]
    if number in (3, 4):
        alarm = info["alarm"]
        varbinds.append((rfc1628.ALARM_ENTRY + (2, info["id"]),
                         (OID, rfc1628.WELL_KNOWN_ALARMS + (alarm,))))
        text = "%s: %s" % (text, wellknown.RFC1628[alarm][0])
        varbinds[0] = (TRAP_STRING, (OCTETS, text.encode()))
    return Trap(kind, number, nv7.TRAPS + (number,), level, text, varbinds)


def _present(tree, oids) -> list:
    out = []
    for oid in oids:
        value = tree.get(oid)
        if value[0] not in (ber.NO_SUCH_OBJECT, ber.NO_SUCH_INSTANCE):
            out.append((oid, value))
    return out


def _rfc_varbinds(tree, number: int, info: dict) -> list:
    if number == 1:      # upsEstimatedMinutesRemaining, upsSecondsOnBattery, upsConfigLowBattTime
        return _present(tree, (rfc1628.BATTERY + (3, 0), rfc1628.BATTERY + (2, 0),
                               rfc1628.CONFIG + (7, 0)))
    if number == 2:      # upsTestId .. upsTestElapsedTime
        return _present(tree, [rfc1628.TEST + (n, 0) for n in range(1, 7)])
    alarm_id = info["id"]
    return [(rfc1628.ALARM_ENTRY + (1, alarm_id), (INTEGER, alarm_id)),
            (rfc1628.ALARM_ENTRY + (2, alarm_id),
             (OID, rfc1628.WELL_KNOWN_ALARMS + (info["alarm"],)))]


def v1_fields(trap_oid: tuple) -> tuple:
    """(enterprise, generic, specific) of an SNMPv2 notification OID (RFC 3584 section 3.2)."""
    if len(trap_oid) > 2 and trap_oid[-2] == 0:
        return trap_oid[:-2], 6, trap_oid[-1]
    return trap_oid[:-1], 6, trap_oid[-1]
