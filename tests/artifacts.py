"""Where tests leave what a person may want to look at afterwards (screenshots, screen captures).

build/test-artifacts/<name>/ in the working copy (TEST_ARTIFACTS moves the root, as CI may), so
the captures of the last run are found in one place rather than in pytest's temporary folders.
"""

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def artifacts_dir(name: str) -> Path:
    """An empty folder for this run's artifacts of one kind."""
    folder = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "build" / "test-artifacts")) / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder
