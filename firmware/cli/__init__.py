"""The `opennmc` command: run the card, detect a UPS, list settings, manage the running card.

    run | detect          firmware/cli/run.py
    config keys           firmware/cli/keys.py
    status, logs, alarms, config get|set|..., time     firmware/cli/manage.py (the local socket)
    mail test|report, wol send                         firmware/cli/notify.py (the same socket)
    schedules, powershare on|off PLUG                  firmware/cli/schedules.py (the same socket)
    upgrade FILE          firmware/cli/upgrade.py (an installed card, as root)
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from firmware.cli import keys, manage, notify, run, schedules, upgrade

BOARDS = ("sim", "rpi", "esp32")
DATA_DIR_HELP = "the running card's data folder (default .sim-data)"


def build_parser() -> argparse.ArgumentParser:
    """The command line grammar."""
    p = argparse.ArgumentParser(prog="opennmc", description="Open UPS network management card.")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the card")
    r.add_argument("--board", default="sim", choices=BOARDS)
    r.add_argument("--serial", help="UPS serial device (default: the board's)")
    r.add_argument("--data-dir", help="configuration and logs folder (default .sim-data)")
    r.add_argument("--set", action="append", metavar="SECTION.KEY=VALUE",
                   help="change a setting (saved); repeat for several")
    det = sub.add_parser("detect", help="detect the UPS on a serial line and print what it is")
    det.add_argument("--board", default="sim", choices=BOARDS)
    det.add_argument("--serial", required=True, help="UPS serial device")
    det.add_argument("--set", action="append", metavar="SECTION.KEY=VALUE",
                     help="serial.* settings to use instead of detection")
    st = sub.add_parser("status", help="print the snapshot of a running card as JSON")
    st.add_argument("--data-dir", help=DATA_DIR_HELP)
    cfg = sub.add_parser("config", help="settings")
    cfg_sub = cfg.add_subparsers(dest="config_command", required=True)
    manage.add_config_parsers(cfg_sub, DATA_DIR_HELP)
    k = cfg_sub.add_parser("keys", help="list every setting with default and allowed values")
    k.add_argument("--markdown", action="store_true", help="as a Markdown table")
    k.add_argument("--update-docs", metavar="PATH",
                   help="rewrite the generated table in the settings reference (docs/settings.md)")
    manage.add_parsers(sub, DATA_DIR_HELP)
    notify.add_parsers(sub, DATA_DIR_HELP)
    schedules.add_parsers(sub, DATA_DIR_HELP)
    upgrade.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return run.serve(args)
        if args.command == "detect":
            return asyncio.run(run.detect(args))
        if args.command == "config" and args.config_command == "keys":
            return keys.keys(args)
        if args.command == "upgrade":
            return upgrade.run(args)
        args.data_dir = args.data_dir or run.default_data_dir("sim")
        if args.command in notify.COMMANDS:
            return notify.run(args)
        if args.command in schedules.COMMANDS:
            return schedules.run(args)
        return manage.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into head & co.
        return 0


if __name__ == "__main__":
    sys.exit(main())
