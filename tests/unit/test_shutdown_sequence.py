"""The shutdown sequence: reversible period, warnings, servers, UPS off and on, the test."""

import unittest

from firmware.shutdown.sequence import (IDLE, NEVER_OFF_S, OFF, SERVERS, TEST_END_S, WARNING,
                                        Sequence)

PORTABLE = True
ON = {"mains": True, "output": True}
ON_BATTERY = {"mains": False, "output": True}
OUTPUT_OFF = {"mains": False, "output": False}
BACK = {"mains": True, "output": False}


def s(seconds):
    return 1764400000 + seconds          # card clock seconds


class SequenceTest(unittest.TestCase):
    def plan(self, **extra):
        plan = {"ac_failed": (300, 10, 60), "battery_low": (0, 0, 60)}
        plan.update(extra)
        return plan

    def test_warnings_then_the_servers(self):
        seq = Sequence(self.plan())
        self.assertEqual(seq.step(s(0), {"ac_failed"}, ON_BATTERY), [])
        self.assertEqual(seq.phase, WARNING)
        self.assertEqual(seq.step(s(10), {"ac_failed"}, ON_BATTERY),
                         [("warning", "ac_failed", 290, 1)])
        self.assertEqual(seq.step(s(11), {"ac_failed"}, ON_BATTERY), [])
        self.assertEqual(seq.step(s(70), {"ac_failed"}, ON_BATTERY),
                         [("warning", "ac_failed", 230, 2)])
        self.assertEqual(seq.deadline_s(s(100)), 200)
        self.assertEqual(seq.step(s(300), {"ac_failed"}, ON_BATTERY),
                         [("servers", "ac_failed")])
        self.assertEqual(seq.phase, SERVERS)
        self.assertIsNone(seq.deadline_s(s(301)))       # no UPS shut-off to count down to

    def test_the_event_clears_in_time_and_nothing_is_shut_down(self):
        seq = Sequence(self.plan())
        seq.step(s(0), {"ac_failed"}, ON_BATTERY)
        seq.step(s(10), {"ac_failed"}, ON_BATTERY)
        self.assertEqual(seq.step(s(120), set(), ON), [("cancel", "ac_failed")])
        self.assertEqual(seq.phase, IDLE)
        self.assertEqual(seq.step(s(400), set(), ON), [])

    def test_the_event_with_the_nearest_shutdown_leads(self):
        seq = Sequence(self.plan())
        seq.step(s(0), {"ac_failed"}, ON_BATTERY)
        self.assertEqual(seq.step(s(50), {"ac_failed", "battery_low"}, ON_BATTERY),
                         [("servers", "battery_low")])

    def test_disabled_events_are_not_in_the_plan(self):
        seq = Sequence({"battery_low": (0, 0, 60)})
        self.assertEqual(seq.step(s(0), {"ac_failed", "bypass"}, ON_BATTERY), [])
        self.assertEqual(seq.phase, IDLE)

    def test_ups_off_after_its_delay_then_on_after_mains_returns(self):
        seq = Sequence(self.plan(), ups_off=True, ups_off_delay_s=180, ups_on_delay_s=120)
        seq.step(s(0), {"battery_low"}, ON_BATTERY)
        self.assertEqual(seq.deadline_s(s(60)), 120)
        self.assertEqual(seq.step(s(179), {"battery_low"}, ON_BATTERY), [])
        self.assertEqual(seq.step(s(180), {"battery_low"}, ON_BATTERY),
                         [("ups_off", "battery_low")])
        self.assertEqual(seq.phase, OFF)
        self.assertEqual(seq.step(s(200), {"battery_low"}, ON_BATTERY), [])   # its own delay
        self.assertEqual(seq.step(s(220), set(), OUTPUT_OFF), [])
        self.assertEqual(seq.step(s(226), set(), OUTPUT_OFF), [])             # steady: off
        self.assertEqual(seq.step(s(400), set(), BACK), [])                   # mains back
        self.assertEqual(seq.step(s(406), set(), BACK), [])                   # steady
        self.assertEqual(seq.step(s(525), set(), BACK), [])
        self.assertEqual(seq.step(s(526), set(), BACK), [("ups_on", "battery_low")])
        self.assertEqual(seq.step(s(530), set(), ON), [])
        self.assertEqual(seq.step(s(536), set(), ON), [("over", "battery_low")])
        self.assertEqual(seq.phase, IDLE)

    def test_no_restart_delay_leaves_the_output_off(self):
        seq = Sequence(self.plan(), ups_off=True, ups_off_delay_s=10, ups_on_delay_s=0)
        seq.step(s(0), {"battery_low"}, ON_BATTERY)
        seq.step(s(10), {"battery_low"}, ON_BATTERY)
        seq.step(s(20), set(), OUTPUT_OFF)
        seq.step(s(30), set(), OUTPUT_OFF)
        seq.step(s(40), set(), BACK)
        self.assertEqual(seq.step(s(5000), set(), BACK), [])
        self.assertEqual(seq.phase, OFF)

    def test_one_odd_reading_neither_ends_nor_restarts_a_shutdown(self):
        seq = Sequence(self.plan(), ups_off=True, ups_off_delay_s=10, ups_on_delay_s=60)
        seq.step(s(0), {"battery_low"}, ON_BATTERY)
        seq.step(s(10), {"battery_low"}, ON_BATTERY)          # shut-off sent
        seq.step(s(12), set(), OUTPUT_OFF)                     # a glitch: "off" for a moment
        self.assertEqual(seq.step(s(13), set(), ON), [])
        self.assertEqual(seq.step(s(30), set(), ON), [])       # still waiting for the output off
        self.assertEqual(seq.phase, OFF)

    def test_an_output_never_seen_off_ends_the_sequence_once_mains_is_back(self):
        seq = Sequence(self.plan(), ups_off=True, ups_off_delay_s=10, ups_on_delay_s=60)
        seq.step(s(0), {"battery_low"}, ON_BATTERY)
        seq.step(s(10), {"battery_low"}, ON_BATTERY)          # shut-off sent, never obeyed
        self.assertEqual(seq.step(s(10 + NEVER_OFF_S), {"battery_low"}, ON_BATTERY), [])
        self.assertEqual(seq.step(s(11 + NEVER_OFF_S), set(), ON), [])      # mains: not yet
        self.assertEqual(seq.step(s(17 + NEVER_OFF_S), set(), ON), [("over", "battery_low")])

    def test_without_ups_off_it_is_over_when_the_events_are(self):
        seq = Sequence(self.plan())
        seq.step(s(0), {"battery_low"}, ON_BATTERY)
        self.assertEqual(seq.step(s(60), {"battery_low"}, ON_BATTERY), [])
        self.assertEqual(seq.step(s(61), set(), ON), [("over", "battery_low")])   # output held on

    def test_a_schedule_switches_the_ups_off_whatever_ups_off_says(self):
        seq = Sequence({"weekly": (60, 0, 30, True)}, ups_off=False, ups_off_delay_s=30)
        seq.step(s(0), {"weekly"}, ON)
        seq.step(s(60), {"weekly"}, ON)
        self.assertEqual(seq.step(s(90), {"weekly"}, ON), [("ups_off", "weekly")])

    def test_the_ac_fail_test_never_switches_the_ups_off(self):
        seq = Sequence(self.plan(), ups_off=True, ups_off_delay_s=10)
        self.assertTrue(seq.start_test(s(0)))
        self.assertFalse(seq.start_test(s(1)))
        self.assertEqual(seq.step(s(10), set(), ON), [("warning", "ac_failed", 290, 1)])
        self.assertEqual(seq.step(s(300), set(), ON), [("servers", "ac_failed")])
        self.assertIsNone(seq.deadline_s(s(301)))
        self.assertEqual(seq.step(s(300 + TEST_END_S - 1), set(), ON), [])
        self.assertEqual(seq.step(s(300 + TEST_END_S), set(), ON), [("cancel", "ac_failed")])
        self.assertFalse(seq.test)

    def test_a_clock_set_back_delays_set_forward_hastens(self):
        seq = Sequence({"ac_failed": (300, 10, 60)})
        seq.step(s(0), {"ac_failed"}, ON_BATTERY)
        self.assertEqual(seq.step(s(-3600), {"ac_failed"}, ON_BATTERY), [])
        self.assertEqual(seq.step(s(301), {"ac_failed"}, ON_BATTERY), [("servers", "ac_failed")])


if __name__ == "__main__":
    unittest.main()
