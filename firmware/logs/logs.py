"""The card's logs: UPS/STS history, extended history, UPS/STS/card event logs; queries and CSV.

Each log is a RingLog file in one directory (firmware/logs/ringlog.py). Measurements are stored
as int16 in fixed point (value * scale); NOT_MANAGED (-32768) marks a value the UPS does not
manage and reads back as None (the manual's "-1" would clash with a real -0.1 degree reading).
Event logs subscribe to the event bus by source ("ups", "sts", "card").

    logs = Logs(directory, bus, records=2048)  # opens files lazily, on first use
    logs.record_history(state.values(), mapping, t)
    logs.query("ups_events", page=1, per_page=5, sort="level")
    for line in logs.csv_lines("history", local=clock.local): ...   # times in local time
    logs.clear("history", user="admin")        # publishes "History log cleared"
"""

from firmware.clock.calendar import format_time
from firmware.logs import ringlog
from firmware.state import catalogue
from firmware.state.bus import LEVELS

NOT_MANAGED = -32768
_INT16_MAX = 32767

# Measurement rows: (key, CSV column, scale, NUT names tried in order). The key is the first name.
_V, _HZ, _PCT, _TEMP = 10, 100, 10, 10
UPS_FIELDS = (
    ("input.L1-N.voltage", "Input Voltage R (V)", _V, ("input.L1-N.voltage", "input.voltage")),
    ("input.L2-N.voltage", "Input Voltage S (V)", _V, ("input.L2-N.voltage",)),
    ("input.L3-N.voltage", "Input Voltage T (V)", _V, ("input.L3-N.voltage",)),
    ("output.L1-N.voltage", "Output Voltage R (V)", _V, ("output.L1-N.voltage", "output.voltage")),
    ("output.L2-N.voltage", "Output Voltage S (V)", _V, ("output.L2-N.voltage",)),
    ("output.L3-N.voltage", "Output Voltage T (V)", _V, ("output.L3-N.voltage",)),
    ("input.frequency", "Input frequency (Hz)", _HZ, ("input.frequency",)),
    ("output.L1.power.percent", "Output Load R (%)", _PCT, ("output.L1.power.percent", "ups.load")),
    ("output.L2.power.percent", "Output Load S (%)", _PCT, ("output.L2.power.percent",)),
    ("output.L3.power.percent", "Output Load T (%)", _PCT, ("output.L3.power.percent",)),
    ("battery.charge", "Battery Capacity (%)", _PCT, ("battery.charge",)),
    ("ups.temperature", "UPS temperature (C)", _TEMP, ("ups.temperature",)),
    # Stored always (4 bytes); shown in CSV only when the card has an EMD.
    ("ambient.temperature", "EMD Temperature (C)", _TEMP, ("ambient.temperature",)),
    ("ambient.humidity", "EMD Humidity (%)", _PCT, ("ambient.humidity",)),
)
_EMD_KEYS = ("ambient.temperature", "ambient.humidity")

# The manual's STS list (11.2.4); names from firmware/state/names.py (input.1 / input.2 = sources).
STS_FIELDS = (
    ("input.1.L1-N.voltage", "Source 1 voltage L1 (V)", _V, ("input.1.L1-N.voltage", "input.1.voltage")),
    ("input.1.L2-N.voltage", "Source 1 voltage L2 (V)", _V, ("input.1.L2-N.voltage",)),
    ("input.1.L3-N.voltage", "Source 1 voltage L3 (V)", _V, ("input.1.L3-N.voltage",)),
    ("input.2.L1-N.voltage", "Source 2 voltage L1 (V)", _V, ("input.2.L1-N.voltage", "input.2.voltage")),
    ("input.2.L2-N.voltage", "Source 2 voltage L2 (V)", _V, ("input.2.L2-N.voltage",)),
    ("input.2.L3-N.voltage", "Source 2 voltage L3 (V)", _V, ("input.2.L3-N.voltage",)),
    ("output.L1.current", "Output Current L1 (A)", _V, ("output.L1.current", "output.current")),
    ("output.L2.current", "Output Current L2 (A)", _V, ("output.L2.current",)),
    ("output.L3.current", "Output Current L3 (A)", _V, ("output.L3.current",)),
    ("output.frequency", "Output frequency (Hz)", _HZ, ("output.frequency",)),
    ("input.1.switch.temperature", "SW1 temperature (C)", _TEMP, ("input.1.switch.temperature",)),
    ("input.2.switch.temperature", "SW2 temperature (C)", _TEMP, ("input.2.switch.temperature",)),
)

# name: (kind, file, event source, title, code part of its card events "log.<part>.cleared").
# Card-event codes are "log.<part>.cleared" / ".schema" / ".interval", as in catalogue.py.
LOGS = {
    "history": ("measure", "history.log", None, "History log", "history"),
    "sts_history": ("measure", "sts_history.log", None, "STS history log", "sts_history"),
    "extended": ("extended", "extended.log", None, "Extended history log", "extended"),
    "ups_events": ("event", "ups_events.log", "ups", "UPS event log", "ups"),
    "sts_events": ("event", "sts_events.log", "sts", "STS event log", "sts"),
    "card_events": ("event", "card_events.log", "card", "NET VISION UPS Agent event log", "card"),
}

EVENT_FMT = "<sBB16s96s"   # level, state, unit (0 = system), code, text (utf-8, zero padded)
EVENT_FIELDS = ("level", "state", "unit", "code", "text")
TEXT_BYTES = 96
_STATES = (None, "added", "removed")
_SEVERITY = ("C", "W", "I")   # "level" sort, most severe first


def fields_of(name):
    return STS_FIELDS if name == "sts_history" else UPS_FIELDS


def extract(fields, values):
    """The measurement values (float/int or None) of one UpsState snapshot, in field order."""
    out = []
    for row in fields:
        v = None
        for nut in row[3]:
            v = values.get(nut)
            if v is not None:
                break
        out.append(v)
    return out


def to_fixed(value, scale):
    if value is None:
        return NOT_MANAGED
    raw = int(round(value * scale))
    return max(-_INT16_MAX, min(_INT16_MAX, raw))


def from_fixed(raw, scale):
    if raw == NOT_MANAGED:
        return None
    return raw if scale == 1 else raw / scale


def utf8_bounded(text, limit):
    """Encode text in at most limit bytes without cutting a character in half."""
    data = str(text).encode()
    if len(data) <= limit:
        return data
    end = limit
    while end > 0 and (data[end] & 0xC0) == 0x80:
        end -= 1
    return data[:end]


def _schema(kind, fields):
    if kind == "event":
        return EVENT_FMT, EVENT_FIELDS
    if kind == "measure":
        return "<" + "h" * len(fields), tuple(r[0] for r in fields)
    names = ["start", "samples"]
    for r in fields:
        names += [r[0] + ".min", r[0] + ".max", r[0] + ".avg"]
    return "<IH" + "hhh" * len(fields), tuple(names)


def csv_field(value):
    text = "" if value is None else str(value)
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _number(raw, scale):
    v = from_fixed(raw, scale)
    if v is None or scale == 1:
        return v
    return ("%.1f" if scale <= 10 else "%.2f") % v


class Logs:
    """The card's logs in one directory; opened on first use, fed by the bus and the samplers."""

    def __init__(self, directory, bus=None, records=2048, emd=False, sync=True):
        self.directory = directory
        self.bus = bus
        self.emd = emd
        self.sync = sync
        self.records = records
        self._open = {}
        if bus is not None:
            bus.subscribe(self._on_event)

    def log(self, name):
        """The RingLog of a log name (opened, or created, on first use)."""
        rl = self._open.get(name)
        if rl is not None:
            return rl
        if name not in LOGS:
            raise ValueError("unknown log %r (one of %s)" % (name, ", ".join(sorted(LOGS))))
        kind, filename, _source, _title, part = LOGS[name]
        fmt, fields = _schema(kind, fields_of(name))
        rl = ringlog.RingLog(self.directory + "/" + filename, fmt, fields, self.records, self.sync)
        self._open[name] = rl
        if rl.created in (ringlog.SCHEMA_CHANGED, ringlog.CORRUPT):
            catalogue.card_event(self.bus, "log.%s.schema" % part)
        return rl

    def close(self):
        for rl in self._open.values():
            rl.close()
        self._open = {}

    # --- writing -------------------------------------------------------------------------
    def _on_event(self, event):
        source = event.get("source")
        for name in ("ups_events", "sts_events", "card_events"):
            if LOGS[name][2] == source:
                self.record_event(name, event)

    def record_event(self, name, event):
        state = event.get("state")
        level = event.get("level")
        if level not in LEVELS:
            raise ValueError("event level must be I, W or C, not %r" % (level,))
        values = (level.encode(),
                  _STATES.index(state) if state in _STATES else 0,
                  int(event.get("unit") or 0) & 0xFF,
                  utf8_bounded(event.get("code", ""), 16),
                  utf8_bounded(event.get("text", ""), TEXT_BYTES))
        return self.log(name).append(values, event.get("time"))

    def record_history(self, values, mapping=None, t=None):
        """One history point from a state snapshot; STS devices go to the STS history."""
        name = "sts_history" if mapping == "sts" else "history"
        fields = fields_of(name)
        raw = [to_fixed(v, r[2]) for v, r in zip(extract(fields, values), fields)]
        return self.log(name).append(raw, t)

    def record_extended(self, start, end, samples, stats):
        """stats: [(min, max, avg) or None per UPS field]."""
        raw = [int(start), min(samples, 0xFFFF)]
        for row, st in zip(UPS_FIELDS, stats):
            if st is None:
                raw += [NOT_MANAGED] * 3
            else:
                raw += [to_fixed(st[0], row[2]), to_fixed(st[1], row[2]), to_fixed(st[2], row[2])]
        return self.log("extended").append(raw, end)

    def clear(self, name, user=None):
        self.log(name).clear()
        catalogue.card_event(self.bus, "log.%s.cleared" % LOGS[name][4], user=user)

    # --- reading -------------------------------------------------------------------------
    def decode(self, name, rec):
        """A JSON-safe dict of one (seq, time, values) record."""
        seq, t, vals = rec
        kind = LOGS[name][0]
        out = {"seq": seq, "time": t}
        if kind == "event":
            out["level"] = vals[0].decode()
            out["state"] = _STATES[vals[1]] if vals[1] < len(_STATES) else None
            out["unit"] = vals[2] or None
            out["code"] = vals[3].rstrip(b"\0").decode()
            out["text"] = vals[4].rstrip(b"\0").decode()
        elif kind == "measure":
            for row, raw in zip(fields_of(name), vals):
                out[row[0]] = from_fixed(raw, row[2])
        else:
            out["start"], out["end"], out["samples"] = vals[0], t, vals[1]
            for i, row in enumerate(UPS_FIELDS):
                lo, hi, avg = vals[2 + 3 * i:5 + 3 * i]
                out[row[0]] = {"min": from_fixed(lo, row[2]), "max": from_fixed(hi, row[2]),
                               "avg": from_fixed(avg, row[2])}
        return out

    def query(self, name, start=None, end=None, page=1, per_page=5, sort="time"):
        """One page, newest first (sort "time") or most severe first (sort "level", event logs)."""
        if not isinstance(page, int) or page < 1:
            raise ValueError("page must be a whole number from 1")
        if not isinstance(per_page, int) or not 1 <= per_page <= 2048:
            raise ValueError("per_page must be between 1 and 2048")
        if sort not in ("time", "level"):
            raise ValueError("sort must be time or level")
        if sort == "level" and LOGS.get(name, ("",))[0] != "event":
            raise ValueError("only event logs sort by level")
        rl = self.log(name)
        total = rl.count(start, end)
        skip, want, rows = (page - 1) * per_page, per_page, []
        # Streaming passes (one per level) keep memory flat on a small board.
        for level in (_SEVERITY if sort == "level" else (None,)):
            for rec in rl.records(True, start, end):
                if level is not None and rec[2][0].decode() != level:
                    continue
                if skip:
                    skip -= 1
                    continue
                rows.append(self.decode(name, rec))
                if len(rows) >= want:
                    break
            if len(rows) >= want:
                break
        return {"log": name, "total": total, "page": page, "per_page": per_page,
                "pages": (total + per_page - 1) // per_page, "sort": sort, "records": rows}

    def csv_header(self, name):
        kind = LOGS[name][0]
        if kind == "event":
            return ["Event Time", "Event Level", "Event Description"]
        fields = self._csv_fields(name)
        if kind == "measure":
            return ["Date time"] + [r[1] for r in fields]
        cols = ["Start time", "End time"]
        for r in fields:
            cols += [r[1] + " Min", r[1] + " Max", r[1] + " Avg"]
        return cols

    def _csv_fields(self, name):
        fields = fields_of(name)
        if name == "sts_history" or self.emd:
            return fields
        return tuple(r for r in fields if r[0] not in _EMD_KEYS)

    def csv_lines(self, name, local=None, start=None, end=None):
        """Yield the CSV lines (with CRLF) of a log, oldest first, header included; times are
        shown as local(utc) (the card clock's local time) when given."""
        def when(t):
            return format_time(local(t) if local is not None else t)

        yield ",".join(csv_field(c) for c in self.csv_header(name)) + "\r\n"
        kind = LOGS[name][0]
        fields = fields_of(name)
        keep = [i for i, r in enumerate(fields) if r in self._csv_fields(name)]
        for seq, t, vals in self.log(name).records(False, start, end):
            if kind == "event":
                text = vals[4].rstrip(b"\0").decode()
                if vals[2]:
                    text = "Unit %d: %s" % (vals[2], text)
                if _STATES[vals[1]] == "removed":
                    text += " (removed)"
                row = [when(t), LEVELS.get(vals[0].decode(), "?"), text]
            elif kind == "measure":
                row = [when(t)] + [_number(vals[i], fields[i][2]) for i in keep]
            else:
                row = [when(vals[0]), when(t)]
                for i in keep:
                    row += [_number(v, fields[i][2]) for v in vals[2 + 3 * i:5 + 3 * i]]
            yield ",".join(csv_field(c) for c in row) + "\r\n"

    def status(self):
        return {name: rl.status() for name, rl in self._open.items()}
