"""The accounts feature: who may log in to the card, with which rights, for how long.

The card's `accounts` interface, for every interface that takes a password:

    access, why = await accounts.login(name, password, address, via)   # the login guard
    accounts.must_change(name)     # first-access admin password, or a password past its validity
    accounts.days_left(name)       # days before the password must be changed (None: no age)
    accounts.sessions              # open sessions (firmware/accounts/sessions.py)
    accounts.admin_password_set(), accounts.admin_secret(), accounts.account(name)
"""

from firmware.accounts import passwords, policy, settings
from firmware.accounts.ages import PasswordAges
from firmware.accounts.guard import LoginGuard
from firmware.accounts.ops import AccountOps, split_item
from firmware.accounts.sessions import Sessions
from firmware.card.feature import Feature
from firmware.platform import compat
from firmware.state import catalogue

AGES_NAME = "passwords.json"


class Accounts(Feature):
    """The admin account and the user table; the card's `accounts` interface."""

    name = "accounts"
    title = "Accounts"
    SETTINGS = settings.ROWS

    def __init__(self, card):
        super().__init__(card)
        self._first_secret = None
        self.guard = LoginGuard(card.bus)
        self.sessions = Sessions(card.bus, now=self._now)
        self.ages = PasswordAges(None, self._now)
        card.accounts = self

    def _now(self):
        clock = self.card.clock
        return clock.now() if clock is not None else compat.epoch_time()

    async def start(self):
        path = self.card.data_dir + "/" + AGES_NAME if self.card.data_dir else None
        self.ages = PasswordAges(path, self._now)
        self._reconcile()

    def _secrets(self):
        out = {"admin": self.setting("auth.admin_password")}
        for item in self.setting("auth.users"):
            name, secret, _access = split_item(item)
            out[name] = secret
        return out

    def _reconcile(self):
        """Note new passwords; end the sessions of accounts whose password or access changed."""
        before = dict(self.ages._seen)
        after = self.ages.reconcile(self._secrets())
        accesses = {s["user"]: s["access"] for s in self.sessions.sessions()}
        for user in accesses:
            account = self.account(user)
            if account is None or account.access != accesses[user] or \
                    before.get(user) != after.get(user):
                # As the manual has it after the first login: a new password, a new session.
                self.sessions.close_user(user, "password or access changed")

    def days_left(self, name):
        """Days before the password of `name` must be changed; None when it has no age."""
        set_at = self.ages.set_at(name)
        if set_at is None:
            return None
        return policy.days_left(set_at, self._now(), self.setting("auth.password_validity"))

    def must_change(self, name):
        """True when `name` must set a new password before anything else: the first-access
        admin password, or a password past auth.password_validity days."""
        if name == "admin" and not self.admin_password_set():
            return True
        left = self.days_left(name)
        return left is not None and left <= 0

    def admin_password_set(self):
        """False while the admin password is still the board's first-access one."""
        return bool(self.setting("auth.admin_password"))

    def admin_secret(self):
        """Hash of the admin password (the board's first-access one until it is set)."""
        stored = self.setting("auth.admin_password")
        if stored:
            return stored
        if self._first_secret is None:
            # Kept only in memory, as a hash: the first-access password is derived, not stored.
            self._first_secret = passwords.hash_password(self.card.board.first_password)
        return self._first_secret

    def account(self, name):
        """The card account `name` (.secret, .access "read"/"write", .refusal) or None."""
        if name == "admin":
            return _Account(self.admin_secret(), "write")
        for item in self.setting("auth.users"):
            first, last = item.find(":"), item.rfind(":")
            if item[:first] == name:
                access = item[last + 1:]
                # A disabled account answers as an unknown one: no hint that a guess was right.
                return None if access == "disabled" else _Account(item[first + 1:last], access)
        return None

    async def login(self, name, password, address, via):
        """("read" | "write", None) for a good card login, else (None, why); counted, slowed
        down and locked out by the login guard, as every interface's logins are."""
        account, why = await self.guard.login(name, password, address, via, self.account)
        return (account.access if account is not None else None), why

    async def apply(self, changed):
        """Accounts are read at each login; a changed password or access ends its sessions."""
        self._reconcile()

    def operations(self):
        ops = AccountOps(self).table()
        ops["accounts.reset"] = self._reset
        return ops

    async def _reset(self, args, caller):
        """Admin password and user table back to the board's defaults, logged."""
        changed = self.config.reset(settings.KEYS, via=caller.via, user=caller.user)
        catalogue.card_event(self.card.bus, "params.accounts.reset", via=caller.via,
                             user=caller.user)
        return {"changed": changed}

    def status(self):
        users = self.setting("auth.users")
        return {"admin_password_set": self.admin_password_set(),
                "users": [item.split(":")[0] for item in users], "logins": self.guard.status(),
                "sessions": self.sessions.status()}


class _Account:
    """What the login guard needs of a card account, and the access it gives."""

    refusal = None

    def __init__(self, secret, access):
        self.secret = secret
        self.access = access
