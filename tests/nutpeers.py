"""NUT's own client programs as the tests run them: upsc, and upsmon in a private folder.

upsmon is started as a real daemon in the foreground with its own configuration, state and PID
folders, a harmless SHUTDOWNCMD that leaves a flag file, and a NOTIFYCMD that writes each
notification it sends (ONBATT, FSD, ...) to a file, so a test sees what its administrator would.
"""

import os
import subprocess

from tests.conftest import require_tool

PRIMARY = ("monprimary", "Primary-pw1")
SECONDARY = ("monsecondary", "Secondary-pw2")
# What upsmon 2.8.0 can notify (it has no ALARM, OFF or BYPASS notifications yet).
NOTIFY_TYPES = ("ONLINE", "ONBATT", "LOWBATT", "FSD", "COMMOK", "COMMBAD", "SHUTDOWN",
                "REPLBATT", "NOCOMM")


def nut_program(name):
    """The real NUT binary; Debian's /sbin wrapper refuses to run while nut.conf says MODE=none."""
    for folder in ("/lib/nut", "/usr/lib/nut"):
        path = os.path.join(folder, name)
        if os.access(path, os.X_OK):
            return path
    return require_tool(name)


def upsc_vars(upsc, address):
    """upsc's answer as {variable: text}; {} when it could not read the UPS."""
    out = subprocess.run([upsc, "ups@" + address], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        return {}
    return dict(line.split(": ", 1) for line in out.stdout.splitlines() if ": " in line)


def upsmon_conf(folder, address, user, password, role):
    """Write upsmon's files in folder; the flag file its SHUTDOWNCMD creates."""
    folder.mkdir(parents=True, exist_ok=True)
    flag = folder / "shutdown-ran"
    script = folder / "shutdown.sh"
    script.write_text("#!/bin/sh\necho \"$(date +%%s) %s\" > %s\n" % (role, flag))
    script.chmod(0o755)
    notify = folder / "notify.sh"
    notify.write_text("#!/bin/sh\necho \"$NOTIFYTYPE $*\" >> %s\n" % (folder / "notified"))
    notify.chmod(0o755)
    (folder / "nut.conf").write_text("MODE=netclient\n")
    conf = folder / "upsmon.conf"
    conf.write_text("\n".join([
        "MONITOR ups@%s 1 %s %s %s" % (address, user, password, role),
        "MINSUPPLIES 1",
        'SHUTDOWNCMD "%s"' % script,
        'NOTIFYCMD "%s"' % notify] + [
        # SYSLOG: upsmon -D also prints the message ("... battery is low") to its log.
        "NOTIFYFLAG %s SYSLOG+EXEC" % kind for kind in NOTIFY_TYPES] + [
        "POLLFREQ 1",
        "POLLFREQALERT 1",
        "HOSTSYNC 10",
        "DEADTIME 15",
        "FINALDELAY 0",
        "POWERDOWNFLAG %s" % (folder / "killpower"),
        "RUN_AS_USER root",
        ""]))
    conf.chmod(0o600)
    return flag


def start_upsmon(upsmon, folder):
    """upsmon running on the files upsmon_conf wrote in folder (stop it with stop_process)."""
    env = dict(os.environ, NUT_CONFPATH=str(folder), NUT_STATEPATH=str(folder),
               NUT_ALTPIDPATH=str(folder))
    # -F: foreground, -p: one privileged process (no user switch), -D: log what it sees.
    cmd = [upsmon, "-F", "-p", "-D"]
    if os.path.isdir("/run/nut"):
        # upsmon 2.8.0 keeps its PID file in the built-in /run/nut (no override) and refuses to
        # start while another instance's file is there: give each one a private /run/nut.
        run = folder / "run"
        run.mkdir(exist_ok=True)
        cmd = [require_tool("unshare"), "-m", "--propagation", "private", "sh", "-c",
               'mount --bind "$0" /run/nut && exec "$@"', str(run)] + cmd
    with open(folder / "upsmon.log", "w") as log:
        return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder)
