"""E-mail notification (manual 15.9): which event goes to whom, when, and the daily report.

    notifier = MailNotifier(card_view, sender, make_mail, classify, recipients, ...)
    bus.subscribe(notifier.on_event); notifier.start()

- An event goes to each recipient of type events or both whose lowest severity it reaches
  (firmware/notify/filter.py; with mail.alarm_filter, not the alarm-table entries). One mail per
  event, addressed to all of them.
- mail.delay: an event that can clear ("added") waits that long; if it clears meanwhile, neither
  it nor its clearing is mailed. Events that cannot clear go at once.
- The daily status report leaves at mail.report_time (card local time) to the recipients of type
  report or both, with the last day of the logs attached as CSV (the logs' own export).
- Mails go through an Outbox (bounded queue, own task, bounded retries): a dead or slow server
  holds only this notifier. Failures log the manual's mail events with its error codes.

Portable: the SMTP client (firmware/notify/smtp.py, CPython) comes in as `sender`.
"""

from firmware.admin.args import Caller
from firmware.notify import mailtext
from firmware.notify.filter import by_severity, own_event
from firmware.notify.outbox import Outbox
from firmware.notify.settings import parse_recipient
from firmware.platform import compat
from firmware.state import catalogue

QUEUE = 64                       # mails waiting; the oldest goes first when full
RETRY_MS = (10000, 30000, 60000, 120000)   # then the mail is given up (and logged)
BATCH = 8                        # mails sent through one connection
REPORT_LOGS = ("history", "ups-events", "card-events")
STS_REPORT_LOGS = ("sts-history", "sts-events", "card-events")
DAY_S = 86400


class MailNotifier:
    """Event mails, delayed mails, the daily report and the test mail of one configuration."""

    def __init__(self, card, sender, make_mail, classify, recipients, prefix="", delay_s=0,
                 report_time="00:00", alarm_filter=False):
        self.card = card                 # bus, state, clock, identity(), operations()
        self.sender = sender
        self.make_mail = make_mail
        self.classify = classify
        self.recipients = [parse_recipient(item) for item in recipients]
        self.prefix = prefix
        self.delay_s = delay_s
        hh, mm = report_time.split(":")
        self.report_minute = int(hh) * 60 + int(mm)
        self.alarm_filter = alarm_filter
        self.outbox = Outbox("mail", self._send, QUEUE, RETRY_MS, BATCH,
                             timeout_ms=int(getattr(sender, "timeout_s", 30) * 1000) * 2,
                             report=self._report)
        self._pending = {}               # (source, code, unit) -> (event, due ticks_ms)
        self._tasks = []
        self._report_day = None          # local day number of the last report
        self.last_error = None
        self.last_report = None
        self.mailed = 0

    # --- life cycle ------------------------------------------------------------------------------
    def start(self):
        self.outbox.start()
        now = self.card.clock.local()
        if int(now // 60) % 1440 >= self.report_minute:   # today's report time has passed
            self._report_day = int(now // DAY_S)
        self._tasks = [compat.create_task(self._clock_loop())]

    async def stop(self, successor=None):
        """Stop; with a successor (new settings), the queued and delayed mails go on there."""
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        if successor is None:
            if self._pending:
                catalogue.card_event(self.card.bus, "notify.dropped", notifier="mail",
                                     what="delayed event(s)", count=len(self._pending),
                                     reason="stopped before their delay ended")
                self._pending = {}
            await self.outbox.stop()
            return
        successor._pending.update(self._pending)
        self._pending = {}
        successor._report_day = self._report_day
        await self.outbox.hand_over(successor.outbox)

    # --- events ----------------------------------------------------------------------------------
    def takers(self, event, kinds=("events", "both")):
        """The addresses an event goes to."""
        return [address for address, kind, lowest in self.recipients
                if kind in kinds and by_severity(event, lowest, self.alarm_filter)]

    def on_event(self, event):
        """Bus callback: never blocks (queues or schedules)."""
        if own_event(event, "mail."):
            return
        key = (event.get("source"), event.get("code"), event.get("unit"))
        if event.get("state") == "removed" and key in self._pending:
            del self._pending[key]       # cleared within the delay: nothing is sent
            return
        if not self.takers(event):
            return
        if self.delay_s and event.get("state") == "added":
            self._pending[key] = (event, compat.ticks_add(compat.ticks_ms(),
                                                          int(self.delay_s * 1000)))
            return
        self._queue_event(event)

    def _queue_event(self, event):
        to = self.takers(event)
        if not to:
            return
        identity = self.card.identity()
        self.outbox.put(self.make_mail(
            mailtext.subject(self.prefix, identity, event),
            mailtext.event_body(identity, event, self.card.clock.format(event.get("time")),
                                self._ups()),
            to, tag=("event", event.get("code"))))

    def _ups(self):
        state = self.card.state
        if state.stale:
            return {"ups.status": "no data from the UPS"}
        return {name: state.get(name) for name, _label, _unit in mailtext.UPS_LINES}

    async def _clock_loop(self):
        """Once a second: delayed events that are due, and the daily report at its minute."""
        while True:
            await compat.sleep_ms(1000)
            now = compat.ticks_ms()
            for key, (event, due) in list(self._pending.items()):
                if compat.ticks_diff(now, due) >= 0:
                    del self._pending[key]
                    self._queue_event(event)
            local = self.card.clock.local()
            day = int(local // DAY_S)
            if int(local // 60) % 1440 == self.report_minute and day != self._report_day:
                self._report_day = day
                try:
                    await self.queue_report()
                except Exception as exc:   # a report that cannot be built is logged, not lost
                    self._failed(exc)

    # --- the daily report and the test mail ------------------------------------------------------
    async def build_report(self, to):
        clock = self.card.clock
        now = clock.now()
        sts = self.card.state.device.get("mapping") == "sts"
        attachments = []
        export = self.card.operations().get("logs.csv")
        if export is not None:
            for name in (STS_REPORT_LOGS if sts else REPORT_LOGS):
                answer = await export({"log": name, "from": now - DAY_S},
                                      Caller("mail", "mail"))
                attachments.append((name + ".csv", answer["csv"]))
        identity = self.card.identity()
        day = clock.format(now)[:10]
        alarms_op = self.card.operations().get("alarms")
        alarms = []
        if alarms_op is not None:
            table = await alarms_op({}, Caller("mail", "mail"))
            alarms = table.get("alarms", []) if isinstance(table, dict) else []
        body = mailtext.report_body(identity, clock.format(now), self._ups(), alarms,
                                    [a[0] for a in attachments])
        return self.make_mail(mailtext.report_subject(self.prefix, identity, day), body, to,
                              attachments, tag=("report", None))

    async def queue_report(self):
        """Queue the daily report to its recipients; returns them."""
        to = [a for a, kind, _lowest in self.recipients if kind in ("report", "both")]
        if to:
            self.outbox.put(await self.build_report(to))
            self.last_report = self.card.clock.now()
        return to

    async def send_test(self, to=None):
        """Send the test mail now (not queued): (recipients reached, {refused: why}) or raises."""
        to = to or [a for a, _kind, _lowest in self.recipients]
        if not to:
            raise ValueError("no recipient: set mail.recipients first")
        identity = self.card.identity()
        mail = self.make_mail(mailtext.test_subject(self.prefix, identity),
                              mailtext.test_body(identity, self.card.clock.format(),
                                                 "%s:%s" % (self.sender.server,
                                                            self.sender.port)),
                              to, tag=("test", None))
        try:
            await self.sender.send([mail])
        except Exception as exc:
            self._failed(exc)
            if not mail.done:            # some recipients refused, the others got it: said
                raise
        delivered = [a for a in to if a not in mail.refused]
        catalogue.card_event(self.card.bus, "mail.test", to=", ".join(delivered))
        return delivered, dict(mail.refused)

    # --- delivery --------------------------------------------------------------------------------
    async def _send(self, mails):
        todo = [m for m in mails if not m.done]
        try:
            await self.sender.send(todo)
        except Exception as exc:
            self._announce(todo)         # those that went before the failure
            if getattr(exc, "refused", None) is None:
                raise                    # the others are tried again
            self._failed(exc)            # a refused recipient is not retried
            return
        self._announce(todo)

    def _announce(self, mails):
        for mail in mails:
            if mail.done and not mail.announced:
                mail.announced = True
                self.mailed += 1
                catalogue.card_event(self.card.bus, "mail.sent", subject=mail.subject,
                                     to=", ".join(mail.to))

    def _failed(self, exc):
        code, manual, detail = self.classify(exc)
        self.last_error = {"code": manual, "event": code,
                           "text": catalogue.card_text(code, detail=" " + detail)[1],
                           "detail": detail}
        kind = code[len("mail."):] if code.startswith("mail.") else "error"
        catalogue.card_event(self.card.bus, "mail.%s" % kind, detail=" " + detail,
                             error_code=manual)

    def _report(self, kind, info):
        if kind == "failed":
            self._failed(info["exc"])
        elif kind == "dropped":
            catalogue.card_event(self.card.bus, "notify.dropped", notifier="mail",
                                 what="mail(s)", count=info["count"], reason=info["reason"])

    def status(self):
        return {"recipients": len(self.recipients), "delayed": len(self._pending),
                "mailed": self.mailed, "last_error": self.last_error,
                "last_report": self.last_report, "outbox": self.outbox.status()}
