"""Live values by Server-Sent Events (GET /api/v1/events).

    event: ups       data: the UPS snapshot (as GET /ups), after each poll cycle
    event: event     data: one event of the card (UPS, STS or card event), as it happens
    : ping           every PING_S, and the session is checked then

A stream sends at most one snapshot per MIN_GAP_S (the poll may run back-to-back) and never
faster than the card polls: nothing is sent between two commits. Each stream has a bounded
queue (a slow browser loses old events, never the card's memory); at most MAX_STREAMS are open
and each ends with its session (logout, idle timeout, a newer login).
"""

from __future__ import annotations

import asyncio
import json

from aiohttp import web

MAX_STREAMS = 32
QUEUE = 64
PING_S = 10.0
MIN_GAP_S = 0.5


class LiveStreams:
    """The open event streams."""

    def __init__(self, card, snapshot, session_alive) -> None:
        """snapshot() -> bytes of the UPS JSON; session_alive(token) -> bool."""
        self.card = card
        self.snapshot = snapshot
        self.session_alive = session_alive
        self.open = 0
        self.refused = 0
        self.sent = 0

    async def handle(self, request: web.Request, token: str) -> web.StreamResponse:
        if self.open >= MAX_STREAMS:
            self.refused += 1
            raise web.HTTPServiceUnavailable(text='{"error": "too many live streams"}',
                                             content_type="application/json")
        queue: asyncio.Queue = asyncio.Queue(QUEUE)
        changed = asyncio.Event()

        def on_commit(_state, _names) -> None:
            changed.set()

        def on_event(event: dict) -> None:
            if queue.full():
                queue.get_nowait()        # the oldest goes: the browser is too slow
            queue.put_nowait(event)
            changed.set()

        response = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                               "Cache-Control": "no-store",
                                               "X-Accel-Buffering": "no"})
        await response.prepare(request)
        state, bus = self.card.state, self.card.bus
        state.subscribe(on_commit)
        bus.subscribe(on_event)
        self.open += 1
        loop = asyncio.get_running_loop()
        try:
            await self._send(response, "ups", self.snapshot())
            sent_cycles = state.cycles
            last = loop.time()
            while True:
                try:
                    await asyncio.wait_for(changed.wait(), PING_S)
                except asyncio.TimeoutError:
                    if not self.session_alive(token):
                        await self._send(response, "end", b'{"reason": "session closed"}')
                        break
                    await response.write(b": ping\n\n")
                    continue
                changed.clear()
                while not queue.empty():
                    event = queue.get_nowait()
                    await self._send(response, "event",
                                     json.dumps(event, default=str).encode())
                if state.cycles != sent_cycles:
                    gap = MIN_GAP_S - (loop.time() - last)
                    if gap > 0:
                        await asyncio.sleep(gap)
                    if not self.session_alive(token):
                        await self._send(response, "end", b'{"reason": "session closed"}')
                        break
                    sent_cycles = state.cycles
                    last = loop.time()
                    await self._send(response, "ups", self.snapshot())
        except ConnectionError:
            pass
        finally:
            self.open -= 1
            state.unsubscribe(on_commit)
            bus.unsubscribe(on_event)
        return response

    async def _send(self, response: web.StreamResponse, name: str, data: bytes) -> None:
        self.sent += 1
        await response.write(b"event: " + name.encode() + b"\ndata: " + data + b"\n\n")

    def status(self) -> dict:
        return {"open": self.open, "refused": self.refused, "sent": self.sent}
