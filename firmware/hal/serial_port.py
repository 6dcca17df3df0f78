"""Serial line transport for the Modbus master on CPython: pyserial for setup, asyncio for I/O.

Implements the transport interface documented in firmware/modbus/master.py over a real device
(/dev/ttyS0, /dev/ttyUSB0, /dev/serial0) or a pseudo-terminal path made by the simulator. The file
descriptor is non-blocking and watched with the event loop's add_reader/add_writer, so waiting for
a UPS answer never blocks the loop that also serves SNMP, HTTP and NUT. Line settings go through
termios (pyserial's tcsetattr): on a pseudo-terminal the other side reads them back, which lets
the simulator behave like a UPS at a given baud rate.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import termios
import tty

import serial

_PARITY = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}
_CHUNK = 512
_SPEED = {
    rate: getattr(termios, f"B{rate}")
    for rate in (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400)
}


def _is_pseudo_terminal(rdev: int) -> bool:
    """True for a Unix 98 pseudo-terminal: a slave (majors 136-143) or the master (ptmx, 5:2)."""
    major = os.major(rdev)
    return 136 <= major <= 143 or (major == 5 and os.minor(rdev) == 2)


class SerialTransport:
    """A non-blocking serial port speaking the Modbus master's transport interface."""

    def __init__(
        self,
        path: str | None = None,
        baud: int = 9600,
        parity: str = "N",
        exclusive: bool = True,
        fd: int | None = None,
    ) -> None:
        """Open `path` (8 data bits, 1 stop bit), or take over an open terminal `fd`.

        `exclusive` locks out other openers of `path` (flock). `fd` is for the controlling side
        of a pseudo-terminal, which has no path of its own; the transport then owns and closes it.
        """
        if parity not in _PARITY:
            raise ValueError(f"parity {parity!r} not one of N, E, O")
        if (path is None) == (fd is None):
            raise ValueError("give either a path or an fd")
        self._serial: serial.Serial | None = None
        self.pseudo_terminal = _is_pseudo_terminal(os.stat(fd if path is None else path).st_rdev)
        self.parity = parity
        if fd is None:
            self.path = path
            self._serial = serial.Serial(
                port=path,
                baudrate=baud,
                bytesize=serial.EIGHTBITS,
                parity=_PARITY[self._line_parity(parity)],
                stopbits=serial.STOPBITS_ONE,
                timeout=0,
                write_timeout=0,
                xonxoff=False,
                rtscts=False,
                exclusive=exclusive,
            )
            self._fd = self._serial.fileno()
        else:
            self.path = f"fd {fd}"
            self._fd = fd
            tty.setraw(fd)
        flags = fcntl.fcntl(self._fd, fcntl.F_GETFL)
        fcntl.fcntl(self._fd, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        self._buffer = bytearray()
        self.write_stall_s = 2.0
        self._closed = False
        if fd is not None:
            self.set_baud(baud, parity)

    @property
    def baud(self) -> int:
        """The baud rate the line is programmed with (read back from termios)."""
        if self._serial is not None:
            return self._serial.baudrate
        speed = termios.tcgetattr(self._fd)[5]
        for rate, code in _SPEED.items():
            if code == speed:
                return rate
        return 0

    def _line_parity(self, parity: str) -> str:
        # Linux pseudo-terminals refuse PARENB (EINVAL) and carry no parity bit anyway: the
        # simulated board keeps the configured parity for timing and programs none.
        return "N" if self.pseudo_terminal else parity

    def set_baud(self, baud: int, parity: str = "N") -> None:
        """Re-program baud rate and parity; ValueError (line unchanged) if the device refuses.

        On a pseudo-terminal the parity is remembered (`self.parity`) but not programmed.
        """
        if parity not in _PARITY:
            raise ValueError(f"parity {parity!r} not one of N, E, O")
        wanted = parity
        parity = self._line_parity(parity)
        try:
            if self._serial is not None:
                before = self._serial.get_settings()
                try:
                    # One tcsetattr for both, so the far end never sees a half-changed line.
                    self._serial.apply_settings({"baudrate": baud, "parity": _PARITY[parity]})
                except BaseException:
                    self._serial.apply_settings(before)
                    raise
            else:
                self._set_termios(baud, parity)
        except (termios.error, OSError, ValueError, KeyError) as exc:
            message = f"{self.path} does not accept {baud} baud parity {parity}: {exc}"
            raise ValueError(message) from exc
        self.parity = wanted

    def _set_termios(self, baud: int, parity: str) -> None:
        attrs = termios.tcgetattr(self._fd)
        cflag = attrs[2] & ~(termios.PARENB | termios.PARODD | termios.CSTOPB | termios.CSIZE)
        cflag |= termios.CS8 | termios.CLOCAL | termios.CREAD
        if parity != "N":
            cflag |= termios.PARENB | (termios.PARODD if parity == "O" else 0)
        attrs[2] = cflag
        attrs[4] = attrs[5] = _SPEED[baud]
        termios.tcsetattr(self._fd, termios.TCSANOW, attrs)

    def _drain_fd(self) -> int:
        """Move whatever the kernel holds into the buffer; the number of bytes moved."""
        moved = 0
        while True:
            try:
                data = os.read(self._fd, _CHUNK)
            except BlockingIOError:
                return moved
            except OSError as exc:
                # EIO: the other end of a pseudo-terminal is closed (the simulator restarts);
                # a real line just stays silent. Both read as "nothing arrived".
                if exc.errno == errno.EIO:
                    return moved
                raise
            if not data:
                return moved
            self._buffer += data
            moved += len(data)

    def reset_input(self) -> int:
        """Drop unread input (stale answers, noise); the number of bytes dropped."""
        self._drain_fd()
        dropped = len(self._buffer)
        self._buffer.clear()
        return dropped

    async def _wait(self, add, remove, timeout_s: float) -> bool:
        """Wait until the fd is ready (add_reader/add_writer); False on timeout.

        A timer settles the future instead of asyncio.wait_for: on CPython 3.11 wait_for can
        swallow a cancellation that arrives as the fd becomes ready (gh-86296), and a task that
        polls this line continuously would then never stop.
        """
        loop = asyncio.get_running_loop()
        ready = loop.create_future()

        def settle(result: bool) -> None:
            if not ready.done():
                ready.set_result(result)

        add(self._fd, settle, True)
        timer = loop.call_later(timeout_s, settle, False)
        try:
            return await ready
        finally:
            timer.cancel()
            remove(self._fd)

    async def read(self, n: int, timeout_ms: int) -> bytes:
        """Up to n bytes: once n arrived or timeout_ms ran out (then maybe fewer, or b"")."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_ms / 1000
        self._drain_fd()
        while len(self._buffer) < n:
            left = deadline - loop.time()
            if left <= 0:
                break
            if await self._wait(loop.add_reader, loop.remove_reader, left):
                if not self._drain_fd():
                    # Readable but empty: a closed pseudo-terminal peer. Do not spin on it.
                    await asyncio.sleep(min(left, 0.01))
        out = bytes(self._buffer[:n])
        del self._buffer[:n]
        return out

    async def write(self, data: bytes) -> None:
        """Queue all of data for the line, waiting for room when the kernel buffer is full.

        TimeoutError when no byte could leave for write_stall_s: hardware flow control stuck, nobody
        reading the far end of a pseudo-terminal, or a hung-up peer whose descriptor polls ready
        yet refuses every byte. The stuck output is then discarded, since a frame cut short is
        garbage to the UPS anyway.
        """
        loop = asyncio.get_running_loop()
        view = memoryview(data)
        last_progress = loop.time()
        woken = False
        while view:
            try:
                sent = os.write(self._fd, view)
            except BlockingIOError:
                sent = 0
            if sent:
                view = view[sent:]
                last_progress = loop.time()
                woken = False
                continue
            left = last_progress + self.write_stall_s - loop.time()
            if left <= 0:
                self._discard_output()
                raise TimeoutError(f"{self.path}: output stalled for {self.write_stall_s} s")
            if woken:
                # Ready but refused (a hung-up pty polls ready forever): do not spin on it.
                await asyncio.sleep(min(left, 0.01))
            woken = await self._wait(loop.add_writer, loop.remove_writer, left)

    def _discard_output(self) -> None:
        try:
            termios.tcflush(self._fd, termios.TCOFLUSH)
        except (termios.error, OSError):
            pass

    def close(self) -> None:
        """Close the port; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._serial is not None:
            self._serial.close()
        else:
            os.close(self._fd)
