"""The NET VISION 7 upsControl schedule tables over a real configuration: rows, days, SETs."""

import asyncio
import types
import unittest

from firmware.card import features
from firmware.settings.config import Config
from firmware.snmp import ber, mib, nv7_schedules as ns
from firmware.snmp.agent import Agent

W, S, E = ns.Weekly.entry, ns.Special.entry, ns.Eco.entry


class State:
    stale = False
    alarms = statuses = ()

    def __init__(self, device):
        self.device = device

    def get(self, name):
        return None


class Tables(unittest.TestCase):
    def setUp(self):
        self.config = Config(features.schema())
        self.config.update({"shutdown.weekly": ["fri 22:00 07:00"],
                            "shutdown.special_days": ["2026-12-24 18:00 2026-12-27 07:00"],
                            "schedules.eco.periods": ["sat 08:00 20:00"]})
        self.card = types.SimpleNamespace(config=self.config, state=State({"mapping": "jbusp"}))

        async def set_settings(changes):
            self.config.update(changes, via="snmp", user="test")

        self.tree = mib.MibTree()
        ns.build(self.tree, types.SimpleNamespace(card=self.card, set_settings=set_settings))
        self.agent = Agent(self.tree)

    def row(self, entry, n):
        return [self.tree.get(entry + (c, n))[1] for c in range(2, 6)]

    def set(self, *varbinds):
        return asyncio.run(self.agent.write(ber.V2C, list(varbinds), "write", "test"))[0]

    def test_days_follow_the_mib_numbering(self):
        self.assertEqual([ns.nv_day(d) for d in ("sun", "mon", "sat")], [1, 2, 7])
        self.assertEqual([ns.card_day(n) for n in (1, 2, 7)], ["sun", "mon", "sat"])

    def test_rows_read_the_settings(self):
        self.assertEqual(self.row(W, 1), [6, b"22:00", 7, b"07:00"])
        self.assertEqual(self.row(W, 2), [8, b"", 8, b""])
        self.assertEqual(self.row(S, 1), [b"24/12/2026", b"18:00", b"27/12/2026", b"07:00"])
        self.assertEqual(self.row(E, 1), [7, b"08:00", 7, b"20:00"])
        self.assertEqual(self.tree.get(W + (1, 15))[0], ber.NO_SUCH_INSTANCE)

    def test_eco_days_read_not_managed_without_the_eco_function(self):
        self.card.state.device = {"mapping": "vumap", "functions": ()}
        self.assertEqual(self.row(E, 1), [-1, b"08:00", -1, b"20:00"])

    def test_a_row_is_written_in_one_set_and_removed_with_none(self):
        self.assertEqual(self.set((W + (2, 2), (ber.INTEGER, 2)),
                                  (W + (3, 2), (ber.OCTETS, b"23:00")),
                                  (W + (5, 2), (ber.OCTETS, b"06:00"))), 0)
        self.assertEqual(self.config.get("shutdown.weekly"),
                         ["fri 22:00 07:00", "mon 23:00 06:00"])
        self.assertEqual(self.set((W + (2, 1), (ber.INTEGER, 8))), 0)
        self.assertEqual(self.config.get("shutdown.weekly"), ["mon 23:00 06:00"])
        self.assertEqual(self.set((E + (4, 1), (ber.INTEGER, 1))), 0)
        self.assertEqual(self.config.get("schedules.eco.periods"), ["sat 08:00 sun 20:00"])

    def test_bad_values_change_nothing(self):
        before = self.config.as_dict()
        for varbinds, status in (
                ([(W + (2, 1), (ber.INTEGER, 9))], mib.WRONG_VALUE),
                ([(W + (3, 1), (ber.INTEGER, 9))], mib.WRONG_TYPE),
                ([(W + (3, 2), (ber.OCTETS, b"23:00"))], mib.WRONG_VALUE),     # no day
                ([(W + (4, 1), (ber.INTEGER, 6))], mib.WRONG_VALUE),
                ([(S + (4, 1), (ber.OCTETS, b"23/12/2026"))], mib.WRONG_VALUE),
                ([(W + (1, 1), (ber.INTEGER, 1))], mib.NOT_WRITABLE)):
            self.assertEqual(self.set(*varbinds), status, varbinds)
        self.assertEqual(self.config.as_dict(), before)
