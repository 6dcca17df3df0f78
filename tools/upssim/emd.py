"""A simulated EMD (environment monitoring device, NET VISION manual §14) on its own serial line.

    upssim --profile emd --link ./ttyEMD --baud 9600 [--slave 1]
    upssim ctl --control URL set temperature=31.5 humidity=40 input1=true

The manual gives no register map for the EMD; the card documents one ("to be confirmed") and this
device answers it, written from that description (the simulator imports nothing from the
firmware): function 0x03 only,

    0x0000  0x454D                  device id
    0x0001  1, 0, 5                 firmware 01.00.0005 (the manual's example)
    0x0004  slave address
    0x0010  temperature             signed, 0.1 degC (0x8000 when the sensor is unplugged)
    0x0011  humidity                0.1 %RH (0xFFFF when unplugged)
    0x0012  inputs                  bit 0 input 1 closed, bit 1 input 2 closed
    0x0013  faults                  bit 0 temperature sensor, bit 1 humidity sensor

Control API: GET /state, POST /set {"temperature", "humidity", "input1", "input2",
"temperature_sensor", "humidity_sensor" (false: unplugged)}, POST /fault (the line's faults,
as for a UPS).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from aiohttp import web
from pymodbus.constants import ExcCodes

from tools.upssim.wire import Relay, check_faults

FIRMWARE = (1, 0, 5)
SETTABLE = {"temperature": (float, -55.0, 125.0), "humidity": (float, 0.0, 100.0),
            "input1": (bool, None, None), "input2": (bool, None, None),
            "temperature_sensor": (bool, None, None), "humidity_sensor": (bool, None, None)}


class EmdDevice:
    """The EMD's registers, computed from its readings."""

    name = "emd"
    mapping = "emd"

    def __init__(self, address: int = 1) -> None:
        self.base = address
        self.nodes = {address: None}
        self.values = {"temperature": 22.0, "humidity": 35.2, "input1": False, "input2": False,
                       "temperature_sensor": True, "humidity_sensor": True}

    def image(self) -> dict[int, int]:
        v = self.values
        temp = round(v["temperature"] * 10) & 0xFFFF if v["temperature_sensor"] else 0x8000
        hum = round(v["humidity"] * 10) if v["humidity_sensor"] else 0xFFFF
        return {0x0000: 0x454D, 0x0001: FIRMWARE[0], 0x0002: FIRMWARE[1], 0x0003: FIRMWARE[2],
                0x0004: self.base, 0x0010: temp, 0x0011: hum,
                0x0012: int(v["input1"]) | int(v["input2"]) << 1, 0x0013: 0}

    def read(self, slave: int, address: int, count: int) -> list[int] | ExcCodes:
        words = self.image()
        if any(a not in words for a in range(address, address + count)):
            return ExcCodes.ILLEGAL_ADDRESS
        return [words[a] for a in range(address, address + count)]

    def write(self, slave: int, address: int, values: Sequence[int]) -> ExcCodes | None:
        return ExcCodes.ILLEGAL_FUNCTION

    def set(self, body: object) -> dict:
        """Apply {name: value}; ValueError (nothing changed) for a bad one."""
        if not isinstance(body, dict) or not body:
            raise ValueError("expected {name: value}; names: " + ", ".join(SETTABLE))
        new = dict(self.values)
        for key, value in body.items():
            if key not in SETTABLE:
                raise ValueError(f"unknown setting {key!r}; known: {', '.join(SETTABLE)}")
            kind, lo, hi = SETTABLE[key]
            if kind is bool:
                if not isinstance(value, bool):
                    raise ValueError(f"{key} must be true or false")
            else:
                if isinstance(value, bool) or not isinstance(value, (int, float)) \
                        or not lo <= value <= hi:
                    raise ValueError(f"{key} must be a number between {lo} and {hi}")
                value = float(value)
            new[key] = value
        self.values = new
        return dict(new)

    def status(self) -> dict:
        return {str(self.base): {"values": dict(self.values),
                                 "registers": {"%04X" % a: w for a, w in self.image().items()}}}


class EmdControl:
    """The EMD's control API (aiohttp on localhost)."""

    def __init__(self, device: EmdDevice, relay: Relay) -> None:
        self.device, self.relay = device, relay
        self.app = web.Application()
        self.app.add_routes([web.get("/state", self.get_state), web.post("/set", self.post_set),
                             web.post("/fault", self.post_fault)])
        self.runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> int:
        self.runner = web.AppRunner(self.app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, host, port)
        await site.start()
        return site._server.sockets[0].getsockname()[1]  # the ephemeral port when 0

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    def state(self) -> dict:
        return {"profile": "emd", "base": self.device.base, "line": self.relay.status(),
                "devices": self.device.status()}

    async def get_state(self, _request: web.Request) -> web.Response:
        return web.json_response(self.state())

    async def _body(self, request: web.Request) -> object:
        text = await request.text()
        try:
            return json.loads(text) if text.strip() else None
        except json.JSONDecodeError as exc:
            raise ValueError(f"body is not valid JSON: {exc}") from None

    async def post_set(self, request: web.Request) -> web.Response:
        try:
            values = self.device.set(await self._body(request))
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response({"ok": True, "values": values})

    async def post_fault(self, request: web.Request) -> web.Response:
        try:
            faults = check_faults(await self._body(request))
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        self.relay.faults = faults
        return web.json_response({"ok": True, "faults": faults})
