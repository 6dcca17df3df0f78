"""Crash-safe ring log: a header and N fixed-size slots, one slot written in place per append.

File layout (little-endian):

    header, HEADER_SIZE (32) bytes:
      +0  magic     4s   b"ONRL"
      +4  version   H    1
      +6  slot_size H    bytes per slot, header of the slot and CRC included
      +8  nslots    I    number of slots (log.records)
      +12 schema    I    crc32 of "format|field,field,..." : the record layout
      +16 crc       I    crc32 of bytes 0..15
      +20 zero padding to 32
    slot i at HEADER_SIZE + i * slot_size:
      +0  seq       I    1, 2, 3 ... ; slot index = (seq - 1) % nslots
      +4  seconds   I    epoch seconds (UTC); an unsigned int keeps ESP32 single floats exact
      +8  millis    H    0..999
      +10 record    struct.pack(fmt, *values)
      +n  crc       I    crc32 of bytes 0..n-1 of the slot

Appending writes exactly one slot (seek, write, flush and, where the platform has it, fsync) and
never touches the header. The head is found at open time as the highest sequence whose slot has a
valid CRC and sits at its own index, so a slot torn by a power cut is ignored and rewritten by the
next append (with the same sequence): the sequence stays contiguous. Only creation and clear()
write the whole file, through a temporary file that is fsynced and renamed, so a cut during clear
leaves either the old log or the new empty one.

A log opened with another number of slots than its file has (log.records changed) is resized: the
newest records that fit are copied, with their sequence numbers, into a new file renamed over the
old one, so changing the size never loses more than what no longer fits.

Sync policy: sync=True (default) calls flush() and os.fsync() after every append. On MicroPython,
flush() on littlefs commits the file; there is no fsync. sync=False only flushes to the OS (page
cache on Linux): faster, survives a crash of the process but not of the power.
"""

import struct
import binascii

from firmware.platform import compat
from firmware.platform import durable

MAGIC = b"ONRL"
VERSION = 1
HEADER_SIZE = 32
_HEAD_FMT = "<4sHHII"
_SLOT_HEAD = "<IIH"
_SLOT_HEAD_SIZE = 10
_CRC_SIZE = 4
_SCAN_CHUNK = 8192  # bytes read at a time when scanning at open

# Why a log was (re)created at open; None when an existing log was opened as it was.
NEW = "new"
SCHEMA_CHANGED = "schema"
SIZE_CHANGED = "size"       # resized: the newest records kept
CORRUPT = "corrupt"


def schema_id(fmt, fields):
    """The number stored in the header: changes whenever the record format or field list does."""
    text = fmt + "|" + ",".join(fields)
    return binascii.crc32(text.encode()) & 0xFFFFFFFF


def _crc(data):
    return binascii.crc32(data) & 0xFFFFFFFF


class RingLog:
    """One ring file; values are tuples packed with a struct format."""

    def __init__(self, path, fmt, fields, nslots=2048, sync=True):
        if nslots < 2:
            raise ValueError("a ring log needs at least 2 slots")
        self.path = path
        self.fmt = fmt
        self.fields = tuple(fields)
        self.nslots = nslots
        self.sync = sync
        self.record_size = struct.calcsize(fmt)
        self.slot_size = _SLOT_HEAD_SIZE + self.record_size + _CRC_SIZE
        if self.slot_size > 0xFFFF:
            raise ValueError("record too large for a slot")
        self.schema = schema_id(fmt, self.fields)
        self.head = 0       # newest sequence, 0 when empty
        self.tail = 1       # oldest sequence still stored (valid when count > 0)
        self.appends = 0    # appends since open (status)
        self._file = None
        self.created = self._open()

    # --- opening -------------------------------------------------------------------------
    def _header(self):
        head = struct.pack(_HEAD_FMT, MAGIC, VERSION, self.slot_size, self.nslots, self.schema)
        head += struct.pack("<I", _crc(head))
        return head + b"\0" * (HEADER_SIZE - len(head))

    def _check_header(self, raw):
        """None when the file is this log as it is; else why it must be (re)created."""
        if len(raw) < HEADER_SIZE:
            return CORRUPT
        magic, version, slot_size, nslots, schema = struct.unpack_from(_HEAD_FMT, raw, 0)
        (crc,) = struct.unpack_from("<I", raw, 16)
        if magic != MAGIC or version != VERSION or crc != _crc(raw[:16]):
            return CORRUPT
        if schema != self.schema or slot_size != self.slot_size:
            return SCHEMA_CHANGED
        if nslots != self.nslots:
            return SIZE_CHANGED
        return None

    def _open(self):
        reason = NEW
        if durable.exists(self.path):
            with open(self.path, "rb") as f:
                raw = f.read(HEADER_SIZE)
            reason = self._check_header(raw)
        if reason == SIZE_CHANGED:
            self._create(self._old_records(struct.unpack_from("<I", raw, 8)[0]))
        elif reason is not None:
            self._create()
        self._file = open(self.path, "r+b")
        if reason is None:
            self._scan()
        return reason

    def _old_records(self, old_nslots):
        """The raw slots of the newest records of this file as it was made with old_nslots."""
        old = RingLog(self.path, self.fmt, self.fields, old_nslots, sync=False)
        try:
            first = max(old.tail, old.head - self.nslots + 1)
            slots = []
            for seq in range(first, old.head + 1):
                index = (seq - 1) % old_nslots
                old._file.seek(HEADER_SIZE + index * self.slot_size)
                raw = old._file.read(self.slot_size)
                if old._valid_seq(raw, 0, index) == seq:
                    slots.append((seq, raw))
            return slots
        finally:
            old.close()

    def _create(self, slots=()):
        """Write a log of (seq, raw slot) records beside the real one, then rename it over
        (atomic on both ports). Without slots the new log is empty."""
        if self._file is not None:
            self._file.close()
            self._file = None
        tmp = self.path + ".tmp"
        zeros = b"\0" * (self.slot_size * 32)
        with open(tmp, "wb") as f:
            f.write(self._header())
            left = self.nslots
            while left > 0:
                n = 32 if left >= 32 else left
                f.write(zeros[:n * self.slot_size])
                left -= n
            for seq, raw in slots:
                f.seek(HEADER_SIZE + ((seq - 1) % self.nslots) * self.slot_size)
                f.write(raw)
            durable.fsync_file(f)
        durable.replace(tmp, self.path)
        durable.fsync_dir(self.path)
        self.head = slots[-1][0] if slots else 0
        self.tail = slots[0][0] if slots else 1

    def _scan(self):
        """Find the head (highest valid sequence) and the oldest valid sequence after it."""
        f = self._file
        f.seek(HEADER_SIZE)
        per_chunk = max(1, _SCAN_CHUNK // self.slot_size)
        index = 0
        seqs = {}
        while index < self.nslots:
            n = min(per_chunk, self.nslots - index)
            buf = f.read(n * self.slot_size)
            for k in range(n):
                off = k * self.slot_size
                seq = self._valid_seq(buf, off, index + k)
                if seq:
                    seqs[index + k] = seq
            index += n
        if not seqs:
            self.head, self.tail = 0, 1
            return
        head = max(seqs.values())
        low = head - self.nslots + 1
        tail = head
        for seq in seqs.values():
            if low <= seq < tail:
                tail = seq
        # Only the slot after the head can be torn (it is rewritten by the next append), so the
        # stored range [tail, head] is contiguous; walk it once to make sure.
        while tail < head and seqs.get((tail - 1) % self.nslots) != tail:
            tail += 1
        self.head, self.tail = head, tail

    def _valid_seq(self, buf, off, index):
        end = off + self.slot_size
        if len(buf) < end:
            return 0
        (seq,) = struct.unpack_from("<I", buf, off)
        if seq == 0 or (seq - 1) % self.nslots != index:
            return 0
        (crc,) = struct.unpack_from("<I", buf, end - _CRC_SIZE)
        if crc != _crc(bytes(buf[off:end - _CRC_SIZE])):
            return 0
        return seq

    # --- writing -------------------------------------------------------------------------
    def append(self, values, t=None):
        """Store one record; returns its sequence number."""
        if t is None:
            t = compat.epoch_time()
        seconds = int(t)
        millis = int((t - seconds) * 1000 + 0.5)
        if millis > 999:
            millis = 999
        if len(values) != len(self.fields):  # MicroPython's struct does not check the count
            raise ValueError("%d values for %d fields" % (len(values), len(self.fields)))
        payload = struct.pack(self.fmt, *values)  # raises before anything is written
        seq = self.head + 1
        slot = struct.pack(_SLOT_HEAD, seq, seconds & 0xFFFFFFFF, millis) + payload
        slot += struct.pack("<I", _crc(slot))
        f = self._file
        f.seek(HEADER_SIZE + ((seq - 1) % self.nslots) * self.slot_size)
        f.write(slot)
        if self.sync:
            durable.fsync_file(f)
        else:
            f.flush()
        self.head = seq
        if seq - self.tail >= self.nslots:
            self.tail = seq - self.nslots + 1
        self.appends += 1
        return seq

    def clear(self):
        """Empty the log (rewrites the file once, atomically)."""
        self._create()
        self._file = open(self.path, "r+b")

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None

    # --- reading -------------------------------------------------------------------------
    def __len__(self):
        return self.head - self.tail + 1 if self.head else 0

    def read(self, seq):
        """(seq, time, values) of one stored record, or None."""
        if not self.head or seq < self.tail or seq > self.head:
            return None
        index = (seq - 1) % self.nslots
        f = self._file
        f.seek(HEADER_SIZE + index * self.slot_size)
        buf = f.read(self.slot_size)
        if self._valid_seq(buf, 0, index) != seq:
            return None
        _seq, seconds, millis = struct.unpack_from(_SLOT_HEAD, buf, 0)
        values = struct.unpack_from(self.fmt, buf, _SLOT_HEAD_SIZE)
        return seq, seconds + millis / 1000 if millis else seconds, values

    def records(self, newest_first=True, start=None, end=None, limit=None):
        """Yield (seq, time, values), optionally within [start, end] (epoch seconds)."""
        if not self.head:
            return
        if newest_first:
            seq, stop, step = self.head, self.tail - 1, -1
        else:
            seq, stop, step = self.tail, self.head + 1, 1
        n = 0
        while seq != stop:
            rec = self.read(seq)
            seq += step
            if rec is None:
                continue
            t = rec[1]
            if (start is not None and t < start) or (end is not None and t > end):
                continue
            yield rec
            n += 1
            if limit is not None and n >= limit:
                return

    def count(self, start=None, end=None):
        if start is None and end is None:
            return len(self)
        n = 0
        for _ in self.records(True, start, end):
            n += 1
        return n

    def status(self):
        return {"path": self.path, "records": len(self), "capacity": self.nslots,
                "head": self.head, "slot_size": self.slot_size, "appends": self.appends}
