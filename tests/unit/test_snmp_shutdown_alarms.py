"""The shutdown agent over SNMP: traps 20, 21, 26 and the RFC 1628 / NET VISION 7 alarm rows
from the shutdown's card events, through the tracker, and their routing."""

import unittest

from firmware.snmp import settings, traps
from firmware.snmp.shutdown_alarms import ShutdownAlarms
from firmware.snmp.tracker import Tracker
from firmware.state.bus import EventBus
from firmware.state.catalogue import card_event
from firmware.state.ups import UpsState

AWAITING, PENDING, IMMINENT = 21, 22, 23
LABEL = "UPS on battery (AC Failed)"


class Rows(unittest.TestCase):
    def setUp(self):
        self.now = [100.0]
        self.left = [-1]
        self.s = ShutdownAlarms(lambda: self.now[0], lambda: self.left[0])

    def test_warning_request_off_and_power_back(self):
        self.assertEqual(self.s.rfc(), set())
        self.assertEqual(self.s.on_event({"code": "shutdown.warning"}), 20)
        self.assertEqual(self.s.rfc(), {PENDING})
        self.assertEqual(self.s.nv7(), {59})
        self.assertEqual(self.s.on_event({"code": "shutdown.request", "off_in": 30}), 21)
        self.assertEqual(self.s.rfc(), {PENDING})            # the output goes off in 30 s
        self.now[0] += 26
        self.assertEqual(self.s.rfc(), {IMMINENT})            # under 5 s
        self.assertIsNone(self.s.on_event({"code": "shutdown.ups"}))
        self.s.on_output(False)
        self.assertEqual(self.s.rfc(), {IMMINENT})            # the UPS's own delay
        self.s.on_output(True)
        self.assertEqual(self.s.rfc(), {AWAITING})
        self.assertEqual(self.s.nv7(), {62})
        self.s.on_output(False)
        self.assertEqual(self.s.rfc(), set())                 # on again by itself

    def test_cancel_and_a_request_without_shut_off(self):
        self.s.on_event({"code": "shutdown.warning"})
        self.assertEqual(self.s.on_event({"code": "shutdown.cancel"}), 26)
        self.assertEqual(self.s.rfc(), set())
        self.s.on_event({"code": "shutdown.warning"})
        self.s.on_event({"code": "shutdown.request", "off_in": None})
        self.assertEqual(self.s.rfc(), set())                 # FSD only: the load keeps power

    def test_the_snmp_countdown(self):
        self.left[0] = 60
        self.assertEqual(self.s.rfc(), {PENDING})
        self.left[0] = 3
        self.assertEqual(self.s.rfc(), {IMMINENT})

    def test_an_output_never_seen_off_is_not_imminent_for_ever(self):
        self.s.on_event({"code": "shutdown.ups"})
        self.now[0] += 601
        self.assertEqual(self.s.rfc(), set())


class Tracking(unittest.TestCase):
    def setUp(self):
        self.state = UpsState()
        self.bus = EventBus()
        self.sent = []
        self.now = [1000.0]
        self.tracker = Tracker(self.state, self.bus, lambda *a: self.sent.append(a),
                               clock=lambda: self.now[0])
        self.commit("OL")

    def commit(self, status):
        self.state.begin()
        self.state.set_device({"mapping": "jbusp"})
        self.state.set("ups.status", status)
        self.state.set_flags({"S03": ("I", "S03")}, {})
        self.state.commit(now=self.now[0])

    def kinds(self):
        return [(k, n) for k, n, _i in self.sent]

    def test_a_shutdown_sequence(self):
        card_event(self.bus, "shutdown.warning", event=LABEL, seconds=60, warning=1)
        self.assertEqual(self.kinds(), [("nv", 20), ("rfc", 3), ("nv", 3)])
        self.assertTrue(self.sent[0][2]["text"].startswith("Send shutdown warning to clients"))
        self.assertEqual(self.sent[1][2]["alarm"], PENDING)
        self.assertEqual(sorted(self.tracker.rfc_alarms), [PENDING])
        self.assertIn(59, self.tracker.nv_alarms)
        self.commit("OB")                         # a snapshot keeps the row and sends nothing
        self.assertEqual(sorted(self.tracker.rfc_alarms), [PENDING])
        self.sent.clear()
        card_event(self.bus, "shutdown.request", event=LABEL, test=False, fsd=True, off_in=10)
        self.assertEqual(self.kinds(), [("nv", 21)])
        self.sent.clear()
        self.now[0] += 6
        self.tracker.tick()                       # the countdown under 5 s
        self.assertEqual(self.kinds(), [("rfc", 4), ("nv", 4), ("rfc", 3), ("nv", 3)])
        self.assertEqual(sorted(self.tracker.rfc_alarms), [IMMINENT])
        card_event(self.bus, "shutdown.ups", command="shutdown.return")
        self.commit("OFF")
        self.assertEqual(sorted(self.tracker.rfc_alarms), [AWAITING])
        card_event(self.bus, "ups.output.on", command="load.on")
        self.assertEqual(sorted(self.tracker.rfc_alarms), [])

    def test_the_ac_fail_test_is_marked_and_cancelled(self):
        card_event(self.bus, "shutdown.warning", event=LABEL, seconds=60, warning=1)
        card_event(self.bus, "shutdown.request", event=LABEL, test=True, fsd=False,
                   off_in=None)
        request = [s for s in self.sent if s[:2] == ("nv", 21)][0]
        self.assertTrue(request[2]["text"].endswith(" (test)"))
        self.assertEqual(sorted(self.tracker.rfc_alarms), [])
        self.sent.clear()
        card_event(self.bus, "shutdown.cancel", event=LABEL)
        self.assertEqual(self.kinds(), [("nv", 26)])


class Routing(unittest.TestCase):
    def test_levels_and_selections(self):
        take = lambda item, n: traps.route(settings.parse_receiver(item), "nv", n, False)  # noqa
        self.assertEqual([take("h/netvision/v2c/public", n) for n in (20, 21, 26)],
                         [True, True, True])
        self.assertEqual([take("h/netvision/v2c/public/warning", n) for n in (20, 21, 26)],
                         [True, True, False])
        self.assertEqual([take("h/netvision/v2c/public/critical", n) for n in (20, 21, 26)],
                         [False, False, False])
        self.assertEqual([take("h/netvision/v2c/public/events=20+26", n) for n in (20, 21, 26)],
                         [True, False, True])
        self.assertFalse(take("h/rfc1628/v1/public", 20))


if __name__ == "__main__":
    unittest.main()
