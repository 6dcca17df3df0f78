"""Settings of the configuration console: SSH (manual §15.3 "SSH Connection"), the serial line."""

from firmware.settings.schema import Row

PORTS = (0, 65535)   # 0 = any free port (tests, parallel runs); the ready line says which

ROWS = (
    # The manual's card has SSH off until it is enabled on the Control page. Here it is on: with
    # the serial line it is how a card without a web interface is configured at first (§9.5), and
    # the first login must replace the first-access password before anything else.
    Row("ssh.enabled", "bool", True, None, "SSH configuration console on/off",
        label="SSH Connection"),
    Row("ssh.port", "int", 22, PORTS, "SSH console port; 0 = any free port", label="SSH Port"),
    Row("ssh.bind", "host", "0.0.0.0", 64,
        "Address the SSH console listens on (0.0.0.0 = every IPv4 address)",
        label="SSH Listen Address"),
    Row("ssh.max_sessions", "int", 4, (1, 16),
        "Simultaneous SSH connections (logged in or logging in)", label="SSH Max Sessions"),
    Row("console.serial", "bool", True, None,
        "Configuration console on the serial line (USB gadget serial) on/off",
        label="Serial Console"),
    Row("console.device", "str", "", 128,
        "Serial console device; empty = the board's (/dev/ttyGS0 on a Raspberry Pi with USB "
        "gadget serial, a pseudo-terminal on the simulated board)",
        label="Serial Console Device"),
)

KEYS = tuple(row.key for row in ROWS)
SSH_KEYS = tuple(k for k in KEYS if k.startswith("ssh."))
SERIAL_KEYS = ("console.serial", "console.device")
