"""One-shot console commands (`ssh admin@card status`): words, answers and exit codes, on a card."""

import json
import unittest

from consolecard import make_card
from firmware.admin.args import Caller
from firmware.console import commands

PORTABLE = True

# (command line, words): what OpenSSH sends after the local shell removed its own quotes.
WORDS = (
    ("status", ["status"]),
    ("  config   get  poll.rate ", ["config", "get", "poll.rate"]),
    ('config set "system.name=Room 12"', ["config", "set", "system.name=Room 12"]),
    ("config set 'system.name=Room \"12\"'", ["config", "set", 'system.name=Room "12"']),
    ("config set system.name=Room\\ 12", ["config", "set", "system.name=Room 12"]),
    ("config set system.contact=''", ["config", "set", "system.contact="]),
    ("a '' b", ["a", "", "b"]),
    ("", []),
)


class CommandsTest(unittest.IsolatedAsyncioTestCase):
    def test_words(self):
        for line, words in WORDS:
            self.assertEqual(commands.split_words(line), words, line)
        for bad in ("config set 'x", 'a "b', "a\\"):
            with self.assertRaises(ValueError):
                commands.split_words(bad)

    async def run_as(self, card, line, user="admin", role="admin", due=False):
        return await commands.run(line, card.feature("console").ops, Caller(user, "ssh"),
                                  role, must_change=due)

    async def test_status_and_config_answer_the_card_operations(self):
        card = make_card()
        code, out, err = await self.run_as(card, "status")
        self.assertEqual((code, err), (0, ""))
        status = json.loads(out)
        self.assertEqual(sorted(status), sorted(card.status()))
        code, out, err = await self.run_as(card, "config get system.name poll.rate")
        self.assertEqual((code, json.loads(out), err),
                         (0, {"system.name": "opennmc", "poll.rate": 2}, ""))
        code, out, _err = await self.run_as(card, "config get auth.admin_password")
        self.assertEqual(json.loads(out), {"auth.admin_password": "********"})

    async def test_changes_are_checked_and_only_for_writers(self):
        card = make_card()
        code, out, err = await self.run_as(card, 'config set "system.name=Room 12" poll.rate=5')
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(json.loads(out)["changed"], ["poll.rate", "system.name"])
        self.assertIn("System Name has been changed via ssh by admin",
                      [e["text"] for e in card.bus.recent])
        code, out, err = await self.run_as(card, "config set poll.rate=-1 no.such=1")
        self.assertEqual((code, out), (2, ""))
        self.assertIn("poll.rate: must be between 0 and 3600", err)
        self.assertIn("no.such: unknown setting", err)
        self.assertEqual(card.config.get("poll.rate"), 5)
        code, out, err = await self.run_as(card, "config set poll.rate=9", "viewer", "read")
        self.assertEqual((code, out), (1, ""))
        self.assertIn("read-only account", err)
        self.assertEqual(card.config.get("poll.rate"), 5)
        code, out, _err = await self.run_as(card, "config get poll.rate", "viewer", "read")
        self.assertEqual((code, json.loads(out)), (0, {"poll.rate": 5}))
        code, out, err = await self.run_as(card, "config set poll.rate=9", "operator", "write")
        self.assertEqual((code, card.config.get("poll.rate")), (0, 9))
        code, out, err = await self.run_as(card, "config set auth.max_sessions=2", "operator",
                                           "write")
        self.assertEqual((code, out), (1, ""))
        self.assertIn("only the admin account changes accounts", err)

    async def test_usage_help_and_a_password_due(self):
        card = make_card()
        for line in ("reboot", "config", "config set", "config get no.such"):
            code, out, err = await self.run_as(card, line)
            self.assertEqual((code, out), (2, ""), line)
            self.assertTrue(err.startswith("opennmc: "), err)
        code, out, _err = await self.run_as(card, "help")
        self.assertEqual(code, 0)
        self.assertIn("config get [KEY ...]", out)
        code, out, err = await self.run_as(card, "x" * 5000)
        self.assertEqual(code, 2)
        code, out, err = await self.run_as(card, "status", due=True)
        self.assertEqual((code, out), (1, ""))
        self.assertIn("a new password must be set first", err)


if __name__ == "__main__":
    unittest.main()
