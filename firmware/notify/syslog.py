"""Syslog (manual 15.14): the card's events as RFC 5424 messages to one server.

    notifier = SyslogNotifier(card_view, transport, "tcp", ["ups", "card", "shutdown"], 16, where)
    bus.subscribe(notifier.on_event); notifier.start()

Each event of a chosen group (firmware/notify/filter.py: ups = UPS and STS events, shutdown =
commands sent to servers and to the UPS, card = the other card events) becomes one message at
once, stamped with the event's own time, and joins the Outbox (bounded queue, own task, bounded
retries). Over UDP a message is a datagram; over TCP and TLS an octet-counted frame on one
connection kept open. A server that is down or does not read holds only this notifier; what is
given up is counted and logged ("notify.dropped"), an outage once when it starts
("syslog.failed") and once when it ends ("syslog.restored").

Portable: the sockets (firmware/notify/transport.py, CPython) come in as `transport`.
"""

from firmware import VERSION
from firmware.notify import rfc5424
from firmware.notify.filter import group, own_event
from firmware.notify.outbox import Outbox
from firmware.state import catalogue

QUEUE = 1024                     # messages waiting; the oldest goes first when full
RETRY_MS = (500, 2000, 5000, 15000)
BATCH = 64                       # messages written at once
SEQUENCE_MAX = 2147483647        # RFC 5424 7.3.1: sequenceId wraps to 1


class SyslogNotifier:
    """RFC 5424 messages of the chosen event groups to one syslog server."""

    def __init__(self, card, transport, kind, groups, facility=16, where=""):
        self.card = card                 # bus, identity()
        self.transport = transport
        self.kind = kind                 # "udp", "tcp" or "tls"
        self.groups = tuple(groups)
        self.facility = facility
        self.where = where               # host:port/transport, for the events
        self.sequence = 0
        self.outbox = Outbox("syslog", self._send, QUEUE, RETRY_MS, BATCH, timeout_ms=10000,
                             report=self._report)

    def start(self):
        self.outbox.start()

    async def stop(self, successor=None):
        """Stop; with a successor (new settings), the queued messages go on there."""
        if successor is None:
            await self.outbox.stop()
        else:
            successor.sequence = self.sequence
            await self.outbox.hand_over(successor.outbox)
        await self.transport.close()

    def on_event(self, event):
        """Bus callback: format now, queue, never block."""
        if own_event(event, "syslog.") or group(event) not in self.groups:
            return
        self.sequence = self.sequence % SEQUENCE_MAX + 1
        self.outbox.put(rfc5424.message(event, self.card.identity().get("name") or "",
                                        self.facility, self.sequence, VERSION))

    async def _send(self, messages):
        if self.kind == "udp":
            await self.transport.send_all(messages)
        else:
            await self.transport.send([rfc5424.frame(m) for m in messages])

    def _report(self, kind, info):
        bus = self.card.bus
        if kind == "failed":
            catalogue.card_event(bus, "syslog.failed", server=self.where, error=info["error"])
        elif kind == "restored":
            catalogue.card_event(bus, "syslog.restored", server=self.where)
        elif kind == "dropped":
            catalogue.card_event(bus, "notify.dropped", notifier="syslog", what="message(s)",
                                 count=info["count"], reason=info["reason"])

    def status(self):
        return {"server": self.where, "groups": list(self.groups), "sequence": self.sequence,
                "outbox": self.outbox.status()}
