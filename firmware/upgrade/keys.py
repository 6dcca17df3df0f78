"""The Ed25519 public keys a firmware package must be signed with (32 bytes each, in hex).

The release key of the project: packages are signed with its private half, which never enters
this repository (tools/package.py keygen makes a pair; tools/package.py build signs). A new key
is added here before the old one is retired, so a card can take the package that brings it.
"""

RELEASE_KEYS = (
    "4ed0534cd1929f4fac15cd289c777e951828b79fcd835b1129778e2c7a694a16",
)
