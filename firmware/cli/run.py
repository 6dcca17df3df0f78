"""`opennmc run` (the card) and `opennmc detect` (what UPS is on a serial line)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys

from firmware.card import features
from firmware.card.card import Card, open_config
from firmware.hal.boards import load_board
from firmware.settings.config import Config
from firmware.settings.schema import ConfigError
from firmware.state.bus import EventBus
from firmware.state.ups import UpsState
from firmware.ups.poller import Poller

EXIT_FAILED = 1
EXIT_USAGE = 2


def default_data_dir(board: str) -> str:
    fallback = ".sim-data" if board == "sim" else "/var/lib/opennmc"
    return os.environ.get("OPENNMC_DATA_DIR") or fallback


def fail(message: str, code: int = EXIT_USAGE) -> int:
    print("opennmc: " + message, file=sys.stderr)
    return code


def os_user() -> str:
    try:
        import pwd
        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return "console"


def apply_sets(config: Config, assignments: list[str]) -> None:
    """Check every --set first (ConfigError names the field), then save and apply them all."""
    changes = {}
    for text in assignments:
        key, value = config.schema.parse_assignment(text)
        changes[key] = value
    if changes:
        config.update(changes, via="console", user=os_user())


def event_loop_factory():
    """uvloop's event loop where it is installed (CPython boards), else asyncio's own.

    Why: every server of the card spends most of a small request in the event loop itself;
    uvloop's, written in C over libuv, costs about half as much CPU per request (measured with
    tools/bench/nut_server.py), which is what lets one NUT connection keep up with upsd."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def serve(args: argparse.Namespace) -> int:
    """`opennmc run`: the card on the fastest event loop available."""
    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        return runner.run(run(args))


async def run(args: argparse.Namespace) -> int:
    """Run the card until SIGINT or SIGTERM; print the ready line with every endpoint."""
    try:
        board = load_board(args.board)
    except ValueError as exc:
        return fail(str(exc))
    data_dir = args.data_dir or default_data_dir(args.board)
    os.makedirs(data_dir, mode=0o700, exist_ok=True)
    os.chmod(data_dir, 0o700)      # the card's own folder: configuration hashes, logs, socket
    bus = EventBus()
    config = open_config(board, data_dir, bus=bus)
    for line in config.report.get("errors", []):
        print("opennmc: configuration: " + line, file=sys.stderr)
    for key, why in sorted(config.report["rejected"].items()):
        print("opennmc: configuration: %s refused (%s): default used" % (key, why),
              file=sys.stderr)
    try:
        apply_sets(config, args.set or [])
    except ConfigError as exc:
        return fail("--set %s" % exc)
    except OSError as exc:
        return fail("configuration not saved: %s" % exc, EXIT_FAILED)
    card = Card(board, config, bus, data_dir=data_dir, serial_path=args.serial)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await card.start()
    for name, feature in card.status()["card"]["features"].items():
        if feature["error"]:
            print("opennmc: %s not running: %s" % (name, feature["error"]), file=sys.stderr)
    fields = " ".join("%s=%s" % kv for kv in sorted(card.endpoints().items()))
    serial = args.serial or board.serial_device
    print("opennmc ready %s board=%s serial=%s data=%s" % (fields, board.name, serial, data_dir),
          flush=True)
    await stop.wait()
    await card.stop()
    print("opennmc stopped", flush=True)
    return 0


async def detect(args: argparse.Namespace) -> int:
    """Detect the UPS on --serial and print what it is (JSON)."""
    try:
        board = load_board(args.board)
    except ValueError as exc:
        return fail(str(exc))
    config = Config(features.schema(), board_defaults=board.config_defaults())
    try:
        apply_sets(config, args.set or [])
        transport = board.open_serial(args.serial, config)
    except ConfigError as exc:
        return fail("--set %s" % exc)
    except (OSError, ValueError) as exc:
        return fail(str(exc), EXIT_FAILED)
    try:
        poller = Poller(config, UpsState(), EventBus(), transport)
        result = await poller.detect()
    finally:
        transport.close()
    print(json.dumps(result, indent=2, sort_keys=True, default=str))
    return 0 if result.get("found", True) else EXIT_FAILED
