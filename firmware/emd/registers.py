"""The EMD's Modbus RTU register map and its decoding. TO BE CONFIRMED against a real EMD.

The manual (§14 and its EMD appendix) says what the EMD reports: temperature, humidity, two dry
contact inputs, its address (DIP switch 1 on: "EMD 1") and an application firmware version
("01.00.0005"); it gives no register map. This map is ours, written so that a real EMD's map
can replace it in this one table; every row is "to be confirmed". The EMD answers function
0x03 (read holding registers) at 9600 baud, 8N1; the simulator (tools/upssim, profile "emd")
implements the same map from this description, not from this code.

    address  words  name          encoding
    0x0000   1      device id     0x454D ("EM"): an EMD answers here
    0x0001   3      firmware      major, minor, build -> "01.00.0005"
    0x0004   1      address       its Modbus address (1..247), as set by the DIP switches
    0x0010   1      temperature   signed, 0.1 degC; 0x8000 = no temperature sensor
    0x0011   1      humidity      unsigned, 0.1 %RH; 0xFFFF = no humidity sensor
    0x0012   1      inputs        bit 0: input 1 closed, bit 1: input 2 closed
    0x0013   1      faults        bit 0: temperature sensor fault, bit 1: humidity sensor fault

    IDENTITY = (0x0000, 5)      read once when the EMD is found
    MEASURES = (0x0010, 4)      read every emd.period seconds
"""

DEVICE_ID = 0x454D
IDENTITY = (0x0000, 5)
MEASURES = (0x0010, 4)
NO_TEMPERATURE = 0x8000
NO_HUMIDITY = 0xFFFF
DEFAULT_BAUD = 9600


def _signed(word):
    return word - 0x10000 if word & 0x8000 else word


def decode_identity(words):
    """{"firmware": "01.00.0005", "address": 1}; ValueError when it is not an EMD."""
    if len(words) < IDENTITY[1]:
        raise ValueError("EMD identity: %d words, expected %d" % (len(words), IDENTITY[1]))
    if words[0] != DEVICE_ID:
        raise ValueError("not an EMD (device id 0x%04X)" % words[0])
    return {"firmware": "%02d.%02d.%04d" % (words[1], words[2], words[3]), "address": words[4]}


def decode_measures(words):
    """{"temperature": degC or None, "humidity": %RH or None, "inputs": [bool, bool],
    "faults": [names]} of the measurement block."""
    if len(words) < MEASURES[1]:
        raise ValueError("EMD measures: %d words, expected %d" % (len(words), MEASURES[1]))
    faults = []
    if words[3] & 1:
        faults.append("temperature")
    if words[3] & 2:
        faults.append("humidity")
    temperature = None if words[0] == NO_TEMPERATURE or "temperature" in faults \
        else _signed(words[0]) / 10
    humidity = None if words[1] == NO_HUMIDITY or "humidity" in faults else words[1] / 10
    return {"temperature": temperature, "humidity": humidity,
            "inputs": [bool(words[2] & 1), bool(words[2] & 2)], "faults": faults}
