"""Management operations on the card's accounts, for every interface (web, console, opennmc).

    op                      args                                   result
    accounts.users          -                                      [{name, access, days_left}]
    accounts.set_user       name, access, password (new users;     {"changed": [...]}
                            optional for a change of access)
    accounts.delete_user    name                                   {"changed": [...]}
    accounts.password       old, new (the caller's own password)   {"changed": [...]}
    accounts.sessions       -                                      open sessions and counters

Every change goes through the configuration (auth.admin_password, auth.users): checked by the
password policy, stored hashed, logged "... has been changed via <via> by <user>".
"""

from firmware.accounts import passwords
from firmware.accounts.settings import ACCESS, check_name
from firmware.admin.args import OpError


def split_item(item):
    """(name, secret, access) of an auth.users item."""
    first, last = item.find(":"), item.rfind(":")
    return item[:first], item[first + 1:last], item[last + 1:]


class AccountOps:
    """The operations of the accounts feature `accounts`."""

    def __init__(self, accounts):
        self.accounts = accounts
        self.config = accounts.config

    def table(self):
        return {"accounts.users": self.users, "accounts.set_user": self.set_user,
                "accounts.delete_user": self.delete_user, "accounts.password": self.password,
                "accounts.sessions": self.sessions}

    async def users(self, args, caller):
        out = [{"name": "admin", "access": "admin",
                "days_left": self.accounts.days_left("admin")}]
        for item in self.config.get("auth.users"):
            name, _secret, access = split_item(item)
            out.append({"name": name, "access": access,
                        "days_left": self.accounts.days_left(name)})
        return out

    async def _update(self, values, caller):
        try:
            changed = self.config.update(values, via=caller.via, user=caller.user)
        except ValueError as exc:     # ConfigError: the policy or the table refused it
            raise OpError(getattr(exc, "message", str(exc)),
                          detail={getattr(exc, "field", "auth"): getattr(exc, "message",
                                                                         str(exc))})
        except OSError as exc:
            raise OpError("configuration not saved, nothing changed: %s" % exc, "failed")
        await self.accounts.card.settled()     # sessions of a changed account have ended
        return {"changed": changed}

    async def set_user(self, args, caller):
        name, access, password = args.get("name"), args.get("access"), args.get("password")
        if not isinstance(name, str) or name == "admin":
            raise OpError("name must be a user name other than admin")
        try:
            check_name(name)
        except ValueError as exc:
            raise OpError(str(exc))
        if access not in ACCESS:
            raise OpError("access must be one of %s" % ", ".join(ACCESS))
        if password is not None and (not isinstance(password, str) or passwords.is_hash(
                password)):
            raise OpError("password must be the new plain password")
        items = list(self.config.get("auth.users"))
        for i, item in enumerate(items):
            if split_item(item)[0] == name:
                secret = password or split_item(item)[1]
                items[i] = "%s:%s:%s" % (name, secret, access)
                break
        else:
            if not password:
                raise OpError("a new user needs a password")
            items.append("%s:%s:%s" % (name, password, access))
        return await self._update({"auth.users": items}, caller)

    async def delete_user(self, args, caller):
        name = args.get("name")
        items = [i for i in self.config.get("auth.users") if split_item(i)[0] != name]
        if len(items) == len(self.config.get("auth.users")):
            raise OpError("no user %r" % (name,))
        return await self._update({"auth.users": items}, caller)

    async def password(self, args, caller):
        old, new = args.get("old"), args.get("new")
        if not isinstance(old, str) or not isinstance(new, str) or not new:
            raise OpError("give the current password (old) and the new one (new)")
        if new == old:
            raise OpError("the new password must differ from the current one")
        user = caller.user
        first = getattr(self.accounts.card.board, "first_password", None)
        if user == "admin" and first and new.upper() == first.upper():
            raise OpError("the first-access password cannot be the new admin password")
        address = getattr(caller, "address", caller.via)
        access, why = await self.accounts.login(user, old, address, caller.via)
        if access is None:
            raise OpError("current password refused: %s" % why)
        if user == "admin":
            return await self._update({"auth.admin_password": new}, caller)
        items = list(self.config.get("auth.users"))
        for i, item in enumerate(items):
            name, _secret, access = split_item(item)
            if name == user:
                items[i] = "%s:%s:%s" % (name, new, access)
                return await self._update({"auth.users": items}, caller)
        raise OpError("no account %r" % (user,))

    async def sessions(self, args, caller):
        return self.accounts.sessions.status()
