"""The management commands of `opennmc` (status, logs, alarms, config, time): clients of the card.

Each command sends one request to the card's local management socket (DATA_DIR/opennmc.sock,
firmware/admin/local_socket.py), so changes go through the running card and its events land in
its logs. Exit codes: 0 done, 1 no card answers or the card could not do it, 2 bad input (the card
changed nothing).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from firmware.admin.local_socket import SOCKET_NAME, call

EXIT_FAILED = 1
EXIT_USAGE = 2


class Failure(Exception):
    """A command that ends with an error message and an exit code."""

    def __init__(self, message: str, code: int) -> None:
        """Message for stderr and the exit code."""
        super().__init__(message)
        self.code = code


def ask(args: argparse.Namespace, op: str, **request: object) -> object:
    """The result of one request to the card of --data-dir; Failure when refused or absent."""
    path = os.path.join(args.data_dir, SOCKET_NAME)
    try:
        answer = call(path, op, {k: v for k, v in request.items() if v is not None})
    except (OSError, ValueError) as exc:
        raise Failure("no running card answers at %s (%s)" % (path, exc), EXIT_FAILED) from None
    if answer.get("ok"):
        return answer.get("result")
    message = answer.get("error", "refused")
    detail = answer.get("detail")
    if isinstance(detail, dict):
        message += "".join("\n  %s: %s" % kv for kv in sorted(detail.items()))
    raise Failure(message, EXIT_USAGE if answer.get("kind") == "usage" else EXIT_FAILED)


def write_private(path: str, text: str) -> None:
    """Write a new file only the owner can read, then rename it over `path`: an existing file or
    a symbolic link at `path` is replaced, never written through, and never keeps a wider mode."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".opennmc-")
    try:
        with os.fdopen(fd, "w") as f:   # mkstemp: mode 0600
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _print_json(value: object) -> None:
    print(json.dumps(value, indent=2, sort_keys=True))


# --- logs ----------------------------------------------------------------------------------------
def _record_line(rec: dict) -> str:
    if "level" in rec:                       # event logs
        text = rec["text"]
        if rec.get("unit"):
            text = "Unit %d: %s" % (rec["unit"], text)
        if rec.get("state") == "removed":
            text += " (removed)"
        return "%s  %-11s  %s" % (rec.get("time_local", ""), _LEVELS.get(rec["level"], "?"), text)
    skip = ("seq", "time", "time_local", "start", "start_local", "end", "samples")
    values = " ".join("%s=%s" % (k, _short(v)) for k, v in rec.items()
                      if k not in skip and v is not None)
    return "%s  %s" % (rec.get("time_local", ""), values)


def _short(value: object) -> str:
    if isinstance(value, dict):
        return "/".join("-" if value[k] is None else str(value[k]) for k in ("min", "avg", "max"))
    return str(value)


_LEVELS = {"I": "Information", "W": "Warning", "C": "Critical"}


def logs(args: argparse.Namespace) -> int:
    """opennmc logs list | show | csv | clear."""
    if args.logs_command == "list":
        rows = ask(args, "logs.list")
        if args.json:
            _print_json(rows)
        else:
            for row in rows:
                print("%-13s %6d / %-6d %s" % (row["name"], row["records"], row["capacity"],
                                               row["title"]))
        return 0
    if args.logs_command == "show":
        page = ask(args, "logs.show", log=args.name, page=args.page, per_page=args.per_page,
                   sort=args.sort, **{"from": args.from_, "to": args.to})
        if args.json:
            _print_json(page)
            return 0
        print("%s: %d record(s), page %d of %d, sorted by %s"
              % (page["log"], page["total"], page["page"], max(page["pages"], 1), page["sort"]))
        for rec in page["records"]:
            print(_record_line(rec))
        return 0
    if args.logs_command == "csv":
        text = ask(args, "logs.csv", log=args.name, **{"from": args.from_, "to": args.to})["csv"]
        if args.output:
            try:
                with open(args.output, "w", newline="") as f:
                    f.write(text)
            except OSError as exc:
                raise Failure("cannot write %s: %s" % (args.output, exc), EXIT_FAILED) from None
        else:
            sys.stdout.write(text)
        return 0
    ask(args, "logs.clear", log=args.name)
    print("%s cleared" % args.name)
    return 0


def status(args: argparse.Namespace) -> int:
    """opennmc status: the card's snapshot as JSON."""
    _print_json(ask(args, "status"))
    return 0


def alarms(args: argparse.Namespace) -> int:
    """opennmc alarms: the active alarm table."""
    table = ask(args, "alarms")
    if args.json:
        _print_json(table)
        return 0
    print("%d active alarm(s)%s" % (table["count"], " (general alarm)" if table["general"] else ""))
    for a in table["alarms"]:
        print("%s  %-11s  %-5s %s" % (a.get("local", ""), _LEVELS.get(a["level"], "?"),
                                      a["code"], a["text"]))
    for unit, rows in table["units"].items():
        for a in rows:
            print("%s  %-11s  %-5s Unit %s: %s" % (a.get("local", ""),
                                                   _LEVELS.get(a["level"], "?"), a["code"],
                                                   unit, a["text"]))
    return 0


# --- configuration -------------------------------------------------------------------------------
def config(args: argparse.Namespace) -> int:
    """opennmc config get | set | backup | restore | reset (keys is local, in cli.py)."""
    cmd = args.config_command
    if cmd == "get":
        values = ask(args, "config.get", keys=args.keys)
        if args.json:
            _print_json(values)
        else:
            for key, value in values.items():
                shown = ",".join(value) if isinstance(value, list) else value
                if isinstance(value, bool):
                    shown = "on" if value else "off"
                print("%s=%s" % (key, shown))
        return 0
    if cmd == "set":
        return _changed(ask(args, "config.set", assignments=args.assignments))
    if cmd == "backup":
        text = ask(args, "config.backup")["text"]
        try:
            write_private(args.file, text)
        except OSError as exc:
            raise Failure("cannot write %s: %s" % (args.file, exc), EXIT_FAILED) from None
        print("configuration saved to %s" % args.file)
        return 0
    if cmd == "restore":
        try:
            with open(args.file, "rb") as f:
                data = f.read(512 * 1024 + 1)
        except OSError as exc:
            raise Failure("cannot read %s: %s" % (args.file, exc), EXIT_USAGE) from None
        if len(data) > 512 * 1024:
            raise Failure("%s is too large for a configuration backup" % args.file, EXIT_USAGE)
        try:
            text = data.decode()
        except UnicodeError:
            raise Failure("%s is not UTF-8 text" % args.file, EXIT_USAGE) from None
        answer = ask(args, "config.restore", text=text)
        print("configuration restored")
        if answer["not_used"]:
            print("kept, not used by this build: %s" % ", ".join(answer["not_used"]))
        return _changed(answer)
    if args.accounts:
        changed = ask(args, "accounts.reset")["changed"]
        print("accounts and passwords reset to factory defaults; changed: %s"
              % (", ".join(changed) or "nothing"))
        return 0
    print("every setting reset to factory defaults")
    return _changed(ask(args, "config.reset"))


def _changed(answer: dict) -> int:
    """Print what a configuration change did; exit 1 when a feature could not take it."""
    changed = answer["changed"]
    print("changed: %s" % (", ".join(changed) if changed else "nothing (same values)"))
    if answer.get("restart"):
        print("takes effect at the next start of the card: %s" % ", ".join(answer["restart"]))
    for feature, error in sorted(answer.get("not_running", {}).items()):
        print("opennmc: note: %s is not running: %s" % (feature, error), file=sys.stderr)
    for feature, error in sorted(answer.get("not_applied", {}).items()):
        print("opennmc: %s could not take the change: %s" % (feature, error), file=sys.stderr)
    return EXIT_FAILED if answer.get("not_applied") else 0


# --- time ----------------------------------------------------------------------------------------
def time_(args: argparse.Namespace) -> int:
    """opennmc time show | set | browser | ntp-sync | update-ups."""
    cmd = args.time_command
    if cmd == "show":
        st = ask(args, "time.show")
        if args.json:
            _print_json(st)
            return 0
        clock, sync = st["clock"], st.get("sync", {})
        print("card time   %s  %s  DST %s%s" % (clock["local"], clock["zone"], clock["dst"],
                                                 " (summer time now)" if clock["dst_active"]
                                                 else ""))
        print("NTP         server %s, period %s, last sync %s%s"
              % (sync.get("server") or "(none)", sync.get("period"), sync.get("last_sync"),
                 ", last error: %s" % sync["last_error"] if sync.get("last_error") else ""))
        nts = st.get("nts", {})
        if nts.get("wanted"):
            print("NTS         %s" % (nts.get("error") or "through chronyd"))
        ups = sync.get("ups") or {}
        shown = "%s %s" % (ups.get("date"), ups.get("time")) if ups else "not read"
        print("UPS clock   %s (synchronise UPS %s)" % (shown,
                                                       "on" if sync.get("sync_ups") else "off"))
        return 0
    if cmd == "set":
        st = ask(args, "time.set", local=args.local)
    elif cmd == "browser":
        st = ask(args, "time.browser", epoch_ms=args.epoch_ms)
    elif cmd == "ntp-sync":
        res = ask(args, "time.ntp_sync")
        print("synchronised: offset %s ms, delay %s ms, stratum %s"
              % (res.get("offset_ms"), res.get("delay_ms"), res.get("stratum")))
        return 0
    else:
        res = ask(args, "time.update_ups")
        print("UPS clock set to %s" % res["local"])
        return 0
    print("card time set: %s %s" % (st["local"], st["zone"]))
    return 0


def shutdown(args: argparse.Namespace) -> int:
    """opennmc shutdown status | test [--fsd]."""
    if args.shutdown_command == "test":
        st = ask(args, "shutdown.test", fsd=args.fsd)
    else:
        st = ask(args, "shutdown.status")
    if args.json:
        _print_json(st)
        return 0
    left = st.get("seconds_left")
    print("shutdown: %s%s%s%s" % (st["phase"], " (test)" if st.get("test") else "",
                                  ", event %s" % st["event"] if st.get("event") else "",
                                  ", %d s left" % left if left is not None else ""))
    enabled = [e["label"] for e in st["events"].values() if e["enabled"]]
    print("events enabled: %s" % (", ".join(enabled) or "none"))
    return 0


def add_parsers(sub: argparse._SubParsersAction, data_dir_help: str) -> None:
    """The management subcommands (config's get/set/... are added by add_config_parsers)."""
    def card(p: argparse.ArgumentParser, json_output: bool = True) -> argparse.ArgumentParser:
        p.add_argument("--data-dir", help=data_dir_help)
        if json_output:
            p.add_argument("--json", action="store_true", help="print the card's answer as JSON")
        return p

    lg = sub.add_parser("logs", help="the card's logs")
    lg_sub = lg.add_subparsers(dest="logs_command", required=True)
    card(lg_sub.add_parser("list", help="the logs and their record counts"))
    show = card(lg_sub.add_parser("show", help="one page of a log, newest first"))
    show.add_argument("name", help="ups-events, card-events, sts-events, history, extended, ...")
    show.add_argument("--from", dest="from_", metavar="ISO", help="records from this time")
    show.add_argument("--to", metavar="ISO", help="records up to this time")
    show.add_argument("--page", type=int, default=1)
    show.add_argument("--per-page", type=int, default=20)
    show.add_argument("--sort", choices=("time", "level"), default="time")
    csv = card(lg_sub.add_parser("csv", help="a log as CSV, the manual's columns"), False)
    csv.add_argument("name")
    csv.add_argument("--from", dest="from_", metavar="ISO")
    csv.add_argument("--to", metavar="ISO")
    csv.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    clear = card(lg_sub.add_parser("clear", help="empty a log (logged as a card event)"), False)
    clear.add_argument("name")
    card(sub.add_parser("alarms", help="the active alarm table"))

    tm = sub.add_parser("time", help="the card clock")
    tm_sub = tm.add_subparsers(dest="time_command", required=True)
    card(tm_sub.add_parser("show", help="card time, zone, DST, NTP and UPS clock"))
    st = card(tm_sub.add_parser("set", help='set the local time: "dd/mm/yyyy hh:mm:ss"'), False)
    st.add_argument("local", metavar='"dd/mm/yyyy hh:mm:ss"')
    br = card(tm_sub.add_parser("browser", help="set the time from a computer's clock"), False)
    br.add_argument("epoch_ms", type=int, metavar="EPOCH_MS",
                    help="milliseconds since 1970 (JavaScript Date.now())")
    card(tm_sub.add_parser("ntp-sync", help="synchronise with the NTP server now"), False)
    card(tm_sub.add_parser("update-ups", help="write the card time to the UPS now"), False)

    sd = sub.add_parser("shutdown", help="shutdown management")
    sd_sub = sd.add_subparsers(dest="shutdown_command", required=True)
    card(sd_sub.add_parser("status", help="the shutdown sequence: phase, event, time left"))
    test = card(sd_sub.add_parser("test", help="simulate an AC failure (the manual's test)"))
    test.add_argument("--fsd", action="store_true",
                      help="also tell the NUT clients to shut down (FSD): the servers WILL stop")


def add_config_parsers(cfg_sub: argparse._SubParsersAction, data_dir_help: str) -> None:
    """config get / set / backup / restore / reset."""
    def card(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--data-dir", help=data_dir_help)
        return p

    get = card(cfg_sub.add_parser("get", help="current values (secrets masked)"))
    get.add_argument("keys", nargs="*", metavar="KEY", help="settings to show (default: all)")
    get.add_argument("--json", action="store_true")
    st = card(cfg_sub.add_parser("set", help="change settings now; all or nothing"))
    st.add_argument("assignments", nargs="+", metavar="KEY=VALUE")
    bk = card(cfg_sub.add_parser("backup", help="save the configuration to FILE"))
    bk.add_argument("file", metavar="FILE")
    rs = card(cfg_sub.add_parser("restore", help="load a backup FILE; all or nothing"))
    rs.add_argument("file", metavar="FILE")
    rst = card(cfg_sub.add_parser("reset", help="factory defaults"))
    rst.add_argument("--accounts", action="store_true",
                     help="reset only the admin password and the user table")


def run(args: argparse.Namespace) -> int:
    """Dispatch a management command; prints the error and returns the exit code on failure."""
    try:
        if args.command == "status":
            return status(args)
        if args.command == "logs":
            return logs(args)
        if args.command == "alarms":
            return alarms(args)
        if args.command == "time":
            return time_(args)
        if args.command == "shutdown":
            return shutdown(args)
        return config(args)
    except Failure as exc:
        print("opennmc: " + str(exc), file=sys.stderr)
        return exc.code
