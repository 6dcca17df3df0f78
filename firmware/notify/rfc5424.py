"""Syslog messages (RFC 5424) of card events, and octet-counting frames (RFC 6587, RFC 5425).

One message, from an event of the bus (pure, portable):

    <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ELEMENT]... MSG
     |   | |         |        |        |      |     |               |
     |   | |         |        opennmc  -      |     |               "UPS Warning added: UPS
     |   | |         |                        |     |                Imminent Stop"
     |   | |         system.name, PRINTUSASCII|     [origin software="opennmc" swVersion="0.1.0"]
     |   | |         ("-" when empty)         |     [meta sequenceId="42"]  (IANA-registered
     |   | 2030-06-01T14:00:00.250Z (UTC, ms) |      SD-IDs, RFC 5424 7.2 and 7.3)
     |   VERSION                              event code: A031, shutdown.request (max 32)
     facility * 8 + severity: C -> 2 critical, W -> 4 warning, I -> 6 informational

Over TCP and TLS each message travels as an octet-counted frame, "LEN SP MESSAGE", LEN the
message's length in bytes (RFC 6587 3.4.1, the only framing RFC 5425 allows). Over UDP a
datagram holds one message (RFC 5426).
"""

from firmware.clock.calendar import parts

SEVERITY = {"C": 2, "W": 4, "I": 6}
LEVEL_WORDS = {"I": "Information", "W": "Warning", "C": "Critical"}
SOURCES = {"ups": "UPS", "sts": "STS", "card": "Card"}
APP_NAME = "opennmc"
MAX_HOSTNAME = 255
MAX_MSGID = 32


def timestamp(epoch):
    """RFC 3339 UTC time with milliseconds: 2030-06-01T14:00:00.250Z."""
    ms_total = int(round(epoch * 1000))
    y, mo, d, h, mi, s, _wd = parts(ms_total // 1000)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (y, mo, d, h, mi, s, ms_total % 1000)


def printable(text, maxlen, empty="-"):
    """Visible US-ASCII only (33..126), others as "_", cut to maxlen; `empty` for nothing."""
    out = "".join(c if 33 <= ord(c) <= 126 else "_" for c in text[:maxlen])
    return out or empty


def sd_value(text):
    """A structured-data parameter value: '"', '\\' and ']' escaped (RFC 5424 6.3.3)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def event_text(event):
    """'UPS Warning added: UPS Imminent Stop' (unit n of a parallel system when it has one)."""
    head = SOURCES.get(event.get("source"), "Card")
    if event.get("unit") is not None:
        head += " unit %s" % event["unit"]
    head += " " + LEVEL_WORDS.get(event.get("level"), "Information")
    if event.get("state"):
        head += " " + event["state"]
    return "%s: %s" % (head, event.get("text", ""))


def message(event, hostname, facility=16, sequence=None, version=""):
    """The RFC 5424 message of one event, as bytes (UTF-8)."""
    pri = facility * 8 + SEVERITY.get(event.get("level"), 6)
    sd = '[origin software="%s"' % APP_NAME
    if version:
        sd += ' swVersion="%s"' % sd_value(version)
    sd += "]"
    if sequence is not None:
        sd += '[meta sequenceId="%d"]' % sequence
    line = "<%d>1 %s %s %s - %s %s %s" % (
        pri, timestamp(event.get("time") or 0), printable(hostname, MAX_HOSTNAME), APP_NAME,
        printable(str(event.get("code") or ""), MAX_MSGID), sd, event_text(event))
    return line.encode("utf-8")


def frame(msg):
    """Octet-counted frame of one message: b'LEN SP MSG'."""
    return str(len(msg)).encode() + b" " + msg


def unframe(buf):
    """(messages, rest): the complete octet-counted frames at the start of buf (receivers, tests).

    ValueError when the data is not octet counting.
    """
    out = []
    while buf:
        sp = buf.find(b" ")
        if sp < 0:
            if len(buf) > 10 or not _digits(buf):
                raise ValueError("not an octet-counted frame")
            break
        head = buf[:sp]
        if not _digits(head) or head[:1] == b"0" or sp > 10:
            raise ValueError("not an octet-counted frame")
        n = int(head)
        if len(buf) < sp + 1 + n:
            break
        out.append(buf[sp + 1:sp + 1 + n])
        buf = buf[sp + 1 + n:]
    return out, buf


def _digits(data):
    return bool(data) and all(48 <= b <= 57 for b in data)
