"""The configuration file on flash: canonical JSON with a checksum, atomic replace, last good copy.

File layout (UTF-8; one setting a line so a person can read it, but only the checksum counts):

    {"product":"opennmc","format":1,"checksum":"crc32:1a2b3c4d","settings":{
    "auth.admin_password":"$pbkdf2-sha256$2000$...",
    ...
    "time.zone":0}}

checksum = CRC-32 (binascii.crc32, IEEE) of canonical(settings) encoded in UTF-8, where canonical()
sorts keys, adds no spaces and leaves non-ASCII characters as they are, so CPython and MicroPython
compute the same bytes. Saving writes config.json.tmp, fsyncs it, renames the current good
config.json to config.json.bak, renames the temp file to config.json and fsyncs the directory. A
power cut at any point leaves either the new file, or the old one as config.json or config.json.bak.
"""

import binascii
import json

try:
    import os
except ImportError:  # pragma: no cover - old MicroPython ports name it uos
    import uos as os  # type: ignore

from firmware.platform import durable

PRODUCT = "opennmc"
FORMAT = 1
BACKUP_SUFFIX = ".bak"
TEMP_SUFFIX = ".tmp"


def _string(text):
    out = ['"']
    for c in text:
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif ord(c) < 32:
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def canonical(value):
    """JSON text with sorted keys and no spaces, identical on CPython and MicroPython."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(_string(k) + ":" + canonical(value[k]) for k in sorted(value)) + "}"
    raise TypeError("cannot store %r" % (value,))


def checksum(settings):
    return "crc32:%08x" % (binascii.crc32(canonical(settings).encode()) & 0xFFFFFFFF)


def render(settings, header=None):
    """The file text: header fields, checksum, then one setting a line."""
    head = {"product": PRODUCT, "format": FORMAT}
    if header:
        head.update(header)
    head["checksum"] = checksum(settings)
    fields = [_string(k) + ":" + canonical(head[k]) for k in sorted(head)]
    lines = [_string(k) + ":" + canonical(settings[k]) for k in sorted(settings)]
    return "{" + ",".join(fields) + ',"settings":{\n' + ",\n".join(lines) + "}}\n"


def parse(text):
    """(header, settings) of a file's text; ValueError saying what is wrong."""
    try:
        doc = json.loads(text)
    except ValueError:
        raise ValueError("not valid JSON (damaged or truncated)")
    if not isinstance(doc, dict) or not isinstance(doc.get("settings"), dict):
        raise ValueError("no settings object")
    if doc.get("product") != PRODUCT:
        raise ValueError("not an %s configuration (product %r)" % (PRODUCT, doc.get("product")))
    if doc.get("format") != FORMAT:
        raise ValueError("unsupported format %r" % (doc.get("format"),))
    settings = doc.pop("settings")
    if doc.get("checksum") != checksum(settings):
        raise ValueError("checksum mismatch (file %r)" % (doc.get("checksum"),))
    return doc, settings


def read(path):
    """(settings, None) for a good file; (None, None) when absent; (None, reason) when bad."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError:
        return None, None
    try:
        return parse(raw.decode())[1], None
    except (ValueError, UnicodeError) as exc:
        return None, str(exc)


exists = durable.exists


def _open_private(path):
    """A new file only the owner can read (the configuration holds password hashes)."""
    if hasattr(os, "open") and hasattr(os, "O_CREAT"):
        try:
            os.remove(path)            # a leftover (or a planted link) is not written through
        except OSError:
            pass
        return open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
    return open(path, "wb")  # pragma: no cover - MicroPython: no file modes on flash


def make_private(path):
    """Narrow an existing file to its owner (files written before the card did so)."""
    if hasattr(os, "chmod"):
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass


def write_atomic(path, text, keep_previous=True):
    """Write text to path atomically; the current file becomes path.bak when keep_previous."""
    tmp = path + TEMP_SUFFIX
    with _open_private(tmp) as f:
        f.write(text.encode())
        durable.fsync_file(f)
    if keep_previous and exists(path):
        make_private(path)
        durable.replace(path, path + BACKUP_SUFFIX)
    durable.replace(tmp, path)
    durable.fsync_dir(path)


def write_private(path, data):
    """Create a small file only the owner can read (the card's sealing key)."""
    with _open_private(path + TEMP_SUFFIX) as f:
        f.write(data)
        durable.fsync_file(f)
    durable.replace(path + TEMP_SUFFIX, path)
    durable.fsync_dir(path)
