"""The card's NUT port against a guessing, flooding or sluggish client, and NUT's own upscmd.

Each check runs the real firmware process reading the UPS simulator; the attacks are plain TCP
clients, the legitimate use is NUT's own `upscmd`.
"""

from __future__ import annotations

import select
import socket
import statistics
import subprocess
import time

import pytest

from firmware.accounts import passwords
from firmware.accounts.guard import LoginGuard
from firmware.nut import users as nut_users
from tests.cardcli import cli, events, texts, wait_until
from tests.cardharness import start_card
from tests.nutpeers import nut_program
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(240)
OPS = ("ops", "Ops-Secret-7")
SETS = ["nut.users=%s:%s:primary:all" % OPS, "poll.rate=0"]


class Nut:
    """One raw NUT connection."""

    def __init__(self, port: int, timeout: float = 20.0) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.file = self.sock.makefile("rb")

    def ask(self, line: str) -> str:
        self.sock.sendall(line.encode() + b"\n")
        return self.file.readline().decode().strip()

    def login(self, user: str, password: str) -> str:
        self.ask("USERNAME " + user)
        self.ask("PASSWORD " + password)
        return self.ask("LOGIN ups")

    def close(self) -> None:
        self.file.close()          # the file holds the socket open until it is closed too
        self.sock.close()


@pytest.fixture
def card(tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link, sets=SETS) as running:
        running.wait_for(lambda s: not s["ups"]["stale"], what="the first UPS data")
        running.sim = sim
        yield running


def test_password_guessing_is_slowed_counted_logged_and_locked(card):
    start = time.monotonic()
    answers = []
    for i in range(6):                          # one connection per guess, as a tool would
        c = Nut(card.nut_port)
        answers.append(c.login("ops", "guess-%d" % i))
        c.close()
    elapsed = time.monotonic() - start
    assert elapsed >= 5.0, elapsed              # each failure answers after a delay
    assert all(a.startswith("ERR ACCESS-DENIED") for a in answers), answers
    assert "locked" in answers[-1], answers     # the sixth is refused without a check
    c = Nut(card.nut_port)
    assert "locked" in c.login(*OPS)            # even the right password, while locked
    c.close()
    logged = texts(card)
    assert logged.count("Login failed for ops from 127.0.0.1 via nut") == 5
    assert "Admin or User account locked: ops for 5 min" in logged
    assert card.status()["accounts"]["logins"]["locked_accounts"] == ["ops"]


def test_the_first_access_password_opens_nothing_over_nut(card):
    upscmd = nut_program("upscmd")
    out = subprocess.run([upscmd, "-u", "admin", "-p", "4E4D43", "ups@" + card.nut_address,
                          "test.battery.start"], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "first-access" in out.stdout + out.stderr, out
    assert any(t.startswith("Login of admin from 127.0.0.1 via nut refused: the admin password "
                            "is still the first-access one") for t in texts(card))
    assert card.sim.state()["commands_done"] == []
    # Once the admin password is set, the admin account works.
    assert cli(card, "config", "set", "auth.admin_password=Card#Admin#Pw9").returncode == 0
    out = subprocess.run([upscmd, "-u", "admin", "-p", "Card#Admin#Pw9",
                          "ups@" + card.nut_address, "test.battery.start"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out
    wait_until(lambda: card.sim.state()["commands_done"], "the command at the UPS")


def test_a_trickling_client_is_closed_and_others_are_served(card):
    c = Nut(card.nut_port, timeout=30)
    start = time.monotonic()
    answer = b""
    for byte in b"GET VAR ups ups.status":            # a byte every 2 s would take 44 s
        ready, _, _ = select.select([c.sock], [], [], 2.0)
        if ready:
            answer = c.sock.recv(256)
            break
        c.sock.sendall(bytes([byte]))
    assert answer.startswith(b"ERR TIMEOUT line not complete"), answer
    assert time.monotonic() - start < 20
    c.close()
    other = Nut(card.nut_port)
    assert other.ask("GET VAR ups ups.status").startswith("VAR ups ups.status")
    assert card.status()["nut"]["slow_lines"] == 1


def test_connections_from_one_address_are_bounded(card):
    held = [Nut(card.nut_port) for _ in range(16)]
    for c in held:
        assert c.ask("VER")
    extra = Nut(card.nut_port)
    assert extra.file.readline().decode().startswith(
        "ERR ACCESS-DENIED too many connections from 127.0.0.1")
    extra.close()
    held.pop().close()
    wait_until(lambda: card.status()["nut"]["sessions"] == 15, "a slot freed")
    again = Nut(card.nut_port)
    assert again.ask("VER")
    assert card.status()["nut"]["refused_per_address"] == 1
    for c in held + [again]:
        c.close()


def test_a_flood_of_tracked_commands_is_bounded(card):
    c = Nut(card.nut_port)
    assert c.login(*OPS) == "OK"
    assert c.ask("SET TRACKING ON") == "OK"
    c.sock.sendall(b"INSTCMD ups test.battery.start\n" * 300)
    replies = [c.file.readline().decode().strip() for _ in range(300)]
    accepted = [r for r in replies if r.startswith("OK TRACKING")]
    refused = [r for r in replies if r == "ERR INSTCMD-FAILED too many commands in flight"]
    assert len(accepted) + len(refused) == 300, replies[:5]
    assert 1 <= len(accepted) <= 8, len(accepted)
    wait_until(lambda: card.status()["nut"]["commands_run"] +
               card.status()["nut"]["commands_failed"] == len(accepted), "the accepted commands")
    # Each accepted command is one write to the UPS (retried at most twice when unanswered).
    assert len(card.sim.state()["commands_done"]) <= 3 * len(accepted)
    c.close()


def test_unknown_names_cost_as_much_as_known_ones():
    """No user enumeration by timing: an unknown name is checked against a dummy hash."""
    accounts = nut_users.parse_users(nut_users.check_users(["ops:Ops-Secret-7:primary"]))
    guard = LoginGuard(None, fail_delay_s=0, max_failures=10 ** 6,
                       max_failures_address=10 ** 6)

    def timed(name: str) -> float:
        import asyncio
        start = time.perf_counter()
        asyncio.run(guard.login(name, "wrong", "192.0.2.1", "nut", accounts.get))
        return time.perf_counter() - start

    known, unknown = [], []
    for i in range(40):                  # interleaved, so a busy machine slows both alike
        known.append(timed("ops"))
        unknown.append(timed("nobody-%d" % i))
    known, unknown = statistics.median(known), statistics.median(unknown)
    assert unknown > 0.5 * known and known > 0.5 * unknown, (known, unknown)
    assert passwords.parse_hash(guard._dummy_secret())[0] == passwords.ITERATIONS


def test_a_hash_that_sets_its_own_cost_is_refused(tmp_path):
    costly = "$pbkdf2-sha256$1000000$%s$%s" % ("00" * 16, "00" * 32)
    with start_card(tmp_path) as card:
        out = cli(card, "config", "set", "auth.admin_password=" + costly)
        assert out.returncode == 2 and "iterations" in out.stderr, out.stderr
        out = cli(card, "config", "set", "nut.users=mon:%s:primary" % costly)
        assert out.returncode == 2, out.stderr
        assert not any(e["code"] == "setting.changed" and "admin" in e["text"]
                       for e in events(card))
