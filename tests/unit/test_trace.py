"""The serial debug trace: bounded, off by default, CSV export."""

import unittest

from firmware.ups.trace import FrameTrace

PORTABLE = True


def run(coro):
    """Run a coroutine that never waits (the fake line answers at once), on any port."""
    try:
        coro.send(None)
    except StopIteration as stop:
        return stop.value
    raise AssertionError("the coroutine waited")


class Line:
    def __init__(self):
        self.sent = []

    async def write(self, data):
        self.sent.append(bytes(data))

    async def read(self, n, timeout_ms):
        return b"\x01\x03\x02\x00\x07"

    def reset_input(self):
        return 0

    def set_baud(self, baud, parity):
        self.baud = baud

    def close(self):
        self.closed = True


class TraceTest(unittest.TestCase):
    def exchange(self, trace, times=1):
        async def main():
            for _ in range(times):
                await trace.write(b"\x01\x03\x10\x20\x00\x01")
                await trace.read(7, 100)
        run(main())

    def test_off_by_default_records_nothing(self):
        line = Line()
        trace = FrameTrace(line, now=lambda: 10.0)
        self.exchange(trace)
        self.assertEqual(trace.rows(), [])
        self.assertEqual(line.sent, [b"\x01\x03\x10\x20\x00\x01"])

    def test_on_records_both_directions_and_exports_csv(self):
        trace = FrameTrace(Line(), now=lambda: 10.0)
        trace.enabled = True
        self.exchange(trace)
        self.assertEqual(trace.rows(), [(10.0, "tx", "01 03 10 20 00 01"),
                                        (10.0, "rx", "01 03 02 00 07")])
        self.assertEqual(trace.csv(), "time,direction,bytes,hex\r\n"
                         "10.000,tx,6,01 03 10 20 00 01\r\n10.000,rx,5,01 03 02 00 07\r\n")

    def test_the_ring_is_bounded(self):
        trace = FrameTrace(Line(), now=lambda: 1.0, max_rows=10)
        trace.enabled = True
        self.exchange(trace, 20)
        self.assertEqual(len(trace.rows()), 10)
        self.assertEqual(trace.status()["dropped"], 30)
        trace.clear()
        self.assertEqual(trace.rows(), [])


if __name__ == "__main__":
    unittest.main()
