"""A plain HTTP client of the card's web API for tests (urllib: cookies, CSRF, JSON).

    web = WebClient(card.http_url)
    web.login("admin", "Strong#Pass123")          # keeps the session cookie and CSRF token
    status, body = web.call("GET", "/ups")        # body: parsed JSON, else bytes
    web.call("POST", "/config", {...}, csrf=False)   # leave the token out on purpose
"""

from __future__ import annotations

import http.cookiejar
import json
import ssl
import urllib.error
import urllib.request

API = "/api/v1"
ADMIN_PASSWORD = "Card#Admin#2030"      # what the web tests set instead of the first-access one


class WebClient:
    """One browser-like client: its own cookie jar."""

    def __init__(self, base: str) -> None:
        """base: http://host:port of the card."""
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  urllib.request.HTTPSHandler(context=context))
        self.csrf = ""

    def call(self, method: str, path: str, body=None, csrf: bool = True, raw: bytes | None = None,
             timeout: float = 30) -> tuple[int, object]:
        """(status, answer) of one request to /api/v1 + path."""
        headers = {}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if csrf and method != "GET" and self.csrf:
            headers["X-CSRF-Token"] = self.csrf
        req = urllib.request.Request(self.base + API + path, data=data, method=method,
                                     headers=headers)
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return resp.status, self._decode(resp.headers, resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, self._decode(exc.headers, exc.read())

    @staticmethod
    def _decode(headers, data: bytes):
        if "json" in headers.get("Content-Type", ""):
            return json.loads(data)
        return data

    def login(self, user: str, password: str) -> dict:
        status, answer = self.call("POST", "/session", {"user": user, "password": password})
        assert status == 200, (status, answer)
        self.csrf = answer["csrf"]
        return answer

    def cookie(self) -> str:
        return next(c.value for c in self.jar if c.name == "nmc_session")
