"""The simulator as a process: its `ctl` command line, commands with delays, clean stop, real-device mode."""

import json
import os
import signal
import subprocess
import sys
import time
import tty

import pytest
from pymodbus.client import ModbusSerialClient

from tools.upssim.registers import jbusp
from tests.simharness import ROOT, SimError, start_sim
from tools.upssim.wire import crc16
from tests.procs import stop_process


def ctl(sim, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tools.upssim.cli", "ctl", "--control",
                           sim.control_url, *args], capture_output=True, text=True, timeout=30,
                          cwd=str(ROOT), env=env)


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    with start_sim(tmp_path_factory.mktemp("ctl"), profile="netys-rt", baud=9600) as s:
        yield s


def test_ctl_state_set_scenario_fault(sim):
    out = ctl(sim, "set", "load=72", "mains=false")
    assert out.returncode == 0, out.stderr
    phys = json.loads(ctl(sim, "state").stdout)["physics"]
    assert phys["load"] == 72 and phys["mode"] == "battery"
    assert ctl(sim, "scenario", "normal").returncode == 0
    assert sim.state()["physics"]["mode"] == "online"
    assert ctl(sim, "fault", "crc_error_rate=0.25", "silence=true").returncode == 0
    assert sim.state()["line"]["faults"] == {"crc_error_rate": 0.25, "silence": True}
    assert ctl(sim, "fault", "clear").returncode == 0
    assert sim.state()["line"]["faults"] == {}
    bad = ctl(sim, "set", "volume=11")
    assert bad.returncode == 1 and "unknown setting" in bad.stderr
    bad = ctl(sim, "scenario", "meteor")
    assert bad.returncode == 1 and "unknown scenario" in bad.stderr


def test_delayed_load_off_and_return_on_mains(sim):
    sim.scenario("normal")
    c = ModbusSerialClient(port=sim.link, baudrate=9600, timeout=1.0, retries=0)
    assert c.connect()
    try:
        address, value = jbusp.COMMANDS["shutdown.return"]
        assert not c.write_register(address, value, device_id=1).isError()
        st = sim.state()
        assert st["physics"]["load_off_in_s"] > 0 and "shutdown.return" in st["commands_done"]
        assert "A31" in st["devices"]["1"]["alarms"], "imminent stop announced during the delay"
        sim.set(mains=False, accel=100)
        sim.wait_for(lambda s: s["physics"]["mode"] == "off", what="load off after the delay")
        sim.set(mains=True, accel=1)
        sim.wait_for(lambda s: s["physics"]["mode"] == "online", what="restart on mains return")
        address, value = jbusp.COMMANDS["experimental.ecomode.enable"]
        assert not c.write_register(address, value, device_id=1).isError()
        assert sim.state()["physics"]["mode"] == "eco"
    finally:
        c.close()
        sim.scenario("normal")


def test_forced_flags_and_announced_range_code(sim):
    """The two controls that let a test reach every row of the manual's lists."""
    sim.scenario("normal")
    assert ctl(sim, "flags", "S11", "A03").returncode == 0
    st = sim.state()
    device = st["devices"]["1"]
    assert (device["statuses"], device["alarms"], st["forced_flags"]) == (["S11"], ["A03"],
                                                                          ["A03", "S11"])
    words = sim.registers()
    assert words[0x1020] == 1 << 11 and words[0x1040] == 1 << 3, "S11 bit 11, A03 bit 3"
    bad = ctl(sim, "flags", "S99")
    assert bad.returncode == 1 and "not a jbusp status or alarm: S99" in bad.stderr
    assert ctl(sim, "flags", "clear").returncode == 0
    assert "S01" in sim.state()["devices"]["1"]["statuses"], "the physics drives them again"
    sim.request("POST", "/identity", {"range_code": 514})
    assert sim.registers()[0x1000] == 514
    assert sim.state()["devices"]["1"]["identity"]["range"] == "DELPHYS MP SINGLE UNIT"
    for body in ({"range_code": 999}, {"range_code": "31"}, {"code": 31}):
        with pytest.raises(SimError, match=" 400 "):
            sim.request("POST", "/identity", body)
    sim.request("POST", "/identity", {"range_code": None})
    assert sim.registers()[0x1000] == 31, "NETYS RT again"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_cleanly_and_removes_the_link(tmp_path, sig):
    s = start_sim(tmp_path, profile="netys-rt", baud=9600)
    assert os.path.islink(s.link)
    s.proc.send_signal(sig)
    assert s.proc.wait(20) == 0
    assert not os.path.lexists(s.link)


def test_real_device_mode_serves_a_given_tty(tmp_path):
    """--device: the simulator opens an existing serial port (here a pty we hold the master of)."""
    master, slave = os.openpty()
    tty.setraw(master)
    name = os.ttyname(slave)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "tools.upssim.cli", "--profile", "netys-rt",
                             "--baud", "9600", "--device", name, "--control", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=str(ROOT), env=env,
                            text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("upssim ready link=" + name), line + proc.stderr.read()
        request = bytes([1, 3, 0x10, 0x00, 0, 1])
        os.write(master, request + crc16(request))
        got, end = b"", time.monotonic() + 10
        os.set_blocking(master, False)
        while len(got) < 7 and time.monotonic() < end:
            try:
                got += os.read(master, 64)
            except BlockingIOError:
                time.sleep(0.005)
        assert got[:5] == bytes([1, 3, 2, 0, 31]) and crc16(got[:5]) == got[5:7], got.hex()
    finally:
        stop_process(proc, 20)
        os.close(master)
        os.close(slave)
