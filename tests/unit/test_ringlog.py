"""Unit tests for firmware/logs/ringlog.py: slots, head finding, torn slots, wrap, schema change."""

import struct
import unittest

try:
    import os
except ImportError:  # pragma: no cover - MicroPython
    import uos as os  # type: ignore

from firmware.logs import ringlog
from firmware.logs.ringlog import RingLog
from tmpdirs import make_dir, remove_dir

PORTABLE = True

FMT = "<hhB"
FIELDS = ("a", "b", "c")


class RingLogTest(unittest.TestCase):
    def setUp(self):
        self.dir = make_dir("ringlog")
        self.path = self.dir + "/log.bin"
        self.logs = []

    def tearDown(self):
        for log in self.logs:
            log.close()
        remove_dir(self.dir)

    def open(self, nslots=8, fmt=FMT, fields=FIELDS, sync=True):
        log = RingLog(self.path, fmt, fields, nslots=nslots, sync=sync)
        self.logs.append(log)
        return log

    def slot_offset(self, log, seq):
        return ringlog.HEADER_SIZE + ((seq - 1) % log.nslots) * log.slot_size

    def patch(self, offset, data):
        with open(self.path, "r+b") as f:
            f.seek(offset)
            f.write(data)

    def test_slot_bytes_match_the_documented_layout(self):
        log = self.open()
        log.append((-2, 300, 7), t=1700000000.25)
        log.close()
        with open(self.path, "rb") as f:
            raw = f.read()
        self.assertEqual(raw[:4], b"ONRL")
        self.assertEqual(log.slot_size, 10 + 5 + 4)
        self.assertEqual(len(raw), ringlog.HEADER_SIZE + 8 * log.slot_size)
        slot = raw[32:32 + log.slot_size]
        # seq 1, 1700000000 s, 250 ms, -2, 300, 7, then the CRC of everything before it.
        self.assertEqual(slot[:15], bytes.fromhex("01000000" "00f15365" "fa00" "feff" "2c01" "07"))
        self.assertEqual(struct.unpack("<I", slot[15:])[0], ringlog._crc(slot[:15]))

    def test_new_log_is_created_and_reopened_as_is(self):
        log = self.open()
        self.assertEqual(log.created, ringlog.NEW)
        self.assertEqual(len(log), 0)
        log.append((1, 2, 3), t=100)
        log.close()
        again = self.open()
        self.assertIsNone(again.created)
        self.assertEqual(list(again.records()), [(1, 100, (1, 2, 3))])

    def test_head_found_after_reopen_and_wrap(self):
        log = self.open(nslots=5)
        for i in range(1, 13):
            self.assertEqual(log.append((i, -i, i % 256), t=1000 + i), i)
        log.close()
        again = self.open(nslots=5)
        self.assertEqual((again.head, again.tail, len(again)), (12, 8, 5))
        self.assertEqual([r[0] for r in again.records()], [12, 11, 10, 9, 8])
        self.assertEqual([r[2][0] for r in again.records(newest_first=False)], [8, 9, 10, 11, 12])
        self.assertEqual(again.append((13, 0, 0), t=2000), 13)
        self.assertEqual([r[0] for r in again.records(newest_first=False)], [9, 10, 11, 12, 13])

    def test_torn_slot_is_ignored_and_rewritten_with_the_same_sequence(self):
        log = self.open(nslots=6)
        for i in range(1, 9):
            log.append((i, 0, 0), t=i)
        log.close()
        # Seq 8 was cut half-way (slot index 1): its CRC no longer matches.
        off = self.slot_offset(log, 8)
        self.patch(off + 11, b"\x55\x55\x55")
        again = self.open(nslots=6)
        self.assertEqual(again.head, 7)
        self.assertEqual([r[0] for r in again.records(newest_first=False)], [3, 4, 5, 6, 7])
        self.assertEqual(again.append((99, 0, 0), t=50), 8)
        self.assertEqual(again.read(8), (8, 50, (99, 0, 0)))

    def test_torn_overwrite_of_the_oldest_loses_only_that_record(self):
        log = self.open(nslots=4)
        for i in range(1, 5):
            log.append((i, 0, 0), t=i)
        log.close()
        # The append of seq 5 (over seq 1) wrote only its first bytes before the cut.
        self.patch(self.slot_offset(log, 5), struct.pack("<I", 5) + b"\x00\x01")
        again = self.open(nslots=4)
        self.assertEqual((again.head, again.tail, len(again)), (4, 2, 3))
        self.assertEqual([r[0] for r in again.records()], [4, 3, 2])

    def test_slot_at_the_wrong_index_is_ignored(self):
        log = self.open(nslots=4)
        log.append((1, 1, 1), t=1)
        log.append((2, 2, 2), t=2)
        log.close()
        with open(self.path, "rb") as f:
            f.seek(self.slot_offset(log, 2))
            slot2 = f.read(log.slot_size)
        self.patch(self.slot_offset(log, 3), slot2)  # a valid slot copied to the wrong place
        again = self.open(nslots=4)
        self.assertEqual(again.head, 2)
        self.assertEqual(len(again), 2)

    def test_schema_change_recreates_and_says_so(self):
        log = self.open()
        log.append((1, 2, 3))
        log.close()
        other = self.open(fmt="<hhB", fields=("a", "b", "renamed"))
        self.assertEqual(other.created, ringlog.SCHEMA_CHANGED)
        self.assertEqual(len(other), 0)
        other.close()
        wider = self.open(fmt="<hhH", fields=("a", "b", "renamed"))
        self.assertEqual(wider.created, ringlog.SCHEMA_CHANGED)

    def test_size_change_and_corrupt_header_recreate(self):
        log = self.open(nslots=8)
        log.append((1, 2, 3))
        log.close()
        resized = self.open(nslots=16)
        self.assertEqual(resized.created, ringlog.SIZE_CHANGED)
        resized.close()
        self.patch(6, b"\x00")
        broken = self.open(nslots=16)
        self.assertEqual(broken.created, ringlog.CORRUPT)
        self.assertEqual(len(broken), 0)

    def test_time_window_limit_and_count(self):
        log = self.open(nslots=10)
        for i in range(10):
            log.append((i, 0, 0), t=1000 + 10 * i)
        self.assertEqual([r[2][0] for r in log.records(start=1020, end=1050)], [5, 4, 3, 2])
        self.assertEqual(log.count(start=1020, end=1050), 4)
        self.assertEqual(log.count(), 10)
        self.assertEqual([r[2][0] for r in log.records(limit=3)], [9, 8, 7])
        self.assertEqual([r[2][0] for r in log.records(False, start=1075)], [8, 9])

    def test_bad_record_writes_nothing(self):
        log = self.open()
        log.append((1, 1, 1), t=1)
        with self.assertRaises(Exception):
            log.append((1, 1), t=2)           # wrong number of fields
        with self.assertRaises(Exception):
            log.append(("x", 1, 1), t=2)      # wrong type
        self.assertEqual(log.head, 1)
        log.close()
        self.assertEqual([r[0] for r in self.open().records()], [1])

    def test_clear_empties_and_sequence_restarts(self):
        log = self.open()
        for i in range(5):
            log.append((i, 0, 0))
        log.clear()
        self.assertEqual(len(log), 0)
        self.assertEqual(log.append((7, 0, 0), t=3), 1)
        log.close()
        again = self.open()
        self.assertIsNone(again.created)
        self.assertEqual(list(again.records()), [(1, 3, (7, 0, 0))])

    def test_append_does_not_grow_or_rewrite_the_file(self):
        log = self.open(nslots=4)
        size = os.stat(self.path)[6]
        with open(self.path, "rb") as f:
            before = f.read()
        log.append((1, 2, 3), t=5)
        self.assertEqual(os.stat(self.path)[6], size)
        with open(self.path, "rb") as f:
            after = f.read()
        changed = [i for i in range(size) if before[i] != after[i]]
        off = self.slot_offset(log, 1)
        self.assertTrue(changed and min(changed) >= off and max(changed) < off + log.slot_size)


if __name__ == "__main__":
    unittest.main()
