"""Configuration of the running card through `opennmc config ...`, and what its event log says.

The card runs as its own process (no UPS needed for settings); each change goes through the
management socket and must show in the card event log as the manual words it ("<setting> has been
changed via console by <OS user>"). Backups hold no plain secret, a tampered restore names each
refused field and changes nothing, and a config.json corrupted while the card was off gives
"Parameters checksum error" at boot while the last good values survive.
"""

from __future__ import annotations

import getpass
import json
import os
import stat

import pytest

from firmware.settings import store as config_store
from tests.cardcli import cli, cli_json, cli_ok, events, texts
from tests.cardharness import start_card

pytestmark = pytest.mark.timeout(180)
USER = getpass.getuser()


@pytest.fixture
def card(tmp_path):
    with start_card(tmp_path) as running:
        yield running


def test_set_is_live_validated_and_logged(card):
    out = cli_ok(card, "config", "set", "system.name=Room 12", "poll.rate=5")
    assert "system.name" in out and "poll.rate" in out
    assert cli_json(card, "config", "get", "system.name", "poll.rate") == \
        {"system.name": "Room 12", "poll.rate": 5}
    assert "system.name=Room 12" in cli_ok(card, "config", "get", "system.name")
    logged = texts(card)
    assert "System Name has been changed via console by %s" % USER in logged
    assert "Polling Rate has been changed via console by %s" % USER in logged
    # Saved, not only in memory.
    saved = json.loads((card.data_dir / "config.json").read_text())
    assert saved["settings"]["system.name"] == "Room 12"

    # All or nothing: one bad assignment refuses the whole command, naming each bad field.
    count = len(events(card))
    out = cli(card, "config", "set", "system.name=Room 13", "poll.rate=-1", "no.such=1")
    assert out.returncode == 2
    assert "poll.rate" in out.stderr and "no.such" in out.stderr
    assert cli_json(card, "config", "get", "system.name")["system.name"] == "Room 12"
    assert len(events(card)) == count
    for bad in (("config", "set", "system.name"), ("config", "get", "no.such")):
        assert cli(card, *bad).returncode == 2, bad


def test_backup_holds_no_plain_secret_and_tampered_restore_changes_nothing(card, tmp_path):
    cli_ok(card, "config", "set", "auth.admin_password=Adm1n#Secret",
           "nut.users=mon:Nut-Pw-42:secondary", "system.location=Hall B")
    backup = tmp_path / "backup.json"
    cli_ok(card, "config", "backup", str(backup))
    text = backup.read_text()
    for secret in ("Adm1n#Secret", "Nut-Pw-42"):
        assert secret not in text
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    header, settings = config_store.parse(text)
    # The secrets the card must send in clear stay out: here the SNMP communities.
    assert header["omitted"] == ["snmp.read_community", "snmp.write_community"]
    assert '"public"' not in text and '"private"' not in text
    assert settings["auth.admin_password"].startswith("$pbkdf2-sha256$")
    assert "$pbkdf2-sha256$" in settings["nut.users"][0]

    # Tampered: a value out of bounds and an unknown key; the checksum is re-made by hand too.
    tampered = tmp_path / "tampered.json"
    tampered.write_text(text.replace('"system.location":"Hall B"', '"system.location":"Hall C"')
                        .replace('"poll.rate":2', '"poll.rate":99999'))
    out = cli(card, "config", "restore", str(tampered))
    assert out.returncode == 2, out
    assert "file: checksum mismatch" in out.stderr, out.stderr
    assert cli_json(card, "config", "get", "system.location")["system.location"] == "Hall B"

    settings["poll.rate"] = 99999
    settings["system.location"] = "Hall C"
    settings["no.such"] = 1
    tampered.write_text(config_store.render(settings, {k: v for k, v in header.items()
                                                        if k != "checksum"}))
    before = (card.data_dir / "config.json").read_bytes()
    out = cli(card, "config", "restore", str(tampered))
    assert out.returncode == 2, out
    assert "poll.rate:" in out.stderr and "no.such" not in out.stderr, out.stderr
    assert cli_json(card, "config", "get", "system.location")["system.location"] == "Hall B"
    assert (card.data_dir / "config.json").read_bytes() == before
    assert "Upload configuration with 1 error(s) via console by %s" % USER in texts(card)

    # A setting this build has no feature for is kept aside, never refused nor lost.
    settings["poll.rate"] = 7
    tampered.write_text(config_store.render(settings, {k: v for k, v in header.items()
                                                        if k != "checksum"}))
    out = cli_ok(card, "config", "restore", str(tampered))
    assert "kept, not used by this build: no.such" in out
    saved = json.loads((card.data_dir / "config.json").read_text())["settings"]
    assert (saved["no.such"], saved["poll.rate"], saved["system.location"]) == (1, 7, "Hall C")

    # The untampered file restores (here: after a change), and is logged as such.
    cli_ok(card, "config", "set", "system.location=Elsewhere")
    cli_ok(card, "config", "restore", str(backup))
    assert cli_json(card, "config", "get", "system.location")["system.location"] == "Hall B"
    assert texts(card)[-1] == "Upload configuration successfully via console by %s" % USER
    assert cli_json(card, "config", "get", "auth.admin_password")["auth.admin_password"] == \
        "********"


def test_reset_accounts_and_factory(card):
    cli_ok(card, "config", "set", "auth.admin_password=Adm1n#Secret", "system.name=Room 7")
    cli_ok(card, "config", "reset", "--accounts")
    assert cli_json(card, "config", "get", "auth.admin_password")["auth.admin_password"] == ""
    assert cli_json(card, "config", "get", "system.name")["system.name"] == "Room 7"
    assert texts(card)[-1] == "Accounts and passwords reset to default via console by %s" % USER
    cli_ok(card, "config", "reset")
    assert cli_json(card, "config", "get", "system.name")["system.name"] == "opennmc"
    assert texts(card)[-1] == "NET VISION UPS Agent Parameters reset to default"


def test_corrupted_config_at_boot_falls_back_to_the_last_good_copy(tmp_path):
    with start_card(tmp_path) as card:
        cli_ok(card, "config", "set", "system.name=Good Name")
        cli_ok(card, "config", "set", "system.contact=ops@example.org")  # .bak now has the name
        boots = [e["text"] for e in events(card) if e["code"].startswith("boot.")]
        assert boots == ["Cold boot"]
    path = card.data_dir / "config.json"
    data = bytearray(path.read_bytes())
    where = data.index(b"Good Name")
    data[where:where + 4] = b"Evil"                      # same length, checksum now wrong
    path.write_bytes(bytes(data))

    with start_card(tmp_path, data_dir=card.data_dir) as card:
        logged = events(card)
        errors = [e for e in logged if e["text"] == "Parameters checksum error"]
        assert errors and errors[-1]["level"] == "C", logged
        assert cli_json(card, "config", "get", "system.name")["system.name"] == "Good Name"
        assert [e["text"] for e in logged if e["code"].startswith("boot.")] == \
            ["Cold boot", "Warm boot"]
        assert card.status()["config"]["source"] == "backup"
    # The recovered values were written back: the next boot is clean and keeps them.
    with start_card(tmp_path, data_dir=card.data_dir) as card:
        assert cli_json(card, "config", "get", "system.name")["system.name"] == "Good Name"
        assert card.status()["config"]["checksum_error"] is False
        assert len([t for t in texts(card) if t == "Parameters checksum error"]) == 1


def test_files_are_private_and_a_backup_never_writes_through_a_link(card, tmp_path):
    cli_ok(card, "config", "set", "system.name=First")
    cli_ok(card, "config", "set", "system.name=Second")      # the first file becomes .bak
    for name in ("config.json", "config.json.bak"):
        assert stat.S_IMODE(os.stat(card.data_dir / name).st_mode) == 0o600, name
    assert stat.S_IMODE(os.stat(card.data_dir).st_mode) == 0o700

    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "backup.json"
    link.symlink_to(precious)
    cli_ok(card, "config", "backup", str(link))
    assert precious.read_text() == "keep me"                 # the link is replaced, not followed
    assert not link.is_symlink() and config_store.parse(link.read_text())
    assert stat.S_IMODE(os.stat(link).st_mode) == 0o600
    wide = tmp_path / "wide.json"
    wide.write_text("old")
    os.chmod(wide, 0o644)
    cli_ok(card, "config", "backup", str(wide))
    assert stat.S_IMODE(os.stat(wide).st_mode) == 0o600


def test_files_of_an_older_build_are_made_private_at_boot(tmp_path):
    data = tmp_path / "card"
    data.mkdir(mode=0o755)
    for name in ("config.json", "config.json.bak"):
        (data / name).write_text(config_store.render({"system.name": "Old"}))
        os.chmod(data / name, 0o644)
    with start_card(tmp_path, data_dir=data) as card:
        assert cli_json(card, "config", "get", "system.name")["system.name"] == "Old"
    for name in ("config.json", "config.json.bak"):
        assert stat.S_IMODE(os.stat(data / name).st_mode) == 0o600, name
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
