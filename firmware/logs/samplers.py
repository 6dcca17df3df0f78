"""The history sampler (one point every log.history_interval s) and the extended aggregator.

The sampler runs on its own clock and reads the committed UpsState snapshot; the aggregator
sees EVERY committed poll cycle (UpsState.subscribe) and writes min/max/avg of each measurement
every log.extended_interval minutes, so a spike between two history points is not lost. Both
skip the data while the state is stale. A changed interval takes effect at the next period.

    clock = Clock()                                  # Clock(speed=60) runs 60 times faster
    sampler = HistorySampler(state, logs, config, clock)
    extended = ExtendedAggregator(state, logs, config, clock)
    compat.create_task(sampler.run()); compat.create_task(extended.run())
"""

from firmware.platform import compat
from firmware.logs.logs import UPS_FIELDS, extract


def _setting(config, key, default, lo, hi):
    try:
        value = config.get(key) if config is not None else default
    except (KeyError, ValueError):
        value = default
    if not isinstance(value, int) or value < lo or value > hi:
        value = default
    return value


class Clock:
    """Epoch time and sleeping for the samplers; speed > 1 makes time pass faster (tests, demos).

    With speed 1 now() is the card's epoch time. Otherwise now() advances speed times faster
    than the tick counter from the moment the clock was made (valid for days of real time,
    the span compat.ticks_diff covers).
    """

    def __init__(self, speed=1, start=None):
        if speed <= 0:
            raise ValueError("clock speed must be positive")
        self.speed = speed
        self._t0 = compat.epoch_time() if start is None else start
        self._k0 = compat.ticks_ms()

    def now(self):
        if self.speed == 1:
            return compat.epoch_time()
        return self._t0 + compat.ticks_diff(compat.ticks_ms(), self._k0) * self.speed / 1000

    def ticks_for(self, seconds):
        """Real milliseconds of the tick counter for a span of this clock's seconds."""
        return max(1, int(seconds * 1000 / self.speed))


class _Periodic:
    """A drift-free period on the tick counter; late wake-ups never cause a burst."""

    def __init__(self, clock):
        self.clock = clock
        self.due = compat.ticks_ms()

    async def wait(self, seconds):
        self.due = compat.ticks_add(self.due, self.clock.ticks_for(seconds))
        delay = compat.ticks_diff(self.due, compat.ticks_ms())
        if delay < 0:               # the loop was busy for more than a period: start afresh
            self.due = compat.ticks_ms()
            delay = 0
        await compat.sleep_ms(delay)


class HistorySampler:
    def __init__(self, state, logs, config=None, clock=None):
        self.state = state
        self.logs = logs
        self.config = config
        self.clock = clock or Clock()
        self.written = 0
        self.skipped = 0
        self.last = None

    def interval(self):
        return _setting(self.config, "log.history_interval", 60, 1, 86400)

    def sample(self):
        """Record one point now; returns its sequence, or None when there is no fresh data."""
        if self.state.stale or not self.state.cycles:
            self.skipped += 1
            return None
        t = self.clock.now()
        seq = self.logs.record_history(self.state.values(), self.state.device.get("mapping"), t)
        self.written += 1
        self.last = t
        return seq

    async def run(self):
        period = _Periodic(self.clock)
        while True:
            await period.wait(self.interval())
            try:
                self.sample()
            except Exception as exc:  # a full or broken file must not stop the card
                print("history sampler:", repr(exc))

    def status(self):
        return {"interval": self.interval(), "written": self.written, "skipped": self.skipped,
                "last": self.last}


class ExtendedAggregator:
    """Min/max/avg of every UPS measurement over each extended period, from every poll cycle."""

    def __init__(self, state, logs, config=None, clock=None):
        self.state = state
        self.logs = logs
        self.config = config
        self.clock = clock or Clock()
        self.written = 0
        self._reset(self.clock.now())
        state.subscribe(self._on_commit)

    def interval(self):
        """Minutes per record."""
        return _setting(self.config, "log.extended_interval", 60, 1, 1440)

    def _reset(self, start):
        self.start = start
        self.samples = 0
        n = len(UPS_FIELDS)
        self._min = [None] * n
        self._max = [None] * n
        self._sum = [0.0] * n
        self._count = [0] * n

    def _on_commit(self, state, changed):
        if state.stale or state.device.get("mapping") == "sts":
            return  # the extended log is the UPS's (manual 11.2.4)
        self.add(state.values())

    def add(self, values):
        """Fold one poll cycle's values into the running period."""
        self.samples += 1
        for i, v in enumerate(extract(UPS_FIELDS, values)):
            if v is None:
                continue
            if self._count[i] == 0 or v < self._min[i]:
                self._min[i] = v
            if self._count[i] == 0 or v > self._max[i]:
                self._max[i] = v
            self._sum[i] += v
            self._count[i] += 1

    def stats(self):
        return [None if not n else (self._min[i], self._max[i], self._sum[i] / n)
                for i, n in enumerate(self._count)]

    def flush(self, end=None):
        """Close the period: write its record (if it saw any sample) and start the next one."""
        end = self.clock.now() if end is None else end
        seq = None
        if self.samples:
            seq = self.logs.record_extended(self.start, end, self.samples, self.stats())
            self.written += 1
        self._reset(end)
        return seq

    async def run(self):
        # The first period began when the aggregator was made (it has been folding since).
        period = _Periodic(self.clock)
        while True:
            await period.wait(self.interval() * 60)
            try:
                self.flush()
            except Exception as exc:
                print("extended history:", repr(exc))

    def status(self):
        return {"interval": self.interval(), "written": self.written, "samples": self.samples,
                "period_start": self.start}
