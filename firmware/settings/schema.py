"""The configuration schema as data: every setting's type, default, constraint and description.

Rows are key: (type, default, constraint, description); the value types are described in
firmware/settings/types.py. Defaults follow the NET VISION manual (15.1 date and time, 15.2
configuration, 15.3 control, 15.4-15.16 users, SNMP, e-mail, RADIUS, WOL, Modbus TCP, BACnet,
syslog, DDNS, firewall); LABELS holds the manual's names for the change events. A board changes
defaults with Config(board_defaults=...), never here.
"""

_PORT = (0, 65535)  # 0 = any free port (tests, parallel runs); the ready line reports the real one
_SEVERITY = ("information", "warning", "critical")

SCHEMA = {
    # --- identity (manual 15.2)
    "system.name": ("str", "opennmc", 64, "Name shown in the top bar, SNMP sysName and e-mail"),
    "system.contact": ("str", "", 64, "Additional info reported in SNMP sysContact and in e-mail"),
    "system.location": ("str", "", 64, "Shown in the top bar, SNMP sysLocation and e-mail"),
    "system.temperature_unit": ("choice", "C", ("C", "F"), "Temperature unit (C or F)"),
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
    "poll.rate": ("int", 2, (0, 3600), "Polling Rate (s): delay between polls; 0 = back-to-back"),
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
    "nut.idle_timeout": ("int", 600, (10, 86400), "Seconds before an idle NUT client is closed"),
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
