"""The API's handlers: each route of routes.py runs its management operation, or one of the few
handlers of its own (the session, the UPS snapshot, the certificate, MIB files).

The web server (server.py) has already found the route, checked the session, the role and the
CSRF token; here the request's input is checked (check.py), the operation runs with the caller
Caller(user, "web") and its answer becomes JSON, CSV or a download.
"""

from __future__ import annotations

import json
import os

from aiohttp import web

from firmware import VERSION
from firmware.admin.args import Caller, OpError
from firmware.http import check, openapi
from firmware.http.static import REPOSITORY

MIB_DIR = os.path.join(REPOSITORY, "mibs")
MIB_TYPES = (".mib", ".my", ".txt")
ADMIN_KEYS = ("auth.",)          # settings only the admin may change (accounts)


def dumps(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), default=str).encode()


def answer(value, status: int = 200) -> web.Response:
    return web.Response(body=dumps(value), status=status, content_type="application/json")


def error(status: int, message: str, detail=None) -> web.Response:
    out = {"error": message}
    if detail is not None:
        out["detail"] = detail
    return answer(out, status)


def download(data, name: str, kind: str) -> web.Response:
    return web.Response(body=data.encode() if isinstance(data, str) else data,
                        content_type=kind, headers={
                            "Content-Disposition": 'attachment; filename="%s"' % name,
                            "Cache-Control": "no-store"})


def mib_files() -> dict:
    """name -> path of the MIB files the repository ships (the SNMP feature's mibs/ folder)."""
    if not os.path.isdir(MIB_DIR):
        return {}
    return {n: os.path.join(MIB_DIR, n) for n in sorted(os.listdir(MIB_DIR))
            if n.lower().endswith(MIB_TYPES) and os.path.isfile(os.path.join(MIB_DIR, n))}


class Api:
    """Handlers over the card's management operations."""

    def __init__(self, server) -> None:
        """server: the WebServer (card, ops, sessions, certificates)."""
        self.server = server
        self.card = server.card
        self.ops = server.ops
        self._doc = dumps(openapi.document(VERSION))
        self._snapshot = (None, b"")

    # --- the operations ---------------------------------------------------------------------
    async def run(self, request: web.Request, route, params: dict, session) -> web.Response:
        """Check the input, run the route's operation, send its answer."""
        body = None
        if route.body is not None and route.body.get("type") == "object":
            if request.can_read_body:
                try:
                    body = json.loads(await request.read() or b"{}")
                except (ValueError, UnicodeError):
                    return error(400, "the body must be JSON")
        try:
            args = check.request_args(route, params, dict(request.query), body)
        except ValueError as exc:
            return error(400, str(exc))
        if route.op == "config.set" and session.role() != "admin":
            keys = [a.split("=", 1)[0].strip() for a in args["assignments"]]
            if any(k.startswith(ADMIN_KEYS) for k in keys):
                return error(403, "only the admin account changes accounts and passwords")
        if route.op not in self.ops.table():
            # A build without the feature: the card cannot do it, the request was fine.
            return error(409, "%s is not available on this card" % route.op)
        caller = Caller(session.user, "web")
        caller.address = request.remote or "?"
        try:
            result = await self.ops.handle(route.op, args, caller)
        except OpError as exc:
            return error(400 if exc.kind == "usage" else 409, exc.message, exc.detail)
        if route.kind == "csv":
            name = args.get("log", route.op.split(".")[0])
            return download(result["csv"], "%s.csv" % name, "text/csv")
        if route.kind == "file":
            return download(result["text"], "opennmc-config.json", "application/octet-stream")
        return answer(result)

    # --- handlers of their own --------------------------------------------------------------
    async def openapi(self, request, params, session) -> web.Response:
        return web.Response(body=self._doc, content_type="application/json")

    def snapshot(self) -> bytes:
        """The UPS snapshot as JSON, made once per poll cycle or event whatever the clients."""
        state, bus = self.card.state, self.card.bus
        key = (state.cycles, state.stale, bus.published)
        if self._snapshot[0] != key:
            out = state.status()
            out["commands"] = self.card.ups.commands()
            out["alarm_count"] = len(state.alarms)      # the active alarms (the alarm icon)
            out["identity"] = self.card.identity()
            self._snapshot = (key, dumps(out))
        return self._snapshot[1]

    async def ups(self, request, params, session) -> web.Response:
        return web.Response(body=self.snapshot(), content_type="application/json",
                            headers={"Cache-Control": "no-store"})

    async def clients(self, request, params, session) -> web.Response:
        table = getattr(self.card, "clients", None)
        rows = table() if callable(table) else None
        return answer(rows or [])

    async def certificate(self, request, params, session) -> web.Response:
        return answer(self.server.certs.info())

    async def certificate_upload(self, request, params, session) -> web.Response:
        data = await request.content.read(8 * 1024 + 1)
        try:
            info = self.server.certs.upload(data)
        except ValueError as exc:
            return error(400, "certificate refused, nothing replaced: %s" % exc)
        self.server.restart_soon()
        return answer(info)

    async def certificate_remove(self, request, params, session) -> web.Response:
        removed = self.server.certs.remove()
        if removed:
            self.server.restart_soon()
        return answer({"removed": removed})

    async def certificate_root(self, request, params, session) -> web.Response:
        return download(self.server.certs.root_pem(), "cacert.crt", "application/x-x509-ca-cert")

    async def mibs(self, request, params, session) -> web.Response:
        return answer([{"name": n, "bytes": os.path.getsize(p)} for n, p in mib_files().items()])

    async def mib(self, request, params, session) -> web.Response:
        path = mib_files().get(params.get("name"))    # only a listed name: no path from outside
        if path is None:
            return error(404, "no such MIB file")
        with open(path, "rb") as f:
            return download(f.read(), params["name"], "application/octet-stream")
