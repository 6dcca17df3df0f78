"""The NUT server over real TCP sockets: requests, commands, client table and abuse (long lines,
garbage, floods of idle connections), with a UpsState filled by hand.

Every test runs on both front ends: the asyncio.Protocol one CPython boards use and the stream
one of MicroPython boards."""

import asyncio
import os

import pytest

from firmware.accounts.feature import Accounts
from firmware.accounts.guard import LoginGuard
from firmware.card import features
from firmware.card.card import Card
from firmware.hal.boards import load_board
from firmware.nut import users as nut_users
from firmware.nut.feature import Nut
from firmware.nut.context import NutContext
from firmware.nut.server import NutServer
from firmware.settings.config import Config
from firmware.state import catalogue
from firmware.state.bus import EventBus
from firmware.state.ups import UpsState

DEADLINE = 20.0


@pytest.fixture(autouse=True, params=("protocol", "streams"))
def front(request, monkeypatch):
    monkeypatch.setattr(NutServer, "FRONT", request.param)
    return request.param


class Refused(Exception):
    nut_error = "CMD-NOT-SUPPORTED"


def _state():
    state = UpsState()
    state.begin()
    state.set("ups.status", "OL")
    state.set("battery.charge", 100)
    state.set("output.voltage", 230.0)
    state.commit()
    return state


def _server(max_clients=64, idle=600, command=None, bus=None, max_per_address=16):
    """A NUT server alone, on an ephemeral port, with two accounts, a login guard that answers
    at once and a recording command."""
    users = nut_users.parse_users(nut_users.check_users(["admin:adminpw:primary:all",
                                                         "mon:monpw:secondary"]))
    calls = []

    async def record(name, value):
        calls.append((name, value))
        if name == "beeper.mute":
            raise RuntimeError("UPS did not answer")
        if name == "load.off.delay":
            raise Refused("not in this range")

    def on_fsd(session):
        catalogue.card_event(bus, "nut.fsd", address=session.address, user=session.username)

    ctx = NutContext(_state(), find_user=users.get, on_fsd=on_fsd,
                     commands=lambda: ["test.battery.start", "beeper.mute", "load.off.delay"])
    guard = LoginGuard(bus, fail_delay_s=0)

    async def check(name, password, address):
        return await guard.login(name, password, address, "nut", users.get)

    srv = NutServer(ctx, 0, "127.0.0.1", max_clients, idle, command=command or record,
                    check=check, max_per_address=max_per_address)
    return srv, calls


def _card(**sets):
    """A card running only its accounts and NUT server (as the card's feature list builds them)."""
    board = load_board("sim")
    cfg = Config(features.schema(), board_defaults=board.config_defaults())
    cfg.update(dict({"nut.port": 0, "nut.bind": "127.0.0.1"}, **sets))
    return Card(board, cfg, EventBus(), feature_classes=(Accounts, Nut))


def _port(card):
    return card.feature("nut").server.port


class Client:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, port):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        return cls(r, w)

    async def send(self, data):
        self.writer.write(data if isinstance(data, bytes) else (data + "\n").encode())
        await self.writer.drain()

    async def line(self):
        raw = await asyncio.wait_for(self.reader.readline(), DEADLINE)
        return raw.decode().rstrip("\n")

    async def ask(self, text, lines=1):
        await self.send(text)
        return [await self.line() for _ in range(lines)]

    async def closed_by_server(self):
        """True once the server has closed the connection (reads EOF), within the deadline."""
        while True:
            data = await asyncio.wait_for(self.reader.read(4096), DEADLINE)
            if not data:
                return True

    def close(self):
        self.writer.close()


async def _until(predicate, what):
    loop = asyncio.get_running_loop()
    end = loop.time() + DEADLINE
    while not predicate():
        if loop.time() > end:
            raise AssertionError("timed out waiting for " + what)
        await asyncio.sleep(0.02)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 90))


def test_requests_and_logout():
    async def main():
        srv, _ = _server()
        port = await srv.start()
        c = await Client.open(port)
        assert await c.ask("LIST UPS", 3) == ["BEGIN LIST UPS", 'UPS ups "Unavailable"',
                                               "END LIST UPS"]
        assert await c.ask("GET VAR ups output.voltage") == ['VAR ups output.voltage "230"']
        # CR LF line ends and several requests in one segment are both fine.
        await c.send(b"GET VAR ups ups.status\r\nNETVER\n")
        assert [await c.line(), await c.line()] == ['VAR ups ups.status "OL"', "1.3"]
        assert await c.ask("LOGOUT") == ["OK Goodbye"]
        assert await c.closed_by_server()
        await srv.stop()
    run(main())


def test_instcmd_reaches_the_command_function_and_errors_map():
    async def main():
        srv, calls = _server()
        port = await srv.start()
        c = await Client.open(port)
        assert await c.ask("USERNAME admin") == ["OK"]
        assert await c.ask("PASSWORD adminpw") == ["OK"]
        assert await c.ask("INSTCMD ups test.battery.start") == ["OK"]
        assert await c.ask("INSTCMD ups beeper.mute") == ["ERR INSTCMD-FAILED"]
        assert await c.ask("INSTCMD ups load.off.delay 30") == ["ERR CMD-NOT-SUPPORTED"]
        assert await c.ask("INSTCMD ups load.on") == ["ERR CMD-NOT-SUPPORTED"]
        assert calls == [("test.battery.start", None), ("beeper.mute", None),
                         ("load.off.delay", "30")]
        assert await c.ask("SET TRACKING ON") == ["OK"]
        reply = await c.ask("INSTCMD ups test.battery.start")
        assert reply[0].startswith("OK TRACKING ")
        tid = reply[0].split()[-1]
        for _ in range(200):
            answer = await c.ask("GET TRACKING " + tid)
            if answer != ["PENDING"]:
                break
            await asyncio.sleep(0.02)
        assert answer == ["SUCCESS"]
        assert srv.status()["commands_run"] == 2
        assert srv.status()["commands_failed"] == 2
        c.close()
        await srv.stop()
    run(main())


def test_client_table_and_fsd_event():
    async def main():
        bus = EventBus()
        srv, _ = _server(bus=bus)
        port = await srv.start()
        primary, secondary = await Client.open(port), await Client.open(port)
        for c, user, pw in ((primary, "admin", "adminpw"), (secondary, "mon", "monpw")):
            assert await c.ask("USERNAME " + user) == ["OK"]
            assert await c.ask("PASSWORD " + pw) == ["OK"]
            assert await c.ask("LOGIN ups") == ["OK"]
        assert await primary.ask("PRIMARY ups") == ["OK PRIMARY-GRANTED"]
        assert await primary.ask("GET NUMLOGINS ups") == ["NUMLOGINS ups 2"]
        table = srv.status()["clients"]
        assert sorted(row["user"] for row in table) == ["admin", "mon"]
        assert all(row["address"] == "127.0.0.1" and row["connected"] > 0 for row in table)
        assert await secondary.ask("FSD ups") == ["ERR ACCESS-DENIED"]
        assert await primary.ask("FSD ups") == ["OK FSD-SET"]
        assert await secondary.ask("GET VAR ups ups.status") == ['VAR ups ups.status "FSD OL"']
        assert [e["code"] for e in bus.recent] == ["nut.fsd"]
        secondary.close()
        await _until(lambda: len(srv.status()["clients"]) == 1, "the secondary to leave")
        primary.close()
        await srv.stop()
    run(main())


def test_users_follow_configuration_changes():
    async def main():
        card = _card(**{"nut.users": ["admin:adminpw:primary:all"]})
        await card.start()
        port = _port(card)
        card.config.update({"nut.users": ["ops:newpw:primary"]})
        assert await card.settled() == {"not_applied": {}, "not_running": {}}
        assert _port(card) == port          # accounts change without a restart
        c = await Client.open(port)
        await c.ask("USERNAME admin")
        await c.ask("PASSWORD adminpw")
        assert (await c.ask("LOGIN ups"))[0].startswith("ERR ACCESS-DENIED")
        c2 = await Client.open(port)
        await c2.ask("USERNAME ops")
        await c2.ask("PASSWORD newpw")
        assert await c2.ask("LOGIN ups") == ["OK"]
        c.close()
        c2.close()
        await card.stop()
    run(main())


def test_overlong_line_is_refused_and_others_carry_on():
    async def main():
        srv, _ = _server()
        port = await srv.start()
        bystander = await Client.open(port)
        c = await Client.open(port)
        await c.send(b"GET VAR ups " + b"x" * 4000)
        assert (await c.line()).startswith("ERR TOO-LONG")
        assert await c.closed_by_server()
        # The same with a newline: an over-long complete line is not executed.
        c2 = await Client.open(port)
        await c2.send(b"LIST UPS " + b"y" * 600 + b"\nNETVER\n")
        assert (await c2.line()).startswith("ERR TOO-LONG")
        assert await c2.closed_by_server()
        assert await bystander.ask("GET VAR ups battery.charge") == [
            'VAR ups battery.charge "100"']
        bystander.close()
        await srv.stop()
    run(main())


def test_binary_garbage_gets_errors_then_close():
    async def main():
        srv, _ = _server()
        port = await srv.start()
        bystander = await Client.open(port)
        c = await Client.open(port)
        await c.send(b"\xff\xfe\x00\x01\n")
        assert await c.line() == "ERR INVALID-ARGUMENT"
        await c.send(b"FOO BAR\n")
        assert await c.line() == "ERR UNKNOWN-COMMAND"
        assert await c.ask("NETVER") == ["1.3"]      # a good line resets the bad-line count
        await c.send(os.urandom(64).replace(b"\n", b"") + b"\n" + b"\x00garbage\n" * 20)
        replies = []
        while True:
            raw = await asyncio.wait_for(c.reader.readline(), DEADLINE)
            if not raw:
                break
            replies.append(raw.decode())
        assert replies and all(r.startswith("ERR ") for r in replies)
        assert "too many bad requests" in replies[-1]
        assert await bystander.ask("NETVER") == ["1.3"]
        bystander.close()
        await srv.stop()
    run(main())


def test_a_full_server_closes_strangers_never_logged_in_clients():
    async def main():
        srv, _ = _server(max_clients=40, max_per_address=1000)
        port = await srv.start()
        logged = []
        for _ in range(10):
            c = await Client.open(port)
            await c.ask("USERNAME mon")
            await c.ask("PASSWORD monpw")
            assert await c.ask("LOGIN ups") == ["OK"]
            logged.append(c)
        strangers = [await Client.open(port) for _ in range(30)]
        await _until(lambda: srv.status()["sessions"] == 40, "40 sessions")
        # 300 more idle strangers: each one makes room by closing the quietest stranger.
        newcomers = [await Client.open(port) for _ in range(300)]
        for c in strangers:
            assert (await c.line()).startswith("ERR ACCESS-DENIED server full")
            assert await c.closed_by_server()
        await _until(lambda: srv.status()["sessions"] <= 40, "at most 40 sessions")
        assert srv.status()["evicted"] == 300 and srv.status()["refused"] == 0
        for c in logged:                        # nobody logged in was dropped for them
            assert await c.ask("GET VAR ups battery.charge") == ['VAR ups battery.charge "100"']
        assert await newcomers[-1].ask("NETVER") == ["1.3"]
        # When everyone is logged in there is no stranger to close: a newcomer is refused.
        for c in newcomers[-30:]:
            await c.ask("USERNAME mon")
            await c.ask("PASSWORD monpw")
            assert await c.ask("LOGIN ups") == ["OK"]
        late = await Client.open(port)
        assert (await late.line()) == "ERR ACCESS-DENIED too many connections"
        assert srv.status()["refused"] == 1
        for c in logged + newcomers[-30:] + [late]:
            c.close()
        await srv.stop()
    run(main())


def test_idle_connections_time_out_active_ones_stay():
    async def main():
        srv, _ = _server(idle=0.5)
        port = await srv.start()
        idle, active = await Client.open(port), await Client.open(port)
        done = asyncio.Event()
        answers = []

        async def keep_talking():
            while not done.is_set():
                answers.append((await active.ask("NETVER"))[0])
                await asyncio.sleep(0.1)

        talker = asyncio.create_task(keep_talking())
        assert (await idle.line()).startswith("ERR TIMEOUT")
        assert await idle.closed_by_server()
        # Talk on for longer than the idle period after the idle client was dropped.
        await asyncio.sleep(0.7)
        done.set()
        await talker
        assert answers and set(answers) == {"1.3"}
        assert srv.status()["sessions"] == 1
        active.close()
        await srv.stop()
    run(main())


def test_stale_data_over_tcp():
    async def main():
        srv, _ = _server()
        srv.ctx.state.mark_stale()
        port = await srv.start()
        c = await Client.open(port)
        assert await c.ask("GET VAR ups ups.status") == ["ERR DATA-STALE"]
        c.close()
        await srv.stop()
    run(main())


def test_card_admin_account_and_its_password_change():
    async def main():
        card = _card()
        board = card.board
        await card.start()
        port = _port(card)

        async def login(password):
            c = await Client.open(port)
            await c.ask("USERNAME admin")
            await c.ask("PASSWORD " + password)
            reply = await c.ask("PRIMARY ups")
            c.close()
            return reply

        # The simulated board's first-access password (the last 6 characters of its MAC) is
        # known to anyone on the LAN: it opens nothing over NUT, and says why.
        assert board.first_password == "4E4D43"
        refused = await login("4E4D43")
        assert refused[0].startswith("ERR ACCESS-DENIED the admin password is still the "
                                     "first-access one"), refused
        assert card.bus.recent[-1]["code"] == "login.refused"
        assert await login("wrong") == ["ERR ACCESS-DENIED wrong user name or password"]
        card.config.update({"auth.admin_password": "Another#Admin#Pw1"})
        await card.settled()
        assert (await login("4E4D43"))[0].startswith("ERR ACCESS-DENIED")
        assert await login("Another#Admin#Pw1") == ["OK PRIMARY-GRANTED"]
        await card.stop()
    run(main())
