"""NUT server accounts: 'name:password:role[:cmd+cmd]' items, passwords kept as salted hashes.

Stored item (config key nut.users, one string per account):

    name:$pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>:role[:cmd+cmd...|:all]

A plain password given through the configuration is replaced by its hash before anything is
stored (check_users, the setting's check), so a password never rests in plain text; the hash is the
card's one login format (passwords.py, salted PBKDF2-HMAC-SHA256). Passwords must not contain
':' ',' '$' or spaces: ':' separates fields, ',' and spaces separate list items, and the manual
forbids '$' in card passwords, which also makes a hash unmistakable for a plain password.
"""

from firmware.accounts.passwords import HASH_PREFIX, hash_password, parse_hash, verify_password

ROLES = {"primary": "primary", "secondary": "secondary", "master": "primary", "slave": "secondary"}
_FORBIDDEN = ":,$ \t\"\\"


class User:
    """One NUT account: who, how to check the password, what it may do."""

    def __init__(self, name, secret, role, commands, refusal=None):
        self.name = name
        self.secret = secret        # the stored hash, never the password
        self.role = role            # "primary" or "secondary"
        self.commands = commands    # set of command names, or None for all
        self.refusal = refusal      # why even the right password is refused now, or None

    def check(self, password):
        return verify_password(password, self.secret)

    def may_run(self, command):
        return self.commands is None or command in self.commands


def _split_item(item):
    """'name:secret:role[:cmds]' -> (name, secret, role, commands) with a clear error."""
    parts = item.split(":")
    if len(parts) < 3 or len(parts) > 4:
        raise ValueError("expected name:password:role[:cmd+cmd], got %d field(s)" % len(parts))
    name, secret, role = parts[0], parts[1], parts[2].lower()
    cmds = parts[3] if len(parts) == 4 else ""
    if not name or any(c in _FORBIDDEN or ord(c) < 33 for c in name) or len(name) > 32:
        raise ValueError("user name %r must be 1-32 characters without : , $ spaces or quotes"
                         % name)
    if role not in ROLES:
        raise ValueError("role of %s must be primary or secondary, not %r" % (name, role))
    if cmds.lower() == "all":
        commands = None
    else:
        commands = [c for c in cmds.split("+") if c]
        for c in commands:
            if any(ch in _FORBIDDEN or ord(ch) < 33 for ch in c):
                raise ValueError("bad command name %r for %s" % (c, name))
    return name, secret, ROLES[role], commands


def check_users(items):
    """The check of nut.users: every item well formed, plain passwords hashed, no duplicate."""
    out = []
    seen = set()
    for item in items:
        name, secret, role, commands = _split_item(item)
        if name in seen:
            raise ValueError("user %s is listed twice" % name)
        seen.add(name)
        if secret.startswith(HASH_PREFIX):
            parse_hash(secret)       # a damaged hash, or one that sets its own cost, is refused
        else:
            if not secret or len(secret) > 64 or any(c in _FORBIDDEN or ord(c) < 33
                                                     for c in secret):
                raise ValueError("password of %s must be 1-64 characters without : , $ spaces or "
                                 "quotes" % name)
            secret = hash_password(secret)
        cmds = "all" if commands is None else "+".join(commands)
        out.append("%s:%s:%s%s" % (name, secret, role, (":" + cmds) if cmds else ""))
    return out


def parse_users(items):
    """{name: User} from validated items; a malformed item is skipped, never fatal."""
    users = {}
    for item in items:
        try:
            name, secret, role, commands = _split_item(item)
        except ValueError:
            continue
        if not secret.startswith(HASH_PREFIX):
            continue  # only hashed secrets are accepted; check_users() makes them
        users[name] = User(name, secret, role, None if commands is None else set(commands))
    return users

