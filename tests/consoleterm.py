"""Drive the card's configuration console with real terminal programs, for tests.

    term = ssh_menu(card, "admin", PASSWORD, tmp_path)        # OpenSSH's ssh on a pty
    term = serial_menu(card.ready["console"])                 # pyserial-miniterm on the console
    screen = choose(term, "1")                                # type, wait for the next prompt
    shots.save("main-menu", screen)                           # a screen capture for the artifacts

Screens are what the terminal received between two prompts, with the CR of each line removed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pexpect

from tests.conftest import require_tool

PROMPT = "=> "
TIMEOUT_S = 30
ENV = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "LANG": "C.UTF-8"}


def ssh_argv(address: str, user: str, known_hosts: Path | None = None,
             strict: bool = False, options: tuple = ()) -> list[str]:
    """OpenSSH's ssh with no user configuration, password logins only, to `address`."""
    host, port = address.rsplit(":", 1)
    hosts = str(known_hosts) if known_hosts else "/dev/null"
    return [require_tool("ssh"), "-F", "/dev/null", "-p", port,
            "-o", "UserKnownHostsFile=" + hosts,
            "-o", "StrictHostKeyChecking=" + ("yes" if strict else "no"),
            "-o", "GlobalKnownHostsFile=/dev/null", "-o", "PubkeyAuthentication=no",
            "-o", "PreferredAuthentications=keyboard-interactive,password",
            "-o", "NumberOfPasswordPrompts=1", "-o", "ConnectTimeout=10", *options,
            "%s@%s" % (user, host)]


def ssh_login(address: str, user: str, password: str, term: str = "dumb",
              known_hosts: Path | None = None) -> pexpect.spawn:
    """An interactive ssh session (a pseudo-terminal is asked for), the password typed."""
    argv = ssh_argv(address, user, known_hosts, options=("-tt",))
    child = pexpect.spawn(argv[0], argv[1:], env=dict(ENV, TERM=term), encoding="utf-8",
                          timeout=TIMEOUT_S, dimensions=(40, 80))
    child.expect("assword:")
    child.sendline(password)
    return child


def ssh_command(address: str, user: str, password: str, *command: str,
                timeout: float = 60) -> subprocess.CompletedProcess:
    """`sshpass -p PASSWORD ssh USER@card COMMAND...`: one command, as a script runs it."""
    return subprocess.run([require_tool("sshpass"), "-p", password]
                          + ssh_argv(address, user) + list(command),
                          capture_output=True, text=True, timeout=timeout, env=ENV)


def serial_terminal(device: str) -> pexpect.spawn:
    """pyserial-miniterm (a terminal program users have) on the console's serial device."""
    miniterm = str(Path(sys.executable).parent / "pyserial-miniterm")   # pyserial's, beside us
    if not os.access(miniterm, os.X_OK):
        miniterm = require_tool("pyserial-miniterm")
    child = pexpect.spawn(miniterm, ["--raw", "--eol", "CR", device, "115200"],
                          env=dict(ENV, TERM="dumb"), encoding="utf-8", timeout=TIMEOUT_S,
                          dimensions=(40, 80))
    child.expect("Quit: Ctrl")
    return child


def screen_of(child: pexpect.spawn) -> str:
    """What the terminal showed before the prompt it just matched."""
    return (child.before + (child.after if isinstance(child.after, str) else "")).replace(
        "\r", "")


def choose(child: pexpect.spawn, text: str, expect: str = PROMPT) -> str:
    """Type a line (Enter as the terminal sends it) and return the screen up to the next
    prompt."""
    child.send(text + "\r")
    child.expect(expect)
    return screen_of(child)


class Shots:
    """Screen captures of the console, one text file per screen, in a folder of the test run."""

    def __init__(self, folder: Path) -> None:
        """Keep the captures in `folder`."""
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.names: list[str] = []

    def save(self, name: str, screen: str) -> str:
        """Write one screen; lines must fit 80 columns and carry no ANSI sequence."""
        lines = screen.split("\n")
        assert all(len(line) <= 80 for line in lines), [x for x in lines if len(x) > 80]
        assert "\x1b" not in screen, name
        (self.folder / (name + ".txt")).write_text(screen)
        self.names.append(name)
        return screen
