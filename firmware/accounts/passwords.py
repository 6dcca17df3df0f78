"""Password hashing (salted PBKDF2-HMAC-SHA256) and sealing of secrets the card must send in clear.

Two kinds of credentials live in the configuration:

- login passwords (admin, users) are only ever *checked*: they are stored as a salted hash,
      $pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>
  the same format as the NUT accounts, so one verify function serves every login;
- secrets the card has to present to someone else (SMTP and DDNS passwords, RADIUS shared secrets,
  SNMP communities and USM passwords) cannot be hashed; they are sealed at rest with a per-card key
      $seal1$<nonce hex>$<ciphertext hex>$<tag hex>
  where the keystream is SHA-256(enc_key | nonce | counter) and the tag HMAC-SHA256(mac_key, nonce |
  ciphertext) truncated to 16 bytes (encrypt-then-MAC). Only hashlib.sha256 is needed, which every
  MicroPython port has; CPython's hashlib.pbkdf2_hmac gives the same result faster.
"""

import binascii
import hashlib
import struct

try:
    import os
except ImportError:  # pragma: no cover - old MicroPython ports name it uos
    import uos as os  # type: ignore

from firmware.platform import compat

HASH_PREFIX = "$pbkdf2-sha256$"
SEAL_PREFIX = "$seal1$"
# A login is checked once per session; 2000 rounds cost well under a second in pure Python on an
# ESP32 yet make offline guessing thousands of times slower than one SHA-256.
ITERATIONS = 2000
# Stored hashes are accepted only with the card's own cost, within this range: a hash that sets
# its own cost (a million rounds in a restored file) would make each login stall the card.
ITERATIONS_RANGE = (1000, 10000)


def _sha256(data):
    return hashlib.sha256(data).digest()


def hmac_sha256(key, msg):
    """HMAC-SHA256 (RFC 2104); MicroPython has no hmac module."""
    if len(key) > 64:
        key = _sha256(key)
    key = key + b"\x00" * (64 - len(key))
    inner = _sha256(bytes(b ^ 0x36 for b in key) + msg)
    return _sha256(bytes(b ^ 0x5C for b in key) + inner)


def pbkdf2_sha256(password, salt, iterations):
    """PBKDF2-HMAC-SHA256, one 32-byte block (RFC 8018); bytes in, 32 bytes out."""
    if hasattr(hashlib, "pbkdf2_hmac"):
        return hashlib.pbkdf2_hmac("sha256", password, salt, iterations)
    return pbkdf2_sha256_pure(password, salt, iterations)


def pbkdf2_sha256_pure(password, salt, iterations):
    """The same, with hashlib.sha256 only (MicroPython)."""
    u = hmac_sha256(password, salt + b"\x00\x00\x00\x01")
    out = bytearray(u)
    for _ in range(iterations - 1):
        u = hmac_sha256(password, u)
        for i in range(32):
            out[i] ^= u[i]
    return bytes(out)


def random_bytes(n):
    """n random bytes from os.urandom; else clocks mixed through SHA-256 (unique, not secret)."""
    if hasattr(os, "urandom"):
        try:
            return os.urandom(n)
        except (OSError, NotImplementedError):
            pass
    out = b""
    while len(out) < n:
        seed = "%r:%r:%r:%d" % (compat.ticks_us(), compat.epoch_time(), id(object()), len(out))
        out += _sha256(seed.encode())
    return out[:n]


def _hex(data):
    return binascii.hexlify(data).decode()


def _equal(a, b):
    """Constant-time comparison of two byte strings."""
    if len(a) != len(b):
        return False
    diff = 0
    for x, y in zip(a, b):
        diff |= x ^ y
    return diff == 0


def is_hash(text):
    return isinstance(text, str) and text.startswith(HASH_PREFIX)


def hash_password(password, salt=None, iterations=ITERATIONS):
    """'$pbkdf2-sha256$ITER$SALT$HASH' for a plain password."""
    if salt is None:
        salt = random_bytes(16)
    digest = pbkdf2_sha256(password.encode(), salt, iterations)
    return "%s%d$%s$%s" % (HASH_PREFIX, iterations, _hex(salt), _hex(digest))


def parse_hash(stored):
    """(iterations, salt, digest) of a stored hash; ValueError when it is not one."""
    if not is_hash(stored):
        raise ValueError("not a password hash")
    fields = stored[len(HASH_PREFIX):].split("$")
    if len(fields) != 3:
        raise ValueError("password hash needs iterations, salt and digest")
    if not fields[0].isdigit():
        raise ValueError("password hash iterations are not a number")
    iterations = int(fields[0])
    if not ITERATIONS_RANGE[0] <= iterations <= ITERATIONS_RANGE[1]:
        raise ValueError("password hash iterations %d outside %d..%d"
                         % ((iterations,) + ITERATIONS_RANGE))
    try:
        salt = binascii.unhexlify(fields[1])
        digest = binascii.unhexlify(fields[2])
    except (ValueError, TypeError):   # binascii.Error is a ValueError
        raise ValueError("password hash is not hexadecimal")
    if not 8 <= len(salt) <= 64 or len(digest) != 32:
        raise ValueError("password hash has a short salt or digest")
    return iterations, salt, digest


def verify_password(password, stored):
    """True when the plain password matches the stored hash."""
    if not isinstance(password, str):
        return False
    try:
        iterations, salt, digest = parse_hash(stored)
    except ValueError:
        return False
    return _equal(pbkdf2_sha256(password.encode(), salt, iterations), digest)


def _keys(key):
    return _sha256(b"opennmc-enc" + key), _sha256(b"opennmc-mac" + key)


def _keystream_xor(enc_key, nonce, data):
    out = bytearray(len(data))
    for block in range(0, len(data), 32):
        pad = _sha256(enc_key + nonce + struct.pack(">I", block // 32))
        for i in range(min(32, len(data) - block)):
            out[block + i] = data[block + i] ^ pad[i]
    return bytes(out)


def is_sealed(text):
    return isinstance(text, str) and text.startswith(SEAL_PREFIX)


def seal(key, plain):
    """Sealed text of a secret for storage at rest."""
    enc_key, mac_key = _keys(key)
    nonce = random_bytes(12)
    body = _keystream_xor(enc_key, nonce, plain.encode())
    tag = hmac_sha256(mac_key, nonce + body)[:16]
    return "%s%s$%s$%s" % (SEAL_PREFIX, _hex(nonce), _hex(body), _hex(tag))


def unseal(key, sealed):
    """The plain secret; ValueError when the text is damaged or was sealed with another key."""
    if not is_sealed(sealed):
        raise ValueError("not a sealed secret")
    fields = sealed[len(SEAL_PREFIX):].split("$")
    if len(fields) != 3:
        raise ValueError("sealed secret needs nonce, body and tag")
    nonce, body, tag = [binascii.unhexlify(f) for f in fields]
    enc_key, mac_key = _keys(key)
    if not _equal(hmac_sha256(mac_key, nonce + body)[:16], tag):
        raise ValueError("sealed secret does not match the card key")
    return _keystream_xor(enc_key, nonce, body).decode()
