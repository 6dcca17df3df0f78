"""The accounts feature: who may log in to the card, with which rights."""

from firmware.accounts import passwords, settings
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
        card.accounts = self

    def admin_secret(self):
        """Hash of the admin password (the board's first-access one until it is set)."""
        stored = self.setting("auth.admin_password")
        if stored:
            return stored
        if self._first_secret is None:
            # Kept only in memory, as a hash: the first-access password is derived, not stored.
            self._first_secret = passwords.hash_password(self.card.board.first_password)
        return self._first_secret

    def user_access(self, name, plain):
        """'write' for admin and read/write users, 'read', or None when the login is refused."""
        if name == "admin":
            return "write" if passwords.verify_password(plain, self.admin_secret()) else None
        for item in self.setting("auth.users"):
            first, last = item.find(":"), item.rfind(":")
            if item[:first] == name:
                access = item[last + 1:]
                if access != "disabled" and passwords.verify_password(plain,
                                                                      item[first + 1:last]):
                    return access
                return None
        return None

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
        return {"admin_password_set": bool(self.setting("auth.admin_password")),
                "users": [item.split(":")[0] for item in users]}
