"""The configuration console over SSH, driven by the real OpenSSH client (and sshpass for scripts).

The card runs as its own process, on the UPS simulator where the header's UPS model matters.
Every menu is walked with `ssh -tt` on a pseudo-terminal and each screen is kept as a capture
(the folder is printed); changes are then read back through `opennmc config get` and the card
event log, as a user would check them.
"""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess

import pexpect
import pytest

from tests.artifacts import artifacts_dir
from tests.cardcli import cli_json, cli_ok, texts, wait_until
from tests.cardharness import start_card
from tests.conftest import require_tool
from tests.consoleterm import (ENV, PROMPT, Shots, choose, screen_of, ssh_argv, ssh_command,
                               ssh_login)
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(240)
FIRST = "4E4D43"                     # the simulated board's first-access password
PASSWORD = "Adm1n#Passw0rd"
VIEWER = "View#Passw0rd1"


@pytest.fixture(scope="module")
def shots(request):
    folder = artifacts_dir("console-ssh")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print("\nconsole screen captures (ssh): %s" % folder)
    return Shots(folder)


@pytest.fixture(autouse=True)
def openssh():
    require_tool("ssh")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def item(screen: str, label: str) -> str:
    """The number of a menu item, read on the screen as a user does."""
    found = re.search(r"^\s*(\w+)\. %s\b" % re.escape(label), screen, re.M)
    assert found, "no item %r on:\n%s" % (label, screen)
    return found.group(1)


def ssh_address(card) -> str:
    ssh = card.status()["console"]["ssh"]
    return "127.0.0.1:%d" % ssh["port"]


def test_first_login_walks_every_menu_and_changes_the_card(tmp_path, shots):
    nut_port = free_port()
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link) as card:
        card.wait_for(lambda s: s["ups"]["values"].get("ups.model"), what="the UPS model")
        term = ssh_login(card.ready["ssh"], "admin", FIRST)
        term.expect(PROMPT)
        shots.save("01-first-access", screen_of(term))
        assert "First access" in screen_of(term)
        choose(term, FIRST)                                  # the current password
        choose(term, FIRST.lower())                          # new: the first-access one again
        screen = choose(term, FIRST.lower())
        assert "the first-access password cannot be the new admin password" in screen
        choose(term, FIRST)
        choose(term, PASSWORD)
        term.send(PASSWORD + "\r")
        term.expect(pexpect.EOF)                              # a new password, a new login
        assert "The new password is set: log in again with it." in term.before
        term = ssh_login(card.ready["ssh"], "admin", PASSWORD)
        term.expect(PROMPT)
        main = shots.save("02-main-menu", screen_of(term))
        for text in ("UPS Model: NETYS RT", "User: admin (administrator)", "Date ",
                     "1. SNMP/WEB Card Settings", "2. Reset Accounts/Passwords to Default",
                     "3. Reset Configuration to Default", "4. Restart SNMP/WEB Card", "0. Exit"):
            assert text in main, text

        utility = shots.save("03-configuration-utility", choose(term, "1"))
        groups = re.findall(r"^\s*(\d)\. (.* Group|Other Settings)$", utility, re.M)
        assert [g[1] for g in groups][:3] == ["IP, Time and System Group",
                                              "Network Control Group", "Account Control Group"]
        for number, title in groups:
            screen = shots.save("04-group-%s" % number, choose(term, number))
            assert title in screen and " 0. Back" in screen
            choose(term, "0")

        # Group 1: the card's name, typed with a mistake corrected by Backspace.
        group = choose(term, "1")
        assert "set by the board's operating system" in group
        details = shots.save("05-edit-setting", choose(term, item(group, "System Name")))
        assert "Current value: opennmc" in details
        group = choose(term, "Room 12x\x7f")
        assert re.search(r"System Name \.+ Room 12$", group, re.M), group
        choose(term, "0")

        # Group 2: a network setting, the NUT server's port, applied at once.
        group = choose(term, "2")
        choose(term, item(group, "NUT Port"))
        group = choose(term, str(nut_port))
        assert re.search(r"NUT Port \.+ %d$" % nut_port, group, re.M), group
        with socket.create_connection(("127.0.0.1", nut_port), timeout=10) as s:
            s.sendall(b"VER\n")
            assert s.recv(200)
        term.sendcontrol("c")                                 # back one level
        term.expect(PROMPT)
        assert "Configuration Utility" in screen_of(term)

        # Group 3: the user table, a field at a time.
        group = choose(term, "3")
        shots.save("06-user-table", choose(term, item(group, "Multi-User Table")))
        choose(term, "0")
        choose(term, "0")
        choose(term, "0")
        term.send("0\r")
        term.expect(pexpect.EOF)
        assert "Session closed." in term.before

        assert cli_json(card, "config", "get", "system.name", "nut.port") == \
            {"system.name": "Room 12", "nut.port": nut_port}
        logged = texts(card)
        for text in ("New Admin or User session opened: admin from 127.0.0.1 via ssh",
                     "Net Vision admin Password has been changed via ssh by admin",
                     "System Name has been changed via ssh by admin",
                     "NUT Port has been changed via ssh by admin",
                     "Session of admin from 127.0.0.1 via ssh closed: exit"):
            assert text in logged, (text, [t for t in logged if "ession" in t])
        # The password changed, the first session ended: a new password, a new login.
        sessions = [t for t in logged if "session opened" in t or t.startswith("Session of")]
        assert sessions[:2] == ["New Admin or User session opened: admin from 127.0.0.1 via ssh",
                                "Session of admin from 127.0.0.1 via ssh closed: password or "
                                "access changed"], sessions
    assert len(shots.names) >= 9


def test_terminals_keys_and_ansi_only_when_asked(tmp_path):
    with start_card(tmp_path, sets=["auth.admin_password=" + PASSWORD]) as card:
        term = ssh_login(card.ready["ssh"], "admin", PASSWORD, term="xterm")
        term.expect(PROMPT)
        assert "\x1b[H\x1b[2J" in term.before                 # xterm: each screen cleared
        term.sendcontrol("d")                                 # Ctrl-D ends the session
        term.expect(pexpect.EOF)
        wait_until(lambda: "Session of admin from 127.0.0.1 via ssh closed: exit (Ctrl-D)"
                   in texts(card), "the session closed by Ctrl-D")
        term = ssh_login(card.ready["ssh"], "admin", PASSWORD, term="dumb")
        term.expect(PROMPT)
        assert "\x1b" not in term.before
        term.send("12\x7f\x7f\x1b[A1\r")                      # an arrow key is ignored
        term.expect(PROMPT)
        assert "Configuration Utility" in screen_of(term)
        # One session at a time (auth.max_sessions): a newer login ends this one.
        newer = ssh_login(card.ready["ssh"], "admin", PASSWORD)
        newer.expect(PROMPT)
        term.expect(pexpect.EOF)
        assert "This session was closed by a newer login" in term.before
        newer.close()


def test_wrong_password_lockout_and_read_only_user(tmp_path):
    sets = ["auth.admin_password=" + PASSWORD, "auth.users=viewer:%s:read" % VIEWER]
    with start_card(tmp_path, sets=sets) as card:
        address = card.ready["ssh"]
        out = ssh_command(address, "admin", "wrong-password", "status")
        assert out.returncode != 0 and out.stdout == "", out
        assert "Login failed for admin from 127.0.0.1 via ssh" in texts(card)
        for _ in range(5):
            if any(t.startswith("Admin or User account locked: admin") for t in texts(card)):
                break
            ssh_command(address, "admin", "wrong-password", "status")
        assert "Admin or User account locked: admin for 5 min" in texts(card)
        out = ssh_command(address, "admin", PASSWORD, "status")       # the right one, locked
        assert out.returncode != 0 and out.stdout == "", out
        assert "Login refused: account admin locked" in out.stderr, out.stderr

        # A read-only user sees the values and changes nothing, in the menu or in a script.
        term = ssh_login(address, "viewer", VIEWER)
        term.expect(PROMPT)
        assert "User: viewer (read only)" in screen_of(term)
        choose(term, "1")
        group = choose(term, "1")
        screen = choose(term, item(group, "System Name"))
        assert "read-only access" in screen and "System Name: opennmc" in screen
        choose(term, "0")
        choose(term, "0")
        assert "read-only access" in choose(term, "3")
        term.close()
        out = ssh_command(address, "viewer", VIEWER, "config", "set", "system.name=Viewer")
        assert out.returncode == 1 and "read-only account" in out.stderr, out
        assert cli_json(card, "config", "get", "system.name") == {"system.name": "opennmc"}


def test_one_shot_commands_answer_as_opennmc_does(tmp_path):
    with start_card(tmp_path, sets=["auth.admin_password=" + PASSWORD]) as card:
        address = card.ready["ssh"]
        out = ssh_command(address, "admin", PASSWORD, "status")
        assert out.returncode == 0, out
        remote = json.loads(out.stdout)
        local = json.loads(cli_ok(card, "status"))
        assert sorted(remote) == sorted(local)
        assert remote["card"]["identity"] == local["card"]["identity"]
        assert remote["board"] == local["board"]
        out = ssh_command(address, "admin", PASSWORD, "config", "get", "system.name",
                          "poll.rate")
        assert json.loads(out.stdout) == cli_json(card, "config", "get", "system.name",
                                                  "poll.rate")
        out = ssh_command(address, "admin", PASSWORD, "config", "set", "'system.name=Room 7'")
        assert out.returncode == 0 and json.loads(out.stdout)["changed"] == ["system.name"], out
        assert "System Name has been changed via ssh by admin" in texts(card)
        out = ssh_command(address, "admin", PASSWORD, "config", "set", "poll.rate=-1")
        assert out.returncode == 2 and "poll.rate" in out.stderr, out
        out = ssh_command(address, "admin", PASSWORD, "reboot")
        assert out.returncode == 2 and "unknown command" in out.stderr, out
        assert cli_json(card, "config", "get", "system.name", "poll.rate") == \
            {"system.name": "Room 7", "poll.rate": 2}


def test_ssh_off_closes_the_port_and_limits_hold(tmp_path):
    port = free_port()
    sets = ["auth.admin_password=" + PASSWORD, "ssh.port=%d" % port, "ssh.max_sessions=1"]
    with start_card(tmp_path, sets=sets) as card:
        address = "127.0.0.1:%d" % port
        term = ssh_login(address, "admin", PASSWORD)
        term.expect(PROMPT)
        out = ssh_command(address, "admin", PASSWORD, "status")   # one connection at a time
        assert out.returncode == 255, out
        assert card.status()["console"]["ssh"]["refused"] >= 1

        cli_ok(card, "config", "set", "ssh.enabled=off")
        assert not port_open(port)
        assert "Configuration Utility" in choose(term, "1")   # an open session goes on
        term.close()
        cli_ok(card, "config", "set", "ssh.enabled=on")
        assert port_open(port)
        wait_until(lambda: card.status()["console"]["ssh"]["connections"] == 0,
                   "the closed session released")
        assert ssh_command(address, "admin", PASSWORD, "status").returncode == 0


def texts_while_restarting(card) -> list[str]:
    """The card's event texts, or none while its management socket is down for the restart."""
    try:
        return texts(card)
    except AssertionError as exc:
        if "no running card answers" in str(exc):
            return []
        raise


def test_restart_from_the_menu_and_the_host_key_kept(tmp_path):
    known = tmp_path / "known_hosts"
    port = free_port()
    sets = ["auth.admin_password=" + PASSWORD, "ssh.port=%d" % port]
    address = "127.0.0.1:%d" % port
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link, sets=sets) as card:
        card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
        key = card.data_dir / "ssh_host_ed25519_key"
        assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
        scan = subprocess.run([require_tool("ssh-keyscan"), "-p", str(port), "-t", "ed25519",
                               "127.0.0.1"], capture_output=True, text=True, timeout=30, env=ENV)
        known.write_text(scan.stdout.replace("127.0.0.1", "[127.0.0.1]:%d" % port))
        assert "ssh-ed25519" in known.read_text()

        term = ssh_login(address, "admin", PASSWORD, known_hosts=known)
        term.expect(PROMPT)
        choose(term, "4", expect=r"\(y/N\) => ")
        term.send("y\r")
        term.expect(pexpect.EOF)
        assert "The card restarts: session closed." in term.before
        wait_until(lambda: "NET VISION UPS Agent Restart" in texts_while_restarting(card),
                   "the restart logged")
        status = card.wait_for(lambda s: s["card"]["features"]["console"]["running"]
                               and not s["ups"]["stale"], what="the card running again")
        assert all(f["running"] for n, f in status["card"]["features"].items()
                   if n in ("poller", "nut", "console", "logs", "admin"))
        assert ssh_address(card) == address
    # The card process itself starts again on the same data folder: same host key.
    with start_card(tmp_path, sets=["ssh.port=%d" % port]) as card:
        argv = ssh_argv(address, "admin", known, strict=True)
        out = subprocess.run([require_tool("sshpass"), "-p", PASSWORD] + argv + ["status"],
                             capture_output=True, text=True, timeout=60, env=ENV)
        assert out.returncode == 0, out.stderr


def test_the_login_timeout_closes_an_idle_session(tmp_path):
    sets = ["auth.admin_password=" + PASSWORD, "auth.login_timeout=30"]
    with start_card(tmp_path, sets=sets) as card:
        term = ssh_login(card.ready["ssh"], "admin", PASSWORD)
        term.expect(PROMPT)
        term.send("1")                                        # typing restarts the clock ...
        term.expect(pexpect.EOF, timeout=90)                  # ... then 30 s of nothing
        assert "No keystroke for 30 s: session closed." in term.before
        assert "Session of admin from 127.0.0.1 via ssh closed: idle timeout" in texts(card)
