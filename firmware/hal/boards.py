"""The boards this build can run, and their board.toml descriptions (board/<name>/board.toml)."""

from __future__ import annotations

import os
import tomllib

_REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOARD_DIR = os.path.join(_REPOSITORY, "board")
SUPPORTED = ("sim",)


def read_board_file(name: str) -> dict:
    """The parsed board/<name>/board.toml; FileNotFoundError names the file that is missing."""
    path = os.path.join(BOARD_DIR, name, "board.toml")
    with open(path, "rb") as f:
        return tomllib.load(f)


def load_board(name: str):
    """The board object for a board name; ValueError for boards this build cannot run."""
    if name == "sim":
        from firmware.hal.sim import SimBoard
        return SimBoard()
    raise ValueError("board %r is not supported yet (supported: %s)" % (name, ", ".join(SUPPORTED)))
