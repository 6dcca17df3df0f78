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

# Card events named by the data path; the event engine carries the full catalogue.
COMM_LOST = "comm.lost"
COMM_RESTORED = "comm.restored"

# now() of the clock that stamps events made without a time; None: the system clock. The running
# card sets its own clock here, so events from every module carry the card's time.
_time_source = None


def set_time_source(now):
    """Stamp events made without an explicit time with now() (None: back to the system clock)."""
    global _time_source
    _time_source = now


def make_event(source, level, code, text, state=None, unit=None, now=None, **extra):
    if now is None:
        now = time.time() if _time_source is None else _time_source()
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
    def __init__(self, history=64):
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

    def publish(self, event):
        self.published += 1
        self.recent.append(event)
        if len(self.recent) > self._history:
            self.recent.pop(0)
        for cb in list(self._subscribers):
            try:
                cb(event)
            except Exception as exc:  # one broken subscriber must not silence the others
                print("event subscriber error:", repr(exc))

    def card(self, level, code, text, **extra):
        """Publish a card (NET VISION) event."""
        ev = make_event("card", level, code, text, **extra)
        self.publish(ev)
        return ev
