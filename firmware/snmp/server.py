"""The agent's UDP endpoint: bounds what a client can cost, checks communities, dispatches.

    datagram -> size (MAX_PACKET) -> rate per source address (max_rate a second)
             -> version: v1/v2c decoded here (firmware/snmp/ber.py), v3 handed to the USM engine
             -> community: read or write access, else dropped (snmpInBadCommunityNames)
             -> Agent: GET/GETNEXT/GETBULK answered at once, SET awaited in a task (at most
                MAX_PENDING_SETS at a time: each may write to the UPS or the flash)

A malformed datagram costs one bounded parse and is dropped, counted (snmpInASNParseErrs); an
unknown community is dropped without an answer, as RFC 1157 asks. An answer larger than
MAX_RESPONSE is replaced by tooBig. Every refusal is counted in status().
"""

import asyncio
import hmac

from firmware.snmp import ber, mib

MAX_PACKET = 8192
MAX_RESPONSE = 65000
MAX_PENDING_SETS = 8
MAX_SOURCES = 1024            # rate buckets remembered; the oldest are forgotten first


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, server) -> None:
        self.server = server

    def datagram_received(self, data, addr) -> None:
        try:
            self.server.handle(data, addr)
        except Exception as exc:   # one bad packet must never stop the agent
            self.server.count("errors")
            print("snmp: request from %s failed: %r" % (addr[0], exc))

    def error_received(self, exc) -> None:
        self.server.count("send_errors")     # an ICMP error for a trap or an answer: ignore


class SnmpServer:
    """UDP front end of the agent for v1, v2c and v3."""

    def __init__(self, agent, bind: str, port: int, counters: dict, who) -> None:
        self.agent = agent
        self.bind = bind
        self.port = port
        self.counters = counters
        self.who = who                   # contextvar: who makes the SET (for the event log)
        self.versions = ("v1", "v2c", "v3")
        self.read_community = b""
        self.write_community = b""
        self.max_rate = 0
        self.usm = None
        self.transport = None
        self._buckets = {}
        self._pending = set()

    def configure(self, versions, read_community: str, write_community: str,
                  max_rate: int) -> None:
        self.versions = tuple(versions)
        self.read_community = read_community.encode()
        self.write_community = write_community.encode()
        self.max_rate = max_rate

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.transport, _ = await loop.create_datagram_endpoint(
            lambda: _Protocol(self), local_addr=(self.bind, self.port))
        self.port = self.transport.get_extra_info("sockname")[1]

    async def stop(self) -> None:
        for task in list(self._pending):
            task.cancel()
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    def count(self, name: str) -> None:
        self.counters[name] = self.counters.get(name, 0) + 1

    def send(self, data: bytes, address: tuple) -> None:
        if self.transport is not None:
            self.count("out_pkts")
            self.transport.sendto(data, address)

    # --- one datagram ----------------------------------------------------------------------------
    def handle(self, data: bytes, addr: tuple) -> None:
        self.count("in_pkts")
        if len(data) > MAX_PACKET:
            self.count("oversize")
            return
        if self.max_rate and not self._allowed(addr[0]):
            self.count("rate_limited")
            return
        try:
            version = ber.message_version(data)
        except ber.BerError:
            self.count("parse_errors")
            return
        if version == ber.V3:
            if "v3" in self.versions and self.usm is not None:
                self.usm.receive(data, addr)
            else:
                self.count("bad_versions")
            return
        name = {ber.V1: "v1", ber.V2C: "v2c"}.get(version)
        if name not in self.versions:
            self.count("bad_versions")
            return
        try:
            request = ber.decode(data)
        except ber.BerError:
            self.count("parse_errors")
            return
        access = self._access(request.community)
        if access is None:
            self.count("bad_community_names")
            return
        if request.pdu in (ber.GET, ber.NEXT) or (request.pdu == ber.BULK and version == ber.V2C):
            self._answer(request, addr, *self.agent.read(
                request.pdu, version, request.varbinds, request.field1, request.field2))
        elif request.pdu == ber.SET:
            if len(self._pending) >= MAX_PENDING_SETS:
                self.count("sets_dropped")
                return
            task = asyncio.ensure_future(self._set(request, addr, access))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)
        else:
            self.count("bad_community_uses")     # a trap or a response sent to the agent

    def _access(self, community: bytes):
        if self.write_community and hmac.compare_digest(community, self.write_community):
            return "write"
        if self.read_community and hmac.compare_digest(community, self.read_community):
            return "read"
        return None

    async def _set(self, request, addr, access: str) -> None:
        who = "%s community from %s" % (access, addr[0])
        self.who.set(who)
        status, index, varbinds = await self.agent.write(request.version, request.varbinds,
                                                         access, who)
        self._answer(request, addr, status, index, varbinds)

    def _answer(self, request, addr, status: int, index: int, varbinds: list) -> None:
        data = ber.encode_response(request, status, index, varbinds)
        if len(data) > MAX_RESPONSE:
            if request.pdu == ber.BULK:
                while varbinds and len(data) > MAX_RESPONSE:
                    varbinds = varbinds[:len(varbinds) * 3 // 4]
                    data = ber.encode_response(request, status, index, varbinds)
            else:
                keep = request.varbinds if request.version == ber.V1 else []
                data = ber.encode_response(request, mib.TOO_BIG, 0, keep)
        self.send(data, addr)

    def _allowed(self, source: str) -> bool:
        """A token bucket per source address: max_rate requests a second, as a burst too."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        tokens, last = self._buckets.pop(source, (self.max_rate, now))
        tokens = min(self.max_rate, tokens + (now - last) * self.max_rate)
        if len(self._buckets) >= MAX_SOURCES:
            self._buckets.pop(next(iter(self._buckets)))
        if tokens < 1:
            self._buckets[source] = (tokens, now)
            return False
        self._buckets[source] = (tokens - 1, now)
        return True

    def status(self) -> dict:
        return {"listening": self.transport is not None, "bind": self.bind, "port": self.port,
                "versions": list(self.versions), "pending_sets": len(self._pending)}
