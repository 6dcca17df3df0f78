"""The features' actions and status over the web API, on a running card with real peers: the
AC-fail test, the mail Send Test and report (aiosmtpd), the WOL Test (a UDP receiver), the test
trap (snmptrapd), the power share plugs control (the simulator's VU-MAP UPS) and the EMD pages
(the simulator's EMD)."""

from __future__ import annotations

import pytest

from tests.cardcli import texts, wait_until
from tests.cardharness import start_card
from tests.peers import SmtpServer, UdpReceiver
from tests.simharness import start_sim
from tests.snmpharness import TrapReceiver, trap_numbers
from tests.webclient import ADMIN_PASSWORD, WebClient

pytestmark = pytest.mark.timeout(180)
READER, WRITER = ("viewer", "View#Only#2030"), ("operator", "Oper#Write#2030")
TARGET = "00:11:22:33:44:55"
NV_TRAPS = ".1.3.6.1.4.1.4555.1.1.7.2"


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("actions")
    with start_sim(tmp, profile="modulys-gp2", baud=57600) as ups, \
            start_sim(tmp, profile="emd", name="ttyEMD") as emd, \
            SmtpServer() as smtp, UdpReceiver() as rx, TrapReceiver(tmp) as trapd:
        sets = ["poll.rate=0", "serial.baud=57600", "serial.mapping=vumap",
                "powershare.plugs=2", "auth.admin_password=" + ADMIN_PASSWORD,
                "auth.max_sessions=8",
                "auth.users=%s:%s:read,%s:%s:write" % (READER + WRITER),
                "shutdown.ac_failed.enabled=on", "shutdown.ac_failed.period=5",
                "mail.enabled=on", "mail.server=127.0.0.1", "mail.port=%d" % smtp.port,
                "mail.sender=card@example.com", "mail.recipients=ops@example.com:report:critical",
                "wol.enabled=on", "wol.targets=%s:on:db" % TARGET, "wol.broadcast=127.0.0.1",
                "wol.port=%d" % rx.port, "snmp.traps=%s/netvision/v2c/public" % trapd.address,
                "emd.enabled=on", "emd.device=" + emd.link, "emd.period=2"]
        with start_card(tmp, serial=ups.link, sets=sets) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="the first UPS data")
            yield ups, smtp, rx, trapd, card


def logged(card, user: str, password: str) -> WebClient:
    web = WebClient(card.http_url)
    web.login(user, password)
    return web


def test_the_ac_fail_test_is_the_admins_and_runs_once(rig):
    *_peers, card = rig
    admin, writer = logged(card, "admin", ADMIN_PASSWORD), logged(card, *WRITER)
    status, before = logged(card, *READER).call("GET", "/shutdown")
    assert status == 200 and before["phase"] == "idle"
    assert before["events"]["ac_failed"]["enabled"] is True
    assert writer.call("POST", "/shutdown/test", {"fsd": False})[0] == 403
    status, started = admin.call("POST", "/shutdown/test", {"fsd": False})
    assert status == 200, started
    assert started["phase"] == "warning" and started["test"] is True
    assert 0 < started["seconds_left"] <= 300
    status, again = admin.call("POST", "/shutdown/test", {})
    assert status == 409 and "already running" in again["error"]
    assert admin.call("GET", "/shutdown")[1]["event"] == "ac_failed"
    wait_until(lambda: "Shutdown test (AC failed simulated) started via web by admin"
               in texts(card), "the test's card event")


def test_send_test_and_the_report_reach_the_mail_server(rig):
    _ups, smtp, _rx, _trapd, card = rig
    writer = logged(card, *WRITER)
    status, answer = writer.call("POST", "/mail/test", {})
    assert status == 200 and answer == {"sent": ["ops@example.com"], "refused": {}}
    status, answer = writer.call("POST", "/mail/test", {"to": ["other@example.com"]})
    assert status == 200 and answer["sent"] == ["other@example.com"]
    mails = smtp.wait_for(lambda m: len(m) >= 2, "the two test mails")
    assert [m.to for m in mails[:2]] == [["ops@example.com"], ["other@example.com"]]
    status, answer = writer.call("POST", "/mail/report")
    assert status == 200 and answer == {"queued": ["ops@example.com"]}
    smtp.wait_for(lambda m: len(m) >= 3, "the status report")
    status, answer = writer.call("POST", "/mail/test", {"to": ["x@refused.example"]})
    assert status == 409 and "550" in answer["error"], answer
    assert logged(card, *READER).call("POST", "/mail/test", {})[0] == 403


def test_the_wol_test_and_the_test_trap(rig):
    _ups, _smtp, rx, trapd, card = rig
    writer = logged(card, *WRITER)
    assert writer.call("POST", "/wol/send", {})[1] == {"sent": 1}
    assert writer.call("POST", "/wol/send", {"mac": TARGET})[1] == {"sent": 1}
    packets = rx.wait_for(2)
    assert packets[0] == b"\xff" * 6 + bytes.fromhex(TARGET.replace(":", "")) * 16
    status, answer = writer.call("POST", "/wol/send", {"mac": "not-a-mac"})
    assert status == 400 and "MAC" in answer["error"]
    assert writer.call("POST", "/snmp/test-trap")[1] == {"receivers": 1}
    trapd.wait_for(lambda t: 40 in trap_numbers(t, NV_TRAPS), what="the test trap")


def test_the_schedules_status_and_the_plugs_control(rig):
    ups, *_peers, card = rig
    admin, writer = logged(card, "admin", ADMIN_PASSWORD), logged(card, *WRITER)
    status, sched = logged(card, *READER).call("GET", "/schedules")
    assert status == 200 and sched["powershare"]["plugs"] == 2
    assert [p["mode"] for p in sched["powershare"]["plug"][:2]] == ["manual", "manual"]
    assert writer.call("POST", "/powershare", {"plug": 2, "state": "off"})[0] == 403
    status, answer = admin.call("POST", "/powershare", {"plug": 2, "state": "off"})
    assert status == 200 and answer["sent"] == "outlet.2.load.off", answer
    ups.wait_for(lambda s: s["physics"]["plugs"][1] == "open", what="plug 2 opened")
    assert admin.call("POST", "/powershare", {"plug": 2, "state": "on"})[0] == 200
    ups.wait_for(lambda s: s["physics"]["plugs"][1] == "closed", what="plug 2 closed")
    status, answer = admin.call("POST", "/powershare", {"plug": 3, "state": "on"})
    assert status == 409, answer                    # the UPS has two plugs
    assert admin.call("POST", "/powershare", {"plug": 5, "state": "on"})[0] == 400


def test_the_emd_pages(rig):
    *_peers, card = rig
    reader = logged(card, *READER)
    status = wait_until(lambda: reader.call("GET", "/emd")[1]["devices"][0]["values"] and
                        reader.call("GET", "/emd")[1], "the EMD values")
    assert status["enabled"] is True and status["devices"][0]["values"]["temperature"] == 22.0
    assert [i["number"] for i in status["inputs"]] == [1, 2]
    code, alarms = reader.call("GET", "/emd/alarms?least=warning")
    assert code == 200 and isinstance(alarms, list)
    assert reader.call("GET", "/emd/alarms?least=never")[0] == 400
    history = wait_until(lambda: reader.call("GET", "/emd/history?limit=5")[1], "EMD history")
    assert len(history) <= 5 and {"time", "temperature", "humidity", "inputs"} <= set(history[0])
