"""The logs feature: ring logs in DATA/logs, fed by the event bus and the history samplers."""

from firmware.card.feature import Feature
from firmware.logs import settings
from firmware.logs.logs import LOGS, Logs as LogFiles
from firmware.logs.ops import LogOps
from firmware.logs.samplers import ExtendedAggregator, HistorySampler
from firmware.platform import compat, durable
from firmware.state import catalogue

_EVENT_LOGS = {row[2]: name for name, row in LOGS.items() if row[0] == "event"}


class Logs(Feature):
    """Event logs (UPS, STS, card), history and extended history (manual §11)."""

    name = "logs"
    title = "Logs"
    SETTINGS = settings.ROWS

    def __init__(self, card):
        super().__init__(card)
        self.logs = None
        self.samplers = {}
        self._tasks = {}
        self._replayed = False

    async def start(self):
        if not self.card.data_dir:
            return                 # a card without a data folder keeps no logs
        folder = self.card.data_dir + "/logs"
        try:
            durable.mkdir(folder)
        except OSError:
            pass                   # already there (or unwritable: the first write says so)
        self.logs = LogFiles(folder, bus=self.card.bus, records=self.setting("log.records"))
        if not self._replayed:
            # Events published before the logs existed (a checksum error, `run --set` changes,
            # the boot event) are in the bus's recent list: log them now, in order.
            self._replayed = True
            for event in list(self.card.bus.recent):
                if event.get("source") in _EVENT_LOGS:
                    self.logs.record_event(_EVENT_LOGS[event["source"]], event)
        # Open the logs already on disk now, so a schema change is detected (and its event
        # logged) at boot rather than at the first use.
        for name, row in LOGS.items():
            if durable.exists(folder + "/" + row[1]):
                self.logs.log(name)
        state, clock = self.card.state, self.card.clock
        self.samplers = {
            "history": HistorySampler(state, self.logs, clock,
                                      self.setting("log.history_interval")),
            "extended": ExtendedAggregator(state, self.logs, clock,
                                           self.setting("log.extended_interval")),
        }
        for name, sampler in self.samplers.items():
            self._tasks[name] = compat.create_task(sampler.run())

    async def stop(self):
        for task in self._tasks.values():
            task.cancel()
        for task in self._tasks.values():
            try:
                await task
            except BaseException:  # cancelled: it is over
                pass
        self._tasks = {}
        extended = self.samplers.get("extended")
        if extended is not None:
            extended.close()
        self.samplers = {}
        if self.logs is not None:
            self.logs.close()
            self.logs = None

    async def apply(self, changed):
        if "log.records" in changed:
            await self.stop()      # reopening resizes each ring, keeping its newest records
            await self.start()     # (and reads the intervals anew)
        elif self.logs is not None:
            if "log.history_interval" in changed:
                self.samplers["history"].interval_s = self.setting("log.history_interval")
                self._restart("history")
            if "log.extended_interval" in changed:
                self.samplers["extended"].interval_min = self.setting("log.extended_interval")
                self._restart("extended")
        if "log.history_interval" in changed:
            catalogue.card_event(self.card.bus, "log.history.interval")
        if "log.extended_interval" in changed:
            catalogue.card_event(self.card.bus, "log.extended.interval")

    def _restart(self, name):
        """A sampler sleeps a whole period: restart it so the new one counts from now."""
        self._tasks.pop(name).cancel()
        self._tasks[name] = compat.create_task(self.samplers[name].run())

    def operations(self):
        if self.logs is None:
            return {}
        return LogOps(self.logs, self.card.clock).table()

    def status(self):
        if self.logs is None:
            return {"enabled": False}
        out = self.logs.status()
        out["samplers"] = {name: s.status() for name, s in self.samplers.items()}
        return out
