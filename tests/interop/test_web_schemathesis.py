"""schemathesis against the card's own OpenAPI document: no 5xx, every answer matches the schema.

schemathesis (an outside implementation of OpenAPI) generates requests for every operation of
the document the card serves, with an admin session and its CSRF token. Left out: the routes
that end the session or restart the server in the middle of the run (logout, password change,
factory reset, restore, settings, certificate), which the API and browser tests cover.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cardharness import start_card
from tests.simharness import start_sim
from tests.webclient import ADMIN_PASSWORD, WebClient

LEFT_OUT = ("/session", "/session/password", "/config/reset", "/config", "/config/restore",
            "/certificate", "/events")


def schemathesis() -> str:
    path = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    if not os.access(path, os.X_OK):
        pytest.fail("schemathesis is not installed (it is a test dependency in pyproject.toml)")
    return path


def test_the_api_matches_its_openapi_document(tmp_path):
    with start_sim(tmp_path, profile="masterys-33") as sim:
        with start_card(tmp_path / "card", serial=sim.link,
                        sets=["auth.admin_password=" + ADMIN_PASSWORD]) as card:
            web = WebClient(card.http_url)
            web.login("admin", ADMIN_PASSWORD)
            cmd = [schemathesis(), "run", card.http_url + "/api/v1/openapi.json",
                   "--url", card.http_url, "-H", "Cookie: nmc_session=" + web.cookie(),
                   "-H", "X-CSRF-Token: " + web.csrf,
                   "--checks", "not_a_server_error,response_schema_conformance",
                   "--max-examples", "10", "--seed", "1"]
            for path in LEFT_OUT:
                cmd += ["--exclude-path", "/api/v1" + path]
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                                 env=dict(os.environ, NO_COLOR="1"))
            report = out.stdout + out.stderr
            assert out.returncode == 0, report[-6000:]
            assert " passed" in report and "failed" not in report.split("SUMMARY")[-1], report
            # The session survived the run: nothing it sent logged it out.
            assert web.call("GET", "/ups")[0] == 200
