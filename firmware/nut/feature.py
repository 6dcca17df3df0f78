"""The NUT feature: the card's UPS on NUT's network protocol, for upsc, upsmon, NAS and HA."""

from firmware import VERSION
from firmware.card.feature import Feature
from firmware.nut import settings, users
from firmware.nut.context import NutContext
from firmware.nut.server import NutServer
from firmware.state import catalogue

LIVE = ("nut.max_clients", "nut.max_per_address", "nut.idle_timeout", "nut.users")
FIRST_ACCESS = ("the admin password is still the first-access one; set a new one first "
                "(opennmc config set auth.admin_password=...)")


class Nut(Feature):
    """NUT network server; the accounts are nut.users plus the card's admin (primary, all)."""

    name = "nut"
    title = "NUT server"
    SETTINGS = settings.ROWS

    def __init__(self, card):
        super().__init__(card)
        self._parsed = (None, {})
        self.ctx = NutContext(card.state, find_user=self.find_user, commands=card.ups.commands,
                              describe=self.describe, on_fsd=self._on_fsd,
                              fixed={"driver.name": "opennmc", "driver.version": VERSION})
        self.server = None
        card.clients = self.clients
        card.nut = self

    # --- what the protocol asks ------------------------------------------------------------------
    def find_user(self, name):
        """The account `name`: nut.users first, then the card's admin with its password."""
        items = self.setting("nut.users")
        if self._parsed[0] is not items:       # parse again only when the setting changed
            self._parsed = (items, users.parse_users(items))
        user = self._parsed[1].get(name)
        accounts = self.card.accounts
        if user is None and name == "admin" and accounts is not None:
            # The first-access password is derived from the MAC, which anyone on the LAN sees:
            # it may not send FSD or commands. The card asks for a new password first.
            refusal = None if accounts.admin_password_set() else FIRST_ACCESS
            user = users.User("admin", accounts.admin_secret(), "primary", None, refusal)
        return user

    async def check(self, name, password, address):
        """A login, through the card's login guard (counted, slowed down, locked out)."""
        return await self.card.accounts.guard.login(name, password, address, "nut",
                                                    self.find_user)

    def describe(self):
        """The UPS description: the card's name and the UPS range."""
        what = self.card.state.device.get("range") or "UPS"
        return "%s %s" % (self.card.identity()["name"], what)

    def _on_fsd(self, session):
        catalogue.card_event(self.card.bus, "nut.fsd", address=session.address,
                             user=session.username)

    # --- life cycle ------------------------------------------------------------------------------
    async def start(self):
        if not self.setting("nut.enabled"):
            return
        server = NutServer(self.ctx, self.setting("nut.port"), self.setting("nut.bind"),
                           self.setting("nut.max_clients"), self.setting("nut.idle_timeout"),
                           command=self.card.ups.command, check=self.check,
                           max_per_address=self.setting("nut.max_per_address"))
        await server.start()       # OSError: port in use, address not here (the card retries)
        self.server = server

    async def stop(self):
        if self.server is not None:
            await self.server.stop()
            self.server = None

    async def apply(self, changed):
        if all(k in LIVE for k in changed) and self.server is not None:
            self.server.max_clients = self.setting("nut.max_clients")
            self.server.max_per_address = self.setting("nut.max_per_address")
            self.server.idle_timeout_s = self.setting("nut.idle_timeout")
            return                 # accounts are looked up at each login
        await self.stop()
        await self.start()

    # --- the card's `nut` interface: what other features tell the NUT clients ---------------
    def fsd(self, on):
        """Raise (or, once the danger is over, lift) FSD for every client."""
        self.ctx.fsd = bool(on)

    def annotate(self, note):
        """Add a note to the NUT view of the UPS: note() -> ({name: value}, [status tokens],
        alarm text or None), asked at each request."""
        self.ctx.annotations.append(note)

    def clients(self):
        """The client table (manual: "Client table"): logged-in NUT clients, for SNMP too."""
        return self.server.status()["clients"] if self.server is not None else []

    def endpoints(self):
        if self.server is None:
            return {}
        host = self.server.bind if self.server.bind not in ("0.0.0.0", "") else "127.0.0.1"
        return {"nut": "%s:%d" % (host, self.server.port)}

    def status(self):
        if self.server is None:
            return {"enabled": bool(self.setting("nut.enabled")), "listening": False}
        return self.server.status()
