"""The login guard: every password check of every interface, counted, slowed down, locked out.

    account, refusal = await guard.login(name, password, address, via, lookup)

lookup(name) gives the account (anything with .secret, the stored hash, and .refusal, None or why
a correct password is still refused) or None for an unknown name. The answer is (account, None)
for a good login, else (None, why). Every interface that takes a password (NUT today; the web UI,
SSH and the serial console later) asks the one guard of the card, so guessing over one interface
counts against the others too:

- An unknown name is checked against a dummy hash, so it costs as long as a real one: names cannot
  be found by timing the answers.
- A failure answers only after FAIL_DELAY_S, so one connection guesses at most once a second.
- MAX_FAILURES failures in a row lock the account for LOCK_S ("Admin or User account locked", the
  manual's event); MAX_FAILURES_ADDRESS failures from one address within WINDOW_S block that
  address for LOCK_S, whatever name it tries. While locked, no password is even checked.
- Checks run one at a time and, where the platform has threads, off the event loop: with hashes of
  a bounded cost (passwords.ITERATIONS_RANGE) no number of clients can stall the card.
- Failures, locks and blocks are counted (status()) and logged as card events.
"""

import binascii

from firmware.accounts import passwords
from firmware.platform import compat
from firmware.state import catalogue

try:
    import asyncio
except ImportError:  # pragma: no cover - old MicroPython ports
    import uasyncio as asyncio  # type: ignore

MAX_FAILURES = 5
MAX_FAILURES_ADDRESS = 10
WINDOW_S = 300
LOCK_S = 300
FAIL_DELAY_S = 1.0
MAX_TRACKED = 256          # names and addresses remembered; the oldest are forgotten first


class _Count:
    """Failures of one account or address, and until when it is locked."""

    def __init__(self, now):
        self.failures = 0
        self.first = now
        self.locked_until = None


class LoginGuard:
    """Failed-login accounting shared by the card's interfaces."""

    def __init__(self, bus=None, fail_delay_s=FAIL_DELAY_S, lock_s=LOCK_S, ticks=None,
                 max_failures=MAX_FAILURES, max_failures_address=MAX_FAILURES_ADDRESS):
        self.bus = bus
        self.max_failures = max_failures
        self.max_failures_address = max_failures_address
        self._ticks = ticks or compat.ticks_ms
        self.fail_delay_s = fail_delay_s
        self.lock_s = lock_s
        self._names = {}
        self._addresses = {}
        self._lock = asyncio.Lock()
        self._dummy = None
        self.counters = {"logins": 0, "failures": 0, "refused_locked": 0, "accounts_locked": 0,
                         "addresses_blocked": 0}

    # --- the one entry point -----------------------------------------------------------------
    async def login(self, name, password, address, via, lookup):
        """(account, None) for a good login, else (None, why)."""
        now = self._ticks()
        why = self.locked(name, address, now)
        if why is not None:
            self.counters["refused_locked"] += 1
            await compat.sleep_ms(int(self.fail_delay_s * 1000))
            return None, why
        account = lookup(name)
        secret = account.secret if account is not None else self._dummy_secret()
        good = await self._verify(password, secret) and account is not None
        if good and getattr(account, "refusal", None):
            catalogue.card_event(self.bus, "login.refused", user=name, address=address, via=via,
                                 reason=account.refusal)
            return None, account.refusal
        if good:
            self.counters["logins"] += 1
            self._names.pop(name, None)
            return account, None
        self._failed(name, address, via, self._ticks())
        await compat.sleep_ms(int(self.fail_delay_s * 1000))
        return None, "wrong user name or password"

    def locked(self, name, address, now=None):
        """Why a login of `name` from `address` is refused without a check, or None."""
        now = self._ticks() if now is None else now
        for table, what in ((self._names, "account %s" % name),
                            (self._addresses, "address %s" % address)):
            count = table.get(name if table is self._names else address)
            if count is not None and count.locked_until is not None:
                left = compat.ticks_diff(count.locked_until, now)
                if left > 0:
                    return "%s locked for %d s after repeated failures" % (what,
                                                                         (left + 999) // 1000)
                count.locked_until = None
                count.failures = 0
        return None

    # --- accounting --------------------------------------------------------------------------
    def _failed(self, name, address, via, now):
        self.counters["failures"] += 1
        catalogue.card_event(self.bus, "login.failed", user=name, address=address, via=via)
        account = self._count(self._names, name, now)
        account.failures += 1
        if account.failures >= self.max_failures and account.locked_until is None:
            account.locked_until = compat.ticks_add(now, self.lock_s * 1000)
            self.counters["accounts_locked"] += 1
            catalogue.card_event(self.bus, "account.locked", user=name, minutes=self.lock_s // 60)
        source = self._count(self._addresses, address, now)
        if compat.ticks_diff(now, source.first) > WINDOW_S * 1000:
            source.failures, source.first = 0, now      # a new window
        source.failures += 1
        if source.failures >= self.max_failures_address and source.locked_until is None:
            source.locked_until = compat.ticks_add(now, self.lock_s * 1000)
            self.counters["addresses_blocked"] += 1
            catalogue.card_event(self.bus, "address.blocked", address=address,
                                 minutes=self.lock_s // 60)

    @staticmethod
    def _count(table, key, now):
        count = table.get(key)
        if count is None:
            if len(table) >= MAX_TRACKED:      # bounded memory: forget the oldest entry
                table.pop(next(iter(table)))
            count = table[key] = _Count(now)
        return count

    # --- checking a password -----------------------------------------------------------------
    def _dummy_secret(self):
        if self._dummy is None:     # a hash of the card's cost that no password matches
            self._dummy = passwords.hash_password(binascii.hexlify(
                passwords.random_bytes(12)).decode())
        return self._dummy

    async def _verify(self, password, secret):
        async with self._lock:                  # one check at a time, whatever the clients do
            return await compat.run_blocking(passwords.verify_password, password, secret)

    def status(self):
        now = self._ticks()
        locked = sorted(k for k in self._names if self.locked(k, None, now))
        blocked = sorted(k for k in self._addresses if self.locked(None, k, now))
        out = dict(self.counters)
        out["locked_accounts"] = locked
        out["blocked_addresses"] = blocked
        return out
