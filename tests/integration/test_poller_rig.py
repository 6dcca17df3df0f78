"""Shared rig for the poller integration tests: a poller on the simulator's pseudo-terminal.

No tests here; test_poller_*.py import it. Every wait is a condition polled until a deadline that
fails with what was last seen.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable

from firmware.card import features
from firmware.settings.config import Config
from firmware.state.bus import EventBus
from firmware.state.ups import UpsState
from firmware.ups.poller import Poller
from firmware.hal.serial_port import SerialTransport

DEADLINE_S = 30.0   # generous: the machine runs other suites at the same time


class Rig:
    """A Poller with its state, bus and serial transport, optionally running in the background."""

    def __init__(self, sim: Any, **settings: Any) -> None:
        """Settings are config keys with dots replaced by double underscores (poll__rate=0)."""
        self.sim = sim
        cfg = Config(features.schema())
        values = {"poll.rate": 0}
        values.update({k.replace("__", "."): v for k, v in settings.items()})
        cfg.update(values)
        self.state = UpsState()
        self.bus = EventBus(history=256)
        self.transport = SerialTransport(sim.link)
        self.poller = Poller(cfg, self.state, self.bus, self.transport)
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        """Run the poller loop and wait for its first committed snapshot."""
        self.task = asyncio.create_task(self.poller.run())
        await self.until(lambda: not self.state.stale, what="first good cycle")

    async def close(self) -> None:
        """Stop the loop and close the line."""
        if self.task is not None:
            self.poller.stop()
            end = time.monotonic() + DEADLINE_S
            while not self.task.done():
                assert time.monotonic() < end, "the poller did not stop"
                self.task.cancel()
                await asyncio.wait({self.task}, timeout=0.5)
            if not self.task.cancelled():
                self.task.result()   # the loop ended by itself: surface an error if it had one
            self.task = None
        self.transport.close()

    async def until(self, cond: Callable[[], Any], timeout: float = DEADLINE_S,
                    what: str = "condition") -> Any:
        """Poll cond() until true; fail at the deadline with the poller's view of things."""
        end = time.monotonic() + timeout
        while True:
            result = cond()
            if result:
                return result
            if self.task is not None and self.task.done():
                self.task.result()   # the loop died: show why
            if time.monotonic() > end:
                raise AssertionError(
                    f"{what}: not reached in {timeout}s;"
                    f" ups.status={self.state.get('ups.status')!r}"
                    f" stale={self.state.stale} statuses={sorted(self.state.statuses)}"
                    f" alarms={sorted(self.state.alarms)} poller={self.poller.status()}")
            await asyncio.sleep(0.05)

    async def sim_call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """A simulator control call without blocking the loop the poller runs on."""
        return await asyncio.to_thread(getattr(self.sim, method), *args, **kwargs)

    async def fresh(self, what: str = "a fresh cycle") -> None:
        """Wait until a cycle that started after now has committed."""
        seen = self.state.cycles
        await self.until(lambda: self.state.cycles >= seen + 2, what=what)

    def events(self, code: str) -> list[dict]:
        return [e for e in self.bus.recent if e["code"] == code]

    def status_tokens(self) -> set[str]:
        return set((self.state.get("ups.status") or "").split())


def run(coro_fn: Callable[..., Any], *args: Any, timeout: float = 120.0) -> Any:
    """Run an async test body with an overall deadline."""
    async def main() -> Any:
        return await asyncio.wait_for(coro_fn(*args), timeout)
    return asyncio.run(main())
