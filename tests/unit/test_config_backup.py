"""Unit tests for firmware/settings/backup.py: export without secrets, all-or-nothing restore."""

import json
import unittest

from firmware.settings import config, store as config_store
from firmware.settings.config import Config
from firmware.settings.backup import check_backup, export_backup, restore_backup
from firmware.state.bus import EventBus

PORTABLE = True

SECRETS = {"smtp.password": "mail-pw-314", "radius.primary_secret": "radius-sec-271",
           "ddns.password": "ddns-pw-161", "snmp.read_community": "ro-community-9",
           "snmp.write_community": "rw-community-8", "snmp.usm.1.auth_password": "usm-auth-pw-1",
           "snmp.usm.1.priv_password": "usm-priv-pw-1", "snmp.trap.1.community": "trap-comm-5",
           "remoteview.password": "rv-pw-112"}
LOGINS = {"auth.admin_password": "admin-pw-577", "auth.users": ["bob:bob-pw-433:write"]}


def source_card():
    cfg = Config()
    cfg.update(SECRETS)
    cfg.update(LOGINS)
    cfg.update({"poll.rate": 9, "system.name": "ups-room-2", "time.zone": -4.5})
    return cfg


class ExportTest(unittest.TestCase):
    def test_backup_never_holds_a_plain_secret(self):
        text = export_backup(source_card(), version="1.2.3", now=1763700000)
        for plain in list(SECRETS.values()) + ["admin-pw-577", "bob-pw-433"]:
            self.assertNotIn(plain, text)

    def test_header_and_contents(self):
        doc = json.loads(export_backup(source_card(), version="1.2.3", now=1763700000))
        self.assertEqual((doc["product"], doc["kind"], doc["version"], doc["exported"]),
                         ("opennmc", "backup", "1.2.3", 1763700000))
        self.assertEqual(doc["checksum"], config_store.checksum(doc["settings"]))
        # Every secret with a value is left out, the default trap communities included.
        self.assertTrue(set(SECRETS) <= set(doc["omitted"]))
        self.assertIn("snmp.trap.8.community", doc["omitted"])
        self.assertNotIn("radius.secondary_secret", doc["omitted"])  # empty: nothing to hide
        self.assertEqual(doc["settings"]["poll.rate"], 9)
        self.assertTrue(doc["settings"]["auth.admin_password"].startswith("$pbkdf2-sha256$"))
        self.assertFalse(set(SECRETS) & set(doc["settings"]))


class RestoreTest(unittest.TestCase):
    def setUp(self):
        self.text = export_backup(source_card(), version="1.2.3")
        self.bus = EventBus()
        self.target = Config(bus=self.bus)
        self.target.update({"smtp.password": "kept-pw"})
        self.bus.recent[:] = []

    def test_restore_applies_everything_and_keeps_omitted_secrets(self):
        result = restore_backup(self.target, self.text, via="web", user="admin")
        self.assertTrue(result["ok"], result)
        self.assertEqual(result["errors"], {})
        self.assertIn("poll.rate", result["changed"])
        self.assertEqual(self.target.get("poll.rate"), 9)
        self.assertEqual(self.target.get("time.zone"), -4.5)
        self.assertEqual(self.target.get("smtp.password"), "kept-pw")
        self.assertEqual(self.target.user_access("bob", "bob-pw-433"), "write")
        self.assertTrue(self.target.check_password("auth.admin_password", "admin-pw-577"))
        self.assertEqual([e["text"] for e in self.bus.recent],
                         ["Upload configuration successfully via web by admin"])
        self.assertEqual(self.bus.recent[-1]["code"], config.UPLOADED)

    def edited(self, **changes):
        """The backup with settings replaced (and its checksum made right again)."""
        doc = json.loads(self.text)
        doc["settings"].update(changes)
        settings = doc.pop("settings")
        del doc["checksum"]
        return config_store.render(settings, doc)

    def test_restore_is_all_or_nothing_with_every_error_listed(self):
        text = self.edited(**{"poll.rate": -5, "time.dst": "sometimes", "bogus.key": 1,
                              "system.name": "would-change"})
        result = restore_backup(self.target, text, via="web", user="operator")
        self.assertFalse(result["ok"])
        self.assertEqual(sorted(result["errors"]), ["bogus.key", "poll.rate", "time.dst"])
        self.assertIn("between", result["errors"]["poll.rate"])
        self.assertEqual(result["errors"]["bogus.key"], "unknown setting")
        self.assertEqual(self.target.get("system.name"), "opennmc")
        self.assertEqual(self.target.get("poll.rate"), 2)
        self.assertEqual([e["text"] for e in self.bus.recent],
                         ["Upload configuration with 3 error(s) via web by operator"])
        self.assertEqual(self.bus.recent[-1]["level"], "W")

    def test_damaged_file_is_refused_whole(self):
        for text in (self.text.replace('"poll.rate":9', '"poll.rate":8'), self.text[:200], "",
                     b"\xff\xfe", json.dumps({"product": "other", "settings": {}})):
            good, bad = check_backup(self.target, text)
            self.assertEqual(good, {})
            self.assertEqual(list(bad), ["file"], text)
        result = restore_backup(self.target, "{}", via="web", user="admin")
        self.assertFalse(result["ok"])
        self.assertEqual(self.target.get("poll.rate"), 2)
        self.assertEqual([e["text"] for e in self.bus.recent][-1],
                         "Upload configuration with 1 error(s) via web by admin")

    def test_partial_backup_changes_only_what_it_holds(self):
        text = config_store.render({"poll.rate": 4}, {"kind": "backup"})
        result = restore_backup(self.target, text)
        self.assertEqual(result["changed"], ["poll.rate"])
        self.assertEqual(self.target.get("smtp.password"), "kept-pw")


if __name__ == "__main__":
    unittest.main()
