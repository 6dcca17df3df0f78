"""Register image <-> NUT values through the map tables: pure functions, no I/O (portable).

An image is a dict {address: 16-bit word} as read from the UPS. The decoders read only the
addresses they need and skip what is missing, so a partial image (one block) is fine. The small
encoders at the end are the inverse, used by the UPS simulator to build its register images.
"""

from firmware.state import names
from firmware.ups.maps import NOT_MANAGED

MANUFACTURER = "Socomec"

# NUT's usual order of ups.status tokens.
STATUS_ORDER = ("OL", "OB", "LB", "HB", "RB", "CHRG", "DISCHRG", "BYPASS", "ECO", "CAL", "OFF",
                "OVER", "TRIM", "BOOST", "ALARM")


def int16(raw):
    """Two's complement view of a 16-bit word."""
    return raw - 0x10000 if raw & 0x8000 else raw


# --- flags ------------------------------------------------------------------------------

def decode_flags(rows, image):
    """{acronym: (level, description)} of the bits set in image (rows with a description)."""
    active = {}
    for acronym, address, bit, level, description in rows:
        word = image.get(address)
        if word is not None and description and (word >> bit) & 1:
            active[acronym] = (level, description)
    return active


def flag_row(rows, acronym):
    for row in rows:
        if row[0] == acronym:
            return row
    raise KeyError(acronym)


# --- measures ---------------------------------------------------------------------------

def _multiplier(scale, divisor):
    """(integer multiplier, 0) when the result stays whole, else (float multiplier, decimals)."""
    m = scale / divisor
    decimals = 0
    while decimals < 6:
        shifted = m * 10 ** decimals
        if abs(shifted - round(shifted)) < 1e-9:
            break
        decimals += 1
    if decimals == 0:
        return int(round(m)), 0
    return m, decimals


def measure_factor(mapping, image):
    """The divisor the UPS applies to its factored measures (VU-MAP T014: 1 -> 10), else 1."""
    register = getattr(mapping, "FACTOR_REGISTER", None)
    if register is None:
        return 1
    return 10 if image.get(register) == 1 else 1


def _row_divisor(mapping, acronym, factor):
    return factor if acronym in getattr(mapping, "FACTORED", ()) else 1


def decode_measures(mapping, image, factor=1):
    """{nut_name: value} of the managed measures; 0xFFFF (-1) leaves the name absent."""
    values = {}
    for acronym, address, name, scale, signed in mapping.MEASURES:
        raw = image.get(address)
        if raw is None or raw == NOT_MANAGED:
            continue
        if signed:
            raw = int16(raw)
        mult, decimals = _multiplier(scale, _row_divisor(mapping, acronym, factor))
        values[name] = raw * mult if decimals == 0 else round(raw * mult, decimals)
    _fold_phase_one(values)
    return values


def _fold_phase_one(values):
    """Single phase (no L2 sibling): L1 names become the plain NUT names; see names.PHASE_ONE."""
    for l1_name, (plain, also_three_phase) in names.PHASE_ONE.items():
        if l1_name not in values:
            continue
        single_phase = l1_name.replace("L1", "L2", 1) not in values
        if single_phase:
            values.setdefault(plain, values[l1_name])
            del values[l1_name]
        elif also_three_phase:
            values.setdefault(plain, values[l1_name])


# --- text -------------------------------------------------------------------------------

def decode_ascii(image, address, nwords, lsb_first=True):
    """Text of nwords words, 2 chars a word; NULs, 0xFF fillers and edge spaces dropped."""
    chars = []
    for i in range(nwords):
        word = image.get(address + i)
        if word is None:
            return None
        pair = (word & 0xFF, word >> 8) if lsb_first else (word >> 8, word & 0xFF)
        for c in pair:
            if 32 <= c < 127:
                chars.append(chr(c))
    return "".join(chars).strip()


def encode_ascii(text, nwords, lsb_first=True):
    """Words holding text (padded with NULs, cut to 2 * nwords chars); ASCII only."""
    data = [ord(c) for c in text[:2 * nwords]]
    for c in data:
        if c > 126 or c < 32:
            raise ValueError("not printable ASCII: %r" % text)
    data += [0] * (2 * nwords - len(data))
    words = []
    for i in range(nwords):
        a, b = data[2 * i], data[2 * i + 1]
        words.append((b << 8) | a if lsb_first else (a << 8) | b)
    return words


# --- identity ---------------------------------------------------------------------------

def _identity_values(mapping, image, factor):
    values = {}
    lsb_first = getattr(mapping, "ASCII_LSB_FIRST", True)
    for name, address, kind, arg in mapping.IDENTITY:
        if kind == "ascii":
            text = decode_ascii(image, address, arg, lsb_first)
            if text:
                values[name] = text
            continue
        raw = image.get(address)
        if raw is None or raw == NOT_MANAGED:
            continue
        if kind == "version":
            values[name] = "%d.%02d" % (raw // arg, raw % arg)
        else:
            divisor = factor if kind == "factored" else 1
            mult, decimals = _multiplier(arg, divisor)
            values[name] = raw * mult if decimals == 0 else round(raw * mult, decimals)
    return values


def _set_bits(word, first, last):
    return [i + 1 for i in range(first, last + 1) if (word >> i) & 1]


def _jbusp_device(mapping, image, values, device):
    code = image.get(mapping.TYPE_CODE)
    device["type_code"] = code
    device["identified"] = code not in (None, 0, NOT_MANAGED)
    known = code in mapping.TYPES
    device["known_range"] = known
    rng, arch, phases_in, phases_out = mapping.TYPES.get(
        code, ("JBUSP type %s" % code, "single", None, None))
    statuses = decode_flags(mapping.STATUS, image)
    present = [i + 1 for i, acr in enumerate(mapping.UNIT_PRESENT) if acr in statuses]
    # An unknown type code is polled as a single UPS: its parallel bits are not trusted (a line
    # answering 0xFFFF everywhere would otherwise look like a 6-unit parallel system).
    if known and mapping.PARALLEL_FLAG in statuses:
        arch = "modular-system" if arch == "modular" else ("parallel" if arch == "single" else arch)
    modules = image.get(mapping.MODULE_NUMBER, 0) if arch == "modular" else 0
    if arch in ("parallel", "modular-system"):
        units = len(present) or 1
    else:
        units, present = 1, []
    device.update(range=rng, architecture=arch, units=units, modules=modules, present=present)
    return phases_in, phases_out


# VU-MAP T001 (installation code, device type) -> architecture.
_VUMAP_ARCH = {(1, 1): "single", (8, 1): "modular", (9, 1): "modular", (6, 1): "parallel",
               (6, 8): "modular-system"}


def _vumap_device(mapping, image, values, device):
    t001 = image.get(mapping.INSTALLATION, 0x0101)
    install, dtype = t001 >> 8, t001 & 0xFF
    arch = _VUMAP_ARCH.get((install, dtype), "single")
    code = image.get(mapping.REFERENCE_CODE)
    device["identified"] = t001 not in (0, NOT_MANAGED)
    device["known_range"] = code in mapping.RANGES
    count = image.get(mapping.DEVICE_COUNT, 1)
    present = _set_bits(image.get(mapping.POSITIONS, 0), 0, 12)   # b13 is the bypass module
    device.update(type_code=code, installation=t001,
                  range=mapping.RANGES.get(code, "VU-MAP reference 0x%04X" % (code or 0)),
                  architecture=arch,
                  units=count if arch in ("parallel", "modular-system") else 1,
                  modules=count if arch == "modular" else 0,
                  present=present if arch != "single" else [],
                  bypass_module=bool((image.get(mapping.POSITIONS, 0) >> 13) & 1),
                  device_number=image.get(mapping.DEVICE_NUMBER))
    for key, (address, bits) in mapping.FEATURES.items():
        word = image.get(address, 0)
        device[key] = [label for bit, label in bits if (word >> bit) & 1]
    phases = image.get(mapping.PHASES)
    return (phases >> 8, phases & 0xFF) if phases not in (None, NOT_MANAGED) else (None, None)


def _sts_device(mapping, image, values, device):
    device.update(type_code=None, range=mapping.RANGE_NAME, architecture="single", units=1,
                  modules=0, present=[], identified=bool(values.get("device.part")),
                  known_range=True)
    return None, None


def decode_identity(mapping, image):
    """(values, device): NUT identity names, and the detection facts for state.device.

    device: mapping, type_code, range, architecture ("single" | "modular" | "parallel" |
    "modular-system"), units, modules, present (1-based positions), factor, identified (the
    identification words are a device's, not "not managed" everywhere), known_range, and
    per-mapping extras (VU-MAP: installation, bypass_module, device_number, functions, ...).
    """
    factor = measure_factor(mapping, image)
    values = _identity_values(mapping, image, factor)
    device = {"mapping": mapping.MAPPING, "factor": factor}
    describe = {"jbusp": _jbusp_device, "vumap": _vumap_device, "sts": _sts_device}[mapping.MAPPING]
    phases_in, phases_out = describe(mapping, image, values, device)
    values["device.mfr"] = values["ups.mfr"] = MANUFACTURER
    values["device.model"] = values["ups.model"] = device["range"]
    values["device.type"] = mapping.DEVICE_TYPE
    if "device.serial" in values:
        values["ups.serial"] = values["device.serial"]
    if phases_in:
        values["input.phases"] = phases_in
    if phases_out:
        values["output.phases"] = phases_out
    return values, device


# --- status -----------------------------------------------------------------------------

def ups_status(mapping, statuses, alarms, values=None):
    """NUT ups.status ("OL CHRG", "OB DISCHRG LB", ...) from the map's STATUS_RULES.

    OFF when none of LOAD_SUPPLIED is active or one of LOAD_OFF is; OL when the load is
    supplied and the UPS is not on battery; LB also when on battery and battery.charge has
    fallen to battery.charge.low (values); ALARM when ups_alarm() has something to say.
    """
    active = set(statuses)
    active.update(alarms)
    tokens = set()
    for rule in mapping.STATUS_RULES:
        acronym, words = rule[0], rule[1]
        unless = rule[2] if len(rule) > 2 else ()
        if acronym in active and not any(a in active for a in unless):
            tokens.update(words.split())
    supplied = any(a in active for a in mapping.LOAD_SUPPLIED) if mapping.LOAD_SUPPLIED else True
    if not supplied or any(a in active for a in mapping.LOAD_OFF):
        tokens.add("OFF")
    elif "OB" not in tokens:
        tokens.add("OL")
    if "DISCHRG" in tokens:
        tokens.discard("CHRG")
    if values and "OB" in tokens:
        charge, low = values.get("battery.charge"), values.get("battery.charge.low")
        if charge is not None and low is not None and charge <= low:
            tokens.add("LB")
    if ups_alarm(alarms) or (mapping.STATUS_ALARMS and status_alarms(statuses)):
        tokens.add("ALARM")
    return " ".join(t for t in STATUS_ORDER if t in tokens)


def status_alarms(statuses):
    """The warning and critical statuses of a device whose faults live in its status words."""
    return {a: flag for a, flag in statuses.items() if flag[0] in ("W", "C")}


def derived_values(mapping, statuses):
    """{name: value} the map derives from status bits (DERIVED), and the mode buzzwords."""
    out = {}
    for name, rows, default in mapping.DERIVED:
        value = default
        for acronym, when_set in rows:
            if acronym in statuses:
                value = when_set
                break
        if value is not None:
            out[name] = value
    words = [word for acronym, word in mapping.BUZZWORDS if acronym in statuses]
    if words:
        out["experimental.ups.mode.buzzwords"] = " ".join(words)
    return out


def remote_disabled(mapping, statuses):
    """True when the device refuses remote controls, False when it accepts them, None if unknown.

    statuses holds every active STATUS row (decode_flags), also those without a level.
    """
    if mapping.REMOTE_DISABLED is None:
        return None
    active = mapping.REMOTE_DISABLED in statuses
    return not active if mapping.REMOTE_INVERTED else active


def ups_alarm(alarms):
    """NUT ups.alarm: descriptions of the active alarms the card reports (with a level)."""
    texts = [alarms[a][1] for a in sorted(alarms) if alarms[a][0]]
    return "; ".join(texts) if texts else None


# --- clock ------------------------------------------------------------------------------

def decode_clock(mapping, image):
    """(year, month, day, hour, minute, second) of the UPS clock, None if unread or invalid."""
    if mapping.CLOCK is None:
        return None
    address, count = mapping.CLOCK
    words = [image.get(address + i) for i in range(count)]
    if None in words or NOT_MANAGED in words:
        return None
    if mapping.CLOCK_FORMAT == "packed":        # JBUSP, as NUT's socomec_jbus reads it
        t = (words[3] + 2000, words[2] >> 8, words[1] >> 8, words[1] & 0xFF, words[0] >> 8,
             words[0] & 0xFF)
    else:                                       # "plain": year, month, day, hour, min, sec
        t = tuple(words[:6])
    y, mo, d, h, mi, s = t
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h < 24 and mi < 60 and s < 60):
        return None
    return t


def clock_values(clock):
    """NUT ups.date / ups.time from a decode_clock() tuple (the formats socomec_jbus uses)."""
    if clock is None:
        return {}
    y, mo, d, h, mi, s = clock
    return {"ups.date": "%04d/%02d/%02d" % (y, mo, d), "ups.time": "%02d:%02d:%02d" % (h, mi, s)}


def encode_clock(mapping, clock):
    """{address: word} setting the UPS clock to (year, month, day, hour, minute, second)."""
    y, mo, d, h, mi, s = clock
    address, count = mapping.CLOCK
    if mapping.CLOCK_FORMAT == "packed":
        words = [(mi << 8) | s, (d << 8) | h, mo << 8, y - 2000]
    else:
        words = [y, mo, d, h, mi, s]
    return {address + i: words[i] for i in range(count)}


# --- encoders (simulator side) ----------------------------------------------------------

def set_flag(image, row, on):
    """Set or clear the bit of a STATUS/ALARMS row in image (in place)."""
    address, bit = row[1], row[2]
    word = image.get(address, 0)
    image[address] = (word | (1 << bit)) if on else (word & ~(1 << bit) & 0xFFFF)


def encode_measure(row, value, factor=1):
    """Raw word of a MEASURES row for value; None -> 0xFFFF (not managed).

    factor is the divisor for this row (the map's factor if the row is in FACTORED, else 1).
    """
    if value is None:
        return NOT_MANAGED
    acronym, address, name, scale, signed = row
    raw = int(round(value * factor / scale))
    low = -0x8000 if signed else 0
    high = 0x7FFF if signed else 0xFFFE
    if not low <= raw <= high or raw == -1:
        raise ValueError("%s=%r does not fit %s" % (name, value, acronym))
    return raw & 0xFFFF


def encode_measures(mapping, values, factor=1):
    """{address: word} for all MEASURES rows: values by NUT name (per-phase names), else 0xFFFF."""
    image = {}
    for row in mapping.MEASURES:
        image[row[1]] = encode_measure(row, values.get(row[2]),
                                       _row_divisor(mapping, row[0], factor))
    return image
