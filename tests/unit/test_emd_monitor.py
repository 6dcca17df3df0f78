"""Sensor values, their events, NUT variables and shutdown alarms (firmware/emd/monitor.py)."""

import unittest

from firmware.emd.monitor import Monitor
from firmware.emd.thresholds import SetPoints

PORTABLE = True
POINTS = {"temperature": SetPoints(60.0, 50.0, 10.0, 5.0, 1.0),
          "humidity": SetPoints(60.0, 50.0, 10.0, 5.0, 2.0)}


def monitor():
    m = Monitor()
    m.set_devices([{"name": "EMD", "location": "Room 12", "kinds": ("temperature", "humidity")},
                   {"name": "Rack top", "kinds": ("temperature",)}])
    m.set_inputs([{"name": "Door", "mode": "nc"}, {"name": "Smoke", "mode": "disabled"},
                  {"name": "Flood", "mode": "no"}])
    return m


class TestMonitor(unittest.TestCase):
    def test_events_carry_the_sensor_and_value(self):
        m = monitor()
        self.assertEqual(m.update(1, {"temperature": 22.0, "humidity": 35.2}, POINTS), [])
        self.assertEqual(m.update(2, {"temperature": 51.2}, POINTS),
                         [("temp.hi", {"sensor": "Rack top", "value": "51.2"})])

    def test_nut_variables(self):
        m = monitor()
        m.update(1, {"temperature": 22.0, "humidity": 35.2}, POINTS)
        m.update(2, {"temperature": 51.0}, POINTS)
        m.update_input(1, True)
        m.update_input(3, False)
        nut = m.nut()
        self.assertEqual(nut["ambient.temperature"], 22.0)
        self.assertEqual(nut["ambient.humidity"], 35.2)
        self.assertEqual(nut["ambient.count"], 2)
        self.assertEqual(nut["ambient.1.name"], "EMD")
        self.assertEqual(nut["ambient.1.location"], "Room 12")
        self.assertEqual(nut["ambient.2.temperature"], 51.0)
        self.assertEqual(nut["ambient.2.temperature.status"], "warning-high")
        self.assertEqual(nut["ambient.temperature.high.critical"], 60.0)
        self.assertEqual(nut["ambient.contacts.1.status"], "closed")
        self.assertEqual(nut["ambient.contacts.3.status"], "open")
        self.assertFalse("ambient.contacts.2.status" in nut)     # disabled
        self.assertFalse("ambient.2.humidity" in nut)

    def test_inputs_and_alarms(self):
        m = monitor()
        self.assertEqual(m.update_input(1, True), [])                 # nc closed: normal
        self.assertEqual(m.update_input(1, False),
                         [("alarm1", {"input": 1, "name": "Door"})])
        self.assertEqual(m.update_input(3, True),
                         [("alarm", {"input": 3, "name": "Flood"})])
        self.assertEqual(m.update_input(2, True), [])                 # disabled
        m.update(2, {"temperature": 52.0}, POINTS)
        self.assertEqual(m.alarms(), {"emd_temperature", "emd_alarm1", "emd_alarm3"})
        self.assertEqual(m.alarms("critical"), {"emd_alarm1", "emd_alarm3"})
        self.assertEqual(m.update_input(1, True),
                         [("alarm1.ok", {"input": 1, "name": "Door"})])

    def test_a_failed_read_keeps_the_alarm_and_drops_the_value(self):
        m = monitor()
        m.update(2, {"temperature": 70.0}, POINTS)
        m.failed(2, "gone")
        self.assertEqual(m.alarms("critical"), {"emd_temperature"})
        self.assertEqual(m.nut()["ambient.2.present"], "no")
        self.assertEqual(m.status()["devices"][1]["error"], "gone")


if __name__ == "__main__":
    unittest.main()
