"""Runs every portable unit-test file (module-level `PORTABLE = True`) under real MicroPython.

Each file gets its own Node process running tools/mpy/run.mjs (the WebAssembly port of
MicroPython 1.27 from the npm registry), which exits non-zero when any test fails or raises.
"""

import fcntl
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tools.mpy import manifest

ROOT = Path(__file__).resolve().parent.parent
RUNNER_DIR = ROOT / "tools" / "mpy"
UNIT_DIR = ROOT / "tests" / "unit"
PACKAGE = RUNNER_DIR / "node_modules" / "@micropython" / "micropython-webassembly-pyscript"
_PORTABLE = re.compile(r"^PORTABLE\s*=\s*True\b", re.MULTILINE)


def portable_test_files() -> list[str]:
    """Names of tests/unit files that declare themselves portable."""
    files = UNIT_DIR.glob("test_*.py")
    return sorted(p.name for p in files if _PORTABLE.search(p.read_text(encoding="utf-8")))


@pytest.fixture(scope="session")
def node() -> str:
    """Node, with the MicroPython package installed from the lock file once."""
    node_path = require_tool("node")
    if not (PACKAGE / "package.json").exists():
        npm = require_tool("npm")
        # Several test runs may start at once: one installs, the others wait for it.
        with open(RUNNER_DIR / "package.json", "rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (PACKAGE / "package.json").exists():
                done = subprocess.run(
                    [npm, "ci", "--no-audit", "--no-fund"],
                    cwd=RUNNER_DIR,
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
    return node_path


def test_some_unit_tests_are_portable() -> None:
    assert "test_rtu.py" in portable_test_files()


@pytest.mark.timeout(180)
@pytest.mark.parametrize("name", portable_test_files())
def test_portable_unit_tests_pass_under_micropython(node: str, name: str) -> None:
    done = subprocess.run(
        [node, str(RUNNER_DIR / "run.mjs"), str(UNIT_DIR / name)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=150,
        env={**os.environ, "MPY_TEST_DEADLINE_MS": "120000",
             "MPY_FILES": json.dumps(manifest.files())},
    )
    report = f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, report
    assert re.search(r"Ran [1-9]\d* tests: 0 failures, 0 errors", done.stdout), report
