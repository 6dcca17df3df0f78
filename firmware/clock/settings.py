"""Settings of the card clock and its synchronisation (manual 15.1, "Date and Time")."""

from firmware.clock.sntp import NTP_PORT
from firmware.settings.schema import Row

PERIODS = {"off": 0, "hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400}


def parse_server(text):
    """"host", "host:port" or "[v6]:port" -> (host, port); ValueError saying what is wrong."""
    if not isinstance(text, str):
        raise ValueError("must be a host name or address")
    text = text.strip()
    port = NTP_PORT
    host = text
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError("unclosed [ in %r" % text)
        host, rest = text[1:end], text[end + 1:]
        if rest:
            if not rest.startswith(":"):
                raise ValueError("bad address %r" % text)
            port = rest[1:]
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        port = int(port)
    except ValueError:
        raise ValueError("bad port in %r" % text)
    if not 1 <= port <= 65535:
        raise ValueError("port must be 1..65535")
    if not host or len(host) > 253 or host.startswith("-"):
        raise ValueError("bad host %r" % host)
    for c in host:
        if not (c.isalpha() or c.isdigit() or c in ".-:_"):
            raise ValueError("bad character %r in host" % c)
    return host, port


def _server(value):
    if value:
        parse_server(value)
    return value


ROWS = (
    Row("time.zone", "hours", 0, (-12, 14), "Time zone, GMT + hours (quarter hours allowed)",
        label="Time Zone"),
    Row("time.dst", "choice", "off", ("off", "on", "auto"),
        "Daylight saving: off, on (+1 h) or auto by zone rules", label="Daylight Saving Time"),
    Row("time.ntp_server", "host", "", 64, "NTP server: host, host:port or [IPv6]:port",
        label="NTP Server", check=_server),
    Row("time.ntp_period", "choice", "off", tuple(PERIODS),
        "How often the clock is set from the NTP server", label="NTP Synchro"),
    # The manual's page shows "NTS Support: Enabled" as the option's label; off by default since
    # it needs an NTS-capable server.
    Row("time.nts", "bool", False, None, "Use NTS (authenticated NTP, through chronyd)",
        label="NTS Support"),
    Row("time.sync_ups", "bool", False, None,
        "Send the card's date and time to the UPS on change", label="Synchronize UPS"),
)
