"""Scratch directories for portable tests: tempfile on CPython, a unique folder on MicroPython."""

try:
    import os
except ImportError:  # pragma: no cover - old MicroPython ports name it uos
    import uos as os  # type: ignore


def make_dir(prefix):
    """A fresh private directory (tempfile where it exists, else a unique name at the root)."""
    try:
        import tempfile
        return tempfile.mkdtemp(prefix=prefix)
    except ImportError:  # pragma: no cover - MicroPython's virtual file system
        from firmware.platform import compat
        path = "/%s%d" % (prefix, compat.ticks_us())
        os.mkdir(path)
        return path


def remove_dir(path):
    """Remove a flat scratch directory and the files in it."""
    for name in os.listdir(path):
        os.remove(path + "/" + name)
    os.rmdir(path)
