"""Settings of the SNMP agent and its traps (manual 15.2, 15.3, 15.7, 15.8), with their checks.

    snmp.read_community / snmp.write_community   v1/v2c communities (secrets: sealed at rest,
                                                 left out of backups)
    snmp.usm1 .. snmp.usm8     the USM table, one secret row an entry:
                               NAME:ACCESS:LEVEL[:AUTH:AUTHPASS[:PRIV:PRIVPASS]]
                               ACCESS read|write, LEVEL noAuthNoPriv|authNoPriv|authPriv,
                               AUTH MD5|SHA, PRIV DES|AES
    snmp.traps                 up to 8 receivers: HOST[:PORT]/TYPE/VERSION/COMMUNITY-OR-USER
                               [/FILTER], TYPE rfc1628|netvision|none, VERSION v1|v2c|v3,
                               FILTER information|warning|critical (by severity, the default)
                               or events=N+N+... (NET VISION trap numbers)
"""

from firmware.settings.schema import Row

VERSIONS = ("v1", "v2c", "v3")
LEVELS = ("noAuthNoPriv", "authNoPriv", "authPriv")
AUTH = ("MD5", "SHA")
PRIV = ("DES", "AES")
KINDS = ("none", "rfc1628", "netvision")
SEVERITIES = {"information": "I", "warning": "W", "critical": "C"}
# The manual (15.8): "For all passwords, ()[[{}\$£&\|/ characters are NOT allowed"; ":" and
# spaces separate fields here.
FORBIDDEN = "()[]{}\\$£&|/: \t"
USM_ROWS = 8
MAX_RECEIVERS = 8
MAX_TRAP_NUMBER = 40


def check_versions(items):
    for item in items:
        if item not in VERSIONS:
            raise ValueError("%r is not an SNMP version (v1, v2c, v3)" % item)
    return sorted(set(items), key=VERSIONS.index)


def _secret_text(text, what, minimum=1):
    if len(text) < minimum or len(text) > 64 or any(c in FORBIDDEN or ord(c) < 33
                                                     for c in text):
        raise ValueError("%s must be %d-64 characters without ()[]{}\\$£&|/: or spaces"
                         % (what, minimum))
    return text


def check_community(text):
    return _secret_text(text, "a community", 1) if text else text


class User:
    """One USM table entry."""

    def __init__(self, name, access, level, auth=None, auth_key=None, priv=None,
                 priv_key=None):
        self.name = name
        self.access = access
        self.level = level
        self.auth = auth
        self.auth_key = auth_key
        self.priv = priv
        self.priv_key = priv_key


def parse_user(text):
    """A USM row's value -> User (None when the row is empty); ValueError says what is wrong."""
    if not text:
        return None
    fields = text.split(":")
    if len(fields) < 3:
        raise ValueError("expected NAME:ACCESS:LEVEL[:AUTH:AUTHPASS[:PRIV:PRIVPASS]]")
    name, access, level = fields[0], fields[1].lower(), fields[2]
    _secret_text(name, "a user name")
    if access not in ("read", "write"):
        raise ValueError("access of %s must be read or write" % name)
    levels = {lv.lower(): lv for lv in LEVELS}
    if level.lower() not in levels:
        raise ValueError("level of %s must be one of %s" % (name, ", ".join(LEVELS)))
    level = levels[level.lower()]
    need = {"noAuthNoPriv": 3, "authNoPriv": 5, "authPriv": 7}[level]
    if len(fields) != need:
        raise ValueError("%s at %s needs %d fields, got %d" % (name, level, need, len(fields)))
    user = User(name, access, level)
    if need >= 5:
        user.auth = fields[3].upper()
        if user.auth not in AUTH:
            raise ValueError("authentication of %s must be MD5 or SHA" % name)
        # RFC 3414 and net-snmp ask for passphrases of at least 8 characters.
        user.auth_key = _secret_text(fields[4], "the authentication password", 8)
    if need == 7:
        user.priv = fields[5].upper()
        if user.priv not in PRIV:
            raise ValueError("privacy of %s must be DES or AES" % name)
        user.priv_key = _secret_text(fields[6], "the privacy password", 8)
    return user


def check_user(text):
    parse_user(text)
    return text


class Receiver:
    """One trap receiver."""

    def __init__(self, host, port, kind, version, community, filter_kind, filter_value):
        self.host = host
        self.port = port
        self.kind = kind
        self.version = version
        self.community = community      # the USM user name for v3
        self.filter_kind = filter_kind  # "severity" or "events"
        self.filter_value = filter_value  # "I"/"W"/"C", or a set of trap numbers

    @property
    def address(self):
        return "%s:%d" % (self.host, self.port)


def parse_receiver(item, default_port=162):
    """'192.0.2.7:162/netvision/v2c/public/warning' -> Receiver; ValueError says why not."""
    fields = item.split("/")
    if len(fields) not in (4, 5):
        raise ValueError("%r: expected HOST[:PORT]/TYPE/VERSION/COMMUNITY[/FILTER]" % item)
    where, kind, version, community = fields[:4]
    host, port = where, default_port
    if where.startswith("["):                       # [IPv6]:port
        end = where.find("]")
        host, rest = where[1:end], where[end + 1:]
        if rest:
            port = _port(rest.lstrip(":"), item)
    elif where.count(":") == 1:
        host, text = where.split(":")
        port = _port(text, item)
    if not host or any(c.isspace() for c in host):
        raise ValueError("%r: no receiver address" % item)
    if kind.lower() not in KINDS:
        raise ValueError("%r: type must be rfc1628, netvision or none" % item)
    if version.lower() not in VERSIONS:
        raise ValueError("%r: version must be v1, v2c or v3" % item)
    _secret_text(community, "a community or user name")
    filter_kind, value = "severity", "I"
    if len(fields) == 5 and fields[4]:
        text = fields[4].lower()
        if text.startswith("events="):
            numbers = set()
            for part in text[7:].split("+"):
                if not part.isdigit() or not 1 <= int(part) <= MAX_TRAP_NUMBER:
                    raise ValueError("%r: events are trap numbers 1-40 joined by +" % item)
                numbers.add(int(part))
            filter_kind, value = "events", numbers
        elif text in SEVERITIES:
            value = SEVERITIES[text]
        else:
            raise ValueError("%r: filter must be information, warning, critical or events=..."
                             % item)
    return Receiver(host, port, kind.lower(), version.lower(), community, filter_kind, value)


def _port(text, item):
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError("%r: bad port %r" % (item, text))
    return int(text)


def check_receivers(items):
    for item in items:
        parse_receiver(item)
    return items


ROWS = (
    Row("snmp.enabled", "bool", True, None, "SNMP agent on/off", label="SNMP Support"),
    Row("snmp.port", "int", 161, (0, 65535), "SNMP agent UDP port; 0 = any free port",
        label="SNMP Port"),
    Row("snmp.bind", "host", "0.0.0.0", 64,
        "Address the SNMP agent listens on (0.0.0.0 = every IPv4 address)",
        label="SNMP Listen Address"),
    Row("snmp.max_rate", "int", 500, (0, 100000),
        "Requests a second answered from one address (more are dropped, counted); 0 = no limit",
        label="SNMP Max Rate"),
    Row("snmp.versions", "list", list(VERSIONS), 3,
        "SNMP versions answered: v1, v2c, v3", check=check_versions, label="SNMP Versions"),
    Row("snmp.read_community", "secret", "public", 64,
        "Community that reads (v1/v2c); empty = none", label="SNMP read Community",
        check=check_community),
    Row("snmp.write_community", "secret", "private", 64,
        "Community that reads and writes (v1/v2c); empty = none",
        label="SNMP write Community", check=check_community),
) + tuple(
    Row("snmp.usm%d" % n, "secret", "", 250,
        "SNMPv3 USM user %d: NAME:ACCESS:LEVEL[:AUTH:AUTHPASS[:PRIV:PRIVPASS]]; access read or "
        "write, level noAuthNoPriv, authNoPriv or authPriv, AUTH MD5 or SHA, PRIV DES or AES"
        % n, label="SNMP USM table entry %d" % n, check=check_user)
    for n in range(1, USM_ROWS + 1)
) + (
    Row("snmp.traps", "list", [], MAX_RECEIVERS,
        "Trap receivers: HOST[:PORT]/TYPE/VERSION/COMMUNITY-or-USER[/FILTER]; TYPE rfc1628, "
        "netvision or none; FILTER information, warning, critical or events=N+N...",
        label="SNMP Trap Receivers Table", check=check_receivers),
    Row("snmp.trap_port", "int", 162, (1, 65535), "Receivers' UDP port when an item names none",
        label="SNMP Trap Port"),
    Row("snmp.trap_filter", "bool", False, None,
        "With a severity filter, leave out NET VISION traps 3 and 4 (alarm added / removed)",
        label="SNMP TRAP / email Filter"),
    Row("snmp.attached_devices", "str", "", 64,
        "What the UPS output feeds (RFC 1628 upsIdentAttachedDevices)", label="Attached Devices"),
)
