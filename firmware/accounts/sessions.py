"""Login sessions of the card's interfaces: opened after a good login, ended by logout, idle time
or a newer login.

    table = Sessions(bus)
    s = table.open("admin", "write", "192.0.2.7", "web", limit=1, must_change=True)
    table.get(s.token, idle_s=300)   # the session, its idle clock restarted; None when it is over
    table.close(s.token, "logout")

The manual (§11.6): "NET VISION does not allow more than one session. If a session is still open,
a new session that is opened forces the logout of the previous session." `limit` is how many
may be open at once (auth.max_sessions, 1 by default); opening one more ends the oldest. Each
session carries its own CSRF token; tokens are 256-bit random values, never logged.
"""

import binascii

from firmware.accounts import passwords
from firmware.platform import compat
from firmware.state import catalogue

MAX_TRACKED = 64        # a hard bound whatever auth.max_sessions says


def new_token():
    return binascii.hexlify(passwords.random_bytes(32)).decode()


class Session:
    """One open session: who, with which access, from where, and its tokens."""

    def __init__(self, user, access, address, via, must_change, now_ms, opened):
        self.token = new_token()
        self.csrf = new_token()
        self.user = user
        self.access = access
        self.address = address
        self.via = via
        self.must_change = must_change
        self.opened = opened              # epoch seconds, for the session list
        self.last_ms = now_ms

    def role(self):
        """"admin", "write" or "read": what this session may do."""
        return "admin" if self.user == "admin" else self.access

    def public(self):
        return {"user": self.user, "access": self.access, "role": self.role(),
                "address": self.address, "via": self.via, "opened": self.opened,
                "must_change": self.must_change}


class Sessions:
    """The open sessions of the card, bounded, with idle timeout."""

    def __init__(self, bus=None, ticks=None, now=None):
        self.bus = bus
        self._ticks = ticks or compat.ticks_ms
        self._now = now or compat.epoch_time
        self._open = {}
        self.counters = {"opened": 0, "replaced": 0, "timed_out": 0, "closed": 0}

    def open(self, user, access, address, via, limit=1, must_change=False):
        """A new session; the oldest ones end so that at most `limit` stay open."""
        limit = max(1, min(limit, MAX_TRACKED))
        while len(self._open) >= limit:
            oldest = min(self._open.values(), key=lambda s: s.last_ms)
            self.close(oldest.token, "replaced by a new login")
            self.counters["replaced"] += 1
        session = Session(user, access, address, via, must_change, self._ticks(), self._now())
        self._open[session.token] = session
        self.counters["opened"] += 1
        catalogue.card_event(self.bus, "session.opened", user=user, address=address, via=via)
        return session

    def get(self, token, idle_s, touch=True):
        """The open session of `token`, or None (unknown, or idle longer than idle_s: ended)."""
        session = self._open.get(token) if isinstance(token, str) else None
        if session is None:
            return None
        now = self._ticks()
        if compat.ticks_diff(now, session.last_ms) > idle_s * 1000:
            self.close(token, "idle for more than %d s" % idle_s)
            self.counters["timed_out"] += 1
            return None
        if touch:
            session.last_ms = now
        return session

    def close(self, token, reason="logout"):
        session = self._open.pop(token, None)
        if session is not None:
            self.counters["closed"] += 1
            catalogue.card_event(self.bus, "session.ended", user=session.user,
                                 address=session.address, via=session.via, reason=reason)
        return session

    def close_user(self, user, reason, keep=None):
        """End every session of `user` (but `keep`): its password or access changed."""
        for token in [t for t, s in self._open.items() if s.user == user and t != keep]:
            self.close(token, reason)

    def sessions(self):
        return [s.public() for s in self._open.values()]

    def status(self):
        out = dict(self.counters)
        out["open"] = self.sessions()
        return out
