"""SNMP v1/v2c messages in BER (RFC 1157, RFC 3416): decode a request, encode an answer or a trap.

Pure functions, no I/O. The layout, as it travels:

    Message  30 len { 02 version (0 = v1, 1 = v2c)  04 community  PDU }
    PDU      A0 get | A1 next | A2 response | A3 set | A5 bulk | A6 inform | A7 trap2 | A8 report
             len { 02 request-id  02 error-status (bulk: non-repeaters)
                   02 error-index (bulk: max-repetitions)  30 len { VarBind ... } }
    TrapPDU  A4 len { 06 enterprise  40 agent-addr  02 generic-trap  02 specific-trap
                      43 time-stamp  30 len { VarBind ... } }                    (v1 only)
    VarBind  30 len { 06 name  value }

A value is a pair (tag, python value):

    0x02 INTEGER int        0x04 OCTET STRING bytes   0x05 NULL None     0x06 OID tuple of ints
    0x40 IpAddress bytes(4) 0x41 Counter32 int        0x42 Gauge32 int   0x43 TimeTicks int
    0x44 Opaque bytes       0x46 Counter64 int        0x80 noSuchObject  0x81 noSuchInstance
    0x82 endOfMibView (the last three carry None)

Lengths use the short or the definite long form (at most 4 length bytes); anything else, a
truncated element, an integer over 64 bits or an OID over MAX_OID_LEN sub-identifiers raises
BerError, so a malformed packet costs one bounded parse and nothing else.
"""

INTEGER, OCTETS, NULL, OID, SEQUENCE = 0x02, 0x04, 0x05, 0x06, 0x30
IPADDRESS, COUNTER32, GAUGE32, TIMETICKS, OPAQUE, COUNTER64 = 0x40, 0x41, 0x42, 0x43, 0x44, 0x46
NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB = 0x80, 0x81, 0x82
GET, NEXT, RESPONSE, SET, TRAP1, BULK, INFORM, TRAP2, REPORT = (
    0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8)
V1, V2C, V3 = 0, 1, 3

MAX_OID_LEN = 128
_EXCEPTIONS = (NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB)
_UNSIGNED = {COUNTER32: 0xFFFFFFFF, GAUGE32: 0xFFFFFFFF, TIMETICKS: 0xFFFFFFFF,
             COUNTER64: 0xFFFFFFFFFFFFFFFF}


class BerError(ValueError):
    """A packet that is not a well-formed SNMP message."""


class Request:
    """A decoded v1/v2c message: version, community, PDU type and fields, varbinds."""

    __slots__ = ("version", "community", "pdu", "request_id", "field1", "field2", "varbinds")

    def __init__(self, version: int, community: bytes, pdu: int, request_id: int,
                 field1: int, field2: int, varbinds: list) -> None:
        self.version = version
        self.community = community
        self.pdu = pdu
        self.request_id = request_id
        self.field1 = field1          # error-status, or non-repeaters for GETBULK
        self.field2 = field2          # error-index, or max-repetitions for GETBULK
        self.varbinds = varbinds      # [(oid tuple, (tag, value)), ...]


# --- decoding ------------------------------------------------------------------------------------

def _header(buf: bytes, pos: int, end: int) -> tuple:
    """(tag, start of contents, end of contents) of the element at pos."""
    if pos + 2 > end:
        raise BerError("truncated element at %d" % pos)
    tag = buf[pos]
    if tag & 0x1F == 0x1F:
        raise BerError("multi-byte tags are not used by SNMP")
    first = buf[pos + 1]
    pos += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0 or count > 4:
            raise BerError("unsupported length form")
        if pos + count > end:
            raise BerError("truncated length")
        length = int.from_bytes(buf[pos:pos + count], "big")
        pos += count
    if pos + length > end:
        raise BerError("element longer than its container")
    return tag, pos, pos + length


def _int(buf: bytes, start: int, stop: int) -> int:
    if stop == start or stop - start > 9:
        raise BerError("bad integer length")
    return int.from_bytes(buf[start:stop], "big", signed=True)


def decode_oid(data: bytes) -> tuple:
    """The sub-identifiers of an encoded OID's contents."""
    if not data:
        raise BerError("empty OID")
    out = []
    value = 0
    pending = False
    for byte in data:
        value = (value << 7) | (byte & 0x7F)
        if value > 0xFFFFFFFF:
            raise BerError("OID sub-identifier over 32 bits")
        if byte & 0x80:
            if not pending and byte == 0x80:
                raise BerError("OID sub-identifier with a leading zero byte")
            pending = True
            continue
        out.append(value)
        value = 0
        pending = False
    if pending:
        raise BerError("truncated OID")
    first = out[0]
    head = (first // 40, first % 40) if first < 80 else (2, first - 80)
    oid = head + tuple(out[1:])
    if len(oid) > MAX_OID_LEN:
        raise BerError("OID longer than %d sub-identifiers" % MAX_OID_LEN)
    return oid


def _value(buf: bytes, tag: int, start: int, stop: int) -> tuple:
    if tag == INTEGER:
        return INTEGER, _int(buf, start, stop)
    if tag in (OCTETS, OPAQUE):
        return tag, bytes(buf[start:stop])
    if tag == NULL or tag in _EXCEPTIONS:
        if stop != start:
            raise BerError("NULL with contents")
        return tag, None
    if tag == OID:
        return OID, decode_oid(buf[start:stop])
    if tag == IPADDRESS:
        if stop - start != 4:
            raise BerError("IpAddress is 4 bytes")
        return IPADDRESS, bytes(buf[start:stop])
    if tag in _UNSIGNED:
        if stop == start or stop - start > 9:
            raise BerError("bad unsigned length")
        value = int.from_bytes(buf[start:stop], "big")
        if value > _UNSIGNED[tag]:
            raise BerError("unsigned value out of range")
        return tag, value
    raise BerError("unknown value tag 0x%02X" % tag)


def _varbinds(buf: bytes, pos: int, end: int, limit: int) -> list:
    out = []
    while pos < end:
        tag, start, stop = _header(buf, pos, end)
        if tag != SEQUENCE:
            raise BerError("varbind is not a SEQUENCE")
        ntag, nstart, nstop = _header(buf, start, stop)
        if ntag != OID:
            raise BerError("varbind name is not an OID")
        vtag, vstart, vstop = _header(buf, nstop, stop)
        if vstop != stop:
            raise BerError("trailing bytes in a varbind")
        out.append((decode_oid(buf[nstart:nstop]), _value(buf, vtag, vstart, vstop)))
        if len(out) > limit:
            raise BerError("more than %d varbinds" % limit)
        pos = stop
    return out


def message_version(buf: bytes) -> int:
    """The version field of a message (0, 1, 3, ...); BerError when there is none."""
    tag, start, stop = _header(buf, 0, len(buf))
    if tag != SEQUENCE:
        raise BerError("message is not a SEQUENCE")
    itag, istart, istop = _header(buf, start, stop)
    if itag != INTEGER:
        raise BerError("message version is not an INTEGER")
    return _int(buf, istart, istop)


def decode(buf: bytes, max_varbinds: int = 256) -> Request:
    """A v1/v2c request message; BerError for anything malformed or of another version."""
    tag, start, end = _header(buf, 0, len(buf))
    if tag != SEQUENCE or end != len(buf):
        raise BerError("message is not one SEQUENCE")
    tag, s, e = _header(buf, start, end)
    if tag != INTEGER:
        raise BerError("version is not an INTEGER")
    version = _int(buf, s, e)
    if version not in (V1, V2C):
        raise BerError("version %d is not v1/v2c" % version)
    tag, s, e2 = _header(buf, e, end)
    if tag != OCTETS:
        raise BerError("community is not an OCTET STRING")
    community = bytes(buf[s:e2])
    pdu, pstart, pend = _header(buf, e2, end)
    if pend != end or pdu not in (GET, NEXT, RESPONSE, SET, BULK, INFORM, TRAP2, REPORT):
        raise BerError("unexpected PDU 0x%02X" % pdu)
    fields = []
    pos = pstart
    for _ in range(3):
        tag, s, e = _header(buf, pos, pend)
        if tag != INTEGER:
            raise BerError("PDU header field is not an INTEGER")
        fields.append(_int(buf, s, e))
        pos = e
    tag, s, e = _header(buf, pos, pend)
    if tag != SEQUENCE or e != pend:
        raise BerError("varbind list is not one SEQUENCE")
    return Request(version, community, pdu, fields[0], fields[1], fields[2],
                   _varbinds(buf, s, e, max_varbinds))


# --- encoding ------------------------------------------------------------------------------------

def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def tlv(tag: int, contents: bytes) -> bytes:
    """One element: tag, length, contents."""
    return bytes((tag,)) + _length(len(contents)) + contents


def _int_bytes(n: int) -> bytes:
    return n.to_bytes(n.bit_length() // 8 + 1, "big", signed=True)


def _uint_bytes(n: int) -> bytes:
    return n.to_bytes(n.bit_length() // 8 + 1, "big")


_OID_CACHE = {}


def encode_oid(oid: tuple) -> bytes:
    """An OID element (cached: the same names are encoded again and again)."""
    cached = _OID_CACHE.get(oid)
    if cached is not None:
        return cached
    if len(oid) < 2 or oid[0] > 2 or (oid[0] < 2 and oid[1] >= 40):
        raise ValueError("not an OID: %r" % (oid,))
    out = bytearray()
    for sub in (oid[0] * 40 + oid[1],) + tuple(oid[2:]):
        if sub < 0 or sub > 0xFFFFFFFF:
            raise ValueError("OID sub-identifier out of range in %r" % (oid,))
        chunk = [sub & 0x7F]
        sub >>= 7
        while sub:
            chunk.append(0x80 | (sub & 0x7F))
            sub >>= 7
        out.extend(reversed(chunk))
    encoded = tlv(OID, bytes(out))
    if len(_OID_CACHE) < 20000:
        _OID_CACHE[oid] = encoded
    return encoded


def encode_value(value: tuple) -> bytes:
    """One (tag, python value) as an element."""
    tag, v = value
    if tag == INTEGER:
        return tlv(INTEGER, _int_bytes(v))
    if tag in (OCTETS, OPAQUE, IPADDRESS):
        return tlv(tag, v if isinstance(v, bytes) else str(v).encode())
    if tag == OID:
        return encode_oid(v)
    if tag in _UNSIGNED:
        return tlv(tag, _uint_bytes(v & _UNSIGNED[tag]))
    return bytes((tag, 0))    # NULL and the three exceptions


def encode_varbinds(varbinds: list) -> bytes:
    return tlv(SEQUENCE, b"".join(tlv(SEQUENCE, encode_oid(oid) + encode_value(value))
                                  for oid, value in varbinds))


def encode_pdu(pdu: int, request_id: int, field1: int, field2: int, varbinds: list) -> bytes:
    return tlv(pdu, tlv(INTEGER, _int_bytes(request_id)) + tlv(INTEGER, _int_bytes(field1))
               + tlv(INTEGER, _int_bytes(field2)) + encode_varbinds(varbinds))


def encode_message(version: int, community: bytes, pdu: bytes) -> bytes:
    """A whole message around an encoded PDU."""
    return tlv(SEQUENCE, tlv(INTEGER, _int_bytes(version)) + tlv(OCTETS, community) + pdu)


def encode_response(request: Request, error_status: int, error_index: int,
                    varbinds: list) -> bytes:
    """The Response-PDU message answering `request`."""
    return encode_message(request.version, request.community,
                          encode_pdu(RESPONSE, request.request_id, error_status, error_index,
                                     varbinds))


def encode_trap_v1(community: bytes, enterprise: tuple, agent_addr: bytes, generic: int,
                   specific: int, uptime: int, varbinds: list) -> bytes:
    """An SNMPv1 Trap-PDU message (RFC 1157)."""
    pdu = tlv(TRAP1, encode_oid(enterprise) + tlv(IPADDRESS, agent_addr)
              + tlv(INTEGER, _int_bytes(generic)) + tlv(INTEGER, _int_bytes(specific))
              + tlv(TIMETICKS, _uint_bytes(uptime & 0xFFFFFFFF)) + encode_varbinds(varbinds))
    return encode_message(V1, community, pdu)


def encode_trap_v2(community: bytes, request_id: int, varbinds: list) -> bytes:
    """An SNMPv2c SNMPv2-Trap-PDU message; varbinds start with sysUpTime.0 and snmpTrapOID.0."""
    return encode_message(V2C, community, encode_pdu(TRAP2, request_id, 0, 0, varbinds))
