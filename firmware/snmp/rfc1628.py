"""RFC 1628 UPS-MIB (1.3.6.1.2.1.33) over the snapshot: every group, read from UpsState.

    .1.1 upsIdent    Manufacturer Model UPSSoftwareVersion AgentSoftwareVersion Name(rw)
                     AttachedDevices(rw)
    .1.2 upsBattery  Status SecondsOnBattery EstimatedMinutesRemaining EstimatedChargeRemaining
                     Voltage(0.1 V) Current(0.1 A) Temperature(degC)
    .1.3 upsInput    LineBads NumLines  Table.1.{1 LineIndex 2 Frequency(0.1 Hz) 3 Voltage(V)
                     4 Current(0.1 A) 5 TruePower(W)}
    .1.4 upsOutput   Source Frequency NumLines  Table.1.{1 LineIndex 2 Voltage 3 Current
                     4 Power 5 PercentLoad}
    .1.5 upsBypass   Frequency NumLines  Table.1.{1 LineIndex 2 Voltage 3 Current 4 Power}
    .1.6 upsAlarm    AlarmsPresent  Table.1.{1 AlarmId 2 AlarmDescr 3 AlarmTime}
                     .3 upsWellKnownAlarms (the identities of AlarmDescr)
    .1.7 upsTest     Id(rw) SpinLock(rw) ResultsSummary ResultsDetail StartTime ElapsedTime
                     .7 upsWellKnownTests
    .1.8 upsControl  ShutdownType ShutdownAfterDelay StartupAfterDelay RebootWithDuration
                     AutoRestart (all rw)
    .1.9 upsConfig   InputVoltage InputFreq OutputVoltage OutputFreq OutputVA OutputPower
                     LowBattTime AudibleStatus(rw: muted sends the alarm acknowledgement)
    .2   upsTraps    1 OnBattery 2 TestCompleted 3 AlarmEntryAdded 4 AlarmEntryRemoved

Values the UPS does not give are absent (noSuchInstance), as RFC 1628 leaves them optional;
alarms follow the manual's appendix "RFC1628 WELLKNOWALARMS" (firmware/snmp/wellknown.py).
"""

from firmware import VERSION
from firmware.snmp import values as v
from firmware.snmp.mib import (COUNTER, GAUGE, INTEGER, OCTETS, OID, TICKS, SetError,
                               Writer, int_check, text_check, INCONSISTENT_VALUE, WRONG_TYPE,
                               WRONG_VALUE)
from firmware.snmp.tracker import IN_PROGRESS

UPS_MIB = (1, 3, 6, 1, 2, 1, 33)
OBJECTS = UPS_MIB + (1,)
IDENT, BATTERY, INPUT, OUTPUT, BYPASS = (OBJECTS + (n,) for n in range(1, 6))
ALARM, TEST, CONTROL, CONFIG = (OBJECTS + (n,) for n in range(6, 10))
WELL_KNOWN_ALARMS = ALARM + (3,)
ALARM_ENTRY = ALARM + (2, 1)
WELL_KNOWN_TESTS = TEST + (7,)
TRAPS = UPS_MIB + (2,)

# upsOutputSource
OTHER, NONE, NORMAL, ON_BYPASS, ON_BATTERY, BOOSTER, REDUCER = 1, 2, 3, 4, 5, 6, 7
# upsBatteryStatus
UNKNOWN, BATTERY_NORMAL, BATTERY_LOW, BATTERY_DEPLETED = 1, 2, 3, 4
DEPLETED_ALARM = 4          # upsAlarmDepletedBattery in the well-known alarms


def output_source(state) -> int:
    if state.stale or state.get("ups.status") is None:
        return OTHER
    words = v.tokens(state)
    for word, source in (("OB", ON_BATTERY), ("OFF", NONE), ("BYPASS", ON_BYPASS),
                         ("BOOST", BOOSTER), ("TRIM", REDUCER), ("OL", NORMAL)):
        if word in words:
            return source
    return OTHER


def battery_status(state, tracker) -> int:
    if state.stale or state.get("ups.status") is None:
        return UNKNOWN
    if DEPLETED_ALARM in tracker.rfc_alarms:
        return BATTERY_DEPLETED
    return BATTERY_LOW if "LB" in v.tokens(state) else BATTERY_NORMAL


def build(tree, ctx) -> None:
    """Register every RFC 1628 group on the tree (UPS only: an STS has no UPS-MIB)."""
    st, tr = ctx.card.state, ctx.tracker
    ups = lambda: v.mapping(st) != "sts"           # noqa: E731 - a guard used by every getter

    def num(name, scale=1):
        return lambda: v.number(st, name, scale) if ups() else None

    def text(get):
        return lambda: get() if ups() else None

    # --- upsIdent ----------------------------------------------------------------------------
    async def set_name(index, value):
        await ctx.set_settings({"system.name": value})

    async def set_attached(index, value):
        await ctx.set_settings({"snmp.attached_devices": value})

    tree.scalar(IDENT + (1,), OCTETS, text(lambda: st.get("ups.mfr") or "Socomec"))
    tree.scalar(IDENT + (2,), OCTETS, text(lambda: v.model_name(st)))
    tree.scalar(IDENT + (3,), OCTETS, text(lambda: v.ident_text(st, "ups.firmware")))
    tree.scalar(IDENT + (4,), OCTETS, text(lambda: "opennmc " + VERSION))
    tree.scalar(IDENT + (5,), OCTETS, text(lambda: ctx.card.identity()["name"]),
                Writer(text_check(64), set_name))
    tree.scalar(IDENT + (6,), OCTETS, text(lambda: ctx.setting("snmp.attached_devices")),
                Writer(text_check(64), set_attached))

    # --- upsBattery --------------------------------------------------------------------------
    tree.scalar(BATTERY + (1,), INTEGER, lambda: battery_status(st, tr) if ups() else None)
    tree.scalar(BATTERY + (2,), INTEGER, lambda: (
        (st.get("battery.runtime.elapsed") or tr.seconds_on_battery()) if ups() else None))
    tree.scalar(BATTERY + (3,), INTEGER, num("battery.runtime", 1 / 60.0))
    tree.scalar(BATTERY + (4,), INTEGER, num("battery.charge"))
    tree.scalar(BATTERY + (5,), INTEGER, num("battery.voltage", 10))
    tree.scalar(BATTERY + (6,), INTEGER, num("battery.current", 10))
    tree.scalar(BATTERY + (7,), INTEGER, num("battery.temperature"))

    # --- upsInput / upsOutput / upsBypass tables ---------------------------------------------
    def lines(prefix, plain):
        return lambda: v.line_count(st, prefix, plain) if ups() else None

    def table_rows(prefix, plain):
        return lambda: v.rows(v.line_count(st, prefix, plain)) if ups() else []

    def cell(prefix, suffix, plain, scale=1):
        return lambda index: v.per_line(st, prefix, suffix, plain, index[0], scale)

    def same(name, scale=1):
        return lambda index: v.number(st, name, scale)

    tree.scalar(INPUT + (1,), COUNTER, lambda: tr.line_bads if ups() else None)
    tree.scalar(INPUT + (2,), INTEGER, lines("input", "input.voltage"))
    rows = table_rows("input", "input.voltage")
    entry = INPUT + (3, 1)
    tree.column(entry + (1,), INTEGER, rows, lambda index: index[0])
    tree.column(entry + (2,), INTEGER, rows, same("input.frequency", 10))
    tree.column(entry + (3,), INTEGER, rows, cell("input", "-N.voltage", "input.voltage"))
    tree.column(entry + (4,), INTEGER, rows, cell("input", ".current", "input.current", 10))
    tree.column(entry + (5,), INTEGER, rows, cell("input", ".realpower", "input.realpower"))

    tree.scalar(OUTPUT + (1,), INTEGER, lambda: output_source(st) if ups() else None)
    tree.scalar(OUTPUT + (2,), INTEGER, num("output.frequency", 10))
    tree.scalar(OUTPUT + (3,), INTEGER, lines("output", "output.voltage"))
    rows = table_rows("output", "output.voltage")
    entry = OUTPUT + (4, 1)
    tree.column(entry + (1,), INTEGER, rows, lambda index: index[0])
    tree.column(entry + (2,), INTEGER, rows, cell("output", "-N.voltage", "output.voltage"))
    tree.column(entry + (3,), INTEGER, rows, cell("output", ".current", "output.current", 10))
    tree.column(entry + (4,), INTEGER, rows, cell("output", ".realpower", "ups.realpower"))
    tree.column(entry + (5,), INTEGER, rows, cell("output", ".power.percent", "ups.load"))

    tree.scalar(BYPASS + (1,), INTEGER, num("input.bypass.frequency", 10))
    tree.scalar(BYPASS + (2,), INTEGER, lines("input.bypass", "input.bypass.voltage"))
    rows = table_rows("input.bypass", "input.bypass.voltage")
    entry = BYPASS + (3, 1)
    tree.column(entry + (1,), INTEGER, rows, lambda index: index[0])
    tree.column(entry + (2,), INTEGER, rows,
                cell("input.bypass", "-N.voltage", "input.bypass.voltage"))
    tree.column(entry + (3,), INTEGER, rows,
                cell("input.bypass", ".current", "input.bypass.current", 10))
    tree.column(entry + (4,), INTEGER, rows,
                cell("input.bypass", ".realpower", "input.bypass.realpower"))

    # --- upsAlarm ----------------------------------------------------------------------------
    def alarm_rows():
        return sorted((alarm_id,) for alarm_id, _t in tr.rfc_alarms.values())

    def alarm_by_id(alarm_id):
        for number, (aid, since) in tr.rfc_alarms.items():
            if aid == alarm_id:
                return number, since
        return None

    def alarm_descr(index):
        found = alarm_by_id(index[0])
        return None if found is None else WELL_KNOWN_ALARMS + (found[0],)

    def alarm_time(index):
        found = alarm_by_id(index[0])
        return None if found is None else found[1]

    tree.scalar(ALARM + (1,), GAUGE, lambda: len(tr.rfc_alarms) if ups() else None)
    tree.column(ALARM_ENTRY + (1,), INTEGER, alarm_rows, lambda index: index[0])
    tree.column(ALARM_ENTRY + (2,), OID, alarm_rows, alarm_descr)
    tree.column(ALARM_ENTRY + (3,), TICKS, alarm_rows, alarm_time)

    _build_test(tree, ctx, ups)
    _build_control(tree, ctx, ups)

    # --- upsConfig ---------------------------------------------------------------------------
    tree.scalar(CONFIG + (1,), INTEGER, num("input.voltage.nominal"))
    tree.scalar(CONFIG + (2,), INTEGER, num("input.frequency.nominal", 10))
    tree.scalar(CONFIG + (3,), INTEGER, num("output.voltage.nominal"))
    tree.scalar(CONFIG + (4,), INTEGER, num("output.frequency.nominal", 10))
    tree.scalar(CONFIG + (5,), INTEGER, num("ups.power.nominal"))
    tree.scalar(CONFIG + (6,), INTEGER, num("ups.realpower.nominal"))
    tree.scalar(CONFIG + (7,), INTEGER, num("battery.runtime.low", 1 / 60.0))

    def audible_check(index, value):
        level = int_check(1, 3)(index, value)
        if level != 3:
            raise SetError(WRONG_VALUE, "only muted(3) can be set: the beeper is the UPS's")
        ctx.controls.require("beeper.mute")
        return level

    async def mute(index, value):
        await ctx.controls.send("beeper.mute")
        ctx.controls.muted = True

    tree.scalar(CONFIG + (8,), INTEGER, lambda: (3 if ctx.controls.muted else 2) if ups()
                else None, Writer(audible_check, mute))


def _build_test(tree, ctx, ups) -> None:
    """upsTest: start or abort the battery test through upsTestId with the spin lock."""
    tr = ctx.tracker
    test = tr.test
    abort = WELL_KNOWN_TESTS + (2,)
    starts = {WELL_KNOWN_TESTS + (n,) for n in (3, 4, 5)}   # general, quick, deep calibration

    def id_check(index, value):
        tag, oid = value
        if tag != OID:
            raise SetError(WRONG_TYPE, "OBJECT IDENTIFIER expected")
        if oid != abort and oid not in starts:
            raise SetError(WRONG_VALUE, "not a test this agent runs")
        if oid == abort:
            ctx.controls.require("test.battery.stop")
        elif test["summary"] == IN_PROGRESS:
            raise SetError(INCONSISTENT_VALUE, "a test is already in progress")
        else:
            ctx.controls.require("test.battery.start")
        return oid

    def spin_group(planned):
        # RFC 1628: upsTestId is set with upsTestSpinLock in the same request, at its value.
        spin = [value for leaf, _i, value in planned if leaf.oid == TEST + (2,)]
        if not spin or spin[0] != test["spin"]:
            raise SetError(INCONSISTENT_VALUE, "upsTestSpinLock missing or not current")
    id_check.group = spin_group

    async def start(index, oid):
        if oid == abort:
            await ctx.controls.send("test.battery.stop")
            tr.test_aborted()
        else:
            await ctx.controls.send("test.battery.start")
            tr.test_started(oid)

    def spin_check(index, value):
        v_ = int_check(0, 2147483647)(index, value)
        if v_ != test["spin"]:
            raise SetError(INCONSISTENT_VALUE, "upsTestSpinLock is not current")
        return v_

    async def spin_apply(index, value):
        test["spin"] = (test["spin"] + 1) % 2147483648

    def when_ups(get):
        return lambda: get() if ups() else None

    tree.scalar(TEST + (1,), OID, when_ups(lambda: test["id"] if test["id"] != (0, 0)
                                           else WELL_KNOWN_TESTS + (1,)),
                Writer(id_check, start))
    tree.scalar(TEST + (2,), INTEGER, when_ups(lambda: test["spin"]),
                Writer(spin_check, spin_apply))
    tree.scalar(TEST + (3,), INTEGER, when_ups(lambda: test["summary"]))
    tree.scalar(TEST + (4,), OCTETS, when_ups(lambda: test["detail"]))
    tree.scalar(TEST + (5,), TICKS, when_ups(lambda: test["start"]))
    tree.scalar(TEST + (6,), INTEGER, when_ups(lambda: (
        (tr.uptime() - test["start"]) // 100 if test["summary"] == IN_PROGRESS
        else test["elapsed"] // 100)))


def _build_control(tree, ctx, ups) -> None:
    """upsControl: shutdown type, delayed shutdown/start-up, reboot, auto restart."""
    c = ctx.controls

    def when_ups(get):
        return lambda: get() if ups() else None

    async def set_type(index, value):
        c.shutdown_type = value

    def delay_check(command):
        def check(index, value):
            seconds = int_check(-1, 2147483647)(index, value)
            if seconds >= 0:
                c.require(command() if callable(command) else command)
            return seconds
        return check

    async def shutdown(index, seconds):
        if seconds < 0:
            c.cancel("shutdown")
        elif seconds == 0:
            await c.send(c.shutdown_command())
        else:
            c.start_timer("shutdown", seconds, c.shutdown_command())

    async def startup(index, seconds):
        if seconds < 0:
            c.cancel("startup")
        elif seconds == 0:
            await c.send("load.on")
        else:
            c.start_timer("startup", seconds, "load.on")

    def reboot_check(index, value):
        seconds = int_check(-1, 2147483647)(index, value)
        if seconds >= 0:
            c.require("load.off.delay")
            c.require("load.on")
        return seconds

    async def reboot(index, seconds):
        if seconds < 0:
            c.cancel("startup")
            return
        await c.send("load.off.delay")
        c.start_timer("startup", seconds, "load.on")

    async def set_restart(index, value):
        c.auto_restart = value

    tree.scalar(CONTROL + (1,), INTEGER, when_ups(lambda: c.shutdown_type),
                Writer(int_check(1, 2), set_type))
    tree.scalar(CONTROL + (2,), INTEGER, when_ups(lambda: c.left("shutdown")),
                Writer(delay_check(c.shutdown_command), shutdown))
    tree.scalar(CONTROL + (3,), INTEGER, when_ups(lambda: c.left("startup")),
                Writer(delay_check("load.on"), startup))
    tree.scalar(CONTROL + (4,), INTEGER, when_ups(lambda: c.left("startup")),
                Writer(reboot_check, reboot))
    tree.scalar(CONTROL + (5,), INTEGER, when_ups(lambda: c.auto_restart),
                Writer(int_check(1, 2), set_restart))
