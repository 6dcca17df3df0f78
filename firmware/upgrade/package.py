"""The firmware package: one file holding a release tree, its version and an Ed25519 signature.

    offset   size   what
    0        9      magic b"ONMCPKG1\n"
    9        n      header: one line of JSON, {"format": 1, "version": "0.2.0", "size": N,
                    "sha256": hex of the payload, "requires": hex sha256 of requirements.txt},
                    then b"\n" (at most 4 KiB)
    9+n      N      payload: a gzip tar of the release tree (firmware/, board/, web/dist/,
                    VERSION, requirements.txt), every member a plain file or folder inside it
    9+n+N    64     signature: Ed25519 over every byte before it

verify() checks, in this order, so that the message names the first thing wrong: the magic, the
header, the length (a truncated file), the signature against the trusted keys, the payload's
digest. Nothing is unpacked before all of them pass.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MAGIC = b"ONMCPKG1\n"
SIGNATURE_BYTES = 64
MAX_HEADER = 4096
MAX_PACKAGE = 64 * 1024 * 1024
REQUIRED = ("firmware/__init__.py", "VERSION", "requirements.txt")


class PackageError(ValueError):
    """A package the card refuses; the message says why."""


def parse_version(text: str) -> tuple:
    """(major, minor, patch) of "1.2.3"; PackageError for anything else."""
    parts = text.split(".")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 6 for p in parts):
        raise PackageError("bad version %r (expected MAJOR.MINOR.PATCH)" % text)
    return tuple(int(p) for p in parts)


def build(tree: dict[str, bytes], version: str, private_key: Ed25519PrivateKey) -> bytes:
    """A signed package of {relative path: content}."""
    parse_version(version)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(tree):
            info = tarfile.TarInfo(name)
            info.size = len(tree[name])
            info.mode = 0o755 if name.endswith((".sh",)) else 0o644
            info.mtime = 0
            tar.addfile(info, io.BytesIO(tree[name]))
    payload = buf.getvalue()
    header = {"format": 1, "version": version, "size": len(payload),
              "sha256": hashlib.sha256(payload).hexdigest(),
              "requires": hashlib.sha256(tree.get("requirements.txt", b"")).hexdigest()}
    signed = MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + payload
    return signed + private_key.sign(signed)


def verify(data: bytes, keys: tuple | list) -> tuple[dict, bytes]:
    """(header, payload) of a package signed by one of `keys` (hex public keys)."""
    if len(data) > MAX_PACKAGE:
        raise PackageError("too large: %d bytes (at most %d)" % (len(data), MAX_PACKAGE))
    if not data.startswith(MAGIC):
        raise PackageError("not an opennmc firmware package")
    end = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER)
    if end < 0:
        raise PackageError("truncated or damaged: no header")
    try:
        header = json.loads(data[len(MAGIC):end])
        size = header["size"]
        version = header["version"]
        digest = header["sha256"]
    except (ValueError, KeyError, TypeError):
        raise PackageError("damaged header") from None
    if header.get("format") != 1 or not isinstance(size, int) or size < 0:
        raise PackageError("unknown package format")
    parse_version(version)
    expected = end + 1 + size + SIGNATURE_BYTES
    if len(data) < expected:
        raise PackageError("truncated: %d bytes of %d" % (len(data), expected))
    if len(data) > expected:
        raise PackageError("damaged: %d bytes after the signature" % (len(data) - expected))
    signed, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    for key in keys:
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(key)).verify(signature, signed)
            break
        except InvalidSignature:
            continue
    else:
        raise PackageError("signature does not match the firmware's release key")
    payload = signed[end + 1:]
    if hashlib.sha256(payload).hexdigest() != digest:
        raise PackageError("payload digest does not match its header")
    return header, payload


def unpack(payload: bytes, folder: str) -> None:
    """Extract a verified payload into `folder` (which must not exist yet)."""
    with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as tar:
        names = tar.getnames()
        missing = [n for n in REQUIRED if n not in names]
        if missing:
            raise PackageError("not a release tree: %s missing" % ", ".join(missing))
        # The "data" filter refuses absolute paths, "..", links out of the tree and devices.
        tar.extractall(folder, filter="data")


def read_member(payload: bytes, name: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as tar:
        member = tar.extractfile(name)
        if member is None:
            raise PackageError("%s is not a file in the package" % name)
        return member.read()
