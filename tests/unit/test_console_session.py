"""The console's menu engine on a real card (its configuration, accounts and operations), driven
by tables of keystrokes: each chunk is typed once the session waits for input, and what the
terminal shows is checked screen by screen."""

import unittest

try:
    import asyncio
except ImportError:  # pragma: no cover
    import uasyncio as asyncio  # type: ignore

from consolecard import FIRST, Keyboard, make_card
from firmware.accounts import passwords
from firmware.card import features
from firmware.console import screens as console_screens
from firmware.console.feature import Console
from firmware.console.session import Session
from firmware.console.terminal import Terminal

PORTABLE = True
async def session_of(card, keys, user="admin", access="write", via="ssh", idle=None):
    """Run one session over the keystrokes; (keyboard, session, end reason)."""
    board = Keyboard(keys)
    term = Terminal(board.read, board.write, echo=True, crlf=False)
    ops = card.feature("console").ops
    session = Session(card, ops, term, via, "192.0.2.7", user=user, access=access,
                      idle_timeout_s=idle)
    reason = await session.run()
    await card.settled()
    return board, session, reason


def item(card, group, key):
    """The number a setting has in its group's screen (as the typist reads it)."""
    for number, _title, keys in console_screens.groups(card.config.schema.rows):
        if number == group:
            return "%d\r" % (keys.index(key) + 1 if key else len(keys) + 1)
    raise AssertionError("no group %s" % group)


def title(screen):
    """The title of a screen: the line under the header's rule."""
    lines = screen.split("\n")
    return lines[lines.index(console_screens.RULE) + 1]


def screens(text):
    """The screens a session showed: the output cut at each prompt."""
    return [s for s in text.split("=> ") if s.strip()]


def codes(card):
    return [e["code"] for e in card.bus.recent]


def texts(card):
    return [e["text"] for e in card.bus.recent]


# (keystrokes, title of the screen shown last): every menu of the utility, each way back.
WALK = (
    (["1\r"], "Configuration Utility"),
    (["1\r", "1\r", "0\r"], "Configuration Utility"),
    (["1\r", "2\r", "\x03"], "Configuration Utility"),          # Ctrl-C: back one level
    (["1\r", "3\r", "0\r", "0\r"], "Main Menu"),
    (["1\r", "\x03"], "Main Menu"),
    (["1\r", "1\r", "3\r", "\x03"], "IP, Time and System Group"),  # Ctrl-C cancels an edit
    (["7\r"], "Main Menu"),
) + tuple((["1\r", number + "\r"], name) for number, name, _keys in
          console_screens.groups(features.schema().rows))


class ConsoleSessionTest(unittest.IsolatedAsyncioTestCase):
    async def test_every_menu_and_each_way_back(self):
        card = make_card()
        for keys, name in WALK:
            board, _session, reason = await session_of(card, keys)
            shown = screens(board.text())
            self.assertEqual(title(shown[-1]), name, keys)
            self.assertEqual(reason, "closed by the terminal")
            for line in board.text().split("\n"):
                self.assertTrue(len(line) <= 79, line)
            self.assertNotIn("\x1b", board.text())
        shown = [n for n, _t, _k in console_screens.groups(card.config.schema.rows)]
        self.assertEqual(shown[:3], ["1", "2", "3"])
        absent = [str(n) for n in range(1, 10) if str(n) not in shown] or ["42"]
        board, _s, _r = await session_of(card, ["1\r", absent[0] + "\r"])
        self.assertIn("No such choice: %s" % absent[0], board.text())

    async def test_the_manual_main_menu_with_date_time_and_ups_model(self):
        card = make_card()
        card.state.begin()
        card.state.set("ups.model", "NETYS RT")
        card.state.commit()
        board, _s, _r = await session_of(card, [])
        first = screens(board.text())[0]
        for text in ("Date %s" % card.clock.format().split()[0], "UPS Model: NETYS RT",
                     "User: admin (administrator)", "1. SNMP/WEB Card Settings",
                     "2. Reset Accounts/Passwords to Default", "3. Reset Configuration to Default",
                     "4. Restart SNMP/WEB Card", "0. Exit", "Please Enter Your Choice"):
            self.assertIn(text, first)

    async def test_a_change_goes_through_the_configuration_and_is_logged(self):
        card = make_card()
        board, _s, _r = await session_of(card, ["1\r", "1\r", item(card, "1", "system.name"),
                                                "Room 12\r"])
        self.assertEqual(card.config.get("system.name"), "Room 12")
        self.assertIn("System Name has been changed via ssh by admin", texts(card))
        last = screens(board.text())[-1]
        self.assertIn("System Name .................. Room 12", last)
        self.assertIn("Changed: System Name.", last)
        self.assertIn("opennmc  Room 12", last)                    # the header follows

    async def test_a_bad_value_is_refused_by_the_schema_and_changes_nothing(self):
        card = make_card()
        before = len(card.bus.recent)
        board, _s, _r = await session_of(card, ["1\r", "2\r", item(card, "2", "nut.port"),
                                                "70000\r"])
        self.assertEqual(card.config.get("nut.port"), 3493)
        self.assertIn("Refused, nothing changed: NUT Port: must be between 0 and 65535",
                      board.text())
        self.assertNotIn("setting.changed", codes(card)[before:])
        # Enter keeps the value, "-" empties a text.
        location = item(card, "1", "system.location")
        await session_of(card, ["1\r", "1\r", location, "Hall B\r"])
        self.assertEqual(card.config.get("system.location"), "Hall B")
        await session_of(card, ["1\r", "1\r", location, "\r"])
        self.assertEqual(card.config.get("system.location"), "Hall B")
        await session_of(card, ["1\r", "1\r", location, "-\r"])
        self.assertEqual(card.config.get("system.location"), "")

    async def test_a_read_only_user_sees_values_and_changes_nothing(self):
        card = make_card()
        before = len(card.bus.recent)
        name = item(card, "1", "system.name")
        board, _s, _r = await session_of(card, ["1\r", "1\r", name, "0\r", "0\r", "3\r", "y\r",
                                                "2\r", "4\r"], user="viewer", access="read")
        self.assertEqual(card.config.get("system.name"), "opennmc")
        self.assertIn("User: viewer (read only)", board.text())
        self.assertIn("System Name: opennmc", board.text())
        self.assertEqual(board.text().count("Your account has read-only access"), 4)
        self.assertEqual(codes(card)[before:], ["session.opened", "session.ended"])

    async def test_roles_are_the_web_interface_roles(self):
        card = make_card()
        keys = ["1\r", "1\r", item(card, "1", "system.name"), "Room 5\r", "0\r",
                "3\r", item(card, "3", "auth.users"), "0\r", "0\r", "3\r", "2\r", "4\r"]
        board, _s, _r = await session_of(card, keys, user="operator", access="write")
        self.assertEqual(card.config.get("system.name"), "Room 5")    # a read/write user
        self.assertEqual(board.text().count("Only the admin account may do this"), 4)
        self.assertEqual(len(card.config.get("auth.users")), 2)
        self.assertNotIn("params.reset", codes(card))

    async def test_reset_configuration_asks_first(self):
        card = make_card()
        card.config.update({"system.name": "Room 12"}, via="test", user="test")
        await session_of(card, ["3\r", "n\r"])
        self.assertEqual(card.config.get("system.name"), "Room 12")
        board, _s, _r = await session_of(card, ["3\r", "y\r"])
        self.assertEqual(card.config.get("system.name"), "opennmc")
        self.assertEqual(card.config.get("auth.admin_password"), "")
        self.assertIn("params.reset", codes(card))
        self.assertIn("Configuration reset to default", board.text())

    async def test_reset_accounts(self):
        card = make_card()
        board, _s, _r = await session_of(card, ["2\r", "y\r"])
        self.assertEqual(card.config.get("auth.users"), [])
        self.assertEqual(card.config.get("auth.admin_password"), "")
        self.assertIn("Accounts and passwords reset to default via ssh by admin", texts(card))

    async def test_user_table_through_the_accounts_operations(self):
        card = make_card()
        table = item(card, "3", "auth.users")
        keys = ["1\r", "3\r", table, "a\r", "bob\r", "Bob#Passw0rd12\r", "Bob#Passw0rd12\r",
                "write\r"]
        board, _s, _r = await session_of(card, keys)
        users = card.config.get("auth.users")
        self.assertEqual([u.split(":")[0] for u in users], ["viewer", "operator", "bob"])
        self.assertTrue(users[2].startswith("bob:$pbkdf2-sha256$") and users[2].endswith(":write"))
        self.assertNotIn("Bob#Passw0rd12", board.text())
        self.assertIn("3. bob (write)", screens(board.text())[-1])
        self.assertIn("Multi-User Table has been changed via ssh by admin", texts(card))
        # Changing bob's access keeps his password when none is typed; then delete him.
        await session_of(card, ["1\r", "3\r", table, "a\r", "bob\r", "\r", "read\r"])
        self.assertEqual(card.config.get("auth.users")[2], users[2][:-5] + "read")
        await session_of(card, ["1\r", "3\r", table, "d\r", "3\r"])
        self.assertEqual(len(card.config.get("auth.users")), 2)
        board, _s, _r = await session_of(card, ["1\r", "3\r", table, "a\r", "eve\r", "x\r",
                                                "y\r"])
        self.assertIn("The two passwords differ: nothing changed.", board.text())
        board, _s, _r = await session_of(card, ["1\r", "3\r", table, "a\r", "eve\r",
                                                "short\r", "short\r", "read\r"])
        self.assertIn("Refused: eve: password refused", board.text())   # the accounts' policy
        self.assertEqual(len(card.config.get("auth.users")), 2)

    async def test_own_password_for_every_user_then_a_new_login(self):
        card = make_card()
        keys = ["1\r", "3\r", item(card, "3", None), "View#Passw0rd1\r", "View#Passw0rd2\r",
                "View#Passw0rd2\r"]
        board, _s, reason = await session_of(card, keys, user="viewer", access="read")
        self.assertEqual(reason, "new password set")
        self.assertIn("log in again", board.text())
        self.assertIn("Multi-User Table has been changed via ssh by viewer", texts(card))
        viewer = card.config.get("auth.users")[0]
        self.assertTrue(passwords.verify_password("View#Passw0rd2", viewer.split(":")[1]))

    async def test_a_newer_login_ends_the_session(self):
        card = make_card()
        never = asyncio.Event()

        async def silent():
            await never.wait()
            return ""

        out = []
        term = Terminal(silent, out.append, echo=True, crlf=False)
        session = Session(card, card.feature("console").ops, term, "serial", "serial:ttyGS0",
                          user="admin", access="write")
        session.check_s = 0.05
        task = asyncio.create_task(session.run())
        while session.token is None:
            await asyncio.sleep(0.01)
        card.accounts.sessions.open("admin", "write", "192.0.2.9", "web", limit=1)
        self.assertEqual(await task, "closed by the card")
        self.assertIn("This session was closed by a newer login", "".join(out))
        self.assertIn("Session of admin from serial:ttyGS0 via serial closed: replaced by a new "
                      "login", texts(card))

    async def test_date_and_time_through_the_time_operation(self):
        card = make_card()
        clock = item(card, "1", None)
        board, _s, _r = await session_of(card, ["1\r", "1\r", clock, "01/06/2030 14:00:00\r"])
        self.assertIn("Card time set: 01/06/2030 14:00:", board.text())
        board, _s, _r = await session_of(card, ["1\r", "1\r", clock, "31/02/2030 14:00:00\r"])
        self.assertIn("Refused: invalid day 31 for 02/2030", board.text())

    async def test_first_access_forces_a_new_admin_password(self):
        card = make_card(admin=False)
        keys = [FIRST + "\r", FIRST.lower() + "\r", FIRST.lower() + "\r",
                FIRST + "\r", "New#Passw0rd12\r", "Other\r",
                FIRST + "\r", "New#Passw0rd12\r", "New#Passw0rd12\r", "1\r"]
        board, _s, reason = await session_of(card, keys)
        out = board.text()
        self.assertIn("First access", out)
        self.assertIn("Refused: the first-access password cannot be the new admin password", out)
        self.assertIn("The two passwords differ: nothing changed.", out)
        self.assertIn("The new password is set: log in again with it.", out)
        self.assertNotIn("Main Menu", out)                    # nothing before that
        self.assertEqual(reason, "new password set")
        self.assertTrue(passwords.verify_password("New#Passw0rd12",
                                                  card.config.get("auth.admin_password")))
        # Giving up (Ctrl-C) ends the session: nothing else opens.
        card = make_card(admin=False)
        board, _s, reason = await session_of(card, ["\x03", "1\r"])
        self.assertEqual(reason, "new password not set")
        self.assertEqual(card.config.get("auth.admin_password"), "")

    async def test_serial_login_through_the_login_guard(self):
        card = make_card()
        keys = ["\r", "admin\r", "wrong\r", "admin\r", "Adm1n#Passw0rd\r", "0\r"]
        board, session, reason = await session_of(card, keys, user=None, access=None,
                                                  via="serial")
        self.assertEqual((session.user, session.access, reason), ("admin", "write", "exit"))
        self.assertIn("Login refused: wrong user name or password", board.text())
        self.assertNotIn("Adm1n#Passw0rd", board.text())
        self.assertIn("Login failed for admin from 192.0.2.7 via serial", texts(card))
        self.assertIn("New Admin or User session opened: admin from 192.0.2.7 via serial",
                      texts(card))
        self.assertIn("Session of admin from 192.0.2.7 via serial closed: exit", texts(card))
        board, session, reason = await session_of(card, ["viewer\r", "View#Passw0rd1\r", "\x04"],
                                                  user=None, access=None, via="serial")
        self.assertEqual((session.access, reason), ("read", "exit (Ctrl-D)"))

    async def test_idle_timeout_ends_the_session(self):
        card = make_card()
        never = asyncio.Event()

        async def silent():
            await never.wait()
            return ""

        out = []
        term = Terminal(silent, out.append, echo=True, crlf=True)
        session = Session(card, card.feature("console").ops, term, "ssh", "192.0.2.7",
                          user="admin", access="write", idle_timeout_s=0.05)
        self.assertEqual(await session.run(), "idle timeout")
        self.assertIn("No keystroke for", "".join(out))
        self.assertIn("\r\n", "".join(out))                  # a raw line gets CR LF
        self.assertIn("Session of admin from 192.0.2.7 via ssh closed: idle timeout",
                      texts(card))

    async def test_the_console_feature_reads_the_board_console_device(self):
        card = make_card()
        console = card.feature("console")
        self.assertIsInstance(console, Console)
        self.assertEqual(console.serial_device(), (None, False))   # no data folder, no board
        card.board.spec = {"console": {"device": "console.tty", "pseudo_terminal": True}}
        card.data_dir = "/data"
        self.assertEqual(console.serial_device(), ("/data/console.tty", True))
        card.config.update({"console.device": "/dev/ttyGS0"}, via="test", user="test")
        self.assertEqual(console.serial_device(), ("/dev/ttyGS0", False))


if __name__ == "__main__":
    unittest.main()
