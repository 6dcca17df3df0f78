"""Login sessions: one at a time by default, idle timeout, events, tokens."""

import unittest

from firmware.accounts.sessions import Sessions
from firmware.state.bus import EventBus

PORTABLE = True


class Ticks:
    def __init__(self):
        self.ms = 1000

    def __call__(self):
        return self.ms


class SessionsTest(unittest.TestCase):
    def setUp(self):
        self.bus = EventBus(now=lambda: 1.0)
        self.ticks = Ticks()
        self.table = Sessions(self.bus, ticks=self.ticks, now=lambda: 1.0)

    def codes(self):
        return [e["code"] for e in self.bus.recent]

    def test_a_new_login_ends_the_previous_session(self):
        first = self.table.open("admin", "write", "192.0.2.1", "web")
        second = self.table.open("ops", "read", "192.0.2.2", "web")
        self.assertIsNone(self.table.get(first.token, 300))
        self.assertIs(self.table.get(second.token, 300), second)
        self.assertEqual(self.codes(), ["session.opened", "session.ended", "session.opened"])
        self.assertIn("replaced by a new login", self.bus.recent[1]["text"])
        self.assertIn("New Admin or User session opened", self.bus.recent[0]["text"])

    def test_more_sessions_when_configured(self):
        a = self.table.open("admin", "write", "a", "web", limit=2)
        b = self.table.open("ops", "read", "b", "web", limit=2)
        self.assertIsNotNone(self.table.get(a.token, 300))
        self.assertIsNotNone(self.table.get(b.token, 300))
        self.table.open("x", "read", "c", "web", limit=2)
        self.assertEqual(len(self.table.sessions()), 2)

    def test_idle_sessions_end_and_activity_keeps_them(self):
        s = self.table.open("admin", "write", "a", "web")
        self.ticks.ms += 200 * 1000
        self.assertIs(self.table.get(s.token, 300), s)        # restarts its idle clock
        self.ticks.ms += 200 * 1000
        self.assertIs(self.table.get(s.token, 300, touch=False), s)
        self.ticks.ms += 101 * 1000
        self.assertIsNone(self.table.get(s.token, 300))
        self.assertIn("idle", self.bus.recent[-1]["text"])
        self.assertEqual(self.table.counters["timed_out"], 1)

    def test_tokens_are_long_random_and_distinct(self):
        s = self.table.open("admin", "write", "a", "web", limit=5)
        t = self.table.open("admin", "write", "a", "web", limit=5)
        self.assertEqual(len(s.token), 64)
        self.assertNotEqual(s.token, t.token)
        self.assertNotEqual(s.csrf, s.token)
        self.assertIsNone(self.table.get("nope", 300))
        self.assertIsNone(self.table.get(None, 300))

    def test_roles(self):
        self.assertEqual(self.table.open("admin", "write", "a", "web").role(), "admin")
        self.assertEqual(self.table.open("ops", "read", "a", "web").role(), "read")

    def test_close_user_ends_only_theirs(self):
        a = self.table.open("ops", "read", "a", "web", limit=3)
        b = self.table.open("admin", "write", "a", "web", limit=3)
        self.table.close_user("ops", "password or access changed")
        self.assertIsNone(self.table.get(a.token, 300))
        self.assertIsNotNone(self.table.get(b.token, 300))


if __name__ == "__main__":
    unittest.main()
