"""Release slots of an installed card and the boot guard that rolls a bad upgrade back.

Standard library only: the installer copies this file to /opt/opennmc/bin/opennmc-boot, outside
every release, so that a release that cannot even start is still rolled back by code it did not
bring. Paths are under a root ("/" on a card, a scratch folder in tests):

    opt/opennmc/releases/<version>/    release trees (firmware/, board/, web/dist/, VERSION)
    opt/opennmc/current -> releases/<version>     what the service runs
    opt/opennmc/previous -> releases/<version>    what a rollback goes back to
    var/lib/opennmc/upgrade/state.json            {"state": "trial" | "confirmed" |
                                                   "rolled-back", "version", "previous",
                                                   "attempts", "deadline", "why"}
    var/lib/opennmc/upgrade/events/*.json         card events for the card to log

An upgrade switches `current` and writes a "trial" state. The systemd unit runs
`opennmc-boot check` before each start (ExecStartPre, as root): a trial that has already been
started MAX_ATTEMPTS times, or whose deadline passed, is rolled back (`current` back to
`previous`, state "rolled-back", an event). The new release confirms itself once it has run
healthily (firmware/service/feature.py): state "confirmed".
"""

import json
import os
import sys
import time

BASE = "opt/opennmc"
DATA = "var/lib/opennmc"
MAX_ATTEMPTS = 3


def base(root):
    return os.path.join(root, BASE)


def release_dir(root, version):
    return os.path.join(base(root), "releases", version)


def linked_version(root, name="current"):
    """The version a link (current, previous) points at, or None."""
    try:
        return os.path.basename(os.readlink(os.path.join(base(root), name)))
    except OSError:
        return None


def link(root, name, version):
    """Point a link at releases/<version>, atomically (rename over the old link)."""
    path = os.path.join(base(root), name)
    tmp = path + ".new"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(os.path.join("releases", version), tmp)
    os.replace(tmp, path)


def _owner(data_dir):
    st = os.stat(data_dir)
    return st.st_uid, st.st_gid


def write_json(data_dir, rel, obj):
    """Write data_dir/rel atomically, owned like data_dir (the card's user must read it)."""
    path = os.path.join(data_dir, rel)
    folder = os.path.dirname(path)
    uid, gid = _owner(data_dir)
    if not os.path.isdir(folder):
        os.makedirs(folder, mode=0o700)
        os.chown(folder, uid, gid)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, sort_keys=True)
        f.flush()
        os.fsync(f.fileno())
    os.chown(tmp, uid, gid)
    os.replace(tmp, path)


def read_state(data_dir):
    try:
        with open(os.path.join(data_dir, "upgrade", "state.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def write_state(data_dir, state):
    write_json(data_dir, "upgrade/state.json", state)


def add_event(data_dir, kind, **params):
    """Queue a card event "fw.<kind>" for the card to log (it may not be running now)."""
    name = "upgrade/events/%d-%d-%s.json" % (time.time() * 1000, os.getpid(), kind)
    write_json(data_dir, name, {"kind": kind, "params": params, "time": time.time()})


def roll_back(root, data_dir, state, why):
    """`current` back to the previous release; the state and an event say why."""
    previous = state.get("previous")
    if previous and os.path.isdir(release_dir(root, previous)):
        link(root, "current", previous)
    state = dict(state, state="rolled-back", why=why)
    write_state(data_dir, state)
    add_event(data_dir, "rollback", version=state.get("version"), previous=previous, why=why)
    return state


def check(root, data_dir, now=None, max_attempts=MAX_ATTEMPTS):
    """Before each start of the service: count a trial's starts, roll it back when it has had
    its chances. Returns the state after the check."""
    now = time.time() if now is None else now
    state = read_state(data_dir)
    if state.get("state") != "trial" or state.get("version") != linked_version(root):
        return state
    attempts = state.get("attempts", 0) + 1
    if attempts > max_attempts:
        return roll_back(root, data_dir, state, "did not report healthy in %d starts"
                         % max_attempts)
    if now > state.get("deadline", now):
        return roll_back(root, data_dir, state, "did not report healthy in time")
    state = dict(state, attempts=attempts)
    write_state(data_dir, state)
    return state


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "check":
        print("usage: opennmc-boot check [--root DIR] [--data-dir DIR]", file=sys.stderr)
        return 2
    opts = dict(zip(argv[1::2], argv[2::2]))
    root = opts.get("--root", "/")
    data_dir = opts.get("--data-dir", os.path.join(root, DATA))
    state = check(root, data_dir)
    if state.get("state") == "rolled-back" and state.get("version") != linked_version(root):
        print("opennmc-boot: %s rolled back to %s: %s" % (state.get("version"),
              state.get("previous"), state.get("why")), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
