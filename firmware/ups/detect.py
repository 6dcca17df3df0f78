"""Detection of the UPS on the serial line: baud rate, mapping, range and architecture.

Order (the manual's "auto" settings): for each baud rate 57600, 19200, 9600, 2400 (or the
configured one) ask each mapping's identification block (JBUSP, VU-MAP, STS, or the configured
mapping). No valid frame at all means a wrong baud rate, so the other mappings are not tried at that
rate; an exception 2 ("illegal data address") is a valid frame from a device with another mapping.
The first block that answers names the mapping; the identification and status words then give the
range (type code tables) and the architecture through decode.decode_identity, and the architecture
gives the devices to poll: the system, its units and their modules (addressing scheme in
firmware/ups/maps/__init__.py).
"""

from firmware.ups import decode, maps
from firmware.modbus.pdu import ModbusError, ModbusException

BAUDS = (57600, 19200, 9600, 2400)
MAPPINGS = ("jbusp", "vumap", "sts")


def probe_block(m):
    """(start, count) of the block that identifies a mapping: its first "ident" block."""
    for name, start, count, when in m.BLOCKS:
        if when == "ident":
            return start, count
    raise ValueError("map %s has no ident block" % m.MAPPING)


async def find_link(master, slave, bauds=BAUDS, mappings=MAPPINGS):
    """(baud, mapping) of the first identification block that answers, or None.

    Probes are sent without retries: at a wrong rate every retry costs a whole timeout.
    """
    saved = master.retries
    master.retries = 0
    try:
        for baud in bauds:
            master.set_baud(baud)
            answered = False
            for mapping in mappings:
                start, count = probe_block(maps.load(mapping))
                try:
                    await master.read(slave, start, count)
                except ModbusException:
                    answered = True      # right baud rate, another mapping
                    continue
                except ModbusError:
                    # Garbage or silence: a wrong rate, unless this rate answered already (then
                    # a transient fault: try the next mapping, a later round tries this one again).
                    if answered:
                        continue
                    break
                return baud, mapping
    finally:
        master.retries = saved
    return None


def identity(m, image):
    """decode_identity's (values, device) for a system image."""
    values, device = decode.decode_identity(m, image)
    return dict(values), dict(device)


def _bounded(n, hi):
    try:
        n = int(n)
    except (TypeError, ValueError):
        return 0
    return max(0, min(hi, n))


def nodes_for(device, base, unit_modules=None):
    """((unit, module, slave), ...) of every device to poll; (0, 0, base) is the system itself.

    Only units and modules reported present are polled: an absent one would time out every
    cycle. A single modular UPS is unit 1 itself (read at `base`); only its modules have their
    own addresses. unit_modules: {unit: [module, ...]} for a modular system, read from each unit.
    """
    arch = device.get("architecture", "single")
    units = _bounded(device.get("units", 1), maps.MAX_UNITS)
    modules = _bounded(device.get("modules", 0), maps.MAX_MODULES)
    present = [p for p in (device.get("present") or ()) if isinstance(p, int)]
    nodes = [(0, 0, base)]
    if arch in ("parallel", "modular-system"):
        for u in (present or range(1, units + 1)):
            if 1 <= u <= maps.MAX_UNITS:
                nodes.append((u, 0, maps.unit_address(base, u)))
                for mod in (unit_modules or {}).get(u, ()):
                    if 1 <= mod <= maps.MAX_MODULES:
                        nodes.append((u, mod, maps.module_address(base, u, mod)))
    elif arch == "modular":
        for mod in (present or range(1, modules + 1)):
            if 1 <= mod <= maps.MAX_MODULES:
                nodes.append((1, mod, maps.module_address(base, 1, mod)))
    return tuple(nodes)


def modules_of(device):
    """Module numbers of one modular unit from its own identification."""
    if device.get("architecture") != "modular":
        return []
    present = [p for p in (device.get("present") or ()) if isinstance(p, int)]
    return present or list(range(1, _bounded(device.get("modules", 0), maps.MAX_MODULES) + 1))
