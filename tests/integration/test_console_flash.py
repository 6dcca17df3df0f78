"""./flash.sh sim prints where the configuration console is, and it is there: SSH and the serial
console's pseudo-terminal answer at the addresses of the banner."""

import os
import re
import signal
import subprocess
import threading
import tty

from pexpect import fdpexpect

from tests.cardharness import ROOT
from tests.consoleterm import PROMPT, screen_of, ssh_login

DEADLINE_S = 240.0   # a first run may have to install the project into .venv


def test_the_banner_names_the_ssh_and_serial_consoles(tmp_path):
    data = tmp_path / "sim-data"
    proc = subprocess.Popen(
        [str(ROOT / "flash.sh"), "sim", "--data-dir", str(data), "--baud", "57600",
         "--control", "127.0.0.1:0", "--nut-port", "0", "--ssh-port", "0"],
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
        ssh = re.search(r"SSH console\s+(127\.0\.0\.1:(\d+))\s+try: ssh -p (\d+) admin@127",
                        text)
        assert ssh and ssh.group(2) == ssh.group(3), text
        console = re.search(r"serial console\s+(\S+)\n\s+try: \.venv/bin/pyserial-miniterm "
                            r"--raw --eol CR (\S+)", text)
        assert console and console.group(1) == str(data / "console.tty"), text

        term = ssh_login(ssh.group(1), "admin", "4E4D43")   # the board's first-access password
        term.expect(PROMPT)
        assert "First access" in screen_of(term)
        term.close()
        fd = os.open(console.group(1), os.O_RDWR | os.O_NOCTTY)
        tty.setraw(fd)
        serial = fdpexpect.fdspawn(fd, encoding="utf-8", timeout=30)
        os.write(fd, b"\r")
        serial.expect("login as: ")
        os.close(fd)

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 0, "".join(lines)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert not os.path.lexists(data / "console.tty")
