"""Plausible ranges of what a UPS measures: a value outside one is a fault, not a measurement.

A UPS, or a faulty line, can answer with a valid CRC and nonsense inside: 0xFFFE everywhere reads
as a 65534 % charge and a 45-day runtime, 0x7FFF/0x8000 as a 32767 % load or -32768 degC. The
map rows give each register its scale; this table gives each kind of NUT name the range a real
device can report, generous enough for the largest parallel systems:

    name (or its last part)            range                  why the bound
    battery.charge, ambient.humidity   0 .. 100 %
    ups.load, *.power.percent          0 .. 200 %             overload shows above 100 %
    *.voltage                          -1000 .. 1000 V        battery strings reach ~800 V
    *.frequency                        0 .. 100 Hz            0 while a source is absent
    *.temperature                      -40 .. 150 degC
    *.current                          -20000 .. 20000 A
    *.power, *.realpower               -20 .. 20 MVA / MW     a parallel system of 10 units
    battery.runtime                    0 .. 360000 s          100 hours
    battery.runtime.elapsed            0 .. 864000 s          10 days on battery
    *.powerfactor                      -1.05 .. 1.05
    *.crestfactor                      0 .. 20
    battery.capacity                   0 .. 100000 Ah
    input.phase.shift                  -360 .. 360 degrees

A value outside its range is left out for that cycle, as a value the UPS does not manage is; the
poller counts it and logs one event while a UPS keeps answering such values.
"""

from firmware.state import catalogue

_BY_NAME = {
    "battery.charge": (0, 100),
    "ambient.humidity": (0, 100),
    "ups.load": (0, 200),
    "battery.runtime": (0, 360000),
    "battery.runtime.elapsed": (0, 864000),
    "battery.capacity": (0, 100000),
    "input.phase.shift": (-360, 360),
}
_BY_SUFFIX = (
    (".power.percent", (0, 200)),
    (".voltage", (-1000, 1000)),
    (".frequency", (0, 100)),
    (".temperature", (-40, 150)),
    (".current", (-20000, 20000)),
    (".realpower", (-20e6, 20e6)),
    (".power", (-20e6, 20e6)),
    (".powerfactor", (-1.05, 1.05)),
    (".crestfactor", (0, 20)),
)


def bounds(name):
    """(low, high) of a NUT name, or None when any value is plausible (text, counters)."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    for suffix, limits in _BY_SUFFIX:
        if name.endswith(suffix):
            return limits
    return None


def split(values):
    """(plausible values, [names left out]) of a {name: value} dict of measures."""
    kept, refused = {}, []
    for name, value in values.items():
        limits = bounds(name)
        if limits is not None and isinstance(value, (int, float)) and \
                not limits[0] <= value <= limits[1]:
            refused.append(name)
        else:
            kept[name] = value
    return kept, sorted(refused)


class Watch:
    """Counts the values left out, and says once when a UPS keeps answering nonsense.

    After BAD_CYCLES cycles in a row with values left out it publishes "ups.values.implausible"
    naming them; the first cycle without any closes the episode ("ups.values.plausible").
    """

    BAD_CYCLES = 3

    def __init__(self, bus):
        self.bus = bus
        self.counts = {}          # name -> cycles it was left out (since start)
        self.in_a_row = 0
        self.reported = False

    def cycle(self, refused):
        for name in refused:
            self.counts[name] = self.counts.get(name, 0) + 1
        if refused:
            self.in_a_row += 1
            if self.in_a_row >= self.BAD_CYCLES and not self.reported:
                self.reported = True
                shown = sorted(set(refused))
                catalogue.card_event(self.bus, "ups.values.implausible", count=len(shown),
                                     names=", ".join(shown[:6]) + (" ..." if len(shown) > 6
                                                                   else ""))
        else:
            self.in_a_row = 0
            if self.reported:
                self.reported = False
                catalogue.card_event(self.bus, "ups.values.plausible")

    def status(self):
        return {"left_out": dict(self.counts), "in_a_row": self.in_a_row}
