"""./flash.sh: the simulated board starts the simulator and the card, serves NUT, stops both cleanly."""

import os
import re
import signal
import socket
import subprocess
import threading
import time

from tests.cardharness import ROOT

DEADLINE_S = 240.0   # a first run may have to install the project into .venv


def _nut_ask(address, line):
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(line.encode() + b"\n")
        return s.makefile().readline().strip()


def test_other_boards_are_not_supported_yet():
    for board, arg in (("esp32", "/dev/ttyUSB0"),):
        out = subprocess.run([str(ROOT / "flash.sh"), board, arg], capture_output=True,
                             text=True, timeout=30)
        assert out.returncode == 2
        assert "not yet supported" in out.stderr


def test_unknown_option_is_refused(tmp_path):
    out = subprocess.run([str(ROOT / "flash.sh"), "sim", "--colour", "red"], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 2
    assert "unknown option --colour" in out.stderr


def test_sim_runs_the_card_on_the_simulator_and_stops_cleanly(tmp_path):
    data = tmp_path / "sim-data"
    proc = subprocess.Popen(
        [str(ROOT / "flash.sh"), "sim", "--data-dir", str(data), "--baud", "57600",
         "--control", "127.0.0.1:0", "--nut-port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
        start_new_session=True)
    lines = []
    banner = threading.Event()

    def pump():
        for line in proc.stdout:
            lines.append(line)
            if "Ctrl-C stops both" in line:
                banner.set()

    threading.Thread(target=pump, daemon=True).start()
    try:
        assert banner.wait(DEADLINE_S), "no banner:\n" + "".join(lines)
        text = "".join(lines)
        nut = re.search(r"NUT server\s+(\S+)", text).group(1)
        assert re.search(r"simulator control\s+http://127\.0\.0\.1:\d+", text), text
        assert "upsc ups@" in text
        # The web address and the board's first-access password (the MAC's last 6 characters).
        assert re.search(r"web interface\s+http://", text), text
        assert re.search(r"admin password\s+4E4D43 \(first access: MAC 02:00:00:4E:4D:43", text)
        end = time.monotonic() + 60
        reply = None
        while time.monotonic() < end:
            reply = _nut_ask(nut, "GET VAR ups ups.status")
            if reply.startswith("VAR "):
                break
            time.sleep(0.2)
        assert reply is not None and reply.startswith('VAR ups ups.status "OL'), reply
        assert (data / "ups.tty").exists() and (data / "opennmc.sock").exists()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0, "".join(lines)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert "flash.sh: stopped" in "".join(lines)
    # Both children ended: the card removed its status socket, the simulator its link.
    assert not (data / "opennmc.sock").exists()
    assert not (data / "ups.tty").exists()
    assert "opennmc stopped" in (data / "opennmc.log").read_text()
