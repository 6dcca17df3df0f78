"""The web server (aiohttp): HTTP and HTTPS sites, the API's gatekeeping, the static UI.

Every request to /api/v1 passes one gate, in this order:
  1. the route exists (routes.py), else 404;
  2. the session cookie names an open session (firmware/accounts/sessions.py) unless the route
     is anonymous, else 401; each request restarts its idle clock (auth.login_timeout);
  3. a session that must change its password reaches only the password change and logout;
  4. the session's role may use the route (anon < read < write < admin), else 403;
  5. a request that changes something carries the session's CSRF token in X-CSRF-Token
     (and a login, an Origin of this card when the browser sends one), else 403.
Bounds: a request body of at most MAX_BODY bytes, at most http.max_clients requests at once
(503 beyond), HANDLER_TIMEOUT_S per request, LiveStreams' own limit on event streams; every
refusal is counted in status(). Of the GET requests admitted, at most AT_ONCE run their handler
at a time (the others wait their turn, counted as "queued"): the event loop runs every callback
that is ready before it looks at the serial line's again, so 50 clients answered in one loop
turn would make the poller wait that whole turn for each Modbus answer handed back to it.
Measured with tools/bench/http.py (50 closed-loop clients, back-to-back polling): without the
bound the poll period grew 16 % and the card answered 5.2k requests/s; with AT_ONCE = 4 it
grew under 2 % at 3.6k/s. The UPS comes first. Event streams (/events) are long-lived and
paced by the poll: they do not count. Answers carry a strict Content-Security-Policy (nothing
but the card's own files), nosniff, no framing and no referrer.
"""

from __future__ import annotations

import asyncio
import hmac
import os

from aiohttp import web

from firmware.http import routes
from firmware.http.api import Api, error
from firmware.http.live import LiveStreams
from firmware.http.session_api import SessionApi
from firmware.http.static import StaticFiles
from firmware.http.tls import CertStore

PREFIX = "/api/v1"
AT_ONCE = 4                   # handlers running at once (see the module docstring)
COOKIE = "nmc_session"
MAX_BODY = 300 * 1024
HANDLER_TIMEOUT_S = 30.0
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class WebServer:
    """The card's web interface on its HTTP and HTTPS ports."""

    def __init__(self, card, ops, setting) -> None:
        """card: the card's interfaces; ops: CardOps; setting(key): the web feature's settings."""
        self.card = card
        self.ops = ops
        self.setting = setting
        self.accounts = card.accounts
        folder = os.path.join(card.data_dir or ".", "tls")
        self.certs = CertStore(folder, name=card.identity().get("name") or "opennmc")
        self.api = Api(self)
        self.session_api = SessionApi(self)
        self.live = LiveStreams(card, self.api.snapshot, self._alive)
        self.static = StaticFiles()
        self.own = {
            ("GET", "/openapi.json"): self.api.openapi, ("GET", "/ups"): self.api.ups,
            ("GET", "/clients"): self.api.clients,
            ("GET", "/certificate"): self.api.certificate,
            ("POST", "/certificate"): self.api.certificate_upload,
            ("DELETE", "/certificate"): self.api.certificate_remove,
            ("GET", "/certificate/root"): self.api.certificate_root,
            ("GET", "/mibs"): self.api.mibs, ("GET", "/mibs/{name}"): self.api.mib,
            ("GET", "/session"): self.session_api.show,
            ("POST", "/session"): self.session_api.login,
            ("DELETE", "/session"): self.session_api.logout,
        }
        self.runner: web.AppRunner | None = None
        self.addresses: dict[str, str] = {}
        self._bound: dict[str, int] = {}
        self.active = 0
        self._turns = asyncio.Semaphore(AT_ONCE)
        self.counters = {"requests": 0, "unauthenticated": 0, "forbidden": 0, "csrf": 0,
                         "busy": 0, "queued": 0, "timeouts": 0, "not_found": 0, "errors": 0}
        self._restart: asyncio.Task | None = None

    # --- life cycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on the enabled ports (OSError when a port is taken: the card retries)."""
        app = web.Application(client_max_size=MAX_BODY, middlewares=[self._gate])
        app.router.add_route("*", PREFIX + "/{tail:.*}", self._api)
        app.router.add_get("/{tail:.*}", self.static.handle)
        self.runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self.runner.setup()
        bind = self.setting("http.bind") or "0.0.0.0"
        try:
            for name in ("http", "https"):
                if not self.setting(name + ".enabled"):
                    continue
                context = None
                if name == "https":
                    context = await asyncio.get_running_loop().run_in_executor(
                        None, self.certs.ssl_context)
                # A restart (a new certificate) keeps the port a "0" setting was given.
                port = self._bound.get(name) or self.setting(name + ".port")
                site = web.TCPSite(self.runner, bind, port, ssl_context=context)
                await site.start()
                self.addresses[name] = self._address(site, bind)
                self._bound[name] = int(self.addresses[name].rsplit(":", 1)[1])
        except BaseException:
            await self.stop()
            raise

    @staticmethod
    def _address(site: web.TCPSite, bind: str) -> str:
        port = site._server.sockets[0].getsockname()[1]     # the port when 0 was asked
        return "%s:%d" % ("127.0.0.1" if bind == "0.0.0.0" else bind, port)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None
        self.addresses = {}

    def restart_soon(self) -> None:
        """Restart the sites after the current answer has left (a new certificate)."""
        async def again() -> None:
            await asyncio.sleep(0.3)
            await self.stop()
            await self.start()
        self._restart = asyncio.get_running_loop().create_task(again())

    # --- the gate -----------------------------------------------------------------------------
    def _alive(self, token: str) -> bool:
        return self.accounts.sessions.get(token, self.setting_timeout(), touch=False) is not None

    def setting_timeout(self) -> int:
        return self.card.config.get("auth.login_timeout")

    @web.middleware
    async def _gate(self, request: web.Request, handler) -> web.StreamResponse:
        self.counters["requests"] += 1
        if not request.secure and self._redirect():
            host = (request.host or "127.0.0.1").rsplit(":", 1)[0]
            port = self.addresses["https"].rsplit(":", 1)[1]
            raise web.HTTPPermanentRedirect("https://%s:%s%s" % (host, port, request.rel_url))
        if self.active >= self.setting("http.max_clients"):
            self.counters["busy"] += 1
            return error(503, "too many requests at once; try again")
        self.active += 1
        try:
            if request.method != "GET" or request.path == PREFIX + "/events":
                # Only reads take turns: they answer from memory at once, while a login (its
                # failure delay), a test mail or a command may wait on purpose, and must not
                # hold a turn that every other client then waits for.
                response = await handler(request)
            else:
                if self._turns.locked():
                    self.counters["queued"] += 1
                async with self._turns:
                    response = await handler(request)
        except web.HTTPException as exc:
            response = exc
        finally:
            self.active -= 1
        response.headers.update(HEADERS)
        return response

    def _redirect(self) -> bool:
        return bool(self.setting("http.redirect")) and "https" in self.addresses

    async def _api(self, request: web.Request) -> web.StreamResponse:
        route, params = routes.find(request.method, request.match_info["tail"])
        if route is None:
            self.counters["not_found"] += 1
            return error(404, "no such API route")
        token = request.cookies.get(COOKIE)
        session = None
        if token:
            session = self.accounts.sessions.get(token, self.setting_timeout(),
                                                 touch=route.path != "/events")
        if route.role != "anon" and session is None:
            self.counters["unauthenticated"] += 1
            return error(401, "log in first (no session, or it has ended)")
        if session is not None and session.must_change and not route.first:
            self.counters["forbidden"] += 1
            return error(403, "set a new password first (POST /session/password)")
        if route.role != "anon" and not routes.allowed(route.role, session.role()):
            self.counters["forbidden"] += 1
            return error(403, "this account may not do that (%s access needed)" % route.role)
        if route.changes_state:
            if route.role != "anon":
                sent = request.headers.get("X-CSRF-Token", "")
                if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
                    self.counters["csrf"] += 1
                    return error(403, "missing or wrong CSRF token (X-CSRF-Token)")
            elif not self._same_origin(request):
                self.counters["csrf"] += 1
                return error(403, "request from another site refused")
        try:
            if route.path == "/events":
                return await self.live.handle(request, token)
            own = self.own.get((route.method, route.path))
            if own is not None:
                return await asyncio.wait_for(own(request, params, session), HANDLER_TIMEOUT_S)
            return await asyncio.wait_for(self.api.run(request, route, params, session),
                                          HANDLER_TIMEOUT_S)
        except asyncio.TimeoutError:
            self.counters["timeouts"] += 1
            return error(409, "no answer within %g s" % HANDLER_TIMEOUT_S)
        except web.HTTPRequestEntityTooLarge:
            return error(413, "request larger than %d bytes" % MAX_BODY)
        except web.HTTPException:
            raise
        except Exception as exc:      # one bad request must not take the card down
            self.counters["errors"] += 1
            print("web: internal error on %s %s: %r" % (request.method, request.path, exc))
            return error(500, "internal error: %s" % type(exc).__name__)

    @staticmethod
    def _same_origin(request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if not origin or origin == "null":
            return origin is None
        return origin.split("://", 1)[-1] == request.host

    def status(self) -> dict:
        out = {"addresses": dict(self.addresses), "active": self.active,
               "live": self.live.status(), "ui": self.static.weight()}
        out.update(self.counters)
        return out
