"""Trap sender: one queue and one task per receiver, so no receiver can hold up another.

    sender = TrapSender(tree, send, usm, uptime)
    sender.configure(receivers, trap_filter)
    sender.notify("nv", 5, {})        # from the tracker: build once, queue for each receiver

A notification is built once (its varbinds read from the tree at that moment) and queued for
every receiver whose type and filter take it (firmware/snmp/traps.py). Each receiver's task
resolves its address (once; a slow name server delays only that receiver), encodes the trap
for its version (v1 Trap-PDU, v2c SNMPv2-Trap, v3 through the USM engine) and sends it on the
agent's UDP socket. A receiver whose queue is full (it cannot keep up, its name does not
resolve) loses its oldest traps, counted; nothing waits on the network.
"""

import asyncio
import socket

from firmware.snmp import ber, traps
from firmware.snmp.mib import OID, TICKS
from firmware.snmp.system import SNMP_TRAP_OID, SYS_UPTIME

QUEUE = 64
RESOLVE_RETRY_S = 30.0


class _Receiver:
    """A receiver's queue, task and counters."""

    def __init__(self, config) -> None:
        self.config = config
        self.queue = []
        self.wake = asyncio.Event()
        self.task = None
        self.sent = 0
        self.dropped = 0
        self.failed = 0
        self.address = None
        self.agent_address = None
        self.last_error = None


class TrapSender:
    """Routes notifications to receivers and sends them without waiting on any of them."""

    def __init__(self, tree, send, uptime, usm=None) -> None:
        self.tree = tree
        self.send = send                # send(bytes, (host, port)) on the agent's socket
        self.uptime = uptime
        self.usm = usm
        self.trap_filter = False
        self.receivers = []
        self.last_text = ""
        self.request_id = 1
        self.built = 0

    def configure(self, receivers: list, trap_filter: bool) -> None:
        self.close()
        self.trap_filter = trap_filter
        self.receivers = [_Receiver(r) for r in receivers]
        for r in self.receivers:
            r.task = asyncio.ensure_future(self._run(r))

    def close(self) -> None:
        for r in self.receivers:
            if r.task is not None:
                r.task.cancel()
        self.receivers = []

    def notify(self, kind: str, number: int, info: dict) -> int:
        """Queue a notification for every receiver that takes it; the number queued."""
        takers = [r for r in self.receivers
                  if traps.route(r.config, kind, number, self.trap_filter)]
        trap = traps.build(self.tree, kind, number, info)
        if trap.text:
            self.last_text = trap.text
        self.built += 1
        for r in takers:
            if len(r.queue) >= QUEUE:
                r.queue.pop(0)
                r.dropped += 1
            r.queue.append((self.uptime(), trap))
            r.wake.set()
        return len(takers)

    async def _run(self, r: _Receiver) -> None:
        while True:
            await r.wake.wait()
            r.wake.clear()
            if r.address is None:
                try:
                    r.address = await self._resolve(r.config)
                except OSError as exc:
                    r.last_error = "cannot resolve %s: %s" % (r.config.host, exc)
                    await asyncio.sleep(RESOLVE_RETRY_S)
                    r.wake.set()
                    continue
            while r.queue:
                uptime, trap = r.queue.pop(0)
                try:
                    self._send_one(r, uptime, trap)
                    r.sent += 1
                except Exception as exc:   # one bad receiver must not stop the others
                    r.failed += 1
                    r.last_error = str(exc)

    async def _resolve(self, config) -> tuple:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(config.host, config.port, type=socket.SOCK_DGRAM,
                                       family=socket.AF_INET)
        return infos[0][4][:2]

    @staticmethod
    def _source(address: tuple) -> bytes:
        """The card's address towards a receiver (a v1 trap's agent-addr): the route's source,
        learnt by connecting a UDP socket, which sends nothing."""
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect(address)
                return socket.inet_aton(s.getsockname()[0])
        except OSError:
            return b"\x00\x00\x00\x00"

    def _send_one(self, r: _Receiver, uptime: int, trap) -> None:
        c = r.config
        head = [(SYS_UPTIME, (TICKS, uptime)), (SNMP_TRAP_OID, (OID, trap.oid))]
        if c.version == "v1":
            enterprise, generic, specific = traps.v1_fields(trap.oid)
            if r.agent_address is None:
                r.agent_address = self._source(r.address)
            data = ber.encode_trap_v1(c.community.encode(), enterprise, r.agent_address,
                                      generic, specific, uptime, trap.varbinds)
        elif c.version == "v2c":
            self.request_id = self.request_id % 0x7FFFFFFF + 1
            data = ber.encode_trap_v2(c.community.encode(), self.request_id,
                                      head + trap.varbinds)
        else:
            if self.usm is None:
                raise ValueError("SNMPv3 is off: no USM engine for the trap")
            self.usm.send_trap(c.community, r.address, head + trap.varbinds)
            return
        self.send(data, r.address)

    def status(self) -> list:
        return [{"receiver": r.config.address, "type": r.config.kind,
                 "version": r.config.version, "sent": r.sent, "dropped": r.dropped,
                 "failed": r.failed, "queued": len(r.queue), "error": r.last_error}
                for r in self.receivers]
