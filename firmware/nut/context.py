"""What every NUT session shares: the UPS snapshot, accounts, commands, FSD, the sessions.

The variables' protocol text is made here (variable(), variables()): the committed UpsState's
values, ups.status with FSD when latched, and other features' annotations (the shutdown
manager's countdown and warning). GET VAR replies are kept while nothing they depend on
changed (known_reply), which is what most client requests ask.
"""

from firmware.nut.text import format_value
from firmware.platform import compat


class NutContext:
    """What every session shares: the UPS snapshot, accounts, commands, FSD latch, sessions."""

    def __init__(self, state, find_user=None, commands=None, describe=None, on_fsd=None,
                 fixed=None):
        self.state = state
        self.find_user = find_user or (lambda name: None)   # name -> nut.users.User or None
        self.commands = commands or (lambda: [])   # -> list of command names available now
        self.describe = describe or (lambda: "Unavailable")  # the UPS description, now
        self.on_fsd = on_fsd                 # callback(session) when a primary sets FSD
        self.fixed = fixed or {}             # server-side variables (driver.name ...)
        # Other features' words on the UPS (the shutdown manager's countdown and warning):
        # fn() -> ({name: value}, [ups.status tokens], ups.alarm text or None).
        self.annotations = []
        self.fsd = False
        self.sessions = []
        self.tracking = {}                   # id -> "PENDING" / "SUCCESS" / "ERR ..."
        self._replies = {}                   # GET VAR line -> its reply, while _replies_key holds
        self._replies_key = None
        self._tracking_order = []
        self._next_id = 1

    # GET VAR is most of what clients ask (every upsmon, every few seconds): its reply is kept
    # until anything it depends on changes (a UPS data commit, stale, FSD, an annotation).
    MAX_REPLIES = 256

    def _reply_key(self):
        notes = self._notes() if self.annotations else None
        return self.state.cycles, self.state.stale, self.fsd, notes

    def known_reply(self, raw):
        """The reply to the request line raw (bytes) given before, if still true; else None."""
        if self._replies:
            reply = self._replies.get(raw)
            if reply is not None and self._replies_key == self._reply_key():
                return reply
        return None

    def remember_reply(self, raw, reply):
        """Keep the reply to a GET VAR line for known_reply()."""
        key = self._reply_key()
        if key != self._replies_key or len(self._replies) >= self.MAX_REPLIES:
            self._replies = {}
            self._replies_key = key
        self._replies[raw] = reply

    def _notes(self):
        """(extra variables, extra status tokens, extra alarm texts) of the annotations."""
        extra, tokens, alarms = {}, [], []
        for note in self.annotations:
            values, words, alarm = note()
            extra.update(values)
            tokens.extend(words)
            if alarm:
                alarms.append(alarm)
        return extra, tokens, alarms

    def variable(self, name, notes=None):
        """The protocol text of one variable, or None: ups.status with FSD when latched and the
        annotations' tokens, ups.alarm with their texts."""
        extra, tokens, alarms = notes if notes is not None else (
            self._notes() if self.annotations else ({}, (), ()))
        if name == "ups.status":
            words = self.state.get(name, "").split()
            words += [t for t in tokens if t not in words]
            if alarms and "ALARM" not in words:
                words.append("ALARM")
            if self.fsd:
                words.insert(0, "FSD")
            return format_value(" ".join(words)) if words else None
        if name == "ups.alarm":
            texts = [self.state.get(name)] if self.state.get(name) else []
            texts += alarms
            return format_value("; ".join(texts)) if texts else None
        value = extra.get(name)
        if value is None:
            value = self.state.get(name)
        if value is None:
            value = self.fixed.get(name)
        return None if value is None else format_value(value)

    def variables(self):
        """name -> protocol text of every variable (as variable() gives each)."""
        notes = self._notes() if self.annotations else ({}, (), ())
        names = set(self.fixed)
        names.update(self.state.values())
        names.update(notes[0])
        if notes[2]:
            names.add("ups.alarm")
        out = {}
        for name in names:
            text = self.variable(name, notes)
            if text is not None:
                out[name] = text
        return out

    def logins(self):
        return [s for s in self.sessions if s.login]

    def new_tracking_id(self):
        tid = "%08x-%04x" % (compat.ticks_ms(), self._next_id & 0xFFFF)
        self._next_id += 1
        self.tracking[tid] = "PENDING"
        self._tracking_order.append(tid)
        while len(self._tracking_order) > 32:  # bounded memory: forget the oldest results
            self.tracking.pop(self._tracking_order.pop(0), None)
        return tid
