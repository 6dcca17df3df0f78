"""The words of the card's e-mails: event mails, the daily status report, the test mail (pure).

    subject(prefix, identity, event)   "[prefix ]NAME - Warning: UPS Imminent Stop"
    event_body(identity, event, when, ups)     plain text, one "Field: value" a line
    report_subject / report_body       the daily status, the logs attached as CSV files
    test_subject / test_body           "Send Test" from the configuration page

identity is the card's {"name", "location", "contact"} (the manual shows them in its mails),
`when` the event's time as the card shows it (local), `ups` a few values of the UPS snapshot.
"""

LEVEL_WORDS = {"I": "Information", "W": "Warning", "C": "Critical"}
STATE_WORDS = {"added": "", "removed": "cleared: "}
SOURCES = {"ups": "UPS", "sts": "STS", "card": "Card"}
# What the body says about the UPS, in this order, when the snapshot has it.
UPS_LINES = (("ups.status", "Status", ""), ("battery.charge", "Battery charge", " %"),
             ("battery.runtime", "Runtime", " s"), ("ups.load", "Load", " %"),
             ("input.voltage", "Input voltage", " V"), ("output.voltage", "Output voltage", " V"))


def _head(prefix, identity):
    name = identity.get("name") or "opennmc"
    return (prefix.strip() + " " if prefix and prefix.strip() else "") + name


def subject(prefix, identity, event):
    """Subject of an event mail; a cleared condition says so."""
    return "%s - %s: %s%s" % (_head(prefix, identity), LEVEL_WORDS.get(event.get("level"), "?"),
                              STATE_WORDS.get(event.get("state"), ""), event.get("text", ""))


def _identity_lines(identity):
    out = ["Card:       %s" % (identity.get("name") or "opennmc")]
    if identity.get("location"):
        out.append("Location:   %s" % identity["location"])
    if identity.get("contact"):
        out.append("Contact:    %s" % identity["contact"])
    return out


def ups_lines(ups):
    """'Status: OL CHRG' ... for the values of the snapshot given (name -> value)."""
    out = []
    for name, label, unit in UPS_LINES:
        value = ups.get(name)
        if value is not None and value != "":
            out.append("%-11s %s%s" % (label + ":", value, unit))
    return out


def event_body(identity, event, when, ups):
    """Body of an event mail."""
    source = SOURCES.get(event.get("source"), "Card")
    what = event.get("text", "")
    if event.get("state") == "removed":
        what += " (cleared)"
    lines = ["%s event" % source, "",
             "Time:       %s" % when,
             "Level:      %s" % LEVEL_WORDS.get(event.get("level"), "?"),
             "Event:      %s" % what,
             "Code:       %s" % event.get("code", "")]
    if event.get("unit") is not None:
        lines.append("Unit:       %s" % event["unit"])
    lines.append("")
    lines.extend(_identity_lines(identity))
    lines.extend(ups_lines(ups))
    return "\n".join(lines) + "\n"


def report_subject(prefix, identity, day):
    return "%s - Daily status report %s" % (_head(prefix, identity), day)


def report_body(identity, when, ups, alarms, attachments):
    """Body of the daily status report: the UPS now, the active alarms, what is attached."""
    lines = ["Daily status report", "", "Time:       %s" % when, ""]
    lines.extend(_identity_lines(identity))
    lines.extend(ups_lines(ups))
    lines.append("")
    if alarms:
        lines.append("Active alarms:")
        for alarm in alarms:
            lines.append("  %s  %s" % (LEVEL_WORDS.get(alarm.get("level"), "?"),
                                       alarm.get("text", "")))
    else:
        lines.append("Active alarms: none")
    lines.append("")
    lines.append("Attached (CSV): " + (", ".join(attachments) if attachments else "none"))
    return "\n".join(lines) + "\n"


def test_subject(prefix, identity):
    return "%s - Mail send test" % _head(prefix, identity)


def test_body(identity, when, server):
    lines = ["This is a test mail of the card's e-mail notification.", "",
             "Time:       %s" % when, "Mail server: %s" % server, ""]
    lines.extend(_identity_lines(identity))
    return "\n".join(lines) + "\n"
