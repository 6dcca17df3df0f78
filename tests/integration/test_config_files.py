"""The configuration files on a real file system, checked with tools nobody here wrote.

strace shows the save's system calls in the order that makes it atomic; jq reads the file and a
backup as an independent JSON parser; grep proves a backup holds no plain secret.
"""

import json
import os
import random
import re
import stat
import subprocess
import sys

from firmware.accounts import passwords
from firmware.card import features
from firmware.settings import store as config_store
from firmware.settings.backup import export_backup, restore_backup
from firmware.settings.config import Config as _Config
from firmware.settings.schema import Row, Schema
from firmware.state.bus import EventBus
from tests.conftest import require_tool

# The card's settings and, for the secrets that must be sealed and left out of backups, those of
# a feature that sends passwords to peers (e-mail's own mail.password, and a stand-in).
SCHEMA = Schema(list(features.schema().rows.values()) + [
    row for row in (Row("mail.password", "secret", "", 64, "Mail password"),
                    Row("mail.community", "secret", "public", 32, "A community"))
    if row.key not in features.schema()])
SECRETS = {"mail.password": "Mail-Pw-3141", "mail.community": "ro-Comm-1618"}
LOGINS = {"auth.admin_password": "Admin#Pw#5772", "auth.users": ["ops:Ops#Pw#69310:write"]}
SIM_PORTS = {"nut.port": 3493}

SAVE_TWICE = """
import sys
from firmware.card import features
from firmware.settings.config import Config
cfg = Config(features.schema(), sys.argv[1])
cfg.save()
cfg.update({"poll.rate": 4})
"""


def Config(path, **kw):
    return _Config(SCHEMA, path, **kw)


def user_access(cfg, name, plain):
    """The access a user of the table would get with `plain`."""
    for item in cfg.get("auth.users"):
        user, secret, access = item.split(":")
        if user == name:
            return access if passwords.verify_password(plain, secret) else None
    return None


def test_save_system_calls_are_in_atomic_order(tmp_path):
    """tmp written and fsynced, good file kept as .bak, tmp renamed over it, directory fsynced."""
    strace = require_tool("strace")
    path = str(tmp_path / "config.json")
    trace = str(tmp_path / "trace")
    proc = subprocess.run(
        [strace, "-f", "-o", trace, "-e", "trace=openat,open,write,fsync,close,rename,renameat,"
         "renameat2", sys.executable, "-c", SAVE_TWICE, path],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    fds, steps = {}, []
    for line in open(trace):
        m = re.search(r'open(?:at)?\(.*?"([^"]+)".*\)\s+=\s+(\d+)', line)
        if m:
            fds[m.group(2)] = m.group(1)
            continue
        m = re.search(r"(write|fsync|close)\((\d+)", line)
        if m and fds.get(m.group(2), "").startswith(str(tmp_path)):
            steps.append((m.group(1), fds[m.group(2)]))
            continue
        m = re.search(r'rename(?:at2?)?\(.*?"([^"]+)".*?"([^"]+)"', line)
        if m and m.group(1).startswith(path):
            steps.append(("rename", m.group(1), m.group(2)))
    second = [s for s in steps if s[-1] != path + ".key" and ".key" not in s[1]]
    # The second save: from the last write of the temp file to the end.
    start = max(i for i, s in enumerate(second) if s[0] == "write" and s[1] == path + ".tmp")
    tail = [s for s in second[start:] if s[0] != "close"]
    assert tail == [("write", path + ".tmp"), ("fsync", path + ".tmp"),
                    ("rename", path, path + ".bak"), ("rename", path + ".tmp", path),
                    ("fsync", str(tmp_path))], tail


def test_file_and_backup_read_by_jq(tmp_path):
    jq = require_tool("jq")
    cfg = Config(str(tmp_path / "config.json"), board_defaults={"nut.port": 13493})
    cfg.update({"poll.rate": 5, "system.location": "Salle B \u00e9lectrique"})
    query = '[.product, .checksum, .settings["poll.rate"], .settings["nut.port"], ' \
            '.settings["system.location"]]'
    out = subprocess.run([jq, "-c", query, str(tmp_path / "config.json")],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    product, checksum, rate, port, location = json.loads(out)
    assert (product, rate, port, location) == ("opennmc", 5, 13493, "Salle B \u00e9lectrique")
    settings = json.loads(subprocess.run([jq, "-c", ".settings", str(tmp_path / "config.json")],
                                         capture_output=True, text=True, timeout=60,
                                         check=True).stdout)
    assert config_store.checksum(settings) == checksum


def test_backup_file_holds_no_plain_secret(tmp_path):
    grep = require_tool("grep")
    cfg = Config(str(tmp_path / "config.json"))
    cfg.update(SECRETS)
    cfg.update(LOGINS)
    backup = tmp_path / "opennmc-backup.json"
    backup.write_text(export_backup(cfg, version="test"))
    for name in ("config.json", "config.json.bak", backup.name):
        target = tmp_path / name
        if not target.exists():
            continue
        for plain in list(SECRETS.values()) + ["Admin#Pw#5772", "Ops#Pw#69310"]:
            found = subprocess.run([grep, "-c", "-F", plain, str(target)],
                                   capture_output=True, text=True, timeout=60)
            assert found.returncode == 1, "%s found in %s" % (plain, name)
    # The check above can fail: grep does find what the backup does hold.
    found = subprocess.run([grep, "-c", "-F", "pbkdf2-sha256", str(backup)],
                           capture_output=True, text=True, timeout=60)
    assert found.returncode == 0


def test_card_key_is_private(tmp_path):
    cfg = Config(str(tmp_path / "config.json"))
    cfg.update({"mail.password": "x-secret-1"})
    mode = stat.S_IMODE(os.stat(tmp_path / "config.json.key").st_mode)
    assert mode == 0o600, oct(mode)


def test_truncation_anywhere_falls_back_to_last_good_copy(tmp_path):
    path = str(tmp_path / "config.json")
    cfg = Config(path)
    cfg.update({"poll.rate": 3})
    cfg.update({"poll.rate": 4})
    whole = open(path, "rb").read()
    end = len(whole.rstrip())  # cutting only the final newline leaves a complete file
    rng = random.Random(7)
    cuts = sorted(set([0, 1, end - 1] + [rng.randrange(end) for _ in range(40)]))
    for cut in cuts:
        with open(path, "wb") as f:
            f.write(whole[:cut])
        bus = EventBus()
        loaded = Config(path, bus=bus)
        assert loaded.get("poll.rate") == 3, cut
        assert loaded.report["source"] == "backup", (cut, loaded.report)
        assert [e["text"] for e in bus.recent] == ["Parameters checksum error"], cut


def test_restore_on_another_card_keeps_its_own_secrets(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    card_a = Config(str(tmp_path / "a" / "config.json"))
    card_a.update(SECRETS)
    card_a.update(LOGINS)
    card_a.update({"poll.rate": 8, "time.zone": 5.5, "nut.bind": "10.1.2.3"})
    text = export_backup(card_a, version="test")

    bus = EventBus()
    card_b = Config(str(tmp_path / "b" / "config.json"), bus=bus)
    card_b.update({"mail.password": "b-own-secret"})
    result = restore_backup(card_b, text, via="web", user="admin")
    assert result["ok"], result
    assert bus.recent[-1]["text"] == "Upload configuration successfully via web by admin"

    reread = Config(str(tmp_path / "b" / "config.json"))
    assert reread.report["errors"] == [] and reread.report["rejected"] == {}
    assert reread.get("poll.rate") == 8 and reread.get("time.zone") == 5.5
    assert reread.get("nut.bind") == "10.1.2.3"
    assert reread.get("mail.password") == "b-own-secret"
    assert user_access(reread, "ops", "Ops#Pw#69310") == "write"


def test_restore_of_a_bad_upload_changes_nothing_on_disk(tmp_path):
    path = str(tmp_path / "config.json")
    cfg = Config(path, bus=EventBus())
    cfg.update({"poll.rate": 6})
    before = open(path, "rb").read()
    doc = json.loads(export_backup(cfg))
    doc["settings"].update({"poll.rate": 1, "nut.port": "eighty", "time.dst": "auto"})
    settings = doc.pop("settings")
    del doc["checksum"]
    result = restore_backup(cfg, config_store.render(settings, doc), user="ops")
    assert not result["ok"]
    assert list(result["errors"]) == ["nut.port"]
    assert cfg.get("poll.rate") == 6 and cfg.get("time.dst") == "off"
    assert open(path, "rb").read() == before
    assert cfg.bus.recent[-1]["text"] == "Upload configuration with 1 error(s) via web by ops"
