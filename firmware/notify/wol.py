"""Wake-on-LAN (manual 15.11): the magic packet, and when the card sends it.

Magic packet (one UDP datagram to wol.broadcast:wol.port, AMD's Magic Packet format):

    +-------------------+----------------+----------------+-----+----------------+
    | FF FF FF FF FF FF | MAC (6 bytes)  | MAC            | ... | MAC            |
    +-------------------+----------------+----------------+-----+----------------+
      6 bytes             repeated 16 times: 96 bytes                  = 102 bytes

When (pure logic, portable; the datagram itself goes through the `send` the feature gives):
the servers were told to shut down (card events shutdown.request or shutdown.ups; not the
manual's AC-fail test, unless it sent FSD) -> armed; the arming is kept in DATA/wol.armed, since
the UPS may switch the card off too. Once armed, the mains return (ups.status says OL again) or
the UPS restart (card event ups.output.on) -> after wol.delay seconds, one packet to each enabled
target, "Wake On LAN packet sent to clients", and the arming is cleared. A cancelled shutdown
(shutdown.cancel) clears it without waking anyone.
"""

import os

from firmware.notify.settings import parse_target
from firmware.platform import compat, durable
from firmware.state import catalogue

ARM_CODES = ("shutdown.request", "shutdown.ups")
MARKER = "wol.armed"
TRIES = 3                  # a packet that cannot leave is tried again, then logged
RETRY_MS = 1000


def magic_packet(mac):
    """The 102-byte magic packet of a 6-byte MAC address."""
    if len(mac) != 6:
        raise ValueError("a MAC address has 6 bytes")
    return b"\xff" * 6 + bytes(mac) * 16


def targets(items):
    """[(mac, description)] of the enabled targets among the setting's items."""
    out = []
    for item in items:
        mac, enabled, description = parse_target(item)
        if enabled:
            out.append((mac, description))
    return out


def mains_on(status):
    """True when ups.status says the UPS is on line (mains present), not on battery."""
    words = str(status or "").split()
    return "OL" in words and "OB" not in words


class WakeOnLan:
    """Arms on a shutdown, wakes the targets when power is back; send(packet) is async."""

    def __init__(self, bus, state, send, items, delay_s, data_dir=None):
        self.bus = bus
        self.state = state
        self.send = send
        self.items = items
        self.delay_s = delay_s
        self.marker = data_dir + "/" + MARKER if data_dir else None
        self.armed = bool(self.marker and durable.exists(self.marker))
        self.why = "kept from before the restart" if self.armed else None
        self.sent = 0
        self.last_sent = None
        self.last_error = None
        self._task = None

    def close(self):
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _arm(self, why):
        self.armed, self.why = True, why
        if self.marker:
            try:
                with open(self.marker, "w") as f:
                    f.write(why + "\n")
            except OSError as exc:      # the arming still holds while the card runs
                self.last_error = "arming not saved: %s" % exc

    def _disarm(self):
        self.armed, self.why = False, None
        if self.marker and durable.exists(self.marker):
            try:
                os.remove(self.marker)
            except OSError:
                pass

    def on_event(self, event):
        """Bus callback: arm, disarm, or wake when armed and power is back."""
        code = event.get("code")
        if event.get("source") == "card" and code in ARM_CODES:
            # The manual's AC-fail test runs the procedure without shutting anyone down (no FSD
            # unless the admin asks for it, then the event says fsd): nothing to wake after it.
            if not event.get("test") or event.get("fsd"):
                self._arm(code)
            return
        if event.get("source") == "card" and code == "shutdown.cancel":
            if self._task is None:
                self._disarm()
            return
        if event.get("source") == "card" and code == "ups.output.on":
            self.check(force=True)
            return
        self.check()

    def check(self, force=False):
        """Start waking the targets when armed and the mains are back (or `force`)."""
        if not self.armed or self._task is not None:
            return
        if force or mains_on(self.state.get("ups.status")):
            self._task = compat.create_task(self._wake())

    async def _wake(self):
        try:
            await compat.sleep_ms(self.delay_s * 1000)
            await self.wake_all("mains returned" if self.why else "")
            self._disarm()
        finally:
            self._task = None

    async def wake_all(self, reason="", only=None):
        """One magic packet to each enabled target (or to the MAC `only`); returns the count."""
        chosen = targets(self.items)
        if only is not None:
            chosen = [t for t in chosen if t[0] == only]
        count, errors = 0, []
        for mac, _description in chosen:
            for attempt in range(TRIES):
                try:
                    await self.send(magic_packet(mac))
                    count += 1
                    break
                except OSError as exc:
                    if attempt == TRIES - 1:
                        errors.append("%s: %s" % (format_mac(mac), exc))
                    else:
                        await compat.sleep_ms(RETRY_MS)
        if count:
            self.sent += count
            self.last_sent = self.bus.now()
            catalogue.card_event(self.bus, "wol.sent", count=count, reason=reason)
        if errors:
            self.last_error = "; ".join(errors)
            catalogue.card_event(self.bus, "wol.failed", count=len(errors),
                                 error=self.last_error)
        return count

    def status(self):
        return {"armed": self.armed, "why": self.why, "waking": self._task is not None,
                "targets": len(targets(self.items)), "sent": self.sent,
                "last_sent": self.last_sent, "last_error": self.last_error}


def format_mac(mac):
    return ":".join("%02x" % b for b in mac)
