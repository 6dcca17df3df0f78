"""One device's register image -> NUT values and flags, and the system -> units -> modules tree.

Pure functions over the map tables (through decode.py); the poller commits what they return.
A measure outside its plausible range (plausible.py) is left out and its name added to the
`refused` list the caller passes, so the poller can count it.
"""

from firmware.ups import decode, maps, plausible
from firmware.state.ups import Node


def decode_node(m, image, refused=None):
    """(values, statuses, alarms, device) of one device's image: identity, measures, clock,
    flags with their acronym and level, ups.status and ups.alarm."""
    values, device = decode.decode_identity(m, image)
    values = dict(values)
    measures, left_out = plausible.split(decode.decode_measures(m, image,
                                                                device.get("factor", 1)))
    values.update(measures)
    if refused is not None:
        refused.extend(left_out)
    values.update(decode.clock_values(decode.decode_clock(m, image)))
    statuses = decode.decode_flags(m.STATUS, image)
    alarms = decode.decode_flags(m.ALARMS, image)
    values.update(decode.derived_values(m, statuses))
    values["ups.status"] = decode.ups_status(m, statuses, alarms, values)
    reported = dict(alarms)
    if m.STATUS_ALARMS:
        reported.update(decode.status_alarms(statuses))
    alarm = decode.ups_alarm(reported)
    if alarm:
        values["ups.alarm"] = alarm
    return values, statuses, alarms, device


def _fill(node, m, image, refused):
    node.values, node.statuses, node.alarms, _device = decode_node(m, image, refused)
    node.registers = dict(image)
    return node


def build_units(m, device, images, refused=None):
    """[Node, ...]: units with their modules; images are keyed (unit, module), (0, 0) the system.

    A single modular UPS is unit 1 itself (the system's image); units of a parallel system
    reported but not present appear with present=False.
    """
    units = {}
    arch = device.get("architecture", "single")
    if arch == "modular":
        units[1] = _fill(Node(1, "unit"), m, images.get((0, 0), {}), refused)
    for (unit, module), image in sorted(images.items()):
        if unit == 0:
            continue
        if module:
            parent = units.get(unit)
            if parent is None:
                parent = units[unit] = Node(unit, "unit")
            parent.modules.append(_fill(Node(module, "module"), m, image, refused))
        else:
            node = _fill(Node(unit, "unit"), m, image, refused)
            if unit in units:
                node.modules = units[unit].modules
            units[unit] = node
    if arch == "parallel" and device.get("present"):
        count = device.get("units") or 0
        for u in range(1, min(maps.MAX_UNITS, count) + 1):
            if u not in units:
                units[u] = Node(u, "unit")
                units[u].present = False
    return [units[k] for k in sorted(units)]
