"""A notifier's outbox: a bounded queue, its own task, bounded retries, nothing dropped silently.

    box = Outbox("syslog", send, limit=256, retry_ms=(1000, 5000, 20000), batch=64,
                 timeout_ms=10000, report=report)
    box.start()
    box.put(item)            # from a bus callback: never blocks, never raises
    await box.stop()         # or: await box.hand_over(new_box) when the settings change

The worker takes up to `batch` queued items and awaits send(items) within timeout_ms; send raises
when the items did not go. A failed batch is tried again after each delay of retry_ms in turn,
then given up. A full queue drops its oldest item. Either way report(kind, detail) tells the
notifier, which logs it (kind "failed": first failure of an outage, "restored": sent again after
failures, "dropped": {"count", "reason"}). A slow or dead peer therefore holds only this task:
the bus, the poll, the servers and the other notifiers go on.
"""

from collections import deque

from firmware.platform import compat
from firmware.platform.compat import asyncio

GRACE_MS = 1000          # a send under way when the notifier stops may finish this long


class Outbox:
    """Bounded queue and delivery task of one notifier."""

    def __init__(self, name, send, limit=256, retry_ms=(1000, 5000, 20000), batch=32,
                 timeout_ms=10000, report=None):
        self.name = name
        self.send = send
        self.limit = limit
        self.retry_ms = tuple(retry_ms)
        self.batch = batch
        self.timeout_ms = timeout_ms
        self.report = report or (lambda kind, detail: None)
        self._items = deque((), limit + 1)
        self._wake = asyncio.Event()
        self._task = None
        self._stopping = False
        self._sending = False
        self._sent_one = asyncio.Event()   # set when a send under way ends
        self._overflow = 0
        self.sent = 0
        self.attempts_failed = 0
        self.dropped = 0
        self.failing = False
        self.last_error = None
        self.last_sent = None      # ticks_ms of the last success

    # --- producer side ---------------------------------------------------------------------------
    def put(self, item):
        """Queue one item; when full the oldest goes (counted, reported by the worker)."""
        if len(self._items) >= self.limit:
            self._items.popleft()
            self._overflow += 1
        self._items.append(item)
        self._wake.set()

    def pending(self):
        return len(self._items)

    # --- life cycle ------------------------------------------------------------------------------
    def start(self):
        if self._task is None:
            self._stopping = False
            self._task = compat.create_task(self._run())

    async def _halt(self):
        """End the worker. A send under way may finish (for GRACE_MS): cancelled in the middle,
        its batch could not be known as delivered and would be counted lost. The flag ends the
        worker even when CPython 3.11's wait_for swallows a cancel (it does when the send it
        waits for completes at the same moment)."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        if self._sending:
            try:
                await asyncio.wait_for(self._sent_one.wait(), GRACE_MS / 1000)
            except Exception:      # TimeoutError: cancelled below, its batch put back
                pass
        task.cancel()
        try:
            await task
        except BaseException:      # CancelledError (an Exception subclass on MicroPython)
            pass

    async def stop(self):
        """Stop the worker; what is still queued is reported as dropped."""
        await self._halt()
        left = len(self._items) + self._overflow
        self._items = deque((), self.limit + 1)
        self._overflow = 0
        if left:
            self._drop(left, "stopped with messages still queued")

    async def hand_over(self, successor):
        """Stop, and give what is still queued to `successor` (new settings, same messages)."""
        await self._halt()
        while self._items:
            successor.put(self._items.popleft())
        successor._overflow += self._overflow
        self._overflow = 0

    def status(self):
        return {"queued": len(self._items), "sent": self.sent,
                "failed_attempts": self.attempts_failed, "dropped": self.dropped,
                "failing": self.failing, "last_error": self.last_error}

    # --- worker ----------------------------------------------------------------------------------
    def _drop(self, count, reason):
        self.dropped += count
        self.report("dropped", {"count": count, "reason": reason})

    async def _run(self):
        while not self._stopping:
            while not self._items and not self._stopping:
                self._wake.clear()
                await self._wake.wait()
            if self._stopping:
                return
            if self._overflow:
                count, self._overflow = self._overflow, 0
                self._drop(count, "queue full (%d)" % self.limit)
            items = []
            while self._items and len(items) < self.batch:
                items.append(self._items.popleft())
            await self._deliver(items)

    async def _deliver(self, items):
        """Send one batch: retried, then given up; put back in the queue if stopped meanwhile
        (stop() counts it, hand_over() passes it on), so nothing goes unnoticed."""
        tries = 0
        try:
            while True:
                self._sending = True
                self._sent_one.clear()
                try:
                    await asyncio.wait_for(self._send(items), self.timeout_ms / 1000)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:   # a peer's failure of any kind: retried, then reported
                    self.attempts_failed += 1
                    self.last_error = describe(exc)
                    if not self.failing:
                        self.failing = True
                        self.report("failed", {"error": self.last_error, "exc": exc})
                    if tries >= len(self.retry_ms):
                        self._drop(len(items), "%s after %d tries" % (self.last_error, tries + 1))
                        return
                    self._done_sending()
                    if self._stopping:
                        raise asyncio.CancelledError()
                    await compat.sleep_ms(self.retry_ms[tries])
                    if self._stopping:
                        raise asyncio.CancelledError()
                    tries += 1
                    continue
                self.sent += len(items)
                self._done_sending()
                self.last_sent = compat.ticks_ms()
                if self.failing:
                    self.failing = False
                    self.report("restored", {"after": self.last_error})
                return
        except asyncio.CancelledError:
            for item in reversed(items):
                self._items.appendleft(item)
            raise
        finally:
            self._done_sending()

    def _done_sending(self):
        if self._sending:
            self._sending = False
            self._sent_one.set()

    async def _send(self, items):
        # wait_for needs a coroutine of an async def on MicroPython.
        return await self.send(items)


def describe(exc):
    """A short readable reason for a failure."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, asyncio.TimeoutError) and not str(exc):
        text = "no answer in time"
    return text if len(text) <= 160 else text[:157] + "..."
