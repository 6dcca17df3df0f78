"""NUT protocol sessions (firmware/nut/protocol.py) and accounts (nut_users.py)."""

import unittest

from firmware.nut import settings as nut_settings
from firmware.settings.schema import ConfigError, Schema
from firmware.nut import users as nut_users
from firmware.accounts import passwords
from firmware.state.ups import UpsState
from firmware.nut.context import NutContext
from firmware.nut.protocol import Call, Check, NutSession
from firmware.nut.text import format_value, quote, split_words

PORTABLE = True

# The fewest rounds the card accepts keep the tests quick on MicroPython.
ITER = passwords.ITERATIONS_RANGE[0]


def _users():
    items = [
        "admin:" + passwords.hash_password("adminpw", iterations=ITER) + ":primary:all",
        "mon:" + passwords.hash_password("monpw", iterations=ITER) + ":secondary",
        "tester:" + passwords.hash_password("testpw", iterations=ITER)
        + ":secondary:test.battery.start",
    ]
    return nut_users.parse_users(items)


def _state(values, stale=False):
    state = UpsState()
    state.begin()
    for k, v in values.items():
        state.set(k, v)
    state.commit(now=1763700000.0)
    if stale:
        state.mark_stale()
    return state


class CheckingSession(NutSession):
    """The session as the server drives it: a Check is answered (here at once, by the account's
    password; on the card by the login guard) before the same line is handled again."""

    checks = 0

    def handle(self, line):
        reply = NutSession.handle(self, line)
        if isinstance(reply, Check):
            self.checks += 1
            user = self.ctx.find_user(self.username)
            good = user is not None and user.check(self.password)
            self.checked(user if good else None)
            reply = NutSession.handle(self, line)
        return reply


def _session(values=None, stale=False, commands=("test.battery.start", "beeper.mute")):
    ctx = NutContext(_state(values or {"ups.status": "OL", "battery.charge": 100,
                                       "input.voltage": 229.5, "ups.model": 'NETYS "RT"'},
                            stale),
                     find_user=_users().get, commands=lambda: list(commands),
                     describe=lambda: "Server room")
    s = CheckingSession(ctx, "192.0.2.7", now=1763700000.0)
    ctx.sessions.append(s)
    return s


def _login(s, user, pw):
    return s.handle("USERNAME " + user) + s.handle("PASSWORD " + pw)


class TestWords(unittest.TestCase):
    def test_split(self):
        table = [
            ("GET VAR ups ups.status", ["GET", "VAR", "ups", "ups.status"]),
            ('SET VAR ups ups.id "My UPS"', ["SET", "VAR", "ups", "ups.id", "My UPS"]),
            ('X "a \\"quoted\\" \\\\ word"', ["X", 'a "quoted" \\ word']),
            ("  LIST   UPS\t", ["LIST", "UPS"]),
            ('X ""', ["X", ""]),
            ("", []),
        ]
        for line, words in table:
            self.assertEqual(split_words(line), words, line)

    def test_unterminated_quote_is_an_error(self):
        s = _session()
        self.assertEqual(s.handle('GET VAR ups "ups.status'), ["ERR INVALID-ARGUMENT"])

    def test_quote_and_format(self):
        self.assertEqual(quote('NETYS "RT" \\1'), '"NETYS \\"RT\\" \\\\1"')
        for value, text in ((100, "100"), (229.5, "229.5"), (50.0, "50"), (0.125, "0.125"),
                            (-12.25, "-12.25"), (1e-9, "0"), (123456789.5, "123456789.5"),
                            ("OL CHRG", "OL CHRG"), (True, "1")):
            self.assertEqual(format_value(value), text, repr(value))


class TestReading(unittest.TestCase):
    def test_simple_commands(self):
        s = _session()
        self.assertEqual(s.handle("NETVER"), ["1.3"])
        self.assertEqual(s.handle("PROTVER"), ["1.3"])
        self.assertTrue(s.handle("VER")[0].startswith("opennmc"))
        self.assertIn("INSTCMD", s.handle("HELP")[0])
        self.assertEqual(s.handle("STARTTLS"), ["ERR FEATURE-NOT-CONFIGURED"])

    def test_list_ups_and_upsdesc(self):
        s = _session()
        self.assertEqual(s.handle("LIST UPS"),
                         ["BEGIN LIST UPS", 'UPS ups "Server room"', "END LIST UPS"])
        self.assertEqual(s.handle("GET UPSDESC ups"), ['UPSDESC ups "Server room"'])

    def test_get_and_list_var(self):
        s = _session()
        self.assertEqual(s.handle("GET VAR ups ups.status"), ['VAR ups ups.status "OL"'])
        self.assertEqual(s.handle("get var ups input.voltage"), ['VAR ups input.voltage "229.5"'])
        self.assertEqual(s.handle("LIST VAR ups"), [
            "BEGIN LIST VAR ups",
            'VAR ups battery.charge "100"',
            'VAR ups input.voltage "229.5"',
            'VAR ups ups.model "NETYS \\"RT\\""',
            'VAR ups ups.status "OL"',
            "END LIST VAR ups"])
        self.assertEqual(s.handle("GET TYPE ups battery.charge")[0].split()[:3],
                         ["TYPE", "ups", "battery.charge"])
        self.assertTrue(s.handle("GET DESC ups battery.charge")[0].startswith(
            "DESC ups battery.charge \""))

    def test_errors(self):
        s = _session()
        table = [
            ("GET VAR other ups.status", "ERR UNKNOWN-UPS"),
            ("GET VAR ups nothing.here", "ERR VAR-NOT-SUPPORTED"),
            ("GET VAR ups", "ERR INVALID-ARGUMENT"),
            ("GET SOMETHING ups x", "ERR INVALID-ARGUMENT"),
            ("LIST", "ERR INVALID-ARGUMENT"),
            ("LIST VAR other", "ERR UNKNOWN-UPS"),
            ("REQ ups.status", "ERR UNKNOWN-COMMAND"),
            ("\x7f\x7f", "ERR UNKNOWN-COMMAND"),
            ("   ", "ERR UNKNOWN-COMMAND"),
            ("GET CMDDESC ups load.on", "ERR CMD-NOT-SUPPORTED"),
            ("SET VAR ups ups.status OB", "ERR USERNAME-REQUIRED"),
            ("LIST ENUM ups nothing", "ERR VAR-NOT-SUPPORTED"),
        ]
        for line, reply in table:
            self.assertEqual(s.handle(line), [reply], line)

    def test_stale_data_is_refused(self):
        s = _session(stale=True)
        self.assertEqual(s.handle("GET VAR ups ups.status"), ["ERR DATA-STALE"])
        self.assertEqual(s.handle("LIST VAR ups"), ["ERR DATA-STALE"])
        self.assertEqual(s.handle("LIST UPS")[0], "BEGIN LIST UPS")

    def test_lists_of_commands_rw_enum_range(self):
        s = _session()
        self.assertEqual(s.handle("LIST CMD ups"), [
            "BEGIN LIST CMD ups", "CMD ups beeper.mute", "CMD ups test.battery.start",
            "END LIST CMD ups"])
        self.assertEqual(s.handle("LIST RW ups"), ["BEGIN LIST RW ups", "END LIST RW ups"])
        self.assertEqual(s.handle("LIST RANGE ups battery.charge"), [
            "BEGIN LIST RANGE ups battery.charge", "END LIST RANGE ups battery.charge"])
        self.assertEqual(s.handle("GET CMDDESC ups beeper.mute")[0].split()[:3],
                         ["CMDDESC", "ups", "beeper.mute"])

    def test_logout_closes(self):
        s = _session()
        self.assertEqual(s.handle("LOGOUT"), ["OK Goodbye"])
        self.assertTrue(s.closing)


class TestAccounts(unittest.TestCase):
    def test_primary_login_and_fsd(self):
        s = _session()
        fsd = []
        s.ctx.on_fsd = fsd.append
        self.assertEqual(_login(s, "admin", "adminpw"), ["OK", "OK"])
        self.assertEqual(s.handle("GET NUMLOGINS ups"), ["NUMLOGINS ups 0"])
        self.assertEqual(s.handle("LOGIN ups"), ["OK"])
        self.assertEqual(s.handle("LOGIN ups"), ["ERR ALREADY-LOGGED-IN"])
        self.assertEqual(s.handle("PRIMARY ups"), ["OK PRIMARY-GRANTED"])
        self.assertEqual(s.handle("MASTER ups"), ["OK MASTER-GRANTED"])
        self.assertEqual(s.handle("GET NUMLOGINS ups"), ["NUMLOGINS ups 1"])
        self.assertEqual(s.handle("LIST CLIENT ups"),
                         ["BEGIN LIST CLIENT ups", "CLIENT ups 192.0.2.7", "END LIST CLIENT ups"])
        self.assertEqual(s.handle("FSD ups"), ["OK FSD-SET"])
        self.assertEqual(fsd, [s])
        self.assertEqual(s.handle("GET VAR ups ups.status"), ['VAR ups ups.status "FSD OL"'])
        self.assertEqual(s.status()["user"], "admin")

    def test_secondary_cannot_be_primary_or_set_fsd(self):
        s = _session()
        _login(s, "mon", "monpw")
        self.assertEqual(s.handle("LOGIN ups"), ["OK"])
        self.assertEqual(s.handle("PRIMARY ups"), ["ERR ACCESS-DENIED"])
        self.assertEqual(s.handle("FSD ups"), ["ERR ACCESS-DENIED"])
        self.assertFalse(s.ctx.fsd)

    def test_bad_password_and_missing_credentials(self):
        s = _session()
        self.assertEqual(s.handle("LOGIN ups"), ["ERR USERNAME-REQUIRED"])
        s.handle("USERNAME admin")
        self.assertEqual(s.handle("USERNAME other"), ["ERR ALREADY-SET-USERNAME"])
        self.assertEqual(s.handle("LOGIN ups"), ["ERR PASSWORD-REQUIRED"])
        s.handle("PASSWORD wrong")
        self.assertEqual(s.handle("PASSWORD adminpw"), ["ERR ALREADY-SET-PASSWORD"])
        self.assertEqual(s.handle("LOGIN ups"), ["ERR ACCESS-DENIED"])
        self.assertEqual(s.handle("INSTCMD ups test.battery.start"), ["ERR ACCESS-DENIED"])
        unknown = _session()
        _login(unknown, "nobody", "adminpw")
        self.assertEqual(unknown.handle("LOGIN ups"), ["ERR ACCESS-DENIED"])
        # One check per session: a failed one is never tried again on the same connection.
        self.assertEqual(s.checks, 1)

    def test_the_protocol_never_checks_a_password_itself(self):
        ctx = _session().ctx
        raw = NutSession(ctx, "192.0.2.8")
        raw.handle("USERNAME admin")
        raw.handle("PASSWORD adminpw")
        check = raw.handle("LOGIN ups")
        self.assertIsInstance(check, Check)
        self.assertEqual(check.line, "LOGIN ups")
        self.assertIsNone(raw.login)
        raw.checked(None, "account admin locked for 300 s after repeated failures")
        self.assertEqual(raw.handle("LOGIN ups"), [
            "ERR ACCESS-DENIED account admin locked for 300 s after repeated failures"])

    def test_instcmd_rights(self):
        s = _session()
        _login(s, "tester", "testpw")
        call = s.handle("INSTCMD ups test.battery.start")
        self.assertIsInstance(call, Call)
        self.assertEqual((call.command, call.value), ("test.battery.start", None))
        self.assertEqual(s.finish_call(call), ["OK"])
        self.assertEqual(s.finish_call(call, "INSTCMD-FAILED"), ["ERR INSTCMD-FAILED"])
        self.assertEqual(s.handle("INSTCMD ups beeper.mute"), ["ERR ACCESS-DENIED"])
        self.assertEqual(s.handle("INSTCMD ups load.on"), ["ERR CMD-NOT-SUPPORTED"])
        admin = _session()
        _login(admin, "admin", "adminpw")
        call = admin.handle("INSTCMD ups beeper.mute 5")
        self.assertEqual((call.command, call.value), ("beeper.mute", "5"))

    def test_instcmd_on_stale_data(self):
        s = _session(stale=True)
        _login(s, "admin", "adminpw")
        self.assertEqual(s.handle("INSTCMD ups test.battery.start"), ["ERR DATA-STALE"])

    def test_tracking(self):
        s = _session()
        _login(s, "admin", "adminpw")
        self.assertEqual(s.handle("GET TRACKING"), ["OFF"])
        self.assertEqual(s.handle("SET TRACKING ON"), ["OK"])
        self.assertEqual(s.handle("SET TRACKING MAYBE"), ["ERR INVALID-ARGUMENT"])
        call = s.handle("INSTCMD ups test.battery.start")
        self.assertEqual(s.handle("GET TRACKING " + call.tracking_id), ["PENDING"])
        s.finish_call(call, "INSTCMD-FAILED")
        self.assertEqual(s.handle("GET TRACKING " + call.tracking_id), ["ERR INSTCMD-FAILED"])
        self.assertEqual(s.handle("GET TRACKING nope"), ["ERR UNKNOWN"])

    def test_set_var_is_read_only(self):
        s = _session()
        _login(s, "admin", "adminpw")
        self.assertEqual(s.handle('SET VAR ups ups.status "OB"'), ["ERR READONLY"])
        self.assertEqual(s.handle('SET VAR ups nothing "1"'), ["ERR VAR-NOT-SUPPORTED"])


SCHEMA = Schema(nut_settings.ROWS)


class TestUserValidation(unittest.TestCase):
    def test_plain_password_is_hashed(self):
        out = SCHEMA.check("nut.users", ["ops:s3cret:primary:test.battery.start+beeper.mute"])
        self.assertEqual(len(out), 1)
        self.assertNotIn("s3cret", out[0])
        name, _, rest = out[0].partition(":")
        self.assertEqual(name, "ops")
        user = nut_users.parse_users(out)["ops"]
        self.assertTrue(user.check("s3cret"))
        self.assertFalse(user.check("s3cret2"))
        self.assertEqual(user.role, "primary")
        self.assertTrue(user.may_run("beeper.mute"))
        self.assertFalse(user.may_run("load.off"))
        self.assertEqual(SCHEMA.check("nut.users", out), out)  # hashed stays as it is

    def test_bad_items_name_the_field(self):
        for item in ("onlyname", "a:b", "a:pw:boss", "a:p w:primary", "a:pa$s:primary",
                     "a::primary", "a:b:primary:x:y", "b a:pw:primary"):
            with self.assertRaises(ConfigError) as cm:
                SCHEMA.check("nut.users", [item])
            self.assertEqual(cm.exception.field, "nut.users", item)
        with self.assertRaises(ConfigError):
            SCHEMA.check("nut.users", ["a:x:primary", "a:y:secondary"])

    def test_unhashed_items_are_not_accepted_as_accounts(self):
        self.assertEqual(nut_users.parse_users(["a:plain:primary", "broken"]), {})



class KnownRepliesTest(unittest.TestCase):
    """A GET VAR reply is given again only while nothing it depends on has changed."""

    def test_a_reply_holds_until_the_data_fsd_or_a_note_changes(self):
        state = _state({"ups.status": "OL", "battery.charge": 90})
        ctx = NutContext(state)
        note = [({}, (), None)]
        ctx.annotations.append(lambda: note[0])
        raw = b"GET VAR ups ups.status"
        self.assertIsNone(ctx.known_reply(raw))
        ctx.remember_reply(raw, ['VAR ups ups.status "OL"'])
        self.assertEqual(ctx.known_reply(raw), ['VAR ups ups.status "OL"'])
        ctx.fsd = True
        self.assertIsNone(ctx.known_reply(raw))                   # FSD changes ups.status
        ctx.remember_reply(raw, ['VAR ups ups.status "FSD OL"'])
        note[0] = ({"ups.timer.shutdown": 30}, (), "warning 1")
        self.assertIsNone(ctx.known_reply(raw))                   # a shutdown warning came
        ctx.remember_reply(raw, ['VAR ups ups.status "FSD OL ALARM"'])
        state.begin()
        state.set("ups.status", "OB")
        state.commit(now=1763700001.0)
        self.assertIsNone(ctx.known_reply(raw))                   # new UPS data
        ctx.remember_reply(raw, ['VAR ups ups.status "FSD OB ALARM"'])
        state.mark_stale()
        self.assertIsNone(ctx.known_reply(raw))                   # stale: ERR DATA-STALE now

    def test_the_kept_replies_are_bounded(self):
        ctx = NutContext(_state({"ups.status": "OL"}))
        for i in range(ctx.MAX_REPLIES + 10):
            ctx.remember_reply(b"GET VAR ups x.%d" % i, ["VAR ups x.%d 1" % i])
        self.assertLessEqual(len(ctx._replies), ctx.MAX_REPLIES)

if __name__ == "__main__":
    unittest.main()
