"""Which bus events a notification takes: severity, the alarm-entry filter, the syslog groups.

Pure and portable, shared by e-mail and syslog (and open to the SNMP traps, which follow the same
rule in the manual, 15.8 and 15.9):

    at_least("W", "I") -> True                  a warning passes an "information" filter
    alarm_entry(event) -> True for an alarm-table entry coming or going (the manual's traps 3
                          and 4); "SNMP TRAP / email Filter" leaves those out of severity filters
    by_severity(event, "W", alarm_filter=True)  the rule of a recipient filtered by severity
    group(event) -> "ups" | "card" | "shutdown"  the manual's UPS + NET VISION + SERVICE groups
"""

RANK = {"I": 0, "W": 1, "C": 2}
SEVERITIES = {"information": "I", "warning": "W", "critical": "C"}
LEVEL_WORDS = {"I": "Information", "W": "Warning", "C": "Critical"}

# Card events that are shutdown commands sent to servers (and to the UPS) by the shutdown
# manager, or asked for by a NUT client: the syslog "service" group.
SHUTDOWN_CODES = ("shutdown.warning", "shutdown.request", "shutdown.ups", "shutdown.cancel",
                  "ups.output.on", "nut.fsd", "wol.sent")


def at_least(level, lowest):
    """True when `level` is as severe as `lowest` or more (unknown levels count as I)."""
    return RANK.get(level, 0) >= RANK.get(lowest, 0)


def alarm_entry(event):
    """True for an alarm of the UPS or STS entering or leaving the alarm table."""
    return (event.get("kind") == "alarm" and event.get("source") in ("ups", "sts")
            and event.get("state") in ("added", "removed"))


def by_severity(event, lowest, alarm_filter=False):
    """The rule of a receiver filtered by severity, with the alarm-entry filter on or off."""
    if alarm_filter and alarm_entry(event):
        return False
    return at_least(event.get("level"), lowest)


def group(event):
    """The syslog group of an event: "ups" (UPS and STS), "shutdown" or "card"."""
    if event.get("source") in ("ups", "sts"):
        return "ups"
    if event.get("code") in SHUTDOWN_CODES:
        return "shutdown"
    return "card"


def own_event(event, prefix):
    """True for an event a notifier published about itself (never sent through it again, so a
    failing notifier cannot feed itself)."""
    code = event.get("code") or ""
    return event.get("source") == "card" and (
        code.startswith(prefix) or event.get("notifier") == prefix.rstrip("."))
