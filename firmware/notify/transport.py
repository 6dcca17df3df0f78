"""The sockets of the notifiers (CPython): UDP datagrams, and a TCP or TLS stream kept open.

    udp = Datagrams("192.0.2.255", 9, broadcast=True);  await udp.send(packet)
    stream = Stream("logs.example", 6514, tls_context(ca_file), connect_s=5, write_s=5)
    await stream.send([frame, frame]);  await stream.close()

Every wait is bounded (name lookup, connect, TLS handshake, write): a peer that does not answer
or does not read costs the caller a timeout, never a hung task. A failure closes the stream and
raises OSError (or asyncio.TimeoutError); the next send connects again.
"""

from __future__ import annotations

import asyncio
import socket
import ssl


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """A client context that verifies the peer's certificate and name (ca_file: PEM of the CA
    that signed it; empty: the system's CAs). OSError or ssl.SSLError for a bad file."""
    ctx = ssl.create_default_context(cafile=ca_file or None)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


async def resolve(host: str, port: int, kind: int, timeout_s: float) -> tuple:
    """The first (family, address) of host:port, looked up without blocking the loop."""
    loop = asyncio.get_running_loop()
    infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=kind), timeout_s)
    if not infos:
        raise OSError("%s does not resolve" % host)
    return infos[0][0], infos[0][4]


async def send_datagram(loop, sock: socket.socket, data: bytes, address: tuple) -> None:
    """One datagram through a non-blocking socket, waiting for room when the kernel has none.

    Not loop.sock_sendto: uvloop's loop (the card's on CPython) does not implement it."""
    while True:
        try:
            sock.sendto(data, address)
            return
        except (BlockingIOError, InterruptedError):
            pass
        room = loop.create_future()
        loop.add_writer(sock.fileno(), lambda: room.done() or room.set_result(None))
        try:
            await room
        finally:
            loop.remove_writer(sock.fileno())


class Datagrams:
    """UDP datagrams to one host:port (broadcast allowed). The name's address is kept for
    LOOKUP_S seconds (a lookup goes through a thread: it would cost every message a hop) and
    looked up again after a failure."""

    LOOKUP_S = 60.0

    def __init__(self, host: str, port: int, broadcast: bool = False,
                 timeout_s: float = 5.0) -> None:
        self.host = host
        self.port = port
        self.broadcast = broadcast
        self.timeout_s = timeout_s
        self._found: tuple | None = None       # (family, address, monotonic time of lookup)

    async def _address(self) -> tuple:
        loop = asyncio.get_running_loop()
        if self._found is None or loop.time() - self._found[2] > self.LOOKUP_S:
            family, address = await resolve(self.host, self.port, socket.SOCK_DGRAM,
                                            self.timeout_s)
            self._found = (family, address, loop.time())
        return self._found[0], self._found[1]

    async def send(self, data: bytes) -> None:
        """Send one datagram; OSError when it cannot leave (no route, unreachable port...)."""
        await self.send_all([data])

    async def send_all(self, datagrams: list[bytes]) -> None:
        """Several datagrams through one socket."""
        family, address = await self._address()
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                if self.broadcast:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
                sock.setblocking(False)
                loop = asyncio.get_running_loop()
                for data in datagrams:
                    await asyncio.wait_for(send_datagram(loop, sock, data, address),
                                           self.timeout_s)
        except BaseException:
            self._found = None
            raise

    async def close(self) -> None:
        """Nothing is kept open."""


class Stream:
    """One TCP (or TLS) connection to host:port, opened on first use and after a failure."""

    def __init__(self, host: str, port: int, context: ssl.SSLContext | None = None,
                 connect_s: float = 5.0, write_s: float = 5.0) -> None:
        self.host = host
        self.port = port
        self.context = context
        self.connect_s = connect_s
        self.write_s = write_s
        self._writer: asyncio.StreamWriter | None = None
        self.connects = 0

    async def _open(self) -> asyncio.StreamWriter:
        if self._writer is None or self._writer.is_closing():
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port, ssl=self.context,
                                        server_hostname=self.host if self.context else None,
                                        ssl_handshake_timeout=self.connect_s
                                        if self.context else None),
                self.connect_s)
            self._reader, self._writer = reader, writer
            self.connects += 1
        return self._writer

    async def send(self, chunks: list[bytes]) -> None:
        """Write the chunks and wait until the peer has taken them (bounded)."""
        try:
            writer = await self._open()
            if self._reader.at_eof():        # the server closed the connection meanwhile
                raise ConnectionResetError("the server closed the connection")
            writer.write(b"".join(chunks))
            await asyncio.wait_for(writer.drain(), self.write_s)
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()
            try:
                await asyncio.wait_for(writer.wait_closed(), 1.0)
            except (OSError, asyncio.TimeoutError, ssl.SSLError):
                pass
