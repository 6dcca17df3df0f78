"""The poll plan: which register blocks to read, merged or split by what they cost on the wire.

A Modbus RTU read costs more than its payload. For one function-0x03 transaction:

    master:  [T3.5 silence] [slave fc addr_hi addr_lo cnt_hi cnt_lo crc_lo crc_hi]   8 chars
    device:  [turnaround]   [slave fc bytes  w0_hi w0_lo ... wn-1_lo crc_lo crc_hi] 5 + 2n chars
             [T3.5 silence before the next request]

so two neighbouring blocks are read as one request when the words of the gap between them cost
less than a second request (13 chars + two silences + one turnaround). A device that answers
exception 2 ("illegal data address") to a merged read is asked again block by block, and a block it
still refuses is halved until the words it does not map are isolated; the plan remembers
every split.

Plan entries are Read objects: (slave, start, count) plus the names of the map blocks they carry.
The fast lane (fast_reads) is the system's status and alarm blocks alone: the poller reads them
between two cycles, so a changed bit starts the next cycle at once.
"""

from firmware.modbus.pdu import MAX_READ as MAX_WORDS, ModbusException
from firmware.modbus.rtu import char_us, t35_us

TURNAROUND_MS = 5.0      # typical UPS answer delay; only an estimate for the cost model
FAST_BLOCKS = ("status", "alarm")   # where events come from: read between cycles


def read_chars(count):
    """Characters exchanged by one read of `count` words: request 8, response 5 + 2n."""
    return 8 + 5 + 2 * count


def read_cost_us(count, baud, parity="N", turnaround_ms=TURNAROUND_MS):
    """Wire time of one read transaction in microseconds, silences and turnaround included."""
    return (read_chars(count) * char_us(baud, parity) + 2 * t35_us(baud, parity)
            + turnaround_ms * 1000.0)


def wire_bound_us(reads, baud, parity="N"):
    """The physical lower bound of a list of reads: every bit at the baud rate, plus silences."""
    total = 0.0
    for r in reads:
        total += read_chars(r.count) * char_us(baud, parity) + 2 * t35_us(baud, parity)
    return total


class Read:
    """One planned transaction: `count` words from `start` at `slave`, carrying map blocks `parts`.

    parts: ((name, start, count), ...) the map blocks inside it, so a refused merge can be undone.
    """

    def __init__(self, slave, start, count, parts, node=None):
        self.slave = slave
        self.start = start
        self.count = count
        self.parts = tuple(parts)
        self.node = node          # (unit, module) this read belongs to; (0, 0) = the system

    def key(self):
        return (self.slave, self.start, self.count)

    def names(self):
        return [p[0] for p in self.parts]

    def __repr__(self):
        return "Read(slave=%d, 0x%04X x%d, %s)" % (self.slave, self.start, self.count,
                                                   "+".join(self.names()))

    def __eq__(self, other):
        return isinstance(other, Read) and self.key() == other.key() and self.parts == other.parts


def merge_blocks(blocks, baud, parity="N", turnaround_ms=TURNAROUND_MS, refused=(), apart=()):
    """Group (name, start, count) blocks into as few reads as the wire cost model favours.

    Blocks are sorted by address; a block joins the previous group when reading the gap is
    cheaper than one more request and the group stays within MAX_WORDS. `refused` holds
    (start, count) ranges the device answered with exception 2: no group may be formed that
    equals one of them again. `apart` holds (end, start) boundaries the device will not read
    across: a group ending at `end` is never joined with a block starting at `start`.
    Returns [(start, count, parts), ...].
    """
    groups = []
    for name, start, count in sorted(blocks, key=lambda b: (b[1], -b[2])):
        if count <= 0:
            continue
        if groups:
            g_start, g_count, g_parts = groups[-1]
            end = max(g_start + g_count, start + count)
            merged = end - g_start
            separate = (read_cost_us(g_count, baud, parity, turnaround_ms)
                        + read_cost_us(count, baud, parity, turnaround_ms))
            cheaper = read_cost_us(merged, baud, parity, turnaround_ms) < separate
            overlaps = start < g_start + g_count
            allowed = (g_start, merged) not in refused and (g_start + g_count, start) not in apart
            if (overlaps or cheaper) and merged <= MAX_WORDS and allowed:
                groups[-1] = (g_start, merged, g_parts + [(name, start, count)])
                continue
        groups.append((start, count, [(name, start, count)]))
    return groups


class PollPlan:
    """The reads of one device family: cycle blocks every poll, ident blocks now and then.

    nodes: ((unit, module, slave), ...) every device to read; (0, 0, base) is the system.
    blocks: the map's BLOCKS ((name, start, count, when), ...).
    """

    def __init__(self, blocks, nodes, baud, parity="N", turnaround_ms=TURNAROUND_MS):
        self.blocks = tuple(blocks)
        self.nodes = tuple(nodes)
        self.baud = baud
        self.parity = parity
        self.turnaround_ms = turnaround_ms
        self.refused = {}         # slave -> set((start, count)) answered with exception 2
        self.unmapped = {}        # slave -> set(addresses) the device maps nowhere
        self.apart = set()        # (end, start) boundaries not to read across, on any slave:
                                  # units and modules share the map, so a hole is everyone's
        self.splits = 0
        self._cache = {}

    def reads(self, which="cycle"):
        """The reads for `which` = "cycle" or "ident" (the ident read also carries cycle blocks)."""
        cached = self._cache.get(which)
        if cached is not None:
            return cached
        wanted = ("cycle",) if which == "cycle" else ("cycle", "ident")
        out = []
        for unit, module, slave in self.nodes:
            blocks = [(n, s, c) for (n, s, c, when) in self.blocks if when in wanted]
            out.extend(self._reads_for(slave, (unit, module), blocks))
        self._cache[which] = out
        return out

    def fast_reads(self):
        """The reads of the system's status and alarm blocks (the fast lane between cycles)."""
        cached = self._cache.get("fast")
        if cached is not None:
            return cached
        out = []
        for unit, module, slave in self.nodes:
            if (unit, module) == (0, 0):
                blocks = [(n, s, c) for (n, s, c, _when) in self.blocks if n in FAST_BLOCKS]
                out = self._reads_for(slave, (0, 0), blocks)
        self._cache["fast"] = out
        return out

    def _reads_for(self, slave, node, blocks):
        refused = self.refused.get(slave, ())
        unmapped = self.unmapped.get(slave, ())
        apart = self.apart
        pieces = []
        for name, start, count in blocks:
            for n, s, c in _halved(name, start, count, refused):
                pieces.extend(_without(n, s, c, unmapped))
        out = []
        for start, count, parts in merge_blocks(pieces, self.baud, self.parity,
                                                self.turnaround_ms, refused, apart):
            out.append(Read(slave, start, count, parts, node))
        return out

    def split(self, read):
        """The device refused `read` with exception 2: remember it, return the reads to try instead.

        A merged read is cut in two at its middle block boundary (read_all then learns which
        boundary was at fault); a single block is halved; a refused single word is unmapped for
        good (its values are then absent, as for a word reading 0xFFFF).
        """
        self.splits += 1
        self._cache = {}
        self.refused.setdefault(read.slave, set()).add((read.start, read.count))
        if len(read.parts) > 1:
            mid = len(read.parts) // 2
            return [_span(read, read.parts[:mid]), _span(read, read.parts[mid:])]
        name = read.parts[0][0]
        if read.count == 1:
            self.unmapped.setdefault(read.slave, set()).add(read.start)
            return []
        half = read.count // 2
        return [Read(read.slave, read.start, half, ((name, read.start, half),), read.node),
                Read(read.slave, read.start + half, read.count - half,
                     ((name, read.start + half, read.count - half),), read.node)]

    def keep_apart(self, slave, end, start):
        """Both sides of a refused merge read fine alone: never read across end|start again."""
        self._cache = {}
        self.apart.add((end, start))

    def wire_bytes(self, which="cycle"):
        """Characters on the wire for one pass of the plan (requests and responses)."""
        return sum(read_chars(r.count) for r in self.reads(which))

    def status(self):
        return {
            "reads": len(self.reads("cycle")),
            "bytes": self.wire_bytes("cycle"),
            "splits": self.splits,
            "unmapped": sum(len(v) for v in self.unmapped.values()),
            "kept_apart": len(self.apart),
        }


def _span(read, parts):
    start = min(p[1] for p in parts)
    end = max(p[1] + p[2] for p in parts)
    return Read(read.slave, start, end - start, parts, read.node)


def _halved(name, start, count, refused):
    """A block cut in halves, recursively, wherever the device refused the range (see split())."""
    if count > 1 and (start, count) in refused:
        half = count // 2
        return (_halved(name, start, half, refused)
                + _halved(name, start + half, count - half, refused))
    return [(name, start, count)]


def _without(name, start, count, unmapped):
    """The sub-ranges of a block that avoid unmapped words, as (name, start, count) pieces."""
    if not unmapped:
        return [(name, start, count)]
    out = []
    run_start = None
    for a in range(start, start + count):
        if a in unmapped:
            if run_start is not None:
                out.append((name, run_start, a - run_start))
                run_start = None
        elif run_start is None:
            run_start = a
    if run_start is not None:
        out.append((name, run_start, start + count - run_start))
    return out


MAX_SPLITS_PER_PASS = 32   # bounded work per cycle; a later cycle continues splitting


async def read_all(master, plan, which="cycle", images=None):
    """Run the plan through a Master: {node: {address: word}} (words merged into `images`).

    Exception 2 splits the read (remembered in the plan) and the pieces are read at once; any
    other failure (the Master has retried already) raises, and the cycle fails.
    """
    images = {} if images is None else images
    budget = [MAX_SPLITS_PER_PASS]
    for r in plan.reads(which):
        await _read(master, plan, r, images, budget)
    # Words the device maps nowhere read as "not managed", so decoding leaves their names absent.
    for r in plan.reads(which):
        for a in plan.unmapped.get(r.slave, ()):
            images.setdefault(r.node, {})[a] = 0xFFFF
    return images


async def _read(master, plan, r, images, budget):
    """Read r into images; True when it was read as planned (no exception 2 on the way)."""
    try:
        words = await master.read(r.slave, r.start, r.count)
    except ModbusException as exc:
        if exc.code != 2 or budget[0] <= 0:
            raise
        budget[0] -= 1
        pieces = plan.split(r)
        clean = True
        for piece in pieces:
            if not await _read(master, plan, piece, images, budget):
                clean = False
        if clean and len(r.parts) > 1:
            # Each side alone is fine: the fault is the boundary between them (a hole, or two
            # tables the device keeps apart).
            plan.keep_apart(r.slave, pieces[0].start + pieces[0].count, pieces[1].start)
        return False
    image = images.get(r.node)
    if image is None:
        image = images[r.node] = {}
    a = r.start
    for w in words:
        image[a] = w
        a += 1
    return True
