"""Settings of the environment sensors (manual §14 "EMD Device": customisation, thresholds,
alarm mode), and of the sensors a Raspberry Pi reads itself.

Decimal settings (offsets, set points) are text such as "-0.5" or "60": the card keeps them with
one decimal. The manual shows the same set points for humidity as for temperature (its humidity
table repeats the temperature one, "Temperature Name" included): its numbers are kept as the
defaults of both, the names are the kinds'.
"""

from firmware.settings.schema import ConfigError, Row

KINDS = ("temperature", "humidity")
MODES = ("disabled", "no", "nc")          # an input is not watched, normally open, normally closed
SOURCES = ("w1", "iio", "hwmon")
# kind -> (unit, allowed range, default hysteresis)
RANGES = {"temperature": ("degC", (-55.0, 125.0), "1.0"), "humidity": ("%", (0.0, 100.0), "2.0")}
POINTS = (("critical_high", "Critical Set Point (High)", "60.0"),
          ("warning_high", "Warning Set Point (High)", "50.0"),
          ("warning_low", "Warning Set Point (Low)", "10.0"),
          ("critical_low", "Critical Set Point (Low)", "5.0"))


def decimal(lo, hi):
    """A check for a decimal setting within [lo, hi], kept as text with one decimal."""
    def check(text):
        try:
            value = float(text)
        except ValueError:
            raise ValueError("must be a number such as 21.5, not %r" % text)
        if not lo <= value <= hi:
            raise ValueError("must be between %s and %s" % (lo, hi))
        return "%.1f" % value
    return check


def parse_sensor(item):
    """(source, id, name, offset) of an emd.sensors item "SOURCE/ID[/NAME[/OFFSET]]"."""
    parts = item.split("/")
    if len(parts) < 2 or len(parts) > 4 or parts[0] not in SOURCES or not parts[1]:
        raise ValueError("sensor %r: expected SOURCE/ID[/NAME[/OFFSET]] with SOURCE one of %s"
                         % (item, ", ".join(SOURCES)))
    name = parts[2] if len(parts) > 2 and parts[2] else parts[1]
    offset = 0.0
    if len(parts) > 3:
        try:
            offset = float(parts[3])
        except ValueError:
            raise ValueError("sensor %r: offset %r is not a number" % (item, parts[3]))
        if not -20 <= offset <= 20:
            raise ValueError("sensor %r: offset must be between -20 and 20" % item)
    return parts[0], parts[1], name, offset


def parse_input(item):
    """(pin, name, mode) of an emd.inputs item "PIN/NAME/MODE" (BCM pin, MODE no or nc)."""
    parts = item.split("/")
    if len(parts) != 3 or not parts[0].isdigit() or not 0 <= int(parts[0]) <= 27 \
            or not parts[1] or parts[2] not in MODES[1:]:
        raise ValueError("input %r: expected PIN/NAME/MODE with a BCM pin 0-27 and MODE no "
                         "(normally open) or nc (normally closed)" % item)
    return int(parts[0]), parts[1], parts[2]


def _items(parse, what):
    """A list check: each item parsed (ValueError says which), no item listed twice."""
    def check(items):
        seen = set()
        for item in items:
            key = parse(item)[:2 if what == "sensor" else 1]
            if key in seen:
                raise ValueError("%s %r is listed twice" % (what, item))
            seen.add(key)
        return list(items)
    return check


def _kind_rows(kind):
    unit, (lo, hi), hysteresis = RANGES[kind]
    title = kind[:1].upper() + kind[1:]       # MicroPython's str has no capitalize()
    key = "emd." + kind
    rows = [Row(key + ".name", "str", title, 32, "EMD %s sensor name" % kind,
                label="%s Sensor Name" % title),
            Row(key + ".offset", "str", "0.0", 8, "Calibration offset added to the EMD's %s "
                "(%s)" % (kind, unit), label="%s Calibration Offset" % title,
                check=decimal(-20, 20))]
    for point, label, default in POINTS:
        rows.append(Row("%s.%s" % (key, point), "str", default, 8,
                        "%s %s (%s), for every %s sensor" % (title, label, unit, kind),
                        label="%s %s" % (title, label), check=decimal(lo, hi)))
    rows.append(Row(key + ".hysteresis", "str", hysteresis, 8,
                    "How far (%s) a %s must come back inside a set point before its alarm "
                    "ends" % (unit, kind), label="%s Hysteresis" % title, check=decimal(0, 20)))
    return rows


def _input_rows(n):
    key = "emd.alarm%d" % n
    return [Row(key + ".name", "str", "Alarm-%d" % n, 32, "EMD input %d name" % n,
                label="Alarm-%d Name" % n),
            Row(key + ".mode", "choice", "disabled", MODES,
                "EMD input %d: disabled, no (alarm when closed: normally open) or nc (alarm "
                "when open: normally closed)" % n, label="Alarm-%d mode" % n)]


def check_order(get):
    """The set points of each kind go critical high >= warning high > warning low >= critical
    low; ConfigError names the setting to change."""
    for kind in KINDS:
        p = [float(get("emd.%s.%s" % (kind, point))) for point, _label, _d in POINTS]
        if not p[0] >= p[1] > p[2] >= p[3]:
            raise ConfigError("emd.%s.warning_high" % kind,
                              "set points must go critical high >= warning high > warning low "
                              ">= critical low (now %s)" % " / ".join("%.1f" % v for v in p))


ROWS = (
    Row("emd.enabled", "bool", False, None, "Environment sensors on/off (an EMD must be "
        "activated, manual §14)", label="EMD"),
    Row("emd.device", "str", "", 128, "The EMD's RS-485 port (a USB adapter, best named by "
        "/dev/serial/by-id/...); empty: no EMD, only the sensors below", label="EMD port"),
    Row("emd.address", "int", 1, (1, 247), "EMD Modbus address (DIP switch 1 on: 1)",
        label="EMD Address"),
    Row("emd.baud", "choice", "9600", ("2400", "9600", "19200", "38400"),
        "EMD line speed (8N1)", label="EMD baud rate"),
    Row("emd.period", "int", 10, (2, 300), "Seconds between two readings of every sensor",
        label="EMD Read Period (s)"),
    Row("emd.location", "str", "", 32, "Where the EMD is", label="Location Name"),
) + tuple(_kind_rows("temperature")) + tuple(_kind_rows("humidity")) \
    + tuple(_input_rows(1)) + tuple(_input_rows(2)) + (
    Row("emd.sensors", "list", [], 8,
        "Sensors the board reads itself: SOURCE/ID[/NAME[/OFFSET]]: w1/28-0123456789ab "
        "(1-Wire DS18B20), iio/sht3x or iio/iio:device0 (IIO: SHT3x, BME280 ...), hwmon/NAME "
        "(a hwmon chip by name or hwmonN)", check=_items(parse_sensor, "sensor"),
        label="Board Sensors"),
    Row("emd.inputs", "list", [], 8,
        "Dry contacts on GPIO: PIN/NAME/MODE, MODE no (normally open) or nc (normally closed); "
        "numbered after the EMD's two inputs", check=_items(parse_input, "input"),
        label="Board Dry Contacts"),
)

RULES = (check_order,)
