"""The file tree `./flash.sh pi` installs on a Raspberry Pi, written into a folder.

    python -m tools.flash.pi_tree DIR [--serial DEVICE] [--emd DEVICE] [--wheels WHEELDIR]

    DIR/etc/systemd/system/opennmc.service      the service (board/rpi/opennmc.service)
    DIR/etc/opennmc/board.toml                  board/rpi/board.toml with the given devices
    DIR/opt/opennmc/releases/<version>/         the release tree (tools/flash/release.py)
    DIR/opt/opennmc/bin/opennmc                 the command (board/rpi/opennmc)
    DIR/opt/opennmc/bin/opennmc-boot            the boot guard (firmware/upgrade/slots.py)
    DIR/opt/opennmc/install.sh, requirements.txt, requirements-pi.txt
    DIR/opt/opennmc/wheels/                     with --wheels: the dependencies, prebuilt
    DIR/var/lib/opennmc/                        the data folder (empty; kept on the target)

install.sh, run on the target, puts this tree in place and builds the venv there.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tomllib

from tools.flash.release import REPOSITORY, release_tree, version

RPI = os.path.join(REPOSITORY, "board", "rpi")


def board_toml(serial: str | None = None, emd: str | None = None) -> str:
    """board/rpi/board.toml with the UPS and EMD devices given (the rest as it is)."""
    with open(os.path.join(RPI, "board.toml")) as f:
        text = f.read()
    for section, device in (("serial", serial), ("emd", emd)):
        if device is None:
            continue
        if not device.startswith("/") or any(c in device for c in "\"\\\n"):
            raise ValueError("%s device must be an absolute path such as /dev/serial0, not %r"
                             % (section, device))
        pattern = r'(\[%s\][^\[]*?^device = )"[^"]*"' % section
        text, n = re.subn(pattern, lambda m: m.group(1) + '"%s"' % device, text, count=1,
                          flags=re.MULTILINE | re.DOTALL)
        if n != 1:
            raise ValueError("board.toml has no [%s] device" % section)
    tomllib.loads(text)        # still valid
    return text


def _write(path: str, data: bytes, mode: int = 0o644) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)


def _copy(src: str, dst: str, mode: int = 0o644) -> None:
    with open(src, "rb") as f:
        _write(dst, f.read(), mode)


def write_tree(folder: str, serial: str | None = None, emd: str | None = None,
               wheels: str | None = None) -> str:
    """Write the install tree into `folder` (made if missing); returns the version."""
    ver = version()
    base = os.path.join(folder, "opt", "opennmc")
    for rel, data in release_tree().items():
        _write(os.path.join(base, "releases", ver, rel), data)
    _copy(os.path.join(RPI, "opennmc"), os.path.join(base, "bin", "opennmc"), 0o755)
    _copy(os.path.join(REPOSITORY, "firmware", "upgrade", "slots.py"),
          os.path.join(base, "bin", "opennmc-boot"), 0o755)
    _copy(os.path.join(RPI, "install.sh"), os.path.join(base, "install.sh"), 0o755)
    for name in ("requirements.txt", "requirements-pi.txt"):
        _copy(os.path.join(RPI, name), os.path.join(base, name))
    _copy(os.path.join(RPI, "opennmc.service"),
          os.path.join(folder, "etc", "systemd", "system", "opennmc.service"))
    _write(os.path.join(folder, "etc", "opennmc", "board.toml"),
           board_toml(serial, emd).encode())
    os.makedirs(os.path.join(folder, "var", "lib", "opennmc"), exist_ok=True)
    os.chmod(os.path.join(folder, "var", "lib", "opennmc"), 0o700)
    if wheels:
        shutil.copytree(wheels, os.path.join(base, "wheels"), dirs_exist_ok=True)
    return ver


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="pi_tree", description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--serial", help="the UPS serial device (default /dev/serial0)")
    ap.add_argument("--emd", help="the EMD's RS-485 adapter")
    ap.add_argument("--wheels", help="a folder of prebuilt wheels to ship")
    args = ap.parse_args(argv)
    try:
        ver = write_tree(args.folder, args.serial, args.emd, args.wheels)
    except (OSError, ValueError) as exc:
        print("flash.sh: %s" % exc, file=sys.stderr)
        return 2
    print(ver)
    return 0


if __name__ == "__main__":
    sys.exit(main())
