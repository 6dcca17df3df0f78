"""Tests for firmware.notify.outbox: its own task, bounded queue, bounded retries, reports."""

import unittest

from firmware.notify.outbox import Outbox
from firmware.platform import compat

PORTABLE = True


class Peer:
    """A destination that fails `fail` times, or hangs while `hang` is set."""

    def __init__(self, fail=0, hang=False):
        self.fail = fail
        self.hang = hang
        self.got = []
        self.calls = 0

    async def send(self, items):
        self.calls += 1
        if self.hang:
            await compat.sleep_ms(10000)
        if self.fail:
            self.fail -= 1
            raise OSError("connection refused")
        self.got.extend(items)


async def until(predicate, ms=3000):
    for _ in range(ms // 5):
        if predicate():
            return True
        await compat.sleep_ms(5)
    return False



class OutboxTest(unittest.IsolatedAsyncioTestCase):
    async def test_delivers_in_order_in_batches(self):
        peer = Peer()
        box = Outbox("t", peer.send, limit=10, retry_ms=(10,), batch=3)
        box.start()
        for n in range(7):
            box.put(n)
        self.assertTrue(await until(lambda: len(peer.got) == 7))
        await box.stop()
        self.assertEqual(peer.got, list(range(7)))
        self.assertEqual(box.status()["sent"], 7)

    async def test_a_failure_is_retried_then_reported_once_and_restored(self):
        peer = Peer(fail=2)
        reports = []
        box = Outbox("t", peer.send, retry_ms=(10, 10, 10),
                     report=lambda kind, info: reports.append(kind))
        box.start()
        box.put("a")
        self.assertTrue(await until(lambda: peer.got == ["a"]))
        await box.stop()
        self.assertEqual(reports, ["failed", "restored"])
        self.assertEqual(box.status()["failed_attempts"], 2)

    async def test_given_up_after_the_last_retry_and_reported_with_the_count(self):
        peer = Peer(fail=100)
        reports = []
        box = Outbox("t", peer.send, retry_ms=(5, 5), batch=2,
                     report=lambda kind, info: reports.append((kind, info)))
        box.start()
        box.put("a")
        box.put("b")
        self.assertTrue(await until(lambda: box.dropped == 2))
        await box.stop()
        self.assertEqual(peer.calls, 3)                 # the first try and two retries
        dropped = [info for kind, info in reports if kind == "dropped"]
        self.assertEqual(dropped[0]["count"], 2)
        self.assertIn("after 3 tries", dropped[0]["reason"])

    async def test_a_full_queue_drops_the_oldest_and_says_so(self):
        peer = Peer()
        reports = []
        box = Outbox("t", peer.send, limit=3,
                     report=lambda kind, info: reports.append((kind, info)))
        for n in range(5):          # before the worker runs
            box.put(n)
        box.start()
        self.assertTrue(await until(lambda: len(peer.got) == 3))
        await box.stop()
        self.assertEqual(peer.got, [2, 3, 4])
        self.assertEqual(reports[0][0], "dropped")
        self.assertEqual(reports[0][1]["count"], 2)

    async def test_a_hanging_peer_costs_the_timeout_and_put_never_blocks(self):
        peer = Peer(hang=True)
        reports = []
        box = Outbox("t", peer.send, limit=4, retry_ms=(), timeout_ms=50,
                     report=lambda kind, info: reports.append(kind))
        box.start()
        box.put("a")
        self.assertTrue(await until(lambda: box.dropped == 1))
        self.assertEqual(reports, ["failed", "dropped"])
        t0 = compat.ticks_ms()
        for n in range(100):
            box.put(n)
        self.assertLess(compat.ticks_diff(compat.ticks_ms(), t0), 50)
        await box.stop()
        self.assertEqual(box.pending(), 0)
        self.assertGreaterEqual(box.dropped, 5)         # what stop() found is counted

    async def test_stopped_while_retrying_the_batch_is_counted_not_lost(self):
        peer = Peer(fail=100)
        reports = []
        box = Outbox("t", peer.send, retry_ms=(10000,),
                     report=lambda kind, info: reports.append((kind, info)))
        box.start()
        box.put("a")
        box.put("b")
        self.assertTrue(await until(lambda: peer.calls == 1))
        await box.stop()                   # in the middle of the 10 s wait before the retry
        self.assertEqual(box.dropped, 2)
        self.assertEqual(reports[-1][1]["reason"], "stopped with messages still queued")

    async def test_hand_over_passes_the_queue_and_the_batch_in_flight_on(self):
        dead, alive = Peer(fail=100), Peer()
        old = Outbox("t", dead.send, retry_ms=(10000,))
        new = Outbox("t", alive.send)
        old.start()
        old.put("a")
        self.assertTrue(await until(lambda: dead.calls == 1))
        old.put("b")
        await old.hand_over(new)
        new.start()
        self.assertTrue(await until(lambda: alive.got == ["a", "b"]))
        await new.stop()
        self.assertEqual((old.dropped, new.dropped), (0, 0))


if __name__ == "__main__":
    unittest.main()
