"""A UPS (or a line) answering valid frames full of nonsense: nothing absurd is published, the
card says so once, and detection refuses an identification that is "not managed" everywhere."""

from __future__ import annotations

import json

import pytest

from tests.cardcli import texts, wait_until
from tests.cardharness import ROOT, start_card
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(180)


def values(card) -> dict:
    return card.status()["ups"]["values"]


@pytest.mark.parametrize("word", [0xFFFE, 0x7FFF, 0x8000])
def test_nonsense_values_are_left_out_and_logged_once(tmp_path, word):
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim, \
            start_card(tmp_path, serial=sim.link, sets=["poll.rate=0"]) as card:
        card.wait_for(lambda s: not s["ups"]["stale"], what="the first UPS data")
        assert 0 <= values(card)["battery.charge"] <= 100
        sim.fault(nonsense=word)
        shown = card.wait_for(lambda s: s["poller"]["implausible"]["in_a_row"] >= 5,
                              what="cycles of nonsense")["ups"]["values"]
        for name in ("battery.charge", "input.voltage", "battery.runtime", "ups.load",
                     "ambient.temperature", "output.voltage"):
            assert name not in shown or -40 <= shown[name] <= 1000, (name, shown[name])
        assert "battery.charge" not in shown
        logged = [t for t in texts(card) if t.startswith("UPS answers implausible values")]
        assert len(logged) == 1, logged
        sim.fault()
        wait_until(lambda: "UPS values plausible again" in texts(card), "values back")
        assert 0 <= card.wait_for(lambda s: "battery.charge" in s["ups"]["values"],
                                  what="the charge again")["ups"]["values"]["battery.charge"] <= 100


def test_detection_refuses_an_identification_of_0xffff(tmp_path):
    import subprocess
    import sys
    with start_sim(tmp_path, profile="masterys-33", baud=19200) as sim:
        sim.fault(nonsense=0xFFFF)
        out = subprocess.run([sys.executable, "-m", "firmware", "detect", "--serial", sim.link,
                              "--set", "serial.baud=19200"], capture_output=True, text=True,
                             timeout=120, cwd=ROOT)
    assert out.returncode == 1, out
    found = json.loads(out.stdout)
    assert found["found"] is False and "identification answers no type" in found["error"]
