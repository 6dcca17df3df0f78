"""The status LED table (firmware/panel/leds.py): each state's pattern, as the manual's table."""

import unittest

from firmware.panel import leds

PORTABLE = True


def sample(mode, pulse=False, step=50, span=2000):
    """(green, yellow) every `step` ms over `span` ms."""
    return [leds.levels(mode, t, pulse) for t in range(0, span, step)]


class TestModes(unittest.TestCase):
    def test_the_manual_table(self):
        cases = (
            # (state, mode, green pattern, yellow pattern)
            (dict(), "detection", "off", "flash"),
            (dict(detected=True, stale=True), "no_com", "on", "off"),
            (dict(detected=True, stale=False), "communicating", "on", "pulse"),
            (dict(diagnosing=True, detected=True, stale=False), "diagnostic", "flash", "cross"),
            (dict(diagnostic_failed=True), "diagnostic_failed", "on", "on"),
            (dict(serial_missing=True, detected=True), "hardware_error", "off", "off"),
        )
        for state, mode, green, yellow in cases:
            self.assertEqual(leds.mode_for(**state), mode)
            self.assertEqual(leds.MODES[mode], (green, yellow))

    def test_the_held_button_shows_first(self):
        for action, mode in (("restart", "hold_restart"), ("accounts", "hold_accounts"),
                             ("factory", "hold_factory")):
            self.assertEqual(leds.mode_for(diagnosing=True, serial_missing=True,
                                           pending=action), mode)


class TestPatterns(unittest.TestCase):
    def test_detection_flashes_yellow_once_a_second(self):
        lit = sample("detection")
        self.assertTrue(all(not g for g, _y in lit))
        self.assertEqual([y for _g, y in lit[:20]], [True] * 10 + [False] * 10)
        self.assertEqual(lit[:20], lit[20:40])

    def test_diagnostic_flashes_crossed(self):
        for green, yellow in sample("diagnostic"):
            self.assertNotEqual(green, yellow)

    def test_communicating_lights_yellow_only_during_a_pulse(self):
        self.assertEqual(set(sample("communicating")), {(True, False)})
        self.assertEqual(set(sample("communicating", pulse=True)), {(True, True)})

    def test_steady_modes(self):
        self.assertEqual(set(sample("no_com")), {(True, False)})
        self.assertEqual(set(sample("diagnostic_failed")), {(True, True)})
        self.assertEqual(set(sample("hardware_error")), {(False, False)})

    def test_pending_actions_are_fast_and_distinct(self):
        restart, accounts, factory = (set(sample(m, step=25, span=250)) for m in
                                      ("hold_restart", "hold_accounts", "hold_factory"))
        self.assertEqual(restart, {(True, False), (False, False)})
        self.assertEqual(accounts, {(False, True), (False, False)})
        self.assertEqual(factory, {(True, True), (False, False)})


if __name__ == "__main__":
    unittest.main()
