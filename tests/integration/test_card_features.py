"""The running card as a set of features: a bad setting or a feature that cannot start stops
nothing else, and every setting takes effect on the running card.

Each test runs the real firmware process (tests/cardharness.py), most against the simulator, and
drives it through the real `opennmc` command line.
"""

from __future__ import annotations

import json
import socket
import time

import pytest

from firmware.card import features
from firmware.settings import store
from tests.cardcli import cli, cli_json, cli_ok, events, texts, wait_until
from tests.cardharness import start_card
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(240)
SCHEMA = features.schema()


def nut_answers(port: int) -> bool:
    """True when a NUT server on 127.0.0.1:port answers VER."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"VER\n")
            return bool(s.recv(256))
    except OSError:
        return False


def feature(card, name: str) -> dict:
    return card.status()["card"]["features"][name]


def fresh_ups(card) -> dict:
    return card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")


def test_a_nut_port_in_use_stops_nothing_else_and_is_retried(tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link, sets=["nut.port=%d" % port]) as card:
        assert card.nut_port is None                      # ready, without its NUT server
        assert "address already in use" in feature(card, "nut")["error"]
        fresh_ups(card)                                   # the poller runs all the same
        assert feature(card, "logs")["running"] and feature(card, "admin")["running"]
        failed = [e for e in events(card) if e["code"] == "feature.failed"]
        assert failed[0]["text"].startswith("NUT server not running: ")
        taken.close()
        wait_until(lambda: feature(card, "nut")["running"], "the NUT server retried", 60)
        assert nut_answers(port)
        assert "NUT server running again" in texts(card)
        assert len([e for e in events(card) if e["code"] == "feature.failed"]) == 1


def test_an_address_that_does_not_resolve_stops_nothing_else(tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link, sets=["nut.bind=no-such-host.invalid"]) as card:
        assert card.nut_port is None and feature(card, "nut")["error"]
        fresh_ups(card)
        out = cli(card, "config", "set", "nut.bind=127.0.0.1")   # applied at once, not retried
        assert out.returncode == 0, out.stderr
        status = card.wait_for(lambda s: s["card"]["features"]["nut"]["running"],
                               what="NUT server on the new address")
        assert nut_answers(status["nut"]["port"])


BAD_STORED = {
    "poll.rate": -5,                                  # below its bound
    "serial.baud": "4800",                            # not a choice
    "time.ntp_server": "pool.ntp.org:99999",          # the row's own check
    "poll.commands": ["garbage"],                     # an item of a list
    "nut.users": ["bob:plain"],                       # an account without a role
    "auth.admin_password": "$pbkdf2-sha256$2000$zz$00",   # a damaged hash
    "time.zone": "x",                                 # hours
    "nut.enabled": "maybe",                           # on/off
    "system.name": 123,                               # not text
    "log.records": 5,                                 # below its bound
}


def test_each_kind_of_bad_stored_value_starts_from_the_default(tmp_path):
    data = tmp_path / "card"
    data.mkdir()
    good = {"system.location": "Hall A", "nut.port": 0, "nut.bind": "127.0.0.1"}
    (data / "config.json").write_text(store.render(dict(BAD_STORED, **good)))
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link, data_dir=data) as card:
        status = fresh_ups(card)
        assert sorted(status["config"]["rejected"]) == sorted(BAD_STORED)
        assert all(f["running"] for f in status["card"]["features"].values()), status["card"]
        assert nut_answers(card.nut_port)
        values = cli_json(card, "config", "get")
        assert values["system.location"] == "Hall A"          # the good values are kept
        assert (values["poll.rate"], values["serial.baud"], values["time.ntp_server"],
                values["nut.enabled"], values["log.records"]) == (2, "auto", "", True, 2048)
        refused = [e["text"] for e in events(card) if e["code"] == "setting.rejected"]
        labels = sorted(SCHEMA.label(key) for key in BAD_STORED)
        assert sorted(t.split(" stored value refused")[0] for t in refused) == labels
        assert "Polling Rate stored value refused (must be between 0 and 3600): default used" \
            in refused
        assert any(t.startswith("NTP Server stored value refused (port") for t in refused)


def cycles(card) -> int:
    return card.status()["poller"]["counters"]["cycles"]


def test_settings_take_effect_on_the_running_card(tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link, sets=["poll.rate=60"]) as card:
        fresh_ups(card)
        # poll.rate: from one poll a minute to back-to-back, and back, without a restart.
        before = cycles(card)
        cli_ok(card, "config", "set", "poll.rate=0")
        wait_until(lambda: cycles(card) >= before + 20, "back-to-back polling")
        cli_ok(card, "config", "set", "poll.rate=60")
        settled = cycles(card) + 1        # at most the cycle running when the change came
        time.sleep(3)                     # a window in which a 60 s rate polls no more
        assert cycles(card) <= settled
        assert card.status()["poller"]["rate_s"] == 60

        # NUT limits and on/off.
        port = card.nut_port
        cli_ok(card, "config", "set", "nut.max_clients=1")
        with socket.create_connection(("127.0.0.1", port), timeout=5) as first:
            first.sendall(b"VER\n")
            assert first.recv(256)
            # Full at one: a newcomer takes the place of the stranger that has not logged in.
            with socket.create_connection(("127.0.0.1", port), timeout=5) as second:
                assert first.recv(256).startswith(b"ERR ACCESS-DENIED server full")
                second.sendall(b"VER\n")
                assert second.recv(256)
        assert card.status()["nut"]["port"] == port       # the same server, not a restart
        cli_ok(card, "config", "set", "nut.enabled=off")
        assert not nut_answers(port) and card.status()["card"]["endpoints"].get("nut") is None
        cli_ok(card, "config", "set", "nut.enabled=on")
        port = card.status()["nut"]["port"]
        assert nut_answers(port)

        # Log intervals and size.
        cli_ok(card, "config", "set", "log.history_interval=5", "log.records=64")
        logged = texts(card)
        assert "History log interval changed" in logged
        assert card.status()["logs"]["samplers"]["history"]["interval"] == 5
        assert {row["capacity"] for row in cli_json(card, "logs", "list")} == {64}


def test_refused_changes_name_the_field_and_change_nothing(tmp_path):
    with start_card(tmp_path) as card:
        logged = len(events(card))
        for bad in ("time.ntp_server=a/b%c", "time.ntp_server=pool.ntp.org:99999",
                    "poll.commands=garbage", "nut.bind=a b"):
            out = cli(card, "config", "set", bad)
            assert out.returncode == 2, (bad, out.stdout, out.stderr)
            assert bad.split("=")[0] in out.stderr and "internal error" not in out.stderr
        assert cli_json(card, "config", "get", "time.ntp_server")["time.ntp_server"] == ""
        assert len(events(card)) == logged
        # A backup holding such a value is refused whole.
        backup = tmp_path / "backup.json"
        cli_ok(card, "config", "backup", str(backup))
        header, settings = store.parse(backup.read_text())
        settings.update({"time.ntp_server": "a/b%c", "system.name": "Changed"})
        backup.write_text(store.render(settings, {k: v for k, v in header.items()
                                                  if k != "checksum"}))
        out = cli(card, "config", "restore", str(backup))
        assert out.returncode == 2 and "time.ntp_server" in out.stderr
        assert cli_json(card, "config", "get", "system.name")["system.name"] == "opennmc"
        saved = json.loads((card.data_dir / "config.json").read_text())["settings"]
        assert saved["system.name"] == "opennmc"
