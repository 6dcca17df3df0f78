"""The web feature: the card's web UI and JSON API on HTTP and HTTPS (CPython boards: aiohttp).

The server itself (firmware/http/server.py) is imported when the feature starts, so a build
without aiohttp (the ESP32) still has the web settings and reports why the server does not run.
"""

from firmware.admin.ops import CardOps
from firmware.card.feature import Feature
from firmware.http import settings

LIVE_KEYS = ("web.temperature_unit", "http.max_clients", "http.redirect")


class Web(Feature):
    """HTTP and HTTPS servers of the web interface."""

    name = "web"
    title = "Web interface"
    SETTINGS = settings.ROWS

    def __init__(self, card):
        super().__init__(card)
        self.server = None

    async def start(self):
        try:
            from firmware.http.server import WebServer      # CPython: aiohttp
        except ImportError as exc:
            raise OSError("no web server in this build (%s)" % exc)
        server = WebServer(self.card, CardOps(self.card), self.setting)
        await server.start()
        self.server = server

    async def stop(self):
        if self.server is not None:
            await self.server.stop()
            self.server = None

    async def apply(self, changed):
        """The unit, the request limit and the redirect are read per request; ports restart."""
        if all(key in LIVE_KEYS for key in changed):
            return
        await self.stop()
        await self.start()

    def endpoints(self):
        return dict(self.server.addresses) if self.server is not None else {}

    def status(self):
        return self.server.status() if self.server is not None else {"running": False}
