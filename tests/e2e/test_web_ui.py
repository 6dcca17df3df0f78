"""The web UI in Debian's chromium, driven by Playwright, against a card reading the simulator.

First login and the forced password change, the dashboard showing the simulator's values, a
mains failure turning the synoptic's battery and output yellow with the alarm count rising,
the history graph, a CSV download, a read-only user without controls, a request without the
CSRF token refused, a stored name that is never run as HTML; the shutdown page's AC-fail test
and the EMD page with the simulator's EMD. Screenshots of the main pages go to
build/test-artifacts/web/.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.cardharness import ROOT, start_card
from tests.conftest import require_tool
from tests.simharness import start_sim
from tests.webclient import ADMIN_PASSWORD

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "build" / "test-artifacts")) / "web"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
NEW_PASSWORD = "Browser#Admin#2030"
VIEWER = ("viewer", "View#Only#2030")
XSS = "<img src=x onerror=window.__xss=1>Room"


@pytest.fixture(scope="module")
def chromium():
    path = require_tool("chromium")
    if not (ROOT / "web" / "dist" / "index.html").exists():
        pytest.fail("web/dist is not built (tools/test.sh builds it: cd web && npm run build)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    with start_sim(tmp_path_factory.mktemp("sim"), profile="masterys-33") as sim:
        with start_card(tmp_path_factory.mktemp("card"), serial=sim.link, sets=[
                "log.history_interval=1", "auth.users=%s:%s:read" % VIEWER,
                "system.name=" + XSS]) as card:
            yield sim, card


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / (name + ".png")), full_page=True)


def login(page, url: str, user: str, password: str) -> None:
    page.goto(url + "/")
    page.fill("#login-user", user)
    page.fill("#login-password", password)
    page.click("#login-submit")


def test_the_web_ui_end_to_end(chromium, rig):
    sim, card = rig
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda d: d.accept())

    # First login with the first-access password: a new password before anything else.
    login(page, card.http_url, "admin", "4E4D43")
    page.wait_for_selector("#password-form")
    assert page.locator("#menu a").count() == 0
    shot(page, "first-login")
    page.fill("#pw-old", "4E4D43")
    page.fill("#pw-new", "too-weak")
    page.fill("#pw-again", "too-weak")
    page.click("#pw-submit")
    page.wait_for_selector("text=password refused")
    page.fill("#pw-new", NEW_PASSWORD)
    page.fill("#pw-again", NEW_PASSWORD)
    page.click("#pw-submit")
    page.wait_for_selector("text=log in with the new password")
    page.fill("#login-password", NEW_PASSWORD)
    page.click("#login-submit")
    page.wait_for_selector("#days-left")
    assert "90" in page.inner_text("#days-left")
    page.click("#days-ok")

    # The stored system name is shown as text, never run.
    assert page.inner_text("#sysname") == XSS
    assert page.evaluate("window.__xss") is None

    # The synoptic, then the dashboard with the simulator's values.
    page.wait_for_selector("#syn-output[data-color=green]", state="attached")
    shot(page, "synoptic")
    # (Through the management socket: a second web login would end the browser's session.)
    values = card.status()["ups"]["values"]
    page.goto(card.http_url + "/#/dashboard")
    page.wait_for_selector(".widget")
    text = page.inner_text("main")
    assert "%s V" % values["output.L1-N.voltage"] in text
    assert "%s %%" % values["battery.charge"] in text
    shot(page, "dashboard")

    # Mains failure: battery and output turn yellow, the alarm count rises.
    page.goto(card.http_url + "/#/")
    page.wait_for_selector("#syn-battery[data-color=green]", state="attached")
    before = int(page.inner_text("#alarm-count"))
    sim.scenario("mains-failure")
    page.wait_for_selector("#syn-battery[data-color=yellow]", state="attached", timeout=30000)
    page.wait_for_selector("#syn-output[data-color=yellow]", state="attached", timeout=30000)
    page.wait_for_function("n => Number(document.querySelector('#alarm-count').textContent) > n",
                           arg=before, timeout=30000)
    page.click("#syn-battery")
    page.wait_for_selector("caption:text('Battery Parameters')")
    shot(page, "mains-failure")
    page.goto(card.http_url + "/#/alarms")
    page.wait_for_selector("#active-alarms")
    assert int(page.inner_text("#active-alarms")) > 0
    shot(page, "alarms")

    # The history graph renders the points the card recorded.
    page.goto(card.http_url + "/#/history")
    page.wait_for_selector("#history-chart canvas", timeout=30000)
    assert int(page.get_attribute("#history-chart", "data-points")) >= 2
    shot(page, "history")
    page.goto(card.http_url + "/#/log/ups-events")
    page.wait_for_selector("#log-table table")
    shot(page, "ups-events")

    # Save a log as CSV: it parses, with the manual's columns.
    page.goto(card.http_url + "/#/logs")
    with page.expect_download() as info:
        page.click("button.save[data-log=history]")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text())))
    assert len(rows) >= 2 and any("Battery" in c for c in rows[0])
    shot(page, "logs")

    # A request that changes something without the CSRF token is refused.
    status = page.evaluate("""async () => (await fetch('/api/v1/config', {method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({assignments: ['system.location=x']})})).status""")
    assert status == 403
    for path, name in (("#/config/system", "configuration"), ("#/services", "services"),
                       ("#/users", "users"), ("#/time", "time"), ("#/files", "files"),
                       ("#/upsdebug", "upsdebug"), ("#/realtime", "realtime")):
        page.goto(card.http_url + "/" + path)
        page.wait_for_selector("main h1")
        shot(page, name)
    assert errors == []
    context.close()


def test_a_read_only_user_cannot_reach_the_controls(chromium, rig):
    _sim, card = rig
    context = chromium.new_context()
    page = context.new_page()
    login(page, card.http_url, *VIEWER)
    page.wait_for_selector("#menu a")
    menu = page.inner_text("#menu")
    assert "UPS control" not in menu and "Multi-User Table" not in menu
    page.goto(card.http_url + "/#/control")
    page.wait_for_selector("text=for read/write and admin accounts")
    assert page.locator("button.cmd").count() == 0
    status = page.evaluate("""async () => {
        const s = await (await fetch('/api/v1/session')).json();
        return (await fetch('/api/v1/commands/beeper.mute', {method: 'POST',
            headers: {'X-CSRF-Token': s.csrf}})).status; }""")
    assert status == 403
    shot(page, "read-only")
    context.close()


@pytest.fixture(scope="module")
def actions_rig(tmp_path_factory):
    """A card with the AC-fail shutdown action on and the simulator's EMD on its port."""
    tmp = tmp_path_factory.mktemp("actions")
    with start_sim(tmp, profile="masterys-33") as sim, \
            start_sim(tmp, profile="emd", name="ttyEMD") as emd:
        with start_card(tmp / "card", serial=sim.link, sets=[
                "auth.admin_password=" + ADMIN_PASSWORD, "auth.users=%s:%s:read" % VIEWER,
                "shutdown.ac_failed.enabled=on", "emd.enabled=on", "emd.device=" + emd.link,
                "emd.period=2"]) as card:
            yield card


def test_the_ac_fail_test_button_and_the_emd_page(chromium, actions_rig):
    card = actions_rig
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, card.http_url, "admin", ADMIN_PASSWORD)
    page.click("#days-ok")
    page.goto(card.http_url + "/#/config/shutdown")
    page.wait_for_selector("#shutdown-phase[data-phase=idle]")
    assert not page.is_checked("#shutdown-fsd")    # FSD only when the admin asks for it
    page.click("#shutdown-test")
    page.wait_for_selector("#shutdown-phase[data-phase=warning]")
    page.wait_for_selector("text=AC-fail test: started (no FSD)")
    assert "(test)" in page.inner_text("#shutdown-status")
    assert page.is_disabled("#shutdown-test")      # the manual: disabled while the test runs
    shot(page, "shutdown-test")

    # The EMD is in the menu because the feature reads a sensor; its page shows the values.
    page.click("#menu a[href='#/emd']")
    page.wait_for_selector("#emd table")
    page.wait_for_function("document.querySelector('#emd').textContent.includes('22.0 °C')",
                           timeout=30000)
    shot(page, "emd")
    assert errors == []
    context.close()

    # A read-only user sees the sequence but no test button.
    context = chromium.new_context()
    page = context.new_page()
    login(page, card.http_url, *VIEWER)
    page.wait_for_selector("#menu a")
    page.goto(card.http_url + "/#/config/shutdown")
    page.wait_for_selector("#shutdown-phase[data-phase=warning]")
    assert page.locator("#shutdown-test").count() == 0
    context.close()


def test_the_sts_synoptic_follows_a_source_failure(chromium, tmp_path):
    """An STS: its own synoptic and tables (manual §13); a source 1 failure moves the load to
    source 2 and greys path 1."""
    with start_sim(tmp_path, profile="statys") as sim, \
            start_card(tmp_path / "card", serial=sim.link,
                       sets=["auth.admin_password=" + ADMIN_PASSWORD]) as card:
        card.wait_for(lambda s: not s["ups"]["stale"], what="STS data")
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        login(page, card.http_url, "admin", ADMIN_PASSWORD)
        page.click("#days-ok")
        page.wait_for_selector("svg[aria-label='STS synoptic']")
        page.wait_for_selector("#syn-out1[data-color=green]", state="attached")
        page.wait_for_selector("#syn-path1[data-color=green]", state="attached")
        assert page.get_attribute("#syn-out2", "data-color") == "grey"
        page.wait_for_selector("caption:text('STS Parameters')")
        shot(page, "sts-synoptic")

        sim.scenario("mains-failure")                  # source 1 fails
        page.wait_for_selector("#syn-path1[data-color=grey]", state="attached", timeout=30000)
        page.wait_for_selector("#syn-out2:not([data-color=grey])", state="attached",
                               timeout=30000)
        assert page.get_attribute("#syn-out1", "data-color") == "grey"
        page.click("#syn-source2")
        page.wait_for_selector("caption:text('Path 2 Parameters')")
        assert "Input Voltage" in page.inner_text("#param-table")
        shot(page, "sts-source-1-failure")
        assert errors == []
        context.close()
