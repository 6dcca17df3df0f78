"""Benchmark of the NUT server: request rate, LIST VAR time, login cost and memory per connection.

    python -m tools.bench.nut_server      # prints one JSON document

Runs the real server on an ephemeral port with a hand-filled UpsState of about 60 variables (a
three-phase UPS) and real TCP clients in the same event loop.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import time

from firmware.nut import users
from firmware.nut.protocol import NutContext
from firmware.nut.server import NutServer
from firmware.state.ups import UpsState


def _state() -> UpsState:
    state = UpsState()
    state.begin()
    state.set("ups.status", "OL CHRG")
    state.set("ups.model", "MASTERYS 3/3 UPS")
    for phase in ("L1", "L2", "L3"):
        for kind, value in (("voltage", 230.1), ("current", 12.5), ("realpower", 2875),
                            ("power", 2990), ("load", 35)):
            state.set("output.%s.%s" % (phase, kind), value)
            state.set("input.%s.%s" % (phase, kind), value)
            state.set("input.bypass.%s.%s" % (phase, kind), value)
    for i in range(10):
        state.set("battery.extra.%d" % i, i * 1.5)
    state.commit()
    return state


async def _line(reader: asyncio.StreamReader) -> bytes:
    return await reader.readline()


async def main() -> dict:
    accounts = users.parse_users(users.check_users(["bench:bench-pw:primary"]))
    ctx = NutContext(_state(), find_user=accounts.get)
    server = NutServer(ctx, 0, "127.0.0.1", max_clients=1024)
    port = await server.start()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    n = 3000
    t0 = time.perf_counter()
    for _ in range(n):
        writer.write(b"GET VAR ups ups.status\n")
        await _line(reader)
    get_rate = n / (time.perf_counter() - t0)

    list_ms = []
    for _ in range(200):
        t = time.perf_counter()
        writer.write(b"LIST VAR ups\n")
        while not (await _line(reader)).startswith(b"END LIST"):
            pass
        list_ms.append((time.perf_counter() - t) * 1000)

    t = time.perf_counter()
    for line in (b"USERNAME bench\n", b"PASSWORD bench-pw\n", b"LOGIN ups\n"):
        writer.write(line)
        await _line(reader)
    login_ms = (time.perf_counter() - t) * 1000

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    idle = [await asyncio.open_connection("127.0.0.1", port) for _ in range(500)]
    while server.status()["sessions"] < 501:
        await asyncio.sleep(0.01)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _, w in idle:
        w.close()
    writer.close()
    await server.stop()
    return {
        "variables": len(server.ctx.variables()),
        "get_var_per_s_one_connection": round(get_rate),
        "list_var_ms": {"median": round(statistics.median(list_ms), 3),
                        "p95": round(sorted(list_ms)[int(len(list_ms) * 0.95)], 3)},
        "login_ms_pbkdf2_2000": round(login_ms, 2),
        # Both ends of 500 connections live in this process: an upper bound for the server side.
        "max_rss_kib_per_idle_connection_pair": round((after - before) / 500, 2),
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main()), indent=2))
