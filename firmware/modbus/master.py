"""The Modbus RTU master: one transaction engine with line timing, retries and error counters.

    master = Master(transport, baud=9600, parity="N")
    words = await master.read(1, 0x1020, 4)          # function 0x03 (function=0x04 for input regs)
    await master.write(1, 0x1500, 0x0001)             # function 0x06
    await master.write_many(1, 0x1500, [1, 2, 3])     # function 0x10
    master.set_baud(19200)                            # baud rate detection
    master.status()                                   # JSON-safe settings and counters

Transport interface (passed in, never imported here; firmware/hal implements it per board):

    await transport.write(data)           send bytes (returns once they are queued for the line)
    await transport.read(n, timeout_ms)   wait until n bytes arrived or timeout_ms (an int >= 1)
                                          ran out; return what arrived (b"" when nothing did)
    transport.reset_input()               drop unread input; may return how many bytes it dropped
    transport.set_baud(baud, parity)      re-program the line (parity "N", "E" or "O"; 8 data bits,
                                          1 stop bit)
    transport.close()

Line timing (Modbus over serial line, V1.02 §2.5.1.1). A character is 1 start + 8 data
(+ 1 parity) + 1 stop bits: 10 bits for 8N1, 11 with parity. Before each request the line must
have been silent for T3.5 = 3.5 character times; above 19200 baud the standard fixes it at 1.75 ms.
The answer is awaited for the request's and the answer's wire time plus the "serial timeout" (the
slave's own reaction time): 20 ms at 57600, 50 ms at 19200, 100 ms at 9600 as the NET VISION
manual's defaults, and 200 ms at 2400 (not in the manual: 2400 baud UPSs are the oldest and
slowest, and the wire time itself is already added separately). `timeout_ms` overrides it.

Errors (all ModbusError; the PDU-level ones in pdu.py, the line-level ones in rtu.py):
ModbusTimeout (no byte at all),
ModbusCRCError, ModbusWrongSlave, ModbusWrongFunction, ModbusShortFrame, ModbusNoise (all
ModbusFrameError) and ModbusLineError (an OSError from the transport, wrapped so a caller that
handles ModbusError survives an unplugged adapter) are retried `retries` times;
ModbusException(code) is the slave's definite answer and is raised at once.

Late answers. RTU frames carry no transaction number: an answer that comes after its request
timed out would be taken for the answer to the next request of the same length, and its words
decoded as other registers. So after a timeout or a garbled answer, the line must stay quiet for
one more answer timeout before the next request (as libmodbus's error recovery does); whatever
arrives meanwhile is dropped and counted as late_bytes.
"""

import asyncio

from firmware.platform import compat
from firmware.modbus import rtu
from firmware.modbus import pdu
from firmware.modbus.pdu import (ModbusError, ModbusException, ModbusFrameError,
                                 ModbusWrongFunction)
from firmware.modbus.rtu import (ModbusCRCError, ModbusLineError, ModbusNoise, ModbusShortFrame,
                                 ModbusTimeout, ModbusWrongSlave)

BAUD_RATES = (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200)
PARITIES = ("N", "E", "O")
MIN_FRAME = 5  # an exception answer; enough to tell it from the start of a normal one
LATE_CHUNK = 260    # a whole RTU frame (256) and then some: one read takes any late answer
LATE_ROUNDS = 4     # a line that keeps talking longer than this is noise, left to reset_input

COUNTERS = (
    "requests",
    "responses",
    "timeouts",
    "crc",
    "wrong_slave",
    "wrong_function",
    "short_frames",
    "noise_bytes",
    "late_bytes",
    "frame_errors",
    "line_errors",
    "exceptions",
    "retries",
    "failures",
    "bytes_tx",
    "bytes_rx",
)

_COUNTER_OF = (
    (ModbusTimeout, "timeouts"),
    (ModbusCRCError, "crc"),
    (ModbusWrongSlave, "wrong_slave"),
    (ModbusWrongFunction, "wrong_function"),
    (ModbusShortFrame, "short_frames"),
    (ModbusNoise, None),  # counted in noise_bytes
    (ModbusFrameError, "frame_errors"),
    (ModbusLineError, "line_errors"),
)


def default_timeout_ms(baud):
    """The extra serial timeout for a baud rate (see the module docstring)."""
    if baud >= 57600:
        return 20
    if baud >= 19200:
        return 50
    if baud >= 9600:
        return 100
    if baud >= 2400:
        return 200
    return 400


class Master:
    """Serialises Modbus RTU transactions on one transport."""

    def __init__(self, transport, baud=9600, parity="N", timeout_ms=None, retries=2):
        if not 0 <= retries <= 10:
            raise ValueError("retries %r out of range 0-10" % (retries,))
        if timeout_ms is not None and not 1 <= timeout_ms <= 10000:
            raise ValueError("timeout_ms %r out of range 1-10000" % (timeout_ms,))
        self._transport = transport
        self._timeout_override = timeout_ms
        self.retries = retries
        self._lock = asyncio.Lock()
        self._last_activity_us = None  # end of the last byte on the line, as ticks_us
        self._unsettled = False        # the last attempt failed: a late answer may still come
        self.last_error = None
        self.counters = {}
        for name in COUNTERS:
            self.counters[name] = 0
        self.baud = 0
        self.parity = "N"
        self._apply_line(baud, parity)
        transport.set_baud(self.baud, self.parity)

    # -- line settings ---------------------------------------------------------------------

    def _apply_line(self, baud, parity):
        if baud not in BAUD_RATES:
            raise ValueError("baud %r not one of %r" % (baud, BAUD_RATES))
        if parity not in PARITIES:
            raise ValueError("parity %r not one of %r" % (parity, PARITIES))
        self.baud = baud
        self.parity = parity

    def set_timing(self, timeout_ms=None, retries=None):
        """Change the answer timeout (None: the manual's default for the baud) and retries."""
        if retries is not None:
            if not 0 <= retries <= 10:
                raise ValueError("retries %r out of range 0-10" % (retries,))
            self.retries = retries
        if timeout_ms is not None and not 1 <= timeout_ms <= 10000:
            raise ValueError("timeout_ms %r out of range 1-10000" % (timeout_ms,))
        self._timeout_override = timeout_ms

    def set_baud(self, baud, parity=None):
        """Re-program the line (baud detection); the timeout follows unless it was overridden."""
        self._apply_line(baud, self.parity if parity is None else parity)
        self._transport.set_baud(self.baud, self.parity)
        self._last_activity_us = compat.ticks_us()  # a reconfigured UART may glitch: wait T3.5

    @property
    def bits_per_char(self):
        return rtu.char_bits(self.parity)

    @property
    def char_us(self):
        """One character's wire time in whole microseconds (the tick counter's unit)."""
        return int(rtu.char_us(self.baud, self.parity))

    @property
    def t35_us(self):
        """Inter-frame silence (rtu.t35_us) in whole microseconds."""
        return int(rtu.t35_us(self.baud, self.parity))

    @property
    def timeout_ms(self):
        if self._timeout_override is not None:
            return self._timeout_override
        return default_timeout_ms(self.baud)

    def wire_ms(self, chars):
        """Wire time of `chars` characters in whole milliseconds, rounded up."""
        return (chars * self.char_us + 999) // 1000

    def answer_deadline_ms(self, request_len, response_len):
        """How long to wait for an answer after handing the request to the transport."""
        silence_ms = (self.t35_us + 999) // 1000
        return self.wire_ms(request_len + response_len) + silence_ms + self.timeout_ms

    # -- public transactions ---------------------------------------------------------------

    async def read(self, slave, address, count, function=pdu.READ_HOLDING):
        """Words read from `count` registers at `address` (0x03 holding, 0x04 input)."""
        if slave == 0:
            raise ValueError("cannot read from the broadcast address 0")
        frame = rtu.build_read(slave, address, count, function)
        return await self._transaction(frame, slave, function, count)

    async def write(self, slave, address, value):
        """Write one register (0x06); slave 0 broadcasts and waits for no answer."""
        frame = rtu.build_write_single(slave, address, value)
        await self._transaction(frame, slave, pdu.WRITE_SINGLE, 1)

    async def write_many(self, slave, address, values):
        """Write consecutive registers (0x10); slave 0 broadcasts and waits for no answer."""
        frame = rtu.build_write_multiple(slave, address, values)
        await self._transaction(frame, slave, pdu.WRITE_MULTIPLE, len(values))

    def status(self):
        """Settings and counters as a JSON-safe dict."""
        out = {
            "baud": self.baud,
            "parity": self.parity,
            "timeout_ms": self.timeout_ms,
            "t35_us": self.t35_us,
            "retries_allowed": self.retries,
            "last_error": self.last_error,
        }
        out.update(self.counters)
        return out

    def reset_counters(self):
        for name in COUNTERS:
            self.counters[name] = 0

    def close(self):
        self._transport.close()

    # -- engine ----------------------------------------------------------------------------

    async def _transaction(self, frame, slave, function, count):
        async with self._lock:
            attempt = 0
            while True:
                try:
                    try:
                        result = await self._attempt(frame, slave, function, count)
                    except OSError as exc:
                        raise ModbusLineError("serial line: %r" % (exc,))
                    self.last_error = None
                    return result
                except ModbusException as exc:
                    self.counters["exceptions"] += 1
                    self.last_error = str(exc)
                    raise
                except ModbusError as exc:
                    self._unsettled = True
                    self._count_error(exc)
                    self.last_error = "%s: %s" % (type(exc).__name__, exc)
                    if attempt >= self.retries:
                        self.counters["failures"] += 1
                        raise
                    attempt += 1
                    self.counters["retries"] += 1

    def _count_error(self, exc):
        for cls, name in _COUNTER_OF:
            if isinstance(exc, cls):
                if name:
                    self.counters[name] += 1
                return

    async def _wait_silence(self):
        if self._last_activity_us is None:
            return
        quiet = compat.ticks_diff(compat.ticks_us(), self._last_activity_us)
        # A negative difference means the counter wrapped long ago: the line has been quiet.
        if 0 <= quiet < self.t35_us:
            await compat.sleep_ms((self.t35_us - quiet + 999) // 1000)

    async def _settle(self):
        """After a failed attempt: wait until the line was quiet for a whole answer timeout."""
        for _ in range(LATE_ROUNDS):
            late = await self._transport.read(LATE_CHUNK, self.timeout_ms)
            if not late:
                break
            self.counters["late_bytes"] += len(late)
            self._last_activity_us = compat.ticks_us()
        self._unsettled = False

    async def _attempt(self, frame, slave, function, count):
        transport = self._transport
        dropped = transport.reset_input()
        if dropped:
            self.counters["noise_bytes"] += dropped
        if self._unsettled:
            await self._settle()
        await self._wait_silence()
        await transport.write(frame)
        self.counters["requests"] += 1
        self.counters["bytes_tx"] += len(frame)
        sent_us = compat.ticks_us()
        self._last_activity_us = compat.ticks_add(sent_us, len(frame) * self.char_us)
        if slave == 0:
            # Broadcast: nobody answers; leave the slaves the wire time plus T3.5 to act on it.
            await compat.sleep_ms(self.wire_ms(len(frame)) + (self.t35_us + 999) // 1000)
            return None
        expected = rtu.response_length(function, count)
        deadline_ms = self.answer_deadline_ms(len(frame), expected)
        start = compat.ticks_ms()
        buf = bytearray()
        used, answer = 0, None
        while True:
            left = deadline_ms - compat.ticks_diff(compat.ticks_ms(), start)
            # Past the deadline, one last look at what the line already holds: on an event loop
            # busy with other clients this task may wake long after the answer arrived, and an
            # answer that came in time is not a timeout (a false one costs a retry and a settle).
            last_look = left <= 0
            pending = len(buf) - used
            # Ask first for an exception frame's worth, then for the rest of a normal answer, so
            # a short exception answer does not sit waiting for bytes that never come.
            need = MIN_FRAME - pending if pending < MIN_FRAME and not last_look \
                else expected - pending
            chunk = await transport.read(max(1, need), 1 if last_look else left)
            if chunk:
                buf.extend(chunk)
                self.counters["bytes_rx"] += len(chunk)
                self._last_activity_us = compat.ticks_us()
                used, answer = rtu.decode_response(buf, slave, function, count)
                if answer is not None:
                    break
            if last_look:
                break
        if answer is None:
            error = rtu.diagnose(buf, slave, function, count)
            if isinstance(error, ModbusNoise):
                self.counters["noise_bytes"] += len(buf)
            raise error
        self.counters["responses"] += 1
        # Bytes before the frame (noise, a late echo) and after it are not part of any answer.
        self.counters["noise_bytes"] += len(buf) - (len(answer) + 3)
        if function in (pdu.READ_HOLDING, pdu.READ_INPUT):
            return pdu.parse_response(answer, function, count)
        echo = pdu.parse_response(answer, function, count)
        sent = (int.from_bytes(frame[2:4], "big"), int.from_bytes(frame[4:6], "big"))
        if tuple(echo) != sent:
            raise ModbusFrameError("write echo %r does not match the request" % (echo,))
        return None
