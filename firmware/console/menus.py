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
from firmware.console.terminal import Back, End

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
        if number == "3":
            targets[str(len(items) + 1)] = own_password
            items.append((str(len(items) + 1), "Change my password (%s)" % session.user, None))
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
    # Accounts are the admin's, as on the web (the admin password: "Change my password").
    if not session.may("admin" if key.startswith("auth.") else "write"):
        session.notice = ["%s: %s" % (label(row), _value(session, row))] + session.notice
        return
    if key == "auth.users":
        await edit_users(session)
        return
    if row.kind == "list":
        await edit_list(session, key)
        return
    if row.kind == "password":
        await own_password(session)
        return
    session.show(screens.setting_details(row, config.get(key)) + "\n")
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
    if not session.may("write"):
        return
    text = await session.ask("New date and time, dd/mm/yyyy hh:mm:ss (Ctrl-C cancels) => ")
    if not text:
        session.notice = ["Nothing changed."]
        return
    result = await session.operation("time.set", {"local": text})
    if result is not None:
        session.notice = ["Card time set: %s %s" % (result.get("local"), result.get("zone", ""))]


async def own_password(session):
    """Any user's own password (read-only users too), through accounts.password; then the
    session ends: a new password, a new login."""
    session.show("\n".join(session.head()) + "\nChange my password (%s)\n\n" % session.user)
    if await session.change_own_password():
        session.term.write("The new password is set: log in again with it.\n")
        await session.term.flush()
        raise End("new password set")


async def list_screen(session, key, items, add):
    """A list's items and its actions; the choice ("0", "a", "d" or other), Back on Ctrl-C."""
    row = session.card.config.schema.row(key)
    items = [(str(i + 1), item, None) for i, item in enumerate(items)]
    items += [("a", add, None), ("d", "Delete an item", None), ("0", "Back", None)]
    notes = [row.doc, "Setting %s: %s." % (key, screens.allowed(row))]
    session.show(screens.menu(session.head(), label(row), items, notes, session.take_notice()))
    return (await session.ask(screens.PROMPT)).lower()


async def edit_users(session):
    """The multi-user table through the accounts' operations (accounts.set_user, .delete_user):
    a user a field at a time, the password typed twice without echo and never shown."""
    while True:
        users = await session.operation("accounts.users") or []
        users = [u for u in users if u["name"] != "admin"]
        try:
            choice = await list_screen(session, "auth.users",
                                       ["%s (%s)" % (u["name"], u["access"]) for u in users],
                                       "Add a user, or change one's access or password")
            if choice == "0":
                return
            if choice == "a":
                name = await session.ask("User name (Ctrl-C cancels) => ")
                known = [u for u in users if u["name"] == name]
                keep = " (Enter keeps the current one)" if known else ""
                password = await _new_secret(session, "Password%s => " % keep)
                if password is False:
                    continue
                access = await session.ask("Access (disabled, read or write) => ")
                args = {"name": name, "access": access}
                if password:
                    args["password"] = password
                result = await session.operation("accounts.set_user", args)
            elif choice == "d":
                text = await session.ask("Number of the user to delete (Ctrl-C cancels) => ")
                if not text.isdigit() or not 1 <= int(text) <= len(users):
                    session.notice = ["No user %s: nothing changed." % screens.clip(text, 20)]
                    continue
                result = await session.operation("accounts.delete_user",
                                                 {"name": users[int(text) - 1]["name"]})
            else:
                if choice:
                    session.notice = ["No such choice: %s" % screens.clip(choice, 20)]
                continue
        except Back:
            return
        if result is not None:
            session.notice = session.outcome({}, result.get("changed", []))


async def _new_secret(session, prompt):
    """A password typed twice without echo: the text, "" (none typed) or False (they differ)."""
    first = await session.ask(prompt, secret=True)
    if first and first != await session.ask("Repeat the password => ", secret=True):
        session.notice = ["The two passwords differ: nothing changed."]
        return False
    return first


async def edit_list(session, key):
    """A list setting an item at a time: add (or change an account), delete, until 0 or Ctrl-C."""
    config = session.card.config
    accounts = key in screens.ACCOUNT_LISTS
    while True:
        current = list(config.get(key))
        shown = [screens.masked_item(item) if accounts else item for item in current]
        try:
            choice = await list_screen(session, key, shown,
                                       "Add or change a user" if accounts else "Add an item")
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
    password = await _new_secret(session, "Password%s => " % keep)
    if password is False:
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
