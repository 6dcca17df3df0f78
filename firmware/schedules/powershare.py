"""Power share plug modes (manual §12.8.1), evaluated by the card: what each plug should be now.

    mode                 on battery                               on mains
    manual               nothing (the plugs control only)         nothing
    battery_capacity     off once battery.charge <= value %      on again if the mode
    backup_time          off once battery.runtime <= value min    switched it off during the
    time_on_battery      off once on battery >= value min         outage, else nothing
    emergency_lighting   on                                       off

    plug = Plug()
    plug.wanted(mode, value, facts)      "on", "off" or None (no opinion); facts: on_battery,
                                         charge (%), runtime_s, on_battery_s
    plug.done(state, ok)                 the feature acted on the answer (ok: the UPS took it)

A threshold reached during an outage keeps the plug off until mains returns, whatever the value
does meanwhile (the charge of a resting battery climbs back). The feature sends a command only
when the wanted state changes, so a refused command is reported once, never repeated each tick.
"""


def reached(mode, value, facts):
    """Whether the threshold of a mode is reached, on battery."""
    if mode == "battery_capacity":
        charge = facts.get("charge")
        return charge is not None and charge <= value
    if mode == "backup_time":
        runtime = facts.get("runtime_s")
        return runtime is not None and runtime <= value * 60
    if mode == "time_on_battery":
        return facts.get("on_battery_s", 0) >= value * 60
    return False


class Plug:
    """One plug's mode logic: the wanted state, and whether the mode switched it off."""

    def __init__(self):
        self.shed = False          # a threshold mode switched this plug off during this outage
        self.acted = None          # the last wanted state acted upon

    def reset(self):
        """Forget what the mode did (its mode or value changed)."""
        self.shed = False
        self.acted = None

    def wanted(self, mode, value, facts):
        """"on", "off" or None for the plug's mode and the UPS facts now."""
        on_battery = facts.get("on_battery")
        if mode == "emergency_lighting":
            return "on" if on_battery else "off"
        if mode not in ("battery_capacity", "backup_time", "time_on_battery"):
            return None
        if on_battery:
            return "off" if self.shed or reached(mode, value, facts) else None
        return "on" if self.shed else None

    def due(self, wanted):
        """Whether `wanted` is new, so the feature acts on it (once)."""
        if wanted == self.acted:
            return False
        self.acted = wanted
        return wanted is not None

    def done(self, state, ok):
        """The feature acted on `state`; ok when the plug is in that state now."""
        if ok:
            self.shed = state == "off"
