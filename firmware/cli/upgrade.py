"""`opennmc upgrade FILE`: install a signed firmware package on an installed card (run as root).

Exit codes: 0 the new version runs and reports healthy; 1 it was installed but rolled back
(or the restart failed); 2 refused, nothing changed. See firmware/upgrade/install.py.
"""

from __future__ import annotations

import argparse
import os
import sys

from firmware.upgrade import install


def add_parser(sub) -> None:
    up = sub.add_parser("upgrade", help="install a signed firmware package (rolled back if it "
                                        "does not run healthily)")
    up.add_argument("file", help="the firmware package (.onmc)")
    up.add_argument("--force", action="store_true", help="allow a downgrade")
    up.add_argument("--root", default="/", help="the installation's root (default /)")
    up.add_argument("--data-dir", help="the card's data folder (default ROOT/var/lib/opennmc)")
    up.add_argument("--restart-command", default=install.RESTART,
                    help="how to restart the card (default: %(default)s)")
    up.add_argument("--timeout", type=float, default=install.TIMEOUT_S,
                    help="seconds the new version has to report healthy (default %(default)s)")


def run(args: argparse.Namespace) -> int:
    if args.root == "/" and hasattr(os, "geteuid") and os.geteuid() != 0:
        print("opennmc: upgrade refused: run it as root (sudo opennmc upgrade ...)",
              file=sys.stderr)
        return 2
    try:
        install.upgrade(args.file, root=args.root, data_dir=args.data_dir, force=args.force,
                        restart=args.restart_command, timeout_s=args.timeout)
    except install.UpgradeRefused as exc:
        print("opennmc: upgrade refused, nothing changed: %s" % exc, file=sys.stderr)
        return 2
    except install.UpgradeFailed as exc:
        print("opennmc: upgrade failed: %s" % exc, file=sys.stderr)
        return 1
    return 0
