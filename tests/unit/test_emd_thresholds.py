"""Set points with hysteresis and the dry-contact modes (firmware/emd/thresholds.py)."""

import unittest

from firmware.emd.thresholds import Level, SetPoints, input_active

PORTABLE = True
POINTS = SetPoints(60.0, 50.0, 10.0, 5.0, 1.0)


def run(values, kind="temperature"):
    level = Level(kind)
    return [(v, level.update(v, POINTS), level.status) for v in values]


class TestLevels(unittest.TestCase):
    def test_a_rise_and_fall_through_every_band(self):
        out = run([20, 50, 55, 60, 59.5, 58.9, 49.5, 48.9, 20])
        self.assertEqual([(v, codes, st) for v, codes, st in out], [
            (20, [], "good"),
            (50, ["temp.hi"], "warning-high"),           # at the set point: in
            (55, [], "warning-high"),
            (60, ["temp.hi2"], "critical-high"),
            (59.5, [], "critical-high"),                       # within the hysteresis
            (58.9, ["temp.hi2.ok"], "warning-high"),
            (49.5, [], "warning-high"),
            (48.9, ["temp.hi.ok"], "good"),
            (20, [], "good"),
        ])

    def test_a_jump_reports_both_set_points_in_order(self):
        self.assertEqual(run([70, 20])[0][1], ["temp.hi", "temp.hi2"])
        self.assertEqual(run([70, 20])[1][1], ["temp.hi2.ok", "temp.hi.ok"])
        self.assertEqual(run([0, 30], "humidity")[0][1],
                         ["hum.lo", "hum.lo2"])

    def test_a_value_on_the_set_point_does_not_flap(self):
        out = run([50, 49.9, 50, 49.95, 50.05])
        self.assertEqual([codes for _v, codes, _s in out], [["temp.hi"], [], [], [], []])

    def test_low_side(self):
        out = run([20, 10, 10.5, 11.0])
        self.assertEqual([codes for _v, codes, _s in out],
                         [[], ["temp.lo"], [], ["temp.lo.ok"]])

    def test_no_reading_changes_nothing_and_clear_ends_alarms(self):
        level = Level("temperature")
        level.update(70, POINTS)
        self.assertEqual(level.update(None, POINTS), [])
        self.assertEqual(level.clear(), ["temp.hi2.ok", "temp.hi.ok"])

    def test_bad_set_points(self):
        for args in ((50, 60, 10, 5, 1), (60, 50, 50, 5, 1), (60, 50, 10, 20, 1),
                     (60, 50, 10, 5, -1)):
            with self.assertRaises(ValueError):
                SetPoints(*args)


class TestInputs(unittest.TestCase):
    def test_modes(self):
        self.assertEqual([input_active(c, m) for m in ("no", "nc", "disabled")
                          for c in (False, True)],
                         [False, True, True, False, False, False])


if __name__ == "__main__":
    unittest.main()
