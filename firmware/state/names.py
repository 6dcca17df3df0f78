"""The vocabulary: NUT variable and instant-command names with their type, unit and description.

Every component (maps, NUT server, SNMP, JSON API, logs, MQTT) speaks these names. NUT's own
names are used where NUT has one (docs/nut-names.txt, upsd's cmdvartab); the extensions below
follow the same dotted style and are marked "extension":

    battery.voltage.negative   battery string (-) voltage; battery.voltage is string (+)
    battery.current.negative   battery string (-) current; battery.current is string (+)
    battery.runtime.elapsed    time spent on battery (s)
    battery.temperature.average, dc.voltage, dc.temperature   VU-MAP DC storage
    output.neutral.current, output.crestfactor, output.Lx.crestfactor, output.Lx.powerfactor
    output.Lx-Ly.voltage, input.Lx-Ly.voltage, input.bypass.Lx-Ly.voltage   (NUT has them)
    input.bypass.Lx.current, input.bypass.Lx.realpower
    input.1.* / input.2.*      STS source 1 / source 2 (like outlet.1.*), with
                               input.N.switch.temperature the static switch temperature
    input.phase.shift          STS source 1 - source 2 phase shift (degrees)

Power share plugs use NUT's outlet.N.status (on/off) and outlet.N.load.off/on (N = 1..4).
Instant commands beyond NUT's list: experimental.ecomode.enable/disable and
experimental.standby.enable/disable (NUT's own prefix for commands it has not settled) and, for
the STS, transfer.preferred, transfer.alternate, source.1.preferred, source.2.preferred.
beeper.mute is the manual's "Alarm Acknowledgement".
"""

NUMBER = "NUMBER"
STRING = "STRING"
ENUM = "ENUM"

PHASES = ("L1", "L2", "L3")
PHASE_PAIRS = ("L1-L2", "L2-L3", "L3-L1")

# name -> (type, unit, description). Unit "" for text or dimensionless values.
VARIABLES = {
    "device.mfr": (STRING, "", "Device manufacturer"),
    "device.model": (STRING, "", "Device model"),
    "device.serial": (STRING, "", "Device serial number"),
    "device.type": (STRING, "", "Device type (ups, sts)"),
    "device.part": (STRING, "", "Device Part Number"),
    "ups.mfr": (STRING, "", "UPS manufacturer"),
    "ups.model": (STRING, "", "UPS model"),
    "ups.serial": (STRING, "", "UPS serial number"),
    "ups.firmware": (STRING, "", "UPS firmware"),
    "ups.status": (STRING, "", "UPS status"),
    "ups.alarm": (STRING, "", "UPS alarms"),
    "experimental.ups.mode.buzzwords": (STRING, "", "Vendor modes of the UPS (eco, energy saver)"),
    "ups.date": (STRING, "", "Internal UPS clock date"),
    "ups.time": (STRING, "", "Internal UPS clock time"),
    "ups.load": (NUMBER, "%", "Load on UPS (percent of full)"),
    "ups.temperature": (NUMBER, "degC", "UPS temperature (degrees C)"),
    "ups.power": (NUMBER, "VA", "Current value of apparent power (VA)"),
    "ups.power.nominal": (NUMBER, "VA", "UPS power rating (VA)"),
    "ups.realpower": (NUMBER, "W", "Current value of real power (W)"),
    "ups.realpower.nominal": (NUMBER, "W", "UPS real power rating (W)"),
    "battery.charge": (NUMBER, "%", "Battery charge (percent of full)"),
    "battery.charge.low": (NUMBER, "%", "Remaining battery level when UPS switches to LB (percent)"),
    "battery.runtime": (NUMBER, "s", "Battery runtime (seconds)"),
    "battery.runtime.elapsed": (NUMBER, "s", "Time on battery (seconds) (extension)"),
    "battery.voltage": (NUMBER, "V", "Battery voltage (V)"),
    "battery.voltage.negative": (NUMBER, "V", "Battery voltage, negative string (V) (extension)"),
    "battery.current": (NUMBER, "A", "Battery current (A)"),
    "battery.current.negative": (NUMBER, "A", "Battery current, negative string (A) (extension)"),
    "battery.capacity": (NUMBER, "Ah", "Battery capacity (Ah)"),
    "battery.capacity.nominal": (NUMBER, "Ah", "Nominal battery capacity (Ah)"),
    "battery.temperature": (NUMBER, "degC", "Battery temperature (degrees C)"),
    "battery.temperature.average": (NUMBER, "degC",
                                    "Battery temperature average (degrees C) (extension)"),
    "dc.voltage": (NUMBER, "V", "DC storage voltage (V) (extension)"),
    "dc.temperature": (NUMBER, "degC", "DC storage temperature (degrees C) (extension)"),
    "ambient.temperature": (NUMBER, "degC", "Ambient temperature (degrees C)"),
    "input.voltage": (NUMBER, "V", "Input voltage (V)"),
    "input.voltage.nominal": (NUMBER, "V", "Nominal input voltage (V)"),
    "input.frequency": (NUMBER, "Hz", "Input line frequency (Hz)"),
    "input.frequency.nominal": (NUMBER, "Hz", "Nominal input line frequency (Hz)"),
    "input.current": (NUMBER, "A", "Input current (A)"),
    "input.realpower": (NUMBER, "W", "Input real power (W)"),
    "input.phases": (NUMBER, "", "Input phases"),
    "input.bypass.voltage": (NUMBER, "V", "Bypass input voltage (V)"),
    "input.bypass.frequency": (NUMBER, "Hz", "Bypass input frequency (Hz)"),
    "input.bypass.current": (NUMBER, "A", "Bypass input current (A)"),
    "input.bypass.realpower": (NUMBER, "W", "Bypass input real power (W)"),
    "input.phase.shift": (NUMBER, "deg", "Phase shift between source 1 and source 2 (extension)"),
    "output.voltage": (NUMBER, "V", "Output voltage (V)"),
    "output.voltage.nominal": (NUMBER, "V", "Nominal output voltage (V)"),
    "output.frequency": (NUMBER, "Hz", "Output frequency (Hz)"),
    "output.frequency.nominal": (NUMBER, "Hz", "Nominal output frequency (Hz)"),
    "output.current": (NUMBER, "A", "Output current (A)"),
    "output.neutral.current": (NUMBER, "A", "Output neutral current (A) (extension)"),
    "output.power": (NUMBER, "VA", "Output apparent power (VA)"),
    "output.realpower": (NUMBER, "W", "Output real power (W)"),
    "output.powerfactor": (NUMBER, "", "Output power factor (extension)"),
    "output.crestfactor": (NUMBER, "", "Output crest factor (extension)"),
    "output.N.crestfactor": (NUMBER, "", "Output neutral crest factor (extension)"),
    "output.N.power.percent": (NUMBER, "%", "Output neutral load (percent) (extension)"),
    "output.phases": (NUMBER, "", "Output phases"),
    "outlet.count": (NUMBER, "", "Number of power share outlets"),
    "input.source": (NUMBER, "", "The current input power source"),
    "input.source.preferred": (NUMBER, "", "The preferred input power source"),
}


def _per_phase(prefix, suffix, kind, unit, text):
    for ph in PHASES:
        VARIABLES["%s.%s%s" % (prefix, ph, suffix)] = (kind, unit, "%s, phase %s" % (text, ph))


for _pfx, _what in (("input", "Input"), ("input.bypass", "Bypass input"), ("output", "Output"),
                    ("input.1", "Source 1"), ("input.2", "Source 2")):
    for _ph in PHASES:
        VARIABLES["%s.%s-N.voltage" % (_pfx, _ph)] = (
            NUMBER, "V", "%s voltage, phase %s to neutral (V)" % (_what, _ph))
    for _pair in PHASE_PAIRS:
        VARIABLES["%s.%s.voltage" % (_pfx, _pair)] = (
            NUMBER, "V", "%s voltage, phase %s (V)" % (_what, _pair))
for _pfx, _what in (("input", "Input"), ("input.bypass", "Bypass input"), ("output", "Output")):
    _per_phase(_pfx, ".current", NUMBER, "A", _what + " current (A)")
    _per_phase(_pfx, ".realpower", NUMBER, "W", _what + " real power (W)")
_per_phase("output", ".power", NUMBER, "VA", "Output apparent power (VA)")
_per_phase("output", ".power.percent", NUMBER, "%", "Output load (percent of full)")
_per_phase("output", ".powerfactor", NUMBER, "", "Output power factor (extension)")
_per_phase("output", ".crestfactor", NUMBER, "", "Output crest factor (extension)")
for _n in ("1", "2"):
    VARIABLES["input.%s.frequency" % _n] = (NUMBER, "Hz", "Source %s frequency (Hz)" % _n)
    VARIABLES["input.%s.switch.temperature" % _n] = (
        NUMBER, "degC", "Static switch %s temperature (degrees C) (extension)" % _n)

# Per-phase name -> the plain name it stands for on a single-phase unit (decode renames it
# when the L2 sibling is absent). Voltages with True are also published as the plain name on
# three-phase units (phase 1, as NUT drivers do); currents and powers are not (they would
# understate the total).
PHASE_ONE = {
    "input.L1-N.voltage": ("input.voltage", True),
    "input.bypass.L1-N.voltage": ("input.bypass.voltage", True),
    "output.L1-N.voltage": ("output.voltage", True),
    "input.L1.current": ("input.current", False),
    "input.bypass.L1.current": ("input.bypass.current", False),
    "output.L1.current": ("output.current", False),
    "input.L1.realpower": ("input.realpower", False),
    "input.bypass.L1.realpower": ("input.bypass.realpower", False),
    "output.L1.power": ("ups.power", False),
    "output.L1.realpower": ("ups.realpower", False),
    "output.L1.power.percent": ("ups.load", False),
    "output.L1.powerfactor": ("output.powerfactor", False),
    "output.L1.crestfactor": ("output.crestfactor", False),
    "input.1.L1-N.voltage": ("input.1.voltage", True),
    "input.2.L1-N.voltage": ("input.2.voltage", True),
}
# Power share plugs (manual §12.8.1): NUT's outlet.n.* names; the manual's ranges have up to 4.
for _n in range(1, 5):
    VARIABLES["outlet.%d.status" % _n] = (STRING, "", "Outlet %d status (on/off)" % _n)
VARIABLES["input.1.voltage"] = (NUMBER, "V", "Source 1 voltage (V)")
VARIABLES["input.2.voltage"] = (NUMBER, "V", "Source 2 voltage (V)")
del _pfx, _what, _ph, _pair, _n

# Instant command -> description (NUT's CMDDESC wording where NUT has the command).
COMMANDS = {
    "test.battery.start": "Start a battery test",
    "test.battery.stop": "Stop the battery test",
    "load.off.delay": "Turn off the load with a delay (seconds)",
    "load.on": "Turn on the load immediately",
    "shutdown.return": "Turn off the load and return when power is back",
    "bypass.start": "Put the UPS in bypass mode",
    "bypass.stop": "Take the UPS out of bypass mode",
    "beeper.mute": "Acknowledge the alarm and mute the beeper",
    "experimental.ecomode.enable": "Enable eco mode",
    "experimental.ecomode.disable": "Disable eco mode",
    "experimental.standby.enable": "Enable standby mode",
    "experimental.standby.disable": "Disable standby mode",
    "transfer.preferred": "Switch the load on the preferred source (STS)",
    "transfer.alternate": "Switch the load on the alternate source (STS)",
    "source.1.preferred": "Set source 1 as preferred source (STS)",
    "source.2.preferred": "Set source 2 as preferred source (STS)",
}
for _n in range(1, 5):      # power share plugs: NUT's outlet.n.load.off/on
    COMMANDS["outlet.%d.load.off" % _n] = "Turn off the load on outlet %d immediately" % _n
    COMMANDS["outlet.%d.load.on" % _n] = "Turn on the load on outlet %d immediately" % _n
del _n


def var_type(name):
    """NUT type of a variable (NUMBER, STRING, ...), None when not in the vocabulary."""
    entry = VARIABLES.get(name)
    return entry[0] if entry else None


def var_unit(name):
    entry = VARIABLES.get(name)
    return entry[1] if entry else None


def var_desc(name):
    """Description for NUT's GET DESC; None when the name is not in the vocabulary."""
    entry = VARIABLES.get(name)
    return entry[2] if entry else None


def cmd_desc(name):
    return COMMANDS.get(name)


def is_known(name):
    return name in VARIABLES
