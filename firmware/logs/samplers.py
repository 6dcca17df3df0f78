"""The history sampler (one point every log.history_interval s) and the extended aggregator.

The sampler runs on its own clock and reads the committed UpsState snapshot; the aggregator
sees EVERY committed poll cycle (UpsState.subscribe) and writes min/max/avg of each measurement
every log.extended_interval minutes, so a spike between two history points is not lost. Both
skip the data while the state is stale; the logs feature restarts them when an interval changes.

    sampler = HistorySampler(state, logs, clock, interval_s=60)
    extended = ExtendedAggregator(state, logs, clock, interval_min=60)
    compat.create_task(sampler.run()); compat.create_task(extended.run())

`clock` is the card clock (firmware/clock/clock.py): now() stamps the records, ticks_for(seconds)
says how long a period lasts on the tick counter.
"""

from firmware.platform import compat
from firmware.logs.logs import UPS_FIELDS, extract


class _Periodic:
    """A drift-free period on the tick counter; late wake-ups never cause a burst: records stay
    at least a period apart."""

    def __init__(self, clock):
        self.clock = clock
        self.due = compat.ticks_ms()

    async def wait(self, seconds):
        period = self.clock.ticks_for(seconds)
        self.due = compat.ticks_add(self.due, period)
        delay = compat.ticks_diff(self.due, compat.ticks_ms())
        if delay < 0:               # the loop was busy for more than a period: start afresh
            self.due = compat.ticks_add(compat.ticks_ms(), period)
            delay = period
        await compat.sleep_ms(delay)


class HistorySampler:
    """One history record every interval_s seconds from the committed snapshot."""

    def __init__(self, state, logs, clock, interval_s=60):
        self.state = state
        self.logs = logs
        self.clock = clock
        self.interval_s = interval_s
        self.written = 0
        self.skipped = 0
        self.last = None

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
            await period.wait(self.interval_s)
            try:
                self.sample()
            except Exception as exc:  # a full or broken file must not stop the card
                print("history sampler:", repr(exc))

    def status(self):
        return {"interval": self.interval_s, "written": self.written, "skipped": self.skipped,
                "last": self.last}


class ExtendedAggregator:
    """Min/max/avg of every UPS measurement over each extended period, from every poll cycle."""

    def __init__(self, state, logs, clock, interval_min=60):
        self.state = state
        self.logs = logs
        self.clock = clock
        self.interval_min = interval_min
        self.written = 0
        self._reset(self.clock.now())
        state.subscribe(self._on_commit)

    def close(self):
        self.state.unsubscribe(self._on_commit)

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
            await period.wait(self.interval_min * 60)
            try:
                self.flush()
            except Exception as exc:
                print("extended history:", repr(exc))

    def status(self):
        return {"interval": self.interval_min, "written": self.written, "samples": self.samples,
                "period_start": self.start}
