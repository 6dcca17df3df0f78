"""The event bus: one publish call, many subscribers (logs, traps, e-mail, syslog, shutdown, LEDs).

An event is a plain dict, JSON-safe, so every subscriber and every protocol sees the same thing:

    {"time": 1763700000.0,      # epoch seconds (UTC)
     "source": "ups",           # "ups", "sts" or "card"
     "level": "W",              # "I" information, "W" warning, "C" critical
     "code": "A031",            # map acronym for UPS/STS flags, a stable key for card events
     "text": "Imminent Stop",   # the manual's wording
     "state": "added",          # "added" / "removed" for alarms and statuses; absent otherwise
     "unit": 2}                 # optional: unit of a parallel system
"""

import time

LEVELS = {"I": "Information", "W": "Warning", "C": "Critical"}



def make_event(source, level, code, text, state=None, unit=None, now=None, **extra):
    """An event dict; without `now` the bus stamps it with its clock when it is published."""
    ev = {"time": now, "source": source, "level": level,
          "code": code, "text": text}
    if state is not None:
        ev["state"] = state
    if unit is not None:
        ev["unit"] = unit
    for k, v in extra.items():
        ev[k] = v
    return ev


class EventBus:
    """Fans events out to subscribers; stamps events made without a time with its clock."""

    def __init__(self, history=64, now=None):
        self.now = now or time.time   # the card clock, once the card has one (set_clock)
        self._subscribers = []
        self.recent = []          # the last few events, for status pages and tests
        self._history = history
        self.published = 0

    def subscribe(self, callback):
        """callback(event) for every event; it must not block (queue work for later)."""
        self._subscribers.append(callback)

    def unsubscribe(self, callback):
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def set_clock(self, now):
        """Stamp events with now() (the card clock), so every log shows the time the user set."""
        self.now = now or time.time

    def publish(self, event):
        if event.get("time") is None:
            event["time"] = self.now()
        self.published += 1
        self.recent.append(event)
        if len(self.recent) > self._history:
            self.recent.pop(0)
        for cb in list(self._subscribers):
            try:
                cb(event)
            except Exception as exc:  # one broken subscriber must not silence the others
                print("event subscriber error:", repr(exc))
