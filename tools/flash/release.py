"""The release tree: every file a card runs, as {relative path: bytes}.

    firmware/ (Python sources and MIB files), board/, web/dist/ (when built), README.md, LICENSE,
    VERSION (firmware.VERSION), requirements.txt (board/rpi/requirements.txt)

The same tree is installed by `./flash.sh pi` and signed into a package by tools/package.py.
"""

from __future__ import annotations

import os
import re

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKIP_DIRS = {"__pycache__", "node_modules"}


def version(repo: str = REPOSITORY) -> str:
    """firmware.VERSION, read from its source (no import: the tree may be another release)."""
    with open(os.path.join(repo, "firmware", "__init__.py")) as f:
        found = re.search(r'^VERSION = "([^"]+)"', f.read(), re.MULTILINE)
    if not found:
        raise ValueError("firmware/__init__.py has no VERSION")
    return found.group(1)


def _walk(repo: str, top: str) -> dict[str, bytes]:
    out = {}
    for folder, dirs, files in os.walk(os.path.join(repo, top)):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, repo)] = f.read()
    return out


def release_tree(repo: str = REPOSITORY) -> dict[str, bytes]:
    """{relative path: content} of the release."""
    tree = {}
    for top in ("firmware", "board", os.path.join("web", "dist")):
        tree.update(_walk(repo, top))
    for name in ("README.md", "LICENSE"):
        path = os.path.join(repo, name)
        if os.path.exists(path):
            with open(path, "rb") as f:
                tree[name] = f.read()
    tree["VERSION"] = (version(repo) + "\n").encode()
    with open(os.path.join(repo, "board", "rpi", "requirements.txt"), "rb") as f:
        tree["requirements.txt"] = f.read()
    return tree
