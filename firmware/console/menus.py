"""The configuration utility: the manual's groups of settings, each value shown and changed (pure).

    Configuration Utility
     1. IP, Time and System Group   the card's name, location, contact; zone, DST, NTP; the
                                    card's date and time (the IP address is the board's own)
     2. Network Control Group       services on/off and their ports: SSH, serial console, NUT
     3. Account Control Group       admin password, user table, login timeout
     4. Email Group, 5. SNMP Group  shown once those features are in the build
     6. UPS Link Group ... 9.       the card's other features: serial line and polling, logs, NUT
     0. Back to Main Menu

A group lists its settings with their values; choosing one shows what it is and what it accepts,
then asks for the new value, which goes through the session's change() (the configuration's one
check). Lists are edited an item at a time; the account lists (auth.users, nut.users) a field at
a time, the password typed without echo and never shown. Enter keeps a value, "-" alone empties a
text, Ctrl-C cancels.
"""

from firmware.console import screens
from firmware.console.terminal import Back

EMPTYABLE = ("str", "host", "secret")


def label(row):
    return row.label if row.label != row.key else row.key


async def utility(session):
    """The configuration utility, until 0 or Ctrl-C."""
    while True:
        present = screens.groups(session.card.config.schema.rows)
        items = [(n, title, None) for n, title, _keys in present]
        items.append(("0", "Back to Main Menu", None))
        session.show(screens.menu(session.head(), "Configuration Utility", items,
                                  notice=session.take_notice()))
        try:
            choice = await session.ask(screens.PROMPT)
        except Back:
            return
        if choice == "0":
            return
        chosen = [g for g in present if g[0] == choice]
        if chosen:
            await group(session, *chosen[0])
        elif choice:
            session.notice = ["No such choice: %s" % screens.clip(choice, 20)]


def _value(session, row):
    value = session.card.config.get(row.key)
    if row.key == "auth.admin_password" and not value:
        return "(first-access password)"
    return screens.shown(row, value)


def _notes(number, keys):
    if number == "1" and not any(k.startswith("net.") or k.startswith("ip.") for k in keys):
        return [screens.NOTE_IP]
    return []


async def group(session, number, title, keys):
    """One group's settings (and the card's date and time in group 1), until 0 or Ctrl-C."""
    schema = session.card.config.schema
    while True:
        items, targets = [], {}
        for key in keys:
            row = schema.row(key)
            targets[str(len(items) + 1)] = key
            items.append((str(len(items) + 1), label(row), _value(session, row)))
        if number == "1":
            targets[str(len(items) + 1)] = set_time
            items.append((str(len(items) + 1), "Date and Time", session.card.clock.format()))
        items.append(("0", "Back", None))
        session.show(screens.menu(session.head(), title, items, _notes(number, keys),
                                  session.take_notice()))
        try:
            choice = await session.ask(screens.PROMPT)
        except Back:
            return
        if choice == "0":
            return
        target = targets.get(choice)
        if target is None:
            if choice:
                session.notice = ["No such choice: %s" % screens.clip(choice, 20)]
            continue
        try:
            if isinstance(target, str):
                await edit(session, target)
            else:
                await target(session)
        except Back:
            session.notice = ["Cancelled: nothing changed."]


async def edit(session, key):
    """Show one setting and ask for its new value."""
    config = session.card.config
    row = config.schema.row(key)
    if not session.may_change():
        session.notice = ["%s: %s" % (label(row), _value(session, row))] + session.notice
        return
    if row.kind == "list":
        await edit_list(session, key)
        return
    session.show(screens.setting_details(row, config.get(key)) + "\n")
    if row.kind == "password":
        await session.new_password(key)
        return
    hint = "Enter keeps it, - alone empties it" if row.kind in EMPTYABLE else "Enter keeps it"
    text = await session.ask("New value (%s, Ctrl-C cancels) => " % hint,
                             secret=row.kind == "secret")
    if text == "":
        session.notice = ["Nothing changed."]
        return
    if text == "-" and row.kind in EMPTYABLE:
        text = ""
    await session.change({key: text})


async def set_time(session):
    """The card's date and time, set by hand (the time feature's time.set)."""
    if not session.may_change():
        return
    text = await session.ask("New date and time, dd/mm/yyyy hh:mm:ss (Ctrl-C cancels) => ")
    if not text:
        session.notice = ["Nothing changed."]
        return
    result = await session.operation("time.set", {"local": text})
    if result is not None:
        session.notice = ["Card time set: %s %s" % (result.get("local"), result.get("zone", ""))]


async def edit_list(session, key):
    """A list setting an item at a time: add (or change an account), delete, until 0 or Ctrl-C."""
    config = session.card.config
    row = config.schema.row(key)
    accounts = key in screens.ACCOUNT_LISTS
    while True:
        current = list(config.get(key))
        items = [(str(i + 1), screens.masked_item(item) if accounts else item, None)
                 for i, item in enumerate(current)]
        items.append(("a", "Add or change a user" if accounts else "Add an item", None))
        items.append(("d", "Delete an item", None))
        items.append(("0", "Back", None))
        notes = [row.doc, "Setting %s: %s." % (key, screens.allowed(row))]
        session.show(screens.menu(session.head(), label(row), items, notes,
                                  session.take_notice()))
        try:
            choice = (await session.ask(screens.PROMPT)).lower()
            if choice == "0":
                return
            if choice == "a":
                new = await (_account_item(session, key, current) if accounts
                             else _plain_item(session, current))
            elif choice == "d":
                new = await _without_item(session, current)
            else:
                if choice:
                    session.notice = ["No such choice: %s" % screens.clip(choice, 20)]
                continue
        except Back:
            return
        if new is not None:
            await session.change({key: new})


async def _plain_item(session, current):
    item = await session.ask("New item (Ctrl-C cancels) => ")
    if not item:
        session.notice = ["Nothing changed."]
        return None
    return current + [item]


async def _without_item(session, current):
    text = await session.ask("Number of the item to delete (Ctrl-C cancels) => ")
    if not text.isdigit() or not 1 <= int(text) <= len(current):
        session.notice = ["No item %s: nothing changed." % screens.clip(text, 20)]
        return None
    return current[:int(text) - 1] + current[int(text):]


async def _account_item(session, key, current):
    """name, password (hidden, twice; Enter keeps an existing user's) and the rest of the item."""
    name = await session.ask("User name (Ctrl-C cancels) => ")
    if not name:
        session.notice = ["Nothing changed."]
        return None
    old = [i for i, item in enumerate(current) if item.split(":")[0] == name]
    keep = " (Enter keeps the current one)" if old else ""
    password = await session.ask("Password%s => " % keep, secret=True)
    if password and password != await session.ask("Repeat the password => ", secret=True):
        session.notice = ["The two passwords differ: nothing changed."]
        return None
    if not password:
        if not old:
            session.notice = ["A new user needs a password: nothing changed."]
            return None
        password = current[old[0]].split(":")[1]      # the stored hash, kept as it is
    rest = await session.ask("%s => " % screens.ACCOUNT_LISTS[key])
    item = "%s:%s:%s" % (name, password, rest)
    if old:
        return current[:old[0]] + [item] + current[old[0] + 1:]
    return current + [item]
