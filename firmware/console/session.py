"""One console session: login, the first-access password, the main menu (pure dialogue, no I/O).

The manual's main menu (appendix "Configuring NET VISION via SSH or USB"):

    1. SNMP/WEB Card Settings              -> the configuration utility (menus.py)
    2. Reset Accounts/Passwords to Default -> accounts.reset
    3. Reset Configuration to Default      -> config.reset
    4. Restart SNMP/WEB Card               -> card.restart
    0. Exit

Keys: Enter confirms a line, Backspace erases, Ctrl-C goes back one level (or cancels a
question), Ctrl-D ends the session; no keystroke for the card's Login Timeout (auth.login_timeout,
300 s by default) ends it too.
Everything is done through the card's management operations (CardOps: config.reset,
accounts.reset, card.restart, time.set) and its configuration (every change checked by the one
schema, saved, applied, and logged "<setting> has been changed via <ssh|serial> by <user>").
Only admin and read/write users change anything; read-only users see the values.

A serial session starts with a login prompt; an SSH session arrives logged in (the transport
asked the same login guard). Whoever logs in as admin with the board's first-access password
must set a new one before anything else.
"""

from firmware.admin.args import Caller, OpError
from firmware.console import screens
from firmware.console.lineedit import EOF, INTERRUPT, LINE
from firmware.console.menus import utility
from firmware.console.terminal import CLOSED, TIMEOUT, Back, End
from firmware.platform import compat
from firmware.state import catalogue

try:
    import asyncio
except ImportError:  # pragma: no cover - old MicroPython ports
    import uasyncio as asyncio  # type: ignore

LOGIN_TIMEOUT_S = 60     # to type the password once the name is given
LOGIN_TIMEOUT_DEFAULT_S = 300   # the manual's Login Timeout (s) (§15.2)
FOREVER = -1             # a question without a time limit: the login prompt of a serial line
LOGIN_TRIES = 3          # wrong passwords before the serial line shows its banner again
PASSWORD_TRIES = 3       # attempts to set the new admin password at first access


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

    # --- the session -------------------------------------------------------------------------
    async def run(self):
        """Log in (serial), set the first password if needed, run the menus; the end reason."""
        opened = False
        try:
            if self.user is None and not await self.login():
                return self.reason
            opened = True
            catalogue.card_event(self.card.bus, "console.session.opened", user=self.user,
                                 via=self.via, address=self.address)
            if self.first_access():
                await self.first_password()
            await self.main_menu()
        except End as end:
            self.reason = end.reason
        finally:
            if opened:
                catalogue.card_event(self.card.bus, "console.session.closed", user=self.user,
                                     via=self.via, reason=self.reason or "closed")
        return self.reason

    @property
    def idle_timeout_s(self):
        """Seconds without a keystroke that end the session: the card's Login Timeout
        (auth.login_timeout where the accounts have it), read at each question."""
        if self._idle_timeout_s is not None:
            return self._idle_timeout_s
        config = self.card.config
        if "auth.login_timeout" in config.schema:
            return config.get("auth.login_timeout")
        return LOGIN_TIMEOUT_DEFAULT_S

    def caller(self):
        return Caller(self.user, self.via)

    def first_access(self):
        accounts = self.card.accounts
        return self.user == "admin" and not accounts.admin_password_set()

    # --- input ---------------------------------------------------------------------------------
    async def ask(self, prompt, secret=False, timeout_s=None):
        """One line typed by the user; Back on Ctrl-C, End on Ctrl-D, idle time or hang-up."""
        self.term.write(prompt)
        await self.term.flush()
        self.term.set_secret(secret)
        timeout_s = timeout_s or self.idle_timeout_s
        try:
            event = await self.term.event(None if timeout_s == FOREVER else timeout_s)
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
                              self.access)

    def take_notice(self):
        notice, self.notice = self.notice, None
        return notice

    def may_change(self):
        """True for admin and read/write users; for the others, say why not."""
        if self.access == "write":
            return True
        self.notice = ["Your account has read-only access: values can be seen, not changed "
                       "(log in as admin or a read/write user)."]
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

    async def first_password(self):
        """Make admin set a new password: the first-access one opens nothing else."""
        self.show("\n".join(self.head()) + "\n")
        self.term.write("\n".join(screens.wrap(
            "First access: the admin password is still the board's first-access password "
            "(the last 6 characters of the MAC address), which anyone can read on the network. "
            "Set a new admin password now.", screens.WIDTH)) + "\n\n")
        for _ in range(PASSWORD_TRIES):
            try:
                if await self.new_password("auth.admin_password"):
                    self.term.write("The new admin password is set.\n")
                    return
            except Back:
                raise End("first-access password not replaced")
            for line in self.take_notice() or ():
                self.term.write(line + "\n")
        raise End("first-access password not replaced")

    async def new_password(self, key):
        """Ask a new password twice and store it in `key`: True when changed."""
        new = await self.ask("New password => ", secret=True)
        if not new:
            self.notice = ["Nothing changed (empty password)."]
            return False
        if new != await self.ask("Repeat the new password => ", secret=True):
            self.notice = ["The two passwords differ: nothing changed."]
            return False
        first = getattr(self.card.board, "first_password", None)
        if key == "auth.admin_password" and first and new.upper() == first.upper():
            self.notice = ["The first-access password cannot be the new admin password."]
            return False
        return await self.change({key: new})

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
        if not self.may_change():
            return
        if not await self.confirm("Reset the admin password and the user table to default?"):
            self.notice = ["Nothing changed."]
            return
        if await self.operation("accounts.reset") is not None:
            self.notice = ["Accounts and passwords reset to default: admin has the board's "
                           "first-access password again and the user table is empty."]

    async def reset_configuration(self):
        if not self.may_change():
            return
        if not await self.confirm("Reset every setting to its factory default?"):
            self.notice = ["Nothing changed."]
            return
        result = await self.operation("config.reset")
        if result is not None:
            self.notice = ["Configuration reset to default (%d setting(s) changed)."
                           % len(result.get("changed", ()))]

    async def restart(self):
        if not self.may_change():
            return
        if not await self.confirm("Restart the card now? This session will close."):
            self.notice = ["Nothing done."]
            return
        if await self.operation("card.restart") is not None:
            self.term.write("The card restarts: session closed.\n")
            await self.term.flush()
            raise End("card restart")
