"""The fast lane: between two poll cycles, read the status and alarm blocks alone.

    await fastlane.wait(poller, ms)     # instead of sleeping until the next cycle

A read of the system's status and alarm blocks is a few dozen characters on the wire (JBUSP: two
reads of 4 words; VU-MAP: one of 16), where a cycle reads every block. Reading them again and
again, FAST_GAP_MS apart, while the poller waits for the next cycle, lets a changed bit start
that cycle at once: events, traps and NUT's ups.status follow the UPS within a read's wire time,
while the measurements are still read every poll.rate seconds. The gap lets commands and the
rest of the card in; a failed read changes nothing (the next cycle reads everything and reports
the failure).
"""

try:
    import asyncio
except ImportError:  # pragma: no cover - old MicroPython ports
    import uasyncio as asyncio  # type: ignore

from firmware.modbus.pdu import ModbusError
from firmware.platform import compat

FAST_GAP_MS = 20


async def wait(poller, ms):
    """Wait `ms` for the next cycle, reading the fast lane meanwhile (a changed bit is
    committed at once); return early for a changed bit (see _early_cycle) or when a command
    asks for a fresh cycle."""
    start = compat.ticks_ms()
    poller._wake.clear()
    while poller._running:
        left = ms - compat.ticks_diff(compat.ticks_ms(), start)
        if left <= 0:
            return
        plan = poller.plan
        reads = plan.fast_reads() if plan is not None and not poller.lost else ()
        if reads and await changed(poller, reads):
            poller.counters["fast_wakeups"] += 1
            if _early_cycle(poller):
                return                 # the measurements follow the new bits at once
        left = ms - compat.ticks_diff(compat.ticks_ms(), start)
        if poller._wake.is_set() or left <= 0:
            return
        try:
            await asyncio.wait_for(_woken(poller), (min(FAST_GAP_MS, left) if reads else left)
                                   / 1000)
            return                     # a command asked for a fresh cycle
        except asyncio.TimeoutError:
            pass


def _early_cycle(poller):
    """True at most once a poll period: a changed bit then starts the next cycle at once, so the
    measurements that go with it (the runtime left on battery) follow within a cycle, while a
    bit that keeps changing costs no more than one extra cycle a period."""
    now = compat.ticks_ms()
    last = getattr(poller, "early_cycle_ms", None)
    if last is not None and compat.ticks_diff(now, last) < poller.rate_ms:
        return False
    poller.early_cycle_ms = now
    return True


async def _woken(poller):
    await poller._wake.wait()


async def changed(poller, reads):
    """True (and the new bits committed) when a word of the status or alarm blocks differs
    from the last cycle's."""
    image = poller.images.get((0, 0), {})
    fresh = {}
    async with poller._lock:
        for r in reads:
            poller.counters["fast_reads"] += 1
            try:
                words = await poller.master.read(r.slave, r.start, r.count)
            except ModbusError:
                return False
            for i, word in enumerate(words):
                fresh[r.start + i] = word
        if all(image.get(a) == w for a, w in fresh.items()):
            return False
        images = dict(poller.images)
        images[(0, 0)] = _merged(image, fresh)
        try:
            poller._commit(images)
        except Exception as exc:   # a decoding bug: the full cycle that follows reports it
            poller.state.abort()
            print("fast lane: commit failed: %r" % (exc,))
            return True
        poller.images = images
    return True


def _merged(image, fresh):
    out = dict(image)
    out.update(fresh)
    return out
