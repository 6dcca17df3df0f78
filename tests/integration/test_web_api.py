"""The web API on a running card: first login, the password policy, every route with every role,
CSRF, one session at a time, lockout, uploads; with curl as an outside client."""

from __future__ import annotations

import datetime
import json
import os
import ssl
import subprocess
import socket
import threading

import pytest

from firmware.http import routes
from firmware.http.server import AT_ONCE
from tests.cardcli import texts, wait_until
from tests.cardharness import start_card
from tests.conftest import require_tool
from tests.simharness import start_sim
from tests.webclient import ADMIN_PASSWORD, WebClient

USERS = ["auth.users=viewer:View#Only#2030:read,operator:Oper#Write#2030:write"]
LOGINS = {"read": ("viewer", "View#Only#2030"), "write": ("operator", "Oper#Write#2030"),
          "admin": ("admin", ADMIN_PASSWORD)}


@pytest.fixture(scope="module")
def sim(tmp_path_factory):
    with start_sim(tmp_path_factory.mktemp("sim"), profile="masterys-33") as s:
        yield s


@pytest.fixture(scope="module")
def card(sim, tmp_path_factory):
    with start_card(tmp_path_factory.mktemp("card"), serial=sim.link,
                    sets=["auth.admin_password=" + ADMIN_PASSWORD, "auth.max_sessions=8"]
                    + USERS) as c:
        yield c


def logged(card, role: str) -> WebClient:
    web = WebClient(card.http_url)
    if role != "anon":
        web.login(*LOGINS[role])
    return web


def test_the_first_login_forces_a_new_password(sim, tmp_path):
    with start_card(tmp_path, serial=sim.link) as card:
        web = WebClient(card.http_url)
        assert web.call("GET", "/ups")[0] == 401
        first = web.login("admin", "4E4D43")
        assert first["must_change"] is True and first["role"] == "admin"
        status, answer = web.call("GET", "/ups")
        assert status == 403 and "new password" in answer["error"]
        status, answer = web.call("POST", "/session/password", {"old": "4E4D43", "new": "weak-1"})
        assert status == 400
        for words in ("'-'", "at least 12 characters", "an upper case letter"):
            assert words in answer["error"], answer
        status, _ = web.call("POST", "/session/password", {"old": "4E4D43", "new": "4e4d43"})
        assert status == 400
        assert web.call("POST", "/session/password",
                        {"old": "4E4D43", "new": "Fresh#Admin#77"})[0] == 200
        # A new password, a new session (the manual, §9.3).
        assert web.call("GET", "/ups")[0] == 401
        again = web.login("admin", "Fresh#Admin#77")
        assert again["must_change"] is False and again["days_left"] == 90
        status, ups = web.call("GET", "/ups")
        assert status == 200 and "values" in ups
        assert WebClient(card.http_url).call("POST", "/session", {
            "user": "admin", "password": "4E4D43"})[0] == 401
        log = texts(card)
        assert any(t.startswith("New Admin or User session opened: admin") for t in log)
        assert "Net Vision admin Password has been changed via web by admin" in log


def sample(route) -> tuple[str, dict | None, bytes | None]:
    """A request on the route that passes the gate but changes nothing (refused input)."""
    path = route.path.replace("{log}", "ups-events").replace("{name}", "no.such")
    body = {"/config": {"assignments": ["no.such=1"]}, "/config/restore": {"text": "{}"},
            "/config/reset": {"accounts": "not a boolean"}, "/time": {"local": "not a time"},
            "/time/browser": {"epoch_ms": "x"}, "/accounts": {"name": "x", "access": "root"},
            "/session/password": {"old": "x"}, "/upsdebug": {"enabled": False},
            "/session": {"user": "nobody"},
            # Refused by the schema: no AC-fail test starts, no plug is switched, no mail goes.
            "/shutdown/test": {"fsd": "not a boolean"}, "/powershare": {"plug": 0, "state": "on"},
            "/mail/test": {"to": []}, "/wol/send": {"mac": "not-a-mac"}}.get(route.path)
    raw = b"not a pem" if route.path == "/certificate" and route.method == "POST" else None
    if route.method == "DELETE" and route.path == "/logs/{log}":
        path = "/logs/no-such-log"
    return path, body, raw


def test_every_route_answers_each_role_as_the_manual_allows(card):
    clients = {role: logged(card, role) for role in routes.ROLES}
    checked = 0
    for route in routes.ROUTES:
        if route.path == "/events" or (route.method == "DELETE" and route.path == "/session"):
            continue                       # the stream and the logout: tests of their own
        path, body, raw = sample(route)
        for role, web in clients.items():
            status, answer = web.call(route.method, path, body, raw=raw)
            where = (route.method, route.path, role, status, answer)
            if not routes.allowed(route.role, role):
                assert status == (401 if role == "anon" else 403), where
            else:
                assert status not in (401, 403), where
                assert status < 500, where
                if route.changes_state and route.role != "anon":
                    assert web.call(route.method, path, body, csrf=False, raw=raw)[0] == 403
            checked += 1
    assert checked > 4 * 30
    # Nothing above changed a setting: every state-changing request was refused or harmless.
    status, rows = clients["admin"].call("GET", "/config")
    values = {r["key"]: r["value"] for r in rows}
    assert values["auth.users"][0].startswith("viewer:") and values["system.name"] == "opennmc"
    assert clients["admin"].call("GET", "/shutdown")[1]["phase"] == "idle"


def test_read_only_users_cannot_change_anything_and_writers_not_accounts(card):
    reader, writer = logged(card, "read"), logged(card, "write")
    assert reader.call("POST", "/config", {"assignments": ["system.name=X"]})[0] == 403
    assert reader.call("POST", "/commands/beeper.mute")[0] == 403
    status, answer = writer.call("POST", "/config", {"assignments": [
        "auth.admin_password=Taken#Over#2030"]})
    assert status == 403 and "admin" in answer["error"]
    assert writer.call("POST", "/config", {"assignments": ["system.location=Room 12"]})[0] == 200
    assert writer.call("GET", "/ups")[1]["identity"]["location"] == "Room 12"


def test_live_values_arrive_as_server_sent_events(card):
    """The stream opens with the snapshot as it is (maybe before the first poll), then each
    poll cycle brings the next: within a few cycles one carries the UPS's values."""
    web = logged(card, "read")
    host, port = card.http_url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: %s\r\nCookie: nmc_session=%s\r\n\r\n"
                   % (host, web.cookie())).encode())
        data = b""
        while b"\r\n\r\n" not in data:
            data += s.recv(65536)
        head, _, stream = data.partition(b"\r\n\r\n")
        assert b"200 OK" in head and b"text/event-stream" in head
        snapshots = []
        while not any("battery.charge" in snap["values"] for snap in snapshots):
            assert len(snapshots) < 10, "no snapshot with values in %d events" % len(snapshots)
            stream += s.recv(65536)
            while b"event: ups\ndata: " in stream and b"\n\n" in stream.split(
                    b"event: ups\ndata: ", 1)[1]:
                before, _, rest = stream.partition(b"event: ups\ndata: ")
                payload, _, stream = rest.partition(b"\n\n")
                snapshots.append(json.loads(payload))
    cycles = [snap["cycles"] for snap in snapshots]
    assert cycles == sorted(cycles)                 # each one a later poll than the last


def test_a_new_login_ends_the_previous_session_by_default(sim, tmp_path):
    with start_card(tmp_path, serial=sim.link, sets=["auth.admin_password=" + ADMIN_PASSWORD]
                    + USERS) as card:
        first = logged(card, "admin")
        second = logged(card, "read")
        assert first.call("GET", "/ups")[0] == 401
        assert second.call("GET", "/ups")[0] == 200
        assert second.call("DELETE", "/session")[0] == 200
        assert second.call("GET", "/ups")[0] == 401
        for _ in range(5):
            assert WebClient(card.http_url).call("POST", "/session", {
                "user": "viewer", "password": "Wrong#Guess#99"})[0] == 401
        status, answer = WebClient(card.http_url).call("POST", "/session", {
            "user": "viewer", "password": "View#Only#2030"})
        assert status == 401 and "locked" in answer["error"]
        wait_until(lambda: any(t.startswith("Admin or User account locked: viewer")
                               for t in texts(card)), "account locked event")


def _pem(tmp_path) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "uploaded.example")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(7).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=30)).sign(key, hashes.SHA256()))
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()) + cert.public_bytes(
        serialization.Encoding.PEM)


def _served_subject(card) -> str:
    """The subject of the certificate HTTPS serves ("" while the server restarts)."""
    try:
        return _peer_subject(card)
    except OSError:
        return ""


def _peer_subject(card) -> str:
    host, port = card.https_url.split("//")[1].split(":")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        with context.wrap_socket(raw) as tls:
            der = tls.getpeercert(binary_form=True)
    from cryptography import x509
    return x509.load_der_x509_certificate(der).subject.rfc4514_string()


def test_certificate_upload_is_checked_before_it_replaces_anything(card, tmp_path):
    admin = logged(card, "admin")
    assert "opennmc" in _served_subject(card)
    pem = _pem(tmp_path)
    for bad, words in ((b"x" * 9000, "8 KB"), (b"hello", "PRIVATE KEY"),
                       (pem.split(b"-----BEGIN CERTIFICATE")[0] + _pem(tmp_path).split(
                           b"-----END PRIVATE KEY-----\n")[1], "does not belong")):
        status, answer = admin.call("POST", "/certificate", raw=bad)
        assert status == 400 and words in answer["error"], answer
    assert logged(card, "write").call("POST", "/certificate", raw=pem)[0] == 403
    assert admin.call("POST", "/certificate", raw=pem)[0] == 200
    wait_until(lambda: _served_subject(card) == "CN=uploaded.example", "uploaded certificate")
    assert admin.call("GET", "/certificate")[1]["source"] == "uploaded"
    assert admin.call("DELETE", "/certificate")[1] == {"removed": True}
    wait_until(lambda: "opennmc" in _served_subject(card), "the card's own certificate again")
    status, root = admin.call("GET", "/certificate/root")
    assert status == 200 and root.startswith(b"-----BEGIN CERTIFICATE-----")
    mode = os.stat(card.data_dir / "tls" / "server.pem").st_mode & 0o777
    assert mode == 0o600


def test_curl_logs_in_downloads_csv_and_gets_the_ui_compressed(card, tmp_path):
    curl = require_tool("curl")
    jar = str(tmp_path / "jar")
    out = subprocess.run([curl, "-sS", "-c", jar, "-H", "Content-Type: application/json",
                          "-d", json.dumps({"user": "operator", "password": "Oper#Write#2030"}),
                          card.http_url + "/api/v1/session"], capture_output=True, text=True,
                         check=True)
    session = json.loads(out.stdout)
    assert session["role"] == "write"
    out = subprocess.run([curl, "-sS", "-b", jar, card.http_url + "/api/v1/logs/card-events/csv"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[0].count(",") >= 2
    out = subprocess.run([curl, "-sS", "-b", jar, "-X", "DELETE",
                          card.http_url + "/api/v1/logs/history"], capture_output=True, text=True)
    assert "CSRF" in out.stdout
    head = subprocess.run([curl, "-sS", "-D", "-", "-o", "/dev/null", "-H",
                           "Accept-Encoding: gzip", card.http_url + "/"],
                          capture_output=True, text=True, check=True).stdout.lower()
    assert "cache-control: no-cache" in head and "content-security-policy" in head
    if "content-type: text/html" in head and "web ui is not built" not in head:
        assert "content-encoding: gzip" in head


def test_mib_names_outside_the_list_are_not_served(card):
    admin = logged(card, "admin")
    for name in ("..%2Fpyproject.toml", "%2E%2E", "no.such.mib"):
        assert admin.call("GET", "/mibs/" + name)[0] == 404


def test_the_serial_debug_trace_shows_the_modbus_frames(card):
    writer = logged(card, "write")
    assert writer.call("POST", "/upsdebug", {"enabled": True, "clear": True})[0] == 200
    frames = wait_until(lambda: writer.call("GET", "/upsdebug")[1]["frames"], "traced frames")
    sent = wait_until(lambda: [f for f in writer.call("GET", "/upsdebug")[1]["frames"]
                               if f["dir"] == "tx"], "a traced request")
    assert sent[0]["hex"].startswith("01 ")       # slave 1, the UPS's address
    status, text = writer.call("GET", "/upsdebug/csv")
    lines = text.decode().splitlines()
    assert status == 200 and lines[0] == "time,direction,bytes,hex" and len(lines) > 1
    assert writer.call("POST", "/upsdebug", {"enabled": False})[1]["enabled"] is False


def test_http_redirects_to_https_when_asked(sim, tmp_path):
    with start_card(tmp_path, serial=sim.link, sets=["http.redirect=on"]) as card:
        import http.client
        host, port = card.http_url.split("//")[1].split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        conn.request("GET", "/api/v1/session")
        resp = conn.getresponse()
        assert resp.status == 308
        assert resp.getheader("Location") == card.https_url.replace(
            "127.0.0.1", host) + "/api/v1/session"
        status, answer = WebClient(card.https_url).call("GET", "/session")
        assert status == 200 and answer["logged_in"] is False


def test_requests_that_wait_on_purpose_do_not_hold_up_the_reads(sim, tmp_path):
    """A failed login answers only after the guard's delay; reads meanwhile answer at once,
    because only reads take turns (firmware/http/server.py, AT_ONCE)."""
    with start_card(tmp_path, serial=sim.link,
                    sets=["auth.admin_password=" + ADMIN_PASSWORD] + USERS) as card:
        reader = logged(card, "read")
        guesses = 2 * AT_ONCE                  # below the per-address block (10 failures)
        answered = []

        def guess(n: int) -> None:
            status, _ = WebClient(card.http_url).call(
                "POST", "/session", {"user": "nobody%d" % n, "password": "Wrong#Guess#2030"})
            answered.append(status)

        threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
        for thread in threads:
            thread.start()
        wait_until(lambda: card.status()["web"]["active"] >= guesses, "the guesses in hand")
        status, snapshot = reader.call("GET", "/ups")
        answered_before = len(answered)        # each guess takes the guard's 1 s delay
        for thread in threads:
            thread.join(30)
    assert status == 200 and "values" in snapshot
    assert answered_before == 0, "the read waited for %d guesses" % answered_before
    assert answered == [401] * guesses
