"""Build and sign a firmware package for `opennmc upgrade` (firmware/upgrade/package.py).

    python -m tools.package keygen release.key       # release.key (private, 0600) and
                                                     # release.key.pub (the hex line for
                                                     # firmware/upgrade/keys.py)
    python -m tools.package build --key release.key [-o opennmc-0.2.0.onmc]

The package holds the release tree of this checkout (tools/flash/release.py): what
`./flash.sh pi` installs, signed with the Ed25519 key. Keep the private key off the card and out
of the repository.
"""

from __future__ import annotations

import argparse
import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from firmware.upgrade import package
from tools.flash.release import release_tree, version


def public_hex(key: Ed25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw).hex()


def keygen(path: str) -> str:
    """Write a new private key (PEM, 0600) and its public half (hex); returns the hex."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    with open(path + ".pub", "w") as f:
        f.write(public_hex(key) + "\n")
    return public_hex(key)


def load_key(path: str) -> Ed25519PrivateKey:
    with open(path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("%s is not an Ed25519 private key" % path)
    return key


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="package", description="Firmware packages.")
    sub = ap.add_subparsers(dest="command", required=True)
    k = sub.add_parser("keygen", help="make a signing key pair")
    k.add_argument("path")
    b = sub.add_parser("build", help="build and sign the package of this checkout")
    b.add_argument("--key", required=True, help="the private key (PEM)")
    b.add_argument("-o", "--output", help="default opennmc-VERSION.onmc")
    args = ap.parse_args(argv)
    try:
        if args.command == "keygen":
            print(keygen(args.path))
            return 0
        ver = version()
        data = package.build(release_tree(), ver, load_key(args.key))
        out = args.output or "opennmc-%s.onmc" % ver
        with open(out, "wb") as f:
            f.write(data)
        print("%s: %s, %d bytes" % (out, ver, len(data)))
        return 0
    except (OSError, ValueError) as exc:
        print("package: %s" % exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
