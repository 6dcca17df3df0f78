"""The boards this build can run, and their board.toml descriptions (board/<name>/board.toml)."""

from __future__ import annotations

import os
import tomllib

_REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOARD_DIR = os.path.join(_REPOSITORY, "board")
SUPPORTED = ("sim", "rpi")
# The installed card names its own board.toml (the installer writes /etc/opennmc/board.toml).
BOARD_FILE_ENV = "OPENNMC_BOARD_FILE"


def read_board_file(name: str) -> dict:
    """The parsed board/<name>/board.toml; FileNotFoundError names the file that is missing."""
    path = os.path.join(BOARD_DIR, name, "board.toml")
    with open(path, "rb") as f:
        return tomllib.load(f)


def read_board_path(path: str) -> dict:
    """A parsed board.toml at `path`; ValueError says what is wrong with it."""
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except OSError as exc:
        raise ValueError("board file %s: %s" % (path, exc.strerror or exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ValueError("board file %s: %s" % (path, exc)) from None


def load_board(name: str):
    """The board object for a board name; ValueError for boards this build cannot run."""
    if name == "sim":
        from firmware.hal.sim import SimBoard
        return SimBoard()
    if name == "rpi":
        from firmware.hal.rpi import RpiBoard
        path = os.environ.get(BOARD_FILE_ENV)
        spec = read_board_path(path) if path else read_board_file("rpi")
        try:
            return RpiBoard(spec)
        except (KeyError, TypeError) as exc:
            raise ValueError("board file %s lacks %s" % (path or "board/rpi/board.toml", exc))
    raise ValueError("board %r is not supported yet (supported: %s)" % (name, ", ".join(SUPPORTED)))
