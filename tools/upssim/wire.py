"""The simulated RS232 line: a relay between the card's serial port and pymodbus's server, with wire time and faults.

    card (firmware, NUT...)          this relay                         pymodbus RTU server
    opens PATH -> outer pty slave    outer master <-> inner master      opens inner pty slave
                                     - checks the baud/parity the card set (termios of the outer
                                       pty, which both ends share) and drops what a UART at the
                                       configured rate could not decode;
                                     - paces bytes both ways at 10 bits/char (11 with parity);
                                     - ends a request at 3.5 silent characters and passes it on
                                       only when its CRC is right (garbage never reaches pymodbus);
                                     - waits a turnaround before answering;
                                     - injects faults into whole answer frames.

An RTU answer frame, which the relay cuts out of pymodbus's output to apply faults to:

    [slave][fc][byte count][data ...][crc lo][crc hi]   fc 1..4
    [slave][fc][address hi lo][value/count hi lo][crc]  fc 5, 6, 15, 16
    [slave][fc | 0x80][exception code][crc]             exceptions

Faults: crc_error_rate (flip the CRC of that share of answers), timeout_rate (drop that share),
noise_bytes (random bytes, then a gap of 4 character times, before each answer), silence (answer
nothing), wrong_slave (answers carry the next slave address, with a valid CRC).
"""

from __future__ import annotations

import asyncio
import os
import random
import termios
import time
import tty

from pymodbus.framer.rtu import FramerRTU

_SPEEDS = {getattr(termios, "B%d" % b): b for b in (
    50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400, 57600,
    115200, 230400) if hasattr(termios, "B%d" % b)}
_SPEED_CONST = {v: k for k, v in _SPEEDS.items()}

# nonsense: every register word of every read answer becomes this word, with a right CRC (a UPS
# or a line that answers valid frames full of 0xFFFE, 0x7FFF ...).
WORD = "word"
FAULT_KEYS = {"crc_error_rate": float, "timeout_rate": float, "noise_bytes": int,
              "silence": bool, "wrong_slave": bool, "nonsense": WORD}


def crc16(data: bytes) -> bytes:
    """Modbus CRC-16 as it goes on the wire (low byte first), computed by pymodbus, not by the card."""
    return FramerRTU.compute_CRC(data).to_bytes(2, "big")


def with_crc(body: bytes) -> bytes:
    return body + crc16(body)


def answer_length(buf: bytes) -> int | None:
    """Length of the RTU answer frame at the start of buf, or None until enough bytes are there."""
    if len(buf) < 2:
        return None
    fc = buf[1]
    if fc & 0x80:
        return 5
    if fc in (1, 2, 3, 4, 0x17):
        return 5 + buf[2] if len(buf) >= 3 else None
    if fc in (5, 6, 15, 16):
        return 8
    return len(buf)  # unknown function: pass what we have through untouched


def check_faults(body: object) -> dict:
    """Validate a /fault body; return the new fault settings or raise ValueError."""
    if body == "clear" or body == {} or body is None:
        return {}
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object of faults, {} or \"clear\"")
    out = {}
    for key, value in body.items():
        if key not in FAULT_KEYS:
            raise ValueError(f"unknown fault {key!r}; known: {', '.join(sorted(FAULT_KEYS))}")
        kind = FAULT_KEYS[key]
        if kind is bool:
            if not isinstance(value, bool):
                raise ValueError(f"{key} must be true or false")
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{key} must be a number")
        elif kind == WORD:
            if int(value) != value or not 0 <= value <= 0xFFFF:
                raise ValueError(f"{key} must be a register word 0..65535")
            out[key] = int(value)
            continue
        elif kind is float and not 0.0 <= value <= 1.0:
            raise ValueError(f"{key} must be between 0 and 1")
        elif kind is int and (int(value) != value or not 0 <= value <= 256):
            raise ValueError(f"{key} must be an integer 0..256")
        out[key] = kind(value)
    return out


def line_settings(fd: int) -> tuple[int | None, str, int]:
    """(baud, parity N/E/O, data bits) currently set on a tty (for a pty: set by either end)."""
    attrs = termios.tcgetattr(fd)
    cflag = attrs[2]
    parity = "N"
    if cflag & termios.PARENB:
        parity = "O" if cflag & termios.PARODD else "E"
    size = {termios.CS5: 5, termios.CS6: 6, termios.CS7: 7, termios.CS8: 8}[cflag & termios.CSIZE]
    return _SPEEDS.get(attrs[5]), parity, size


def pty_keeps_parity(fd: int) -> bool:
    """Whether this kernel lets a pty carry PARENB (some refuse it with EINVAL): only then can a
    wrong parity on the card's side be seen."""
    attrs = termios.tcgetattr(fd)
    try:
        termios.tcsetattr(fd, termios.TCSANOW, attrs[:2] + [attrs[2] | termios.PARENB] + attrs[3:])
    except termios.error:
        return False
    termios.tcsetattr(fd, termios.TCSANOW, attrs)
    return True


def configure_device(fd: int, baud: int, parity: str) -> None:
    """Raw mode, baud and parity on a real serial device."""
    tty.setraw(fd)
    attrs = termios.tcgetattr(fd)
    attrs[2] &= ~(termios.PARENB | termios.PARODD | termios.CSTOPB | termios.CSIZE)
    attrs[2] |= termios.CS8 | termios.CLOCAL | termios.CREAD
    if parity in "EO":
        attrs[2] |= termios.PARENB | (termios.PARODD if parity == "O" else 0)
    attrs[4] = attrs[5] = _SPEED_CONST[baud]
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


class Pacer:
    """Writes bytes to an fd no faster than a UART at `char_s` seconds per character would."""

    def __init__(self, fd: int, char_s: float, enabled: bool = True) -> None:
        self.fd = fd
        self.char_s = char_s
        self.enabled = enabled
        self._queue: asyncio.Queue = asyncio.Queue()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()

    def send(self, data: bytes, not_before: float = 0.0) -> None:
        """Queue data to leave no earlier than `not_before` (monotonic seconds)."""
        self._queue.put_nowait((data, not_before))

    async def _run(self) -> None:
        line_free = 0.0
        while True:
            data, not_before = await self._queue.get()
            now = time.monotonic()
            if not_before > now:
                await asyncio.sleep(not_before - now)
            if not self.enabled:
                self._write(data)
                continue
            start = max(time.monotonic(), line_free)
            sent = 0
            while sent < len(data):
                # byte i has fully left the transmitter at start + (i + 1) * char time
                due = int((time.monotonic() - start) / self.char_s)
                if due > sent:
                    upto = min(due, len(data))
                    self._write(data[sent:upto])
                    sent = upto
                    continue
                await asyncio.sleep(start + (sent + 1) * self.char_s - time.monotonic())
            line_free = start + len(data) * self.char_s

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.fd, view)
            except BlockingIOError:
                time.sleep(0.0005)
                continue
            except OSError:
                return  # the card closed its end: the bytes fall off the wire
            view = view[n:]


class Relay:
    """Joins the card's end (a pty we create, or a real serial device) to pymodbus's inner pty."""

    def __init__(self, baud: int, parity: str = "N", turnaround_ms: float = 5.0,
                 device: str | None = None, seed: int | None = None) -> None:
        self.baud = baud
        self.parity = parity
        self.turnaround_s = turnaround_ms / 1000.0
        self.char_s = (11 if parity in "EO" else 10) / baud
        self.faults: dict = {}
        self.rng = random.Random(seed)
        self.counters = {"bytes_in": 0, "bytes_out": 0, "dropped_wrong_line": 0, "answers": 0,
                         "requests": 0, "bad_frames": 0,
                         "crc_errors": 0, "timeouts": 0, "silenced": 0, "noise_bursts": 0,
                         "wrong_slave": 0}
        self.last_line: dict = {}
        self.device = device
        self._answer = b""
        if device:
            self.outer_fd = os.open(device, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            configure_device(self.outer_fd, baud, parity)
            self._outer_slave_fd = None
            self.outer_name = device
        else:
            self.outer_fd, self._outer_slave_fd = os.openpty()
            tty.setraw(self._outer_slave_fd)  # no echo or line editing before the card opens it
            self.outer_name = os.ttyname(self._outer_slave_fd)
        self.parity_observable = device is None and pty_keeps_parity(self._outer_slave_fd)
        os.set_blocking(self.outer_fd, False)
        self.inner_fd, self._inner_slave_fd = os.openpty()
        tty.setraw(self._inner_slave_fd)
        os.set_blocking(self.inner_fd, False)
        self.inner_name = os.ttyname(self._inner_slave_fd)
        paced = device is None  # a real UART paces by itself
        self._to_card = Pacer(self.outer_fd, self.char_s, paced)
        self._to_server = Pacer(self.inner_fd, self.char_s, False)  # already timed on arrival
        self.paced = paced
        self._request = b""
        self._request_line_free = 0.0
        self._frame_timer: asyncio.TimerHandle | None = None

    def line_ok(self) -> bool:
        """Whether the card's end is set to what this UPS speaks (always true on a real device)."""
        if self.device:
            return True
        baud, parity, size = line_settings(self.outer_fd)
        self.last_line = {"baud": baud, "parity": parity, "bits": size}
        parity_ok = parity == self.parity or not self.parity_observable
        ok = baud == self.baud and parity_ok and size == 8
        self.last_line["match"] = ok
        return ok

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._to_card.start()
        self._to_server.start()
        loop.add_reader(self.outer_fd, self._from_card)
        loop.add_reader(self.inner_fd, self._from_server)

    def close(self) -> None:
        loop = asyncio.get_running_loop()
        if self._frame_timer:
            self._frame_timer.cancel()
        for fd in (self.outer_fd, self.inner_fd):
            loop.remove_reader(fd)
        self._to_card.stop()
        self._to_server.stop()
        for fd in (self.outer_fd, self._outer_slave_fd, self.inner_fd, self._inner_slave_fd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass

    def _read(self, fd: int) -> bytes:
        try:
            return os.read(fd, 4096)
        except (BlockingIOError, OSError):
            return b""

    def _from_card(self) -> None:
        data = self._read(self.outer_fd)
        if not data:
            return
        self.counters["bytes_in"] += len(data)
        if not self.line_ok():
            # A UART at another rate or parity sees framing errors, not a request: no answer.
            self.counters["dropped_wrong_line"] += len(data)
            return
        # The request occupies the line for its wire time; a silence of 3.5 characters after it
        # ends the frame (RTU framing), which is when a real UPS starts to decode it.
        now = time.monotonic()
        start = max(now, self._request_line_free) if self.paced else now
        self._request_line_free = start + (len(data) * self.char_s if self.paced else 0.0)
        self._request += data
        if self._frame_timer:
            self._frame_timer.cancel()
        delay = self._request_line_free + 3.5 * self.char_s - now
        self._frame_timer = asyncio.get_running_loop().call_later(delay, self._end_of_frame)

    def _end_of_frame(self) -> None:
        """Hand a complete request to the server; drop what fails its CRC, as a UART+decoder would."""
        frame, self._request, self._frame_timer = self._request, b"", None
        if len(frame) < 4 or crc16(frame[:-2]) != frame[-2:]:
            self.counters["bad_frames"] += 1
            return
        self.counters["requests"] += 1
        self._to_server.send(frame)

    def _from_server(self) -> None:
        self._answer += self._read(self.inner_fd)
        while self._answer:
            size = answer_length(self._answer)
            if size is None or size > len(self._answer):
                return
            frame, self._answer = self._answer[:size], self._answer[size:]
            self._send_answer(frame)

    def _send_answer(self, frame: bytes) -> None:
        faults = self.faults
        if faults.get("silence"):
            self.counters["silenced"] += 1
            return
        if self.rng.random() < faults.get("timeout_rate", 0.0):
            self.counters["timeouts"] += 1
            return
        if "nonsense" in faults and frame[1] in (3, 4) and len(frame) > 5:
            words = frame[2] // 2
            frame = with_crc(frame[:3] + faults["nonsense"].to_bytes(2, "big") * words)
            self.counters["nonsense"] = self.counters.get("nonsense", 0) + 1
        if faults.get("wrong_slave") and len(frame) > 3:
            frame = with_crc(bytes([frame[0] % 247 + 1]) + frame[1:-2])
            self.counters["wrong_slave"] += 1
        if self.rng.random() < faults.get("crc_error_rate", 0.0):
            frame = frame[:-1] + bytes([frame[-1] ^ 0xFF])
            self.counters["crc_errors"] += 1
        when = time.monotonic() + self.turnaround_s
        noise = faults.get("noise_bytes", 0)
        if noise:
            self.counters["noise_bursts"] += 1
            self._to_card.send(bytes(self.rng.randrange(256) for _ in range(noise)), when)
            when += (noise + 4) * self.char_s  # then a silent gap an RTU master resyncs on
        self.counters["answers"] += 1
        self.counters["bytes_out"] += len(frame)
        self._to_card.send(frame, when)

    def status(self) -> dict:
        return {"baud": self.baud, "parity": self.parity, "parity_observable": self.parity_observable,
                "turnaround_ms": self.turnaround_s * 1000,
                "card_side": self.last_line, "faults": dict(self.faults),
                "counters": dict(self.counters)}
