"""The session routes: log in, see who is logged in, log out (manual §11.6).

A login goes through the card's login guard (card.accounts.login: counted, slowed down, locked
out); a good one opens a session (one at a time by default: the previous one ends) and sets the
session cookie: HttpOnly, SameSite=Strict, Secure over HTTPS. The answer says whether a new
password is needed first (the first-access admin password, or one past its validity) and how
many days the password has left.
"""

from __future__ import annotations

import json

from aiohttp import web

from firmware.http import check, routes
from firmware.http.api import answer, error

COOKIE = "nmc_session"


class SessionApi:
    """GET, POST and DELETE /session."""

    def __init__(self, server) -> None:
        """server: the WebServer (card, accounts, settings)."""
        self.server = server
        self.card = server.card
        self.accounts = server.accounts

    def describe(self, session) -> dict:
        out = {"logged_in": session is not None, "identity": self.card.identity(),
               "temperature_unit": self.server.setting("web.temperature_unit"),
               "login_timeout": self.server.setting_timeout()}
        if session is not None:
            out.update({"user": session.user, "role": session.role(), "csrf": session.csrf,
                        "must_change": session.must_change,
                        "days_left": self.accounts.days_left(session.user)})
        return out

    async def show(self, request, params, session) -> web.Response:
        return answer(self.describe(session))

    async def login(self, request, params, session) -> web.Response:
        route, _ = routes.find("POST", "/session")
        try:
            body = json.loads(await request.read() or b"{}")
            args = check.request_args(route, {}, dict(request.query), body)
        except (ValueError, UnicodeError) as exc:
            return error(400, "give user and password: %s" % exc)
        user, password = args["user"], args["password"]
        access, why = await self.accounts.login(user, password, request.remote or "?", "web")
        if access is None:
            return error(401, "login refused: %s" % why)
        new = self.accounts.sessions.open(
            user, access, request.remote or "?", "web",
            limit=self.card.config.get("auth.max_sessions"),
            must_change=self.accounts.must_change(user))
        response = answer(self.describe(new))
        response.set_cookie(COOKIE, new.token, httponly=True, samesite="Strict",
                            secure=request.secure, path="/")
        return response

    async def logout(self, request, params, session) -> web.Response:
        self.accounts.sessions.close(session.token, "logout")
        response = answer({"logged_in": False})
        response.del_cookie(COOKIE, path="/")
        return response
