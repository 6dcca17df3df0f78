"""The OID tree the agent answers from: leaf objects in OID order, read from the live snapshot.

    tree = MibTree()
    tree.scalar((1, 3, 6, 1, 2, 1, 33, 1, 2, 4), GAUGE, lambda: state.get("battery.charge"))
    tree.column(ENTRY + (3,), INTEGER, rows=lambda: [(1,), (2,)], get=lambda index: ...)
    tree.get(oid)  -> (tag, value)        noSuchObject / noSuchInstance when absent
    tree.next(oid) -> (oid, (tag, value)) or None after the last object

A scalar's instance is OID.0, a column's are OID.index for each index rows() lists (sorted).
Getters read the current snapshot at each request: the tree keeps no copy of any value, and a
getter answering None means "not there now" (the instance is skipped by walks). A writable
object has a Writer: check(index, value) -> value to apply, raising SetError with the SNMP error
status (wrongType, wrongValue, inconsistentValue ...) before anything changes; apply(index, value)
is awaited only once every varbind of the request has passed its check.
"""

import bisect

from firmware.snmp import ber

INTEGER, OCTETS, OID, IPADDRESS = ber.INTEGER, ber.OCTETS, ber.OID, ber.IPADDRESS
COUNTER, GAUGE, TICKS = ber.COUNTER32, ber.GAUGE32, ber.TIMETICKS

# Error statuses (RFC 3416) the agent answers with.
NO_ERROR, TOO_BIG, NO_SUCH_NAME, BAD_VALUE, READ_ONLY, GEN_ERR = 0, 1, 2, 3, 4, 5
NO_ACCESS, WRONG_TYPE, WRONG_LENGTH, WRONG_ENCODING, WRONG_VALUE = 6, 7, 8, 9, 10
NO_CREATION, INCONSISTENT_VALUE, RESOURCE_UNAVAILABLE, COMMIT_FAILED = 11, 12, 13, 14
UNDO_FAILED, AUTHORIZATION_ERROR, NOT_WRITABLE, INCONSISTENT_NAME = 15, 16, 17, 18

INT32 = (-2147483648, 2147483647)


class SetError(Exception):
    """A SET refused: `status` is the RFC 3416 error status, `reason` says why (for the log)."""

    def __init__(self, status: int, reason: str = "") -> None:
        super().__init__(reason or str(status))
        self.status = status
        self.reason = reason


class Writer:
    """How an object takes a SET: its check (no side effect) and its apply (async)."""

    __slots__ = ("check", "apply")

    def __init__(self, check, apply) -> None:
        self.check = check
        self.apply = apply


class Leaf:
    """One object type: a scalar (rows None) or a table column."""

    __slots__ = ("oid", "syntax", "get", "rows", "writer")

    def __init__(self, oid: tuple, syntax: int, get, rows=None, writer=None) -> None:
        self.oid = oid
        self.syntax = syntax
        self.get = get            # scalar: get() ; column: get(index)
        self.rows = rows          # column: rows() -> sorted [index tuple, ...]
        self.writer = writer

    def value(self, index: tuple, listed: bool = False):
        """The typed (tag, value) of one instance, or None when it is not there; listed: the
        index comes from rows() already (a walk), so the row need not be looked up again."""
        try:
            if self.rows is None:
                raw = self.get() if index == (0,) else None
            elif listed or index in self.rows():
                raw = self.get(index)
            else:
                raw = None
        except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
            raw = None            # a half-known value is absent, not an error for the client
        if raw is None:
            return None
        return typed(self.syntax, raw)

    def instances(self) -> list:
        return [(0,)] if self.rows is None else self.rows()


def typed(syntax: int, raw) -> tuple:
    """A python value as (tag, value) of the object's syntax."""
    if syntax == OCTETS:
        return OCTETS, raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "replace")
    if syntax == OID:
        return OID, tuple(raw)
    if syntax == IPADDRESS:
        return IPADDRESS, raw
    value = int(round(raw))
    if syntax == INTEGER:
        value = max(INT32[0], min(INT32[1], value))
    else:
        value = max(0, min(0xFFFFFFFF, value))
    return syntax, value


class MibTree:
    """Leaf objects sorted by OID; GET and GETNEXT in O(log n) plus the rows of one table."""

    def __init__(self) -> None:
        self._leaves = []
        self._oids = []

    def __len__(self) -> int:
        return len(self._leaves)

    def add(self, leaf: Leaf) -> Leaf:
        i = bisect.bisect_left(self._oids, leaf.oid)
        if i < len(self._oids) and self._oids[i] == leaf.oid:
            raise ValueError("OID %s registered twice" % dotted(leaf.oid))
        self._oids.insert(i, leaf.oid)
        self._leaves.insert(i, leaf)
        return leaf

    def scalar(self, oid: tuple, syntax: int, get, writer=None) -> Leaf:
        return self.add(Leaf(tuple(oid), syntax, get, None, writer))

    def column(self, oid: tuple, syntax: int, rows, get, writer=None) -> Leaf:
        return self.add(Leaf(tuple(oid), syntax, get, rows, writer))

    def leaves(self) -> list:
        return list(self._leaves)

    def find(self, oid: tuple):
        """(leaf, index) of the object `oid` belongs to, or (None, None)."""
        i = bisect.bisect_right(self._oids, oid) - 1
        if i >= 0:
            leaf = self._leaves[i]
            n = len(leaf.oid)
            if oid[:n] == leaf.oid and len(oid) > n:
                return leaf, oid[n:]
        return None, None

    def get(self, oid: tuple) -> tuple:
        """(tag, value) of an instance; noSuchObject or noSuchInstance when absent."""
        leaf, index = self.find(oid)
        if leaf is None:
            i = bisect.bisect_left(self._oids, oid)
            # A name above an object type (a group, a table) is an object, not an instance.
            inside = i < len(self._oids) and self._oids[i][:len(oid)] == oid
            return (ber.NO_SUCH_INSTANCE if inside else ber.NO_SUCH_OBJECT), None
        value = leaf.value(index)
        return value if value is not None else (ber.NO_SUCH_INSTANCE, None)

    def next(self, oid: tuple):
        """(oid, (tag, value)) of the first instance after `oid`, or None at the end."""
        i = max(0, bisect.bisect_right(self._oids, oid) - 1)
        while i < len(self._leaves):
            leaf = self._leaves[i]
            i += 1
            base = leaf.oid
            if oid[:len(base)] == base and len(oid) > len(base):
                after = oid[len(base):]
            elif base >= oid:
                after = None
            else:
                continue
            for index in leaf.instances():
                if after is not None and index <= after:
                    continue
                value = leaf.value(index, listed=True)
                if value is not None:
                    return base + index, value
        return None


def dotted(oid: tuple) -> str:
    return ".".join(str(x) for x in oid)


def parse(text: str) -> tuple:
    """'1.3.6.1.2.1' (a leading dot allowed) -> (1, 3, 6, 1, 2, 1)."""
    return tuple(int(x) for x in text.strip().lstrip(".").split("."))


# --- writer helpers ------------------------------------------------------------------------------

def int_check(low: int, high: int, allowed=None):
    """A check for an INTEGER object: its type, then its range or its allowed values."""
    def check(index, value):
        tag, v = value
        if tag != INTEGER:
            raise SetError(WRONG_TYPE, "INTEGER expected")
        if (allowed is not None and v not in allowed) or v < low or v > high:
            raise SetError(WRONG_VALUE, "%d is not allowed" % v)
        return v
    return check


def text_check(maxlen: int, check_text=None):
    """A check for an OCTET STRING object holding printable text."""
    def check(index, value):
        tag, v = value
        if tag != OCTETS:
            raise SetError(WRONG_TYPE, "OCTET STRING expected")
        if len(v) > maxlen:
            raise SetError(WRONG_LENGTH, "at most %d bytes" % maxlen)
        try:
            text = v.decode("utf-8")
        except UnicodeError:
            raise SetError(WRONG_VALUE, "not UTF-8 text")
        if any(ord(c) < 32 or ord(c) == 127 for c in text):
            raise SetError(WRONG_VALUE, "control characters")
        if check_text is not None:
            try:
                text = check_text(text)
            except ValueError as exc:
                raise SetError(WRONG_VALUE, str(exc))
        return text
    return check
