"""Wake-on-LAN with the UPS simulator and a UDP receiver on loopback.

The card's poller reads the simulator; the shutdown manager's card events (shutdown.request,
shutdown.ups, ups.output.on) are published on the card's bus by the test, as that manager
publishes them. The magic packets are caught by a real UDP socket.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from firmware.admin.args import Caller
from firmware.admin.local_socket import SOCKET_NAME, call
from firmware.card import features
from firmware.card.card import Card
from firmware.clock.feature import Time
from firmware.events.feature import Events
from firmware.hal.boards import load_board
from firmware.logs.feature import Logs
from firmware.notify import wol
from firmware.notify.feature import Wol
from firmware.settings.config import Config
from firmware.state import catalogue
from firmware.state.bus import EventBus
from firmware.ups.feature import Ups
from tests.cardcli import cli
from tests.cardharness import start_card
from tests.peers import UdpReceiver
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(180)
DB, WEB, SPARE = "00:11:22:33:44:55", "00:11:22:33:44:66", "00:11:22:33:44:77"
TARGETS = [DB + ":on:db", WEB + ":on:web-1", SPARE + ":off:spare"]


def mac(text: str) -> bytes:
    return bytes(int(p, 16) for p in text.split(":"))


def wol_sets(rx: UdpReceiver, delay: int = 1) -> dict:
    return {"wol.enabled": True, "wol.targets": TARGETS, "wol.broadcast": "127.0.0.1",
            "wol.port": rx.port, "wol.delay": delay, "serial.baud": 57600}


class InProcess:
    """Clock, logs, events, the poller on the simulator's line and Wake-on-LAN, in this loop."""

    def __init__(self, tmp_path, link: str, sets: dict) -> None:
        board = load_board("sim")
        self.bus = EventBus()
        config = Config(features.schema(), board_defaults=board.config_defaults())
        config.update(sets)
        self.card = Card(board, config, self.bus, data_dir=str(tmp_path), serial_path=link,
                         feature_classes=(Time, Logs, Events, Ups, Wol))

    async def __aenter__(self) -> "InProcess":
        await self.card.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.card.stop()

    def status(self) -> str:
        return str(self.card.state.get("ups.status") or "")

    def codes(self) -> list[str]:
        return [e["code"] for e in self.bus.recent]


async def until(predicate, what: str, timeout: float = 40.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("%s: not within %s s" % (what, timeout))
        await asyncio.sleep(0.05)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 150))


def test_servers_shut_down_on_battery_are_woken_when_the_mains_return(tmp_path):
    marker = tmp_path / wol.MARKER
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, UdpReceiver() as rx:
        async def main():
            async with InProcess(tmp_path, sim.link, wol_sets(rx)) as card:
                await until(lambda: "OL" in card.status().split(), "the UPS on line")
                sim.scenario("mains-failure")
                await until(lambda: "OB" in card.status().split(), "the UPS on battery")
                catalogue.card_event(card.bus, "shutdown.warning")
                await asyncio.sleep(0.3)
                assert not marker.exists()
                catalogue.card_event(card.bus, "shutdown.request")   # the servers go down
                assert marker.exists()
                await asyncio.sleep(1.5)
                assert rx.got == []                                 # still on battery
                sim.scenario("mains-return")
                await until(lambda: len(rx.got) == 2, "two magic packets")
                await until(lambda: not marker.exists(), "the arming cleared")
                return card.codes(), card.card.feature("wol").status()
        codes, status = run(main())
        packets = [d for d, _t in rx.got]
    assert packets == [wol.magic_packet(mac(DB)), wol.magic_packet(mac(WEB))]
    assert codes.count("wol.sent") == 1 and status["sent"] == 2 and not status["armed"]


def test_the_arming_outlives_a_restart_and_the_ups_restart_wakes_too(tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, UdpReceiver() as rx:
        async def first():
            async with InProcess(tmp_path, sim.link, wol_sets(rx, delay=0)) as card:
                sim.scenario("mains-failure")
                await until(lambda: "OB" in card.status().split(), "the UPS on battery")
                catalogue.card_event(card.bus, "shutdown.ups")        # the UPS is told off
            assert (tmp_path / wol.MARKER).exists()                  # the card goes down

        async def second():
            sim.scenario("mains-return")
            async with InProcess(tmp_path, sim.link, wol_sets(rx, delay=0)) as card:
                await until(lambda: len(rx.got) == 2, "the packets after the card's restart")
                assert "wol.sent" in card.codes()
                catalogue.card_event(card.bus, "shutdown.request")    # another shutdown ...
                catalogue.card_event(card.bus, "ups.output.on")       # ... the UPS restarts
                await until(lambda: len(rx.got) == 4, "the packets after the UPS restart")
        run(first())
        assert rx.got == []
        run(second())


def test_the_running_cards_test_button_through_the_management_socket(tmp_path):
    with UdpReceiver() as rx:
        sets = ["wol.enabled=on", "wol.targets=%s" % ",".join(TARGETS),
                "wol.broadcast=127.0.0.1", "wol.port=%d" % rx.port]
        with start_card(tmp_path, sets=sets) as card:
            path = os.path.join(card.data_dir, SOCKET_NAME)
            one = call(path, "wol.send", {"mac": WEB.upper()})
            every = call(path, "wol.send", {})
            bad = call(path, "wol.send", {"mac": "not-a-mac"})
            rx.wait_for(3)
            typed = cli(card, "wol", "send", "--mac", DB)           # the same, from a shell
            rx.wait_for(4)
            status = card.status()["wol"]
    assert one == {"ok": True, "result": {"sent": 1}} and every["result"] == {"sent": 2}
    assert not bad["ok"] and bad["kind"] == "usage" and "MAC address" in bad["error"]
    assert typed.returncode == 0 and typed.stdout == "magic packets sent: 1\n"
    assert [d for d, _t in rx.got] == [wol.magic_packet(mac(WEB)), wol.magic_packet(mac(DB)),
                                       wol.magic_packet(mac(WEB)), wol.magic_packet(mac(DB))]
    assert status["sent"] == 4 and status["targets"] == 2


def test_an_unreachable_broadcast_address_is_retried_then_logged(tmp_path):
    async def main():
        board = load_board("sim")
        bus = EventBus()
        config = Config(features.schema(), board_defaults=board.config_defaults())
        config.update({"wol.enabled": True, "wol.targets": TARGETS,
                       "wol.broadcast": "no-such-host.invalid"})
        card = Card(board, config, bus, feature_classes=(Time, Wol))
        await card.start()
        try:
            saved, wol.RETRY_MS = wol.RETRY_MS, 10
            try:
                result = await card.operations()["wol.send"]({}, Caller("admin"))
            except Exception as exc:       # OpError: no packet sent
                result = exc
            finally:
                wol.RETRY_MS = saved
            return result, [e for e in bus.recent if e["code"] == "wol.failed"]
        finally:
            await card.stop()
    result, failed = run(main())
    assert "no packet sent" in str(result)
    assert failed and "00:11:22:33:44:55" in failed[0]["text"]
