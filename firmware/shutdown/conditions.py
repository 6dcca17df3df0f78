"""Which shutdown events are present: the UPS state read against the manual's event list.

    event            present when (read from the committed UpsState)
    ac_failed        ups.status has OB (on battery)
    battery_low      ups.status has LB (battery low or discharged)
    battery_level    on battery and battery.charge <= shutdown.battery_level
    imminent_stop    one of the map's CONDITIONS["imminent_stop"] alarms
    overload         ups.status has OVER
    temperature      one of the map's CONDITIONS["temperature"] alarms
    bypass           ups.status has BYPASS
    weekly, special_day   the schedules (schedule.py), not the UPS

Stale data (the UPS not answering) changes nothing: an event keeps its last known presence.
"""

from firmware.ups import maps


def _flags(state, mapping, condition):
    if not mapping:
        return False
    try:
        acronyms = maps.load(mapping).CONDITIONS.get(condition, ())
    except ValueError:
        return False
    return any(a in state.alarms or a in state.statuses for a in acronyms)


def present(state, battery_level):
    """{event: True/False} of the UPS-driven events, from the committed snapshot."""
    tokens = set((state.get("ups.status") or "").split())
    charge = state.get("battery.charge")
    mapping = state.device.get("mapping")
    on_battery = "OB" in tokens
    return {
        "ac_failed": on_battery,
        "battery_low": "LB" in tokens,
        "battery_level": on_battery and charge is not None and charge <= battery_level,
        "imminent_stop": _flags(state, mapping, "imminent_stop"),
        "overload": "OVER" in tokens,
        "temperature": _flags(state, mapping, "temperature"),
        "bypass": "BYPASS" in tokens,
    }
