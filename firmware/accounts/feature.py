"""The accounts feature: who may log in to the card, with which rights."""

from firmware.accounts import passwords, settings
from firmware.accounts.guard import LoginGuard
from firmware.card.feature import Feature
from firmware.state import catalogue


class Accounts(Feature):
    """The admin account and the user table; the card's `accounts` interface."""

    name = "accounts"
    title = "Accounts"
    SETTINGS = settings.ROWS

    def __init__(self, card):
        super().__init__(card)
        self._first_secret = None
        self.guard = LoginGuard(card.bus)
        card.accounts = self

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
        """Accounts are read at each login: nothing to restart."""

    def operations(self):
        return {"accounts.reset": self._reset}

    async def _reset(self, args, caller):
        """Admin password and user table back to the board's defaults, logged."""
        changed = self.config.reset(settings.KEYS, via=caller.via, user=caller.user)
        catalogue.card_event(self.card.bus, "params.accounts.reset", via=caller.via,
                             user=caller.user)
        return {"changed": changed}

    def status(self):
        users = self.setting("auth.users")
        return {"admin_password_set": self.admin_password_set(),
                "users": [item.split(":")[0] for item in users], "logins": self.guard.status()}


class _Account:
    """What the login guard needs of a card account, and the access it gives."""

    refusal = None

    def __init__(self, secret, access):
        self.secret = secret
        self.access = access
