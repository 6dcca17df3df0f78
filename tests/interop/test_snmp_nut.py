"""NUT's snmp-ups driver reads the card's SNMP agent (mibs=ietf, mibs=netvision and auto): its
status, charge, runtime and voltages equal the simulator's state as the card decodes it."""

import os
import subprocess

import pytest

from tests.cardharness import start_card
from tests.conftest import require_tool
from tests.simharness import start_sim


def snmp_ups():
    for folder in ("/lib/nut", "/usr/lib/nut"):
        path = os.path.join(folder, "snmp-ups")
        if os.access(path, os.X_OK):
            return path
    return require_tool("snmp-ups")


def dump(tmp_path, address, mibs):
    """The variables snmp-ups publishes after one poll (-d 1), as {name: value}."""
    state = tmp_path / ("nut-" + mibs)
    state.mkdir(exist_ok=True)
    env = dict(os.environ, NUT_STATEPATH=str(state), MIBS="")
    out = subprocess.run([snmp_ups(), "-s", "card", "-x", "port=" + address, "-x", "mibs=" + mibs,
                          "-x", "snmp_version=v2c", "-x", "community=public", "-d", "1",
                          "-u", "root"], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, (out.stdout, out.stderr)
    values = {}
    for line in out.stdout.splitlines():
        if ": " in line:
            name, value = line.split(": ", 1)
            values[name.strip()] = value.strip()
    assert "ups.status" in values, (out.stdout, out.stderr)
    return values


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("nut-snmp")
    with start_sim(tmp, profile="netys-rt", baud=57600) as sim:
        with start_card(tmp, serial=sim.link, sets=["snmp.port=0", "snmp.bind=127.0.0.1",
                                                    "poll.rate=1"]) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="the first UPS data")
            yield tmp, sim, card, card.ready["snmp"]


def wait_status(card, words):
    return card.wait_for(lambda s: set(words) <= set(s["ups"]["values"].get(
        "ups.status", "").split()), what="ups.status " + " ".join(words))["ups"]["values"]


@pytest.mark.parametrize("mibs", ["ietf", "netvision", "auto"])
def test_on_line_values_equal_the_card_and_the_simulator(chain, mibs):
    tmp, sim, card, address = chain
    sim.scenario("normal")
    values = wait_status(card, ["OL"])
    got = dump(tmp, address, mibs)
    assert got["ups.status"].split()[0] == "OL", got
    assert float(got["battery.charge"]) == round(values["battery.charge"])
    assert abs(float(got["output.voltage"]) - values["output.voltage"]) < 1
    assert abs(float(got["input.voltage"]) - values["input.voltage"]) < 1
    physics = sim.state()["physics"]
    assert abs(float(got["battery.charge"]) - physics["battery_charge"]) <= 1
    expected = {"ietf": "ietf MIB", "netvision": "netvision MIB", "auto": "netvision MIB"}
    # mibs=auto: the card's sysObjectID names the NET VISION MIB.
    assert got["driver.version.data"].startswith(expected[mibs]), got["driver.version.data"]


def test_on_battery_and_low_battery(chain):
    tmp, sim, card, address = chain
    sim.scenario("mains-failure")
    values = wait_status(card, ["OB"])
    for mibs in ("ietf", "netvision"):
        got = dump(tmp, address, mibs)
        assert "OB" in got["ups.status"].split(), (mibs, got["ups.status"])
        assert float(got["battery.runtime"]) == round(values["battery.runtime"] / 60) * 60
    sim.scenario("low-battery")
    wait_status(card, ["OB", "LB"])
    for mibs in ("ietf", "netvision"):
        got = dump(tmp, address, mibs)
        assert {"OB", "LB"} <= set(got["ups.status"].split()), (mibs, got["ups.status"])
    sim.scenario("normal")
    wait_status(card, ["OL"])
