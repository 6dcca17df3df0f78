"""The only module that knows CPython from MicroPython: clocks, sleeping, queues.

Everything in firmware/core imports time-related helpers from here so the same code runs on a
Raspberry Pi (CPython) and on an ESP32 (MicroPython). MicroPython's asyncio has no Queue and no
streams on every port; the small Queue below covers what the core needs.
"""

import sys
import time

try:
    import asyncio
except ImportError:  # pragma: no cover - every supported port has asyncio
    import uasyncio as asyncio  # type: ignore

MICROPYTHON = sys.implementation.name == "micropython"

if MICROPYTHON:  # pragma: no cover - exercised by the MicroPython test runner
    ticks_ms = time.ticks_ms
    ticks_us = time.ticks_us
    ticks_diff = time.ticks_diff
    ticks_add = time.ticks_add

    def monotonic_s():
        return time.ticks_ms() / 1000

    def epoch_time():
        # MicroPython's epoch may be 2000-01-01 on bare-metal ports; CPython-like ports use 1970.
        t = time.time()
        if t < 946684800:
            t += 946684800
        return t

    def process_time():
        return time.ticks_ms() / 1000

else:
    _PERIOD = 1 << 30  # MicroPython's ticks wrap at 2**30; keep the same arithmetic everywhere.
    _HALF = _PERIOD // 2

    def ticks_ms():
        return int(time.monotonic() * 1000) & (_PERIOD - 1)

    def ticks_us():
        return int(time.monotonic() * 1000000) & (_PERIOD - 1)

    def ticks_add(ticks, delta):
        return (ticks + delta) & (_PERIOD - 1)

    def ticks_diff(a, b):
        """a - b on the wrapping tick counter, as MicroPython defines it."""
        return ((a - b + _HALF) & (_PERIOD - 1)) - _HALF

    monotonic_s = time.monotonic
    epoch_time = time.time
    process_time = time.process_time


async def sleep_ms(ms):
    await asyncio.sleep(ms / 1000)


def create_task(coro):
    return asyncio.create_task(coro)


async def wait_for(awaitable, seconds):
    """await with a time limit (asyncio.TimeoutError): asyncio.timeout where it exists, which
    costs no extra task per call as asyncio.wait_for does (it matters on a server's hot path)."""
    if hasattr(asyncio, "timeout"):
        async with asyncio.timeout(seconds):
            return await awaitable
    return await asyncio.wait_for(awaitable, seconds)  # pragma: no cover - MicroPython, < 3.11


async def run_blocking(fn, *args):
    """fn(*args) without stalling the event loop where the platform has threads (CPython: the
    loop's executor); inline on MicroPython, where the callers keep such work small."""
    if MICROPYTHON:  # pragma: no cover - exercised by the MicroPython test runner
        return fn(*args)
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


class Queue:
    """A bounded FIFO for one event loop; drops the oldest item when full (telemetry, not commands)."""

    def __init__(self, maxsize=64):
        self._items = []
        self._maxsize = maxsize
        self._event = asyncio.Event()
        self.dropped = 0

    def put_nowait(self, item):
        if len(self._items) >= self._maxsize:
            self._items.pop(0)
            self.dropped += 1
        self._items.append(item)
        self._event.set()

    async def get(self):
        while not self._items:
            self._event.clear()
            await self._event.wait()
        return self._items.pop(0)

    def get_nowait(self):
        if not self._items:
            raise IndexError("queue empty")
        return self._items.pop(0)

    def qsize(self):
        return len(self._items)

    def empty(self):
        return not self._items


def run(coro):
    """asyncio.run where it exists; MicroPython's loop otherwise."""
    if hasattr(asyncio, "run"):
        return asyncio.run(coro)
    loop = asyncio.get_event_loop()  # pragma: no cover
    return loop.run_until_complete(coro)  # pragma: no cover
