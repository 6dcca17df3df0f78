"""Time from a real NTP server: chronyd serves NTP on a free localhost port and sets the card clock.

chronyd runs unprivileged-style here: in the foreground (-d), without touching the system clock
(-x), as a local stratum-8 server (`local stratum 8`), with its command port closed and its pid and
drift files under the test's tmp_path. A second chronyd, with a Unix command socket in tmp_path,
checks that the NTS source file the card writes is loaded by `chronyc reload sources`.
"""

import asyncio
import os
import socket
import subprocess
import time

import pytest

from firmware.card import features
from firmware.settings.schema import ConfigError

from firmware.clock.calendar import epoch_of
from firmware.clock.clock import Clock
from firmware.state.bus import EventBus
from firmware.clock.sntp import SntpClient, SntpError
from firmware.clock.timesync import TimeSync
from firmware.hal import chrony
from tests.conftest import require_tool
from tests.procs import stop_process

DEADLINE_S = 20.0


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what: str, deadline_s: float = DEADLINE_S):
    """Poll predicate() until it returns something true; fail with `what` at the deadline."""
    end = time.monotonic() + deadline_s
    last = None
    while time.monotonic() < end:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 - keep polling, report the last error
            last = exc
        time.sleep(0.1)
    pytest.fail(f"{what} not within {deadline_s} s (last error: {last!r})")


@pytest.fixture
def chronyd_server(tmp_path):
    """(port, process) of a chronyd answering NTP on 127.0.0.1:port."""
    exe = require_tool("chronyd")
    port = free_udp_port()
    conf = tmp_path / "server.conf"
    conf.write_text(f"port {port}\nbindaddress 127.0.0.1\nallow 127.0.0.1\nlocal stratum 8\n"
                    f"cmdport 0\npidfile {tmp_path}/chronyd.pid\n"
                    f"driftfile {tmp_path}/chrony.drift\n")
    log = open(tmp_path / "chronyd.log", "w")
    proc = subprocess.Popen([exe, "-x", "-d", "-u", "root", "-f", str(conf)],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        yield port, proc
    finally:
        stop_process(proc)
        log.close()


def _answers(port: int) -> bool:
    client = SntpClient(lambda: int(time.time() * 1000), timeout_ms=500)
    return asyncio.run(client.query("127.0.0.1", port)) is not None


def test_ntp_server_sets_the_card_clock(chronyd_server):
    port, proc = chronyd_server
    wait_for(lambda: _answers(port), "chronyd answering NTP")
    bus = EventBus()
    clock = Clock(zone=1, dst="auto", bus=bus, ip="127.0.0.1")
    clock.set_utc(time.time() + 3 * 3600, via="user")          # a wrong clock
    sync = TimeSync(clock, bus, server=f"127.0.0.1:{port}", period="hour")

    res = asyncio.run(sync.sync_now())

    assert res is not None, sync.last_error
    assert res["stratum"] == 8
    assert abs(res["offset_ms"] + 3 * 3600 * 1000) < 2000
    assert abs(clock.now() - time.time()) < 2, "card clock not within 2 s of the server"
    assert [e["code"] for e in bus.recent] == ["time.user", "time.server"]
    assert bus.recent[-1]["text"] == "127.0.0.1 Time changed by server"
    status = sync.status()
    assert status["last_error"] is None and status["stratum"] == 8

    # In sync now: a second exchange does not step the clock again (no new event).
    assert asyncio.run(sync.sync_now()) is not None
    assert len(bus.recent) == 2


def test_periodic_loop_syncs_at_start(chronyd_server):
    port, _proc = chronyd_server
    wait_for(lambda: _answers(port), "chronyd answering NTP")
    bus = EventBus()
    clock = Clock(bus=bus)
    clock.set_utc(epoch_of(2031, 1, 1), via="user")
    sync = TimeSync(clock, bus, server=f"127.0.0.1:{port}", period="day")

    async def main():
        task = asyncio.create_task(sync.run())
        try:
            end = time.monotonic() + DEADLINE_S
            while sync.last_sync is None and time.monotonic() < end:
                await asyncio.sleep(0.05)
        finally:
            task.cancel()

    asyncio.run(main())
    assert sync.last_sync is not None, f"no sync by the loop: {sync.last_error}"
    assert abs(clock.now() - time.time()) < 2
    assert 86000_000 < sync.next_delay_ms() <= 86400_000


def test_unreachable_server_gives_the_manual_event():
    bus = EventBus()
    clock = Clock(bus=bus)
    sync = TimeSync(clock, bus, client=SntpClient(clock.now_ms, timeout_ms=500),
                    server=f"127.0.0.1:{free_udp_port()}", period="hour")
    before = clock.offset_ms
    assert asyncio.run(sync.sync_now()) is None
    assert bus.recent[-1]["code"] == "ntp.failed"
    assert bus.recent[-1]["text"] == "Ntp Time Server Connected Failed"
    assert bus.recent[-1]["level"] == "W"
    assert sync.failures == 1 and sync.last_error
    assert clock.offset_ms == before


def test_bad_server_setting_is_refused():
    schema = features.schema()
    for key, bad in (("time.ntp_server", "bad host"), ("time.ntp_server", "x:70000"),
                     ("time.ntp_server", "-rf"), ("time.ntp_server", "a;b"),
                     ("time.ntp_server", "[::1"), ("time.ntp_period", "fortnight")):
        with pytest.raises(ConfigError):
            schema.check(key, bad)
    sync = TimeSync(Clock(), server="ntp.example.org", period="week")
    with pytest.raises(ValueError):
        sync.configure(server="x:70000")
    assert (sync.host, sync.port, sync.period) == ("ntp.example.org", 123, "week")


def test_sntp_rejects_a_reply_to_another_request(chronyd_server):
    """A reply whose origin is not our transmit time (here: a replayed one) is refused."""
    port, _proc = chronyd_server
    wait_for(lambda: _answers(port), "chronyd answering NTP")
    from firmware.clock import sntp
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        t1 = sntp.to_ntp_ms(int(time.time() * 1000))
        s.sendto(sntp.build_request(t1), ("127.0.0.1", port))
        data = s.recv(100)
    t4 = sntp.to_ntp_ms(int(time.time() * 1000))
    assert sntp.result(data, t1, t4)["stratum"] == 8
    with pytest.raises(SntpError):
        sntp.result(data, t1 + 1, t4)


# --- NTS through chronyd ------------------------------------------------------------------------

def test_rendered_config_is_accepted_by_chronyd(tmp_path):
    exe = require_tool("chronyd")
    conf = tmp_path / "chrony.conf"
    conf.write_text(chrony.render_config("time.cloudflare.com", str(tmp_path), nts=True,
                                         port=4123))
    done = subprocess.run([exe, "-p", "-f", str(conf)], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stderr
    assert "server time.cloudflare.com iburst nts port 4123" in done.stdout
    # The checker does refuse a broken line, so the check above means something.
    conf.write_text("server time.cloudflare.com iburst ntx\n")
    assert subprocess.run([exe, "-p", "-f", str(conf)], capture_output=True,
                          timeout=30).returncode != 0


def test_bad_host_writes_nothing(tmp_path):
    service = chrony.ChronyService(str(tmp_path), chronyc="/nonexistent/chronyc")
    for bad in ("a b", "x\nserver evil", "-h", "", "host;rm"):
        with pytest.raises(ValueError):
            service.apply(bad)
    assert os.listdir(tmp_path) == []


def test_apply_reloads_a_running_chronyd(tmp_path):
    exe = require_tool("chronyd")
    chronyc = require_tool("chronyc")
    sources = tmp_path / "sources.d"
    sources.mkdir()
    sock = tmp_path / "chronyd.sock"
    conf = tmp_path / "chrony.conf"
    conf.write_text(f"port 0\ncmdport 0\nbindcmdaddress {sock}\nsourcedir {sources}\n"
                    f"pidfile {tmp_path}/chronyd.pid\ndriftfile {tmp_path}/chrony.drift\n"
                    f"ntsdumpdir {tmp_path}\n")
    os.chmod(tmp_path, 0o700)       # chronyd refuses a command socket in a world-writable folder
    log = open(tmp_path / "chronyd.log", "w")
    proc = subprocess.Popen([exe, "-x", "-d", "-u", "root", "-f", str(conf)], stdout=log,
                            stderr=subprocess.STDOUT)
    try:
        wait_for(sock.exists, "chronyd command socket")
        service = chrony.ChronyService(str(sources), chronyc=chronyc, socket=str(sock))
        assert service.apply("127.0.0.2", nts=True) is True
        assert "127.0.0.2" in wait_for(lambda: "127.0.0.2" in service.sources()
                                       and service.sources(), "source loaded by chronyd")
        assert (sources / chrony.SOURCES_FILE).read_text().endswith("server 127.0.0.2 iburst nts\n")
        assert service.apply("127.0.0.2", nts=True) is False      # unchanged: no rewrite
        service.remove()
        wait_for(lambda: "127.0.0.2" not in service.sources(), "source withdrawn")
        assert service.status()["last_error"] is None
    finally:
        stop_process(proc)
        log.close()
