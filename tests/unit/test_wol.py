"""Tests for firmware.notify.wol: the magic packet, and when the card wakes the servers."""

import os
import unittest

from firmware.notify import wol
from firmware.platform import compat
from firmware.state.bus import EventBus
from tmpdirs import make_dir, remove_dir

PORTABLE = True

MAC = b"\x00\x11\x22\x33\x44\x55"
TARGETS = ["00:11:22:33:44:55:on:db", "00:11:22:33:44:66:off:spare",
           "00:11:22:33:44:77:on"]


class State:
    def __init__(self, status):
        self.status = status

    def get(self, name, default=None):
        return self.status if name == "ups.status" else default


class MagicPacketTest(unittest.TestCase):
    def test_layout(self):
        packet = wol.magic_packet(MAC)
        self.assertEqual(len(packet), 102)
        self.assertEqual(packet[:6], b"\xff" * 6)
        for n in range(16):
            self.assertEqual(packet[6 + 6 * n:12 + 6 * n], MAC)
        with self.assertRaises(ValueError):
            wol.magic_packet(b"\x00\x11")

    def test_only_enabled_targets(self):
        self.assertEqual([wol.format_mac(m) for m, _d in wol.targets(TARGETS)],
                         ["00:11:22:33:44:55", "00:11:22:33:44:77"])

    def test_mains_on(self):
        for status, on in (("OL", True), ("OL CHRG", True), ("OB DISCHRG", False),
                           ("OL OB", False), ("", False), (None, False)):
            self.assertEqual(wol.mains_on(status), on, status)


def card_event(bus, code, **params):
    event = {"time": None, "source": "card", "level": "I", "code": code, "text": code}
    event.update(params)
    bus.publish(event)


async def until(predicate, ms=3000):
    for _ in range(ms // 5):
        if predicate():
            return True
        await compat.sleep_ms(5)
    return False


class WakeTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.dir = make_dir("wol")
        self.sent = []
        self.bus = EventBus()
        self.state = State("OB DISCHRG")

    def tearDown(self):
        remove_dir(self.dir)

    async def send(self, packet):
        self.sent.append(packet)

    def make(self):
        w = wol.WakeOnLan(self.bus, self.state, self.send, TARGETS, 0, self.dir)
        self.bus.subscribe(w.on_event)
        return w

    async def test_armed_by_the_shutdown_then_woken_when_the_mains_return(self):
        w = self.make()
        card_event(self.bus, "shutdown.warning")
        self.assertFalse(w.armed)
        card_event(self.bus, "shutdown.request")
        self.assertTrue(w.armed)
        self.assertTrue(os.stat(self.dir + "/" + wol.MARKER))   # kept over a restart
        card_event(self.bus, "comm.restored")                    # still on battery
        await compat.sleep_ms(20)
        self.assertEqual(self.sent, [])
        self.state.status = "OL CHRG"
        card_event(self.bus, "comm.restored")
        self.assertTrue(await until(lambda: len(self.sent) == 2))
        self.assertTrue(await until(lambda: not w.armed))
        self.assertEqual(self.sent[0], wol.magic_packet(MAC))
        self.assertIn("wol.sent", [e["code"] for e in self.bus.recent])
        card_event(self.bus, "comm.restored")                    # once per shutdown
        await compat.sleep_ms(20)
        self.assertEqual(len(self.sent), 2)

    async def test_the_ac_fail_test_arms_only_when_it_sent_fsd(self):
        w = self.make()
        card_event(self.bus, "shutdown.request", test=True)
        self.assertFalse(w.armed)
        card_event(self.bus, "shutdown.request", test=True, fsd=True)
        self.assertTrue(w.armed)

    async def test_the_ups_restart_wakes_and_a_cancel_disarms(self):
        w = self.make()
        card_event(self.bus, "shutdown.request")
        card_event(self.bus, "shutdown.cancel")
        self.assertFalse(w.armed)
        card_event(self.bus, "ups.output.on")
        await compat.sleep_ms(20)
        self.assertEqual(self.sent, [])
        card_event(self.bus, "shutdown.ups")
        card_event(self.bus, "ups.output.on")                   # still OB: forced
        self.assertTrue(await until(lambda: len(self.sent) == 2))

    async def test_the_arming_survives_a_restart_of_the_card(self):
        first = self.make()
        card_event(self.bus, "shutdown.request")
        self.bus.unsubscribe(first.on_event)
        self.state.status = "OL"
        again = wol.WakeOnLan(self.bus, self.state, self.send, TARGETS, 0, self.dir)
        self.assertTrue(again.armed)
        again.check()
        self.assertTrue(await until(lambda: len(self.sent) == 2))

    async def test_a_packet_that_cannot_leave_is_retried_then_logged(self):
        calls = []

        async def refuse(packet):
            calls.append(packet)
            raise OSError("network is unreachable")

        w = wol.WakeOnLan(self.bus, self.state, refuse, TARGETS[:1], 0, None)
        w_retry = wol.RETRY_MS
        wol.RETRY_MS = 1
        try:
            count = await w.wake_all("test")
        finally:
            wol.RETRY_MS = w_retry
        self.assertEqual((count, len(calls)), (0, wol.TRIES))
        failed = [e for e in self.bus.recent if e["code"] == "wol.failed"]
        self.assertIn("network is unreachable", failed[0]["text"])


if __name__ == "__main__":
    unittest.main()
