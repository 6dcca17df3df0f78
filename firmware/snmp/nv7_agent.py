"""NET VISION 7 tree, second part: upsControl (.7), upsAgent (.9) and emdStatus (.10).

    .7  upsControl  1 StatusControl (rw: standby on/off, eco mode, normal mode, alarm reset,
                    on bypass, on inverter; only when the UPS accepts remote controls)
    .9  upsAgent    4 Date 5 Time 6 NtpTimeServer(rw) 7 NtpTimeZone 8 HistoryLogFrequency(rw)
                    9 ExtHistoryLogFrequency(rw) 10 PollRate(rw) 11 BaudRate(rw)
                    12 Dhcp 13 Telnet 14 Tftp status (-1: not on this card)
                    15 ResetToDefault 16 Restart 17 ClearAgentLog 18 ClearEventLog
                    19 ClearExtHistoryLog
                    20 ClearHistoryLog (rw: write 1)
                    21.1.{1 index 2 receiver address 3 community (masked) 4 NMS type}
                    23 MibVersion 50 TrapString (the text of the last NET VISION trap)
    .10 emdStatus   1 Temperature 2 Humidity 3 In1Active 4 In2Active (-1: no EMD sensor)

Settings changed here go through the configuration (checked, saved, logged "via snmp"); the
actions call the card's management operations (firmware/admin/ops.py), as every interface does.
The weekly / special-day / eco schedule tables (.7.5 to .7.7) are in nv7_schedules.py. Not
served yet, for the features that own them: upsShutdownDelay, upsTurnOffAfterShutdown and the
shutdown parameters (shutdown agent), the network addresses (network settings) and the access
control table.
"""

from firmware.snmp import controls, values as v
from firmware.snmp.mib import (INTEGER, OCTETS, SetError, Writer, int_check, text_check,
                               WRONG_VALUE)
from firmware.snmp.nv7 import OBJECTS

MIB_VERSION = "opennmc NET VISION 7 tree 1.0"
BAUDS = {0: "auto", 2400: "2400", 9600: "9600", 19200: "19200", 57600: "57600"}
NMS_TYPES = {"none": 1, "rfc1628": 2, "netvision": 3}
LOG_ACTIONS = {17: "card-events", 18: "ups-events", 19: "extended", 20: "history"}


def build(tree, ctx) -> None:
    card, st = ctx.card, ctx.card.state
    ups = lambda: v.mapping(st) != "sts"           # noqa: E731

    # --- upsControl --------------------------------------------------------------------------
    def status_check(index, value):
        code = int_check(1, 7)(index, value)
        ctx.controls.require(controls.STATUS_CONTROL[code])
        return code

    async def status_apply(index, code):
        await ctx.controls.send(controls.STATUS_CONTROL[code])
        ctx.controls.status_control = code

    tree.scalar(OBJECTS + (7, 1), INTEGER,
                lambda: v.not_managed(ctx.controls.status_control) if ups() else None,
                Writer(status_check, status_apply))

    # --- upsAgent ----------------------------------------------------------------------------
    g = OBJECTS + (9,)

    def local(index):
        if card.clock is None:
            return None
        return card.clock.format().split(" ")[index]

    tree.scalar(g + (4,), OCTETS, lambda: local(0))
    tree.scalar(g + (5,), OCTETS, lambda: local(1))
    _setting(tree, ctx, g + (6,), "time.ntp_server", OCTETS)
    tree.scalar(g + (7,), OCTETS, lambda: "%+g" % ctx.setting("time.zone"))
    _setting(tree, ctx, g + (8,), "log.history_interval", INTEGER)
    _setting(tree, ctx, g + (9,), "log.extended_interval", INTEGER)
    _setting(tree, ctx, g + (10,), "poll.rate", INTEGER)

    def baud():
        value = ctx.setting("serial.baud")
        return 0 if value == "auto" else int(value)

    def baud_check(index, value):
        rate = int_check(0, 57600, BAUDS)(index, value)
        return BAUDS[rate]

    async def baud_apply(index, value):
        await ctx.set_settings({"serial.baud": value})

    tree.scalar(g + (11,), INTEGER, baud, Writer(baud_check, baud_apply))
    for sub in (12, 13, 14):
        tree.scalar(g + (sub,), INTEGER, lambda: -1)

    def action_check(index, value):
        if int_check(0, 1)(index, value) != 1:
            raise SetError(WRONG_VALUE, "write 1 to act")
        return 1

    def action(op, args):
        async def apply(index, value):
            await ctx.operation(op, args)
        return Writer(action_check, apply)

    tree.scalar(g + (15,), INTEGER, lambda: 0, action("config.reset", {}))
    tree.scalar(g + (16,), INTEGER, lambda: 0, action("card.restart", {}))
    for sub, log in LOG_ACTIONS.items():
        tree.scalar(g + (sub,), INTEGER, lambda: 0, action("logs.clear", {"log": log}))

    def receivers():
        return ctx.receivers()

    def receiver_rows():
        return [(i,) for i in range(1, len(receivers()) + 1)]

    def receiver(field):
        def get(index):
            table = receivers()
            if not 0 < index[0] <= len(table):
                return None
            return field(table[index[0] - 1])
        return get

    e = g + (21, 1)
    tree.column(e + (1,), INTEGER, receiver_rows, lambda index: index[0])
    tree.column(e + (2,), OCTETS, receiver_rows, receiver(lambda r: r.address))
    tree.column(e + (3,), OCTETS, receiver_rows,
                receiver(lambda r: "********" if r.community else ""))
    tree.column(e + (4,), INTEGER, receiver_rows, receiver(lambda r: NMS_TYPES[r.kind]))
    tree.scalar(g + (23,), OCTETS, lambda: MIB_VERSION)
    tree.scalar(g + (50,), OCTETS, lambda: ctx.last_trap_text)

    # --- emdStatus: the environment sensors (firmware/emd/), whole degrees C and % -----------
    for sub, name in ((1, "ambient.temperature"), (2, "ambient.humidity"),
                      (3, "ambient.contacts.1.status"), (4, "ambient.contacts.2.status")):
        tree.scalar(OBJECTS + (10, sub), INTEGER, lambda name=name: _emd(ctx, name))


def _emd(ctx, name: str) -> int:
    """An emdStatus value: -1 while no sensor gives it; inputs 1 while in alarm, else 0."""
    environment = getattr(ctx.card, "environment", None)
    value = environment.values().get(name) if environment is not None else None
    if value is None:
        return -1
    if name.startswith("ambient.contacts."):
        number = int(name.split(".")[2])
        return 1 if "emd_alarm%d" % number in environment.alarms() else 0
    return int(round(value))


def _setting(tree, ctx, oid, key, syntax) -> None:
    """An object that reads and writes one setting through the configuration."""
    row = ctx.card.config.schema.row(key)

    def check(index, value):
        if syntax == INTEGER:
            raw = int_check(-2147483648, 2147483647)(index, value)
        else:
            raw = text_check(row.limit or 64)(index, value)
        try:
            return row.validate(raw)
        except ValueError as exc:
            raise SetError(WRONG_VALUE, str(exc))

    async def apply(index, value):
        await ctx.set_settings({key: value})

    tree.scalar(oid, syntax, lambda: ctx.setting(key), Writer(check, apply))
