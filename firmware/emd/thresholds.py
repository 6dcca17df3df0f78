"""Set points with hysteresis (manual §14): where a measurement stands, and the events it causes.

Each measurement has four set points: critical high >= warning high > warning low >= critical low.
A value enters a band when it crosses a set point, and leaves it only once it is back by the
hysteresis, so a value sitting on a set point does not flap. Each band has its events:

    band            entering (level)                      leaving
    warning high    "<kind> over high Set point" (W)       "<kind> not over high Set point" (I)
    critical high   "EMD Sensor detected high <kind>" (C)  "EMD Sensor Not over high <kind>" (I)
    warning low     "<kind> under low Set point" (W)       "<kind> not under low Set point" (I)
    critical low    "EMD Sensor detected low <kind>" (C)   "EMD Sensor Not under low <kind>" (I)

The warning texts are the card event log's (§18.5), the critical ones the EMD appendix's, which
are also NET VISION traps 28-35 (critical, and their "not" counterparts, information). The codes
are firmware/state/catalogue.py's "emd." followed by what update() returns: <temp|hum>.<hi|lo>
[2][.ok] (2: the critical set point, .ok: back inside).

    SetPoints(crit_high, warn_high, warn_low, crit_low, hysteresis)
    level = Level()
    level.update(value, points) -> [code, ...]       the events of this reading, in order
    level.status -> "good" | "warning-high" | "critical-high" | "warning-low" | "critical-low"
"""

CODES = {"temperature": "temp", "humidity": "hum"}


class SetPoints:
    """The four set points and the hysteresis of one kind of measurement."""

    def __init__(self, critical_high, warning_high, warning_low, critical_low, hysteresis):
        if not critical_high >= warning_high > warning_low >= critical_low:
            raise ValueError("set points must be critical high >= warning high > warning low "
                             ">= critical low")
        if hysteresis < 0:
            raise ValueError("hysteresis must not be negative")
        self.critical_high = critical_high
        self.warning_high = warning_high
        self.warning_low = warning_low
        self.critical_low = critical_low
        self.hysteresis = hysteresis


class Level:
    """Which bands one sensor's value is in; the events of each new reading."""

    def __init__(self, kind):
        self.prefix = CODES[kind]
        self.high = 0          # 0 inside, 1 warning, 2 critical
        self.low = 0

    def update(self, value, points):
        """The event codes of a new reading (None: no reading, nothing changes)."""
        if value is None:
            return []
        h = points.hysteresis
        high = self.high
        if value >= points.critical_high or high == 2 and value > points.critical_high - h:
            high = 2
        elif value >= points.warning_high or high >= 1 and value > points.warning_high - h:
            high = 1
        else:
            high = 0
        low = self.low
        if value <= points.critical_low or low == 2 and value < points.critical_low + h:
            low = 2
        elif value <= points.warning_low or low >= 1 and value < points.warning_low + h:
            low = 1
        else:
            low = 0
        out = self._moves(self.high, high, ".hi") + self._moves(self.low, low, ".lo")
        self.high, self.low = high, low
        return out

    def _moves(self, before, after, side):
        base = self.prefix + side
        out = []
        if after > before:
            if before < 1 <= after:
                out.append(base)
            if before < 2 <= after:
                out.append(base + "2")
        elif after < before:
            if before >= 2 > after:
                out.append(base + "2.ok")
            if before >= 1 > after:
                out.append(base + ".ok")
        return out

    def clear(self):
        """Leave every band (the sensor is gone or disabled): the "end" events."""
        out = self._moves(self.high, 0, ".hi") + self._moves(self.low, 0, ".lo")
        self.high = self.low = 0
        return out

    @property
    def status(self):
        if self.high:
            return "critical-high" if self.high == 2 else "warning-high"
        if self.low:
            return "critical-low" if self.low == 2 else "warning-low"
        return "good"


def input_active(closed, mode):
    """Whether a dry-contact input is in alarm: mode "no" (normally open: closed is the alarm),
    "nc" (normally closed: open is the alarm) or "disabled" (never)."""
    if mode == "no":
        return bool(closed)
    if mode == "nc":
        return not closed
    return False
