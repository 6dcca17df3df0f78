"""The login guard: counting, slowing down and locking out password guesses of every interface."""

import unittest

try:
    import asyncio
except ImportError:  # pragma: no cover
    import uasyncio as asyncio  # type: ignore

from firmware.accounts import guard as guard_mod
from firmware.accounts import passwords
from firmware.accounts.guard import LoginGuard
from firmware.platform import compat
from firmware.state.bus import EventBus

PORTABLE = True
SECRET = passwords.hash_password("Right-Pw-1", iterations=passwords.ITERATIONS_RANGE[0])


class Account:
    def __init__(self, refusal=None):
        self.secret = SECRET
        self.refusal = refusal


class Ticks:
    """A tick counter the test moves by hand."""

    def __init__(self):
        self.now = 1000

    def __call__(self):
        return self.now


class GuardTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.bus = EventBus()
        self.ticks = Ticks()
        self.guard = LoginGuard(self.bus, fail_delay_s=0, lock_s=300, ticks=self.ticks)
        self.accounts = {"admin": Account(), "ops": Account()}

    async def login(self, name, password, address="192.0.2.1"):
        return await self.guard.login(name, password, address, "nut", self.accounts.get)

    def codes(self):
        return [e["code"] for e in self.bus.recent]

    async def test_good_and_bad_logins(self):
        account, why = await self.login("admin", "Right-Pw-1")
        self.assertIs(account, self.accounts["admin"])
        self.assertIsNone(why)
        self.assertEqual(await self.login("admin", "wrong"),
                         (None, "wrong user name or password"))
        self.assertEqual(await self.login("nobody", "Right-Pw-1"),
                         (None, "wrong user name or password"))
        self.assertEqual(self.codes(), ["login.failed", "login.failed"])
        self.assertEqual(self.bus.recent[0]["text"],
                         "Login failed for admin from 192.0.2.1 via nut")
        self.assertEqual(self.guard.status()["failures"], 2)

    async def test_repeated_failures_lock_the_account_until_the_time_is_up(self):
        for _ in range(guard_mod.MAX_FAILURES):
            await self.login("admin", "guess", address="192.0.2.%d" % len(self.bus.recent))
        self.assertIn("account.locked", self.codes())
        locked = [e for e in self.bus.recent if e["code"] == "account.locked"][0]
        self.assertEqual(locked["text"], "Admin or User account locked: admin for 5 min")
        # Locked: even the right password is refused, and not even checked.
        account, why = await self.login("admin", "Right-Pw-1", address="198.51.100.9")
        self.assertIsNone(account)
        self.assertIn("account admin locked for 300 s", why)
        self.assertEqual(self.guard.status()["locked_accounts"], ["admin"])
        self.assertEqual((await self.login("ops", "Right-Pw-1"))[1], None)   # other accounts go on
        self.ticks.now += 301 * 1000
        self.assertIs((await self.login("admin", "Right-Pw-1"))[0], self.accounts["admin"])
        self.assertEqual(self.guard.status()["locked_accounts"], [])

    async def test_an_address_guessing_many_names_is_blocked(self):
        for i in range(guard_mod.MAX_FAILURES_ADDRESS):
            await self.login("user%d" % i, "guess", address="203.0.113.5")
        self.assertIn("address.blocked", self.codes())
        account, why = await self.login("ops", "Right-Pw-1", address="203.0.113.5")
        self.assertIsNone(account)
        self.assertIn("address 203.0.113.5 locked", why)
        self.assertIs((await self.login("ops", "Right-Pw-1", address="203.0.113.6"))[0],
                      self.accounts["ops"])

    async def test_failures_far_apart_do_not_block_an_address(self):
        for i in range(guard_mod.MAX_FAILURES_ADDRESS):
            await self.login("user%d" % i, "guess", address="203.0.113.7")
            self.ticks.now += (guard_mod.WINDOW_S // 3) * 1000
        self.assertNotIn("address.blocked", self.codes())

    async def test_a_refused_account_is_refused_only_with_the_right_password(self):
        self.accounts["admin"] = Account(refusal="the first-access password must be changed")
        self.assertEqual(await self.login("admin", "Right-Pw-1"),
                         (None, "the first-access password must be changed"))
        self.assertEqual(self.codes(), ["login.refused"])
        self.assertEqual((await self.login("admin", "wrong"))[1], "wrong user name or password")
        self.assertEqual(self.codes(), ["login.refused", "login.failed"])

    async def test_memory_is_bounded(self):
        # The accounting alone (no password check each time, which would be slow here).
        for i in range(guard_mod.MAX_TRACKED + 50):
            self.guard._failed("name%d" % i, "10.0.%d.%d" % (i // 250, i % 250), "nut",
                               self.ticks())
            self.ticks.now += guard_mod.WINDOW_S * 1000
        self.assertLessEqual(len(self.guard._names), guard_mod.MAX_TRACKED)
        self.assertLessEqual(len(self.guard._addresses), guard_mod.MAX_TRACKED)

    async def test_failures_wait_before_answering(self):
        slow = LoginGuard(self.bus, fail_delay_s=0.2, ticks=self.ticks)
        start = compat.ticks_ms()
        await slow.login("admin", "wrong", "192.0.2.1", "nut", self.accounts.get)
        self.assertGreaterEqual(compat.ticks_diff(compat.ticks_ms(), start), 190)


if __name__ == "__main__":
    unittest.main()
