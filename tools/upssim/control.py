"""The simulator's control API: HTTP/JSON on localhost to read its state and to steer its physics and faults.

    GET  /state     {"profile", "physics", "line", "devices": {slave: {statuses, alarms,
                    identity, measures, registers}}}: identity and measures in the simulator's
                    own terms (quantities.py), registers the raw image
    POST /set       {"mains": false} {"load": 95} {"battery_charge": 30} ...     (see physics.SETTABLE)
    POST /scenario  {"name": "mains-failure"}                                  (see physics.SCENARIOS)
    POST /fault     {"crc_error_rate": 0.2, "timeout_rate": 0.1, "noise_bytes": 5, "silence": true,
                     "wrong_slave": true}; {} or "clear" clears them all
    POST /command   {"name": "test.battery.start"}  as if the card had written the command register
    POST /flags     {"acronyms": ["S11", "A03"]}: exactly these status/alarm bits on every
                    device, whatever the physics; {"acronyms": null} gives them back to it
    POST /identity  {"range_code": 514}: announce another range code of the manual's list
                    (JBUSP "UPS TYPE", VU-MAP T015); {"range_code": null}: the profile's own

Bad JSON, unknown keys or out-of-range values answer 400 with {"error": "..."} and change nothing.
"""

from __future__ import annotations

import json

from aiohttp import web

from tools.upssim.device import Installation
from tools.upssim.physics import Physics, apply_scenario, check_settings
from tools.upssim.wire import Relay, check_faults


def _bad(message: str) -> web.Response:
    return web.json_response({"error": message}, status=400)


async def _body(request: web.Request) -> object:
    text = await request.text()
    try:
        return json.loads(text) if text.strip() else None
    except json.JSONDecodeError as exc:
        raise ValueError(f"body is not valid JSON: {exc}") from None


class Control:
    """The aiohttp application around one simulated installation."""

    def __init__(self, physics: Physics, inst: Installation, relay: Relay) -> None:
        self.p, self.inst, self.relay = physics, inst, relay
        self.app = web.Application()
        self.app.add_routes([
            web.get("/state", self.get_state),
            web.post("/set", self.post_set),
            web.post("/scenario", self.post_scenario),
            web.post("/fault", self.post_fault),
            web.post("/command", self.post_command),
            web.post("/flags", self.post_flags),
            web.post("/identity", self.post_identity),
        ])
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self, host: str, port: int) -> int:
        """Listen; return the port actually bound (for port 0)."""
        self.runner = web.AppRunner(self.app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # the ephemeral port when 0
        return self.port

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    def state(self) -> dict:
        self.p.tick()
        return {
            "profile": self.inst.name, "mapping": self.inst.mapping, "base": self.inst.base,
            "units": self.inst.units, "modules": self.inst.modules,
            "physics": self.p.status(), "line": self.relay.status(),
            "clock": self.inst.now(), "commands_done": list(self.inst.commands_done),
            "forced_flags": self.inst.forced,
            "unfed_measures": self.inst.unfed(), "devices": self.inst.status(),
        }

    async def get_state(self, _request: web.Request) -> web.Response:
        return web.json_response(self.state())

    async def post_set(self, request: web.Request) -> web.Response:
        try:
            settings = check_settings(await _body(request))
        except ValueError as exc:
            return _bad(str(exc))
        self.p.tick()
        for key, value in settings.items():
            self.p.set(key, value)
        self.p.advance(0.0)
        return web.json_response({"ok": True, "physics": self.p.status()})

    async def post_scenario(self, request: web.Request) -> web.Response:
        try:
            body = await _body(request)
            if not isinstance(body, dict) or set(body) != {"name"}:
                raise ValueError("expected {\"name\": SCENARIO}")
            self.p.tick()
            apply_scenario(self.p, body["name"])
        except ValueError as exc:
            return _bad(str(exc))
        return web.json_response({"ok": True, "physics": self.p.status()})

    async def post_fault(self, request: web.Request) -> web.Response:
        try:
            faults = check_faults(await _body(request))
        except ValueError as exc:
            return _bad(str(exc))
        self.relay.faults = faults
        return web.json_response({"ok": True, "faults": faults})

    async def post_command(self, request: web.Request) -> web.Response:
        try:
            body = await _body(request)
            if not isinstance(body, dict) or set(body) != {"name"}:
                raise ValueError("expected {\"name\": NUT_COMMAND}")
            known = set(n for n in self.inst.commands.values())
            if body["name"] not in known:
                raise ValueError(f"unknown command {body['name']!r}; known: {', '.join(sorted(known))}")
        except ValueError as exc:
            return _bad(str(exc))
        self.p.tick()
        self.inst.run_command(body["name"])
        return web.json_response({"ok": True, "physics": self.p.status()})

    async def post_flags(self, request: web.Request) -> web.Response:
        try:
            body = await _body(request)
            if not isinstance(body, dict) or set(body) != {"acronyms"}:
                raise ValueError('expected {"acronyms": [ACRONYM, ...]} or {"acronyms": null}')
            acronyms = body["acronyms"]
            if acronyms is not None and (not isinstance(acronyms, list)
                                         or not all(isinstance(a, str) for a in acronyms)):
                raise ValueError("acronyms must be a list of strings or null")
            self.inst.force_flags(acronyms)
        except ValueError as exc:
            return _bad(str(exc))
        return web.json_response({"ok": True, "forced_flags": self.inst.forced})

    async def post_identity(self, request: web.Request) -> web.Response:
        try:
            body = await _body(request)
            if not isinstance(body, dict) or set(body) != {"range_code"}:
                raise ValueError('expected {"range_code": CODE} or {"range_code": null}')
            code = body["range_code"]
            if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
                raise ValueError("range_code must be a whole number or null")
            self.inst.set_range_code(code)
        except ValueError as exc:
            return _bad(str(exc))
        return web.json_response({"ok": True, "range_code": self.inst.range_code})
