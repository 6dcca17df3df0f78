"""Sending the card's mails over SMTP (CPython, aiosmtplib), and naming why a send failed.

    sender = SmtpSender(server="mail.example", port=587, tls="starttls", ...)
    await sender.send([Mail(subject, body, ["ops@example.com"], [("history.csv", text)])])
    code, manual, detail = classify(exc)    # card event code, the manual's error code, detail

One connection carries every mail of a batch. TLS is implicit ("tls", port 465) or STARTTLS
("starttls"), the server's certificate always verified (mail.ca_file or the system's CAs); the
login (mail.auth) is refused without TLS, so a password never crosses the network in clear.

The manual's error codes (appendix "Email error code list") and the card events they log:

    101  the server name does not resolve          mail.server   Incorrect Mail server name/IP
    111  connection refused                        mail.connect  Cannot connect to mail server
    001  no connection (timeout, unreachable)      mail.connect  Cannot connect to mail server
    NNN  the server's SMTP reply (535 auth, ...)   mail.error.detail  Mail send error:NNN ...
    NNN  a recipient refused (550 ...)             mail.receiver Incorrect Mail receiver
    002  anything else                             mail.error    Mail send error/unknown error
"""

from __future__ import annotations

import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from firmware.notify.transport import tls_context

TIMEOUT_S = 30.0


class Mail:
    """One mail: subject, plain-text body, recipients, attachments [(file name, text)]."""

    def __init__(self, subject: str, body: str, to: list[str],
                 attachments: list[tuple[str, str]] | None = None, tag: object = None) -> None:
        self.subject = subject
        self.body = body
        self.to = list(to)
        self.attachments = list(attachments or ())
        self.tag = tag           # what the notifier needs back (the event, the kind of mail)
        self.refused: dict[str, str] = {}
        self.done = False        # delivered (a retry of its batch skips it)
        self.announced = False   # "Mail sent" logged


class RecipientsRefused(Exception):
    """Some recipients of a mail sent were refused (the others got it)."""

    def __init__(self, refused: dict[str, str]) -> None:
        super().__init__("; ".join("%s: %s" % kv for kv in sorted(refused.items())))
        self.refused = refused


class SmtpSender:
    """The mail server account of the card's settings."""

    def __init__(self, server: str, port: int, tls: str = "off", ca_file: str = "",
                 auth: bool = False, user: str = "", password: str = "", sender: str = "",
                 timeout_s: float = TIMEOUT_S) -> None:
        if not server:
            raise ValueError("no mail server set (mail.server)")
        if not sender:
            raise ValueError("no sender address set (mail.sender)")
        if auth and tls == "off":
            raise ValueError("mail.auth needs mail.tls starttls or tls: the password would "
                             "cross the network in clear")
        self.server, self.port, self.tls = server, port, tls
        self.auth, self.user, self.password = auth, user, password
        self.sender = sender
        self.timeout_s = timeout_s
        self.context = tls_context(ca_file) if tls != "off" else None

    def message(self, mail: Mail) -> EmailMessage:
        """The MIME message of a mail: text/plain, each attachment a text/csv part."""
        msg = EmailMessage()
        msg["From"] = self.sender
        msg["To"] = ", ".join(mail.to)
        msg["Subject"] = mail.subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        msg.set_content(mail.body)
        for name, text in mail.attachments:
            msg.add_attachment(text.encode("utf-8"), maintype="text", subtype="csv",
                               filename=name)
        return msg

    def client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self.server, port=self.port, timeout=self.timeout_s,
            use_tls=self.tls == "tls", start_tls=self.tls == "starttls",
            tls_context=self.context,
            username=self.user if self.auth else None,
            password=self.password if self.auth else None)

    async def send(self, mails: list[Mail]) -> None:
        """Send every mail through one connection; raises on a failure that stops them all.

        A mail some of whose recipients were refused is delivered to the others; the refusals
        are left in mail.refused (and RecipientsRefused is raised once all were tried).
        """
        refused: dict[str, str] = {}
        async with self.client() as smtp:
            for mail in mails:
                try:
                    errors, _reply = await smtp.send_message(
                        self.message(mail), sender=self.sender, recipients=mail.to)
                except aiosmtplib.SMTPRecipientsRefused as exc:
                    errors = {r.recipient: (r.code, r.message) for r in exc.recipients}
                for address, (code, text) in errors.items():
                    mail.refused[address] = "%s %s" % (code, text)
                mail.done = len(mail.refused) < len(mail.to)
                refused.update(mail.refused)
        if refused:
            raise RecipientsRefused(refused)


def classify(exc: BaseException) -> tuple[str, str, str]:
    """(card event code, the manual's error code, detail) of a failed send."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, RecipientsRefused):
        first = sorted(exc.refused.items())[0]
        return "mail.receiver", first[1].split(" ")[0], str(exc)
    if isinstance(exc, socket.gaierror) or isinstance(cause, socket.gaierror):
        return "mail.server", "101", str(cause or exc)
    if isinstance(exc, ConnectionRefusedError) or isinstance(cause, ConnectionRefusedError):
        return "mail.connect", "111", "connection refused"
    if isinstance(exc, ssl.SSLError) or isinstance(cause, ssl.SSLError):
        return "mail.error.detail", "002", "TLS: %s" % (getattr(cause, "reason", None)
                                                       or cause or exc)
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return "mail.error.detail", str(exc.code), "%d %s" % (exc.code, exc.message)
    if isinstance(exc, (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPConnectTimeoutError,
                        aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError,
                        TimeoutError, OSError)):
        return "mail.connect", "001", str(exc) or "no answer in time"
    if isinstance(exc, aiosmtplib.SMTPException):
        return "mail.error.detail", "002", str(exc)
    return "mail.error", "002", str(exc) or type(exc).__name__
