"""Syslog against a real rsyslogd on loopback: RFC 5424 over UDP, TCP (octet counting) and TLS.

rsyslog parses every message and writes its RFC 5424 fields as JSON (tests/peers.py), so what
is checked is what a syslog server understood, not what the card meant to send.
"""

from __future__ import annotations

import asyncio

import pytest

from firmware.admin.args import Caller
from firmware.card import features
from firmware.card.card import Card
from firmware.clock.feature import Time
from firmware.hal.boards import load_board
from firmware.notify.feature import Syslog
from firmware.settings.config import Config
from firmware.state import catalogue
from firmware.state.bus import EventBus, make_event
from tests.cardcli import cli_ok
from tests.cardharness import start_card
from tests.peers import Rsyslog, make_certificate
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def cert(tmp_path):
    return make_certificate(tmp_path / "tls")


def syslog_sets(rs: Rsyslog, cert, transport: str) -> dict:
    port = {"udp": rs.udp_port, "tcp": rs.tcp_port, "tls": rs.tls_port}[transport]
    return {"syslog.enabled": True, "syslog.server": "localhost", "syslog.port": port,
            "syslog.transport": transport, "syslog.ca_file": str(cert.cert),
            "system.name": "Room-12"}


@pytest.mark.parametrize("transport", ["udp", "tcp", "tls"])
def test_the_running_card_sends_ups_and_card_events(tmp_path, cert, transport):
    with Rsyslog(tmp_path / "rsyslog", cert) as rs, \
            start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
        sets = ["%s=%s" % kv for kv in syslog_sets(rs, cert, transport).items()]
        with start_card(tmp_path, serial=sim.link, sets=sets) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
            sim.scenario("mains-failure")
            cli_ok(card, "config", "set", "system.location=Hall-B")
            lines = rs.wait_lines(
                lambda ls: any(m["msg"].endswith("Operating on Battery") for m in ls)
                and any("System Location" in m["msg"] for m in ls), "both events", 60)
            status = card.status()["syslog"]
    on_battery = [m for m in lines if m["msg"].endswith("Operating on Battery")][0]
    assert on_battery["input"] == transport
    assert on_battery["version"] == "1" and on_battery["app"] == "opennmc"
    assert on_battery["hostname"] == "Room-12" and on_battery["facility"] == "16"
    assert on_battery["msgid"] == "S05" and on_battery["msg"].startswith("UPS ")
    assert on_battery["severity"] == {"I": "6", "W": "4", "C": "2"}["W"]
    assert on_battery["sd"].startswith('[origin software="opennmc" swVersion="')
    assert on_battery["timestamp"].endswith("Z")
    changed = [m for m in lines if "System Location" in m["msg"]][0]
    assert changed["msgid"] == "setting.changed" and changed["severity"] == "6"
    assert changed["msg"].startswith("Card Information: ")
    sequence = [int(m["sd"].split('sequenceId="')[1].split('"')[0]) for m in lines]
    assert sequence == sorted(sequence) and len(set(sequence)) == len(sequence)
    assert status["running"] and status["outbox"]["dropped"] == 0


class InProcess:
    """A card of the clock and syslog only, in this event loop."""

    def __init__(self, sets: dict) -> None:
        board = load_board("sim")
        self.bus = EventBus()
        config = Config(features.schema(), board_defaults=board.config_defaults())
        config.update(sets)
        self.card = Card(board, config, self.bus, feature_classes=(Time, Syslog))

    async def __aenter__(self) -> "InProcess":
        await self.card.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.card.stop()

    def publish_three(self) -> None:
        self.bus.publish(make_event("ups", "C", "A31", "UPS Imminent Stop", state="added",
                                    kind="alarm"))
        catalogue.card_event(self.bus, "comm.lost")
        catalogue.card_event(self.bus, "shutdown.request")


async def until(predicate, what: str, timeout: float = 30.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("%s: not within %s s" % (what, timeout))
        await asyncio.sleep(0.02)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 120))


@pytest.mark.parametrize("groups, codes", [
    (["ups"], ["A31"]), (["card"], ["comm.lost"]), (["shutdown"], ["shutdown.request"]),
    (["ups", "card", "shutdown"], ["A31", "comm.lost", "shutdown.request"])])
def test_the_groups_choose_what_is_sent(tmp_path, cert, groups, codes):
    with Rsyslog(tmp_path / "rsyslog", cert) as rs:
        async def main():
            sets = dict(syslog_sets(rs, cert, "tcp"), **{"syslog.events": groups})
            async with InProcess(sets) as card:
                card.publish_three()
                catalogue.card_event(card.bus, "boot.warm")     # a marker sent last
                await until(lambda: any(m["msgid"] == "boot.warm" for m in rs.lines())
                            or "card" not in groups and len(rs.lines()) >= len(codes),
                            "the messages")
                await asyncio.sleep(0.2)
        run(main())
        got = [m["msgid"] for m in rs.lines() if m["msgid"] != "boot.warm"]
    assert got == codes


def test_an_untrusted_certificate_is_refused_and_logged(tmp_path, cert):
    other = make_certificate(tmp_path / "other")
    with Rsyslog(tmp_path / "rsyslog", cert) as rs:
        async def main():
            sets = dict(syslog_sets(rs, cert, "tls"), **{"syslog.ca_file": str(other.cert)})
            async with InProcess(sets) as card:
                card.publish_three()
                await until(lambda: any(e["code"] == "syslog.failed"
                                        for e in card.bus.recent), "syslog.failed")
                return [e for e in card.bus.recent if e["code"] == "syslog.failed"]
        failed = run(main())
        assert rs.lines() == []
    assert "CERTIFICATE_VERIFY_FAILED" in failed[0]["text"] or \
        "certificate verify failed" in failed[0]["text"]


def test_a_server_down_then_up_gets_every_message_in_order(tmp_path, cert):
    rs = Rsyslog(tmp_path / "rsyslog", cert)           # its ports chosen, not yet listening

    async def main():
        async with InProcess(syslog_sets(rs, cert, "tcp")) as card:
            card.publish_three()
            await until(lambda: any(e["code"] == "syslog.failed" for e in card.bus.recent),
                        "the outage logged")
            with rs:
                await until(lambda: any(e["code"] == "syslog.restored"
                                        for e in card.bus.recent), "syslog.restored")
                catalogue.card_event(card.bus, "comm.restored")
                await until(lambda: len(rs.lines()) >= 4, "four messages")
                lines = rs.lines()
            status = card.card.feature("syslog").status()
            return lines, status, [e["code"] for e in card.bus.recent]
    lines, status, codes = run(main())
    assert [m["msgid"] for m in lines] == ["A31", "comm.lost", "shutdown.request",
                                           "comm.restored"]
    assert status["outbox"]["dropped"] == 0 and status["outbox"]["failed_attempts"] >= 1
    assert codes.count("syslog.failed") == 1 and "notify.dropped" not in codes


def test_syslog_is_told_the_card_is_being_managed(tmp_path, cert):
    """An operation through the card's interfaces lands in syslog like any card event."""
    with Rsyslog(tmp_path / "rsyslog", cert) as rs:
        async def main():
            async with InProcess(syslog_sets(rs, cert, "udp")) as card:
                ops = card.card.operations()
                await ops["time.set"]({"local": "01/06/2030 14:00:00"}, Caller("ops"))
                await until(lambda: rs.lines(), "the time change")
        run(main())
        line = rs.lines()[0]
    assert line["msgid"] == "time.user" and line["timestamp"].startswith("2030-06-01T")


def test_messages_queued_for_a_dead_server_go_to_the_new_one(tmp_path, cert):
    with Rsyslog(tmp_path / "rsyslog", cert) as rs:
        async def main():
            dead = dict(syslog_sets(rs, cert, "tcp"), **{"syslog.port": 9})   # nobody there
            async with InProcess(dead) as card:
                card.publish_three()
                await until(lambda: any(e["code"] == "syslog.failed" for e in card.bus.recent),
                            "the outage logged")
                card.card.config.update({"syslog.port": rs.tcp_port})
                await card.card.settled()
                await until(lambda: len(rs.lines()) >= 3, "the queued messages")
                return card.card.feature("syslog").status()
        status = run(main())
        lines = rs.lines()
    assert [m["msgid"] for m in lines] == ["A31", "comm.lost", "shutdown.request"]
    assert status["outbox"]["dropped"] == 0 and status["server"].endswith("/tcp")
