"""STS tree (1.3.6.1.4.1.4555.1.1.8): a static transfer switch, as the manual's appendix "STS MIB
FILE OID DESCRIPTION" lists it, served while an STS is attached.

    .1.1 stsIdent    1 Model 2 SerialNumber 3 FirmwareVersion 4 AgentSoftwareVersion 5 UserRef
                     6 UserLocation 7 SystemName 8 SystemContact 9 SystemLocation
    .1.2 stsSource1  1 Status (unknown, ok, critical, outTol, absent) 2 Preferred (no, yes)
                     3 Frequency (0.1 Hz) 4 NumLines 5.1.{1 LineIndex 2 Voltage (V)}
    .1.3 stsSource2  the same for source 2
    .1.4 stsSource   1 Interaction (unknown, synchro, sliding, asynchro)
    .1.5 stsOutput   1 LoadStatus (unknown, on preferred, on alternate, off, on manual bypass 1,
                     on manual bypass 2) 2 Status (unknown, on switch 1, on switch 2, off)
                     3 Frequency (0.1 Hz) 4 LoadRate (%) 5 NumLines 6.1.{1 LineIndex 2 Voltage
                     3 Current 4 kVA (0.1) 5 kW (0.1) 6 CrestFactor (0.1) 7 PowerFactor (0.01)}
    .1.6 stsAlarms   1.N well-known alarms (1 present, 0 not)
    .1.7 stsAgent    1 TrapString (the text of the last trap, carried by every STS trap)
    .2   stsTraps    (firmware/snmp/traps.py)

The manual prints neither the tree's number under 4555.1.1 (8 is ours, beside NET VISION 7's 7)
nor the sub-identifiers: its numbers are those of the extracted lines, so objects are numbered
in the order it lists them. Values the STS does not give read -1, as in the NET VISION tree.
"""

from firmware import VERSION
from firmware.snmp import values as v
from firmware.snmp.mib import INTEGER, OCTETS
from firmware.snmp.rules import active_flags, holds

STS = (1, 3, 6, 1, 4, 1, 4555, 1, 1, 8)
OBJECTS = STS + (1,)
TRAPS = STS + (2,)
TRAP_STRING = OBJECTS + (7, 1, 0)

# stsWellKnownAlarms: number -> (name, rule over the STS map's bits)
ALARMS = {
    1: ("stsImminentStop", "A000"),
    2: ("stsTransferImpossible", "A007"),
    3: ("stsConsecutiveDetection", "A005"),
    4: ("stsOverload", "A003"),
    5: ("stsString1Alarm", "A009|A010|A011"),          # power path 1
    6: ("stsString2Alarm", "A013|A014|A015"),          # power path 2
    7: ("stsPreventiveMaintenance", "A025|A030"),
    8: ("stsGeneralAlarm", "A031"),
    9: ("stsCustomInputAlarm", "A029"),
}


def source_status(flags, first):
    """Source 1 (bits S000..S003) or 2 (S006..S009): ok, critical, out of tolerance, absent."""
    base = 0 if first else 6
    for offset, status in ((1, 3), (2, 4), (3, 5), (0, 2)):
        if "S%03d" % (base + offset) in flags:
            return status
    return 1


def first_match(flags, table, default=1):
    for rule, value in table:
        if holds(rule, flags):
            return value
    return default


def build(tree, ctx) -> None:
    st, card = ctx.card.state, ctx.card
    sts = lambda: v.mapping(st) == "sts"           # noqa: E731

    def guard(get):
        return lambda *a: get(*a) if sts() else None

    def nv(get):
        return guard(lambda *a: v.not_managed(get(*a)))

    def num(name, scale=1):
        return nv(lambda: v.number(st, name, scale))

    flags = lambda: active_flags(st)               # noqa: E731
    g = OBJECTS + (1,)
    for sub, get in ((1, lambda: st.device.get("range") or "STATYS"),
                     (2, lambda: v.ident_text(st, "device.serial")),
                     (3, lambda: v.ident_text(st, "ups.firmware")),
                     (4, lambda: "opennmc " + VERSION),
                     (5, lambda: v.ident_text(st, "device.part")),
                     (6, lambda: card.identity()["location"]),
                     (7, lambda: card.identity()["name"]),
                     (8, lambda: card.identity()["contact"]),
                     (9, lambda: card.identity()["location"])):
        tree.scalar(g + (sub,), OCTETS, guard(get))

    for group, n, first in ((2, "1", True), (3, "2", False)):
        g = OBJECTS + (group,)
        prefix = "input." + n
        preferred = "S016" if first else "!S016"
        tree.scalar(g + (1,), INTEGER, guard(lambda f=first: source_status(flags(), f)))
        tree.scalar(g + (2,), INTEGER,
                    guard(lambda r=preferred: 2 if holds(r, flags()) else 1))
        tree.scalar(g + (3,), INTEGER, num(prefix + ".frequency", 10))
        tree.scalar(g + (4,), INTEGER,
                    guard(lambda p=prefix: v.line_count(st, p, p + ".voltage")))
        rows = (lambda p=prefix: v.rows(v.line_count(st, p, p + ".voltage")) if sts() else [])
        tree.column(g + (5, 1, 1), INTEGER, rows, lambda index: index[0])
        tree.column(g + (5, 1, 2), INTEGER, rows, nv(
            lambda index, p=prefix: v.per_line(st, p, "-N.voltage", p + ".voltage", index[0])))

    tree.scalar(OBJECTS + (4, 1), INTEGER, guard(lambda: first_match(
        flags(), (("S012|S015", 2), ("S013", 3), ("S014", 4)))))

    g = OBJECTS + (5,)
    tree.scalar(g + (1,), INTEGER, guard(lambda: first_match(
        flags(), (("S019", 4), ("S020", 5), ("S021", 6), ("S018", 3), ("S017", 2)))))
    tree.scalar(g + (2,), INTEGER, guard(lambda: first_match(
        flags(), (("S019", 4), ("S023", 2), ("S024", 3)))))
    tree.scalar(g + (3,), INTEGER, num("output.frequency", 10))
    tree.scalar(g + (4,), INTEGER, num("ups.load"))
    tree.scalar(g + (5,), INTEGER, guard(lambda: v.line_count(st, "output", "output.voltage")))
    rows = lambda: v.rows(v.line_count(st, "output", "output.voltage")) if sts() else []  # noqa
    e = g + (6, 1)
    tree.column(e + (1,), INTEGER, rows, lambda index: index[0])
    for column, suffix, plain, scale in ((2, "-N.voltage", "output.voltage", 1),
                                         (3, ".current", "output.current", 1),
                                         (4, ".power", "ups.power", 0.01),
                                         (5, ".realpower", "ups.realpower", 0.01),
                                         (6, ".crestfactor", "output.crestfactor", 10),
                                         (7, ".powerfactor", "output.powerfactor", 100)):
        tree.column(e + (column,), INTEGER, rows, nv(
            lambda index, s=suffix, p=plain, k=scale: v.per_line(st, "output", s, p, index[0],
                                                                 k)))
    for number, (_name, rule) in ALARMS.items():
        tree.scalar(OBJECTS + (6, 1, number), INTEGER,
                    guard(lambda r=rule: 1 if holds(r, flags()) else 0))
    tree.scalar(TRAP_STRING[:-1], OCTETS, guard(lambda: ctx.last_trap_text))
