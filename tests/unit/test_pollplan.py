"""Tests for firmware/ups/pollplan.py: wire cost model, merging, splitting, reading."""

import unittest

from firmware.ups import pollplan
from firmware.modbus.pdu import ModbusException
from firmware.modbus import rtu
from firmware.ups.pollplan import PollPlan, Read, merge_blocks, read_all, read_cost_us

PORTABLE = True

# Blocks shaped like the JBUSP map (28-word gaps) and the VU-MAP map (contiguous).
JBUSP_LIKE = (("ident", 0x1000, 12, "ident"), ("status", 0x1020, 4, "cycle"),
              ("alarm", 0x1040, 4, "cycle"), ("measure", 0x1060, 48, "cycle"),
              ("config", 0x10E0, 16, "ident"), ("clock", 0x1360, 4, "clock"))
VUMAP_LIKE = (("config", 0x0001, 15, "ident"), ("serial", 0x0010, 10, "ident"),
              ("reference", 0x001A, 10, "ident"), ("status", 0x0030, 8, "cycle"),
              ("alarm", 0x0038, 8, "cycle"), ("measure", 0x0040, 80, "cycle"))


def spans(reads):
    return [(r.slave, r.start, r.count) for r in reads]


class CostModel(unittest.TestCase):
    def assertClose(self, a, b):
        self.assertTrue(abs(a - b) < 1e-3, "%r != %r" % (a, b))

    # (baud, parity, T3.5 in us): 3.5 chars below 19200, a fixed 1750 us above.
    SILENCES = ((9600, "N", 3.5 * 10 * 1e6 / 9600), (2400, "E", 3.5 * 11 * 1e6 / 2400),
                (19200, "N", 3.5 * 10 * 1e6 / 19200), (57600, "N", 1750.0))

    def test_silence(self):
        for baud, parity, expected in self.SILENCES:
            self.assertClose(rtu.t35_us(baud, parity), expected)

    def test_read_chars_is_request_plus_response(self):
        # 01 03 10 20 00 04 crc crc = 8; 01 03 08 + 4 words + crc = 13.
        self.assertEqual(pollplan.read_chars(4), 8 + 13)
        self.assertEqual(pollplan.read_chars(125), 8 + 255)

    def test_read_cost(self):
        # 21 chars of 10 bits at 9600 + two T3.5 + 5 ms turnaround.
        expected = 21 * 10 * 1e6 / 9600 + 2 * 3.5 * 10 * 1e6 / 9600 + 5000
        self.assertClose(read_cost_us(4, 9600), expected)

    def test_wire_bound_excludes_turnaround(self):
        reads = [Read(1, 0, 4, (("a", 0, 4),)), Read(1, 100, 10, (("b", 100, 10),))]
        expected = (21 + 33) * 10 * 1e6 / 57600 + 4 * 1750.0
        self.assertClose(pollplan.wire_bound_us(reads, 57600), expected)


class Merging(unittest.TestCase):
    def test_gap_threshold_follows_the_cost_model(self):
        # Merge iff the gap's words cost less than a second request:
        # 2*gap*char < 13*char + 2*T3.5 + turnaround. At 9600: gap <= 12; at 57600: gap <= 30.
        for baud, largest_merged_gap in ((9600, 12), (57600, 30), (2400, 10)):
            for gap in (largest_merged_gap, largest_merged_gap + 1):
                groups = merge_blocks((("a", 0, 4), ("b", 4 + gap, 4)), baud)
                self.assertEqual(len(groups) == 1, gap == largest_merged_gap, (baud, gap, groups))

    def test_contiguous_blocks_become_one_read(self):
        groups = merge_blocks([(n, s, c) for n, s, c, w in VUMAP_LIKE if w == "cycle"], 9600)
        self.assertEqual(groups, [(0x30, 96, [("status", 0x30, 8), ("alarm", 0x38, 8),
                                              ("measure", 0x40, 80)])])

    def test_never_more_than_125_words(self):
        groups = merge_blocks((("a", 0, 100), ("b", 100, 50)), 57600)
        self.assertEqual([(s, c) for s, c, p in groups], [(0, 100), (100, 50)])

    def test_unsorted_and_overlapping_blocks(self):
        groups = merge_blocks((("b", 10, 5), ("a", 0, 12)), 9600)
        self.assertEqual([(s, c) for s, c, p in groups], [(0, 15)])
        self.assertEqual([p[0] for p in groups[0][2]], ["a", "b"])

    def test_jbusp_cycle_depends_on_baud(self):
        plan9600 = PollPlan(JBUSP_LIKE, ((0, 0, 1),), 9600)
        self.assertEqual(spans(plan9600.reads()), [(1, 0x1020, 4), (1, 0x1040, 4), (1, 0x1060, 48)])
        plan57600 = PollPlan(JBUSP_LIKE, ((0, 0, 1),), 57600)
        self.assertEqual(spans(plan57600.reads()), [(1, 0x1020, 0x1090 - 0x1020)])
        self.assertTrue(plan57600.wire_bytes() < 3 * 13 + 2 * 56 + 200)

    def test_ident_reads_carry_cycle_blocks_but_not_the_clock(self):
        plan = PollPlan(JBUSP_LIKE, ((0, 0, 1),), 9600)
        names = [n for r in plan.reads("ident") for n in r.names()]
        self.assertEqual(sorted(names), ["alarm", "config", "ident", "measure", "status"])

    def test_units_and_modules_at_their_slaves(self):
        nodes = ((0, 0, 1), (1, 0, 2), (2, 0, 3), (1, 1, 18))
        plan = PollPlan(VUMAP_LIKE, nodes, 57600)
        reads = plan.reads()
        self.assertEqual(spans(reads),
                         [(1, 0x30, 96), (2, 0x30, 96), (3, 0x30, 96), (18, 0x30, 96)])
        self.assertEqual([r.node for r in reads], [(0, 0), (1, 0), (2, 0), (1, 1)])


class Splitting(unittest.TestCase):
    def test_refused_merge_is_cut_at_its_middle_boundary(self):
        plan = PollPlan(JBUSP_LIKE, ((0, 0, 1),), 57600)
        merged = plan.reads()[0]
        instead = plan.split(merged)
        self.assertEqual(spans(instead), [(1, 0x1020, 4), (1, 0x1040, 0x50)])
        # The next plan does not form the refused range again, and still covers every block.
        again = spans(plan.reads())
        self.assertNotIn((1, 0x1020, 0x70), again)
        covered = set()
        for _s, start, count in again:
            covered.update(range(start, start + count))
        wanted = list(range(0x1020, 0x1024)) + list(range(0x1040, 0x1044))
        for a in wanted + list(range(0x1060, 0x1090)):
            self.assertIn(a, covered)
        self.assertEqual(plan.status()["splits"], 1)

    def test_boundaries_kept_apart(self):
        plan = PollPlan(VUMAP_LIKE, ((0, 0, 1),), 57600)
        plan.keep_apart(1, 0x38, 0x38)
        self.assertEqual(spans(plan.reads()), [(1, 0x30, 8), (1, 0x38, 88)])

    def test_single_block_is_halved_down_to_unmapped_words(self):
        plan = PollPlan((("measure", 0x40, 4, "cycle"),), ((0, 0, 1),), 9600)
        halves = plan.split(plan.reads()[0])
        self.assertEqual(spans(halves), [(1, 0x40, 2), (1, 0x42, 2)])
        quarters = plan.split(halves[1])
        self.assertEqual(spans(quarters), [(1, 0x42, 1), (1, 0x43, 1)])
        self.assertEqual(plan.split(quarters[1]), [])
        # 0x43 is unmapped for good; the rest is read in one request again.
        self.assertEqual(spans(plan.reads()), [(1, 0x40, 3)])
        self.assertEqual(plan.status()["unmapped"], 1)

    def test_split_of_one_slave_leaves_the_others(self):
        plan = PollPlan(VUMAP_LIKE, ((0, 0, 1), (1, 0, 2)), 57600)
        plan.split(plan.reads()[0])
        self.assertEqual(spans(plan.reads())[-1], (2, 0x30, 96))
        self.assertNotIn((1, 0x30, 96), spans(plan.reads()))


class FakeDevice:
    """A device that maps only some words and refuses (exception 2) any read touching others."""

    def __init__(self, mapped):
        self.mapped = set(mapped)
        self.requests = []

    async def read(self, slave, start, count):
        self.requests.append((start, count))
        if any(a not in self.mapped for a in range(start, start + count)):
            raise ModbusException(2)
        return [a & 0xFF for a in range(start, start + count)]


def run(coro):
    """Drive a coroutine that never waits on I/O (the fake device answers at once), with no
    event loop, so the same test runs on CPython and MicroPython."""
    try:
        while True:
            coro.send(None)
    except StopIteration as stop:
        return stop.value


class ReadAll(unittest.TestCase):
    # VU-MAP-like: a 6-word clock at 0x28 and a 2-word hole before the status block at 0x30.
    BLOCKS = (("clock", 0x28, 6, "cycle"), ("status", 0x30, 8, "cycle"),
              ("alarm", 0x38, 8, "cycle"), ("measure", 0x40, 80, "cycle"))
    MAPPED = list(range(0x28, 0x2E)) + list(range(0x30, 0x90))

    def test_learns_the_hole_in_one_cycle_and_reads_everything(self):
        plan = PollPlan(self.BLOCKS, ((0, 0, 1),), 57600)
        dev = FakeDevice(self.MAPPED)
        images = run(read_all(dev, plan))
        self.assertEqual(sorted(images[(0, 0)]), self.MAPPED)
        self.assertEqual(images[(0, 0)][0x41], 0x41)
        # From the second cycle on: two reads, nothing refused, status+alarm+measure still merged.
        dev.requests = []
        run(read_all(dev, plan))
        self.assertEqual(dev.requests, [(0x28, 6), (0x30, 96)])

    def test_unmapped_word_reads_as_not_managed(self):
        plan = PollPlan((("measure", 0x40, 8, "cycle"),), ((0, 0, 1),), 9600)
        dev = FakeDevice([a for a in range(0x40, 0x48) if a != 0x45])
        images = run(read_all(dev, plan))
        self.assertEqual(images[(0, 0)][0x45], 0xFFFF)
        self.assertEqual(images[(0, 0)][0x44], 0x44)
        dev.requests = []
        run(read_all(dev, plan))
        self.assertEqual(sorted(dev.requests), [(0x40, 5), (0x46, 2)])

    def test_other_exceptions_fail_the_cycle(self):
        class Busy(FakeDevice):
            async def read(self, slave, start, count):
                raise ModbusException(6)
        with self.assertRaises(ModbusException):
            run(read_all(Busy(()), PollPlan(self.BLOCKS, ((0, 0, 1),), 9600)))


if __name__ == "__main__":
    unittest.main()
