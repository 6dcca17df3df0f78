"""The OID tree and the command responder: GET, GETNEXT, GETBULK and SET with tables."""

import asyncio
import unittest

from firmware.snmp import ber, mib
from firmware.snmp.agent import Agent
from firmware.snmp.mib import INTEGER, OCTETS, MibTree, SetError, Writer, int_check, text_check

ROOT = (1, 3, 6, 1, 4, 1, 99999)


def tree_with(state):
    """Two scalars, one of them writable, a table of lines and an absent scalar."""
    tree = MibTree()

    async def set_name(index, value):
        state["name"] = value

    tree.scalar(ROOT + (1,), OCTETS, lambda: state["name"], Writer(text_check(8), set_name))
    tree.scalar(ROOT + (2,), INTEGER, lambda: state.get("absent"))
    rows = lambda: [(i,) for i in range(1, state["lines"] + 1)]        # noqa: E731
    tree.column(ROOT + (3, 1, 1), INTEGER, rows, lambda index: index[0])
    tree.column(ROOT + (3, 1, 2), INTEGER, rows, lambda index: 230 + index[0])

    async def set_level(index, value):
        if value == 3:
            raise RuntimeError("the UPS refused it")
        state["level"] = value

    tree.scalar(ROOT + (4,), INTEGER, lambda: state["level"],
                Writer(int_check(1, 3), set_level))
    return tree


def run(coro):
    return asyncio.run(coro)


class Tree(unittest.TestCase):
    def setUp(self):
        self.state = {"name": "card", "lines": 3, "level": 1}
        self.tree = tree_with(self.state)

    def test_get(self):
        self.assertEqual(self.tree.get(ROOT + (1, 0)), (ber.OCTETS, b"card"))
        self.assertEqual(self.tree.get(ROOT + (3, 1, 2, 3)), (ber.INTEGER, 233))
        self.assertEqual(self.tree.get(ROOT + (1, 1))[0], ber.NO_SUCH_INSTANCE)
        self.assertEqual(self.tree.get(ROOT + (2, 0))[0], ber.NO_SUCH_INSTANCE)   # absent now
        self.assertEqual(self.tree.get(ROOT + (3, 1, 2, 4))[0], ber.NO_SUCH_INSTANCE)
        self.assertEqual(self.tree.get(ROOT + (3,))[0], ber.NO_SUCH_INSTANCE)     # a table
        self.assertEqual(self.tree.get(ROOT + (9, 0))[0], ber.NO_SUCH_OBJECT)

    def test_next_walks_in_order_and_skips_what_is_absent(self):
        walked, oid = [], (1, 3)
        while True:
            found = self.tree.next(oid)
            if found is None:
                break
            oid = found[0]
            walked.append(oid[len(ROOT):])
        self.assertEqual(walked, [(1, 0), (3, 1, 1, 1), (3, 1, 1, 2), (3, 1, 1, 3),
                                  (3, 1, 2, 1), (3, 1, 2, 2), (3, 1, 2, 3), (4, 0)])
        self.assertEqual(self.tree.next(ROOT + (3, 1, 1))[0], ROOT + (3, 1, 1, 1))
        self.assertEqual(self.tree.next(ROOT + (3, 1, 1, 3))[0], ROOT + (3, 1, 2, 1))

    def test_a_table_follows_the_snapshot(self):
        self.state["lines"] = 1
        self.assertEqual(self.tree.next(ROOT + (3, 1, 1, 1))[0], ROOT + (3, 1, 2, 1))

    def test_an_object_registered_twice_is_refused(self):
        with self.assertRaises(ValueError):
            self.tree.scalar(ROOT + (1,), INTEGER, lambda: 1)


class Responder(unittest.TestCase):
    def setUp(self):
        self.state = {"name": "card", "lines": 3, "level": 1}
        self.agent = Agent(tree_with(self.state))

    def test_v1_get_of_an_absent_instance_is_nosuchname(self):
        varbinds = [(ROOT + (1, 0), (ber.NULL, None)), (ROOT + (2, 0), (ber.NULL, None))]
        self.assertEqual(self.agent.read(ber.GET, ber.V1, varbinds), (2, 2, varbinds))
        status, index, out = self.agent.read(ber.GET, ber.V2C, varbinds)
        self.assertEqual((status, out[1][1][0]), (0, ber.NO_SUCH_INSTANCE))

    def test_next_at_the_end(self):
        last = [(ROOT + (4, 0), (ber.NULL, None))]
        self.assertEqual(self.agent.read(ber.NEXT, ber.V2C, last)[2][0][1],
                         (ber.END_OF_MIB, None))
        self.assertEqual(self.agent.read(ber.NEXT, ber.V1, last)[:2], (2, 1))

    def test_bulk_with_a_non_repeater_stops_at_the_end(self):
        varbinds = [(ROOT, (ber.NULL, None)), (ROOT + (3, 1, 2), (ber.NULL, None))]
        _s, _i, out = self.agent.read(ber.BULK, ber.V2C, varbinds, 1, 10)
        self.assertEqual(out[0][0], ROOT + (1, 0))
        self.assertEqual([oid[len(ROOT):] for oid, _ in out[1:]],
                         [(3, 1, 2, 1), (3, 1, 2, 2), (3, 1, 2, 3), (4, 0), (4, 0)])
        self.assertEqual(out[-1][1], (ber.END_OF_MIB, None))

    def test_bulk_is_bounded(self):
        varbinds = [(ROOT, (ber.NULL, None))] * 8
        _s, _i, out = self.agent.read(ber.BULK, ber.V2C, varbinds, 0, 10 ** 6)
        self.assertLessEqual(len(out), 256)

    def test_set_writes_with_write_access(self):
        varbinds = [(ROOT + (1, 0), (ber.OCTETS, b"room1"))]
        self.assertEqual(run(self.agent.write(ber.V2C, varbinds, "write", "t")),
                         (0, 0, varbinds))
        self.assertEqual(self.state["name"], "room1")

    def test_refused_sets_change_nothing(self):
        table = [
            ("read access", [(ROOT + (1, 0), (ber.OCTETS, b"x"))], "read", 6, 2),
            ("wrong type", [(ROOT + (1, 0), (ber.INTEGER, 1))], "write", 7, 3),
            ("too long", [(ROOT + (1, 0), (ber.OCTETS, b"x" * 9))], "write", 8, 3),
            ("not writable", [(ROOT + (3, 1, 1, 1), (ber.INTEGER, 1))], "write", 17, 2),
            ("no object", [(ROOT + (9, 0), (ber.INTEGER, 1))], "write", 17, 2),
            ("no instance", [(ROOT + (1, 1), (ber.OCTETS, b"x"))], "write", 11, 2),
            ("wrong value", [(ROOT + (4, 0), (ber.INTEGER, 9))], "write", 10, 3),
            ("second refused", [(ROOT + (1, 0), (ber.OCTETS, b"half")),
                                (ROOT + (4, 0), (ber.INTEGER, 0))], "write", 10, 3),
        ]
        for name, varbinds, access, v2_status, v1_status in table:
            with self.subTest(name):
                status, index, _ = run(self.agent.write(ber.V2C, varbinds, access, "t"))
                self.assertEqual(status, v2_status)
                self.assertEqual(index, len(varbinds))
                self.assertEqual(run(self.agent.write(ber.V1, varbinds, access, "t"))[0],
                                 v1_status)
                self.assertEqual(self.state, {"name": "card", "lines": 3, "level": 1})

    def test_a_failed_apply_is_commitfailed(self):
        status, index, _ = run(self.agent.write(ber.V2C, [(ROOT + (4, 0), (ber.INTEGER, 3))],
                                                "write", "t"))
        self.assertEqual((status, index), (mib.COMMIT_FAILED, 1))

    def test_a_group_check_sees_every_varbind(self):
        seen = []

        def group(planned):
            seen.append(len(planned))
            raise SetError(mib.INCONSISTENT_VALUE, "not together")
        check = text_check(8)
        check.group = group
        self.agent.tree.find(ROOT + (1, 0))[0].writer.check = check
        varbinds = [(ROOT + (1, 0), (ber.OCTETS, b"a")), (ROOT + (4, 0), (ber.INTEGER, 2))]
        status, index, _ = run(self.agent.write(ber.V2C, varbinds, "write", "t"))
        self.assertEqual((status, index, seen), (mib.INCONSISTENT_VALUE, 1, [2]))
        self.assertEqual(self.state["name"], "card")


if __name__ == "__main__":
    unittest.main()
