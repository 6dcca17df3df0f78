"""Runs one feature: starts it, reports a failure once per cause, retries it, applies changes.

A feature that cannot start (a port in use, an address that does not resolve, a missing serial
device) stops nothing else: the card logs "<feature> not running: <why>", the error shows in the
card's status, and the runner tries again after RETRY_S seconds, doubling up to RETRY_MAX_S;
"<feature> running again" closes the episode. A setting change the feature fails to take is a
failure like any other.
"""

from firmware.platform import compat
from firmware.state import catalogue

RETRY_S = 5
RETRY_MAX_S = 300


def describe(exc):
    """A short, user-readable reason for a failure."""
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


class FeatureRun:
    """One feature's life cycle on the card."""

    def __init__(self, feature, bus):
        self.feature = feature
        self.bus = bus
        self.keys = tuple(row.key for row in feature.SETTINGS)
        self.running = False
        self.error = None
        self.retry_s = RETRY_S
        self._retry = None         # the task waiting to start it again

    async def start(self):
        try:
            await self.feature.start()
        except Exception as exc:   # one feature's failure must not stop the card
            await self._failed(exc)
            return
        self.running = True
        if self.error is not None:
            catalogue.card_event(self.bus, "feature.restored", feature=self.feature.title)
        self.error = None
        self.retry_s = RETRY_S

    async def stop(self):
        if self._retry is not None:
            self._retry.cancel()
            self._retry = None
        if self.running:
            self.running = False
            try:
                await self.feature.stop()
            except Exception as exc:   # stop() must not raise; if it does, say so and go on
                print("%s: stop failed: %r" % (self.feature.name, exc))

    async def apply(self, changed):
        """Give the feature its changed settings: ("not_applied" | "not_running", why) or None."""
        mine = [k for k in self.keys if k in changed]
        if not mine:
            return None
        if not self.running:
            if self._retry is not None:    # failing: try the new settings at once
                self._retry.cancel()
                self._retry = None
                await self.start()
            return ("not_running", self.error) if self.error else None
        try:
            await self.feature.apply(mine)
        except Exception as exc:
            await self._failed(exc)
            return "not_applied", self.error
        return None

    async def _failed(self, exc):
        error = describe(exc)
        if error != self.error:    # one event per episode and per cause, not one per retry
            catalogue.card_event(self.bus, "feature.failed", feature=self.feature.title,
                                 error=error)
        self.error = error
        if self.running:
            self.running = False
            try:
                await self.feature.stop()
            except Exception as stop_exc:
                print("%s: stop failed: %r" % (self.feature.name, stop_exc))
        if self._retry is None:
            self._retry = compat.create_task(self._retry_loop())

    async def _retry_loop(self):
        try:
            while not self.running:
                await compat.sleep_ms(self.retry_s * 1000)
                self.retry_s = min(RETRY_MAX_S, self.retry_s * 2)
                await self.start()
        finally:
            self._retry = None

    def status(self):
        return {"running": self.running, "error": self.error}
