"""Formats of the items of list settings (users, recipients, WOL targets, firewall rules).

Each checker takes one item string and returns it normalised, or raises ValueError with a message
that says what is wrong; firmware.settings.config wraps them as VALIDATORS naming the setting.
Fields are separated by ':' (';' for WOL targets, whose MAC address already holds ':').
"""

from firmware.accounts import passwords

ACCESS = ("disabled", "read", "write")
MAIL_TYPES = ("events", "daily", "both")
SEVERITIES = ("information", "warning", "critical")
_NAME_FORBIDDEN = ":,$ \t\"\\"


def _name(name):
    if not name or len(name) > 32 or any(c in _NAME_FORBIDDEN or ord(c) < 33 for c in name):
        raise ValueError("user name %r must be 1-32 characters without : , $ spaces or quotes"
                         % name)
    return name


def user_item(item):
    """'name:password:access' -> 'name:<hash>:access'; a plain password is hashed here."""
    first, last = item.find(":"), item.rfind(":")
    if first < 0 or first == last:
        raise ValueError("expected name:password:access, got %r" % item.split(":")[0])
    name, secret, access = item[:first], item[first + 1:last], item[last + 1:].lower()
    _name(name)
    if access not in ACCESS:
        raise ValueError("access of %s must be disabled, read or write" % name)
    if passwords.is_hash(secret):
        passwords.parse_hash(secret)
    else:
        if not secret or len(secret) > 64 or any(ord(c) < 32 for c in secret):
            raise ValueError("password of %s must be 1-64 printable characters" % name)
        secret = passwords.hash_password(secret)
    return "%s:%s:%s" % (name, secret, access)


def radius_user_item(item):
    """'name:access', access read or write."""
    name, _, access = item.partition(":")
    _name(name)
    if access.lower() not in ("read", "write"):
        raise ValueError("access of %s must be read or write" % name)
    return "%s:%s" % (name, access.lower())


def recipient_item(item):
    """'address[:events|daily|both[:information|warning|critical]]'."""
    fields = item.split(":")
    if len(fields) > 3:
        raise ValueError("expected address[:type[:severity]], got %r" % item)
    address = fields[0]
    if len(address) > 64 or address.count("@") != 1 or address[0] == "@" or address[-1] == "@":
        raise ValueError("%r is not an e-mail address (at most 64 characters)" % address)
    kind = fields[1].lower() if len(fields) > 1 else "events"
    severity = fields[2].lower() if len(fields) > 2 else "information"
    if kind not in MAIL_TYPES:
        raise ValueError("mail type of %s must be events, daily or both" % address)
    if severity not in SEVERITIES:
        raise ValueError("severity of %s must be information, warning or critical" % address)
    return "%s:%s:%s" % (address, kind, severity)


def _is_mac(text):
    parts = text.replace("-", ":").split(":")
    hexdigits = "0123456789abcdef"
    return len(parts) == 6 and all(len(p) == 2 and all(c in hexdigits for c in p.lower())
                                   for p in parts)


def wol_item(item):
    """'MAC[;on|off[;description]]'."""
    fields = item.split(";", 2)
    mac = fields[0].strip().replace("-", ":").lower()
    if not _is_mac(mac):
        raise ValueError("%r is not a MAC address like 00:11:22:33:44:55" % fields[0])
    control = fields[1].strip().lower() if len(fields) > 1 else "on"
    if control not in ("on", "off"):
        raise ValueError("control of %s must be on or off" % mac)
    description = fields[2] if len(fields) > 2 else ""
    if len(description) > 64 or any(ord(c) < 32 for c in description):
        raise ValueError("description of %s must be at most 64 printable characters" % mac)
    return "%s;%s;%s" % (mac, control, description) if description else "%s;%s" % (mac, control)


def firewall_item(item):
    """'ADDRESS/PREFIX:accept|reject' (IPv4)."""
    target, _, action = item.rpartition(":")
    address, _, prefix = target.partition("/")
    prefix = prefix or "32"
    parts = address.split(".")
    if not (len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)):
        raise ValueError("%r is not an IPv4 address" % address)
    if not prefix.isdigit() or int(prefix) > 32:
        raise ValueError("prefix length of %s must be 0-32" % address)
    if action.lower() not in ("accept", "reject"):
        raise ValueError("action for %s must be accept or reject" % address)
    return "%s/%d:%s" % (address, int(prefix), action.lower())


def trap_number_item(item):
    """A trap number of the card's MIB, 1-39."""
    if not item.isdigit() or not 1 <= int(item) <= 39:
        raise ValueError("%r is not a trap number 1-39" % item)
    return str(int(item))


def snmp_v3_password(value):
    """USM passwords need at least 8 characters (RFC 3414); empty = not used."""
    if value and len(value) < 8:
        raise ValueError("must have at least 8 characters")
    return value


def unique_names(items):
    """Refuse two items with the same first field."""
    seen = set()
    for item in items:
        name = item.split(":")[0].split(";")[0]
        if name in seen:
            raise ValueError("%s is listed twice" % name)
        seen.add(name)
