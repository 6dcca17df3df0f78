"""Durable file primitives for flash storage: exists, fsync a file, replace, fsync a directory.

Shared by the ring logs and the configuration store so both survive a power cut the same way. On
MicroPython there is no fsync and directories cannot be opened: flush() commits the file on littlefs
and the directory step is a no-op there.
"""

try:
    import os
except ImportError:  # pragma: no cover - old MicroPython ports name it uos
    import uos as os  # type: ignore


def exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def fsync_file(f):
    """Flush a file object and, where the platform has it, force it to storage."""
    f.flush()
    if hasattr(os, "fsync"):
        os.fsync(f.fileno())


def replace(src, dst):
    """Rename src over dst; FAT-style filesystems refuse that, so remove dst first there."""
    try:
        os.rename(src, dst)
    except OSError:
        os.remove(dst)
        os.rename(src, dst)


def fsync_dir(path):
    """fsync the directory holding path so a rename into it survives a power cut (POSIX)."""
    if not hasattr(os, "fsync") or not hasattr(os, "O_RDONLY"):
        return
    cut = path.rfind("/")
    folder = path[:cut] if cut > 0 else ("/" if cut == 0 else ".")
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def mkdir(path, mode=0o700):
    """Create a private folder (the card's data holds password hashes); OSError if it exists."""
    try:
        os.mkdir(path, mode)
    except TypeError:  # pragma: no cover - MicroPython's mkdir takes no mode
        os.mkdir(path)
