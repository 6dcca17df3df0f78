"""Settings of the card's accounts (manual 15.2 and 15.4): the admin password and the user table."""

from firmware.accounts import passwords
from firmware.settings.schema import Row, item_check

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
        if not secret or len(secret) > 64 or any(ord(c) < 32 for c in secret):
            raise ValueError("password of %s must be 1-64 printable characters" % name)
        secret = passwords.hash_password(secret)
    return "%s:%s:%s" % (name, secret, access)


ROWS = (
    # Empty means the board's first-access password (the last 6 characters of the MAC address).
    Row("auth.admin_password", "password", "", None,
        "Password of the admin account; stored hashed", label="Net Vision admin Password"),
    Row("auth.users", "list", [], 8,
        "Multi-user table: 'name:password:access', access disabled, read or write; the password "
        "is stored hashed", label="Multi-User Table", check=item_check(user_item)),
)

# What "reset accounts and passwords" (reset button held 3-6 s, the SSH menu) puts back.
KEYS = tuple(row.key for row in ROWS)
