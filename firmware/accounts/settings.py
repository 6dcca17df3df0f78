"""Settings of the card's accounts (manual 15.2 and 15.4): the admin password, the user table,
password validity, login timeout and how many sessions may be open at once."""

from firmware.accounts import passwords, policy
from firmware.settings.schema import ConfigError, Row, item_check

ACCESS = ("disabled", "read", "write")
NAME_FORBIDDEN = ":,$ \t\"\\"


def check_name(name):
    """A user name: 1-32 characters, none of : , $ spaces or quotes (they separate fields)."""
    if not name or len(name) > 32 or any(c in NAME_FORBIDDEN or ord(c) < 33 for c in name):
        raise ValueError("user name %r must be 1-32 characters without : , $ spaces or quotes"
                         % name)
    return name


def user_item(item):
    """'name:password:access' -> 'name:<hash>:access'; a plain password is hashed here."""
    first, last = item.find(":"), item.rfind(":")
    if first < 0 or first == last:
        raise ValueError("expected name:password:access, got %r" % item.split(":")[0])
    name, secret, access = item[:first], item[first + 1:last], item[last + 1:].lower()
    check_name(name)
    if access not in ACCESS:
        raise ValueError("access of %s must be disabled, read or write" % name)
    if passwords.is_hash(secret):
        passwords.parse_hash(secret)
    else:
        try:
            policy.check(secret)
        except ValueError as exc:
            raise ValueError("%s: %s" % (name, exc))
        secret = passwords.hash_password(secret)
    return "%s:%s:%s" % (name, secret, access)


class PasswordRow(Row):
    """A login password setting: a new plain password must pass the policy before it is hashed;
    a stored hash (a backup, the file read at boot) and "" (not set) are taken as they are."""

    def validate(self, value):
        if isinstance(value, str) and value and not passwords.is_hash(value):
            try:
                policy.check(value)
            except ValueError as exc:
                raise ConfigError(self.key, str(exc))
        return super().validate(value)


ROWS = (
    # Empty means the board's first-access password (the last 6 characters of the MAC address).
    PasswordRow("auth.admin_password", "password", "", None,
        "Password of the admin account; stored hashed", label="Net Vision admin Password"),
    Row("auth.users", "list", [], 8,
        "Multi-user table: 'name:password:access', access disabled, read or write; the password "
        "is stored hashed", label="Multi-User Table", check=item_check(user_item)),
    Row("auth.password_validity", "int", 90, (1, 720),
        "Days a login password stays valid; then it must be changed at the next login",
        label="First Login Reset (Day)"),
    Row("auth.login_timeout", "int", 300, (30, 86400),
        "Seconds of inactivity after which a login session is closed", label="Login Timeout (s)"),
    # The manual allows one session; more is an opt-in for sites that need it.
    Row("auth.max_sessions", "int", 1, (1, 16),
        "Login sessions open at once; a new login ends the oldest (1: one session at a time)",
        label="Sessions at once"),
)

# What "reset accounts and passwords" (reset button held 3-6 s, the SSH menu) puts back.
KEYS = ("auth.admin_password", "auth.users")
