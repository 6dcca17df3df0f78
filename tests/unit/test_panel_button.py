"""The reset button's hold times (firmware/panel/button.py): exact times, debounce, stuck."""

import unittest

from firmware.panel.button import ResetButton, action_for

PORTABLE = True


def press(held_ms, start=1000, bounce=()):
    """Press at `start`, release after held_ms (with bounces: (offset, level) pairs); the
    outcomes polled every 10 ms until 200 ms after the release."""
    b = ResetButton()
    edges = [(start, True)] + [(start + o, lv) for o, lv in bounce] + [(start + held_ms, False)]
    out = []
    t = start - 100
    while t <= start + held_ms + 200:
        while edges and edges[0][0] <= t:
            b.edge(edges[0][1], edges[0][0])
            edges.pop(0)
        out += b.poll(t)
        t += 10
    return out


class TestHoldTimes(unittest.TestCase):
    def test_the_manual_table(self):
        for held, action in ((999, None), (1000, "restart"), (2999, "restart"),
                             (3000, "accounts"), (5999, "accounts"), (6000, "factory"),
                             (29999, "factory"), (30000, None), (45000, None)):
            self.assertEqual(action_for(held), action, held)

    def test_a_release_runs_the_action_of_the_exact_hold(self):
        for held, action in ((1500, "restart"), (3000, "accounts"), (7250, "factory"),
                             (400, None)):
            out = press(held)
            self.assertEqual(out[0], ("pressed", 1000))
            self.assertEqual(out[-1], ("released", action, held))

    def test_bounces_neither_start_nor_end_a_press(self):
        out = press(2000, bounce=((5, False), (12, True), (1200, False), (1220, True)))
        self.assertEqual(out, [("pressed", 1000), ("released", "restart", 2000)])
        self.assertEqual(press(30, start=500), [])      # a 30 ms glitch is no press

    def test_a_stuck_button_is_reported_once_and_does_nothing(self):
        out = press(40000)
        self.assertEqual(out[0], ("pressed", 1000))
        self.assertEqual([o[0] for o in out], ["pressed", "stuck", "released"])
        self.assertEqual(out[-1][1], None)

    def test_pending_follows_the_hold(self):
        b = ResetButton()
        b.edge(True, 0)
        b.poll(60)
        self.assertEqual([b.pending(t) for t in (500, 1000, 3000, 6000, 31000)],
                         [None, "restart", "accounts", "factory", None])
        self.assertEqual(b.status(2000)["held_ms"], 2000)


if __name__ == "__main__":
    unittest.main()
