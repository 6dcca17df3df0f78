"""NUT network server (port 3493): asyncio TCP front end of nut_protocol, bounded and robust.

Frame layout (see nut_protocol for the words):

    client -> card   <request line>\\n            at most 512 bytes, else ERR TOO-LONG and close
    card -> client   <reply line>\\n ...          one reply (or one BEGIN/END LIST block) per line

Limits that bound what one client can cost: max_clients connections and max_per_address from
one address (one more gets ERR ACCESS-DENIED and is closed; but when the server is full, the
connection that has not logged in and was quiet longest makes room first: a logged-in upsmon is
never dropped for an idle stranger), idle_timeout_s seconds without a
request closes a connection, a line must be complete LINE_TIMEOUT_S after its first byte (a
client trickling a byte at a time is closed too), MAX_BAD_LINES malformed lines in a row close
it, at most MAX_TRACKED_CALLS tracked instant commands wait per connection (more get
ERR INSTCMD-FAILED), and a client that does not read its replies is dropped after the idle
timeout. Passwords are checked by the card's login guard (check). Each refusal is counted in
status(). Logged-in clients form the manual's "Client table".

Two front ends share these rules: on CPython the asyncio.Protocol one (firmware/nut/
protocol_front.py: callbacks, no task or coroutine per request, which is what lets one
connection match upsd's request rate), on MicroPython the stream one below (start_server, one
task per connection). FRONT chooses ("streams" or "protocol"; None: the fastest available).
"""

import asyncio

from firmware.platform import compat
from firmware.nut import protocol as nut_protocol
from firmware.nut.protocol import MAX_LINE, NutSession

MAX_BAD_LINES = 10
READ_CHUNK = 256
LINE_TIMEOUT_S = 10.0
WRITE_BUFFER = 64 * 1024     # replies queued for a client before the server waits for it
MAX_TRACKED_CALLS = 4
UNREADABLE = ["ERR INVALID-ARGUMENT"]      # the reply to a line that is not printable text


def _printable(line):
    """No control character but tab (str.isprintable is the fast path on CPython)."""
    if getattr(line, "isprintable", None) is not None and line.isprintable():
        return True
    return not any(ord(c) < 32 and c != "\t" for c in line)


def _well_formed(replies):
    """False for the replies to a malformed line (counted towards MAX_BAD_LINES): one that was
    not text (UNREADABLE, this very list) or not a command."""
    return replies is not UNREADABLE and not (
        len(replies) == 1 and replies[0].startswith("ERR UNKNOWN-COMMAND"))


def _error_code(exc):
    """The protocol error for a failed command; the poller may name one (exc.nut_error)."""
    code = getattr(exc, "nut_error", None)
    return code if isinstance(code, str) and code else "INSTCMD-FAILED"


class NutServer:
    """The asyncio front end: bounds what each client may cost, answers through NutSession."""

    FRONT = None

    def __init__(self, ctx, port=3493, bind="0.0.0.0", max_clients=64, idle_timeout_s=600,
                 command=None, check=None, max_per_address=16):
        """ctx: the NutContext every session shares; command: async fn(name, value) that
        raises on failure (its exception may name the protocol error in .nut_error); check:
        async fn(name, password, address) -> (user, why), the card's login guard."""
        self.ctx = ctx
        self._check = check
        self.port = port
        self.bind = bind
        self.max_clients = max_clients
        self.max_per_address = max_per_address
        self.idle_timeout_s = idle_timeout_s
        self._command = command
        self._server = None
        self._tasks = set()
        self._writers = {}         # session -> its writer, to evict it
        self._per_address = {}     # address -> open connections
        self.connections = 0
        self.refused = 0
        self.refused_per_address = 0
        self.evicted = 0
        self.dropped = 0
        self.slow_lines = 0
        self.calls_refused = 0
        self.commands_run = 0
        self.commands_failed = 0

    # --- life cycle ----------------------------------------------------------------------
    async def start(self):
        try:
            from firmware.nut.protocol_front import start_server
        except ImportError:        # MicroPython: no asyncio.Protocol (nor the module) there
            start_server = None
        front = self.FRONT or ("protocol" if start_server is not None else "streams")
        if front == "protocol":
            self._server = await start_server(self, self.bind, self.port)
        else:
            self._server = await asyncio.start_server(self._serve, self.bind, self.port)
        sockets = getattr(self._server, "sockets", None)
        if sockets:  # CPython: learn the real port when 0 (ephemeral) was asked for
            self.port = sockets[0].getsockname()[1]
        self._sweeper = compat.create_task(self._sweep())
        return self.port

    async def stop(self):
        if self._server is not None:
            self._sweeper.cancel()
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            for writer in list(self._writers.values()):
                writer.close()         # the Protocol front end's connections have no task
            await self._server.wait_closed()
            self._server = None

    async def _sweep(self):
        """Close idle connections and lines that take too long, all in one pass a fraction of a
        second: the request path then waits on no timer of its own (it is the hot path)."""
        while True:
            await compat.sleep_ms(max(50, min(500, int(self.idle_timeout_s * 250))))
            now = compat.ticks_ms()
            for session in list(self.ctx.sessions):
                if session.closing:
                    continue
                if session.line_started is not None and compat.ticks_diff(
                        now, session.line_started) > LINE_TIMEOUT_S * 1000:
                    self.slow_lines += 1
                    reason = "ERR TIMEOUT line not complete within %g s" % LINE_TIMEOUT_S
                elif compat.ticks_diff(now, session.last_seen) > self.idle_timeout_s * 1000:
                    reason = "ERR TIMEOUT idle connection closed"
                else:
                    continue
                self.dropped += 1
                self._close(session, reason)

    def _close(self, session, reason):
        """End a connection from outside its own task: a last ERR line, then the socket."""
        session.closing = True
        writer = self._writers.get(session)
        if writer is not None:
            try:
                writer.write((reason + "\n").encode())
                writer.close()
            except Exception:  # already gone
                pass

    def status(self):
        return {
            "enabled": True,
            "listening": self._server is not None,
            "bind": self.bind,
            "port": self.port,
            "fsd": self.ctx.fsd,
            "connections": self.connections,
            "refused": self.refused,
            "refused_per_address": self.refused_per_address,
            "evicted": self.evicted,
            "dropped": self.dropped,
            "slow_lines": self.slow_lines,
            "calls_refused": self.calls_refused,
            "commands_run": self.commands_run,
            "commands_failed": self.commands_failed,
            "clients": [s.status() for s in self.ctx.logins()],
            "sessions": len(self.ctx.sessions),
        }

    # --- one connection -------------------------------------------------------------------
    async def _serve(self, reader, writer):
        task = asyncio.current_task() if hasattr(asyncio, "current_task") else None
        if task is not None:
            self._tasks.add(task)
        try:
            await self._serve_session(reader, writer)
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # one broken connection must never stop the server
            print("nut: connection error:", repr(exc))
        finally:
            if task is not None:
                self._tasks.discard(task)
            try:
                writer.close()
                if hasattr(writer, "wait_closed"):
                    await writer.wait_closed()
            except (Exception, asyncio.CancelledError):  # closing at stop(): it is over anyway
                pass

    def admit(self, writer):
        """A new connection: (its NutSession, None), or (None, the ERR line refusing it).
        writer: what can write() and close() it (a stream writer or a transport)."""
        peer = writer.get_extra_info("peername")
        address = peer[0] if isinstance(peer, (tuple, list)) and peer else str(peer)
        if self._per_address.get(address, 0) >= self.max_per_address:
            self.refused_per_address += 1
            return None, "ERR ACCESS-DENIED too many connections from %s" % address
        if len(self.ctx.sessions) >= self.max_clients and not self._evict_a_stranger():
            self.refused += 1
            return None, "ERR ACCESS-DENIED too many connections"
        self.connections += 1
        session = NutSession(self.ctx, address)
        session.last_seen = compat.ticks_ms()
        session.line_started = None    # ticks_ms of the first byte of an incomplete line
        session.bad_lines = 0          # malformed lines in a row
        self.ctx.sessions.append(session)
        self._writers[session] = writer
        self._per_address[address] = self._per_address.get(address, 0) + 1
        return session, None

    def release(self, session):
        """The connection of session is gone."""
        if session in self._writers:
            self.ctx.sessions.remove(session)
            del self._writers[session]
            left = self._per_address.get(session.address, 1) - 1
            if left:
                self._per_address[session.address] = left
            else:
                self._per_address.pop(session.address, None)

    def too_long(self):
        # Why close: the rest of an over-long line cannot be told from a new request.
        self.dropped += 1
        return "ERR TOO-LONG line longer than %d bytes" % MAX_LINE

    def after_reply(self, session, ok):
        """Count a malformed line; the ERR that ends the connection after too many, or None."""
        session.bad_lines = 0 if ok else session.bad_lines + 1
        if session.bad_lines >= MAX_BAD_LINES:
            self.dropped += 1
            return "ERR INVALID-ARGUMENT too many bad requests"
        return None

    async def _serve_session(self, reader, writer):
        session, refusal = self.admit(writer)
        if session is None:
            await self._send(writer, [refusal])
            return
        try:
            await self._loop(session, reader, writer)
        finally:
            self.release(session)

    def _evict_a_stranger(self):
        """Close the connection that has not logged in and was quiet longest; False if none."""
        now = compat.ticks_ms()
        victim = None
        for session in self.ctx.sessions:
            if session.user is None and session.login is None and not session.closing and \
                    (victim is None or compat.ticks_diff(now, session.last_seen)
                     > compat.ticks_diff(now, victim.last_seen)):
                victim = session
        writer = self._writers.get(victim)
        if writer is None:
            return False
        self.evicted += 1
        self._close(victim, "ERR ACCESS-DENIED server full: connection closed for a login")
        return True

    async def _read(self, reader):
        return await reader.read(READ_CHUNK)

    async def _loop(self, session, reader, writer):
        buf = b""
        while not session.closing:
            chunk = await self._read(reader)   # the sweeper closes idle or slow connections
            if not chunk:
                return
            session.last_seen = compat.ticks_ms()
            if not buf:
                session.line_started = session.last_seen
            buf += chunk
            while not session.closing:
                end = buf.find(b"\n")
                if end < 0:
                    break
                raw, buf = buf[:end], buf[end + 1:]
                if len(raw) > MAX_LINE:
                    await self._send(writer, [self.too_long()])
                    return
                replies, line = self.first_answer(session, raw)
                if line is not None:
                    replies = await self.final_answer(session, line, replies)
                if not await self._send(writer, replies):
                    return
                last = self.after_reply(session, line is not None or _well_formed(replies))
                if last is not None:
                    await self._send(writer, [last])
                    return
            if len(buf) > MAX_LINE:
                await self._send(writer, [self.too_long()])
                return
            if not buf:
                session.line_started = None

    def first_answer(self, session, raw):
        """(reply lines, None) for one raw line, or (a Check or Call, the line) when the answer
        needs the login guard or the UPS: final_answer() then gives the lines."""
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        known = self.ctx.known_reply(raw)
        if known is not None:
            session.requests += 1
            return known, None
        try:
            line = raw.decode()
        except UnicodeError:
            return UNREADABLE, None
        if not _printable(line):
            return UNREADABLE, None
        reply = session.handle(line)
        if isinstance(reply, (nut_protocol.Check, nut_protocol.Call)):
            return reply, line
        if raw.startswith(b"GET VAR ") and len(reply) == 1 and reply[0].startswith("VAR "):
            self.ctx.remember_reply(raw, reply)
        return reply, None

    async def final_answer(self, session, line, reply):
        """The reply lines of a request that needed the login guard or the UPS."""
        if isinstance(reply, nut_protocol.Check):
            if self._check is None:
                session.checked(None, "no accounts on this server")
            else:
                session.checked(*await self._check(session.username, session.password,
                                                   session.address))
            reply = session.handle(line)
        if isinstance(reply, nut_protocol.Call):
            return await self._run_call(session, reply)
        return reply

    async def _run_call(self, session, call):
        if call.tracking_id is not None:
            if session.calls_pending >= MAX_TRACKED_CALLS:
                # Each one is a write to the UPS: a flood must not queue on the serial line.
                self.calls_refused += 1
                refusal = "INSTCMD-FAILED too many commands in flight"
                session.finish_call(call, refusal)
                return ["ERR " + refusal]
            session.calls_pending += 1
            compat.create_task(self._run_tracked(session, call))
            return ["OK TRACKING " + call.tracking_id]
        return session.finish_call(call, await self._execute(call))

    async def _run_tracked(self, session, call):
        try:
            session.finish_call(call, await self._execute(call))
        finally:
            session.calls_pending -= 1

    async def _execute(self, call):
        """None when the command went out, else the protocol error code."""
        if self._command is None:
            return "CMD-NOT-SUPPORTED"
        try:
            await self._command(call.command, call.value)
        except Exception as exc:
            self.commands_failed += 1
            print("nut: command %s failed: %s" % (call.command, exc))
            return _error_code(exc)
        self.commands_run += 1
        return None

    async def _send(self, writer, lines):
        if not lines:
            return True
        writer.write(("\n".join(lines) + "\n").encode())
        transport = getattr(writer, "transport", None)
        if transport is not None and transport.get_write_buffer_size() < WRITE_BUFFER:
            return True            # the reply is on its way: no need to wait for the client
        try:
            await compat.wait_for(self._drain(writer), self.idle_timeout_s)
        except (asyncio.TimeoutError, OSError):
            self.dropped += 1
            return False
        return True

    async def _drain(self, writer):
        await writer.drain()
