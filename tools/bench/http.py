"""Benchmark: the web interface under load beside bare aiohttp, and the poll period it leaves.

The card polls the simulator back-to-back (poll.rate=0, netys-rt at 57600 baud) while h2load
(nghttp2-client, a C load generator that costs the card's two cores little) sends
GET /api/v1/ups (the status endpoint, with a session) from 50 clients, in two runs:

  realistic   open loop: each client asks once per poll period (times --every), the clients'
              phases spread over one period, as 50 dashboards refreshing at the card's own pace
              would; latency is measured from each request's send (h2load --rps);
  saturation  closed loop: each client sends its next request as soon as the answer is in,
              which measures throughput (latency is then just clients / throughput).

Each run is repeated against a bare aiohttp server in its own process answering the same bytes
under the same offered load (what aiohttp alone costs on this machine, in the same run). The
poll period is the card's own: the time between its UPS snapshots (UpsState commits), without
load and during each run, beside the physical limit of one cycle (the plan's characters at the
baud rate plus the T3.5 silences, as tools/bench/poll.py; and with the simulator's turnaround).
The Modbus line errors of each phase tell false timeouts from a slow loop. Targets (issue 9):
p99 under 20 ms at the realistic load, poll period within 5 % of idle under it. Then the UI's
page weight as sent (gzip) and the time to first render of the dashboard in headless Chromium.

    python -m tools.bench.http [--clients 50] [--seconds 6] [--every 1.0] [--no-browser]
"""

from __future__ import annotations

import argparse
import json
import math
import os
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

from firmware.admin.local_socket import call  # noqa: E402
from firmware.modbus import rtu  # noqa: E402
from tests.cardharness import start_card  # noqa: E402
from tests.simharness import start_sim  # noqa: E402
from tests.webclient import ADMIN_PASSWORD, WebClient  # noqa: E402

BAUD = 57600
TURNAROUND_MS = 5.0          # the simulator's answer delay (tests/simharness default)
RAMP_S = 0.5                 # load before the poll-period window opens
LINE_ERRORS = ("timeouts", "short_frames", "crc", "retries", "late_bytes", "noise_bytes")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
BARE_PEER = """
import sys
from aiohttp import web
body = open(sys.argv[1], "rb").read()
async def ups(_request):
    return web.Response(body=body, content_type="application/json")
app = web.Application()
app.router.add_get("/{tail:.*}", ups)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[2]), access_log=None, print=None)
"""


def percentile(samples: list[float], fraction: float) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, int(fraction * len(s)))]


# --- the load generator ---------------------------------------------------------------------
def h2load(url: str, cookie: str | None, clients: int, seconds: float,
           per_client_rps: float | None, folder: str) -> tuple[subprocess.Popen, Path]:
    """Start h2load: open loop at per_client_rps (phases spread over one period), or closed loop
    when None. Returns the process and its per-request log (start us, status, latency us)."""
    log = Path(tempfile.mkstemp(suffix=".log", dir=folder)[1])
    cmd = ["h2load", "--h1", "-c", str(clients), "--log-file", str(log)]
    if cookie:
        cmd += ["-H", "Cookie: nmc_session=" + cookie]
    if per_client_rps:
        # -r/--rate-period open one connection at a time, so the clients' request times are
        # spread over one period instead of arriving as one burst; -n ends the run.
        spread_ms = max(1, int(1000 / per_client_rps / clients))
        cmd += ["--rps", "%.3f" % per_client_rps, "-r", "1", "--rate-period", "%dms" % spread_ms,
                "-n", str(int(clients * per_client_rps * seconds))]
    else:
        cmd += ["-D", "%gs" % seconds]
    proc = subprocess.Popen(cmd + [url], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    return proc, log


def results(proc: subprocess.Popen, log: Path) -> dict:
    """Latency percentiles (ms), answers per second and errors of a finished h2load run."""
    out = proc.communicate()[0]
    if proc.returncode != 0:
        raise SystemExit("h2load failed:\n" + out)
    rows = [line.split() for line in log.read_text().splitlines() if line.strip()]
    log.unlink()
    if not rows:
        raise SystemExit("h2load answered nothing:\n" + out)
    latencies = [int(r[2]) / 1000 for r in rows]
    starts = [int(r[0]) for r in rows]
    span_s = max(1e-6, (max(starts) - min(starts)) / 1e6)
    return {"requests": len(rows), "errors": sum(1 for r in rows if r[1] != "200"),
            "requests_per_s": round(len(rows) / span_s),
            "p50_ms": round(percentile(latencies, 0.5), 2),
            "p99_ms": round(percentile(latencies, 0.99), 2),
            "max_ms": round(max(latencies), 2)}


# --- the card's own figures -----------------------------------------------------------------
class Watch:
    """The card's commits, Modbus counters and CPU time, read over its management socket."""

    def __init__(self, card) -> None:
        self.socket = card.ready["status"]
        self.pid = card.proc.pid

    def sample(self) -> dict:
        status = call(self.socket, "status")["result"]
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return {"cycles": status["ups"]["cycles"], "updated": status["ups"]["updated"],
                "master": status["poller"]["master"], "poller": status["poller"],
                "cpu_s": (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"),
                "wall": time.monotonic()}

    @staticmethod
    def between(a: dict, b: dict) -> dict:
        """The poll period from the card's own commit times, the line errors and CPU use."""
        cycles = b["cycles"] - a["cycles"]
        period = (b["updated"] - a["updated"]) * 1000 / cycles if cycles else None
        return {"poll_period_ms": round(period, 2) if period else None, "cycles": cycles,
                "cycles_failed": (b["poller"]["counters"]["cycles_failed"]
                                  - a["poller"]["counters"]["cycles_failed"]),
                "card_cpu_percent": round(100 * (b["cpu_s"] - a["cpu_s"])
                                          / (b["wall"] - a["wall"]), 1),
                "line_errors": {k: b["master"][k] - a["master"][k] for k in LINE_ERRORS}}


def wire_limit(poller: dict) -> dict:
    """The physical limit of one cycle: every character at the baud rate, the T3.5 silences."""
    plan, master = poller["plan"], poller["master"]
    wire_us = (plan["bytes"] * rtu.char_us(master["baud"], master["parity"])
               + plan["reads"] * 2 * rtu.t35_us(master["baud"], master["parity"]))
    return {"baud": master["baud"], "reads_per_cycle": plan["reads"],
            "chars_per_cycle": plan["bytes"], "wire_ms": round(wire_us / 1000, 2),
            "wire_and_turnaround_ms": round(wire_us / 1000 + plan["reads"] * TURNAROUND_MS, 2)}


def phase(watch: Watch, seconds: float, load=None) -> tuple[dict, dict | None]:
    """Measure the card over `seconds` while `load` (a started h2load) runs, if any."""
    if load is not None:
        time.sleep(RAMP_S)
    first = watch.sample()
    time.sleep(seconds - (2 * RAMP_S if load is not None else 0))
    card = Watch.between(first, watch.sample())
    return card, results(*load) if load is not None else None


def bare_peer(body: bytes, folder: str, url_port: int) -> subprocess.Popen:
    """The bare aiohttp server answering `body`, in a process of its own."""
    path = Path(folder) / "body.json"
    path.write_bytes(body)
    proc = subprocess.Popen([sys.executable, "-c", BARE_PEER, str(path), str(url_port)])
    deadline = time.monotonic() + 15
    while subprocess.run(["curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:%d/" % url_port],
                         check=False).returncode != 0:
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            raise SystemExit("the bare aiohttp server did not start")
        time.sleep(0.2)
    return proc


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the browser ----------------------------------------------------------------------------
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


# --- the run --------------------------------------------------------------------------------
def login(card) -> WebClient:
    web_client = WebClient(card.http_url)
    deadline = time.monotonic() + 30
    while web_client.call("POST", "/session", {"user": "admin", "password":
                                               ADMIN_PASSWORD})[0] != 200:
        if time.monotonic() > deadline:
            raise SystemExit("no web login")
        time.sleep(0.5)
    web_client.login("admin", ADMIN_PASSWORD)
    return web_client


def measure(args: argparse.Namespace, tmp: str, browser: bool) -> dict:
    """Every phase on one card and one bare peer; the JSON figures of one run."""
    with start_sim(tmp, profile="netys-rt", baud=BAUD, turnaround_ms=TURNAROUND_MS) as sim:
        if os.environ.get("SIMNICE"):
            os.setpriority(os.PRIO_PROCESS, sim.proc.pid, int(os.environ["SIMNICE"]))
        with start_card(Path(tmp) / "card", serial=sim.link, sets=[
                "poll.rate=0", "serial.baud=%d" % BAUD, "auth.admin_password=" + ADMIN_PASSWORD,
                "auth.max_sessions=2"]) as card:
            web_client = login(card)
            card.wait_for(lambda s: s["poller"]["counters"]["cycles_ok"] > 5, 30,
                          "the poller to run")
            watch = Watch(card)
            idle, _ = phase(watch, args.seconds)
            limit = wire_limit(watch.sample()["poller"])
            interval_ms = idle["poll_period_ms"] * args.every
            rps = 1000 / interval_ms
            url, cookie = card.http_url + "/api/v1/ups", web_client.cookie()
            status, answer = web_client.call("GET", "/ups")
            realistic, card_open = phase(watch, args.seconds, h2load(
                url, cookie, args.clients, args.seconds, rps, tmp))
            saturated, card_closed = phase(watch, args.seconds, h2load(
                url, cookie, args.clients, args.seconds, None, tmp))
            ui = card.status()["web"]["ui"]
            render = first_render(card.http_url) if browser else None
    port = free_port()
    peer = bare_peer(json.dumps(answer, separators=(",", ":")).encode(), tmp, port)
    try:
        peer_url = "http://127.0.0.1:%d/api/v1/ups" % port
        bare_open = results(*h2load(peer_url, None, args.clients, args.seconds, rps, tmp))
        bare_closed = results(*h2load(peer_url, None, args.clients, args.seconds, None, tmp))
    finally:
        peer.terminate()
        peer.wait(10)

    def change(run: dict) -> float | None:
        if run["poll_period_ms"] is None:
            return None             # no snapshot at all in the window
        return round((run["poll_period_ms"] - idle["poll_period_ms"])
                     / idle["poll_period_ms"] * 100, 1)

    return {
        "benchmark": "http", "clients": args.clients, "seconds": args.seconds,
        "status_endpoint": {"path": "/api/v1/ups", "status": status,
                            "body_bytes": len(json.dumps(answer, separators=(",", ":")))},
        "poll": {"physical_limit": limit, "idle": idle,
                 "realistic": dict(realistic, change_percent=change(realistic)),
                 "saturation": dict(saturated, change_percent=change(saturated))},
        "realistic": {"each_client_every_ms": round(interval_ms, 1), "every": args.every,
                      "offered_requests_per_s": round(rps * args.clients),
                      "card": card_open, "bare_aiohttp": bare_open},
        "saturation": {"card": card_closed, "bare_aiohttp": bare_closed},
        "ui": ui, "browser": render,
    }


def medians(runs: list):
    """One document of the runs' medians: each number is the median of its values in the runs."""
    first = runs[0]
    if isinstance(first, dict):
        return {k: medians([r[k] for r in runs]) for k in first}
    numbers = [r for r in runs if r is not None]
    if numbers and all(isinstance(r, (int, float)) and not isinstance(r, bool) for r in numbers):
        # None (no snapshot in a window: a period longer than the window) ranks above all.
        value = statistics.median([math.inf if r is None else r for r in runs])
        if value == math.inf:
            return None
        return round(value, 2) if isinstance(value, float) else value
    return first


def summary(runs: list) -> dict:
    """The medians of the runs, each key figure's values per run, and the targets."""
    browser = runs[0].pop("browser")
    for r in runs[1:]:
        r.pop("browser")
    out = medians(runs)
    out["browser"] = browser
    out["runs"] = len(runs)
    out["per_run"] = [{"idle_ms": r["poll"]["idle"]["poll_period_ms"],
                       "realistic_ms": r["poll"]["realistic"]["poll_period_ms"],
                       "saturation_ms": r["poll"]["saturation"]["poll_period_ms"],
                       "realistic_p99_ms": r["realistic"]["card"]["p99_ms"],
                       "bare_realistic_p99_ms": r["realistic"]["bare_aiohttp"]["p99_ms"],
                       "saturation_per_s": r["saturation"]["card"]["requests_per_s"],
                       "bare_saturation_per_s": r["saturation"]["bare_aiohttp"]["requests_per_s"]}
                      for r in runs]
    out["targets"] = {}
    for load in ("realistic", "saturation"):
        change = out["poll"][load]["change_percent"]
        out["targets"][load] = {
            "p99_under_20_ms": out[load]["card"]["p99_ms"] < 20,
            "poll_period_within_5_percent": change is not None and abs(change) <= 5}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=6.0)
    ap.add_argument("--every", type=float, default=1.0,
                    help="each client asks once per this many poll periods (realistic run)")
    ap.add_argument("--runs", type=int, default=3,
                    help="runs, each on a fresh card and simulator; the figures are medians")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    if shutil.which("h2load") is None:
        raise SystemExit("h2load is not installed (Debian: apt-get install nghttp2-client)")
    if not (ROOT / "web" / "dist" / "index.html").exists():
        subprocess.run(["node", "build.mjs"], cwd=ROOT / "web", check=True,
                       stdout=subprocess.DEVNULL)
    runs = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(measure(args, tmp, browser=run == 0 and not args.no_browser))
    print(json.dumps(summary(runs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
