"""The console's screens as text: menus, groups of settings, values, all within 79 columns (pure).

A screen is a header, a title, numbered items and a prompt, in the manner of the manual's
appendix "Configuring NET VISION via SSH or USB":

    opennmc  Room 12                               Date 03/05/2025  Time 16:41:53
    UPS Model: NETYS RT                         User: admin (administrator)
    -------------------------------------------------------------------------------
    Configuration Utility

     1. IP, Time and System Group
     ...
     0. Back to Main Menu

    Please Enter Your Choice =>

The configuration utility's groups are the manual's (1-5) followed by the card's other features
(6-9). A setting belongs to the first group with a prefix that matches its key; a group none of
whose settings exists in this build is not shown, so a feature appears in its group the day it
lands. Numbers stay those of the manual whatever is shown.
"""

WIDTH = 79          # one column short of 80: no terminal wraps a full line into a blank one
RULE = "-" * WIDTH
PROMPT = "Please Enter Your Choice => "

# (number, title, key prefixes). "net." and the others of group 1 belong to boards whose network
# the card manages; this build leaves the address to the board's operating system (NOTE_IP).
GROUPS = (
    ("1", "IP, Time and System Group", ("net.", "ip.", "ipv6.", "dns.", "system.", "time.")),
    ("2", "Network Control Group", ("ssh.", "console.serial", "console.device", "nut.enabled",
                                    "nut.port", "http.", "https.", "snmp.enabled", "snmp.port",
                                    "modbus.enabled", "modbus.port", "bacnet.enabled",
                                    "syslog.enabled")),
    ("3", "Account Control Group", ("auth.", "radius.")),
    ("4", "Email Group", ("mail.", "smtp.", "email.")),
    ("5", "SNMP Group", ("snmp.", "trap.")),
    ("6", "UPS Link Group", ("serial.", "poll.")),
    ("7", "Logs Group", ("log.",)),
    ("8", "NUT Server Group", ("nut.",)),
    ("9", "Other Settings", ("",)),
)

NOTE_IP = ("IP address, netmask, gateway and DNS: set by the board's operating system; "
           "this build of the card does not manage them.")

# List settings whose items are "name:password:rest": edited a field at a time, the password
# typed without echo. The text says what the rest of the item is.
ACCOUNT_LISTS = {
    "auth.users": "Access (disabled, read or write)",
    "nut.users": "Role (primary or secondary; then :cmd+cmd or :all for instant commands)",
}


def group_of(key):
    """The number of the group a setting belongs to."""
    for number, _title, prefixes in GROUPS:
        for prefix in prefixes:
            if key.startswith(prefix):
                return number
    return GROUPS[-1][0]


def groups(keys):
    """[(number, title, [key, ...])] of the groups that have a setting among `keys` (given in
    the order the features declare them, which a group keeps within each of its prefixes)."""
    keys = list(keys)
    out = []
    for number, title, _prefixes in GROUPS:
        mine = [k for k in keys if group_of(k) == number]
        if mine:
            out.append((number, title, ordered(mine, number)))
    return out


def ordered(keys, number):
    """Keys in the order their group's prefixes name them, else as given (a stable sort)."""
    prefixes = [g[2] for g in GROUPS if g[0] == number][0]

    def rank(index_key):
        for i, prefix in enumerate(prefixes):
            if index_key[1].startswith(prefix):
                return (i, index_key[0])
        return (len(prefixes), index_key[0])

    return [k for _i, k in sorted(enumerate(keys), key=rank)]


# --- values --------------------------------------------------------------------------------------
def allowed(row):
    """What a setting accepts, in words."""
    kind, limit = row.kind, row.limit
    if kind in ("int", "hours"):
        return "%s to %s%s" % (limit[0], limit[1],
                               " (hours, quarter hours allowed)" if kind == "hours" else "")
    if kind == "choice":
        return ", ".join(limit)
    if kind == "bool":
        return "on or off"
    if kind in ("str", "host", "secret"):
        return "text, at most %d characters" % limit
    if kind == "list":
        return "a list of at most %d items" % limit
    return "a password of 1 to 64 characters"


def shown(row, value):
    """A setting's value as the console shows it: secrets never, lists by count."""
    if row.kind == "password":
        return "(set)" if value else "(not set)"
    if row.kind == "secret":
        return "********" if value else "(empty)"
    if row.kind == "bool":
        return "on" if value else "off"
    if row.kind == "list":
        return "%d item(s)" % len(value)
    if value == "":
        return "(empty)"
    return str(value)


def masked_item(item):
    """'name:<hash>:rest' -> 'name:********:rest' (items of ACCOUNT_LISTS)."""
    fields = item.split(":")
    if len(fields) >= 3:
        fields[1] = "********"
    return ":".join(fields)


def clip(text, width):
    """text cut to width columns, "..." marking the cut."""
    return text if len(text) <= width else text[:width - 3] + "..."


def wrap(text, width=WIDTH, indent=""):
    """Lines of at most width columns, broken at spaces (long words are cut)."""
    lines = []
    line = indent
    for word in text.split():
        while len(indent) + len(word) > width:
            if line.strip():
                lines.append(line)
            cut = width - len(indent)
            lines.append(indent + word[:cut])
            word = word[cut:]
            line = indent
        if not line.strip():
            line = indent + word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = indent + word
    if line.strip():
        lines.append(line)
    return lines


# --- screens -------------------------------------------------------------------------------------
def two_columns(left, right):
    """One line with `left` at the start and `right` at the end, within WIDTH."""
    right = clip(right, WIDTH // 2)
    left = clip(left, WIDTH - len(right) - 1)
    return left + " " * (WIDTH - len(left) - len(right)) + right


RIGHTS = {"admin": "administrator", "write": "read/write", "read": "read only"}


def header(name, date_time, model, user, role):
    """The lines every screen starts with: card, date and time, UPS model, who is logged in
    (role: "admin", "write" or "read")."""
    date, _, time = date_time.partition(" ")
    rights = RIGHTS.get(role, "read only")
    return [two_columns("opennmc  " + name, "Date %s  Time %s" % (date, time)),
            two_columns("UPS Model: " + model, "User: %s (%s)" % (user, rights)),
            RULE]


def item_line(number, label, value=None):
    """' 1. Label ......... value' within WIDTH."""
    left = "%2s. %s" % (number, label)
    if value is None:
        return clip(left, WIDTH)
    if len(left) < 34:
        left = left + " " + "." * (33 - len(left))
    return clip(left + " " + value, WIDTH)


def menu(head, title, items, notes=(), notice=None):
    """A whole screen: header, title, notes, items [(number, label, value|None)], notice."""
    lines = list(head) + [clip(title, WIDTH), ""]
    for note in notes:
        lines.extend(wrap(note, WIDTH, " "))
    if notes:
        lines.append("")
    for number, label, value in items:
        lines.append(item_line(number, label, value))
    lines.append("")
    if notice:
        for text in notice if isinstance(notice, (list, tuple)) else [notice]:
            lines.extend(wrap(text, WIDTH, "  "))
        lines.append("")
    return "\n".join(lines) + "\n"


def setting_details(row, value):
    """The lines shown before a new value is asked for: what it is, what it takes, its value."""
    lines = [clip(row.label if row.label != row.key else row.key, WIDTH)]
    lines.extend(wrap(row.doc, WIDTH, "  "))
    lines.extend(wrap("Setting %s; allowed: %s" % (row.key, allowed(row)), WIDTH, "  "))
    lines.append(clip("  Current value: " + shown(row, value), WIDTH))
    return "\n".join(lines) + "\n"
