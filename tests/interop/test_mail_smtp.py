"""E-mail notification against a real SMTP server (aiosmtpd) with STARTTLS and AUTH required.

The card runs its clock, logs, event engine and mail feature in this process (events are
published on its bus, as the shutdown manager and the event engine publish them); the last test
runs the real firmware process against the UPS simulator.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from firmware.admin.args import Caller, OpError
from firmware.card import features
from firmware.card.card import Card
from firmware.clock.feature import Time
from firmware.events.feature import Events
from firmware.hal.boards import load_board
from firmware.logs.feature import Logs
from firmware.notify.feature import Mail
from firmware.settings.config import Config
from firmware.state import catalogue
from firmware.state.bus import EventBus, make_event
from tests.cardcli import cli, cli_ok, events, wait_until
from tests.cardharness import start_card
from tests.peers import SmtpServer, make_certificate, wait
from tests.simharness import start_sim

pytestmark = pytest.mark.timeout(180)
USERS = {"card": "s3cret-Mail"}
WARN, CRIT, REPORT = "warn@example.com", "crit@example.com", "report@example.com"


def settings(smtp: SmtpServer, cert, **more) -> dict:
    out = {"mail.enabled": True, "mail.server": "localhost", "mail.port": smtp.port,
           "mail.tls": "starttls", "mail.ca_file": str(cert.cert), "mail.auth": True,
           "mail.user": "card", "mail.password": USERS["card"],
           "mail.sender": "ups-card@example.com", "mail.subject_prefix": "[UPS]",
           "mail.recipients": [WARN + ":events:warning", CRIT + ":both:critical",
                               REPORT + ":report:information"],
           "system.name": "Room 12"}
    out.update(more)
    return out


class InProcess:
    """A card of clock, logs, events and mail in this event loop, with a data folder."""

    def __init__(self, tmp_path, sets: dict) -> None:
        board = load_board("sim")
        self.config = Config(features.schema(), str(tmp_path / "config.json"),
                             board_defaults=board.config_defaults())
        self.config.update(sets)
        self.bus = EventBus()
        self.config.bus = self.bus
        self.card = Card(board, self.config, self.bus, data_dir=str(tmp_path),
                         feature_classes=(Time, Logs, Events, Mail))

    async def __aenter__(self) -> "InProcess":
        await self.card.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.card.stop()

    @property
    def mail(self):
        return self.card.feature("mail")

    def publish(self, level: str, code: str, text: str, state: str | None = None,
                kind: str = "status") -> None:
        self.bus.publish(make_event("ups", level, code, text, state=state, kind=kind))

    def codes(self) -> list[str]:
        return [e["code"] for e in self.bus.recent]

    async def op(self, name: str, args: dict | None = None):
        return await self.card.operations()[name](args or {}, Caller("admin", "console"))


async def until(predicate, what: str, timeout: float = 20.0):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while True:
        got = predicate()
        if got:
            return got
        if loop.time() > end:
            raise AssertionError("%s: not within %s s" % (what, timeout))
        await asyncio.sleep(0.02)


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 150))


@pytest.fixture
def cert(tmp_path):
    return make_certificate(tmp_path / "tls")


def test_event_mails_go_over_starttls_with_auth_to_the_recipients_of_their_severity(
        tmp_path, cert):
    with SmtpServer(cert, starttls=True, users=USERS) as smtp:
        async def main():
            async with InProcess(tmp_path, settings(smtp, cert)) as card:
                card.publish("W", "A02", "Overload Alarm", "added", "alarm")
                card.publish("C", "S15", "End of Backup Time / Battery Low", "added")
                card.publish("I", "S03", "Load protected by Inverter", "added")
                await until(lambda: len(smtp.received()) == 2, "two mails")
                await until(lambda: card.codes().count("mail.sent") == 2, "Mail sent twice")
                await asyncio.sleep(0.3)               # the information event sends nothing
                return smtp.received()
        overload, low = run(main())
        assert overload.to == [WARN] and sorted(low.to) == [CRIT, WARN]
        for mail in (overload, low):
            assert mail.tls and mail.authenticated and mail.login == "card"
            assert mail.sender == "ups-card@example.com"
        assert overload.subject == "[UPS] Room 12 - Warning: Overload Alarm"
        assert low.subject == "[UPS] Room 12 - Critical: End of Backup Time / Battery Low"
        assert "Code:       S15" in low.body() and "Card:       Room 12" in low.body()


def test_an_event_that_clears_within_the_delay_sends_nothing(tmp_path, cert):
    with SmtpServer(cert, starttls=True, users=USERS) as smtp:
        async def main():
            async with InProcess(tmp_path, settings(smtp, cert, **{"mail.delay": 1})) as card:
                notifier = card.mail.notifier
                assert notifier.delay_s == 60
                notifier.delay_s = 0.5        # the minute, shortened: nobody waits for it
                card.publish("W", "A02", "Overload Alarm", "added", "alarm")
                card.publish("W", "A02", "Overload Alarm", "removed", "alarm")
                card.publish("C", "S05", "Operating on Battery", "added")
                card.bus.publish(catalogue.card_event(None, "comm.lost"))   # cannot clear
                await until(lambda: len(smtp.received()) == 1, "the card event at once")
                assert notifier.status()["delayed"] == 1
                await until(lambda: len(smtp.received()) == 2, "the battery event, delayed")
                await asyncio.sleep(1.0)
                assert notifier.status()["delayed"] == 0
                return smtp.received()
        first, second = run(main())
        assert first.subject.endswith("Warning: UPS communication lost")
        assert second.subject.endswith("Critical: Operating on Battery")
        assert second.at - first.at >= 0.4


def test_the_daily_report_leaves_at_its_time_with_the_logs_as_csv(tmp_path, cert):
    with SmtpServer(cert, starttls=True, users=USERS) as smtp:
        async def main():
            async with InProcess(tmp_path, settings(smtp, cert)) as card:
                # The clock is moved to just before the report time, never waited for.
                card.card.clock.set_local(2030, 6, 1, 6, 59, 57)
                card.publish("W", "A02", "Overload Alarm", "added", "alarm")
                await until(lambda: len(smtp.received()) == 1, "the event mail")
                card.config.update({"mail.report_time": "07:00"})
                await card.card.settled()
                await until(lambda: len(smtp.received()) == 2, "the daily report", 10)
                csv = await card.op("logs.csv", {"log": "card-events"})
                return smtp.received()[1], csv["csv"]
        report, card_csv = run(main())
        assert sorted(report.to) == [CRIT, REPORT]
        assert report.subject == "[UPS] Room 12 - Daily status report 01/06/2030"
        attached = report.attachments()
        assert sorted(attached) == ["card-events.csv", "history.csv", "ups-events.csv"]
        assert attached["card-events.csv"].splitlines()[0] == card_csv.splitlines()[0]
        assert "Time changed by user" in attached["card-events.csv"]
        assert "Overload Alarm" in attached["ups-events.csv"]
        assert "Attached (CSV): history.csv, ups-events.csv, card-events.csv" in report.body()


def test_the_test_mail_and_the_manuals_error_codes(tmp_path, cert):
    with SmtpServer(cert, starttls=True, users=USERS) as smtp:
        async def main():
            async with InProcess(tmp_path, settings(smtp, cert, **{"mail.enabled": False})) \
                    as card:
                sent = await card.op("mail.test")            # works before it is enabled
                assert sorted(sent["sent"]) == [CRIT, REPORT, WARN]
                assert "mail.test" in card.codes()
                errors = {}
                for change, key in (({"mail.password": "wrong"}, "auth"),
                                    ({"mail.port": 1}, "refused"),
                                    ({"mail.server": "no-such-host.invalid"}, "name"),
                                    ({"mail.ca_file": ""}, "untrusted")):
                    good = {k: card.config.get(k) for k in change}
                    card.config.update(change)
                    with pytest.raises(OpError) as err:
                        await card.op("mail.test")
                    errors[key] = (err.value.message, card.bus.recent[-1])
                    card.config.update(good)
                refused = await card.op("mail.test", {"to": [WARN, "x@refused.example"]})
                return errors, refused, list(card.bus.recent)
        errors, refused, recent = run(main())
    assert errors["auth"][0].startswith("535 Mail send error: 535 ")
    assert errors["auth"][1]["code"] == "mail.error.detail"
    assert errors["refused"][0] == "111 Cannot connect to mail server"
    assert errors["refused"][1]["code"] == "mail.connect"
    assert errors["name"][0] == "101 Incorrect Mail server name/IP address"
    assert "certificate verify failed" in errors["untrusted"][0]
    assert refused["sent"] == [WARN] and list(refused["refused"]) == ["x@refused.example"]
    assert refused["refused"]["x@refused.example"].startswith("550 ")
    receiver = [e for e in recent if e["code"] == "mail.receiver"]
    assert receiver and "x@refused.example" in receiver[-1]["detail"]
    delivered = [m for m in smtp.received() if m.subject.endswith("Mail send test")]
    assert delivered[-1].to == [WARN]                       # the good recipient still got it


def test_implicit_tls_and_a_login_without_tls_refused(tmp_path, cert):
    with SmtpServer(cert, implicit_tls=True, users=USERS) as smtp:
        async def main():
            async with InProcess(tmp_path, settings(smtp, cert, **{"mail.tls": "tls"})) as card:
                card.publish("C", "A31", "UPS Imminent Stop", "added", "alarm")
                try:
                    await until(lambda: smtp.received(), "a mail over implicit TLS")
                except AssertionError:
                    raise AssertionError(card.mail.status())
                card.config.update({"mail.tls": "off"})
                status = await card.card.settled()
                return smtp.received()[0], status, card.card.status()["card"]["features"]
        mail, settled, running = run(main())
    assert mail.tls and mail.authenticated
    assert "password would cross the network in clear" in running["mail"]["error"]


def test_the_running_card_mails_the_simulators_mains_failure(tmp_path, cert):
    with SmtpServer(cert, starttls=True, users=USERS) as smtp, \
            start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
        sets = ["%s=%s" % (k, ",".join(v) if isinstance(v, list) else v)
                for k, v in settings(smtp, cert, **{"system.name": "Room-12"}).items()]
        with start_card(tmp_path, serial=sim.link, sets=sets) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
            sim.scenario("mains-failure")
            mails = smtp.wait_for(lambda ms: any("Operating on Battery" in m.subject
                                                 for m in ms), "the on-battery mail", 60)
            out = cli(card, "config", "backup", str(tmp_path / "backup.json"))
            assert out.returncode == 0, out.stderr
            sent = cli_ok(card, "mail", "test", "--to", WARN)         # "Send Test"
            smtp.wait_for(lambda ms: any(m.subject.endswith("Mail send test") for m in ms),
                          "the test mail")
            status = card.status()["mail"]
            cli_ok(card, "config", "set", "mail.password=wrong")
            refused = cli(card, "mail", "test")
            assert "Mail sent" in [e["text"] for e in events(card)]
    assert sent == "test mail sent to %s\n" % WARN
    assert refused.returncode == 1 and refused.stderr.startswith("opennmc: 535 Mail send error")
    on_battery = [m for m in mails if "Operating on Battery" in m.subject][0]
    assert on_battery.tls and on_battery.authenticated and WARN in on_battery.to
    assert "Status:" in on_battery.body()
    backup = (tmp_path / "backup.json").read_text()
    assert USERS["card"] not in backup and "mail.password" in json.loads(backup)["omitted"]
    assert status["running"] and status["outbox"]["sent"] >= 1
    stored = (tmp_path / "card" / "config.json").read_text()
    assert USERS["card"] not in stored                          # sealed at rest
