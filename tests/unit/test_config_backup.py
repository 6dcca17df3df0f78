"""Unit tests for firmware/settings/backup.py: export without secrets, all-or-nothing restore."""

import json
import unittest

from firmware.accounts import passwords
from firmware.settings import store
from firmware.settings.backup import check_backup, export_backup, restore_backup
from firmware.settings.config import Config
from firmware.settings.schema import Row, Schema
from firmware.state.bus import EventBus

PORTABLE = True

SCHEMA = Schema((
    Row("poll.rate", "int", 2, (0, 3600), "Polling Rate"),
    Row("system.name", "str", "opennmc", 64, "Name"),
    Row("time.zone", "hours", 0, (-12, 14), "Zone"),
    Row("time.dst", "choice", "off", ("off", "on", "auto"), "DST"),
    Row("auth.admin_password", "password", "", None, "Admin password"),
    Row("mail.password", "secret", "", 64, "Mail password"),
    Row("trap.community", "secret", "public", 32, "Trap community"),
    Row("radius.secret", "secret", "", 64, "RADIUS secret"),
))
SECRETS = {"mail.password": "mail-pw-314", "trap.community": "trap-comm-5"}


def source_card():
    cfg = Config(SCHEMA)
    cfg.update(SECRETS)
    cfg.update({"auth.admin_password": "admin-pw-577"})
    cfg.update({"poll.rate": 9, "system.name": "ups-room-2", "time.zone": -4.5})
    return cfg


class ExportTest(unittest.TestCase):
    def test_backup_never_holds_a_plain_secret(self):
        text = export_backup(source_card(), version="1.2.3", now=1763700000)
        for plain in list(SECRETS.values()) + ["admin-pw-577"]:
            self.assertNotIn(plain, text)

    def test_header_and_contents(self):
        doc = json.loads(export_backup(source_card(), version="1.2.3", now=1763700000))
        self.assertEqual((doc["product"], doc["kind"], doc["version"], doc["exported"]),
                         ("opennmc", "backup", "1.2.3", 1763700000))
        self.assertEqual(doc["checksum"], store.checksum(doc["settings"]))
        self.assertEqual(doc["omitted"], ["mail.password", "trap.community"])
        self.assertNotIn("radius.secret", doc["omitted"])  # empty: nothing to hide
        self.assertEqual(doc["settings"]["poll.rate"], 9)
        self.assertTrue(doc["settings"]["auth.admin_password"].startswith("$pbkdf2-sha256$"))
        self.assertFalse(set(SECRETS) & set(doc["settings"]))


class RestoreTest(unittest.TestCase):
    def setUp(self):
        self.text = export_backup(source_card(), version="1.2.3")
        self.bus = EventBus()
        self.target = Config(SCHEMA, bus=self.bus)
        self.target.update({"mail.password": "kept-pw"})
        self.bus.recent[:] = []

    def test_restore_applies_everything_and_keeps_omitted_secrets(self):
        result = restore_backup(self.target, self.text, via="web", user="admin")
        self.assertTrue(result["ok"], result)
        self.assertEqual(result["errors"], {})
        self.assertIn("poll.rate", result["changed"])
        self.assertEqual(self.target.get("poll.rate"), 9)
        self.assertEqual(self.target.get("time.zone"), -4.5)
        self.assertEqual(self.target.get("mail.password"), "kept-pw")
        self.assertTrue(passwords.verify_password("admin-pw-577",
                                                  self.target.get("auth.admin_password")))
        self.assertEqual([e["text"] for e in self.bus.recent],
                         ["Upload configuration successfully via web by admin"])
        self.assertEqual(self.bus.recent[-1]["code"], "config.uploaded")

    def edited(self, **changes):
        """The backup with settings replaced (and its checksum made right again)."""
        doc = json.loads(self.text)
        doc["settings"].update(changes)
        settings = doc.pop("settings")
        del doc["checksum"]
        return store.render(settings, doc)

    def test_restore_is_all_or_nothing_with_every_error_listed(self):
        text = self.edited(**{"poll.rate": -5, "time.dst": "sometimes",
                              "system.name": "would-change"})
        result = restore_backup(self.target, text, via="web", user="operator")
        self.assertFalse(result["ok"])
        self.assertEqual(sorted(result["errors"]), ["poll.rate", "time.dst"])
        self.assertIn("between", result["errors"]["poll.rate"])
        self.assertEqual(self.target.get("system.name"), "opennmc")
        self.assertEqual(self.target.get("poll.rate"), 2)
        self.assertEqual([e["text"] for e in self.bus.recent],
                         ["Upload configuration with 2 error(s) via web by operator"])
        self.assertEqual(self.bus.recent[-1]["level"], "W")

    def test_settings_of_features_this_build_lacks_are_kept_not_refused(self):
        text = self.edited(**{"snmp.read_community": "ro-9"})
        result = restore_backup(self.target, text, via="web", user="admin")
        self.assertTrue(result["ok"], result)
        self.assertEqual(result["not_used"], ["snmp.read_community"])
        self.assertEqual(self.target.stored_extra(), {"snmp.read_community": "ro-9"})
        self.assertEqual(self.target.get("poll.rate"), 9)

    def test_damaged_file_is_refused_whole(self):
        for text in (self.text.replace('"poll.rate":9', '"poll.rate":8'), self.text[:200], "",
                     b"\xff\xfe", json.dumps({"product": "other", "settings": {}})):
            good, bad, _unused = check_backup(self.target, text)
            self.assertEqual(good, {})
            self.assertEqual(list(bad), ["file"], text)
        result = restore_backup(self.target, "{}", via="web", user="admin")
        self.assertFalse(result["ok"])
        self.assertEqual(self.target.get("poll.rate"), 2)
        self.assertEqual([e["text"] for e in self.bus.recent][-1],
                         "Upload configuration with 1 error(s) via web by admin")

    def test_partial_backup_changes_only_what_it_holds(self):
        text = store.render({"poll.rate": 4}, {"kind": "backup"})
        result = restore_backup(self.target, text)
        self.assertEqual(result["changed"], ["poll.rate"])
        self.assertEqual(self.target.get("mail.password"), "kept-pw")


if __name__ == "__main__":
    unittest.main()
