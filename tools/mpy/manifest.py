"""Reads a board manifest (board/<name>/manifest.py, micropython-lib style) into its file list.

    python -m tools.mpy.manifest board/esp32/manifest.py     # JSON list of repository paths

A manifest calls module("path.py") and package("dir", files=(...)): a package is every .py file
under its folder (recursively) unless `files` names them. Paths are relative to the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ESP32 = ROOT / "board" / "esp32" / "manifest.py"


def files(manifest: Path = ESP32) -> list[str]:
    """Repository paths of every Python file the manifest freezes, sorted."""
    found: set[str] = set()

    def module(path: str, base_path: str = ".", opt: object = None) -> None:
        target = ROOT / base_path / path
        if not target.is_file():
            raise FileNotFoundError(f"{manifest}: module {path} does not exist")
        found.add(target.relative_to(ROOT).as_posix())

    def package(path: str, files: tuple = None, base_path: str = ".", opt: object = None) -> None:
        folder = ROOT / base_path / path
        if not folder.is_dir():
            raise FileNotFoundError(f"{manifest}: package {path} does not exist")
        names = [folder / f for f in files] if files else sorted(folder.rglob("*.py"))
        for name in names:
            if "__pycache__" not in name.parts:
                module(name.relative_to(ROOT).as_posix())

    exec(compile(manifest.read_text(), str(manifest), "exec"),
         {"module": module, "package": package})
    return sorted(found)


if __name__ == "__main__":
    print(json.dumps(files(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ESP32)))
