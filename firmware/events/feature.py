"""The events feature: UPS/STS flag changes become events on the bus; the active alarm table."""

from firmware.card.feature import Feature
from firmware.events.alarms import AlarmTable
from firmware.events.engine import EventEngine


class Events(Feature):
    """Event engine and alarm table (manual §12.3, §18.3, §18.4)."""

    name = "events"
    title = "Event engine"

    def __init__(self, card):
        super().__init__(card)
        self.engine = None
        self.alarms = None

    async def start(self):
        self.engine = EventEngine(self.card.state, self.card.bus, self.card.clock)
        self.alarms = AlarmTable(self.card.bus, self.card.clock)

    async def stop(self):
        if self.engine is not None:
            self.engine.close()
        if self.alarms is not None:
            self.alarms.close()
        self.engine = self.alarms = None

    def operations(self):
        return {"alarms": self._alarms}

    async def _alarms(self, args, caller):
        return self.alarms.status()

    def status(self):
        if self.engine is None:
            return {}
        out = self.engine.status()
        out["alarms"] = self.alarms.status()
        return out
