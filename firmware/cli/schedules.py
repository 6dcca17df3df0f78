"""`opennmc schedules` and `opennmc powershare on|off PLUG`: the UPS control schedules and plugs.

    opennmc schedules                 the battery test and eco mode schedules, what the UPS
                                      allows, the power share plugs and their modes
    opennmc powershare off 2          the manual's "Plugs control": open (off) or close (on) a
                                      plug now (a plug without a mode)

Each is one request to the running card's management socket (firmware/cli/manage.py); the
settings themselves are changed with `opennmc config set schedules.*|powershare.*=...`.
"""

from __future__ import annotations

import argparse
import sys

from firmware.cli.manage import Failure, _print_json, ask

COMMANDS = ("schedules", "powershare")


def add_parsers(sub: argparse._SubParsersAction, data_dir_help: str) -> None:
    """The schedules and powershare subcommands."""
    def card(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--data-dir", help=data_dir_help)
        p.add_argument("--json", action="store_true", help="print the card's answer as JSON")
        return p

    card(sub.add_parser("schedules", help="battery test and eco mode schedules, power share"))
    ps = card(sub.add_parser("powershare", help="switch a power share plug on or off now"))
    ps.add_argument("state", choices=("on", "off"))
    ps.add_argument("plug", type=int, help="the plug number, 1 to 4")


def _why(entry: dict) -> str:
    why = entry.get("why_unavailable")
    return "available" if why is None else "unavailable: " + why


def _last(entry: dict) -> str:
    last = entry.get("last")
    return "" if not last else "; last: %s %s" % (last["control"], last["result"])


def _show(st: dict) -> None:
    bt, eco, ps = st["battery_test"], st["eco"], st["powershare"]
    print("battery test schedule: %s, %s; next %s (in %d days)%s"
          % ("on" if bt["enabled"] else "off", _why(bt), bt["next"], bt["next_in_days"],
             _last(bt)))
    print("eco mode schedule: %s, %s; periods: %s%s"
          % ("on" if eco["enabled"] else "off", _why(eco), ", ".join(eco["periods"]) or "none",
             _last(eco)))
    print("power share plugs: %d" % ps["plugs"])
    for plug in ps["plug"]:
        if plug["plug"] > ps["plugs"] and plug["mode"] == "manual":
            continue
        value = "" if plug["mode"] in ("manual", "emergency_lighting") else " %d" % plug["value"]
        print("  plug %d: %s, mode %s%s, %s%s"
              % (plug["plug"], plug["state"] or "state not reported", plug["mode"], value,
                 _why(plug), _last(plug)))


def run(args: argparse.Namespace) -> int:
    """Run one of the commands; the error and exit code of manage's commands on failure."""
    try:
        if args.command == "powershare":
            answer = ask(args, "powershare.set", plug=args.plug, state=args.state)
            line = "sent %s" % answer["sent"]
        else:
            answer = ask(args, "schedules.status")
            line = None
    except Failure as exc:
        print("opennmc: " + str(exc), file=sys.stderr)
        return exc.code
    if args.json:
        _print_json(answer)
    elif line:
        print(line)
    else:
        _show(answer)
    return 0
