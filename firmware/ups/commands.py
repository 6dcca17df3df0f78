"""UPS commands: the NUT command name -> command register table, its overrides, and their events.

A command is one function-0x06 write of VALUE to ADDRESS at the system's slave. The map modules
carry the ranges' tables (COMMANDS); the setting poll.commands overrides or adds rows with items
"nut.command=ADDRESS:VALUE" (decimal or 0x-hex), checked when the setting is changed.
"""

from firmware.clock import clock


class CommandError(ValueError):
    """A command that is refused: unknown, not available now, or rejected by the UPS."""


# The UPS event the manual's list (§18.3) records for each control sent; commands the list does not
# name get "Control sent: <name>" so every control leaves a trace in the UPS event log.
EVENT_TEXT = {
    "bypass.start": "Transfer Load to Bypass",
    "bypass.stop": "Transfer Load to Inverter",
    "beeper.mute": "Alarm Acknowledgement",
    "beeper.disable": "Alarm Acknowledgement",
    "experimental.ecomode.enable": "Enable eco mode",
    "experimental.ecomode.disable": "Disable eco mode",
    "experimental.standby.enable": "Enable standby mode",
    "experimental.standby.disable": "Disable standby mode",
    "load.off.delay": "UPS shut off sent",
    "load.off": "UPS shut off sent",
    "shutdown.return": "UPS shut off sent",
    "shutdown.stayoff": "UPS shut off sent",
    "test.battery.start": "Battery test sent",
    "test.battery.stop": "Battery test stop sent",
}
for _n in range(1, 5):      # power share plugs: the list's "Power Plugs 1 to 4 ON / OFF"
    EVENT_TEXT["outlet.%d.load.on" % _n] = "Power Plug %d ON" % _n
    EVENT_TEXT["outlet.%d.load.off" % _n] = "Power Plug %d OFF" % _n
del _n

# The manual (§12.7.1): "Alarm Acknowledgement - Always present"; every other control needs the
# UPS to have remote controls enabled.
ALWAYS_ALLOWED = ("beeper.mute", "beeper.disable")


# The manual (§12.8.1): the power share plugs' controls are "accessible for admin account login
# only". Interfaces pass who asks (firmware.admin.args.Caller): the admin account, or the local
# management socket, which only the card's administrator can open.
ADMIN_ONLY_PREFIX = "outlet."


def admin_only(name):
    """Whether only the admin may send this command."""
    return name.startswith(ADMIN_ONLY_PREFIX)


def is_admin(caller):
    """Whether a management caller acts with the admin's rights."""
    return caller.user == "admin" or caller.via == "console"


def event_text(name):
    return EVENT_TEXT.get(name, "Control sent: " + name)


def _number(text, what, item):
    text = text.strip()
    try:
        n = int(text, 0)
    except ValueError:
        raise CommandError("%r: %s %r is not a number (decimal or 0x-hex)" % (item, what, text))
    if n < 0 or n > 0xFFFF:
        raise CommandError("%r: %s %d is outside 0..65535" % (item, what, n))
    return n


def parse_override(item):
    """'test.battery.start=0x1500:1' -> ("test.battery.start", (0x1500, 1))."""
    if "=" not in item or ":" not in item.split("=", 1)[1]:
        raise CommandError("%r: expected nut.command=ADDRESS:VALUE" % item)
    name, target = item.split("=", 1)
    name = name.strip()
    if not name or any(c in name for c in " \t") or "." not in name:
        raise CommandError("%r: %r is not a NUT command name" % (item, name))
    address, value = target.split(":", 1)
    return name, (_number(address, "address", item), _number(value, "value", item))


def parse_overrides(items):
    """All items of poll.commands as {name: (address, value)}; the first bad item raises."""
    out = {}
    for item in items:
        name, row = parse_override(item)
        out[name] = row
    return out


def command_table(map_commands, overrides=None):
    """The map's table with the configured overrides on top."""
    table = dict(map_commands or {})
    if overrides:
        table.update(overrides)
    return table


def utc_fields(epoch):
    """(year, month, day, hour, minute, second) in UTC of epoch seconds since 1970.

    Integer civil-date arithmetic (clock.parts): MicroPython's time functions may count from
    2000, so they are not used here.
    """
    if epoch < 946684800 or epoch >= 4102444800:
        raise ValueError("time %r outside 2000..2099, which the UPS clock can hold" % (epoch,))
    return clock.parts(epoch)[:6]
