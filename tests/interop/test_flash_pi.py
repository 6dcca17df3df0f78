"""./flash.sh pi: its --dry-run tree checked by systemd-analyze, and a real install over OpenSSH.

The SSH target is a real OpenSSH server on a loopback port with a throwaway host key and client
key, installing into a scratch root (--root: files only, no user, no systemctl); the card
installed there is then started from that tree, with its own venv, against the UPS simulator.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.procs import stop_process
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(300)
ROOT = Path(__file__).resolve().parents[2]
FLASH = str(ROOT / "flash.sh")
SYSTEMD_UNITS = Path("/usr/lib/systemd/system")


def test_the_dry_run_tree_and_its_unit(tmp_path):
    analyze = require_tool("systemd-analyze")
    tree = tmp_path / "tree"
    out = subprocess.run([FLASH, "pi", "--dry-run", str(tree), "--serial",
                          "/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_A10K-if00-port0"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    files = sorted(str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file())
    for expected in ("etc/systemd/system/opennmc.service", "etc/opennmc/board.toml",
                     "opt/opennmc/bin/opennmc", "opt/opennmc/bin/opennmc-boot",
                     "opt/opennmc/install.sh", "opt/opennmc/requirements.txt",
                     "opt/opennmc/releases/0.1.0/VERSION",
                     "opt/opennmc/releases/0.1.0/firmware/__main__.py",
                     "opt/opennmc/releases/0.1.0/board/rpi/board.toml"):
        assert expected in files
    assert not any("__pycache__" in f for f in files)
    assert (tree / "var/lib/opennmc").is_dir()
    assert "usb-FTDI_FT232R_USB_UART_A10K-if00-port0" in \
        (tree / "etc/opennmc/board.toml").read_text()
    # systemd-analyze verify in a root of its own: the tree, systemd's own units, and an
    # executable where the venv's Python will be (the installer builds the venv on the Pi).
    verify_root = tmp_path / "verify"
    shutil.copytree(tree, verify_root, symlinks=True)
    shutil.copytree(SYSTEMD_UNITS, verify_root / "usr/lib/systemd/system", symlinks=True)
    os.symlink("usr/lib", verify_root / "lib")
    python = verify_root / "opt/opennmc/venv/bin/python"
    python.parent.mkdir(parents=True)
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    unit = verify_root / "etc/systemd/system/opennmc.service"
    out = subprocess.run([analyze, "verify", "--root", str(verify_root), str(unit)],
                         capture_output=True, text=True, timeout=60)
    # verify exits 0 on settings it ignores: any word from it is a defect.
    assert (out.returncode, out.stdout, out.stderr) == (0, "", "")
    broken = unit.read_text().replace("ProtectSystem=strict", "ProtectSystem=stricter")
    unit.write_text(broken)
    out = subprocess.run([analyze, "verify", "--root", str(verify_root), str(unit)],
                         capture_output=True, text=True, timeout=60)
    assert "protect system value" in out.stderr          # the check does read the unit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_sshd(folder: Path) -> tuple[subprocess.Popen, int, Path]:
    sshd = require_tool("sshd")
    keygen = require_tool("ssh-keygen")
    folder.mkdir()
    for name in ("host", "client"):
        subprocess.run([keygen, "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)],
                       check=True)
    (folder / "authorized_keys").write_text((folder / "client.pub").read_text())
    port = free_port()
    config = folder / "sshd_config"
    config.write_text("\n".join([
        "ListenAddress 127.0.0.1", "Port %d" % port, "HostKey %s" % (folder / "host"),
        "PidFile %s" % (folder / "sshd.pid"), "AuthorizedKeysFile %s" % (folder / "authorized_keys"),
        "PermitRootLogin prohibit-password", "PasswordAuthentication no",
        "KbdInteractiveAuthentication no", "UsePAM no", "StrictModes no", "LogLevel ERROR", ""]))
    os.makedirs("/run/sshd", exist_ok=True)           # its privilege separation folder
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE,
                            text=True)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc, port, folder / "client"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("sshd did not listen: " + proc.stderr.read())


def flash(port: int, key: Path, root: Path, serial: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [FLASH, "pi", "%s@127.0.0.1" % os.environ.get("USER", "root"), "--port", str(port),
         "--identity", str(key), "--ssh-option", "StrictHostKeyChecking=no",
         "--ssh-option", "UserKnownHostsFile=/dev/null", "--ssh-option", "LogLevel=ERROR",
         "--root", str(root), "--serial", serial],
        capture_output=True, text=True, timeout=600)


def test_flash_over_ssh_then_the_installed_card_runs(tmp_path):
    require_tool("ssh")
    if os.geteuid() != 0:
        pytest.skip("the loopback SSH target logs in as this user: needs root for sshd")
    sshd, port, key = start_sshd(tmp_path / "ssh")
    root = tmp_path / "pi"
    try:
        with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
            out = flash(port, key, root, sim.link)
            assert out.returncode == 0, out.stdout + out.stderr
            assert "installed under %s (files only" % root in out.stdout
            base = root / "opt/opennmc"
            assert os.readlink(base / "current") == "releases/0.1.0"
            assert (base / "venv/requirements.txt").read_text() == \
                (ROOT / "board/rpi/requirements.txt").read_text()
            card = start_installed(root, [])
            try:
                status = wait_status(root, card, lambda s: not s["ups"]["stale"], "UPS data")
                assert status["board"]["name"] == "rpi"
                assert status["board"]["serial_device"] == sim.link
                assert status["card"]["features"]["panel"]["running"]   # gpiozero mock pins
                assert status["panel"]["mode"] in ("diagnostic", "communicating")
                assert installed(root, "config", "set", "system.name=Pi card").returncode == 0
                # The installed command finds its card by itself (data folder, board file).
                bare = {k: v for k, v in os.environ.items() if not k.startswith("OPENNMC_")}
                out = subprocess.run([str(root / "opt/opennmc/bin/opennmc"), "status"],
                                     capture_output=True, text=True, timeout=30, env=bare,
                                     cwd="/")
                assert json.loads(out.stdout)["board"]["name"] == "rpi", out.stderr
            finally:
                stop_process(card)
            # Flashing again upgrades in place: the data stays, the venv is not rebuilt.
            venv_id = (base / "venv").stat().st_ino
            out = flash(port, key, root, sim.link)
            assert out.returncode == 0, out.stdout + out.stderr
            assert "building the Python environment" not in out.stdout
            assert (base / "venv").stat().st_ino == venv_id
            config = json.loads((root / "var/lib/opennmc/config.json").read_text())
            assert config["settings"]["system.name"] == "Pi card"
    finally:
        stop_process(sshd)


def installed_env(root: Path) -> dict:
    return dict(os.environ, OPENNMC_BOARD_FILE=str(root / "etc/opennmc/board.toml"),
                GPIOZERO_PIN_FACTORY="mock", PYTHONUNBUFFERED="1")


def installed(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(root / "opt/opennmc/bin/opennmc"), *args, "--data-dir",
                           str(root / "var/lib/opennmc")], capture_output=True, text=True,
                          timeout=30, env=installed_env(root), cwd="/")


def start_installed(root: Path, sets: list[str]) -> subprocess.Popen:
    """The installed card as the unit starts it, on loopback ports of its own."""
    cmd = [str(root / "opt/opennmc/bin/opennmc"), "run", "--board", "rpi",
           "--data-dir", str(root / "var/lib/opennmc")]
    for key in ("nut", "ssh", "snmp", "http", "https"):
        cmd += ["--set", "%s.port=0" % key]
    for key in ("nut", "ssh", "snmp", "http"):
        cmd += ["--set", "%s.bind=127.0.0.1" % key]
    proc = subprocess.Popen(cmd + sets, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env=installed_env(root), cwd="/")
    return proc


def wait_status(root: Path, card: subprocess.Popen, predicate, what: str,
                timeout: float = 60) -> dict:
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        if card.poll() is not None:
            raise AssertionError("the installed card ended: " + card.stdout.read())
        out = installed(root, "status")
        if out.returncode == 0:
            last = json.loads(out.stdout)
            if predicate(last):
                return last
        time.sleep(0.3)
    raise AssertionError("installed card: %s not reached; last: %s" % (what, str(last)[:1500]))
