"""The older NET VISION tree (1.3.6.1.4.1.4555.1.1.1.1): the objects existing tools still poll.

Only what NUT's snmp-ups (mibs=netvision) and similar pollers read is served; the layout is the
one those tools use:

    .1.1.0 model  .1.2.0 UPS firmware  .1.3.0 agent software  .1.4.0 UPS serial number
    .2.1.0 battery status (2 normal, 3 low, 4 depleted, 5 discharging, 6 failure)
    .2.2.0 seconds on battery  .2.3.0 minutes remaining  .2.4.0 charge %  .2.5.0 battery 0.1 V
    .3.1.0 input lines  .3.2.0 input 0.1 Hz  .3.3.1.{1 index, 3 current 0.1 A, 5 voltage 0.1 V}
    .4.1.0 output source (3 normal, 4 bypass, 5 battery, 8 standby, 9 eco mode, 2 none)
    .4.2.0 output 0.1 Hz  .4.3.0 output lines
    .4.4.1.{1 index, 2 voltage 0.1 V, 3 current 0.1 A, 4 load %}
    .5.1.0 bypass 0.1 Hz  .5.2.0 bypass lines  .5.3.1.{1 index, 2 voltage 0.1 V, 3 current 0.1 A}
    .6.3.2.0 on battery (1) or not (0)
"""

from firmware import VERSION
from firmware.snmp import values as v
from firmware.snmp.mib import INTEGER, OCTETS
from firmware.snmp.rfc1628 import ON_BATTERY as RFC_ON_BATTERY, output_source

ROOT = (1, 3, 6, 1, 4, 1, 4555, 1, 1, 1, 1)
ON_BATTERY_ALARM = 2        # RFC 1628 well-known upsAlarmOnBattery
DEPLETED, BATTERY_BAD = 4, 1


def battery_status(state, tracker):
    if state.stale or state.get("ups.status") is None:
        return None
    words = v.tokens(state)
    if DEPLETED in tracker.rfc_alarms:
        return 4
    if "LB" in words:
        return 3
    if "OB" in words:
        return 5
    if "RB" in words or BATTERY_BAD in tracker.rfc_alarms:
        return 6
    return 2


def source(state):
    if state.stale or state.get("ups.status") is None:
        return None
    flags = set(state.statuses)
    rfc = output_source(state)
    if rfc == RFC_ON_BATTERY:
        return 5
    if {"S08", "S013"} & flags:
        return 8
    if {"S07", "S006", "S007"} & flags:
        return 9
    return rfc


def build(tree, ctx) -> None:
    st, tr = ctx.card.state, ctx.tracker
    ups = lambda: v.mapping(st) != "sts"           # noqa: E731

    def guard(get):
        return lambda *a: get(*a) if ups() else None

    def num(name, scale=1):
        return guard(lambda: v.number(st, name, scale))

    tree.scalar(ROOT + (1, 1), OCTETS, guard(lambda: v.model_name(st)))
    tree.scalar(ROOT + (1, 2), OCTETS, guard(lambda: v.ident_text(st, "ups.firmware")))
    tree.scalar(ROOT + (1, 3), OCTETS, guard(lambda: "opennmc " + VERSION))
    tree.scalar(ROOT + (1, 4), OCTETS, guard(lambda: v.ident_text(st, "device.serial")))
    tree.scalar(ROOT + (2, 1), INTEGER, guard(lambda: battery_status(st, tr)))
    tree.scalar(ROOT + (2, 2), INTEGER, guard(lambda: (st.get("battery.runtime.elapsed")
                                                       or tr.seconds_on_battery())))
    tree.scalar(ROOT + (2, 3), INTEGER, num("battery.runtime", 1 / 60.0))
    tree.scalar(ROOT + (2, 4), INTEGER, num("battery.charge"))
    tree.scalar(ROOT + (2, 5), INTEGER, num("battery.voltage", 10))

    for group, prefix, plain, cols in (
            (3, "input", "input.voltage", ((3, ".current", "input.current"),
                                           (5, "-N.voltage", "input.voltage"))),
            (4, "output", "output.voltage", ((2, "-N.voltage", "output.voltage"),
                                             (3, ".current", "output.current"),
                                             (4, ".power.percent", "ups.load"))),
            (5, "input.bypass", "input.bypass.voltage",
             ((2, "-N.voltage", "input.bypass.voltage"),
              (3, ".current", "input.bypass.current")))):
        lines_oid, freq_oid, table = {3: ((1,), (2,), (3,)), 4: ((3,), (2,), (4,)),
                                      5: ((2,), (1,), (3,))}[group]
        tree.scalar(ROOT + (group,) + lines_oid, INTEGER,
                    guard(lambda p=prefix, pl=plain: v.line_count(st, p, pl)))
        freq = "input.bypass.frequency" if group == 5 else prefix + ".frequency"
        tree.scalar(ROOT + (group,) + freq_oid, INTEGER, num(freq, 10))
        rows = (lambda p=prefix, pl=plain: v.rows(v.line_count(st, p, pl)) if ups() else [])
        entry = ROOT + (group,) + table + (1,)
        tree.column(entry + (1,), INTEGER, rows, lambda index: index[0])
        for column, suffix, single in cols:
            scale = 1 if suffix == ".power.percent" else 10
            tree.column(entry + (column,), INTEGER, rows,
                        lambda index, p=prefix, s=suffix, pl=single, k=scale:
                        v.per_line(st, p, s, pl, index[0], k))
    tree.scalar(ROOT + (4, 1), INTEGER, guard(lambda: source(st)))
    tree.scalar(ROOT + (6, 3, 2), INTEGER,
                guard(lambda: 1 if ON_BATTERY_ALARM in tr.rfc_alarms else 0))
