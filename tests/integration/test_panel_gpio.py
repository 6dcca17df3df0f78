"""The status LEDs and the reset button on gpiozero's mock pins, on a running card.

The card runs in this process on the Raspberry Pi board (firmware/hal/rpi.py) with gpiozero's
MockFactory for its pins; the UPS is the simulator on a pseudo-terminal. The panel's tick clock
is the test's own, so hold times are exact and nothing sleeps to make them.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from firmware.accounts.feature import Accounts
from firmware.admin.feature import Admin
from firmware.card import features
from firmware.card.card import Card
from firmware.clock.feature import Time
from firmware.events.feature import Events
from firmware.hal.boards import read_board_file
from firmware.hal.rpi import RpiBoard
from firmware.logs.feature import Logs
from firmware.panel.feature import Panel
from firmware.settings.config import Config
from firmware.state.bus import EventBus
from firmware.ups.feature import Ups
from tests.simharness import start_sim

gpiozero_mock = pytest.importorskip("gpiozero.pins.mock")
pytestmark = pytest.mark.timeout(120)
GREEN, YELLOW, BUTTON = 17, 27, 22


class Clock:
    """The panel's tick counter, moved by the test."""

    def __init__(self) -> None:
        self.t = 100000

    def __call__(self) -> int:
        return self.t


def make_card(tmp_path, serial: str):
    spec = read_board_file("rpi")
    spec["serial"] = dict(spec["serial"], device=serial)
    spec["mac"] = "02:00:00:00:00:01"
    factory = gpiozero_mock.MockFactory()
    board = RpiBoard(spec, pin_factory=factory)
    bus = EventBus()
    config = Config(features.schema(), board_defaults={})
    card = Card(board, config, bus, data_dir=str(tmp_path), serial_path=serial,
                feature_classes=(Time, Logs, Events, Accounts, Ups, Admin, Panel))
    return card, factory


async def until(predicate, what: str, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting for " + what)
        await asyncio.sleep(0.05)


def codes(card) -> list[str]:
    return [e["code"] for e in card.bus.recent]


def test_leds_over_boot_link_loss_and_recovery(tmp_path):
    async def main(sim):
        card, pins = make_card(tmp_path, sim.link)
        panel = card.feature("panel")
        clock = panel.ticks = Clock()                     # its auto-diagnostic on our clock
        await card.start()
        try:
            lit = lambda: (pins.pin(GREEN).state, pins.pin(YELLOW).state)   # noqa: E731
            seen = set()
            for step in range(0, 2900, 100):              # cross flashing: never equal
                clock.t += 100
                assert panel.tick() == "diagnostic"
                seen.add(lit())
            assert seen == {(True, False), (False, True)}
            clock.t += 100
            await until(lambda: panel.tick() == "communicating", "the UPS detected")
            pulses = set()
            before = card.state.cycles
            while card.state.cycles < before + 2:         # a flash per poll cycle
                clock.t += 20
                panel.tick()
                pulses.add(lit())
                await asyncio.sleep(0.01)
            assert pulses == {(True, True), (True, False)}
            sim.fault(silence=True)                       # the UPS stops answering
            await until(lambda: panel.tick() == "no_com", "communication lost", 60)
            assert lit() == (True, False) and "comm.lost" in codes(card)
            sim.fault()                                   # it answers again
            await until(lambda: panel.tick() == "communicating", "communication back", 60)
            assert panel.status()["diagnostic"]["problems"] == []
        finally:
            await card.stop()
        assert lit() == (False, False)                    # the card stopped: LEDs off

    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
        asyncio.run(main(sim))


def test_a_missing_serial_device_is_a_hardware_error(tmp_path):
    async def main():
        card, pins = make_card(tmp_path, str(tmp_path / "no-such-tty"))
        panel = card.feature("panel")
        clock = panel.ticks = Clock()
        await card.start()
        try:
            clock.t += 1000
            assert panel.tick() == "diagnostic"
            clock.t += 2500
            assert panel.tick() == "hardware_error"
            assert (pins.pin(GREEN).state, pins.pin(YELLOW).state) == (False, False)
            (tmp_path / "no-such-tty").write_text("")     # the adapter is back
            clock.t += 2500
            assert panel.tick() == "detection"
        finally:
            await card.stop()

    asyncio.run(main())


def test_reset_button_hold_times_run_their_actions(tmp_path):
    async def main():
        card, pins = make_card(tmp_path, str(tmp_path / "no-such-tty"))
        panel = card.feature("panel")
        clock = panel.ticks = Clock()
        await card.start()
        clock.t += 3000                                    # after the auto-diagnostic
        button = pins.pin(BUTTON)
        lit = lambda: (pins.pin(GREEN).state, pins.pin(YELLOW).state)   # noqa: E731

        async def hold(ms: int, watch=()) -> list:
            shown = []
            button.drive_low()
            start = clock.t
            while clock.t - start < ms:
                clock.t += 50
                mode = panel.tick()
                if mode not in shown:
                    shown.append(mode)
            button.drive_high()
            clock.t += 60
            panel.tick()
            await asyncio.sleep(0)
            return shown

        try:
            shown = await hold(4000)
            assert shown[-2:] == ["hold_restart", "hold_accounts"]
            assert lit() != (True, True)
            await until(lambda: "params.accounts.reset" in codes(card), "accounts reset")
            event = [e for e in card.bus.recent if e["code"] == "params.accounts.reset"][-1]
            assert event["text"] == ("Accounts and passwords reset to default via button "
                                     "by reset button")
            held = [e for e in card.bus.recent if e["code"] == "button.action"][-1]
            assert held["text"] == "Reset button held 4.0 s: accounts"

            card.config.update({"system.name": "Room 12"}, via="test", user="test")
            shown = await hold(6500)
            assert shown[-1] == "hold_factory"
            await until(lambda: "params.reset" in codes(card), "factory reset")
            assert card.config.get("system.name") == card.config.default("system.name")

            shown = await hold(31000)                      # stuck: nothing happens
            assert "button.stuck" in codes(card)
            assert [e["code"] for e in card.bus.recent].count("button.action") == 2
            assert panel.tick() != "hold_factory"

            await hold(500)                                # too short: nothing
            assert [e["code"] for e in card.bus.recent].count("button.action") == 2

            await hold(1500)                               # restart
            await until(lambda: "agent.restart" in codes(card), "the card restarted")
        finally:
            await card.stop()

    asyncio.run(main())
