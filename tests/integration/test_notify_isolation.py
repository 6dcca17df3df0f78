"""A dead or slow mail, syslog or WOL peer holds nothing else, and what it cannot take is logged.

"Black holes" accept TCP connections and never say a word (an SMTP server that never greets, a
TLS syslog server that never finishes the handshake): the worst peer, since every attempt lasts
until its timeout. Beside them, the running card's poll, its NUT server and the other notifiers
(real rsyslog, aiosmtpd, a UDP receiver) must go on as if nothing were wrong.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time

import pytest

from firmware.admin.local_socket import SOCKET_NAME, call
from firmware.card import features
from firmware.card.card import Card
from firmware.clock.feature import Time
from firmware.hal.boards import load_board
from firmware.notify.feature import Mail, Syslog
from firmware.settings.config import Config
from firmware.state.bus import EventBus, make_event
from tests.cardcli import cli_ok
from tests.cardharness import start_card
from tests.peers import Rsyslog, SmtpServer, UdpReceiver, make_certificate, wait
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(240)


class BlackHole:
    """Accepts connections on 127.0.0.1 and holds them open, silent, until closed."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.held.append(conn)

    def __enter__(self) -> "BlackHole":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        for conn in self.held:
            conn.close()
        self.sock.close()


def nut_round_trip(port: int) -> float:
    """Seconds for the card's NUT server to answer VER."""
    t0 = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"VER\n")
        assert s.recv(256)
    return time.monotonic() - t0


def cycles(card) -> int:
    return card.status()["ups"]["cycles"]


def test_a_silent_mail_server_holds_neither_syslog_wol_nut_nor_the_poll(tmp_path):
    cert = make_certificate(tmp_path / "tls")
    with BlackHole() as smtp, Rsyslog(tmp_path / "rsyslog", cert) as rs, UdpReceiver() as rx, \
            start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
        sets = ["mail.enabled=on", "mail.server=127.0.0.1", "mail.port=%d" % smtp.port,
                "mail.sender=card@example.com",
                "mail.recipients=ops@example.com:events:information",
                "syslog.enabled=on", "syslog.server=127.0.0.1", "syslog.port=%d" % rs.udp_port,
                "wol.enabled=on", "wol.targets=00:11:22:33:44:55:on", "wol.broadcast=127.0.0.1",
                "wol.port=%d" % rx.port]
        with start_card(tmp_path, serial=sim.link, sets=sets) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
            wait(lambda: smtp.held, "the card's first mail connection", 30)
            before = cycles(card)
            t0 = time.monotonic()
            sim.scenario("mains-failure")
            for n in range(5):
                cli_ok(card, "config", "set", "system.location=Hall-%d" % n)
            rs.wait_lines(lambda ls: any(m["msgid"] == "S05" for m in ls)
                          and sum("System Location" in m["msg"] for m in ls) == 5,
                          "syslog while the mail server is silent", 30)
            syslog_s = time.monotonic() - t0
            answer = call(os.path.join(card.data_dir, SOCKET_NAME), "wol.send", {})
            rx.wait_for(1, 5)
            nut_s = nut_round_trip(card.nut_port)
            card.wait_for(lambda s: s["ups"]["cycles"] >= before + 3, 20, "the poll going on")
            mail = card.status()["mail"]
    assert answer == {"ok": True, "result": {"sent": 1}}
    assert mail["outbox"]["sent"] == 0 and mail["outbox"]["queued"] + 1 >= 1
    assert syslog_s < 20 and nut_s < 2, (syslog_s, nut_s)


def test_a_syslog_server_that_never_shakes_hands_holds_neither_mail_nor_nut(tmp_path):
    cert = make_certificate(tmp_path / "tls")
    with BlackHole() as syslog, SmtpServer() as smtp, \
            start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
        sets = ["syslog.enabled=on", "syslog.server=localhost", "syslog.port=%d" % syslog.port,
                "syslog.transport=tls", "syslog.ca_file=%s" % cert.cert,
                "mail.enabled=on", "mail.server=127.0.0.1", "mail.port=%d" % smtp.port,
                "mail.sender=card@example.com", "mail.recipients=ops@example.com:events:warning"]
        with start_card(tmp_path, serial=sim.link, sets=sets) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
            wait(lambda: syslog.held, "the card's syslog connection", 30)
            before = cycles(card)
            sim.scenario("mains-failure")
            smtp.wait_for(lambda ms: any("Operating on Battery" in m.subject for m in ms),
                          "the mail while syslog hangs", 30)
            nut_s = nut_round_trip(card.nut_port)
            card.wait_for(lambda s: s["ups"]["cycles"] >= before + 3, 20, "the poll going on")
            status = card.wait_for(lambda s: s["syslog"]["outbox"]["failing"], 30,
                                   "the syslog outage seen")
    assert nut_s < 2, nut_s
    assert status["syslog"]["outbox"]["sent"] == 0


def test_what_cannot_be_sent_is_retried_then_logged_never_dropped_silently(tmp_path):
    """Short retry delays (the real ones add up to minutes); the peers are real black holes."""
    with BlackHole() as smtp, BlackHole() as syslog:
        async def main():
            board = load_board("sim")
            bus = EventBus()
            config = Config(features.schema(), board_defaults=board.config_defaults())
            config.update({"mail.enabled": True, "mail.server": "127.0.0.1",
                           "mail.port": smtp.port, "mail.sender": "card@example.com",
                           "mail.recipients": ["ops@example.com:events:information"],
                           "syslog.enabled": True, "syslog.server": "127.0.0.1",
                           "syslog.port": syslog.port, "syslog.transport": "tls"})
            card = Card(board, config, bus, feature_classes=(Time, Mail, Syslog))
            await card.start()
            try:
                for name in ("mail", "syslog"):
                    outbox = card.feature(name).notifier.outbox
                    outbox.retry_ms, outbox.timeout_ms = (20, 20), 300
                card.feature("mail").notifier.sender.timeout_s = 0.2
                for n in range(3):
                    bus.publish(make_event("ups", "W", "A%02d" % n, "alarm %d" % n,
                                           state="added", kind="alarm"))
                loop = asyncio.get_running_loop()
                end = loop.time() + 30
                while len([e for e in bus.recent if e["code"] == "notify.dropped"]) < 2:
                    assert loop.time() < end, [e["text"] for e in bus.recent]
                    await asyncio.sleep(0.05)
                return [e for e in bus.recent if e["code"] == "notify.dropped"], card.status()
            finally:
                await card.stop()
        dropped, status = asyncio.run(main())
    by_notifier = {e["notifier"]: e for e in dropped}
    assert by_notifier["mail"]["count"] == 3 and by_notifier["syslog"]["count"] == 3
    assert by_notifier["mail"]["text"].startswith("mail: 3 mail(s) not sent (")
    assert "after 3 tries" in by_notifier["syslog"]["text"]
    assert status["mail"]["outbox"]["dropped"] == 3 and status["syslog"]["outbox"]["dropped"] == 3
    assert status["mail"]["last_error"]["code"] == "001"
