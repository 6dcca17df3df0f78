"""`opennmc mail test|report` and `opennmc wol send`: the notifications' buttons, on the card.

    opennmc mail test [--to ADDRESS ...]     the manual's "Send Test" with the saved settings
    opennmc mail report                      the daily status report, now
    opennmc wol send [--mac MAC]             the manual's WOL "Test": magic packets now

Each is one request to the running card's management socket (firmware/cli/manage.py), so the
card's own operations do the work and its event log records it.
"""

from __future__ import annotations

import argparse
import sys

from firmware.cli.manage import Failure, _print_json, ask

COMMANDS = ("mail", "wol")


def add_parsers(sub: argparse._SubParsersAction, data_dir_help: str) -> None:
    """The mail and wol subcommands."""
    def card(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--data-dir", help=data_dir_help)
        p.add_argument("--json", action="store_true", help="print the card's answer as JSON")
        return p

    mail = sub.add_parser("mail", help="e-mail notification: test mail, daily report")
    mail_sub = mail.add_subparsers(dest="mail_command", required=True)
    test = card(mail_sub.add_parser("test", help="send the test mail now"))
    test.add_argument("--to", action="append", metavar="ADDRESS",
                      help="send it to this address (repeat; default: every recipient)")
    card(mail_sub.add_parser("report", help="send the daily status report now"))
    wol = sub.add_parser("wol", help="Wake-on-LAN")
    wol_sub = wol.add_subparsers(dest="wol_command", required=True)
    send = card(wol_sub.add_parser("send", help="magic packets to the enabled targets now"))
    send.add_argument("--mac", help="only to this target")


def run(args: argparse.Namespace) -> int:
    """Run one of the commands; the error and exit code of manage's commands on failure."""
    try:
        if args.command == "mail" and args.mail_command == "test":
            answer = ask(args, "mail.test", to=args.to)
            line = "test mail sent to " + ", ".join(answer["sent"])
            for address, why in sorted(answer.get("refused", {}).items()):
                line += "\nrefused by the server: %s (%s)" % (address, why)
        elif args.command == "mail":
            answer = ask(args, "mail.report")
            line = "daily report queued for " + ", ".join(answer["queued"])
        else:
            answer = ask(args, "wol.send", mac=args.mac)
            line = "magic packets sent: %d" % answer["sent"]
    except Failure as exc:
        print("opennmc: " + str(exc), file=sys.stderr)
        return exc.code
    if args.json:
        _print_json(answer)
    else:
        print(line)
    return 0
