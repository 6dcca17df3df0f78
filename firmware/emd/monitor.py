"""What the environment sensors say now, their alarms and events, and their NUT variables.

Pure: the feature feeds readings in, this module says which events they cause and what every
interface shows. Sensor devices are numbered from 1 (the EMD first when there is one), inputs
from 1 (the EMD's two, then the GPIO dry contacts).

    m = Monitor()
    m.set_devices([{"name": "EMD 1", "location": "Room 12", "kinds": ("temperature",
                    "humidity")}, ...])
    m.set_inputs([{"name": "Door", "mode": "nc"}, ...])
    events = m.update(index, {"temperature": 21.5}, points)   -> [(code, params), ...]
                 (codes after "emd." in the catalogue: "temp.hi", "alarm1.ok" ...)
    events += m.update_input(number, closed)
    m.nut()      -> {"ambient.temperature": 21.5, "ambient.1.temperature": 21.5, ...}
    m.alarms()   -> {"emd_temperature", "emd_alarm1"}: the shutdown events present now
"""

from firmware.emd.thresholds import Level, input_active

NUT_STATUS = {"good": "good", "warning-high": "warning-high", "critical-high": "critical-high",
              "warning-low": "warning-low", "critical-low": "critical-low"}
POINT_NAMES = (("critical_high", "high.critical"), ("warning_high", "high.warning"),
               ("warning_low", "low.warning"), ("critical_low", "low.critical"))


def _fmt(value):
    return "%.1f" % value


class Monitor:
    """The sensors' last values, their bands and the inputs' states."""

    def __init__(self):
        self.devices = []
        self.inputs = []
        self.points = {}           # kind -> SetPoints (for the NUT thresholds)

    def set_devices(self, devices):
        """[{"name", "location", "kinds"}] in order; their values start unknown."""
        self.devices = [{"name": d["name"], "location": d.get("location", ""),
                         "kinds": tuple(d["kinds"]), "values": {}, "error": None,
                         "levels": {k: Level(k) for k in d["kinds"]}} for d in devices]

    def set_inputs(self, inputs):
        """[{"name", "mode"}] in order (mode "disabled", "no" or "nc")."""
        self.inputs = [{"name": i["name"], "mode": i["mode"], "closed": None, "active": False}
                       for i in inputs]

    # --- readings --------------------------------------------------------------------------------
    def update(self, index, values, points):
        """New values of device `index` (1-based): {kind: value or None}; the events."""
        device = self.devices[index - 1]
        device["error"] = None
        out = []
        for kind in device["kinds"]:
            value = values.get(kind)
            device["values"][kind] = value
            self.points[kind] = points[kind]
            if value is None:
                continue
            for code in device["levels"][kind].update(value, points[kind]):
                out.append((code, {"sensor": device["name"], "value": _fmt(value)}))
        return out

    def failed(self, index, error):
        """Device `index` could not be read: its values become unknown, its alarms stay."""
        device = self.devices[index - 1]
        device["values"] = {}
        device["error"] = error

    def update_input(self, number, closed):
        """New state of input `number` (1-based); the event when its alarm starts or ends."""
        item = self.inputs[number - 1]
        item["closed"] = bool(closed)
        active = input_active(closed, item["mode"])
        if active == item["active"]:
            return []
        item["active"] = active
        code = "alarm%d" % number if number <= 2 else "alarm"
        return [(code if active else code + ".ok", {"input": number, "name": item["name"]})]

    # --- what interfaces show --------------------------------------------------------------------
    def first(self, kind):
        """The first device's value of a kind (ambient.temperature, ambient.humidity)."""
        for device in self.devices:
            if device["values"].get(kind) is not None:
                return device["values"][kind], device
        return None, None

    def nut(self):
        """NUT variables: ambient.temperature, ambient.humidity (and their status and set points)
        from the first device giving each, ambient.N.* for each device, ambient.contacts.N.status
        for each watched input."""
        out = {}
        if self.devices:
            out["ambient.count"] = len(self.devices)
        for kind in ("temperature", "humidity"):
            value, device = self.first(kind)
            if value is not None:
                out.update(self._kind_vars("ambient." + kind, kind, value, device))
        for n, device in enumerate(self.devices, 1):
            prefix = "ambient.%d." % n
            out[prefix + "name"] = device["name"]
            out[prefix + "present"] = "yes" if device["values"] else "no"
            if device["location"]:
                out[prefix + "location"] = device["location"]
            for kind in device["kinds"]:
                value = device["values"].get(kind)
                if value is not None:
                    out.update(self._kind_vars(prefix + kind, kind, value, device))
        for n, item in enumerate(self.inputs, 1):
            if item["mode"] != "disabled" and item["closed"] is not None:
                out["ambient.contacts.%d.status" % n] = "closed" if item["closed"] else "open"
        return out

    def _kind_vars(self, name, kind, value, device):
        out = {name: round(value, 1), name + ".status": device["levels"][kind].status}
        points = self.points.get(kind)
        if points is not None:
            for attr, suffix in POINT_NAMES:
                out[name + "." + suffix] = getattr(points, attr)
        return out

    def alarms(self, least="warning"):
        """The manual's EMD shutdown events present now: "emd_temperature" and "emd_humidity"
        while some sensor of that kind is past a set point (`least` "warning" or "critical"),
        "emd_alarmN" while input N is in alarm."""
        rank = 2 if least == "critical" else 1
        out = set()
        for device in self.devices:
            for kind, level in device["levels"].items():
                if level.high >= rank or level.low >= rank:
                    out.add("emd_" + kind)
        for n, item in enumerate(self.inputs, 1):
            if item["active"]:
                out.add("emd_alarm%d" % n)
        return out

    def status(self):
        return {"devices": [{"index": n, "name": d["name"], "location": d["location"],
                             "values": dict(d["values"]), "error": d["error"],
                             "status": {k: lv.status for k, lv in d["levels"].items()}}
                            for n, d in enumerate(self.devices, 1)],
                "inputs": [{"number": n, "name": i["name"], "mode": i["mode"],
                            "closed": i["closed"], "active": i["active"]}
                           for n, i in enumerate(self.inputs, 1)],
                "alarms": sorted(self.alarms())}
