"""The notification features: e-mail, syslog and Wake-on-LAN, each with its own settings.

Each listens to the card's event bus (never blocking it) and delivers through its own task, so
a dead or slow mail server, syslog server or network holds nothing else. The sockets and the
SMTP client are CPython's (firmware/notify/transport.py, smtp.py), imported when a notifier
starts; what decides who gets what is portable.

    operations: mail.test    {"to": [addresses]?}   send the test mail now ("Send Test")
                mail.report  -                      queue the daily status report now
                wol.send     {"mac": "..."}?        magic packets to the enabled targets now
"""

from firmware.admin.args import OpError
from firmware.card.feature import Feature
from firmware.notify import settings
from firmware.notify.mail import MailNotifier
from firmware.notify.settings import parse_mac
from firmware.notify.syslog import SyslogNotifier
from firmware.notify.wol import WakeOnLan


def _smtp():
    """The SMTP client module (CPython, aiosmtplib); ValueError on a board without it."""
    try:
        from firmware.notify import smtp
    except ImportError as exc:
        raise ValueError("e-mail is not available on this board (%s)" % exc)
    return smtp


def _transport():
    """The sockets of syslog and Wake-on-LAN (CPython); ValueError on a board without them."""
    try:
        from firmware.notify import transport
    except ImportError as exc:
        raise ValueError("not available on this board (%s)" % exc)
    return transport


class Mail(Feature):
    """E-mail notification (manual 15.9)."""

    name = "mail"
    title = "E-mail notification"
    SETTINGS = settings.MAIL_ROWS

    def __init__(self, card):
        super().__init__(card)
        self.notifier = None

    def _sender(self):
        s = self.setting
        return _smtp().SmtpSender(s("mail.server"), s("mail.port"), s("mail.tls"),
                                  s("mail.ca_file"), s("mail.auth"), s("mail.user"),
                                  s("mail.password"), s("mail.sender"))

    def _notifier(self, sender):
        smtp = _smtp()
        s = self.setting
        return MailNotifier(self.card, sender, smtp.Mail, smtp.classify,
                            s("mail.recipients"),
                            s("mail.subject_prefix"), s("mail.delay") * 60,
                            s("mail.report_time"), s("mail.alarm_filter"))

    async def start(self):
        if not self.setting("mail.enabled"):
            return
        notifier = self._notifier(self._sender())   # ValueError: what the settings lack
        self.card.bus.subscribe(notifier.on_event)
        notifier.start()
        self.notifier = notifier

    async def stop(self):
        notifier, self.notifier = self.notifier, None
        if notifier is not None:
            self.card.bus.unsubscribe(notifier.on_event)
            await notifier.stop()

    async def apply(self, changed):
        """New settings: the mails already queued or delayed go on with the new ones."""
        old = self.notifier
        if old is None or not self.setting("mail.enabled"):
            await self.stop()
            await self.start()
            return
        new = self._notifier(self._sender())        # ValueError: the old one keeps running
        self.card.bus.unsubscribe(old.on_event)
        self.card.bus.subscribe(new.on_event)
        self.notifier = new
        await old.stop(successor=new)
        new.start()

    def operations(self):
        return {"mail.test": self._test, "mail.report": self._report}

    async def _test(self, args, caller):
        """The test mail, sent now with the saved settings (also while mail.enabled is off)."""
        to = args.get("to")
        if to is not None and (not isinstance(to, list) or not all(
                isinstance(a, str) for a in to)):
            raise OpError("to must be a list of addresses")
        try:
            notifier = self.notifier or self._notifier(self._sender())
        except ValueError as exc:
            raise OpError(str(exc))
        try:
            sent, refused = await notifier.send_test(to)
        except ValueError as exc:
            raise OpError(str(exc))
        except Exception:
            err = notifier.last_error
            raise OpError("%s %s" % (err["code"], err["text"]), "failed", detail=err)
        return {"sent": sent, "refused": refused}

    async def _report(self, args, caller):
        if self.notifier is None:
            raise OpError("e-mail notification is off (mail.enabled)", "failed")
        to = await self.notifier.queue_report()
        if not to:
            raise OpError("no recipient of type report or both in mail.recipients")
        return {"queued": to}

    def status(self):
        if self.notifier is None:
            return {"enabled": bool(self.setting("mail.enabled")), "running": False}
        out = {"enabled": True, "running": True,
               "server": "%s:%d" % (self.setting("mail.server"), self.setting("mail.port")),
               "tls": self.setting("mail.tls")}
        out.update(self.notifier.status())
        return out


class Syslog(Feature):
    """Syslog to one server (manual 15.14): RFC 5424 over UDP, TCP or TLS."""

    name = "syslog"
    title = "Syslog"
    SETTINGS = settings.SYSLOG_ROWS

    def __init__(self, card):
        super().__init__(card)
        self.notifier = None

    async def start(self):
        notifier = self._notifier()
        if notifier is not None:
            self.card.bus.subscribe(notifier.on_event)
            notifier.start()
            self.notifier = notifier

    async def apply(self, changed):
        """New settings: the messages already queued go on to the new server."""
        old = self.notifier
        if old is None:
            await self.start()
            return
        new = self._notifier()                      # ValueError: the old one keeps running
        self.card.bus.unsubscribe(old.on_event)
        self.notifier = new
        if new is None:
            await old.stop()
            return
        self.card.bus.subscribe(new.on_event)
        await old.stop(successor=new)
        new.start()

    def _notifier(self):
        if not self.setting("syslog.enabled"):
            return None
        transport = _transport()
        host, port, kind = (self.setting("syslog.server"), self.setting("syslog.port"),
                            self.setting("syslog.transport"))
        if not host:
            raise ValueError("no syslog server set (syslog.server)")
        if kind == "udp":
            link = transport.Datagrams(host, port)
        else:
            context = transport.tls_context(self.setting("syslog.ca_file")) \
                if kind == "tls" else None
            link = transport.Stream(host, port, context)
        return SyslogNotifier(self.card, link, kind, self.setting("syslog.events"),
                              self.setting("syslog.facility"), "%s:%d/%s" % (host, port, kind))

    async def stop(self):
        notifier, self.notifier = self.notifier, None
        if notifier is not None:
            self.card.bus.unsubscribe(notifier.on_event)
            await notifier.stop()

    def status(self):
        if self.notifier is None:
            return {"enabled": bool(self.setting("syslog.enabled")), "running": False}
        out = {"enabled": True, "running": True}
        out.update(self.notifier.status())
        return out


class Wol(Feature):
    """Wake-on-LAN of the servers after an AC-failure shutdown (manual 15.11)."""

    name = "wol"
    title = "Wake On LAN"
    SETTINGS = settings.WOL_ROWS

    def __init__(self, card):
        super().__init__(card)
        self.wol = None

    async def start(self):
        if not self.setting("wol.enabled"):
            return
        transport = _transport()
        link = transport.Datagrams(self.setting("wol.broadcast"), self.setting("wol.port"),
                                   broadcast=True)
        wol = WakeOnLan(self.card.bus, self.card.state, link.send, self.setting("wol.targets"),
                        self.setting("wol.delay"), self.card.data_dir)
        self.card.bus.subscribe(wol.on_event)
        self.wol = wol
        wol.check()                 # armed before a restart and the mains already back

    async def stop(self):
        wol, self.wol = self.wol, None
        if wol is not None:
            self.card.bus.unsubscribe(wol.on_event)
            wol.close()

    def operations(self):
        return {"wol.send": self._send}

    async def _send(self, args, caller):
        """The manual's "Test": magic packets now, to every enabled target or to one MAC."""
        if self.wol is None:
            raise OpError("Wake On LAN is off (wol.enabled)", "failed")
        only = None
        if args.get("mac") is not None:
            try:
                only = parse_mac(str(args["mac"]))
            except ValueError as exc:
                raise OpError(str(exc))
        count = await self.wol.wake_all("test by %s" % caller.user, only)
        if not count:
            raise OpError("no packet sent: %s" % (self.wol.last_error or "no enabled target"),
                          "failed")
        return {"sent": count}

    def status(self):
        if self.wol is None:
            return {"enabled": bool(self.setting("wol.enabled")), "running": False}
        out = {"enabled": True, "running": True}
        out.update(self.wol.status())
        return out
