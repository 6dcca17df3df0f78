"""Benchmark of the notifications: event-to-mail and event-to-syslog latency (JSON out).

    python -m tools.bench.notify [--events 200] [--mails 40]

Real peers on loopback, the same the tests start (tests/peers.py): aiosmtpd with STARTTLS and
AUTH required, and rsyslogd with UDP, TCP (octet counting) and TLS inputs. The card's clock, mail
and syslog features run in this process; events are published on its bus, spaced out, one at a
time, as the event engine publishes them.

- event-to-syslog: from the event's time (its RFC 5424 TIMESTAMP, which is when it was
  published) to the time rsyslog received it (its timegenerated), per transport. Beside it, in
  the same run and measured the same way: the floor (the same bytes written on a socket kept
  open, nothing else) and util-linux `logger` (a syslog client started per message, UDP/TCP).
- event-to-mail: from publishing the event to the server's end of DATA. Beside it: the same mail
  sent straight with aiosmtplib (one connection, STARTTLS, AUTH), the least a mail costs.

Ratios are card / reference of the 95th percentiles (lower is better; 1.0 = as fast as it).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import aiosmtplib  # noqa: E402

from firmware.card import features  # noqa: E402
from firmware.card.card import Card  # noqa: E402
from firmware.clock.feature import Time  # noqa: E402
from firmware.hal.boards import load_board  # noqa: E402
from firmware.notify import rfc5424  # noqa: E402
from firmware.notify.feature import Mail, Syslog  # noqa: E402
from firmware.settings.config import Config  # noqa: E402
from firmware.state.bus import EventBus, make_event  # noqa: E402
from tests.peers import Rsyslog, SmtpServer, make_certificate  # noqa: E402

USERS = {"bench": "Bench-Pw-2718"}
GAP_S = 0.01          # between two events: latency, not throughput


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, int(round(q / 100 * (len(ordered) - 1)))))
    return ordered[k]


def figures(ms: list[float]) -> dict:
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 3),
            "p95_ms": round(percentile(ms, 95), 3), "max_ms": round(max(ms), 3) if ms else None}


def ratio(card: dict, ref: dict) -> float | None:
    if not ref.get("p95_ms"):
        return None
    return round(card["p95_ms"] / ref["p95_ms"], 2)


def epoch(text: str) -> float:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def latencies(rs: Rsyslog, tag: str, count: int, timeout: float = 60.0) -> list[float]:
    """ms from the message's own timestamp to rsyslog's receive time, for messages tagged."""
    end = time.monotonic() + timeout
    while True:
        got = [m for m in rs.lines() if m["msgid"].startswith(tag)]
        if len(got) >= count or time.monotonic() > end:
            return [(epoch(m["received"]) - epoch(m["timestamp"])) * 1000 for m in got]
        time.sleep(0.05)


def make_card(sets: dict, classes: tuple) -> Card:
    board = load_board("sim")
    config = Config(features.schema(), board_defaults=board.config_defaults())
    config.update(sets)
    return Card(board, config, EventBus(), feature_classes=(Time,) + classes)


# --- syslog -------------------------------------------------------------------------------------
async def card_syslog(rs: Rsyslog, cert, transport: str, count: int) -> list[float]:
    port = {"udp": rs.udp_port, "tcp": rs.tcp_port, "tls": rs.tls_port}[transport]
    card = make_card({"syslog.enabled": True, "syslog.server": "localhost", "syslog.port": port,
                      "syslog.transport": transport, "syslog.ca_file": str(cert.cert),
                      "syslog.events": ["ups"]}, (Syslog,))
    await card.start()
    tag = "C%s" % transport.upper()
    try:
        for n in range(count):
            card.bus.publish(make_event("ups", "W", "%s%04d" % (tag, n), "bench event %d" % n,
                                        state="added", kind="alarm", now=time.time()))
            await asyncio.sleep(GAP_S)
        return await asyncio.to_thread(latencies, rs, tag, count)
    finally:
        await card.stop()


def floor_syslog(rs: Rsyslog, cert, transport: str, count: int) -> list[float]:
    """The same RFC 5424 bytes on one socket kept open: what the wire itself costs."""
    tag = "F%s" % transport.upper()
    if transport == "udp":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.connect(("127.0.0.1", rs.udp_port))
    else:
        sock = socket.create_connection(("127.0.0.1", rs.tcp_port if transport == "tcp"
                                         else rs.tls_port))
        if transport == "tls":
            ctx = ssl.create_default_context(cafile=str(cert.cert))
            sock = ctx.wrap_socket(sock, server_hostname="localhost")
    try:
        for n in range(count):
            msg = rfc5424.message({"time": time.time(), "source": "ups", "level": "W",
                                   "code": "%s%04d" % (tag, n), "text": "bench event %d" % n},
                                  "bench")
            sock.sendall(msg if transport == "udp" else rfc5424.frame(msg))
            time.sleep(GAP_S)
        return latencies(rs, tag, count)
    finally:
        sock.close()


def logger_syslog(rs: Rsyslog, transport: str, count: int) -> list[float] | None:
    """util-linux logger, one process per message (UDP or TCP; it has no TLS)."""
    logger = shutil.which("logger")
    if logger is None or transport == "tls":
        return None
    tag = "L%s" % transport.upper()
    port = rs.udp_port if transport == "udp" else rs.tcp_port
    for n in range(count):
        cmd = [logger, "--rfc5424", "-n", "127.0.0.1", "-P", str(port),
               "-d" if transport == "udp" else "-T", "--msgid", "%s%04d" % (tag, n),
               "bench event %d" % n]
        if transport == "tcp":
            cmd.insert(1, "--octet-count")
        subprocess.run(cmd, check=True)
        time.sleep(GAP_S)
    return latencies(rs, tag, count)


# --- mail ---------------------------------------------------------------------------------------
async def card_mail(smtp: SmtpServer, cert, count: int) -> list[float]:
    card = make_card({"mail.enabled": True, "mail.server": "localhost", "mail.port": smtp.port,
                      "mail.tls": "starttls", "mail.ca_file": str(cert.cert), "mail.auth": True,
                      "mail.user": "bench", "mail.password": USERS["bench"],
                      "mail.sender": "card@example.com",
                      "mail.recipients": ["ops@example.com:events:information"]}, (Mail,))
    await card.start()
    published = {}
    try:
        for n in range(count):
            text = "card bench event %d" % n
            published[text] = time.monotonic()
            card.bus.publish(make_event("ups", "W", "M%04d" % n, text, state="added",
                                        kind="alarm"))
            await _wait_mail(smtp, text)
        return _mail_latencies(smtp, published)
    finally:
        await card.stop()


async def direct_mail(smtp: SmtpServer, cert, count: int) -> list[float]:
    context = ssl.create_default_context(cafile=str(cert.cert))
    published = {}
    for n in range(count):
        text = "direct bench event %d" % n
        message = "From: card@example.com\r\nTo: ops@example.com\r\nSubject: %s\r\n\r\n%s\r\n" \
            % (text, text)
        published[text] = time.monotonic()
        await aiosmtplib.send(message, sender="card@example.com",
                              recipients=["ops@example.com"], hostname="localhost",
                              port=smtp.port, start_tls=True, tls_context=context,
                              username="bench", password=USERS["bench"])
        await _wait_mail(smtp, text)
    return _mail_latencies(smtp, published)


async def _wait_mail(smtp: SmtpServer, text: str) -> None:
    end = time.monotonic() + 30
    while not any(text in m.subject for m in smtp.received()):
        if time.monotonic() > end:
            raise RuntimeError("mail %r never arrived" % text)
        await asyncio.sleep(0.001)
    await asyncio.sleep(GAP_S)


def _mail_latencies(smtp: SmtpServer, published: dict) -> list[float]:
    out = []
    for mail in smtp.received():
        for text, t0 in published.items():
            if mail.subject.endswith(text):
                out.append((mail.at - t0) * 1000)
    return out


# --- main ---------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=200, help="syslog events per transport")
    ap.add_argument("--mails", type=int, default=40, help="mails of each sender")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    cert = make_certificate(folder / "tls")
    out: dict = {"events": args.events, "mails": args.mails, "syslog": {}}
    with Rsyslog(folder / "rsyslog", cert) as rs:
        for transport in ("udp", "tcp", "tls"):
            card = figures(asyncio.run(card_syslog(rs, cert, transport, args.events)))
            floor = figures(floor_syslog(rs, cert, transport, args.events))
            row = {"card": card, "socket_floor": floor,
                   "ratio_p95_card_vs_floor": ratio(card, floor)}
            logged = logger_syslog(rs, transport, min(args.events, 100))
            if logged is not None:
                row["logger"] = figures(logged)
                row["ratio_p95_card_vs_logger"] = ratio(card, row["logger"])
            out["syslog"][transport] = row
    with SmtpServer(cert, starttls=True, users=USERS) as smtp:
        card = figures(asyncio.run(card_mail(smtp, cert, args.mails)))
        direct = figures(asyncio.run(direct_mail(smtp, cert, args.mails)))
    out["mail_starttls_auth"] = {"card": card, "aiosmtplib_direct": direct,
                                 "ratio_p95_card_vs_direct": ratio(card, direct)}
    shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
