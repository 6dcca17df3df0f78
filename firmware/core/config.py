"""The configuration: one schema (defaults, types, bounds, choices), validation, checked atomic save.

Keys are "section.key". Everything that reads settings goes through a Config object:

    cfg = Config(path, bus=bus, board_defaults={"http.port": 8080})
    cfg.get("poll.rate")                # -> 2
    cfg.section("nut")                  # -> {"port": 3493, "users": [...], ...}
    cfg.update({"poll.rate": "0"}, via="cli", user="admin")   # validates all first, all or nothing
    cfg.save()                          # temp file, fsync, previous copy kept as .bak, rename
    cfg.report                          # what loading found: source, checksum error, unknown keys
    parse_assignment("poll.rate=0")     # -> ("poll.rate", 0), typed through the schema

A bad key or value raises ConfigError naming the field; nothing is changed. The file layout, the
checksum and the fallback to the last good copy are described in firmware/core/config_store.py;
backup/restore of the whole configuration is in firmware/core/config_backup.py.

Value types (SCHEMA rows are key: (type, default, constraint, description)):
    int (min, max)      hours (min, max) GMT offset, quarter hours   bool
    choice (allowed)    str (max length)    host (max length) name or address, may be empty
    ipv4 (empty allowed?)    email (max length)    hhmm  "HH:MM"
    list (max items) of text; VALIDATORS check item formats
    password            login password, kept only as a salted hash ("" = not set)
    secret (max length) sent to peers so kept readable in memory, sealed at rest, left out of backups
"""

from firmware.core import config_items, config_store, passwords


class ConfigError(ValueError):
    def __init__(self, field, message):
        # super(), not ValueError.__init__(self, ...): MicroPython's built-in types lack __init__.
        super().__init__("%s: %s" % (field, message))
        self.field = field
        self.message = message


_PORT = (0, 65535)  # 0 = any free port (tests, parallel runs); the ready line reports the real one
_SEVERITY = ("information", "warning", "critical")

SCHEMA = {
    # --- identity (manual 15.2)
    "system.name": ("str", "opennmc", 64, "Name shown in the top bar, SNMP sysName and e-mail"),
    "system.contact": ("str", "", 64, "Additional info reported in SNMP sysContact and in e-mail"),
    "system.location": ("str", "", 64, "Shown in the top bar, SNMP sysLocation and e-mail"),
    "system.temperature_unit": ("choice", "C", ("C", "F"), "Temperature unit, Celsius or Fahrenheit"),
    "system.data_unit": ("int", 0, (0, 12),
                         "0 = SNMP/BACnet unit objects carry system data; 1-12 = data of that unit "
                         "only (the card then monitors that unit only; traps stay system level)"),
    # --- network (15.2, 15.3)
    "network.dhcp": ("bool", True, None, "BootP/DHCP; off = static address below"),
    "network.ip": ("ipv4", "192.168.7.18", False, "Static IP address"),
    "network.netmask": ("ipv4", "255.255.255.0", False, "Static subnet mask"),
    "network.gateway": ("ipv4", "", True, "Static gateway address (empty = none)"),
    "network.dns": ("ipv4", "", True, "DNS server, so servers can be given by name"),
    "network.ipv6_mode": ("choice", "auto", ("auto", "static", "off"), "IPv6 configuration"),
    "network.ipv6_address": ("host", "", 64, "IPv6 global address with prefix, when static"),
    "network.ipv6_router": ("host", "", 64, "IPv6 router, when static"),
    "network.ping": ("bool", True, None, "Answer ping echo requests"),
    "network.upgrade": ("bool", True, None, "Allow firmware upgrade over the network"),
    "network.upnp": ("bool", False, None, "Announce the card as a UPnP network device"),
    # --- UPS link
    "serial.baud": ("choice", "auto", ("auto", "2400", "9600", "19200", "57600"),
                    "Baud rate; auto detects 57600, 19200, 9600 then 2400"),
    "serial.mapping": ("choice", "auto", ("auto", "jbusp", "vumap", "sts"),
                       "UPS Modbus mapping; auto detects it"),
    "serial.parity": ("choice", "N", ("N", "E", "O"), "Serial parity"),
    "serial.slave": ("int", 1, (1, 247), "Modbus slave address of the UPS (the system)"),
    # The manual's defaults per baud: 20 ms at 57600, 50 ms at 19200, 100 ms at 9600.
    "serial.timeout_ms": ("int", 0, (0, 5000),
                          "Additional serial timeout; 0 = the manual's default for the baud rate"),
    "serial.retries": ("int", 2, (0, 10), "Retries of a failed request before the cycle fails"),
    "poll.rate": ("int", 2, (0, 3600), "Polling Rate (s): delay between two polls; 0 = back-to-back"),
    "poll.stale_after": ("int", 3, (1, 100), "Failed cycles before the data is stale"),
    "poll.ident_every": ("int", 300, (10, 86400), "Seconds between re-reads of identity/config"),
    "poll.commands": ("list", [], 32,
                      "Command register overrides: 'nut.command=ADDRESS:VALUE' (hex or decimal)"),
    # --- logs (15.2): the manual's ring logs hold up to 2048 records each
    "log.history_interval": ("int", 60, (1, 3600), "Seconds between two history log records"),
    "log.extended_interval": ("int", 60, (1, 1440),
                              "Minutes between two extended (min/avg/max) history records"),
    "log.records": ("int", 2048, (16, 65535), "Records kept in each log"),
    # --- accounts (15.2, 15.4)
    "auth.admin_password": ("password", "", None,
                            "Password of the admin account (empty = the board's first-access one)"),
    "auth.password_validity": ("int", 90, (1, 720), "Days an account password stays valid"),
    "auth.login_timeout": ("int", 300, (10, 86400), "Seconds a web or SSH session stays open idle"),
    "auth.users": ("list", [], 8,
                   "Multi-user table: 'name:password:access', access disabled, read or write; "
                   "the password is stored hashed"),
    # --- services on/off and ports (15.3)
    "http.enabled": ("bool", True, None, "Web interface over HTTP"),
    "http.port": ("int", 80, _PORT, "HTTP port"),
    "https.enabled": ("bool", True, None, "Web interface over HTTPS"),
    "https.port": ("int", 443, _PORT, "HTTPS port"),
    "ssh.enabled": ("bool", True, None, "SSH configuration console"),
    "ssh.port": ("int", 22, _PORT, "SSH port"),
    "snmp.enabled": ("bool", True, None, "SNMP agent"),
    "snmp.port": ("int", 161, _PORT, "SNMP agent UDP port"),
    "snmp.version": ("choice", "all", ("all", "v1v2c", "v3"), "SNMP versions answered"),
    "snmp.read_community": ("secret", "public", 32, "SNMP v1/v2c read community"),
    "snmp.write_community": ("secret", "private", 32, "SNMP v1/v2c write community"),
    "snmp.trap_port": ("int", 162, _PORT, "UDP port traps are sent to"),
    "snmp.trap_filter": ("bool", False, None,
                         "Do not send TRAP 3/4 (alarm entry added/removed) to receivers filtering "
                         "by severity; also applies to e-mail"),
    "smtp.enabled": ("bool", True, None, "E-mail notification"),
    "smtp.port": ("int", 25, _PORT, "Mail server port"),
    "smtp.server": ("host", "", 64, "Mail server name or address"),
    "smtp.user": ("str", "", 64, "Mail account, when the server needs authentication"),
    "smtp.password": ("secret", "", 64, "Mail account password"),
    "smtp.sender": ("email", "", 64, "Sender e-mail address"),
    "smtp.subject_prefix": ("str", "", 64, "Free text put before every mail subject"),
    "smtp.daily_report": ("hhmm", "00:00", None, "Time of the daily status mail (HH:MM)"),
    "smtp.tls": ("bool", False, None, "Use TLS with the mail server"),
    "smtp.auth": ("bool", False, None, "Log in to the mail server with the account above"),
    "smtp.delay": ("int", 0, (0, 60), "Minutes an event must last before its mail is sent"),
    "smtp.recipients": ("list", [], 8,
                        "Recipients: 'address[:events|daily|both[:information|warning|critical]]'"),
    "radius.enabled": ("bool", False, None, "Check logins against RADIUS servers first"),
    "radius.port": ("int", 1812, _PORT, "RADIUS UDP port"),
    "radius.primary": ("host", "", 64, "Primary RADIUS server"),
    "radius.secondary": ("host", "", 64, "Secondary RADIUS server (empty = none)"),
    "radius.primary_secret": ("secret", "", 64, "Shared secret of the primary server"),
    "radius.secondary_secret": ("secret", "", 64, "Shared secret of the secondary server"),
    "radius.timeout": ("int", 1, (1, 60), "Seconds before a RADIUS request is sent again"),
    "radius.retries": ("int", 3, (0, 10), "RADIUS request retries"),
    "radius.users": ("list", [], 8, "RADIUS users' rights: 'name:access', access read or write"),
    "wol.enabled": ("bool", False, None, "Wake-on-LAN of servers after a shutdown on AC failure"),
    "wol.targets": ("list", [], 32, "WOL targets: 'MAC[;on|off[;description]]'"),
    "modbus.enabled": ("bool", False, None, "Modbus TCP server"),
    "modbus.port": ("int", 502, _PORT, "Modbus TCP port"),
    "modbus.idle_timeout": ("int", 60, (5, 3600),
                            "Seconds without traffic before the connection is closed"),
    "bacnet.enabled": ("bool", False, None, "BACnet/IP (not for STS nor old UPS ranges)"),
    "bacnet.port": ("int", 47808, _PORT, "BACnet/IP UDP port"),
    "bacnet.device_id": ("int", 1000, (0, 4194302), "BACnet device instance"),
    "syslog.enabled": ("bool", False, None, "Send events to a syslog server"),
    "syslog.server": ("host", "", 64, "Syslog server"),
    "syslog.port": ("int", 514, _PORT, "Syslog server port"),
    "syslog.protocol": ("choice", "udp", ("udp", "tcp", "tls"), "Syslog transport"),
    "syslog.ups": ("bool", True, None, "Send UPS events"),
    "syslog.card": ("bool", True, None, "Send card events (configuration changes ...)"),
    "syslog.service": ("bool", True, None, "Send shutdown commands sent to servers"),
    "ddns.enabled": ("bool", False, None, "Register the card's address with a DDNS provider"),
    "ddns.provider": ("choice", "dyndns",
                      ("ezip", "pgpow", "dhs", "dyndns", "dyndns-stat", "tzo", "easydns"),
                      "DDNS provider"),
    "ddns.user": ("str", "", 64, "DDNS account"),
    "ddns.password": ("secret", "", 64, "DDNS account password"),
    "ddns.domain": ("host", "", 64, "DDNS domain name"),
    "firewall.enabled": ("bool", False, None, "Filter who may reach the card"),
    "firewall.rules": ("list", [], 16, "Rules in order: 'ADDRESS/PREFIX:accept|reject'"),
    "shutdown.agent": ("bool", True, None, "Shutdown agent (clients on UDP port 200)"),
    "remoteview.enabled": ("bool", False, None, "Remote View Pro supervision"),
    "remoteview.server": ("host", "", 64, "Remote View Pro server"),
    "remoteview.port": ("int", 80, _PORT, "Remote View Pro server port"),
    "remoteview.password": ("secret", "", 64, "Password shared with Remote View Pro"),
    # --- time (15.1)
    "time.zone": ("hours", 0, (-12, 14), "Time zone, GMT + hours (quarter hours allowed)"),
    "time.dst": ("choice", "off", ("off", "on", "auto"),
                 "Daylight saving: off, on (+1 h) or auto by zone rules"),
    "time.ntp_server": ("host", "", 64, "NTP server"),
    "time.ntp_period": ("choice", "off", ("off", "hour", "day", "week", "month"),
                        "How often the clock is set from the NTP server"),
    # The manual's page shows "NTS Support: Enabled" as the option's label; off by default since
    # it needs an NTS-capable server.
    "time.nts": ("bool", False, None, "Use NTS (authenticated NTP)"),
    "time.sync_ups": ("bool", False, None, "Send the card's date and time to the UPS on change"),
    # --- NUT network server
    "nut.enabled": ("bool", True, None, "NUT network server on/off"),
    "nut.port": ("int", 3493, _PORT, "NUT network server port; 0 = any free port"),
    "nut.bind": ("str", "0.0.0.0", 64, "NUT server listening address"),
    "nut.max_clients": ("int", 64, (1, 1024), "Simultaneous NUT connections"),
    "nut.idle_timeout": ("int", 600, (10, 86400), "Seconds before an idle NUT connection is closed"),
    "nut.users": ("list", [], 16,
                  "NUT users: 'name:password:role[:cmd+cmd...]', role primary or secondary; "
                  "the password is stored hashed"),
}

# The manual's tables of 8 rows (15.7 SNMP v3 USM users, 15.8 trap receivers), one key per cell.
for _i in range(1, 9):
    _u = "snmp.usm.%d." % _i
    SCHEMA[_u + "name"] = ("str", "", 32, "SNMP v3 user %d name (empty = row unused)" % _i)
    SCHEMA[_u + "level"] = ("choice", "noAuthNoPriv", ("noAuthNoPriv", "authNoPriv", "authPriv"),
                            "SNMP v3 user %d security level" % _i)
    # The manual lists MD5 first; SHA is the default here since MD5 is broken.
    SCHEMA[_u + "auth_protocol"] = ("choice", "SHA", ("MD5", "SHA"), "Authentication protocol")
    SCHEMA[_u + "auth_password"] = ("secret", "", 64, "Authentication password (8+ characters)")
    SCHEMA[_u + "priv_protocol"] = ("choice", "AES", ("DES", "AES"), "Privacy protocol")
    SCHEMA[_u + "priv_password"] = ("secret", "", 64, "Privacy password (8+ characters)")
    _t = "snmp.trap.%d." % _i
    SCHEMA[_t + "host"] = ("host", "", 64, "Trap receiver %d address (empty = row unused)" % _i)
    SCHEMA[_t + "community"] = ("secret", "public", 32,
                                "Community, or the USM user name for v3 traps")
    SCHEMA[_t + "type"] = ("choice", "none", ("none", "rfc1628", "netvision"), "MIB of the traps")
    SCHEMA[_t + "version"] = ("choice", "v1", ("v1", "v2c", "v3"), "Trap version")
    SCHEMA[_t + "filter"] = ("choice", "severity", ("severity", "event"), "Event filter")
    SCHEMA[_t + "severity"] = ("choice", "information", _SEVERITY,
                               "Lowest severity sent when filtering by severity")
    SCHEMA[_t + "events"] = ("list", [], 64, "Trap numbers sent when filtering by event")

# Human labels the manual gives its settings; events say "<label> has been changed via ...".
LABELS = {
    "system.name": "System Name", "system.contact": "System Contact",
    "system.location": "System Location", "system.temperature_unit": "Temperature unit",
    "system.data_unit": "Data Unit Selection",
    "network.dhcp": "BootP/DHCP", "network.ip": "IP Address", "network.netmask": "Subnet Mask",
    "network.gateway": "Gateway Address", "network.dns": "DNS Address",
    "network.ipv6_mode": "IPv6 Configuration", "network.ipv6_address": "IPv6 Global Address",
    "network.ipv6_router": "IPv6 Router", "network.ping": "PING Echo",
    "network.upgrade": "Network Upgrade", "network.upnp": "UPnP Control",
    "serial.baud": "Baud rate Setting", "serial.timeout_ms": "Serial Timeout (ms)",
    "poll.rate": "Polling Rate",
    "log.history_interval": "History Log Interval (s)",
    "log.extended_interval": "Extend Log Interval (mn)",
    "auth.admin_password": "Net Vision admin Password",
    "auth.password_validity": "First Login Reset (Day)", "auth.login_timeout": "Login Timeout (s)",
    "auth.users": "Multi-User Table",
    "http.port": "HTTP Port", "https.port": "HTTPs Port", "ssh.enabled": "SSH Connection",
    "ssh.port": "SSH Port", "snmp.enabled": "SNMP Support", "snmp.port": "SNMP Port",
    "snmp.read_community": "SNMP read Community", "snmp.write_community": "SNMP write Community",
    "snmp.trap_filter": "SNMP TRAP / email Filter", "smtp.enabled": "SMTP Support",
    "smtp.server": "Mail Server", "smtp.user": "User Account", "smtp.password": "User Password",
    "smtp.sender": "Sender email Address", "smtp.subject_prefix": "Mail Subject Prefix",
    "smtp.daily_report": "Mail Daily Status Report at (hh:mm)", "smtp.tls": "Mail support TLS",
    "smtp.auth": "Mail support authentication", "smtp.delay": "Delay before sending (minute)",
    "radius.enabled": "RADIUS/Authentication", "radius.port": "UDP Port",
    "radius.primary": "Primary Server", "radius.secondary": "Secondary Server",
    "radius.primary_secret": "Share Secret of Primary Server",
    "radius.secondary_secret": "Share Secret of Secondary Server",
    "radius.timeout": "Packet Timeout Interval", "radius.retries": "Packet Retry Times",
    "wol.enabled": "WOL Target", "modbus.enabled": "Modbus Configuration",
    "bacnet.enabled": "BACnet Configuration", "syslog.enabled": "Syslog Setup",
    "ddns.enabled": "DDNS Setup", "firewall.enabled": "Firewall Setup",
    "shutdown.agent": "ShutDown-Agent Setup", "time.zone": "Time Zone",
    "time.dst": "Daylight Saving Time", "time.ntp_server": "NTP Server",
    "time.ntp_period": "NTP Synchro", "time.nts": "NTS Support", "time.sync_ups": "Synchronize UPS",
}

# Accounts the reset button (held 3-6 s) and the SSH menu put back to the board's defaults.
ACCOUNT_KEYS = ("auth.admin_password", "auth.users")

# Unprivileged ports of the simulated board (a board passes its own dict as board_defaults).
SIM_BOARD_DEFAULTS = {"http.port": 8080, "https.port": 8443, "snmp.port": 1161,
                      "snmp.trap_port": 1162, "modbus.port": 5020, "nut.port": 3493,
                      "ssh.port": 2222, "bacnet.port": 47808}


def label(key):
    """The manual's name of a setting, else its key."""
    return LABELS.get(key, key)


def is_secret(key):
    """True for values that must never be shown or exported in plain text."""
    spec = SCHEMA.get(key)
    return spec is not None and spec[0] in ("password", "secret")


def _fail(key, message):
    raise ConfigError(key, message)


def _int(key, value, cons):
    if isinstance(value, bool):
        _fail(key, "must be a whole number")
    if isinstance(value, str):
        try:
            value = int(value.strip(), 0)
        except ValueError:
            _fail(key, "must be a whole number, not %r" % value)
    if not isinstance(value, int):
        _fail(key, "must be a whole number")
    lo, hi = cons
    if value < lo or value > hi:
        _fail(key, "must be between %d and %d" % (lo, hi))
    return value


def _hours(key, value, cons):
    """GMT offset: 5, '+5.5', '-3:30' -> hours in quarter steps (int when whole)."""
    if isinstance(value, bool):
        _fail(key, "must be a number of hours")
    try:
        if isinstance(value, str):
            text = value.strip()
            sign = -1 if text[:1] == "-" else 1
            text = text.lstrip("+-")
            if ":" in text:
                h, m = text.split(":", 1)
                if not (h.isdigit() and m.isdigit() and int(m) < 60):
                    raise ValueError
                minutes = sign * (int(h) * 60 + int(m))
            else:
                minutes = sign * float(text) * 60
        elif isinstance(value, (int, float)):
            minutes = value * 60
        else:
            raise ValueError
    except ValueError:
        _fail(key, "must be hours like +2, -5, 5.5 or 5:30, not %r" % (value,))
    if minutes % 15:
        _fail(key, "must be a whole number of quarter hours")
    lo, hi = cons
    if minutes < lo * 60 or minutes > hi * 60:
        _fail(key, "must be between %+d and %+d hours" % (lo, hi))
    return int(minutes) // 60 if minutes % 60 == 0 else minutes / 60


def _bool(key, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("1", "true", "on", "yes", "enabled"):
        return True
    if isinstance(value, str) and value.lower() in ("0", "false", "off", "no", "disabled"):
        return False
    _fail(key, "must be on or off")


def _text(key, value, maxlen):
    if not isinstance(value, str):
        _fail(key, "must be text")
    if len(value) > maxlen:
        _fail(key, "must be at most %d characters" % maxlen)
    if any(ord(c) < 32 or ord(c) == 127 for c in value):
        _fail(key, "must not contain control characters")
    return value


def _is_ipv4(text):
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts)


_HOST_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789.-:_/%[]"


def _host(key, value, maxlen):
    value = _text(key, value, maxlen).strip()
    if value and (any(c not in _HOST_CHARS for c in value.lower()) or value[0] in "-."):
        _fail(key, "must be a host name or an address, not %r" % value)
    return value


def _ipv4(key, value, empty_ok):
    value = _text(key, value, 15).strip()
    if value == "" and empty_ok:
        return value
    if not _is_ipv4(value):
        _fail(key, "must be an IPv4 address like 192.168.1.10, not %r" % value)
    return value


def _email(key, value, maxlen):
    value = _text(key, value, maxlen).strip()
    if value and (value.count("@") != 1 or " " in value or value[0] == "@" or value[-1] == "@"):
        _fail(key, "must be an e-mail address like name@domain, not %r" % value)
    return value


def _hhmm(key, value):
    value = _text(key, value, 5).strip()
    h, _, m = value.partition(":")
    if not (len(h) == 2 and len(m) == 2 and h.isdigit() and m.isdigit()
            and int(h) < 24 and int(m) < 60):
        _fail(key, "must be a time HH:MM, not %r" % value)
    return value


def _password(key, value):
    """A plain password is hashed; a stored hash is checked and kept; '' means not set."""
    if not isinstance(value, str):
        _fail(key, "must be text")
    if value == "" or passwords.is_hash(value):
        if value:
            try:
                passwords.parse_hash(value)
            except ValueError as exc:
                _fail(key, "damaged password hash (%s)" % exc)
        return value
    # The manual limits passwords; we only refuse what cannot be typed or stored safely.
    if len(value) > 64 or any(ord(c) < 32 for c in value):
        _fail(key, "password must be 1-64 printable characters")
    return passwords.hash_password(value)


def _list(key, value, maxitems):
    if isinstance(value, str):
        value = [v for v in value.replace(",", " ").split() if v] if value.strip() else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _fail(key, "must be a list of text items")
    if len(value) > maxitems:
        _fail(key, "must have at most %d items" % maxitems)
    return list(value)


def _coerce(key, value):
    spec = SCHEMA.get(key)
    if spec is None:
        _fail(key, "unknown setting")
    kind, _default, cons, _doc = spec
    if kind == "int":
        return _int(key, value, cons)
    if kind == "bool":
        return _bool(key, value)
    if kind == "choice":
        value = str(value)
        if value not in cons:
            _fail(key, "must be one of %s" % ", ".join(cons))
        return value
    if kind == "str" or kind == "secret":
        return _text(key, value, cons)
    if kind == "list":
        return _list(key, value, cons)
    if kind == "hours":
        return _hours(key, value, cons)
    if kind == "host":
        return _host(key, value, cons)
    if kind == "ipv4":
        return _ipv4(key, value, cons)
    if kind == "email":
        return _email(key, value, cons)
    if kind == "hhmm":
        return _hhmm(key, value)
    if kind == "password":
        return _password(key, value)
    _fail(key, "bad schema type %r" % kind)  # pragma: no cover


# Per-key validators beyond type and bounds (for example hashing NUT passwords); registered by the
# modules that own the setting so the schema stays data. validator(key, value) -> value.
VALIDATORS = {}


def validate(key, value):
    value = _coerce(key, value)
    check = VALIDATORS.get(key)
    if check is not None:
        value = check(key, value)
    return value


def parse_assignment(text):
    """'section.key=value' -> (key, typed value)."""
    if "=" not in text:
        raise ConfigError(text, "expected section.key=value")
    key, value = text.split("=", 1)
    key = key.strip()
    return key, validate(key, value)


def copy_value(value):
    return list(value) if isinstance(value, list) else value


def defaults():
    return {k: copy_value(v[1]) for k, v in SCHEMA.items()}


def _items(check, unique=True):
    """A VALIDATORS entry applying an item checker of config_items to every item of a list."""
    def validator(key, items):
        out = []
        for item in items:
            try:
                out.append(check(item))
            except ValueError as exc:
                raise ConfigError(key, str(exc))
        if unique:
            try:
                config_items.unique_names(out)
            except ValueError as exc:
                raise ConfigError(key, str(exc))
        return out
    return validator


def _single(check):
    def validator(key, value):
        try:
            return check(value)
        except ValueError as exc:
            raise ConfigError(key, str(exc))
    return validator


VALIDATORS["auth.users"] = _items(config_items.user_item)
VALIDATORS["radius.users"] = _items(config_items.radius_user_item)
VALIDATORS["smtp.recipients"] = _items(config_items.recipient_item)
VALIDATORS["wol.targets"] = _items(config_items.wol_item)
VALIDATORS["firewall.rules"] = _items(config_items.firewall_item, unique=False)
for _i in range(1, 9):
    VALIDATORS["snmp.trap.%d.events" % _i] = _items(config_items.trap_number_item)
    VALIDATORS["snmp.usm.%d.auth_password" % _i] = _single(config_items.snmp_v3_password)
    VALIDATORS["snmp.usm.%d.priv_password" % _i] = _single(config_items.snmp_v3_password)

# Card event codes, the same as the card event catalogue's (firmware/core/catalogue.py).
CHANGED = "setting.changed"
CHECKSUM_ERROR = "params.checksum"
RESET = "params.reset"
ACCOUNTS_RESET = "params.accounts.reset"
UPLOADED = "config.uploaded"
UPLOAD_ERRORS = "config.upload.errors"
KEY_SUFFIX = ".key"


class Config:
    """The card's settings: defaults (schema, then the board's), then the saved file on top.

    bus (optional, an EventBus): receives the card events (changes, checksum error, resets).
    board_defaults: {key: value} a board uses instead of the schema's defaults (ports ...).
    secret_key: bytes sealing the secrets at rest; default a random key kept in PATH.key.
    """

    def __init__(self, path=None, bus=None, board_defaults=None, secret_key=None):
        self.path = path
        self.bus = bus
        self._factory = defaults()
        for k, v in (board_defaults or {}).items():
            self._factory[k] = validate(k, v)
        self._values = {k: copy_value(v) for k, v in self._factory.items()}
        self._subscribers = []
        self._key = secret_key
        self._main_good = False   # config.json was valid (or written by us): rotate it on save
        self.report = {"source": "defaults", "checksum_error": False, "errors": [],
                       "unknown": [], "rejected": {}}
        if path:
            self._load()
            if bus is not None:
                self.publish_report()

    # --- loading
    def _load(self):
        report = self.report
        settings, reason = config_store.read(self.path)
        if settings is not None:
            report["source"] = "file"
            self._main_good = True
        else:
            main_present = config_store.exists(self.path)
            if main_present:
                report["checksum_error"] = True
                report["errors"].append("%s: %s" % (self.path, reason))
            bak = self.path + config_store.BACKUP_SUFFIX
            settings, bak_reason = config_store.read(bak)
            if settings is not None:
                report["source"] = "backup"
                if not main_present:
                    report["errors"].append("%s missing (save interrupted): previous copy used"
                                            % self.path)
            elif bak_reason:
                report["errors"].append("%s: %s" % (bak, bak_reason))
            if settings is None:
                if main_present:
                    report["errors"].append("no good copy left: factory defaults used")
                return
        for key, value in settings.items():
            if key not in SCHEMA:
                report["unknown"].append(key)
                continue
            try:
                self._values[key] = self.check_stored(key, value)
            except ConfigError as exc:
                report["rejected"][key] = exc.message
        report["unknown"].sort()

    def publish_report(self, bus=None):
        """Publish what loading found (a checksum error) on the bus; returns the report."""
        bus = bus or self.bus
        if bus is not None and self.report["checksum_error"]:
            bus.card("C", CHECKSUM_ERROR, "Parameters checksum error",
                     detail="; ".join(self.report["errors"]), loaded_from=self.report["source"])
        return self.report

    # --- the sealing key for secrets at rest
    def _secret_key(self, create):
        if self._key is None and self.path:
            try:
                with open(self.path + KEY_SUFFIX, "rb") as f:
                    key = f.read()
                if len(key) >= 16:
                    self._key = key
            except OSError:
                pass
            if self._key is None and create:
                key = passwords.random_bytes(32)
                config_store.write_private(self.path + KEY_SUFFIX, key)
                self._key = key
        if self._key is None and create:
            self._key = passwords.random_bytes(32)  # no file: secrets live in memory only
        return self._key

    def _unseal(self, key, value):
        secret_key = self._secret_key(create=False)
        if secret_key is None:
            raise ConfigError(key, "sealed secret but the card key is missing")
        try:
            return passwords.unseal(secret_key, value)
        except ValueError as exc:
            raise ConfigError(key, str(exc))

    # --- reading
    def get(self, key):
        if key not in SCHEMA:
            raise ConfigError(key, "unknown setting")
        return self._values[key]

    def default(self, key):
        """The factory default of a setting on this board."""
        if key not in SCHEMA:
            raise ConfigError(key, "unknown setting")
        return copy_value(self._factory[key])

    def section(self, name):
        prefix = name + "."
        return {k[len(prefix):]: v for k, v in self._values.items() if k.startswith(prefix)}

    def as_dict(self):
        return dict(self._values)

    def public_dict(self):
        """Every setting with passwords and secrets masked: for pages, APIs and logs."""
        out = {}
        for k, v in self._values.items():
            if is_secret(k):
                v = "********" if v else ""
            elif k in ("auth.users", "nut.users"):
                v = [_mask_item(i) for i in v]
            out[k] = copy_value(v)
        return out

    def status(self):
        return {"path": self.path, "source": self.report["source"],
                "checksum_error": self.report["checksum_error"],
                "unknown": list(self.report["unknown"]),
                "rejected": dict(self.report["rejected"])}

    # --- logins
    def check_password(self, key, plain):
        """True when plain matches the hashed password setting key (False when none is set)."""
        return passwords.verify_password(plain, self.get(key))

    def user_access(self, name, plain):
        """'write' for admin and read/write users, 'read', or None when the login is refused.

        An admin password left empty means the board's first-access password, which the caller
        checks (it is derived from the board, never stored)."""
        if name == "admin":
            return "write" if self.check_password("auth.admin_password", plain) else None
        for item in self._values["auth.users"]:
            first, last = item.find(":"), item.rfind(":")
            if item[:first] == name:
                access = item[last + 1:]
                if access != "disabled" and passwords.verify_password(plain, item[first + 1:last]):
                    return access
                return None
        return None

    # --- changing
    def subscribe(self, callback):
        """callback(changed_keys, via, user) after a successful update."""
        self._subscribers.append(callback)

    def check(self, changes):
        """({key: typed value}, {key: error message}) without changing anything."""
        good, bad = {}, {}
        for k, v in changes.items():
            try:
                good[k] = validate(k, v)
            except ConfigError as exc:
                bad[k] = exc.message
        return good, bad

    def check_stored(self, key, value):
        """Typed value of a setting read from a file (a sealed secret is opened with the card key)."""
        if key in SCHEMA and SCHEMA[key][0] == "secret" and passwords.is_sealed(value):
            value = self._unseal(key, value)
        return validate(key, value)

    def update(self, changes, via="api", user="admin"):
        """Validate every change first; apply all or none. Returns the keys that changed."""
        checked = {}
        for k, v in changes.items():
            checked[k] = validate(k, v)
        return self.apply_checked(checked, via, user, announce=True)

    def apply_checked(self, checked, via, user, announce):
        """Apply values already validated (check()); announce = one change event per setting."""
        changed = sorted(k for k, v in checked.items() if self._values[k] != v)
        for k in changed:
            self._values[k] = copy_value(checked[k])
        if announce and self.bus is not None:
            for k in changed:
                self.bus.card("I", CHANGED, "%s has been changed via %s by %s"
                              % (label(k), via, user), setting=label(k), key=k, via=via, user=user)
        if changed:
            for cb in list(self._subscribers):
                cb(changed, via, user)
        return changed

    def reset_factory(self, via="button", user="admin"):
        """Every setting back to the board's factory default, saved; card event published."""
        changed = self.apply_checked(self._factory, via, user, announce=False)
        self.save()
        if self.bus is not None:
            self.bus.card("W", RESET, "NET VISION UPS Agent Parameters reset to default",
                          via=via, user=user)
        return changed

    def reset_accounts(self, via="button", user="admin"):
        """Admin password and the user table back to the board's defaults (reset button 3-6 s)."""
        changed = self.apply_checked({k: self._factory[k] for k in ACCOUNT_KEYS}, via, user,
                              announce=False)
        self.save()
        if self.bus is not None:
            self.bus.card("W", ACCOUNTS_RESET, "Accounts and passwords reset to default via %s by %s"
                          % (via, user), via=via, user=user)
        return changed

    def save(self):
        """Write the file atomically; the previous good file is kept as PATH.bak."""
        if not self.path:
            return
        settings = {}
        for k, v in self._values.items():
            if SCHEMA[k][0] == "secret" and v:
                v = passwords.seal(self._secret_key(create=True), v)
            settings[k] = v
        config_store.write_atomic(self.path, config_store.render(settings),
                                  keep_previous=self._main_good)
        self._main_good = True


def _mask_item(item):
    """'name:<hash>:role...' -> 'name:********:role...'."""
    fields = item.split(":")
    if len(fields) >= 3:
        fields[1] = "********"
    return ":".join(fields)
