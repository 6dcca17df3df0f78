"""Settings of the UPS link: serial line, detection and polling (manual 15.2, "UPS Settings")."""

from firmware.settings.schema import Row
from firmware.ups import commands


def _command_rows(items):
    """poll.commands items are checked when the setting changes, never when a command is sent
    (CommandError is a ValueError: the schema names the setting in the refusal)."""
    commands.parse_overrides(items)
    return items


ROWS = (
    Row("serial.baud", "choice", "auto", ("auto", "2400", "9600", "19200", "57600"),
        "Baud rate; auto detects 57600, 19200, 9600 then 2400", label="Baud rate Setting"),
    Row("serial.mapping", "choice", "auto", ("auto", "jbusp", "vumap", "sts"),
        "UPS Modbus mapping; auto detects it", label="Modbus Mapping"),
    Row("serial.parity", "choice", "N", ("N", "E", "O"), "Serial parity", label="Parity"),
    Row("serial.slave", "int", 1, (1, 247), "Modbus slave address of the UPS (the system)",
        label="Modbus Slave Address"),
    # The manual's defaults per baud: 20 ms at 57600, 50 ms at 19200, 100 ms at 9600.
    Row("serial.timeout_ms", "int", 0, (0, 5000),
        "Additional serial timeout; 0 = the manual's default for the baud rate",
        label="Serial Timeout (ms)"),
    Row("serial.retries", "int", 2, (0, 10), "Retries of a failed request before the cycle fails",
        label="Serial Retries"),
    Row("poll.rate", "int", 2, (0, 3600),
        "Polling Rate (s): from the start of one poll to the next; 0 = back-to-back",
        label="Polling Rate"),
    Row("poll.stale_after", "int", 3, (1, 100), "Failed cycles before the data is stale",
        label="Failed Cycles Before Stale"),
    Row("poll.ident_every", "int", 300, (10, 86400),
        "Seconds between re-reads of identity/config", label="Identity Re-read (s)"),
    Row("poll.commands", "list", [], 32,
        "Command register overrides: 'nut.command=ADDRESS:VALUE' (hex or decimal)",
        check=_command_rows, label="Command Register Overrides"),
)
