"""When each login password was set: the age that auth.password_validity is measured against.

    ages = PasswordAges(path, now)
    ages.reconcile({"admin": "$pbkdf2-sha256$...", "ops": "$pbkdf2-..."})   # after any change
    ages.set_at("admin")      # epoch seconds, or None when the account has no password of its own

The file (DATA/passwords.json, mode 0600) holds, per account, a short fingerprint of the stored
hash and the time it was first seen, never a password or a hash. Whatever changed a password (the
web, the console, a restored backup, a reset), the next reconcile() sees another fingerprint and
starts its age from now.
"""

import binascii
import hashlib
import json

from firmware.settings import store


def fingerprint(secret):
    return binascii.hexlify(hashlib.sha256(secret.encode()).digest()[:8]).decode()


class PasswordAges:
    """Set times of the accounts' passwords, kept in a small private file."""

    def __init__(self, path, now):
        self.path = path
        self._now = now
        self._seen = {}
        if path:
            try:
                with open(path) as f:
                    data = json.load(f)
                if isinstance(data, dict):
                    self._seen = {k: v for k, v in data.items()
                                  if isinstance(v, list) and len(v) == 2}
            except (OSError, ValueError):
                self._seen = {}      # lost or damaged: every password counts from now

    def reconcile(self, secrets):
        """Take the accounts {name: stored hash or ""} as they are now; save when it changed."""
        seen = {}
        for name, secret in secrets.items():
            if not secret:
                continue            # the first-access password: no age, it must be changed
            mark = fingerprint(secret)
            old = self._seen.get(name)
            seen[name] = old if old is not None and old[0] == mark else [mark, int(self._now())]
        if seen != self._seen:
            self._seen = seen
            if self.path:
                try:
                    store.write_private(self.path, json.dumps(seen, sort_keys=True).encode())
                except OSError as exc:
                    print("password ages not saved:", exc)
        return seen

    def set_at(self, name):
        entry = self._seen.get(name)
        return entry[1] if entry is not None else None
