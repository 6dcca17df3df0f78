"""The HTTPS certificate (manual §3.5): the card's own, made at first boot, or an uploaded one.

    certs = CertStore(data_dir + "/tls", name="opennmc")
    certs.ensure()              # the card's root CA (cacert.crt) and a server certificate it signed
    certs.ssl_context()         # for the HTTPS site: the uploaded .pem when there is one
    certs.upload(pem_bytes)     # ValueError saying what is wrong; nothing replaced then
    certs.remove()              # back to the card's own certificate
    certs.root_pem()            # what "Download Root Certificate" gives

Files (folder 0700, files 0600): ca.key, ca.crt, server.pem (key and certificate), uploaded.pem.
An upload is at most 8 KB and holds one unencrypted private key and its certificate (then any
chain); it is checked with the same SSL library that will serve it before it replaces anything.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import ssl
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

MAX_UPLOAD = 8 * 1024
CA_DAYS = 3650
SERVER_DAYS = 825


def _write_private(path: str, data: bytes) -> None:
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "opennmc"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def describe(cert: x509.Certificate) -> dict:
    """What the configuration page shows of a certificate."""
    return {"subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
            "not_after": cert.not_valid_after_utc.strftime("%Y-%m-%d %H:%M UTC"),
            "sha256": cert.fingerprint(hashes.SHA256()).hex(":").upper()}


def check_pem(data: bytes) -> x509.Certificate:
    """The certificate of an uploaded .pem, or ValueError saying why it is refused."""
    if len(data) > MAX_UPLOAD:
        raise ValueError("the file is larger than 8 KB")
    try:
        text = data.decode("ascii")
    except UnicodeError:
        raise ValueError("not a .pem file (not ASCII text)") from None
    if "PRIVATE KEY-----" not in text or "-----BEGIN CERTIFICATE-----" not in text:
        raise ValueError("the file needs a PRIVATE KEY section and a CERTIFICATE section")
    if "ENCRYPTED" in text:
        raise ValueError("the private key is encrypted: upload it without a passphrase")
    try:
        key = serialization.load_pem_private_key(data, password=None)
        certs = x509.load_pem_x509_certificates(data)
    except (ValueError, TypeError) as exc:
        raise ValueError("unreadable key or certificate: %s" % exc) from None
    cert = certs[0]
    if cert.public_key().public_bytes(serialization.Encoding.DER,
                                      serialization.PublicFormat.SubjectPublicKeyInfo) != \
            key.public_key().public_bytes(serialization.Encoding.DER,
                                          serialization.PublicFormat.SubjectPublicKeyInfo):
        raise ValueError("the private key does not belong to the (first) certificate")
    if cert.not_valid_after_utc < datetime.datetime.now(datetime.timezone.utc):
        raise ValueError("the certificate expired on %s" % describe(cert)["not_after"])
    with tempfile.NamedTemporaryFile(suffix=".pem") as f:   # the server's own SSL library
        f.write(data)
        f.flush()
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(f.name)
        except ssl.SSLError as exc:
            raise ValueError("the SSL library refuses it: %s" % exc) from None
    return cert


class CertStore:
    """The card's certificates in its data folder."""

    def __init__(self, folder: str, name: str = "opennmc") -> None:
        """Keep the folder; nothing is made before ensure()."""
        self.folder = folder
        self.name = name
        self.ca_key = os.path.join(folder, "ca.key")
        self.ca_crt = os.path.join(folder, "ca.crt")
        self.server = os.path.join(folder, "server.pem")
        self.uploaded = os.path.join(folder, "uploaded.pem")

    def ensure(self) -> None:
        """Make the card's root CA and server certificate when they do not exist yet."""
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        os.chmod(self.folder, 0o700)
        if os.path.exists(self.ca_crt) and os.path.exists(self.server):
            return
        now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = _name("%s root CA" % self.name)
        ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
              .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=CA_DAYS))
              .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
              .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                           False), critical=True)
              .sign(ca_key, hashes.SHA256()))
        key = ec.generate_private_key(ec.SECP256R1())
        names = [x509.DNSName("localhost"), x509.DNSName(self.name),
                 x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        cert = (x509.CertificateBuilder().subject_name(_name(self.name)).issuer_name(ca_name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now)
                .not_valid_after(now + datetime.timedelta(days=SERVER_DAYS))
                .add_extension(x509.SubjectAlternativeName(names), critical=False)
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]),
                               critical=False)
                .sign(ca_key, hashes.SHA256()))
        _write_private(self.ca_key, _key_pem(ca_key))
        _write_private(self.ca_crt, ca.public_bytes(serialization.Encoding.PEM))
        _write_private(self.server, _key_pem(key) + cert.public_bytes(serialization.Encoding.PEM)
                       + ca.public_bytes(serialization.Encoding.PEM))

    def active(self) -> str:
        """The .pem HTTPS serves."""
        return self.uploaded if os.path.exists(self.uploaded) else self.server

    def ssl_context(self) -> ssl.SSLContext:
        self.ensure()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(self.active())
        return context

    def upload(self, data: bytes) -> dict:
        """Check then install an uploaded .pem; ValueError (nothing replaced) when refused."""
        cert = check_pem(data)
        os.makedirs(self.folder, mode=0o700, exist_ok=True)
        _write_private(self.uploaded, data)
        return describe(cert)

    def remove(self) -> bool:
        """Drop the uploaded certificate; True when there was one."""
        try:
            os.unlink(self.uploaded)
            return True
        except FileNotFoundError:
            return False

    def root_pem(self) -> bytes:
        self.ensure()
        with open(self.ca_crt, "rb") as f:
            return f.read()

    def info(self) -> dict:
        """Which certificate is in use and what it is."""
        self.ensure()
        with open(self.active(), "rb") as f:
            cert = x509.load_pem_x509_certificates(f.read())[0]
        out = describe(cert)
        out["source"] = "uploaded" if self.active() == self.uploaded else "card"
        return out
