"""The fast lane: which reads it makes (the system's status and alarm blocks, after any split the
device forced), and what it does with them (commit new bits at once, nothing when unchanged)."""

import unittest

from firmware.modbus.pdu import ModbusException
from firmware.ups import fastlane
from firmware.ups.maps import jbusp, vumap
from firmware.ups.pollplan import PollPlan

PORTABLE = True


def spans(reads):
    return [(r.slave, r.start, r.count) for r in reads]


class Reads(unittest.TestCase):
    def test_jbusp_status_and_alarm_words_only_of_the_system(self):
        plan = PollPlan(jbusp.BLOCKS, ((0, 0, 1), (1, 0, 2)), 9600)
        self.assertEqual(spans(plan.fast_reads()), [(1, 0x1020, 4), (1, 0x1040, 4)])

    def test_vumap_status_and_alarm_are_one_read(self):
        plan = PollPlan(vumap.BLOCKS, ((0, 0, 1),), 9600)
        self.assertEqual(spans(plan.fast_reads()), [(1, 0x0030, 16)])

    def test_a_split_the_device_forced_applies_to_the_fast_lane(self):
        plan = PollPlan(vumap.BLOCKS, ((0, 0, 1),), 9600)
        plan.split(plan.fast_reads()[0])
        self.assertEqual(spans(plan.fast_reads()), [(1, 0x0030, 8), (1, 0x0038, 8)])


class FakeMaster:
    def __init__(self, words, fail=False):
        self.words = words
        self.fail = fail
        self.reads = 0

    async def read(self, slave, start, count):
        self.reads += 1
        if self.fail:
            raise ModbusException(4)
        return [self.words.get(start + i, 0) for i in range(count)]


class FakePoller:
    def __init__(self, image, words, fail=False):
        self.images = {(0, 0): dict(image)}
        self.master = FakeMaster(words, fail)
        self.counters = {"fast_reads": 0, "fast_wakeups": 0}
        self._lock = FreeLock()
        self.committed = []

    def _commit(self, images):
        self.committed.append(images[(0, 0)])


class FreeLock:
    """The poller's lock, never contended here."""

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False


def run(coro):
    """Drive a coroutine that never waits (the fake master answers at once) with no event loop,
    so the same test runs on CPython and MicroPython."""
    try:
        while True:
            coro.send(None)
    except StopIteration as stop:
        return stop.value


class Changed(unittest.TestCase):
    READS = PollPlan(jbusp.BLOCKS, ((0, 0, 1),), 9600).fast_reads()
    IMAGE = {0x1020: 0x0008, 0x1021: 0, 0x1022: 0, 0x1023: 0, 0x1040: 0, 0x1041: 0,
             0x1042: 0, 0x1043: 0, 0x1060: 35}

    def test_unchanged_bits_commit_nothing(self):
        p = FakePoller(self.IMAGE, {0x1020: 0x0008})
        self.assertFalse(run(fastlane.changed(p, self.READS)))
        self.assertEqual((p.committed, p.counters["fast_reads"]), ([], 2))

    def test_a_changed_bit_is_committed_with_the_last_measurements(self):
        p = FakePoller(self.IMAGE, {0x1020: 0x0028, 0x1040: 0x0020})    # S05 on battery, A05
        self.assertTrue(run(fastlane.changed(p, self.READS)))
        committed = p.committed[0]
        self.assertEqual((committed[0x1020], committed[0x1040], committed[0x1060]),
                         (0x0028, 0x0020, 35))
        self.assertEqual(p.images[(0, 0)], committed)

    def test_a_failed_read_changes_nothing(self):
        p = FakePoller(self.IMAGE, {}, fail=True)
        self.assertFalse(run(fastlane.changed(p, self.READS)))
        self.assertEqual(p.committed, [])


if __name__ == "__main__":
    unittest.main()
