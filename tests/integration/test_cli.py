"""The `opennmc` command line: run with the simulator, status, detect, --set, settings table."""

import json
import re
import subprocess
import sys
from pathlib import Path

from firmware.card import features
from firmware.cli import keys
from firmware.settings.config import Config
from tests.cardharness import ROOT, start_card
from tests.simharness import start_sim


def opennmc(*args, timeout=60):
    return subprocess.run([sys.executable, "-m", "firmware", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


def test_bad_set_is_refused_naming_the_field(tmp_path):
    data = tmp_path / "data"
    for bad, field in (("poll.rate=often", "poll.rate"), ("nut.max_clients=0", "nut.max_clients"),
                       ("no.such=1", "no.such"), ("nut.users=admin:pw:boss", "nut.users"),
                       ("nut.port", "nut.port"),
                       ("time.ntp_server=pool.ntp.org:99999", "time.ntp_server"),
                       ("poll.commands=garbage", "poll.commands"),
                       ("smtp.server=mail.example.com", "smtp.server")):
        out = opennmc("run", "--data-dir", str(data), "--set", "poll.rate=5", "--set", bad)
        assert out.returncode == 2, (bad, out.stdout, out.stderr)
        assert field in out.stderr, (bad, out.stderr)
        assert "opennmc ready" not in out.stdout
    # All or nothing: the good --set before the bad one was not saved either.
    assert not (data / "config.json").exists() or \
        Config(features.schema(), str(data / "config.json")).get("poll.rate") != 5


def test_unsupported_board_exits_2(tmp_path):
    out = opennmc("run", "--board", "esp32", "--data-dir", str(tmp_path))
    assert out.returncode == 2
    assert "not supported" in out.stderr


def test_status_without_a_running_card(tmp_path):
    out = opennmc("status", "--data-dir", str(tmp_path))
    assert out.returncode == 1
    assert "no running card" in out.stderr


def test_run_status_and_clean_stop_with_the_simulator(tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as sim:
        card = start_card(tmp_path, serial=sim.link,
                          sets=["nut.users=mon:Secret-42:secondary", "poll.rate=0"])
        try:
            assert card.ready["board"] == "sim"
            assert card.ready["serial"] == sim.link
            assert Path(card.ready["status"]).exists()
            snap = card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
            assert snap["ups"]["values"]["ups.status"].split()[0] == "OL"
            assert snap["ups"]["device"]["mapping"] == "jbusp"
            assert snap["nut"]["port"] == card.nut_port
            assert snap["card"]["endpoints"]["nut"] == card.nut_address
            assert snap["ups"]["values"]["ups.model"].upper().startswith("NETYS")
        finally:
            rc = card.stop()
        assert rc == 0, "".join(card.log)
        assert "opennmc stopped" in "".join(card.log)
        assert not Path(card.ready["status"]).exists()
        saved = (card.data_dir / "config.json").read_text()
        assert "Secret-42" not in saved
        assert "mon:$pbkdf2-sha256$" in saved


def test_detect_prints_what_the_ups_is(tmp_path):
    with start_sim(tmp_path, profile="netys-rt", baud=19200) as sim:
        out = opennmc("detect", "--serial", sim.link, timeout=120)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert found["baud"] == 19200
    assert found["mapping"] == "jbusp"
    assert found["range"] == "NETYS RT"
    assert found["architecture"] == "single"


def test_detect_on_a_missing_device(tmp_path):
    out = opennmc("detect", "--serial", str(tmp_path / "nothing"))
    assert out.returncode == 1
    assert "not found" in out.stderr


def test_config_keys_lists_every_setting():
    out = opennmc("config", "keys")
    assert out.returncode == 0
    listed = {line.split(" = ")[0] for line in out.stdout.splitlines()}
    assert listed == set(features.schema().keys())


def test_settings_reference_lists_every_setting():
    page = (ROOT / "docs" / "settings.md").read_text()
    start = page.index(keys.DOC_BEGIN) + len(keys.DOC_BEGIN)
    table = page[start:page.index(keys.DOC_END)]
    listed = set(re.findall(r"^\| `([a-z0-9_.]+)` \|", table, re.M))
    hint = "run: opennmc config keys --update-docs docs/settings.md"
    assert listed == set(features.schema().keys()), hint
    assert table.strip() == keys.markdown().strip(), "docs/settings.md is out of date; " + hint
