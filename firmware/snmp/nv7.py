"""NET VISION 7 UPS tree (1.3.6.1.4.1.4555.1.1.7.1): ident, battery, input, output, bypass,
alarms and configuration, as the manual's appendix "NET VISION 7 MIB FILE OID DESCRIPTION" lists.

    .1 upsIdent    1 Model 2 SerialNumber 3 UserRef 4 UserLocation 5 AgentSoftwareVersion
                   6 SystemName 7 SystemContact 8 SystemLocation
    .2 upsBattery  1 Status 2 SecondsOnBattery 3 EstimatedMinutesRemaining
                   4 EstimatedChargeRemaining 5 Voltage(0.1 V) 6 BatteryTemperature(0.1 degC)
                   7 AmbientTemperature(0.1 degC) 8 BatteryCurrent(0.1 A)
    .3 upsInput    1 NumLines 2 Frequency(0.1 Hz) 3.1.{1 Index 2 Voltage(0.1 V) 3 Current(0.1 A)
                   4 VoltageMax 5 VoltageMin}
    .4 upsOutput   1 Source 2 Frequency 3 NumLines 4.1.{1 Index 2 Voltage 3 Current 4 PercentLoad
                   5 Kva(0.1 kVA) 6 Kw(0.1 kW)} 5 GlobalKva 6 GlobalKw 7 LoadRate(%)
    .5 upsBypass   1 Frequency 2 NumLines 3.1.{1 Index 2 Voltage 3 Current}
    .6 upsAlarm    1 AlarmsPresent 2.1.{1 Id 2 Descr 3 Time 4 ExtDes} 3.N well-known alarms (1/0)
    .8 upsConfig   1 NomKva 2 NbrUnit 3 UnitKva 4 RemoteCtrl 5.1.{1 index 2 addr 3 name 4 time
                   5 status 6 severity} (the devices table: the NUT server's clients)

The manual's rule for what the UPS does not manage: the value reads -1. upsControl, upsAgent and
emdStatus are in firmware/snmp/nv7_agent.py.
"""

from firmware import VERSION
from firmware.snmp import values as v, wellknown
from firmware.snmp.mib import GAUGE, INTEGER, OCTETS, OID, TICKS

NV7 = (1, 3, 6, 1, 4, 1, 4555, 1, 1, 7)
OBJECTS = NV7 + (1,)
TRAPS = NV7 + (2,)
WELL_KNOWN = OBJECTS + (6, 3)

# upsBatteryStatus
B_UNKNOWN, B_NORMAL, B_CHARGING, B_TEST, B_DISCHARGING = 1, 2, 3, 4, 5
B_LOW, B_DEPLETED, B_FAILURE, B_DISCONNECTED = 6, 7, 8, 9
# upsOutputSource
S_UNKNOWN, S_MAINT_BYPASS, S_INVERTER, S_NORMAL, S_ECO, S_BYPASS, S_STANDBY, S_OFF, S_LI = range(
    1, 10)


def battery_status(state, tracker) -> int:
    """From the RFC 1628 well-known alarms and ups.status."""
    if state.stale or state.get("ups.status") is None:
        return B_UNKNOWN
    words = v.tokens(state)
    alarms = tracker.rfc_alarms
    nv = tracker.nv_alarms
    if 12 in nv:                        # upsAlarmBatteryCircuitOpen
        return B_DISCONNECTED
    if 4 in alarms:                     # depleted
        return B_DEPLETED
    if "LB" in words:
        return B_LOW
    if "OB" in words:
        return B_DISCHARGING
    if "CAL" in words:
        return B_TEST
    if "RB" in words or 1 in alarms:
        return B_FAILURE
    if "CHRG" in words:
        return B_CHARGING
    return B_NORMAL


# (status acronyms JBUSP, VU-MAP) -> source, first match wins. "onInverter" is the load on the
# inverter fed by the battery; "normalMode" the load on the inverter with the mains present (the
# manual lists both without saying more).
_SOURCES = (
    (("A08",), ("S003",), S_MAINT_BYPASS),
    (("S08",), ("S013",), S_STANDBY),
    ((), ("S010", "S082"), S_LI),
    (("S07",), ("S006", "S007"), S_ECO),
    (("S04",), ("S002",), S_BYPASS),
)


def output_source(state) -> int:
    if state.stale or state.get("ups.status") is None:
        return S_UNKNOWN
    flags = set(state.statuses) | set(state.alarms)
    jbusp = v.mapping(state) == "jbusp"
    for j, vu, source in _SOURCES:
        if flags & set(j if jbusp else vu):
            return source
    words = v.tokens(state)
    if "OFF" in words:
        return S_OFF
    if "OB" in words:
        return S_INVERTER
    if "OL" in words:
        return S_NORMAL
    return S_UNKNOWN


def build(tree, ctx) -> None:
    st, tr, card = ctx.card.state, ctx.tracker, ctx.card
    ups = lambda: v.mapping(st) != "sts"           # noqa: E731

    def nv(get):
        """-1 for what the UPS does not manage (while a UPS is attached)."""
        return lambda *a: v.not_managed(get(*a)) if ups() else None

    def num(name, scale=1):
        return nv(lambda: v.number(st, name, scale))

    def text(get):
        return lambda: get() if ups() else None

    g = OBJECTS + (1,)
    tree.scalar(g + (1,), OCTETS, text(lambda: v.model_name(st)))
    tree.scalar(g + (2,), OCTETS, text(lambda: v.ident_text(st, "device.serial")))
    tree.scalar(g + (3,), OCTETS, text(lambda: v.ident_text(st, "device.part")))
    tree.scalar(g + (4,), OCTETS, text(lambda: card.identity()["location"]))
    tree.scalar(g + (5,), OCTETS, text(lambda: "opennmc " + VERSION))
    for sub, key in ((6, "name"), (7, "contact"), (8, "location")):
        tree.scalar(g + (sub,), OCTETS, text(lambda k=key: card.identity()[k]))

    g = OBJECTS + (2,)
    tree.scalar(g + (1,), INTEGER, text(lambda: battery_status(st, tr)))
    tree.scalar(g + (2,), INTEGER, text(lambda: st.get("battery.runtime.elapsed")
                                        or tr.seconds_on_battery()))
    tree.scalar(g + (3,), INTEGER, num("battery.runtime", 1 / 60.0))
    tree.scalar(g + (4,), INTEGER, num("battery.charge"))
    tree.scalar(g + (5,), INTEGER, num("battery.voltage", 10))
    tree.scalar(g + (6,), INTEGER, num("battery.temperature", 10))
    tree.scalar(g + (7,), INTEGER, num("ambient.temperature", 10))
    tree.scalar(g + (8,), INTEGER, num("battery.current", 10))

    def lines(prefix, plain):
        return text(lambda: v.line_count(st, prefix, plain))

    def table_rows(prefix, plain):
        return lambda: v.rows(v.line_count(st, prefix, plain)) if ups() else []

    def cell(prefix, suffix, plain, scale=10):
        return nv(lambda index: v.per_line(st, prefix, suffix, plain, index[0], scale))

    never = nv(lambda index: None)

    g = OBJECTS + (3,)
    tree.scalar(g + (1,), INTEGER, lines("input", "input.voltage"))
    tree.scalar(g + (2,), INTEGER, num("input.frequency", 10))
    rows = table_rows("input", "input.voltage")
    tree.column(g + (3, 1, 1), INTEGER, rows, lambda index: index[0])
    tree.column(g + (3, 1, 2), INTEGER, rows, cell("input", "-N.voltage", "input.voltage"))
    tree.column(g + (3, 1, 3), INTEGER, rows, cell("input", ".current", "input.current"))
    tree.column(g + (3, 1, 4), INTEGER, rows, never)       # not in the UPS maps
    tree.column(g + (3, 1, 5), INTEGER, rows, never)

    g = OBJECTS + (4,)
    tree.scalar(g + (1,), INTEGER, text(lambda: output_source(st)))
    tree.scalar(g + (2,), INTEGER, num("output.frequency", 10))
    tree.scalar(g + (3,), INTEGER, lines("output", "output.voltage"))
    rows = table_rows("output", "output.voltage")
    e = g + (4, 1)
    tree.column(e + (1,), INTEGER, rows, lambda index: index[0])
    tree.column(e + (2,), INTEGER, rows, cell("output", "-N.voltage", "output.voltage"))
    tree.column(e + (3,), INTEGER, rows, cell("output", ".current", "output.current"))
    tree.column(e + (4,), INTEGER, rows, cell("output", ".power.percent", "ups.load", 1))
    tree.column(e + (5,), INTEGER, rows, cell("output", ".power", "ups.power", 0.01))
    tree.column(e + (6,), INTEGER, rows, cell("output", ".realpower", "ups.realpower", 0.01))
    tree.scalar(g + (5,), INTEGER, num("ups.power", 0.01))          # VA -> 0.1 kVA
    tree.scalar(g + (6,), INTEGER, num("ups.realpower", 0.01))      # W -> 0.1 kW
    tree.scalar(g + (7,), INTEGER, num("ups.load"))

    g = OBJECTS + (5,)
    tree.scalar(g + (1,), INTEGER, num("input.bypass.frequency", 10))
    tree.scalar(g + (2,), INTEGER, lines("input.bypass", "input.bypass.voltage"))
    rows = table_rows("input.bypass", "input.bypass.voltage")
    tree.column(g + (3, 1, 1), INTEGER, rows, lambda index: index[0])
    tree.column(g + (3, 1, 2), INTEGER, rows,
                cell("input.bypass", "-N.voltage", "input.bypass.voltage"))
    tree.column(g + (3, 1, 3), INTEGER, rows,
                cell("input.bypass", ".current", "input.bypass.current"))

    _alarms(tree, ctx, ups)
    _config(tree, ctx, ups, num)


def _alarms(tree, ctx, ups) -> None:
    tr = ctx.tracker
    g = OBJECTS + (6,)

    def present():
        return sorted(tr.nv_alarms)

    def alarm_rows():
        return [(i,) for i in range(1, len(tr.nv_alarms) + 1)] if ups() else []

    def nth(index):
        alarms = present()
        return alarms[index[0] - 1] if 0 < index[0] <= len(alarms) else None

    def descr(index):
        n = nth(index)
        return None if n is None else WELL_KNOWN + (n,)

    def ext(index):
        n = nth(index)
        return None if n is None else wellknown.NV7[n][0]

    def since(index):
        n = nth(index)
        return None if n is None else tr.nv_alarms[n]

    tree.scalar(g + (1,), GAUGE, lambda: len(tr.nv_alarms) if ups() else None)
    tree.column(g + (2, 1, 1), INTEGER, alarm_rows, lambda index: index[0])
    tree.column(g + (2, 1, 2), OID, alarm_rows, descr)
    tree.column(g + (2, 1, 3), TICKS, alarm_rows, since)
    tree.column(g + (2, 1, 4), OCTETS, alarm_rows, ext)
    for number in wellknown.NV7:
        tree.scalar(WELL_KNOWN + (number,), INTEGER,
                    lambda n=number: (1 if n in tr.nv_alarms else 0) if ups() else None)


def _config(tree, ctx, ups, num) -> None:
    st, card = ctx.card.state, ctx.card
    g = OBJECTS + (8,)

    def units():
        return len([u for u in st.units if u.kind == "unit"]) or 1

    def unit_kva():
        total = v.number(st, "ups.power.nominal", 0.01)
        return None if total is None else total / units()

    def remote():
        disabled = {"jbusp": "S06"}.get(v.mapping(st))
        if disabled is None:
            return -1
        return 2 if disabled in st.statuses else 1     # enabled(1), disabled(2)

    tree.scalar(g + (1,), INTEGER, num("ups.power.nominal", 0.01))
    tree.scalar(g + (2,), INTEGER, lambda: units() if ups() else None)
    tree.scalar(g + (3,), INTEGER, lambda: v.not_managed(unit_kva()) if ups() else None)
    tree.scalar(g + (4,), INTEGER, lambda: remote() if ups() else None)

    def clients():
        provider = getattr(card, "clients", None)
        return provider() if provider is not None else []

    def client_rows():
        return [(i,) for i in range(1, len(clients()) + 1)]

    def field(name, convert=str):
        def get(index):
            table = clients()
            if not 0 < index[0] <= len(table):
                return None
            value = table[index[0] - 1].get(name)
            return None if value is None else convert(value)
        return get

    def connected(value):
        return card.clock.format(value) if card.clock is not None else str(value)

    e = g + (5, 1)
    tree.column(e + (1,), INTEGER, client_rows, lambda index: index[0])
    tree.column(e + (2,), OCTETS, client_rows, field("address"))
    tree.column(e + (3,), OCTETS, client_rows, field("user"))
    tree.column(e + (4,), OCTETS, client_rows, field("connected", connected))
    tree.column(e + (5,), INTEGER, client_rows, lambda index: 1)     # connected(1)
    tree.column(e + (6,), INTEGER, client_rows,
                field("primary", lambda primary: 1 if primary else 2))
