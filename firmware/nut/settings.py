"""Settings of the NUT network server (RFC 9271): address, limits, accounts."""

from firmware.nut.users import check_users
from firmware.settings.schema import Row

PORTS = (0, 65535)   # 0 = any free port (tests, parallel runs); the ready line says which

ROWS = (
    Row("nut.enabled", "bool", True, None, "NUT network server on/off", label="NUT Server"),
    Row("nut.port", "int", 3493, PORTS, "NUT network server port; 0 = any free port",
        label="NUT Port"),
    Row("nut.bind", "host", "0.0.0.0", 64,
        "Address the NUT server listens on (0.0.0.0 = every IPv4 address)",
        label="NUT Listen Address"),
    # NET VISION serves 250 shutdown clients, APC's card 50; NUT's upsd 1024 by default.
    Row("nut.max_clients", "int", 1024, (1, 4096),
        "Simultaneous NUT connections; when full, a connection that has not logged in makes room",
        label="NUT Max Clients"),
    Row("nut.max_per_address", "int", 16, (1, 1024),
        "Simultaneous NUT connections from one address", label="NUT Max Clients per Address"),
    Row("nut.idle_timeout", "int", 600, (10, 86400), "Seconds before an idle NUT client is closed",
        label="NUT Idle Timeout (s)"),
    Row("nut.users", "list", [], 16,
        "NUT users: 'name:password:role[:cmd+cmd...]', role primary or secondary; the password is "
        "stored hashed", check=check_users, label="NUT Users"),
)
