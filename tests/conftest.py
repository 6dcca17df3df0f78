"""Shared test helpers: finding the real peers the interop tests need."""

import os
import shutil

import pytest

_EXTRA_DIRS = ("/usr/lib/nut", "/lib/nut", "/usr/sbin", "/sbin", "/usr/bin")


def require_tool(name: str) -> str:
    """Path of a peer program; skip on a developer machine without it, fail in CI (CI=true)."""
    path = shutil.which(name)
    if path is None:
        for d in _EXTRA_DIRS:
            candidate = os.path.join(d, name)
            if os.access(candidate, os.X_OK):
                path = candidate
                break
    if path is None:
        message = f"{name} is not installed (see tools/ci-packages.txt)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
