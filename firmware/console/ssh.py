"""The configuration console over SSH (asyncssh, CPython boards): menu, logins, one-shot commands.

    client                                   card
    ssh -p 2222 admin@card            ->     password checked by the card's login guard
                                      <-     the menu on the client's pseudo-terminal
    ssh admin@card status             ->     one command (commands.py), JSON on stdout, exit code
    ssh admin@card 'config get poll.rate'

Only password logins (keyboard-interactive asks for the same password): every attempt goes to
card.accounts.login(name, password, address, "ssh"), which counts failures per account and per
address, answers them after a delay and locks out; a refusal for a lock is said in an
authentication banner. No public keys, port forwarding, agent or X11 forwarding, SFTP or other
subsystems. The host key (Ed25519) is made at the first start in the data folder (mode 0600)
and kept, so clients see the same card after every restart.

Bounds: at most max_sessions connections at once, counted from the TCP connection on (one more
is closed at once and counted), LOGIN_TIMEOUT_S to log in, a line of at most 200 characters, a
one-shot command of at most 4 KiB, output a client does not read closes its connection after
DRAIN_TIMEOUT_S, and the card's Login Timeout without a keystroke ends a menu session.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

import asyncssh

from firmware.console import commands
from firmware.console.session import LOGIN_TIMEOUT_S, Session
from firmware.console.terminal import Terminal, ansi_terminal

if TYPE_CHECKING:
    from firmware.console.feature import Console

HOST_KEY_NAME = "ssh_host_ed25519_key"
DRAIN_TIMEOUT_S = 30.0
READ_CHUNK = 1024


def load_host_key(path: str | None) -> asyncssh.SSHKey:
    """The card's host key from `path`, made (mode 0600) when there is none; ValueError when the
    file is there but unreadable: replacing it silently would look like an impostor."""
    if path is None:
        return asyncssh.generate_private_key("ssh-ed25519")
    try:
        key = asyncssh.read_private_key(path)
    except FileNotFoundError:
        pass
    except (OSError, asyncssh.KeyImportError) as exc:
        raise ValueError("SSH host key %s unreadable (%s); remove it to make a new one"
                         % (path, exc)) from None
    else:
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, 0o600)
        return key
    key = asyncssh.generate_private_key("ssh-ed25519")
    tmp = path + ".new"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, key.export_private_key())
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    return key


class _Connection(asyncssh.SSHServer):
    """One client connection: its address, its admission, its login."""

    def __init__(self, console: SshConsole) -> None:
        """Belongs to `console`, which admits and counts it."""
        self.console = console
        self.conn: asyncssh.SSHServerConnection | None = None
        self.address = "?"
        self.user: str | None = None
        self.access: str | None = None
        self.admitted = False

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        """Admit the connection within max_sessions, else close it at once."""
        self.conn = conn
        peer = conn.get_extra_info("peername")
        self.address = peer[0] if peer else "?"
        self.admitted = self.console.admit(self)
        if not self.admitted:
            asyncio.get_running_loop().call_soon(conn.close)

    def connection_lost(self, exc: Exception | None) -> None:
        """Free its place."""
        self.console.release(self)

    def begin_auth(self, username: str) -> bool:
        """Every user logs in with a password."""
        return True

    def password_auth_supported(self) -> bool:
        """Passwords (and keyboard-interactive asking for one) are the only way in."""
        return self.admitted

    async def validate_password(self, username: str, password: str) -> bool:
        """The card's login guard decides; a lock is said in a banner."""
        access, why = await self.console.card.accounts.login(username, password,
                                                             self.address, "ssh")
        if access is None:
            if why and "locked" in why and self.conn is not None:
                try:
                    self.conn.send_auth_banner("Login refused: %s\r\n" % why)
                except OSError:
                    pass
            return False
        self.user, self.access = username, access
        return True


class SshConsole:
    """The SSH server of the console feature."""

    def __init__(self, feature: Console, host_key_path: str | None, port: int, bind: str,
                 max_sessions: int) -> None:
        """Serve the feature's card on bind:port with the host key kept at host_key_path."""
        self.feature = feature
        self.card = feature.card
        self.host_key_path = host_key_path
        self.port = port
        self.bind = bind
        self.max_sessions = max_sessions
        self.key: asyncssh.SSHKey | None = None
        self._acceptor: asyncssh.SSHAcceptor | None = None
        self._connections: set[_Connection] = set()
        self._sessions: dict[asyncio.Task, dict] = {}
        self.refused = 0
        self.menus = 0
        self.commands = 0

    # --- life cycle ------------------------------------------------------------------------------
    async def listen(self) -> None:
        """Start listening (OSError: port in use, address not here)."""
        if self.key is None:
            self.key = load_host_key(self.host_key_path)
        self._acceptor = await asyncssh.create_server(
            lambda: _Connection(self), self.bind, self.port, server_host_keys=[self.key],
            process_factory=self._process, line_editor=False, login_timeout=LOGIN_TIMEOUT_S,
            allow_pty=True, agent_forwarding=False, x11_forwarding=False, gss_host=None,
            encoding="utf-8", keepalive_interval=60, keepalive_count_max=3)
        self.port = self._acceptor.get_port()

    async def close_listener(self) -> None:
        """Stop taking connections; open sessions go on until they end."""
        if self._acceptor is not None:
            self._acceptor.close()
            await self._acceptor.wait_closed()
            self._acceptor = None

    async def stop(self) -> None:
        """Stop listening and close every connection."""
        await self.close_listener()
        for connection in list(self._connections):
            if connection.conn is not None:
                connection.conn.close()
        current = asyncio.current_task()
        tasks = [t for t in self._sessions if t is not current]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)

    @property
    def listening(self) -> bool:
        """True while new connections are taken."""
        return self._acceptor is not None

    # --- connections -----------------------------------------------------------------------------
    def admit(self, connection: _Connection) -> bool:
        """True when there is room for one more connection."""
        if len(self._connections) >= self.max_sessions:
            self.refused += 1
            return False
        self._connections.add(connection)
        return True

    def release(self, connection: _Connection) -> None:
        """A connection ended."""
        self._connections.discard(connection)

    async def _process(self, process: asyncssh.SSHServerProcess) -> None:
        """One shell, exec or subsystem request of a logged-in client."""
        connection = process.get_extra_info("connection").get_owner()
        task = asyncio.current_task()
        self._sessions[task] = {"user": connection.user, "address": connection.address,
                                "since": self.card.clock.now(),
                                "kind": "command" if process.command is not None else "menu"}
        try:
            if process.subsystem:
                process.stderr.write("opennmc: no subsystem here (%s)\n" % process.subsystem)
                process.exit(1)
            elif process.command is not None:
                await self._command(process, connection)
            else:
                await self._menu(process, connection)
        except (OSError, asyncssh.Error):
            pass                       # the client went away
        finally:
            self._sessions.pop(task, None)
            if not process.is_closing():
                process.close()

    async def _command(self, process: asyncssh.SSHServerProcess, connection: _Connection) -> None:
        self.commands += 1
        feature = self.feature
        user = connection.user
        role = "admin" if user == "admin" else connection.access
        code, out, err = await commands.run(process.command, feature.ops,
                                            feature.caller(user, "ssh"), role,
                                            must_change=self.card.accounts.must_change(user))
        crlf = process.get_terminal_type() is not None
        for stream, text in ((process.stdout, out), (process.stderr, err)):
            if text:
                stream.write(text.replace("\n", "\r\n") if crlf else text)
        await self._drain(process)
        process.exit(code)

    async def _menu(self, process: asyncssh.SSHServerProcess, connection: _Connection) -> None:
        self.menus += 1
        term_type = process.get_terminal_type()
        pty = term_type is not None

        async def read() -> str:
            while True:
                try:
                    return await process.stdin.read(READ_CHUNK)
                except asyncssh.BreakReceived:
                    return "\x03"      # a break (~B) goes back like Ctrl-C
                except (asyncssh.TerminalSizeChanged, asyncssh.SignalReceived):
                    continue           # the menu is 79 columns whatever the window
                except (OSError, asyncssh.Error):
                    return ""

        term = Terminal(read, process.stdout.write, lambda: self._drain(process), echo=pty,
                        crlf=pty, ansi=pty and ansi_terminal(term_type))
        session = Session(self.card, self.feature.ops, term, "ssh", connection.address,
                          user=connection.user, access=connection.access)
        await session.run()
        await self._drain(process)
        process.exit(0)

    @staticmethod
    async def _drain(process: asyncssh.SSHServerProcess) -> None:
        """Wait for the output to leave; a client that does not read it is disconnected."""
        try:
            await asyncio.wait_for(process.stdout.drain(), DRAIN_TIMEOUT_S)
        except asyncio.TimeoutError:
            process.get_extra_info("connection").close()
        except (OSError, asyncssh.Error):
            pass

    # --- status ----------------------------------------------------------------------------------
    def status(self) -> dict:
        """Listening address, host key, connections and sessions, refusals."""
        return {"listening": self.listening, "bind": self.bind, "port": self.port,
                "max_sessions": self.max_sessions,
                "host_key": self.key.get_fingerprint() if self.key is not None else None,
                "connections": len(self._connections), "refused": self.refused,
                "menus": self.menus, "commands": self.commands,
                "sessions": sorted(self._sessions.values(), key=lambda s: s["since"])}
