"""NTS on Linux boards through the system's chronyd: render its configuration, reload its sources.

NTS (RFC 8915) needs a TLS key exchange that the portable SNTP client does not do; chronyd does it
and disciplines the system clock, which the card clock follows (its offset stays 0). The card
writes one source file into chronyd's `sourcedir` (Debian: /etc/chrony/sources.d/) and asks the
running daemon to re-read it (`chronyc reload sources`); no restart, no other file touched:

    server time.example.org iburst nts [port N]

render_config() gives a complete standalone chronyd configuration with the same line, for boards
without a distribution chrony configuration; `chronyd -p -f FILE` checks either.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile

SOURCES_FILE = "opennmc.sources"
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.:-]{1,253})$")


class ChronyError(RuntimeError):
    """chronyc refused a request or could not reach chronyd."""


def check_host(host: str) -> str:
    """A host name or address safe to put on a chrony directive line; ValueError otherwise."""
    if not isinstance(host, str) or not _HOST.fullmatch(host.strip()) \
            or host.strip().startswith("-"):
        raise ValueError(f"not a host name or address: {host!r}")
    return host.strip().strip("[]")


def source_line(host: str, nts: bool = True, port: int | None = None) -> str:
    """The chrony `server` directive for one time server."""
    host = check_host(host)
    line = f"server {host} iburst"
    if nts:
        line += " nts"
    if port is not None:
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise ValueError(f"bad NTP port {port!r}")
        line += f" port {port}"
    return line + "\n"


def render_sources(host: str, nts: bool = True, port: int | None = None) -> str:
    """The content of the source file the card keeps in chronyd's sourcedir."""
    return "# Written by opennmc: the time server set on the card.\n" + source_line(host, nts, port)


def render_config(host: str, state_dir: str, nts: bool = True, port: int | None = None) -> str:
    """A complete chronyd configuration keeping its state under state_dir."""
    return "".join((
        render_sources(host, nts, port),
        f"driftfile {state_dir}/chrony.drift\n",
        f"ntsdumpdir {state_dir}\n",
        "makestep 1 3\n",          # step at start-up when far off, then slew
        "rtcsync\n",
    ))


def _write_atomic(path: str, text: str) -> None:
    folder = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".opennmc-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class ChronyService:
    """Keeps one source file in chronyd's sourcedir and reloads the daemon after each change."""

    def __init__(self, sourcedir: str = "/etc/chrony/sources.d", chronyc: str = "chronyc",
                 socket: str | None = None, timeout_s: float = 10.0) -> None:
        self.path = os.path.join(sourcedir, SOURCES_FILE)
        self.chronyc = chronyc
        self.socket = socket           # chronyd's command socket; None: chronyc's default
        self.timeout_s = timeout_s
        self.server: str | None = None
        self.nts = False
        self.last_error: str | None = None

    def _chronyc(self, *args: str) -> str:
        cmd = [self.chronyc]
        if self.socket:
            cmd += ["-h", self.socket]
        cmd += list(args)
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=self.timeout_s,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ChronyError(f"chronyc {' '.join(args)}: {exc}") from None
        if done.returncode != 0:
            raise ChronyError(f"chronyc {' '.join(args)}: "
                              f"{(done.stderr or done.stdout).strip()}")
        return done.stdout

    def apply(self, host: str, nts: bool = True, port: int | None = None) -> bool:
        """Write the source file (if it changed) and reload chronyd's sources; True if changed.

        A bad host raises ValueError before anything is written."""
        text = render_sources(host, nts, port)
        try:
            with open(self.path) as f:
                changed = f.read() != text
        except OSError:
            changed = True
        if changed:
            _write_atomic(self.path, text)
        self.server, self.nts = check_host(host), nts
        self.reload()
        return changed

    def remove(self) -> None:
        """Withdraw the card's source (NTS turned off) and reload."""
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            return
        self.server = None
        self.reload()

    def reload(self) -> None:
        try:
            self._chronyc("reload", "sources")
            self.last_error = None
        except ChronyError as exc:
            self.last_error = str(exc)
            raise

    def sources(self) -> str:
        """`chronyc -n sources` as text, for the diagnostics page."""
        return self._chronyc("-n", "sources")

    def status(self) -> dict:
        return {"path": self.path, "server": self.server, "nts": self.nts,
                "last_error": self.last_error}
