"""Real peers of the notification tests: an SMTP server (aiosmtpd), rsyslog, a UDP receiver.

    cert = make_certificate(tmp_path)                  # self-signed, for localhost and 127.0.0.1
    with SmtpServer(cert, starttls=True, users={"card": "pw"}) as smtp:
        smtp.port, smtp.wait_for(lambda mails: ..., what="...")
    with Rsyslog(tmp_path, cert) as rs:                # rsyslogd -n with its own configuration
        rs.udp_port, rs.tcp_port, rs.tls_port, rs.wait_lines(n)
    with UdpReceiver() as rx: rx.port, rx.wait_for(count)

aiosmtpd runs in its own thread and event loop (its Controller); rsyslogd is a separate process
started with a configuration of the test's own (imudp, imtcp, and imtcp with the gtls driver),
writing every message it parses as one JSON line of RFC 5424 fields.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import ipaddress
import json
import logging
import os
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.conftest import require_tool
from tests.procs import stop_process


class Certificate:
    """A self-signed certificate and its key, as PEM files (the certificate is its own CA)."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.cert = cert
        self.key = key

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(self.cert), str(self.key))
        return ctx


def make_certificate(folder: Path | str, name: str = "localhost") -> Certificate:
    """A fresh self-signed certificate for `name` and 127.0.0.1 in `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName(name), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    os.chmod(key_path, 0o600)
    return Certificate(cert_path, key_path)


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(predicate, what: str, timeout: float = 20.0, every: float = 0.02):
    """predicate() until true; AssertionError naming `what` at the deadline."""
    end = time.monotonic() + timeout
    while True:
        got = predicate()
        if got:
            return got
        if time.monotonic() > end:
            raise AssertionError("%s: not within %s s" % (what, timeout))
        time.sleep(every)


# --- SMTP -------------------------------------------------------------------------------------
class Received:
    """One mail as the server took it."""

    def __init__(self, envelope, session, at: float, tls: bool) -> None:
        self.sender = envelope.mail_from
        self.to = list(envelope.rcpt_tos)
        self.raw = envelope.content
        self.message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.tls = tls
        self.login = session.auth_data          # the user name the authenticator accepted
        self.authenticated = bool(session.authenticated)
        self.at = at

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def body(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    def attachments(self) -> dict[str, str]:
        return {part.get_filename(): part.get_content()
                for part in self.message.iter_attachments()}


class _Handler:
    def __init__(self, server: "SmtpServer") -> None:
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 <%s>: Recipient address rejected" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.server.lock:
            tls = server.transport.get_extra_info("ssl_object") is not None
            self.server.mails.append(Received(envelope, session, time.monotonic(), tls))
        return "250 Message accepted"


class SmtpServer:
    """aiosmtpd on 127.0.0.1: STARTTLS (required) or implicit TLS, AUTH (required with users)."""

    def __init__(self, cert: Certificate | None = None, starttls: bool = True,
                 implicit_tls: bool = False, users: dict[str, str] | None = None) -> None:
        # aiosmtpd warns about its own deprecated attribute at every login it handles.
        logging.getLogger("mail.log").setLevel(logging.ERROR)
        self.users = users or {}
        self.mails: list[Received] = []
        self.lock = threading.Lock()
        self.port = free_port()
        kwargs: dict = {}
        if cert is not None and starttls and not implicit_tls:
            kwargs.update(tls_context=cert.server_context(), require_starttls=True)
        if cert is not None and implicit_tls:
            kwargs.update(ssl_context=cert.server_context())
        if self.users:
            # aiosmtpd counts only STARTTLS as TLS for AUTH; an implicit-TLS server is TLS from
            # the first byte, so there it must not hide AUTH.
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=not implicit_tls)
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port,
                                     server_hostname="localhost", ready_timeout=10, **kwargs)

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and self.users.get(auth_data.login.decode()) == auth_data.password.decode())
        return AuthResult(success=ok, handled=False,
                          auth_data=auth_data.login.decode() if ok else None)

    def received(self) -> list[Received]:
        with self.lock:
            return list(self.mails)

    def wait_for(self, predicate, what: str, timeout: float = 20.0) -> list[Received]:
        """The mails received once predicate(mails) holds."""
        return wait(lambda: predicate(self.received()) and self.received(), what, timeout)

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


# --- rsyslog ----------------------------------------------------------------------------------
RSYSLOG_CONF = """
global(workDirectory="{work}" maxMessageSize="8k"
       defaultNetstreamDriverCAFile="{cert}" defaultNetstreamDriverCertFile="{cert}"
       defaultNetstreamDriverKeyFile="{key}")
module(load="imudp")
module(load="imtcp" maxSessions="50")
input(type="imudp" name="udp" address="127.0.0.1" port="{udp}")
input(type="imtcp" name="tcp" address="127.0.0.1" port="{tcp}")
input(type="imtcp" name="tls" address="127.0.0.1" port="{tls}" streamDriver.name="gtls"
      streamDriver.mode="1" streamDriver.authMode="anon")
template(name="fields" type="list" option.jsonf="on") {{
  property(outname="pri" name="pri" format="jsonf")
  property(outname="facility" name="syslogfacility" format="jsonf")
  property(outname="severity" name="syslogseverity" format="jsonf")
  property(outname="version" name="protocol-version" format="jsonf")
  property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
  property(outname="received" name="timegenerated" dateFormat="rfc3339" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
  property(outname="input" name="inputname" format="jsonf")
}}
action(type="omfile" file="{out}" template="fields" flushOnTXEnd="on" asyncWriting="off")
"""


class Rsyslog:
    """rsyslogd -n on loopback with UDP, TCP (octet counting) and TLS (gtls) inputs."""

    def __init__(self, folder: Path | str, cert: Certificate) -> None:
        self.rsyslogd = require_tool("rsyslogd")
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.udp_port = free_port(socket.SOCK_DGRAM)
        self.tcp_port = free_port()
        self.tls_port = free_port()
        self.out = self.folder / "messages.json"
        work = self.folder / "work"
        work.mkdir(exist_ok=True)
        self.conf = self.folder / "rsyslog.conf"
        self.conf.write_text(RSYSLOG_CONF.format(
            work=work, cert=cert.cert, key=cert.key, udp=self.udp_port, tcp=self.tcp_port,
            tls=self.tls_port, out=self.out))
        self.proc: subprocess.Popen | None = None
        self.log = self.folder / "rsyslogd.log"

    def lines(self) -> list[dict]:
        """Every message rsyslog wrote, parsed."""
        if not self.out.exists():
            return []
        return [json.loads(line) for line in self.out.read_text().splitlines() if line.strip()]

    def wait_lines(self, predicate, what: str, timeout: float = 20.0) -> list[dict]:
        return wait(lambda: predicate(self.lines()) and self.lines(), what, timeout)

    def _listening(self) -> bool:
        for port in (self.tcp_port, self.tls_port):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            except OSError:
                return False
        return True

    def __enter__(self) -> "Rsyslog":
        # -n: foreground; -i: our own pid file; -f: our own configuration (no system inputs).
        self.proc = subprocess.Popen(
            [self.rsyslogd, "-n", "-f", str(self.conf), "-i", str(self.folder / "rsyslogd.pid")],
            stdout=open(self.log, "w"), stderr=subprocess.STDOUT)
        try:
            wait(lambda: self.proc.poll() is not None or self._listening(), "rsyslogd listening")
        except AssertionError:
            self.__exit__()
            raise
        if self.proc.poll() is not None:
            raise AssertionError("rsyslogd exited: " + self.log.read_text())
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            stop_process(self.proc)


# --- a UDP receiver (Wake-on-LAN) ---------------------------------------------------------------
class UdpReceiver:
    """Datagrams arriving at 127.0.0.1:port, with their arrival times."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.got: list[tuple[bytes, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._pump, daemon=True)

    def _pump(self) -> None:
        while not self._stop.is_set():
            try:
                data, _addr = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            self.got.append((data, time.monotonic()))

    def wait_for(self, count: int, timeout: float = 20.0) -> list[bytes]:
        wait(lambda: len(self.got) >= count, "%d datagram(s)" % count, timeout)
        return [d for d, _t in self.got]

    def __enter__(self) -> "UdpReceiver":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()
