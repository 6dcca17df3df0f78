"""Settings of the notifications: e-mail (manual 15.9), Wake-on-LAN (15.11), syslog (15.14).

List items, each checked on its own (a bad item refuses the whole change, naming the item):

    mail.recipients   ADDRESS:TYPE:SEVERITY     ops@example.com:events:warning
                      TYPE events | report | both ("Events", "Daily Status", "Events / Status")
                      SEVERITY information | warning | critical (the lowest level mailed)
    wol.targets       MAC:on|off[:DESCRIPTION]  00:11:22:33:44:55:on:rack-2-db
    syslog.events     ups | card | shutdown     (the manual's UPS + NET VISION + SERVICE filter)

The manual's single "SNMP TRAP / email Filter" is one row per feature here (snmp.trap_filter,
mail.alarm_filter), because a setting exists only when its feature does.
"""

from firmware.notify.filter import SEVERITIES
from firmware.settings.schema import Row, item_check
from firmware.settings.types import text

MAX_RECIPIENTS = 8          # the manual's table
MAX_TARGETS = 32            # "Up to 32 MAC client addresses"
ADDRESS_MAX = 64            # "the e-mail address length is limited to 64 characters"
MAIL_TYPES = ("events", "report", "both")
SYSLOG_GROUPS = ("ups", "card", "shutdown")
_ADDRESS_FORBIDDEN = " \t<>()[],;:\\\""


def check_address(address):
    """A plain e-mail address name@domain (no display name), at most 64 characters."""
    text(address, ADDRESS_MAX)
    local, at, domain = address.rpartition("@")
    if not at or not local or "." not in domain or domain.startswith(".") \
            or domain.endswith(".") or any(c in _ADDRESS_FORBIDDEN for c in address):
        raise ValueError("%r is not an e-mail address name@domain" % address)
    return address


def _check_sender(value):
    return check_address(value) if value else value


def parse_recipient(item):
    """'ops@example.com:events:warning' -> (address, type, lowest level "I"|"W"|"C")."""
    fields = item.split(":")
    if len(fields) != 3:
        raise ValueError("%r: expected ADDRESS:TYPE:SEVERITY, e.g. ops@example.com:events:warning"
                         % item)
    address, kind, severity = fields[0], fields[1].lower(), fields[2].lower()
    check_address(address)
    if kind not in MAIL_TYPES:
        raise ValueError("%r: type must be events, report or both" % item)
    if severity not in SEVERITIES:
        raise ValueError("%r: severity must be information, warning or critical" % item)
    return address, kind, SEVERITIES[severity]


def _recipient(item):
    parse_recipient(item)
    return item


def check_time_of_day(value):
    """'hh:mm', 00:00 to 23:59."""
    hh, colon, mm = value.partition(":")
    if not colon or len(hh) != 2 or len(mm) != 2 or not (hh + mm).isdigit() \
            or int(hh) > 23 or int(mm) > 59:
        raise ValueError("must be a time of day hh:mm, not %r" % value)
    return value


def parse_mac(text_):
    """'00:11:22:AA:bb:cc' or '00-11-22-aa-bb-cc' -> 6 bytes; ValueError otherwise."""
    parts = text_.replace("-", ":").split(":")
    if len(parts) != 6 or not all(len(p) == 2 for p in parts):
        raise ValueError("%r is not a MAC address like 00:11:22:33:44:55" % text_)
    try:
        return bytes(int(p, 16) for p in parts)
    except ValueError:
        raise ValueError("%r is not a MAC address like 00:11:22:33:44:55" % text_)


def parse_target(item):
    """'00:11:22:33:44:55:on:rack 2' -> (mac bytes, enabled, description)."""
    fields = (item[:17].replace("-", ":") + item[17:]).split(":", 7)
    if len(fields) < 7:
        raise ValueError("%r: expected MAC:on|off[:DESCRIPTION]" % item)
    mac = parse_mac(":".join(fields[:6]))
    state = fields[6].lower()
    if state not in ("on", "off"):
        raise ValueError("%r: control must be on or off" % item)
    description = fields[7] if len(fields) > 7 else ""
    text(description, 64)
    return mac, state == "on", description


def _target(item):
    mac, enabled, description = parse_target(item)
    canonical = ":".join("%02x" % b for b in mac)
    return canonical + (":on" if enabled else ":off") + (":" + description if description else "")


def _check_targets(items):
    out = [_target(item) for item in items]
    seen = set()
    for item in out:
        if item[:17] in seen:
            raise ValueError("%s is listed twice" % item[:17])
        seen.add(item[:17])
    return out


def _group(item):
    if item.lower() not in SYSLOG_GROUPS:
        raise ValueError("%r: syslog events are ups, card or shutdown" % item)
    return item.lower()


def _ca_file(value):
    if value and any(c in value for c in "\r\n"):
        raise ValueError("must be a file path")
    return value


MAIL_ROWS = (
    Row("mail.enabled", "bool", False, None, "E-mail notification on/off",
        label="SMTP Support"),
    Row("mail.server", "host", "", 64, "Mail server: name or address", label="Mail Server"),
    Row("mail.port", "int", 25, (1, 65535), "Mail server port (25, 587 for STARTTLS, 465 TLS)",
        label="SMTP Port"),
    Row("mail.tls", "choice", "off", ("off", "starttls", "tls"),
        "TLS: off, starttls (upgrade after connecting) or tls (implicit, port 465); the "
        "server's certificate is always verified", label="Mail support TLS"),
    Row("mail.ca_file", "str", "", 200,
        "PEM file of the CA that signed the mail server's certificate; empty = the system's",
        check=_ca_file, label="SMTP CA File"),
    Row("mail.auth", "bool", False, None, "Log in to the mail server (needs TLS)",
        label="Mail support authentication"),
    Row("mail.user", "str", "", 64, "User account on the mail server", label="User Account"),
    Row("mail.password", "secret", "", 64, "Password of the mail account",
        label="User Password"),
    Row("mail.sender", "str", "", ADDRESS_MAX, "Sender e-mail address name@domain",
        label="Sender email Address", check=_check_sender),
    Row("mail.subject_prefix", "str", "", 64, "Free text at the start of every subject",
        label="Mail Subject Prefix"),
    Row("mail.recipients", "list", [], MAX_RECIPIENTS,
        "Recipients: 'ADDRESS:TYPE:SEVERITY', TYPE events, report or both, SEVERITY the lowest "
        "level mailed (information, warning, critical)", label="Email Notification",
        check=item_check(_recipient)),
    Row("mail.delay", "int", 0, (0, 1440),
        "Minutes an event must last before it is mailed (one that clears sooner sends nothing)",
        label="Delay before sending (minute)"),
    Row("mail.report_time", "str", "00:00", 5,
        "Card local time of the daily status report (hh:mm), logs attached as CSV",
        label="Mail Daily Status Report at (hh:mm)", check=check_time_of_day),
    Row("mail.alarm_filter", "bool", False, None,
        "Leave out alarm-table entries (the manual's traps 3 and 4) from event mails",
        label="SNMP TRAP / email Filter"),
)

SYSLOG_ROWS = (
    Row("syslog.enabled", "bool", False, None, "Syslog (RFC 5424) on/off", label="Syslog Setup"),
    Row("syslog.server", "host", "", 64, "Syslog server: name or address", label="Syslog Server"),
    Row("syslog.port", "int", 514, (1, 65535), "Syslog server port (514; 6514 for TLS)",
        label="Syslog Port"),
    Row("syslog.transport", "choice", "udp", ("udp", "tcp", "tls"),
        "udp (RFC 5426), tcp (RFC 6587 octet counting) or tls (RFC 5425)",
        label="Syslog Transport"),
    Row("syslog.ca_file", "str", "", 200,
        "PEM file of the CA that signed the syslog server's certificate; empty = the system's",
        check=_ca_file, label="Syslog CA File"),
    Row("syslog.events", "list", list(SYSLOG_GROUPS), 3,
        "What is sent: ups (UPS/STS events), card (card events), shutdown (commands sent to "
        "servers)", label="Syslog filter", check=item_check(_group)),
    Row("syslog.facility", "int", 16, (0, 23), "Syslog facility (16 = local0)",
        label="Syslog Facility"),
)

WOL_ROWS = (
    Row("wol.enabled", "bool", False, None, "Wake-on-LAN after an AC-failure shutdown on/off",
        label="WOL Target"),
    Row("wol.targets", "list", [], MAX_TARGETS,
        "Servers to wake: 'MAC:on|off[:DESCRIPTION]'", label="Wake On LAN Targets",
        check=_check_targets),
    Row("wol.broadcast", "host", "255.255.255.255", 64,
        "Address the magic packets go to (the servers' subnet broadcast address)",
        label="WOL Broadcast Address"),
    Row("wol.port", "int", 9, (1, 65535), "UDP port of the magic packets (9 or 7)",
        label="WOL Port"),
    Row("wol.delay", "int", 10, (0, 3600),
        "Seconds between the mains return or the UPS restart and the magic packets",
        label="WOL Delay (s)"),
)

ROWS = MAIL_ROWS + SYSLOG_ROWS + WOL_ROWS
