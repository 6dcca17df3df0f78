"""What the UPS allows the schedules and power share now (manual §11.2.2), read from its snapshot.

    function       present when
    battery_test   a VU-MAP UPS ("Available only for 'VU-MAP' UPS") with T010 b00 "battery
                   present" (state.device["dc_storage"])
    eco            VU-MAP: T008 b00 "eco mode enabled" (state.device["functions"]) and not
                   A008 "eco mode disabled by UPS"; JBUSP publishes no such bit (S07 is the
                   mode, not the function): present, and a UPS without it refuses the command
    powershare     plugs: JBUSP T10 (outlet.count); VU-MAP does not publish their number, so
                   the powershare.plugs setting says it
    and for all    fresh data from a UPS (an STS has none of these), remote controls not
                   disabled (JBUSP S06; VU-MAP has no bit: the UPS refuses the command itself),
                   the command in the UPS's table (card.ups.commands())

why_not(state, commands, function, plugs) is None when the function can be used now, else the
reason, in the words the status and the event log show.
"""

from firmware.ups import decode, maps

COMMANDS = {"battery_test": ("test.battery.start",),
            "eco": ("experimental.ecomode.enable", "experimental.ecomode.disable"),
            "powershare": ("outlet.%d.load.off", "outlet.%d.load.on")}      # % the plug


def remote_disabled(state):
    """True when the UPS says its remote controls are disabled (None: it does not say)."""
    mapping = state.device.get("mapping")
    try:
        table = maps.load(mapping)
    except ValueError:
        return None
    return decode.remote_disabled(table, state.statuses)


def plug_count(state, configured):
    """Power share plugs of the UPS: its own count (JBUSP), else the configured one."""
    count = state.get("outlet.count")
    if isinstance(count, (int, float)) and count > 0:
        return int(count)
    return configured


def eco_function(state):
    """Whether the UPS has its eco mode function enabled (True where it cannot say)."""
    if state.device.get("mapping") != "vumap":
        return True
    return "eco mode enabled" in state.device.get("functions", ()) and "A008" not in state.alarms


def _function(state, function, plugs, plug):
    """Why the function itself is absent, or None."""
    device = state.device
    if function == "battery_test":
        if device.get("mapping") != "vumap":
            return "the battery test schedule is only for VU-MAP UPS"
        if "battery present" not in device.get("dc_storage", ()):
            return "the UPS reports no battery"
    elif function == "eco":
        if not eco_function(state):
            return "eco mode is not enabled by the UPS"
    elif function == "powershare" and plug > plugs:
        if plugs < 1:
            return "the UPS has no power share plugs"
        return "the UPS has %d power share plug%s" % (plugs, "s" if plugs > 1 else "")
    return None


def why_not(state, commands, function, plugs=0, plug=1):
    """None when `function` (of plug number `plug` among `plugs` for power share) can act now,
    else why not (commands: card.ups.commands())."""
    if state.stale or not state.device.get("mapping"):
        return "no current data from the UPS"
    if state.device.get("mapping") == "sts":
        return "the device is a static transfer switch"
    why = _function(state, function, plugs, plug)
    if why:
        return why
    if remote_disabled(state):
        return "the UPS reports remote controls disabled"
    names = [c % plug if "%" in c else c for c in COMMANDS[function]]
    missing = [c for c in names if c not in commands]
    if missing:
        return "the UPS has no %s command" % missing[0]
    return None
