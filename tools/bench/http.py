"""Benchmark: the web interface under load, printed as JSON beside a bare aiohttp server.

With the poller running back-to-back (poll.rate=0) on the simulator at 57600 baud, 50 clients
each send GET /api/v1/ups (the status endpoint, with a session) one after the other for a few
seconds: p50/p99 latency and requests/s, beside the same client against a bare aiohttp server
answering the same bytes (the peer: what aiohttp alone costs on this machine, in the same run).
The poll period is measured without and with that load (target: unchanged within 5 %; p99
under 20 ms). Then the UI's page weight as sent (gzip) and the time to first render of the
dashboard in headless Chromium (from navigation start to the first widget drawn).

    python -m tools.bench.http [--clients 50] [--seconds 5] [--no-browser]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from tests.cardharness import start_card  # noqa: E402
from tests.simharness import start_sim  # noqa: E402
from tests.webclient import ADMIN_PASSWORD, WebClient  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def percentile(samples: list[float], fraction: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(fraction * len(s)))]


async def load(url: str, cookie: str | None, clients: int, seconds: float) -> dict:
    """clients loops of GET url for `seconds`: latency percentiles (ms) and requests/s."""
    latencies: list[float] = []
    errors = 0
    headers = {"Cookie": "nmc_session=" + cookie} if cookie else {}
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:
        end = time.monotonic() + seconds

        async def client() -> None:
            nonlocal errors
            while time.monotonic() < end:
                t0 = time.perf_counter()
                async with session.get(url) as resp:
                    await resp.read()
                    if resp.status != 200:
                        errors += 1
                latencies.append((time.perf_counter() - t0) * 1000)

        t0 = time.monotonic()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = time.monotonic() - t0
    return {"requests": len(latencies), "errors": errors,
            "requests_per_s": round(len(latencies) / elapsed),
            "p50_ms": round(percentile(latencies, 0.5), 2),
            "p99_ms": round(percentile(latencies, 0.99), 2)}


async def bare_peer(body: bytes, clients: int, seconds: float) -> dict:
    """The same load against a bare aiohttp server answering the same bytes."""
    async def handler(_request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")
    app = web.Application()
    app.router.add_get("/ups", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        return await load("http://127.0.0.1:%d/ups" % port, None, clients, seconds)
    finally:
        await runner.cleanup()


def poll_period_ms(card, seconds: float) -> float:
    """Mean time between poll cycles over `seconds`, from the card's own cycle counter."""
    first = card.status()["poller"]["counters"]["cycles"]
    t0 = time.monotonic()
    time.sleep(seconds)
    last = card.status()["poller"]["counters"]["cycles"]
    return round((time.monotonic() - t0) * 1000 / max(1, last - first), 2)


def first_render(url: str) -> dict:
    """Headless Chromium: log in, open the dashboard, time until the first widget is drawn."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return {"skipped": "chromium is not installed"}
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(url + "/")
        page.fill("#login-user", "admin")
        page.fill("#login-password", ADMIN_PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#days-ok")
        t0 = time.perf_counter()
        page.goto(url + "/#/dashboard")
        page.reload()
        page.wait_for_selector(".widget")
        wall = (time.perf_counter() - t0) * 1000
        nav = page.evaluate("performance.now()")
        fcp = page.evaluate("(performance.getEntriesByName('first-contentful-paint')[0]||{})"
                            ".startTime || null")
        browser.close()
    return {"dashboard_first_widget_ms": round(nav, 1), "first_contentful_paint_ms":
            round(fcp, 1) if fcp else None, "wall_ms_including_reload": round(wall, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    if not (ROOT / "web" / "dist" / "index.html").exists():
        subprocess.run(["node", "build.mjs"], cwd=ROOT / "web", check=True,
                       stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        with start_sim(tmp, profile="netys-rt", baud=57600) as sim:
            with start_card(Path(tmp) / "card", serial=sim.link, sets=[
                    "poll.rate=0", "serial.baud=57600", "auth.admin_password=" + ADMIN_PASSWORD,
                    "auth.max_sessions=2"]) as card:
                web_client = WebClient(card.http_url)
                deadline = time.monotonic() + 30
                while web_client.call("POST", "/session", {"user": "admin", "password":
                                      ADMIN_PASSWORD})[0] != 200:
                    if time.monotonic() > deadline:
                        raise SystemExit("no web login")
                    time.sleep(0.5)
                web_client.login("admin", ADMIN_PASSWORD)
                card.wait_for(lambda s: s["poller"]["counters"]["cycles_ok"] > 3, 30,
                              "the poller to run")
                idle = poll_period_ms(card, args.seconds)
                status, body = web_client.call("GET", "/ups")
                loaded_period: dict = {}

                def measure_period() -> None:
                    loaded_period["ms"] = poll_period_ms(card, args.seconds)

                async def under_load() -> dict:
                    task = asyncio.get_running_loop().run_in_executor(None, measure_period)
                    result = await load(card.http_url + "/api/v1/ups", web_client.cookie(),
                                        args.clients, args.seconds + 1)
                    await task
                    return result

                card_load = asyncio.run(under_load())
                peer = asyncio.run(bare_peer(json.dumps(body).encode(), args.clients,
                                             args.seconds))
                weight = web_client.call("GET", "/session")      # keeps the session warm
                ui = card.status()["web"]["ui"]
                render = {} if args.no_browser else first_render(card.http_url)
    change = (loaded_period["ms"] - idle) / idle * 100
    print(json.dumps({
        "benchmark": "http", "clients": args.clients, "seconds": args.seconds,
        "status_endpoint": dict(card_load, path="/api/v1/ups", body_bytes=len(json.dumps(body))),
        "bare_aiohttp_peer": peer,
        "poll_period_ms": {"idle": idle, "under_load": loaded_period["ms"],
                           "change_percent": round(change, 1)},
        "targets": {"p99_under_20_ms": card_load["p99_ms"] < 20,
                    "poll_period_within_5_percent": abs(change) <= 5},
        "ui": ui, "browser": render, "session_ok": weight[0] == 200,
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
