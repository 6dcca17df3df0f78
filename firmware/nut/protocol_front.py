"""CPython front end of the NUT server: asyncio.Protocol callbacks, no task per request.

The stream front end (firmware/nut/server.py) costs a task per connection and a few coroutine
hops per request; here a request is answered inside data_received, so one connection serves as
many requests a second as NUT's own upsd. The rules are the NutServer's (admit, first_answer,
final_answer, after_reply, too_long, release): only the plumbing differs.

    data_received ──► lines ──► first_answer ──► reply written at once
                                      │ a password check or a UPS command
                                      ▼
                         reading paused, one task: final_answer ──► reply, reading resumed

A client that does not read its replies fills the transport's buffer past WRITE_BUFFER: reading
pauses (pause_writing) and, silent for the server, the connection is closed by the sweeper after
the idle timeout, as on the stream front end.
"""

import asyncio

from firmware.nut.protocol import MAX_LINE
from firmware.nut.server import WRITE_BUFFER, _well_formed
from firmware.platform import compat


async def start_server(server, bind, port):
    """Listen for the NutServer server; the asyncio Server (close(), wait_closed(), sockets)."""
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: NutConnection(server), bind, port)


class NutConnection(asyncio.Protocol):
    """One client connection."""

    def __init__(self, server):
        self.server = server
        self.transport = None
        self.session = None
        self.buf = b""
        self.busy = False          # a request waits for the login guard or the UPS
        self.paused = False        # reading paused by us (busy, or the client not reading)

    # --- asyncio callbacks ---------------------------------------------------------------------
    def connection_made(self, transport):
        self.transport = transport
        transport.set_write_buffer_limits(high=WRITE_BUFFER)
        self.session, refusal = self.server.admit(transport)
        if self.session is None:
            transport.write((refusal + "\n").encode())
            transport.close()

    def connection_lost(self, exc):
        if self.session is not None:
            self.session.closing = True
            self.server.release(self.session)

    def data_received(self, data):
        session = self.session
        if session is None or session.closing:
            return
        session.last_seen = compat.ticks_ms()
        if not self.buf:
            session.line_started = session.last_seen
        self.buf += data
        if not self.busy:
            self._answer_lines()
        elif len(self.buf) > MAX_LINE:
            self._pause()          # a client racing ahead of a slow answer waits for it

    def pause_writing(self):
        self._pause()              # the client does not read: read nothing more from it

    def resume_writing(self):
        if not self.busy:
            self._resume()
            self._answer_lines()

    # --- answering -----------------------------------------------------------------------------
    def _answer_lines(self):
        session, server = self.session, self.server
        while not session.closing:
            end = self.buf.find(b"\n")
            if end < 0:
                break
            raw, self.buf = self.buf[:end], self.buf[end + 1:]
            if len(raw) > MAX_LINE:
                return self._end(server.too_long())
            replies, line = server.first_answer(session, raw)
            if line is not None:
                self.busy = True
                self._pause()
                compat.create_task(self._answer_later(line, replies))
                return
            if not self._reply(replies, _well_formed(replies)):
                return
        if len(self.buf) > MAX_LINE:
            return self._end(server.too_long())
        if not self.buf:
            session.line_started = None

    async def _answer_later(self, line, pending):
        try:
            replies = await self.server.final_answer(self.session, line, pending)
        except Exception as exc:  # one broken request must never stop the server
            print("nut: connection error:", repr(exc))
            return self._end("ERR INVALID-ARGUMENT")
        self.busy = False
        if self.session.closing or not self._reply(replies, True):
            return
        if self.transport.get_write_buffer_size() < WRITE_BUFFER:
            self._resume()
        self._answer_lines()

    def _reply(self, lines, ok):
        """Write the reply; False when the connection ends with it."""
        if lines:
            self.transport.write(("\n".join(lines) + "\n").encode())
        last = self.server.after_reply(self.session, ok)
        if last is not None:
            self._end(last)
            return False
        if self.session.closing:           # LOGOUT
            self.transport.close()
            return False
        return True

    def _end(self, line):
        self.session.closing = True
        self.transport.write((line + "\n").encode())
        self.transport.close()

    def _pause(self):
        if not self.paused:
            self.paused = True
            self.transport.pause_reading()

    def _resume(self):
        if self.paused and not self.transport.is_closing():
            self.paused = False
            self.transport.resume_reading()
