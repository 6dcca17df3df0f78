"""The card clock on the running card: `opennmc time ...`, zone and DST from the configuration.

The card runs as its own process on the UPS simulator. Setting the time as a user logs "Time
changed by user" stamped with the new card time, `time show` follows time.zone/time.dst as soon as
they change, the UPS clock follows (Synchronise UPS, and Update Now), a real NTP server (chronyd)
brings the clock back ("Time changed by server"), and NTS on the simulated board, which does not
run chronyd, is reported instead of falling back to unauthenticated NTP.
"""

from __future__ import annotations

import time

import pytest

from firmware.clock.feature import NTS_UNMANAGED
from firmware.clock.calendar import epoch_of
from tests.cardcli import cli, cli_json, cli_ok, events, texts, wait_until
from tests.cardharness import start_card
from tests.integration.test_ntp import chronyd_server  # noqa: F401  (a real NTP server)
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(180)


def clock(card) -> dict:
    return cli_json(card, "time", "show")["clock"]


def test_user_time_zone_dst_and_the_ups_clock(tmp_path):
    with start_sim(tmp_path, profile="netys-rt") as sim, \
            start_card(tmp_path, serial=sim.link,
                       sets=["poll.rate=0", "time.zone=1", "time.dst=auto",
                             "time.sync_ups=on"]) as card:
        card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
        shown = clock(card)
        assert (shown["zone"], shown["dst"]) == ("GMT+01:00", "auto")

        out = cli_ok(card, "time", "set", "01/06/2030 14:00:00")
        assert "01/06/2030 14:00" in out
        shown = clock(card)
        assert shown["local"].startswith("01/06/2030 14:0") and shown["dst_active"], shown
        assert abs(shown["utc"] - epoch_of(2030, 6, 1, 12, 0, 0)) < 120, shown
        changed = [e for e in events(card) if e["text"] == "Time changed by user"]
        assert changed and changed[-1]["time_local"].startswith("01/06/2030 14:0"), changed
        # Synchronise UPS: the UPS is given the card's local wall-clock time.
        wait_until(lambda: abs(sim.state()["clock"] - epoch_of(2030, 6, 1, 14, 0, 0)) < 120,
                   "UPS clock written after the change")

        # Zone and DST changes apply at once, to the display and to the logs' local times.
        cli_ok(card, "config", "set", "time.dst=off")
        shown = clock(card)
        assert shown["local"].startswith("01/06/2030 13:0") and not shown["dst_active"], shown
        cli_ok(card, "config", "set", "time.zone=-5:30")
        assert clock(card)["zone"] == "GMT-05:30"
        assert "Time Zone has been changed via console by" in texts(card)[-1]
        assert "GMT-05:30" in cli_ok(card, "time", "show")

        # Update Now with Synchronise UPS off.
        cli_ok(card, "config", "set", "time.sync_ups=off", "time.zone=0")
        cli_ok(card, "time", "browser", str(epoch_of(2031, 1, 15, 8, 0, 0) * 1000))
        assert clock(card)["local"].startswith("15/01/2031 08:0")
        assert abs(sim.state()["clock"] - epoch_of(2030, 6, 1, 14, 0, 0)) < 600, \
            "UPS clock written with Synchronise UPS off"
        assert "15/01/2031 08:0" in cli_ok(card, "time", "update-ups")
        assert abs(sim.state()["clock"] - epoch_of(2031, 1, 15, 8, 0, 0)) < 120


def test_bad_times_are_refused_and_change_nothing(tmp_path):
    with start_card(tmp_path) as card:
        before = clock(card)["last_change"]
        for args in (("set", "31/02/2030 10:00:00"), ("set", "tomorrow"),
                     ("set", "01/06/1999 10:00:00"), ("set", "01/13/2030 10:00"),
                     ("browser", "0"), ("browser", "99999999999999")):
            out = cli(card, "time", *args)
            assert out.returncode == 2, (args, out)
            assert out.stderr.startswith("opennmc: "), out.stderr
        assert clock(card)["last_change"] == before
        assert "Time changed by user" not in texts(card)
        # Without a UPS link "Update Now" cannot work: a failure (exit 1), not bad input.
        out = cli(card, "time", "update-ups")
        assert out.returncode == 1 and "UPS clock not written" in out.stderr, out


def test_ntp_server_sets_the_card_clock(tmp_path, chronyd_server):  # noqa: F811
    port, _proc = chronyd_server
    with start_card(tmp_path, sets=["time.ntp_server=127.0.0.1:%d" % port]) as card:
        cli_ok(card, "time", "set", "01/06/2030 14:00:00")
        # chronyd needs a moment before it answers: retry the real command until it works.
        wait_until(lambda: cli(card, "time", "ntp-sync").returncode == 0,
                   "chronyd answering the card", timeout=60, every=1.0)
        assert abs(clock(card)["utc"] - time.time()) < 5
        assert "Time changed by server" in texts(card)
        assert cli_json(card, "time", "show")["sync"]["last_error"] is None


def test_nts_on_a_board_without_chronyd_is_reported(tmp_path):
    with start_card(tmp_path, sets=["time.ntp_server=127.0.0.1:1"]) as card:
        cli_ok(card, "config", "set", "time.nts=on")
        nts = cli_json(card, "time", "show")["nts"]
        assert nts == {"wanted": True, "managed_by_board": False, "error": NTS_UNMANAGED,
                       "chrony": None}
        assert texts(card)[-1] == "Ntp Time Server Connected Failed"
        out = cli(card, "time", "ntp-sync")
        assert out.returncode == 1 and "NTS is on" in out.stderr, out
