"""The password policy of the manual (§11.6) and the days a password has left."""

import unittest

from firmware.accounts import policy

PORTABLE = True


class PolicyTest(unittest.TestCase):
    def test_good_passwords_pass(self):
        for good in ("Strong#Pass123", "aA1!aA1!aA1!", "ZZZZzzzz9999^"):
            self.assertEqual(policy.check(good), good)

    def test_each_rule_is_named(self):
        table = (("Short#1a", "at least 12 characters"),
                 ("alllower#1234", "an upper case letter"),
                 ("ALLUPPER#1234", "a lower case letter"),
                 ("NoDigits#Here", "a digit"),
                 ("NoSpecial1234", "a special character"),
                 ("Has-Dash#12345", "characters not allowed: '-'"),
                 ("Space Here#123", "characters not allowed: ' '"),
                 ("A" * 60 + "a1#!x", "at most 64 characters"))
        for password, words in table:
            with self.assertRaises(ValueError) as cm:
                policy.check(password)
            self.assertIn(words, str(cm.exception), password)

    def test_not_text_is_refused(self):
        with self.assertRaises(ValueError):
            policy.check(None)

    def test_days_left(self):
        day = policy.DAY_S
        self.assertEqual(policy.days_left(0, 0, 90), 90)
        self.assertEqual(policy.days_left(0, day * 89.5, 90), 1)
        self.assertEqual(policy.days_left(0, day * 90, 90), 0)
        self.assertEqual(policy.days_left(0, day * 400, 90), 0)
        self.assertEqual(policy.days_left(0, day, 720), 719)


if __name__ == "__main__":
    unittest.main()
