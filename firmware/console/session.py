"""One console session: login, a password that is due, the main menu (pure dialogue, no I/O).

The manual's main menu (appendix "Configuring NET VISION via SSH or USB"):

    1. SNMP/WEB Card Settings              -> the configuration utility (menus.py)
    2. Reset Accounts/Passwords to Default -> accounts.reset
    3. Reset Configuration to Default      -> config.reset
    4. Restart SNMP/WEB Card               -> card.restart
    0. Exit

Keys: Enter confirms a line, Backspace erases, Ctrl-C goes back one level (or cancels a
question), Ctrl-D ends the session; the card's Login Timeout (auth.login_timeout) without a
keystroke ends it too. Everything is done through the card's management operations (CardOps,
the features' operations: config.reset, accounts.*, card.restart, time.set) and its
configuration (each change checked by the one schema, saved, applied, and logged "<setting> has
been changed via <ssh|serial> by <user>"). The roles are the web interface's: read-only users
see values, read/write users change settings, the admin account alone changes accounts, resets
and restarts the card; everyone may change their own password.

A serial session starts with a login prompt; an SSH session arrives logged in (the transport
asked the same login guard). Each session is one of the card's login sessions
(card.accounts.sessions: one at a time by default, a newer login ends it). Whoever must set a new
password (the first-access admin password, one past its validity) does so first, then logs in
again with it.
"""

from firmware.admin.args import Caller, OpError
from firmware.console import screens
from firmware.console.lineedit import EOF, INTERRUPT, LINE
from firmware.console.menus import utility
from firmware.console.terminal import CLOSED, TIMEOUT, Back, End
from firmware.platform import compat

try:
    import asyncio
except ImportError:  # pragma: no cover - old MicroPython ports
    import uasyncio as asyncio  # type: ignore

LOGIN_TIMEOUT_S = 60     # to type the password once the name is given
FOREVER = -1             # a question without a time limit: the login prompt of a serial line
LOGIN_TRIES = 3          # wrong passwords before the serial line shows its banner again
PASSWORD_TRIES = 3       # attempts to set a new password when one must be set first
CHECK_S = 2              # how often a waiting session checks it is still open (a newer login)


class Session:
    """The dialogue of one logged-in user (or of a serial line waiting for one)."""

    def __init__(self, card, ops, term, via, address, user=None, access=None,
                 idle_timeout_s=None):
        self.card = card
        self.ops = ops
        self.term = term
        self.via = via
        self.address = address
        self.user = user
        self.access = access
        self._idle_timeout_s = idle_timeout_s
        self.notice = None
        self.reason = None
        self.token = None          # this session in the card's session table
        self.check_s = CHECK_S

    # --- the session -------------------------------------------------------------------------
    async def run(self):
        """Log in (serial), set a new password if one is due, run the menus; the end reason."""
        sessions = self.card.accounts.sessions
        try:
            if self.user is None and not await self.login():
                return self.reason
            # One table of sessions for every interface: the manual allows one at a time
            # (auth.max_sessions), so this login may end an older one, on the web or here.
            self.token = sessions.open(self.user, self.access, self.address, self.via,
                                       limit=self.card.config.get("auth.max_sessions"),
                                       must_change=self.must_change()).token
            if self.must_change():
                await self.new_own_password()
            await self.main_menu()
        except End as end:
            self.reason = end.reason
        finally:
            if self.token is not None:
                sessions.close(self.token, self.reason or "closed")
        return self.reason

    def must_change(self):
        """True while the user must set a new password first: the first-access admin
        password, or one past auth.password_validity."""
        return self.card.accounts.must_change(self.user)

    def still_open(self, touch=False):
        """True while this session is in the card's table (a newer login or a changed password
        ends it there); touch restarts its idle clock there."""
        if self.token is None:
            return True
        return self.card.accounts.sessions.get(self.token, self.idle_timeout_s + self.check_s,
                                               touch=touch) is not None

    @property
    def idle_timeout_s(self):
        """Seconds without a keystroke that end the session: the card's Login Timeout
        (auth.login_timeout, the manual's §15.2), read at each question."""
        if self._idle_timeout_s is not None:
            return self._idle_timeout_s
        return self.card.config.get("auth.login_timeout")

    def caller(self):
        return Caller(self.user, self.via)

    # --- input ---------------------------------------------------------------------------------
    async def ask(self, prompt, secret=False, timeout_s=None):
        """One line typed by the user; Back on Ctrl-C, End on Ctrl-D, idle time or hang-up."""
        self.term.write(prompt)
        await self.term.flush()
        self.term.set_secret(secret)
        timeout_s = timeout_s or self.idle_timeout_s
        try:
            event = await self.wait(timeout_s)
        finally:
            self.term.set_secret(False)
        kind = event[0]
        if kind == LINE:
            return event[1] if secret else event[1].strip()
        if kind == INTERRUPT:
            raise Back()
        if kind == EOF:
            self.term.write("\n")
            raise End("exit (Ctrl-D)")
        if kind == TIMEOUT:
            self.term.write("\nNo keystroke for %g s: session closed.\n" % timeout_s)
            await self.term.flush()
            raise End("idle timeout")
        raise End("closed by the terminal" if kind == CLOSED else kind)

    async def wait(self, timeout_s):
        """The next line event within timeout_s of the last keystroke (FOREVER: no limit),
        checking every CHECK_S that this session is still open."""
        if timeout_s == FOREVER:
            return await self.term.event(None)
        left, typed = timeout_s, self.term.keystrokes
        while True:
            event = await self.term.event(min(left, self.check_s))
            if not self.still_open(touch=self.term.keystrokes != typed):
                self.term.write("\nThis session was closed by a newer login or a change of "
                                "its account.\n")
                await self.term.flush()
                raise End("closed by the card")
            if event[0] != TIMEOUT:
                return event
            if self.term.keystrokes != typed:
                left, typed = timeout_s, self.term.keystrokes
            else:
                left -= self.check_s
                if left <= 0:
                    return event

    async def confirm(self, question):
        """True when the user answers y (Ctrl-C or anything else: no)."""
        try:
            return (await self.ask(question + " (y/N) => ")).lower() in ("y", "yes")
        except Back:
            return False

    def show(self, text):
        """A new screen."""
        self.term.clear()
        self.term.write(text)

    def head(self):
        card = self.card
        model = card.state.get("ups.model") or card.state.device.get("range")
        if card.state.stale:
            model = "%s (no data)" % model if model else "not connected"
        return screens.header(card.identity()["name"], card.clock.format(), model, self.user,
                              self.role())

    def take_notice(self):
        notice, self.notice = self.notice, None
        return notice

    def role(self):
        """"admin", "write" or "read", as the web interface's roles."""
        return "admin" if self.user == "admin" else self.access

    def may(self, role="write"):
        """True when this user has `role` ("write": admin or a read/write user; "admin": the
        admin account); otherwise the notice says why not."""
        mine = self.role()
        if mine == "admin" or (role == "write" and mine == "write"):
            return True
        if mine == "write":
            self.notice = ["Only the admin account may do this (accounts, resets, restart)."]
        else:
            self.notice = ["Your account has read-only access: values can be seen, not "
                           "changed (log in as admin or a read/write user)."]
        return False

    # --- logging in (serial) -------------------------------------------------------------------
    async def login(self):
        """The login prompt of a serial line: True once a user is in."""
        self.term.write("\nopennmc configuration console (%s)\n" % self.via)
        for _ in range(LOGIN_TRIES):
            name = ""
            while not name:
                try:
                    name = await self.ask("login as: ", timeout_s=FOREVER)
                except Back:
                    continue
            try:
                password = await self.ask("Password: ", secret=True, timeout_s=LOGIN_TIMEOUT_S)
            except Back:
                continue
            access, why = await self.card.accounts.login(name, password, self.address, self.via)
            if access is not None:
                self.user, self.access = name, access
                return True
            self.term.discard_typeahead()
            self.term.write("Login refused: %s\n" % why)
        self.reason = "login failed"
        return False

    async def new_own_password(self):
        """Make the user set a new password before anything else (the first-access admin
        password opens nothing else), through the accounts' own operation; the session then
        ends, as on the web: a new password, a new login."""
        self.show("\n".join(self.head()) + "\n")
        if self.user == "admin" and not self.card.accounts.admin_password_set():
            why = ("First access: the admin password is still the board's first-access "
                   "password (the last 6 characters of the MAC address), which anyone can read "
                   "on the network.")
        else:
            why = "Your password is older than the card allows (auth.password_validity)."
        self.term.write("\n".join(screens.wrap(why + " Set a new password now.",
                                               screens.WIDTH)) + "\n\n")
        for _ in range(PASSWORD_TRIES):
            try:
                if await self.change_own_password():
                    self.term.write("The new password is set: log in again with it.\n")
                    await self.term.flush()
                    raise End("new password set")
            except Back:
                raise End("new password not set")
            for line in self.take_notice() or ():
                self.term.write(line + "\n")
        raise End("new password not set")

    async def change_own_password(self):
        """The current password, then the new one twice (never echoed), through the accounts'
        accounts.password operation (its policy, its login guard): True when changed."""
        old = await self.ask("Current password => ", secret=True)
        new = await self.ask("New password => ", secret=True)
        if not new:
            self.notice = ["Nothing changed (empty password)."]
            return False
        if new != await self.ask("Repeat the new password => ", secret=True):
            self.notice = ["The two passwords differ: nothing changed."]
            return False
        result = await self.operation("accounts.password", {"old": old, "new": new})
        if result is None:
            return False
        self.notice = self.outcome({}, result.get("changed", []))
        return True

    # --- changing the configuration ------------------------------------------------------------
    async def change(self, values):
        """Check, save and apply settings as every interface does; the outcome in the notice."""
        config = self.card.config
        try:
            changed = config.update(values, via=self.via, user=self.user)
        except ValueError as exc:      # ConfigError: the schema refused a field
            field = getattr(exc, "field", "")
            self.notice = ["Refused, nothing changed: %s: %s"
                           % (config.schema.label(field), getattr(exc, "message", exc))]
            return False
        except OSError as exc:
            self.notice = ["Not saved, nothing changed: %s" % exc]
            return False
        self.notice = self.outcome(await self.settled(), changed)
        return bool(changed)

    async def settled(self):
        """card.settled(), waited for without tying its work to this session: a change may stop
        the transport this session runs on, which then cancels the session, not the change."""
        done = asyncio.Event()
        box = []

        async def settle():
            try:
                box.append(await self.card.settled())
            finally:
                done.set()

        compat.create_task(settle())
        await done.wait()
        return box[0] if box else {}

    def outcome(self, result, changed):
        """What a change did, in words."""
        schema = self.card.config.schema
        if not changed:
            return ["Nothing changed (same value)."]
        lines = ["Changed: %s." % ", ".join(schema.label(k) for k in changed)]
        for key in schema.restart_keys(changed):
            lines.append("%s takes effect at the next start of the card." % schema.label(key))
        for name, why in sorted(result.get("not_running", {}).items()):
            lines.append("Saved; %s is not running: %s" % (name, why))
        for name, why in sorted(result.get("not_applied", {}).items()):
            lines.append("Saved, but %s could not take it: %s" % (name, why))
        return lines

    async def operation(self, op, args=None):
        """A management operation in the caller's name; None (and a notice) when refused."""
        try:
            return await self.ops.handle(op, args or {}, self.caller())
        except OpError as exc:
            self.notice = ["Refused: %s" % exc.message]
            return None

    # --- the main menu -------------------------------------------------------------------------
    MAIN = (("1", "SNMP/WEB Card Settings"), ("2", "Reset Accounts/Passwords to Default"),
            ("3", "Reset Configuration to Default"), ("4", "Restart SNMP/WEB Card"),
            ("0", "Exit"))

    async def main_menu(self):
        while True:
            self.show(screens.menu(self.head(), "Main Menu",
                                   [(n, label, None) for n, label in self.MAIN],
                                   notice=self.take_notice()))
            try:
                choice = await self.ask(screens.PROMPT)
            except Back:
                continue
            if choice == "1":
                await utility(self)
            elif choice == "2":
                await self.reset_accounts()
            elif choice == "3":
                await self.reset_configuration()
            elif choice == "4":
                await self.restart()
            elif choice == "0":
                self.term.write("Session closed.\n")
                await self.term.flush()
                raise End("exit")
            elif choice:
                self.notice = ["No such choice: %s" % screens.clip(choice, 20)]

    async def reset_accounts(self):
        if not self.may("admin"):
            return
        if not await self.confirm("Reset the admin password and the user table to default?"):
            self.notice = ["Nothing changed."]
            return
        if await self.operation("accounts.reset") is not None:
            self.notice = ["Accounts and passwords reset to default: admin has the board's "
                           "first-access password again and the user table is empty."]

    async def reset_configuration(self):
        if not self.may("admin"):
            return
        if not await self.confirm("Reset every setting to its factory default?"):
            self.notice = ["Nothing changed."]
            return
        result = await self.operation("config.reset")
        if result is not None:
            self.notice = ["Configuration reset to default (%d setting(s) changed)."
                           % len(result.get("changed", ()))]

    async def restart(self):
        if not self.may("admin"):
            return
        if not await self.confirm("Restart the card now? This session will close."):
            self.notice = ["Nothing done."]
            return
        if await self.operation("card.restart") is not None:
            self.term.write("The card restarts: session closed.\n")
            await self.term.flush()
            raise End("card restart")
