"""Serial debug (the "upsdebug" page): a bounded trace of the Modbus frames on the UPS line.

    transport = FrameTrace(board.open_serial(...))    # the poller's transport, traced when on
    transport.enabled = True
    transport.rows()     # [(epoch s, "tx"|"rx", "01 03 10 20 ..."), ...] oldest first
    transport.csv()      # time,direction,bytes,hex

Off by default: then it costs one attribute test per write or read. When on, each write and each
chunk read is one row of the ring, which keeps the last MAX_ROWS rows (a few hundred bytes each),
so leaving it on cannot fill the memory.
"""

import binascii

from firmware.platform import compat

MAX_ROWS = 500


def _hex(data):
    text = binascii.hexlify(bytes(data)).decode().upper()
    return " ".join(text[i:i + 2] for i in range(0, len(text), 2))


class FrameTrace:
    """A transport that forwards everything and, when enabled, remembers what crossed it."""

    def __init__(self, transport, now=None, max_rows=MAX_ROWS):
        self._transport = transport
        self._now = now or compat.epoch_time
        self.max_rows = max_rows
        self.enabled = False
        self._rows = []
        self.dropped = 0

    def _note(self, direction, data):
        if not data:
            return
        self._rows.append((self._now(), direction, _hex(data)))
        if len(self._rows) > self.max_rows:
            self._rows.pop(0)
            self.dropped += 1

    async def write(self, data):
        if self.enabled:
            self._note("tx", data)
        return await self._transport.write(data)

    async def read(self, n, timeout_ms):
        data = await self._transport.read(n, timeout_ms)
        if self.enabled:
            self._note("rx", data)
        return data

    def reset_input(self):
        return self._transport.reset_input()

    def set_baud(self, baud, parity):
        if self.enabled:
            self._rows.append((self._now(), "line", "%d %s" % (baud, parity)))
        return self._transport.set_baud(baud, parity)

    def close(self):
        return self._transport.close()

    def clear(self):
        self._rows = []
        self.dropped = 0

    def rows(self):
        return list(self._rows)

    def csv(self, format_time=None):
        """The trace as CSV: time, direction, byte count, bytes in hex."""
        lines = ["time,direction,bytes,hex\r\n"]
        for t, direction, text in self._rows:
            stamp = format_time(t) if format_time else "%.3f" % t
            count = len(text.split()) if direction != "line" else 0
            lines.append("%s,%s,%d,%s\r\n" % (stamp, direction, count, text))
        return "".join(lines)

    def status(self):
        return {"enabled": self.enabled, "rows": len(self._rows), "max_rows": self.max_rows,
                "dropped": self.dropped}
