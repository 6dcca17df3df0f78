"""A card clock for tests whose time can run faster than real time (portable)."""

from firmware.platform import compat


class FastClock:
    """now() advances `speed` times faster than the tick counter, from `start`; ticks_for() says
    how many real milliseconds a span of its seconds lasts (what the samplers wait)."""

    def __init__(self, speed=1, start=None):
        self.speed = speed
        self._t0 = compat.epoch_time() if start is None else start
        self._k0 = compat.ticks_ms()

    def now(self):
        return self._t0 + compat.ticks_diff(compat.ticks_ms(), self._k0) * self.speed / 1000

    def ticks_for(self, seconds):
        return max(1, int(seconds * 1000 / self.speed))
