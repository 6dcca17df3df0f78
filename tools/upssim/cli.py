"""`upssim`: a simulated Socomec UPS/STS on a serial line (pseudo-terminal or real port), and its remote control.

    upssim --profile netys-rt --baud 9600 --link ./ttyUPS --control 127.0.0.1:0
        -> prints "upssim ready link=./ttyUPS control=http://127.0.0.1:PORT" once it answers
    upssim --profile emd --link ./ttyEMD ...   an EMD environment sensor instead (emd.py)
    upssim ctl [--control URL] state | set mains=false load=95 | scenario mains-failure
               | fault crc_error_rate=0.2 | fault nonsense=65534 | fault clear
               | command test.battery.start
               | flags S11 A03 | flags clear
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import urllib.error
import urllib.request

from tools.upssim.profiles import PROFILES

DEFAULT_CONTROL = "127.0.0.1:8081"
TICK_S = 0.1


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="upssim", description="Simulated UPS/STS on a serial line.")
    ap.add_argument("--profile", default="netys-rt", choices=sorted(PROFILES) + ["emd"])
    ap.add_argument("--baud", type=int, default=9600,
                    choices=(1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200))
    ap.add_argument("--parity", default="N", choices=("N", "E", "O"))
    ap.add_argument("--slave", type=int, default=1, help="base slave address (1..247)")
    ap.add_argument("--link", help="symlink to create for the card's end of the pseudo-terminal")
    ap.add_argument("--device", help="a real serial device instead of a pseudo-terminal")
    ap.add_argument("--control", type=_host_port, default=_host_port(DEFAULT_CONTROL))
    ap.add_argument("--turnaround-ms", type=float, default=5.0)
    ap.add_argument("--accel", type=float, default=1.0)
    ap.add_argument("--units", type=int)
    ap.add_argument("--modules", type=int)
    ap.add_argument("--seed", type=int, help="random seed for faults (reproducible runs)")
    args = ap.parse_args(argv)
    if not args.link and not args.device:
        ap.error("give --link PATH (pseudo-terminal) or --device /dev/ttyX")
    if not 1 <= args.slave <= 247:
        ap.error("--slave must be 1..247")
    if args.accel <= 0 or args.turnaround_ms < 0:
        ap.error("--accel must be > 0 and --turnaround-ms >= 0")
    return args


async def serve(args: argparse.Namespace) -> int:
    """Run the simulated device until SIGTERM/SIGINT."""
    # pymodbus and aiohttp are imported here so `upssim ctl` starts fast and needs neither.
    from pymodbus import pymodbus_apply_logging_config
    from pymodbus.server import ModbusSerialServer

    from tools.upssim.control import Control
    from tools.upssim.datastore import SimContext
    from tools.upssim.device import Installation
    from tools.upssim.physics import Physics
    from tools.upssim.wire import Relay

    pymodbus_apply_logging_config("CRITICAL")
    physics = Physics(accel=args.accel)
    relay = Relay(args.baud, args.parity, args.turnaround_ms, device=args.device, seed=args.seed)
    if args.profile == "emd":
        from tools.upssim.emd import EmdControl, EmdDevice
        inst = EmdDevice(args.slave)
        control = EmdControl(inst, relay)
    else:
        try:
            inst = Installation(args.profile, physics, base=args.slave, units=args.units,
                                modules=args.modules)
        except ValueError as exc:
            relay.close()
            print(f"upssim: {exc}", file=sys.stderr)
            return 2
        physics.has_battery = PROFILES[args.profile].get("has_battery", True)
        control = Control(physics, inst, relay)
    server = ModbusSerialServer(SimContext(inst), port=relay.inner_name, baudrate=args.baud,
                                ignore_missing_devices=True)
    link = os.path.abspath(args.link) if args.link else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        port = await control.start(*args.control)
        relay.start()
        serving = asyncio.create_task(server.serve_forever())
        await _wait_listening(server)
        if link:
            if os.path.islink(link):
                os.unlink(link)
            os.symlink(relay.outer_name, link)
        print(f"upssim ready link={link or args.device} control=http://{args.control[0]}:{port}",
              flush=True)
        ticker = asyncio.create_task(_tick(physics))
        await stop.wait()
        ticker.cancel()
        await server.shutdown()
        serving.cancel()
    finally:
        if link and os.path.islink(link):
            os.unlink(link)
        await control.stop()
        relay.close()
    return 0


async def _wait_listening(server, deadline_s: float = 10.0) -> None:
    """pymodbus opens the port in serve_forever; wait until its transport exists."""
    loop = asyncio.get_running_loop()
    end = loop.time() + deadline_s
    while getattr(server, "transport", None) is None:
        if loop.time() > end:
            raise RuntimeError("pymodbus serial server did not open its port")
        await asyncio.sleep(0.01)


async def _tick(physics) -> None:
    while True:
        physics.tick()
        await asyncio.sleep(TICK_S)


# ---------------------------------------------------------------------- upssim ctl
def _value(text: str) -> object:
    """k=v values: JSON when it parses (numbers, true/false), the plain string otherwise."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _pairs(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ValueError(f"expected key=value, got {item!r}")
        out[key] = _value(value)
    return out


def ctl(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="upssim ctl", description="Steer a running upssim.")
    ap.add_argument("--control", default="http://" + DEFAULT_CONTROL)
    ap.add_argument("verb", choices=("state", "set", "scenario", "fault", "command", "flags"))
    ap.add_argument("args", nargs="*")
    args = ap.parse_args(argv)
    base = args.control if "://" in args.control else "http://" + args.control
    try:
        if args.verb == "state":
            method, path, body = "GET", "/state", None
        elif args.verb in ("scenario", "command"):
            if len(args.args) != 1:
                ap.error(f"{args.verb} takes one name")
            method, path, body = "POST", "/" + args.verb, {"name": args.args[0]}
        elif args.verb == "fault" and args.args == ["clear"]:
            method, path, body = "POST", "/fault", "clear"
        elif args.verb == "flags":
            acronyms = None if args.args == ["clear"] else args.args
            method, path, body = "POST", "/flags", {"acronyms": acronyms}
        else:
            method, path, body = "POST", "/" + args.verb, _pairs(args.args)
    except ValueError as exc:
        print(f"upssim ctl: {exc}", file=sys.stderr)
        return 2
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base.rstrip("/") + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            print(resp.read().decode())
            return 0
    except urllib.error.HTTPError as exc:
        print(exc.read().decode(), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"upssim ctl: cannot reach {base}: {exc}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["ctl"]:
        return ctl(argv[1:])
    return asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
