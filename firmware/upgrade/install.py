"""`opennmc upgrade FILE`: a signed package installed beside the running release, switched to,
and rolled back unless the new release reports healthy in time.

    1. verify: magic, length, Ed25519 signature (keys.py), digest; a version newer than the
       running one unless forced; the same pinned dependencies as the installed venv
    2. unpack into opt/opennmc/releases/<version> (beside the running release)
    3. state "trial" (slots.py), `previous` -> the running release, `current` -> the new one
    4. restart the service; wait until the new release confirms itself (state "confirmed"), or
       the boot guard rolls it back, or the time is up: then roll back here and restart again

Every refusal changes nothing but queueing its card event; every outcome is a card event
("fw.*" in the catalogue), logged by whichever release runs next.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from typing import Callable

from firmware.upgrade import package, slots
from firmware.upgrade.keys import RELEASE_KEYS

RESTART = "systemctl restart opennmc.service"
TIMEOUT_S = 180


class UpgradeRefused(Exception):
    """Refused before anything changed."""


class UpgradeFailed(Exception):
    """Installed but not healthy: rolled back."""


def _refuse(data_dir: str, path: str, why: str) -> UpgradeRefused:
    if os.path.isdir(data_dir):
        try:
            slots.add_event(data_dir, "refused", file=os.path.basename(path), why=why)
        except OSError:
            pass               # the refusal is still printed
    return UpgradeRefused(why)


def _restart(command: str) -> None:
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise OSError("%s: %s" % (command, (done.stderr or done.stdout).strip()))


def upgrade(path: str, root: str = "/", data_dir: str | None = None, keys=RELEASE_KEYS,
            force: bool = False, restart: str = RESTART, timeout_s: float = TIMEOUT_S,
            say: Callable[[str], None] = print) -> str:
    """Install the package at `path`; the new version once it runs healthily.

    UpgradeRefused: nothing changed. UpgradeFailed: it was installed and rolled back."""
    data_dir = data_dir or os.path.join(root, slots.DATA)
    running = slots.linked_version(root)
    if running is None:
        raise UpgradeRefused("no installed card under %s (install it with ./flash.sh pi)" % root)
    try:
        with open(path, "rb") as f:
            data = f.read(package.MAX_PACKAGE + 1)
        header, payload = package.verify(data, keys)
    except OSError as exc:
        raise _refuse(data_dir, path, "cannot read %s: %s" % (path, exc.strerror or exc))
    except package.PackageError as exc:
        raise _refuse(data_dir, path, str(exc))
    version = header["version"]
    if version == running:
        raise _refuse(data_dir, path, "version %s is the running one" % version)
    if package.parse_version(version) < package.parse_version(running) and not force:
        raise _refuse(data_dir, path, "version %s is older than the running %s (a downgrade "
                      "needs --force)" % (version, running))
    current_reqs = os.path.join(slots.release_dir(root, running), "requirements.txt")
    try:
        with open(current_reqs, "rb") as f:
            have = hashlib.sha256(f.read()).hexdigest()
    except OSError:
        have = None
    if have != header.get("requires"):
        raise _refuse(data_dir, path, "version %s needs other pinned dependencies than the "
                      "installed ones: install it with ./flash.sh pi" % version)
    target = slots.release_dir(root, version)
    for leftover in (target, target + ".tmp"):
        if os.path.isdir(leftover):
            shutil.rmtree(leftover)    # an earlier attempt at this version, not running
    try:
        package.unpack(payload, target + ".tmp")
    except package.PackageError as exc:
        shutil.rmtree(target + ".tmp", ignore_errors=True)
        raise _refuse(data_dir, path, str(exc))
    os.replace(target + ".tmp", target)
    say("opennmc: %s installed beside %s; switching over" % (version, running))
    state = {"state": "trial", "version": version, "previous": running, "attempts": 0,
             "deadline": time.time() + timeout_s}
    slots.write_state(data_dir, state)
    slots.add_event(data_dir, "installed", version=version, previous=running)
    slots.link(root, "previous", running)
    slots.link(root, "current", version)
    try:
        _restart(restart)
    except (OSError, subprocess.TimeoutExpired) as exc:
        slots.roll_back(root, data_dir, state, "restart failed: %s" % exc)
        raise UpgradeFailed("restart failed (%s): rolled back to %s" % (exc, running))
    return _wait(root, data_dir, state, restart, timeout_s, say)


def _wait(root, data_dir, state, restart, timeout_s, say) -> str:
    version, running = state["version"], state["previous"]
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        now = slots.read_state(data_dir)
        if now.get("version") == version and now.get("state") == "confirmed":
            say("opennmc: %s runs and reports healthy" % version)
            return version
        if now.get("version") == version and now.get("state") == "rolled-back":
            raise UpgradeFailed("%s rolled back to %s: %s" % (version, running, now.get("why")))
        time.sleep(0.2)
    slots.roll_back(root, data_dir, slots.read_state(data_dir) or state,
                    "not healthy within %d s" % timeout_s)
    try:
        _restart(restart)
    except (OSError, subprocess.TimeoutExpired) as exc:
        say("opennmc: restart after the rollback failed: %s" % exc)
    raise UpgradeFailed("%s did not report healthy within %d s: rolled back to %s"
                        % (version, timeout_s, running))
