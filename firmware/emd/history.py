"""The EMD history log (manual §18.6: "EMD History Log"): the first temperature and humidity
and the inputs, one record every log.history_interval seconds, in a crash-safe ring file.

    record   temperature int16 (0.1 degC), humidity int16 (0.1 %RH), inputs uint16 (bit n-1:
             input n in alarm); -32768 = no value
"""

from firmware.logs.ringlog import RingLog
from firmware.platform import durable

NONE = -32768
FIELDS = ("temperature", "humidity", "inputs")
FORMAT = "<hhH"
FILE = "emd-history.log"
RECORDS = 2048


def _pack(value):
    return NONE if value is None else max(-32767, min(32767, int(round(value * 10))))


class EmdHistory:
    """The ring file and what one record holds."""

    def __init__(self, folder, records=RECORDS):
        try:
            durable.mkdir(folder)
        except OSError:
            pass                   # already there
        self.ring = RingLog(folder + "/" + FILE, FORMAT, FIELDS, nslots=records)

    def record(self, monitor, t):
        temperature, _d = monitor.first("temperature")
        humidity, _d = monitor.first("humidity")
        bits = 0
        for n, item in enumerate(monitor.inputs, 1):
            if item["active"]:
                bits |= 1 << (n - 1)
        return self.ring.append((_pack(temperature), _pack(humidity), bits), t)

    def newest(self, limit=50):
        """[{"time", "temperature", "humidity", "inputs"}], newest first."""
        out = []
        for _seq, t, (temp, hum, bits) in self.ring.records(limit=limit):
            out.append({"time": t, "temperature": None if temp == NONE else temp / 10,
                        "humidity": None if hum == NONE else hum / 10,
                        "inputs": [n + 1 for n in range(16) if bits >> n & 1]})
        return out

    def close(self):
        self.ring.close()
