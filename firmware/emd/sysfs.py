"""Sensors the Linux kernel reads for the card: IIO, hwmon and 1-Wire DS18B20, through sysfs.

    read_sensor(root, "w1", "28-0123456789ab")  -> {"temperature": 21.5}
    read_sensor(root, "iio", "sht3x")           -> {"temperature": 21.5, "humidity": 40.2}
    read_sensor(root, "hwmon", "sht3x")         -> {"temperature": ..., "humidity": ...}

`root` is "/sys" on a board (a scratch tree in tests). An IIO or hwmon sensor is named by its
folder (iio:device0, hwmon2) or by the driver's `name` file (sht3x, bme280), which survives a
reboot where the numbers may not. Files and units, as the kernel documents them:

    /sys/bus/w1/devices/<id>/temperature            millidegrees C (older kernels: w1_slave,
                                                    "... t=21500" on its second line)
    /sys/bus/iio/devices/<dev>/in_temp_input        millidegrees C (or in_temp_raw with
                                                    in_temp_scale and in_temp_offset)
    /sys/bus/iio/devices/<dev>/in_humidityrelative_input   milli-percent (or _raw, _scale)
    /sys/class/hwmon/<dev>/temp1_input              millidegrees C
    /sys/class/hwmon/<dev>/humidity1_input          milli-percent
"""

from __future__ import annotations

import os

FOLDERS = {"w1": "bus/w1/devices", "iio": "bus/iio/devices", "hwmon": "class/hwmon"}


def _read(path: str) -> str:
    with open(path) as f:
        return f.read().strip()


def _folder(root: str, source: str, ident: str) -> str:
    base = os.path.join(root, FOLDERS[source])
    direct = os.path.join(base, ident)
    if os.path.isdir(direct):
        return direct
    if source != "w1":
        try:
            names = sorted(os.listdir(base))
        except OSError:
            names = []
        for name in names:
            try:
                if _read(os.path.join(base, name, "name")) == ident:
                    return os.path.join(base, name)
            except OSError:
                continue
    raise FileNotFoundError("no %s sensor %r under %s" % (source, ident, base))


def _w1(folder: str) -> dict:
    path = os.path.join(folder, "temperature")
    if os.path.exists(path):
        return {"temperature": int(_read(path)) / 1000}
    lines = _read(os.path.join(folder, "w1_slave")).splitlines()
    if len(lines) < 2 or not lines[0].endswith("YES") or "t=" not in lines[1]:
        raise ValueError("DS18B20 CRC check failed")
    return {"temperature": int(lines[1].rsplit("t=", 1)[1]) / 1000}


def _iio_channel(folder: str, channel: str) -> float | None:
    base = os.path.join(folder, "in_" + channel)
    if os.path.exists(base + "_input"):
        return int(_read(base + "_input")) / 1000
    if os.path.exists(base + "_raw"):
        raw = float(_read(base + "_raw"))
        offset = float(_read(base + "_offset")) if os.path.exists(base + "_offset") else 0.0
        scale = float(_read(base + "_scale")) if os.path.exists(base + "_scale") else 1.0
        return (raw + offset) * scale / 1000
    return None


def _iio(folder: str) -> dict:
    out = {}
    for kind, channel in (("temperature", "temp"), ("humidity", "humidityrelative")):
        value = _iio_channel(folder, channel)
        if value is not None:
            out[kind] = value
    return out


def _hwmon(folder: str) -> dict:
    out = {}
    for kind, name in (("temperature", "temp1_input"), ("humidity", "humidity1_input")):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            out[kind] = int(_read(path)) / 1000
    return out


def read_sensor(root: str, source: str, ident: str) -> dict:
    """{kind: value} of one sensor; OSError or ValueError when it cannot be read."""
    folder = _folder(root, source, ident)
    values = {"w1": _w1, "iio": _iio, "hwmon": _hwmon}[source](folder)
    if not values:
        raise ValueError("%s sensor %r gives no temperature or humidity" % (source, ident))
    return values


def kinds_of(root: str, source: str, ident: str) -> tuple:
    """The kinds a sensor gives (read once at start; () when it cannot be read now)."""
    if source == "w1":
        return ("temperature",)
    try:
        return tuple(k for k in ("temperature", "humidity") if k in read_sensor(root, source,
                                                                                  ident))
    except (OSError, ValueError):
        return ("temperature",)
