"""Command responder logic (RFC 3416): GET, GETNEXT, GETBULK and SET over the OID tree.

Pure request processing, shared by every SNMP version: the server decodes the message and
decides the access (read or write) from the community or the USM user; the agent answers
(error-status, error-index, varbinds). SNMPv1 answers use v1's errors (RFC 2576 section 4.3).
Work per request is bounded: at most MAX_VARBINDS varbinds in a request, and a GETBULK answer
of at most MAX_BULK varbinds (fewer repetitions, as RFC 3416 allows).

SET is all or nothing: every varbind is checked (access, writable object, type, value) before
the first one is applied; a refused one answers its error and changes nothing.
"""

from firmware.snmp import ber, mib
from firmware.snmp.mib import SetError

MAX_VARBINDS = 64
MAX_BULK = 256

# RFC 2576 section 4.3: v2 error statuses as an SNMPv1 agent reports them.
V1_ERRORS = {
    mib.NO_ACCESS: mib.NO_SUCH_NAME, mib.NOT_WRITABLE: mib.NO_SUCH_NAME,
    mib.NO_CREATION: mib.NO_SUCH_NAME, mib.INCONSISTENT_NAME: mib.NO_SUCH_NAME,
    mib.AUTHORIZATION_ERROR: mib.NO_SUCH_NAME, mib.WRONG_TYPE: mib.BAD_VALUE,
    mib.WRONG_LENGTH: mib.BAD_VALUE, mib.WRONG_ENCODING: mib.BAD_VALUE,
    mib.WRONG_VALUE: mib.BAD_VALUE, mib.INCONSISTENT_VALUE: mib.BAD_VALUE,
    mib.RESOURCE_UNAVAILABLE: mib.GEN_ERR, mib.COMMIT_FAILED: mib.GEN_ERR,
    mib.UNDO_FAILED: mib.GEN_ERR,
}
_EXCEPTIONS = (ber.NO_SUCH_OBJECT, ber.NO_SUCH_INSTANCE, ber.END_OF_MIB)
_END = (ber.END_OF_MIB, None)


class Agent:
    """Answers requests from one MibTree; counts what it answered and refused."""

    def __init__(self, tree: mib.MibTree, on_set=None) -> None:
        """on_set(oid, value, who): told of each applied SET (for the log)."""
        self.tree = tree
        self.on_set = on_set
        self.counters = {"get": 0, "next": 0, "bulk": 0, "set": 0, "set_refused": 0}

    # --- reading ---------------------------------------------------------------------------------
    def read(self, pdu: int, version: int, varbinds: list, non_repeaters: int = 0,
             max_repetitions: int = 0) -> tuple:
        """(error-status, error-index, varbinds) for a GET, GETNEXT or GETBULK."""
        if pdu == ber.GET:
            self.counters["get"] += 1
            out = [(oid, self.tree.get(oid)) for oid, _ in varbinds]
        elif pdu == ber.NEXT:
            self.counters["next"] += 1
            out = [self._next(oid) for oid, _ in varbinds]
        else:
            self.counters["bulk"] += 1
            return 0, 0, self._bulk(varbinds, non_repeaters, max_repetitions)
        if version == ber.V1:
            for i, (_oid, value) in enumerate(out):
                if value[0] in _EXCEPTIONS:
                    return mib.NO_SUCH_NAME, i + 1, varbinds
        return 0, 0, out

    def _next(self, oid: tuple) -> tuple:
        found = self.tree.next(oid)
        return found if found is not None else (oid, _END)

    def _bulk(self, varbinds: list, non_repeaters: int, max_repetitions: int) -> list:
        n = min(max(0, non_repeaters), len(varbinds))
        repeaters = varbinds[n:]
        out = [self._next(oid) for oid, _ in varbinds[:n]]
        if not repeaters:
            return out
        reps = min(max(0, max_repetitions), max(1, (MAX_BULK - n) // len(repeaters)))
        last = [oid for oid, _ in repeaters]
        for _ in range(reps):
            row = [self._next(oid) for oid in last]
            out.extend(row)
            if all(value == _END for _oid, value in row):
                break
            last = [oid for oid, _value in row]
        return out

    # --- writing ---------------------------------------------------------------------------------
    def check_set(self, varbinds: list, access: str) -> list:
        """[(leaf, index, value to apply), ...]; SetError (with .index, 1-based) if refused."""
        if len(varbinds) > MAX_VARBINDS:
            raise _at(SetError(mib.TOO_BIG, "too many varbinds"), 0)
        planned = []
        for i, (oid, value) in enumerate(varbinds):
            if access != "write":
                raise _at(SetError(mib.NO_ACCESS, "read-only access"), i + 1)
            leaf, index = self.tree.find(oid)
            if leaf is None or leaf.writer is None:
                raise _at(SetError(mib.NOT_WRITABLE, "not writable"), i + 1)
            if leaf.rows is None and index != (0,):
                raise _at(SetError(mib.NO_CREATION, "no such instance"), i + 1)
            if leaf.rows is not None and leaf.value(index) is None:
                raise _at(SetError(mib.NO_CREATION, "no such row"), i + 1)
            try:
                planned.append((leaf, index, leaf.writer.check(index, value)))
            except SetError as exc:
                raise _at(exc, i + 1)
        # Objects checked together (upsTestId with its spin lock): a group check sees them all.
        for leaf, index, value in planned:
            group = getattr(leaf.writer.check, "group", None)
            if group is not None:
                try:
                    group(planned)
                except SetError as exc:
                    raise _at(exc, 1 + planned.index((leaf, index, value)))
        return planned

    async def write(self, version: int, varbinds: list, access: str, who: str) -> tuple:
        """(error-status, error-index, varbinds) for a SET: all checked, then applied."""
        self.counters["set"] += 1
        try:
            planned = self.check_set(varbinds, access)
        except SetError as exc:
            self.counters["set_refused"] += 1
            return self._error(version, exc.status, exc.index), exc.index, varbinds
        for i, (leaf, index, value) in enumerate(planned):
            try:
                await leaf.writer.apply(index, value)
            except SetError as exc:
                self.counters["set_refused"] += 1
                return self._error(version, exc.status, i + 1), i + 1, varbinds
            except Exception as exc:   # the UPS refused a command, the file system is full ...
                self.counters["set_refused"] += 1
                print("snmp: SET %s failed: %s" % (mib.dotted(leaf.oid + index), exc))
                return self._error(version, mib.COMMIT_FAILED, i + 1), i + 1, varbinds
            if self.on_set is not None:
                self.on_set(leaf.oid + index, value, who)
        return 0, 0, varbinds

    @staticmethod
    def _error(version: int, status: int, index: int) -> int:
        if version == ber.V1:
            return V1_ERRORS.get(status, status)
        return status


def _at(exc: SetError, index: int) -> SetError:
    exc.index = index
    return exc
