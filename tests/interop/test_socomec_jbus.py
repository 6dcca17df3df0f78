"""NUT's socomec_jbus driver (a third party) reads the simulated NETYS RT at 9600 baud over the pseudo-terminal."""

import os
import subprocess
import time

import pytest

from tests.conftest import require_tool
from tests.simharness import start_sim


def dump(driver: str, link: str, statepath: str) -> dict[str, str]:
    """One poll with `-d 1`; the driver's dump as a dict."""
    env = dict(os.environ, NUT_STATEPATH=statepath)
    proc = subprocess.run([driver, "-s", "simups", "-x", "port=" + link, "-d", "1", "-u", "root"],
                          capture_output=True, text=True, timeout=60, env=env)
    values = {}
    for line in proc.stdout.splitlines():
        key, sep, value = line.partition(": ")
        if sep and "." in key and " " not in key:
            values[key] = value.strip()
    assert "ups.status" in values, f"driver exit {proc.returncode}: {proc.stdout}\n{proc.stderr}"
    return values


@pytest.fixture
def driver():
    return require_tool("socomec_jbus")


def test_driver_reads_the_simulated_state(driver, tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=9600) as sim:
        sim.set(load=47, battery_charge=83, input_voltage=230, ambient_temperature=27)
        values = dump(driver, sim.link, str(tmp_path))
        phys = sim.state()["physics"]
        assert values["ups.status"] == "OL"
        assert int(values["battery.charge"]) == round(phys["battery_charge"])
        assert int(values["ups.load"]) == round(phys["load"])
        assert int(values["output.voltage"]) == round(phys["output_voltage"])
        assert int(values["input.voltage"]) == round(phys["input_voltage"])
        assert int(values["output.frequency"]) == int(phys["output_frequency"])
        assert int(values["input.bypass.frequency"]) == int(phys["input_frequency"])
        assert float(values["battery.voltage"]) == pytest.approx(phys["battery_voltage"], abs=0.1)
        assert int(values["ambient.1.temperature"]) == 27
        assert values["input.phases"] == "1", "L2/L3 load read as not managed"
        assert values["device.serial"] == "NRT3000A01"
        assert int(values["ups.power"]) == 3000
        assert values["ups.date"] == time.strftime("%Y/%m/%d", time.gmtime(sim.state()["clock"]))


def test_driver_sees_mains_failure_and_low_battery(driver, tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=9600) as sim:
        sim.set(load=30, battery_charge=90)
        sim.scenario("mains-failure")
        values = dump(driver, sim.link, str(tmp_path))
        phys = sim.state()["physics"]
        tokens = values["ups.status"].split()
        assert "OB" in tokens and "OL" not in tokens and "LB" not in tokens, tokens
        assert "ALARM" in tokens and "General Alarm" in values.get("ups.alarm", ""), values
        assert abs(int(values["battery.runtime"]) - phys["battery_runtime_min"]) <= 1
        # NETYS does not manage M24 (battery current): 0xFFFF, which this driver prints raw / 10
        assert float(values["battery.current"]) == 6553.5
        sim.set(battery_charge=10)
        values = dump(driver, sim.link, str(tmp_path))
        assert "LB" in values["ups.status"].split(), values["battery.runtime"]
        sim.scenario("mains-return")
        values = dump(driver, sim.link, str(tmp_path))
        assert values["ups.status"] == "OL"
