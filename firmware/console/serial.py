"""The configuration console on a serial line (CPython boards): USB gadget serial or a pty.

    line = SerialConsole(feature, "/dev/ttyGS0")                         # a device, opened raw
    line = SerialConsole(feature, DATA + "/console.tty", pseudo=True)    # the simulated board
    await line.start() ... await line.stop()

On a Raspberry Pi with USB gadget serial (manual §9.5: a PC sees the card as a serial port over
its USB cable) the device is /dev/ttyGS0; board.toml or console.device may name any other tty.
The simulated board has no USB: the card makes a pseudo-terminal and links its terminal end at
the path (in the data folder), for a terminal program (screen, picocom, pyserial-miniterm).

One session at a time: the login prompt, the menus, then the login prompt again. The line is
raw (no echo, no line discipline): the menu engine echoes and edits. When the other end goes
away (the USB cable pulled, the terminal program closed) the session ends and the line is tried
again every RETRY_S seconds; output nobody reads is dropped after WRITE_TIMEOUT_S, and at most
MAX_OUTPUT bytes wait to be sent, as on a wire with nobody listening.
"""

from __future__ import annotations

import asyncio
import codecs
import errno
import os
import termios
import tty
from typing import TYPE_CHECKING

from firmware.console.session import Session
from firmware.console.terminal import Terminal

if TYPE_CHECKING:
    from firmware.console.feature import Console

RETRY_S = 0.5
WRITE_TIMEOUT_S = 5.0
MAX_OUTPUT = 64 * 1024
READ_CHUNK = 1024
BAUD = termios.B115200       # a real UART's speed; USB gadget serial and ptys ignore it


def _set_raw(fd: int) -> None:
    tty.setraw(fd)
    attrs = termios.tcgetattr(fd)
    attrs[4] = attrs[5] = BAUD
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def make_link(link: str, target: str) -> None:
    """Point the symbolic link `link` at `target`; a file that is not a link is never replaced."""
    if os.path.lexists(link) and not os.path.islink(link):
        raise OSError(errno.EEXIST, "%s exists and is not a link: not replaced" % link)
    tmp = link + ".new"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(target, tmp)
    os.replace(tmp, link)


class SerialConsole:
    """The serial line of the console feature and the one session on it."""

    def __init__(self, feature: Console, device: str, pseudo: bool = False) -> None:
        """Serve the feature's card on `device` (a tty path, or the link of a new pty)."""
        self.feature = feature
        self.device = device
        self.pseudo = pseudo
        self.terminal_path: str | None = None   # the pty's own name, behind the link
        self._fd: int | None = None
        self._attached = False
        self._chunks: list[str] = []
        self._input = asyncio.Event()
        self._out = bytearray()
        self._sent = asyncio.Event()
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self._task: asyncio.Task | None = None
        self.session: Session | None = None
        self.error: str | None = None
        self.sessions = 0
        self.dropped = 0

    # --- life cycle ------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the line (or make the pseudo-terminal) and serve it."""
        if self.pseudo:
            master, slave = os.openpty()
            try:
                _set_raw(slave)
                self.terminal_path = os.ttyname(slave)
            finally:
                os.close(slave)
            self._fd = master
            os.set_blocking(master, False)
            try:
                make_link(self.device, self.terminal_path)
            except OSError:
                os.close(master)
                self._fd = None
                raise
        self._task = asyncio.get_running_loop().create_task(self._serve())

    async def stop(self) -> None:
        """End the session, close the line, remove the pseudo-terminal's link."""
        if self._task is not None:
            self._task.cancel()
            if self._task is not asyncio.current_task():
                await asyncio.wait([self._task], timeout=5)
            self._task = None
        self._detach()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self.pseudo and os.path.islink(self.device):
            os.unlink(self.device)

    # --- the line --------------------------------------------------------------------------------
    async def _serve(self) -> None:
        while True:
            await self._wait_attached()
            self.sessions += 1
            term = Terminal(self._read, self._write, self._drain, echo=True, crlf=True)
            self.session = Session(self.feature.card, self.feature.ops, term, "serial",
                                   "serial:" + os.path.basename(self.device))
            try:
                await self.session.run()
            finally:
                self.session = None
            if self._attached:
                await self._drain()

    async def _wait_attached(self) -> None:
        """Until the line can be read: a device that opens, a pty whose other end is open."""
        while not self._attached:
            if self._fd is None and not self.pseudo:
                try:
                    self._fd = os.open(self.device, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
                    _set_raw(self._fd)
                except OSError as exc:
                    if self._fd is not None:
                        os.close(self._fd)
                        self._fd = None
                    self.error = "%s: %s" % (self.device, exc.strerror or exc)
            if self._fd is not None:
                try:
                    data = os.read(self._fd, READ_CHUNK)
                except BlockingIOError:
                    data = b""
                except OSError:            # EIO: nobody at the other end yet
                    data = None
                if data is not None:
                    self._attach(data)
                    return
            await asyncio.sleep(RETRY_S)

    def _attach(self, first: bytes) -> None:
        self.error = None
        self._attached = True
        self._chunks, self._out = [], bytearray()
        if self.pseudo:
            termios.tcflush(self._fd, termios.TCOFLUSH)   # what an earlier user left unread
        asyncio.get_running_loop().add_reader(self._fd, self._readable)
        if first:
            self._received(first)

    def _detach(self) -> None:
        """The other end went away: the session reads its end, output is dropped."""
        if self._attached and self._fd is not None:
            loop = asyncio.get_running_loop()
            loop.remove_reader(self._fd)
            loop.remove_writer(self._fd)
        self._attached = False
        self._out = bytearray()
        self._sent.set()
        self._input.set()
        if self._fd is not None and not self.pseudo:
            os.close(self._fd)             # a device is opened again when it comes back
            self._fd = None

    def _readable(self) -> None:
        try:
            data = os.read(self._fd, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._detach()
            return
        self._received(data)

    def _received(self, data: bytes) -> None:
        text = self._decoder.decode(data)
        if text:
            self._chunks.append(text)
            self._input.set()

    async def _read(self) -> str:
        """The next keystrokes; "" once the other end has gone."""
        while not self._chunks:
            if not self._attached:
                return ""
            self._input.clear()
            await self._input.wait()
        return self._chunks.pop(0)

    def _write(self, text: str) -> None:
        if not self._attached:
            return
        data = text.encode()
        room = MAX_OUTPUT - len(self._out)
        if len(data) > room:
            self.dropped += len(data) - max(room, 0)
            data = data[:max(room, 0)]
        self._out += data
        self._flush()

    def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        while self._out and self._attached:
            try:
                sent = os.write(self._fd, self._out)
            except BlockingIOError:
                loop.add_writer(self._fd, self._flush)
                self._sent.clear()
                return
            except OSError:
                self._detach()
                return
            del self._out[:sent]
        if self._attached:
            loop.remove_writer(self._fd)
        self._sent.set()

    async def _drain(self) -> None:
        """Until the output has left, or WRITE_TIMEOUT_S: then nobody reads it and it goes."""
        if not self._out:
            return
        try:
            await asyncio.wait_for(self._sent.wait(), WRITE_TIMEOUT_S)
        except asyncio.TimeoutError:
            self.dropped += len(self._out)
            self._out = bytearray()
            if self._attached:
                asyncio.get_running_loop().remove_writer(self._fd)

    # --- status ----------------------------------------------------------------------------------
    def status(self) -> dict:
        """Device, whether a terminal is there, who is logged in."""
        session = self.session
        return {"device": self.device, "pseudo_terminal": self.terminal_path,
                "attached": self._attached, "error": self.error, "sessions": self.sessions,
                "user": session.user if session is not None else None,
                "dropped_output": self.dropped}
