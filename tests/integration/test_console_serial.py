"""The configuration console on the serial line: the simulated board's pseudo-terminal (the USB
gadget serial port of a real card), driven by pyserial-miniterm as a user would, every menu
walked and captured, and the line surviving terminals that come and go."""

from __future__ import annotations

import os
import re
import tty

import pexpect
import pytest
from pexpect import fdpexpect

from tests.artifacts import artifacts_dir
from tests.cardcli import cli_json, cli_ok, texts, wait_until
from tests.cardharness import start_card
from tests.consoleterm import PROMPT, Shots, choose, screen_of, serial_terminal
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(240)
PASSWORD = "Adm1n#Passw0rd"


@pytest.fixture(scope="module")
def shots(request):
    folder = artifacts_dir("console-serial")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\nconsole screen captures (serial): %s" % folder)
    return Shots(folder)


def item(screen: str, label: str) -> str:
    found = re.search(r"^\s*(\w+)\. %s\b" % re.escape(label), screen, re.M)
    assert found, "no item %r on:\n%s" % (label, screen)
    return found.group(1)


def test_the_menu_walk_on_the_serial_console(tmp_path, shots):
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link,
                       sets=["auth.admin_password=" + PASSWORD]) as card:
        device = card.ready["console"]
        assert os.path.islink(device) and device.startswith(str(card.data_dir))
        card.wait_for(lambda s: s["ups"]["values"].get("ups.model"), what="the UPS model")
        term = serial_terminal(device)
        term.send("\r")                                       # Enter shows the login prompt
        term.expect("login as: ")
        shots.save("01-login", screen_of(term))
        choose(term, "admin", "Password: ")
        screen = choose(term, "not-the-password", "login as: ")
        assert "Login refused: wrong user name or password" in screen
        assert "not-the-password" not in screen               # passwords are not echoed
        choose(term, "admin", "Password: ")
        main = shots.save("02-main-menu", choose(term, PASSWORD))
        assert "UPS Model: NETYS RT" in main and "User: admin (administrator)" in main

        utility = shots.save("03-configuration-utility", choose(term, "1"))
        groups = re.findall(r"^\s*(\d)\. (.* Group|Other Settings)$", utility, re.M)
        assert len(groups) >= 6
        for number, title in groups:
            screen = shots.save("04-group-%s" % number, choose(term, number))
            assert title in screen
            term.sendcontrol("c")                             # Ctrl-C: back one level
            term.expect(PROMPT)
            assert "Configuration Utility" in screen_of(term)
        group = choose(term, "1")
        shots.save("05-edit-setting", choose(term, item(group, "System Name")))
        group = choose(term, "Hall\x7f\x7f\x7f\x7fRoom 3")    # Backspace over a mistake
        assert re.search(r"System Name \.+ Room 3$", group, re.M), group
        term.sendcontrol("d")                                 # Ctrl-D ends the session ...
        term.expect("login as: ")                             # ... and the line waits again
        term.sendcontrol("]")
        term.expect(pexpect.EOF)

        assert cli_json(card, "config", "get", "system.name") == {"system.name": "Room 3"}
        logged = texts(card)
        for text in ("Login failed for admin from serial:console.tty via serial",
                     "New Admin or User session opened: admin from serial:console.tty via "
                     "serial",
                     "System Name has been changed via serial by admin",
                     "Session of admin from serial:console.tty via serial closed: "
                     "exit (Ctrl-D)"):
            assert text in logged, (text, logged)


def open_terminal(device: str) -> fdpexpect.fdspawn:
    """The device opened as a terminal program does: raw, no echo."""
    fd = os.open(device, os.O_RDWR | os.O_NOCTTY)
    tty.setraw(fd)
    return fdpexpect.fdspawn(fd, encoding="utf-8", timeout=30)


def test_terminals_come_and_go_and_the_line_turns_off(tmp_path):
    with start_card(tmp_path, sets=["auth.admin_password=" + PASSWORD]) as card:
        device = card.ready["console"]
        term = open_terminal(device)
        term.send("\r")
        term.expect("login as: ")
        term.send("admin\r")
        term.expect("Password: ")
        term.send(PASSWORD + "\r")
        term.expect(PROMPT)
        term.close()                                          # the terminal program quits
        wait_until(lambda: "Session of admin from serial:console.tty via serial closed: "
                   "closed by the terminal" in texts(card), "the session ended with its terminal")
        term = open_terminal(device)                          # another one opens the line
        term.send("\r")
        term.expect("login as: ")
        term.close()

        cli_ok(card, "config", "set", "console.serial=off")
        assert not os.path.lexists(device)
        assert "console" not in card.status()["card"]["endpoints"]
        cli_ok(card, "config", "set", "console.serial=on")
        assert os.path.islink(device)
        term = open_terminal(device)
        term.send("\r")
        term.expect("login as: ")
        term.close()
    assert not os.path.lexists(device)                        # the card removed its link


def test_a_serial_device_named_by_the_settings_is_opened_as_a_tty(tmp_path):
    """A real board opens its device (/dev/ttyGS0 or any tty in console.device); here the
    test holds the other end of a pseudo-terminal, as the PC at the end of a USB cable does."""
    master, slave = os.openpty()
    device = os.ttyname(slave)
    os.close(slave)
    try:
        sets = ["auth.admin_password=" + PASSWORD, "console.device=" + device]
        with start_card(tmp_path, sets=sets) as card:
            assert card.ready["console"] == device
            term = fdpexpect.fdspawn(master, encoding="utf-8", timeout=30)
            wait_until(lambda: card.status()["console"]["serial"]["attached"],
                       "the card opened the device")
            os.write(master, b"\r")
            term.expect("login as: ")
            os.write(master, b"admin\r")
            term.expect("Password: ")
            os.write(master, PASSWORD.encode() + b"\r")
            term.expect(PROMPT)
            assert "User: admin (administrator)" in screen_of(term)
            assert card.status()["console"]["serial"]["pseudo_terminal"] is None
    finally:
        os.close(master)
