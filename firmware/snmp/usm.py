"""SNMPv3 with the User-based Security Model (RFC 3414): pysnmp secures, the agent answers.

    engine = UsmEngine(engine_id, boots, users, send)   # send(bytes, (host, port))
    engine.receive(data, address)                        # a v3 message from the agent's socket
    engine.send_trap(user, (host, port), varbinds)       # an SNMPv3 trap from this engine

pysnmp checks the message (discovery, time window, HMAC-MD5/SHA digest, DES/AES privacy) and
hands the PDU to this module, which answers it through the same Agent as v1/v2c: no pysnmp MIB
and no VACM is involved, so access is decided here and only here, from the USM table entry
(read or write) and the security level it requires. A request at a lower level than the entry's
is answered authorizationError. Replies go back through pysnmp (it encrypts and signs them).

The engine ID is fixed (RFC 3411 format 3: the enterprise, then the card's MAC address) and the
boot counter is kept by the feature across restarts, so managers keep their keys and time window.
"""

import asyncio
import time

from pysnmp.carrier.base import AbstractTransportDispatcher
from pysnmp.entity import config as pconfig, engine as pengine
from pysnmp.proto import rfc1902, rfc1905
from pysnmp.proto.api import v2c

from firmware.snmp import ber, mib

ENTERPRISE = 4555
UDP_DOMAIN = (1, 3, 6, 1, 6, 1, 1)
LEVELS = {"noAuthNoPriv": 1, "authNoPriv": 2, "authPriv": 3}
AUTH = {"MD5": pconfig.USM_AUTH_HMAC96_MD5, "SHA": pconfig.USM_AUTH_HMAC96_SHA}
PRIV = {"DES": pconfig.USM_PRIV_CBC56_DES, "AES": pconfig.USM_PRIV_CFB128_AES}
READ_PDUS = {v2c.GetRequestPDU.tagSet: ber.GET, v2c.GetNextRequestPDU.tagSet: ber.NEXT,
             v2c.GetBulkRequestPDU.tagSet: ber.BULK}
SET_PDU = v2c.SetRequestPDU.tagSet
TICK_S = 0.5

_TO_ASN = {
    ber.INTEGER: rfc1902.Integer32, ber.OCTETS: rfc1902.OctetString,
    ber.OID: rfc1902.ObjectName, ber.IPADDRESS: rfc1902.IpAddress,
    ber.COUNTER32: rfc1902.Counter32, ber.GAUGE32: rfc1902.Gauge32,
    ber.TIMETICKS: rfc1902.TimeTicks, ber.OPAQUE: rfc1902.Opaque,
    ber.COUNTER64: rfc1902.Counter64,
}
_EXCEPTIONS = {ber.NO_SUCH_OBJECT: rfc1905.noSuchObject,
               ber.NO_SUCH_INSTANCE: rfc1905.noSuchInstance, ber.END_OF_MIB: rfc1905.endOfMibView}
_FROM_TAG = [(rfc1902.IpAddress.tagSet, ber.IPADDRESS), (rfc1902.Opaque.tagSet, ber.OPAQUE),
             (rfc1902.Counter32.tagSet, ber.COUNTER32), (rfc1902.Gauge32.tagSet, ber.GAUGE32),
             (rfc1902.TimeTicks.tagSet, ber.TIMETICKS), (rfc1902.Counter64.tagSet, ber.COUNTER64),
             (rfc1902.Integer32.tagSet, ber.INTEGER), (rfc1902.OctetString.tagSet, ber.OCTETS),
             (rfc1902.ObjectName.tagSet, ber.OID)]


def engine_id(mac: str) -> bytes:
    """RFC 3411 snmpEngineID: enterprise with the top bit set, format 3 (MAC), the MAC."""
    return (0x80000000 | ENTERPRISE).to_bytes(4, "big") + b"\x03" + bytes.fromhex(
        mac.replace(":", ""))


def to_asn(value: tuple):
    tag, v = value
    if tag in _EXCEPTIONS:
        return _EXCEPTIONS[tag]
    if tag == ber.NULL:
        return v2c.null
    return _TO_ASN[tag](v)


def from_asn(value) -> tuple:
    tag_set = value.tagSet
    for known, tag in _FROM_TAG:
        if tag_set == known:
            if tag in (ber.OCTETS, ber.OPAQUE, ber.IPADDRESS):
                return tag, bytes(value)
            if tag == ber.OID:
                return tag, tuple(value)
            return tag, int(value)
    return ber.NULL, None


class _Dispatcher(AbstractTransportDispatcher):
    """pysnmp's way out: every message it makes goes to the agent's socket."""

    def __init__(self, send) -> None:
        super().__init__()
        self._send = send

    def send_message(self, outgoingMessage, transportDomain, transportAddress) -> None:
        self._send(bytes(outgoingMessage), (transportAddress[0], transportAddress[1]))


class UsmEngine:
    """The SNMPv3 side of the agent: its engine, its users, its requests and its traps."""

    def __init__(self, engine_id_: bytes, boots: int, users: list, send, agent,
                 counters: dict, who=None) -> None:
        """who: the ContextVar naming who makes a SET (for the card event log)."""
        self.agent = agent
        self.who = who
        self.counters = counters
        self.users = {u.name: u for u in users}
        self.engine = pengine.SnmpEngine()
        builder = self.engine.get_mib_builder()
        (eid,) = builder.import_symbols("__SNMP-FRAMEWORK-MIB", "snmpEngineID")
        eid.syntax = eid.syntax.clone(engine_id_)
        self.engine.snmpEngineID = eid.syntax
        (boots_obj,) = builder.import_symbols("__SNMP-FRAMEWORK-MIB", "snmpEngineBoots")
        boots_obj.syntax = boots_obj.syntax.clone(boots)
        self.dispatcher = _Dispatcher(send)
        self.engine.register_transport_dispatcher(self.dispatcher)
        for user in users:
            pconfig.add_v3_user(
                self.engine, user.name,
                AUTH.get(user.auth, pconfig.USM_AUTH_NONE), user.auth_key,
                PRIV.get(user.priv, pconfig.USM_PRIV_NONE), user.priv_key)
        self.engine.message_dispatcher.register_context_engine_id(
            self.engine.snmpEngineID, tuple(READ_PDUS) + (SET_PDU,), self._process_pdu)
        self._ticker = None
        self._tasks = set()

    def start(self) -> None:
        """Start the timer pysnmp's caches need (on the event loop's thread: the engine itself
        may be built in a worker thread, so building it does not stall the poller)."""
        self._ticker = asyncio.ensure_future(self._tick())

    async def _tick(self) -> None:
        """pysnmp expires its request caches on timer ticks."""
        while True:
            await asyncio.sleep(TICK_S)
            self.dispatcher.handle_timer_tick(time.time())

    def close(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        for task in list(self._tasks):
            task.cancel()

    def receive(self, data: bytes, address: tuple) -> None:
        self.engine.message_dispatcher.receive_message(self.engine, UDP_DOMAIN, address, data)

    # --- requests --------------------------------------------------------------------------------
    def _process_pdu(self, snmpEngine, mp_model, sec_model, sec_name, sec_level, ctx_engine_id,
                     ctx_name, pdu_version, PDU, max_size, state_reference) -> None:
        request = (mp_model, sec_model, sec_name, sec_level, ctx_engine_id, ctx_name,
                   pdu_version, PDU, max_size, state_reference)
        user = self.users.get(str(sec_name))
        varbinds = [(tuple(oid), from_asn(value)) for oid, value in
                    v2c.apiPDU.get_varbinds(PDU)]
        if user is None or int(sec_level) < LEVELS[user.level]:
            self.counters["refused_v3"] = self.counters.get("refused_v3", 0) + 1
            self._respond(request, mib.AUTHORIZATION_ERROR, 1, varbinds)
            return
        if len(varbinds) > 64:
            self._respond(request, mib.TOO_BIG, 0, [])
            return
        tag = PDU.tagSet
        if tag in READ_PDUS:
            if tag == v2c.GetBulkRequestPDU.tagSet:
                status, index, out = self.agent.read(
                    ber.BULK, ber.V3, varbinds, int(v2c.apiBulkPDU.get_non_repeaters(PDU)),
                    int(v2c.apiBulkPDU.get_max_repetitions(PDU)))
            else:
                status, index, out = self.agent.read(READ_PDUS[tag], ber.V3, varbinds)
            self._respond(request, status, index, out)
            return
        task = asyncio.ensure_future(self._set(request, varbinds, user))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _set(self, request, varbinds, user) -> None:
        who = "snmpv3 user " + user.name
        if self.who is not None:
            self.who.set(who)
        status, index, out = await self.agent.write(ber.V3, varbinds, user.access, who)
        self._respond(request, status, index, out)

    def _respond(self, request, status, index, varbinds) -> None:
        (mp_model, sec_model, sec_name, sec_level, ctx_engine_id, ctx_name, pdu_version, PDU,
         max_size, state_reference) = request
        response = v2c.apiPDU.get_response(PDU)
        v2c.apiPDU.set_error_status(response, status)
        v2c.apiPDU.set_error_index(response, index)
        v2c.apiPDU.set_varbinds(response, [(rfc1902.ObjectName(oid), to_asn(value))
                                           for oid, value in varbinds])
        try:
            self.engine.message_dispatcher.return_response_pdu(
                self.engine, mp_model, sec_model, sec_name, sec_level, ctx_engine_id,
                ctx_name, pdu_version, response, max_size, state_reference, {})
        except Exception as exc:   # too big for the manager, or its request expired
            self.counters["silent_drops"] = self.counters.get("silent_drops", 0) + 1
            print("snmp: v3 answer dropped: %s" % (exc,))

    # --- traps -----------------------------------------------------------------------------------
    def send_trap(self, user_name: str, address: tuple, varbinds: list) -> None:
        """An SNMPv3 trap (authoritative: this engine) to `address` as USM user `user_name`."""
        user = self.users.get(user_name)
        if user is None:
            raise ValueError("no USM user %r for an SNMPv3 trap" % user_name)
        pdu = v2c.TrapPDU()
        v2c.apiTrapPDU.set_defaults(pdu)
        v2c.apiPDU.set_varbinds(pdu, [(rfc1902.ObjectName(oid), to_asn(value))
                                      for oid, value in varbinds])
        self.engine.message_dispatcher.send_pdu(
            self.engine, UDP_DOMAIN, address, 3, 3, rfc1902.OctetString(user.name),
            LEVELS[user.level],
            self.engine.snmpEngineID, b"", 1, pdu, False)
