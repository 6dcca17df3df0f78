"""Signed firmware upgrades on an installed card (firmware/upgrade/): a good package, each bad
one, and a new version that crashes at start, rolled back.

The card is installed under a scratch root as ./flash.sh pi lays it out (tools/flash/pi_tree.py,
with this test environment's Python as the venv) and runs under a small supervisor doing what
systemd does with the unit: the boot guard (opennmc-boot check) before each start, a restart
when the card ends. Packages are signed with a test key; the real release key's private half is
not here, so the `opennmc upgrade` command itself is shown refusing them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from firmware.upgrade import install, package, slots
from tools.flash.pi_tree import write_tree
from tools.flash.release import release_tree
from tools.package import public_hex

pytestmark = pytest.mark.timeout(240)
TEST_KEY = Ed25519PrivateKey.generate()
KEYS = [public_hex(TEST_KEY)]
ROOT_DIR = Path(__file__).resolve().parents[2]


def build(version: str, crash: bool = False, key=TEST_KEY) -> bytes:
    tree = release_tree()
    init = tree["firmware/__init__.py"].decode()
    tree["firmware/__init__.py"] = init.replace('VERSION = "0.1.0"',
                                                'VERSION = "%s"' % version).encode()
    tree["VERSION"] = (version + "\n").encode()
    if crash:
        tree["firmware/__main__.py"] = b'raise SystemExit("this release cannot start")\n'
    return package.build(tree, version, key)


class Supervisor:
    """What systemd does with the unit: boot guard, start, restart when the card ends."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "var/lib/opennmc"
        self.pidfile = root / "card.pid"
        self.starts = 0
        self.log = []
        self.stopping = False
        self.proc = None
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        base = self.root / "opt/opennmc"
        while not self.stopping:
            subprocess.run([str(base / "venv/bin/python"), str(base / "bin/opennmc-boot"),
                            "check", "--root", str(self.root)], check=False)
            self.starts += 1
            self.proc = subprocess.Popen(
                [str(base / "bin/opennmc"), "run", "--board", "sim", "--serial",
                 str(self.root / "no-ups"), "--data-dir", str(self.data),
                 "--set", "nut.port=0", "--set", "ssh.port=0", "--set", "snmp.port=0",
                 "--set", "http.port=0", "--set", "https.port=0", "--set", "nut.bind=127.0.0.1",
                 "--set", "http.bind=127.0.0.1", "--set", "ssh.bind=127.0.0.1",
                 "--set", "snmp.bind=127.0.0.1"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.pidfile.write_text(str(self.proc.pid))
            for line in self.proc.stdout:
                self.log.append(line)
            self.proc.wait()
            time.sleep(0.2)                      # RestartSec

    def status(self) -> dict:
        out = subprocess.run([str(self.root / "opt/opennmc/bin/opennmc"), "status",
                              "--data-dir", str(self.data)], capture_output=True, text=True,
                             timeout=30)
        return json.loads(out.stdout) if out.returncode == 0 else {}

    def wait_version(self, version: str, timeout: float = 60) -> dict:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            st = self.status()
            if st.get("card", {}).get("version") == version:
                return st
            time.sleep(0.3)
        raise AssertionError("the card never ran %s; log: %s" % (version,
                                                                  "".join(self.log)[-3000:]))

    def texts(self) -> list[str]:
        out = subprocess.run([str(self.root / "opt/opennmc/bin/opennmc"), "logs", "show",
                              "card-events", "--per-page", "500", "--json",
                              "--data-dir", str(self.data)], capture_output=True, text=True,
                             timeout=30)
        return [r["text"] for r in json.loads(out.stdout)["records"]]

    def stop(self) -> None:
        self.stopping = True
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(15)
        self.thread.join(15)


@pytest.fixture
def card(tmp_path):
    root = tmp_path / "root"
    write_tree(str(root))
    base = root / "opt/opennmc"
    os.symlink(sys.prefix, base / "venv")       # this environment's Python and dependencies
    slots.link(str(root), "current", "0.1.0")
    sup = Supervisor(root)
    sup.thread.start()
    sup.wait_version("0.1.0")
    yield sup
    sup.stop()


def restart_command(sup: Supervisor) -> str:
    return "kill -TERM $(cat %s)" % sup.pidfile


def test_upgrades_good_bad_and_crashing(card, tmp_path):
    root = str(card.root)
    releases = sorted(os.listdir(card.root / "opt/opennmc/releases"))

    def refused(data: bytes, why: str, **kw) -> None:
        path = tmp_path / "bad.onmc"
        path.write_bytes(data)
        with pytest.raises(install.UpgradeRefused, match=why):
            install.upgrade(str(path), root=root, keys=KEYS, restart="false", **kw)
        assert sorted(os.listdir(card.root / "opt/opennmc/releases")) == releases
        assert slots.linked_version(root) == "0.1.0"

    good = build("0.2.0")
    refused(build("0.2.0", key=Ed25519PrivateKey.generate()), "signature does not match")
    refused(good[:-100], "truncated")
    refused(good[:-64] + bytes(64), "signature does not match")
    refused(b"PK\x03\x04 a zip file", "not an opennmc firmware package")
    refused(build("0.0.9"), "older than the running 0.1.0")
    refused(build("0.1.0"), "is the running one")

    # The real command, with the firmware's own release key: the test key is refused.
    (tmp_path / "good.onmc").write_bytes(good)
    out = subprocess.run([sys.executable, "-m", "firmware", "upgrade", str(tmp_path / "good.onmc"),
                          "--root", root], capture_output=True, text=True, cwd=ROOT_DIR)
    assert out.returncode == 2
    assert "refused, nothing changed: signature does not match" in out.stderr
    assert slots.linked_version(root) == "0.1.0"

    # A good package: installed beside, switched to, confirmed by the new release itself.
    assert install.upgrade(str(tmp_path / "good.onmc"), root=root, keys=KEYS,
                           restart=restart_command(card), timeout_s=60) == "0.2.0"
    assert (slots.linked_version(root), slots.linked_version(root, "previous")) == \
        ("0.2.0", "0.1.0")
    status = card.wait_version("0.2.0")
    assert status["service"]["upgrade"]["state"] == "confirmed"

    # A release that crashes at start: the boot guard rolls it back after three starts.
    (tmp_path / "crash.onmc").write_bytes(build("0.3.0", crash=True))
    with pytest.raises(install.UpgradeFailed, match="did not report healthy in 3 starts"):
        install.upgrade(str(tmp_path / "crash.onmc"), root=root, keys=KEYS,
                        restart=restart_command(card), timeout_s=60)
    assert slots.linked_version(root) == "0.2.0"
    card.wait_version("0.2.0")
    end = time.monotonic() + 20
    while time.monotonic() < end:
        texts = card.texts()
        if any(t.startswith("Firmware 0.3.0 rolled back") for t in texts):
            break
        time.sleep(0.3)
    assert "Firmware 0.3.0 rolled back to 0.2.0: did not report healthy in 3 starts" in texts
    assert "NET VISION UPS Agent Firmware upgrade: 0.1.0 -> 0.2.0" in texts
    assert "Firmware 0.2.0 installed beside 0.1.0: switching over" in texts
    assert any(t.startswith("Firmware package bad.onmc refused: truncated") for t in texts)
    assert "Firmware 0.3.0 installed beside 0.2.0: switching over" in texts
