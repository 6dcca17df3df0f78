"""Unit tests for firmware/settings/config.py: defaults, checks, files, checksum fallback, resets.

The configuration machinery is tested with a small schema of its own; the card's real settings
are tested in test_card_settings.py.
"""

import json
import unittest

try:
    import os
except ImportError:  # pragma: no cover - MicroPython
    import uos as os  # type: ignore

from firmware.accounts import passwords
from firmware.settings import config, store
from firmware.settings.config import Config
from firmware.settings.schema import ConfigError, Row, Schema
from firmware.state.bus import EventBus
from tmpdirs import make_dir, remove_dir

PORTABLE = True


def _even(value):
    if value % 2:
        raise ValueError("must be even")
    return value


SCHEMA = Schema((
    Row("poll.rate", "int", 2, (0, 3600), "Polling Rate", label="Polling Rate"),
    Row("log.records", "int", 2048, (16, 65535), "Records kept", restart=True),
    Row("net.port", "int", 80, (0, 65535), "A port"),
    Row("net.even", "int", 0, (0, 100), "An even number", check=_even),
    Row("time.dst", "choice", "off", ("off", "on", "auto"), "DST"),
    Row("time.zone", "hours", 0, (-12, 14), "Zone"),
    Row("system.location", "str", "", 64, "Location", label="System Location"),
    Row("auth.admin_password", "password", "", None, "Admin password"),
    Row("mail.password", "secret", "", 64, "A secret sent to a peer", label="User Password"),
    Row("list.items", "list", [], 4, "Items"),
))


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode()


def write_text(path, text):
    with open(path, "wb") as f:
        f.write(text.encode())


def card_texts(bus):
    return [e["text"] for e in bus.recent if e["source"] == "card"]


class SchemaTest(unittest.TestCase):
    def test_refused_with_the_field_named(self):
        for text, field in (("poll.rate=-1", "poll.rate"), ("poll.rate=fast", "poll.rate"),
                            ("net.even=3", "net.even"), ("time.dst=maybe", "time.dst"),
                            ("time.zone=15", "time.zone"), ("time.zone=5.2", "time.zone"),
                            ("system.location=" + "x" * 65, "system.location"),
                            ("list.items=a,b,c,d,e", "list.items"), ("no.such=1", "no.such")):
            with self.assertRaises(ConfigError, msg=text) as ctx:
                SCHEMA.parse_assignment(text)
            self.assertEqual(ctx.exception.field, field, text)
            self.assertTrue(str(ctx.exception).startswith(field + ": "), text)

    def test_accepted_values_are_typed(self):
        for text, value in (("poll.rate=0", 0), ("poll.rate= 0x10 ", 16), ("net.even=4", 4),
                            ("time.zone=-3:30", -3.5), ("time.zone=+5.75", 5.75),
                            ("time.zone=GMT+1", 1), ("list.items=a, b", ["a", "b"])):
            self.assertEqual(SCHEMA.parse_assignment(text)[1], value, text)

    def test_a_key_declared_twice_is_refused(self):
        with self.assertRaises(ValueError):
            Schema((Row("a.b", "int", 1, (0, 2)), Row("a.b", "int", 1, (0, 2))))

    def test_an_unknown_kind_is_refused(self):
        with self.assertRaises(ValueError):
            Row("a.b", "float", 1.0)

    def test_restart_keys(self):
        self.assertEqual(SCHEMA.restart_keys(["poll.rate", "log.records"]), ["log.records"])


class DefaultsTest(unittest.TestCase):
    def test_board_defaults_override_without_touching_schema(self):
        cfg = Config(SCHEMA, board_defaults={"net.port": 8080, "snmp.port": 1161})
        self.assertEqual(cfg.get("net.port"), 8080)
        self.assertEqual(cfg.default("net.port"), 8080)
        self.assertEqual(Config(SCHEMA).get("net.port"), 80)
        self.assertRaises(ConfigError, cfg.get, "snmp.port")   # a feature this build lacks

    def test_bad_board_default_is_refused(self):
        with self.assertRaises(ConfigError) as ctx:
            Config(SCHEMA, board_defaults={"net.port": 70000})
        self.assertEqual(ctx.exception.field, "net.port")

    def test_labels(self):
        self.assertEqual(SCHEMA.label("poll.rate"), "Polling Rate")
        self.assertEqual(SCHEMA.label("net.port"), "net.port")


class UpdateTest(unittest.TestCase):
    def test_update_is_all_or_nothing(self):
        bus = EventBus()
        cfg = Config(SCHEMA, bus=bus)
        with self.assertRaises(ConfigError) as ctx:
            cfg.update({"poll.rate": 5, "log.records": 10}, via="web", user="admin")
        self.assertEqual(ctx.exception.field, "log.records")
        self.assertEqual(cfg.get("poll.rate"), 2)
        self.assertEqual(card_texts(bus), [])

    def test_check_lists_every_bad_field(self):
        good, bad = Config(SCHEMA).check({"poll.rate": 1, "time.dst": "x", "net.port": -1,
                                          "x.y": 1})
        self.assertEqual(good, {"poll.rate": 1})
        self.assertEqual(sorted(bad), ["net.port", "time.dst", "x.y"])
        self.assertIn("off, on, auto", bad["time.dst"])

    def test_passwords_are_stored_hashed(self):
        cfg = Config(SCHEMA)
        cfg.update({"auth.admin_password": "s3cret!"})
        stored = cfg.get("auth.admin_password")
        self.assertTrue(stored.startswith(passwords.HASH_PREFIX))
        self.assertTrue(passwords.verify_password("s3cret!", stored))
        self.assertEqual(cfg.update({"auth.admin_password": stored}), [])  # kept, not re-hashed

    def test_damaged_hash_is_refused(self):
        with self.assertRaises(ConfigError):
            SCHEMA.parse_assignment("auth.admin_password=$pbkdf2-sha256$2000$zz$00")

    def test_public_view_masks_every_secret(self):
        cfg = Config(SCHEMA)
        cfg.update({"auth.admin_password": "adminpw", "mail.password": "mailpw",
                    "list.items": ["bob:" + passwords.hash_password("bobpw") + ":write"]})
        text = json.dumps(cfg.public_dict())
        for secret in ("adminpw", "mailpw", "bobpw", "pbkdf2"):
            self.assertNotIn(secret, text)
        self.assertEqual(cfg.public_dict()["list.items"], ["bob:********:write"])


class StorageTest(unittest.TestCase):
    def setUp(self):
        self.dir = make_dir("config")
        self.path = self.dir + "/config.json"

    def tearDown(self):
        remove_dir(self.dir)

    def saved(self, changes, board=None):
        cfg = Config(SCHEMA, self.path, board_defaults=board)
        cfg.update(changes)
        return cfg

    def test_update_saves_before_it_applies(self):
        self.saved({"poll.rate": 7, "time.zone": 5.5,
                    "system.location": "Salle \u00e9lectrique \"B\""})
        cfg = Config(SCHEMA, self.path)
        self.assertEqual(cfg.get("poll.rate"), 7)
        self.assertEqual(cfg.get("time.zone"), 5.5)
        self.assertEqual(cfg.get("system.location"), "Salle \u00e9lectrique \"B\"")
        self.assertEqual(cfg.report["source"], "file")
        self.assertFalse(cfg.report["checksum_error"])

    def test_a_change_that_cannot_be_saved_changes_nothing(self):
        cfg = Config(SCHEMA, self.dir + "/no-such-folder/config.json")
        heard = []
        cfg.subscribe(lambda keys, via, user: heard.append(keys))
        with self.assertRaises(OSError):
            cfg.update({"poll.rate": 9})
        self.assertEqual(cfg.get("poll.rate"), 2)
        self.assertEqual(heard, [])

    def test_file_is_standard_json_with_header_and_checksum(self):
        self.saved({"poll.rate": 3})
        doc = json.loads(read_text(self.path))
        self.assertEqual(doc["product"], "opennmc")
        self.assertEqual(doc["format"], 1)
        self.assertEqual(doc["checksum"], store.checksum(doc["settings"]))
        self.assertEqual(sorted(doc["settings"]), SCHEMA.keys())

    def test_previous_good_copy_is_kept(self):
        self.saved({"poll.rate": 3})
        self.assertFalse(store.exists(self.path + ".bak"))
        Config(SCHEMA, self.path).update({"poll.rate": 4})
        _h, previous = store.parse(read_text(self.path + ".bak"))
        self.assertEqual(previous["poll.rate"], 3)
        self.assertFalse(store.exists(self.path + ".tmp"))

    def test_secrets_are_sealed_at_rest(self):
        self.saved({"mail.password": "mail-pass-42", "auth.admin_password": "admin-pass-9"})
        text = read_text(self.path)
        for secret in ("mail-pass-42", "admin-pass-9"):
            self.assertNotIn(secret, text)
        self.assertEqual(Config(SCHEMA, self.path).get("mail.password"), "mail-pass-42")

    def test_secret_without_the_card_key_is_rejected_not_guessed(self):
        self.saved({"mail.password": "mail-pass-42"})
        os.remove(self.path + config.KEY_SUFFIX)
        cfg = Config(SCHEMA, self.path)
        self.assertEqual(cfg.get("mail.password"), "")
        self.assertIn("mail.password", cfg.report["rejected"])

    def corrupt_and_load(self, damage):
        self.saved({"poll.rate": 3})
        Config(SCHEMA, self.path).update({"poll.rate": 4})
        damage(read_text(self.path))
        bus = EventBus()
        return Config(SCHEMA, self.path, bus=bus), bus

    def assert_fell_back(self, cfg, bus):
        self.assertEqual(cfg.get("poll.rate"), 3)
        self.assertEqual(cfg.report["source"], "backup")
        self.assertTrue(cfg.report["checksum_error"])
        self.assertTrue(cfg.report["errors"])
        self.assertEqual(card_texts(bus), ["Parameters checksum error"])
        self.assertEqual(bus.recent[-1]["code"], "params.checksum")

    def test_bad_checksum_falls_back_to_last_good_copy(self):
        cfg, bus = self.corrupt_and_load(
            lambda text: write_text(self.path, text.replace('"poll.rate":4', '"poll.rate":9')))
        self.assert_fell_back(cfg, bus)
        self.assertIn("checksum", cfg.report["errors"][0])

    def test_garbage_json_falls_back_to_last_good_copy(self):
        cfg, bus = self.corrupt_and_load(lambda text: write_text(self.path, "\x00\xff garbage"))
        self.assert_fell_back(cfg, bus)

    def test_truncated_file_falls_back_to_last_good_copy(self):
        cfg, bus = self.corrupt_and_load(lambda text: write_text(self.path, text[:len(text) // 2]))
        self.assert_fell_back(cfg, bus)
        self.assertIn("truncated", cfg.report["errors"][0])

    def test_save_after_fallback_keeps_the_good_copy(self):
        cfg, _bus = self.corrupt_and_load(lambda text: write_text(self.path, "{"))
        cfg.update({"poll.rate": 5})
        self.assertEqual(Config(SCHEMA, self.path).get("poll.rate"), 5)
        _h, previous = store.parse(read_text(self.path + ".bak"))
        self.assertEqual(previous["poll.rate"], 3)

    def test_interrupted_save_uses_previous_copy_without_alarm(self):
        self.saved({"poll.rate": 3})
        Config(SCHEMA, self.path).update({"poll.rate": 4})
        os.remove(self.path)  # power cut between the two renames
        bus = EventBus()
        cfg = Config(SCHEMA, self.path, bus=bus)
        self.assertEqual(cfg.get("poll.rate"), 3)
        self.assertEqual(cfg.report["source"], "backup")
        self.assertFalse(cfg.report["checksum_error"])
        self.assertEqual(card_texts(bus), [])

    def test_no_good_copy_left_is_reported(self):
        write_text(self.path, "not json")
        bus = EventBus()
        cfg = Config(SCHEMA, self.path, bus=bus)
        self.assertEqual(cfg.report["source"], "defaults")
        self.assertTrue(cfg.report["checksum_error"])
        self.assertIn("factory defaults", cfg.report["errors"][-1])
        self.assertEqual(card_texts(bus), ["Parameters checksum error"])

    def test_bad_stored_values_start_from_the_default_and_are_logged(self):
        settings = {"poll.rate": 5, "net.port": 99999, "net.even": 3, "time.dst": "auto"}
        write_text(self.path, store.render(settings))
        bus = EventBus()
        cfg = Config(SCHEMA, self.path, bus=bus)
        self.assertIn("between", cfg.report["rejected"]["net.port"])
        self.assertIn("even", cfg.report["rejected"]["net.even"])
        self.assertEqual((cfg.get("net.port"), cfg.get("net.even")), (80, 0))
        self.assertEqual((cfg.get("poll.rate"), cfg.get("time.dst")), (5, "auto"))
        self.assertFalse(cfg.report["checksum_error"])
        events = [e for e in bus.recent if e["code"] == "setting.rejected"]
        self.assertEqual([e["key"] for e in events], ["net.even", "net.port"])
        self.assertEqual(events[0]["text"], "net.even stored value refused (must be even): "
                                            "default used")

    def test_settings_of_features_this_build_lacks_are_kept(self):
        write_text(self.path, store.render({"poll.rate": 5, "snmp.read_community": "ro-7"}))
        cfg = Config(SCHEMA, self.path)
        self.assertEqual(cfg.report["unknown"], ["snmp.read_community"])
        self.assertRaises(ConfigError, cfg.get, "snmp.read_community")
        cfg.update({"poll.rate": 6})
        _h, saved = store.parse(read_text(self.path))
        self.assertEqual(saved["snmp.read_community"], "ro-7")
        self.assertEqual(saved["poll.rate"], 6)

    def test_first_boot_has_no_file_and_no_error(self):
        cfg = Config(SCHEMA, self.path)
        self.assertEqual(cfg.report["source"], "defaults")
        self.assertEqual(cfg.report["errors"], [])


class EventsAndResetTest(unittest.TestCase):
    def setUp(self):
        self.dir = make_dir("config")
        self.path = self.dir + "/config.json"
        self.bus = EventBus()
        self.cfg = Config(SCHEMA, self.path, bus=self.bus, board_defaults={"net.port": 8080})

    def tearDown(self):
        remove_dir(self.dir)

    def test_change_events_name_setting_interface_and_user(self):
        seen = []
        self.cfg.subscribe(lambda keys, via, user: seen.append((keys, via, user)))
        changed = self.cfg.update({"poll.rate": 5, "net.even": 8, "time.dst": "off"},
                                  via="web", user="operator")
        self.assertEqual(changed, ["net.even", "poll.rate"])
        self.assertEqual(card_texts(self.bus),
                         ["net.even has been changed via web by operator",
                          "Polling Rate has been changed via web by operator"])
        ev = self.bus.recent[-1]
        self.assertEqual((ev["level"], ev["code"], ev["key"]), ("I", "setting.changed",
                                                                 "poll.rate"))
        self.assertEqual(seen, [(["net.even", "poll.rate"], "web", "operator")])

    def test_password_change_event_holds_no_secret(self):
        self.cfg.update({"mail.password": "topsecret"}, via="ssh", user="admin")
        self.assertEqual(card_texts(self.bus), ["User Password has been changed via ssh by admin"])
        self.assertNotIn("topsecret", json.dumps(self.bus.recent))

    def test_reset_to_factory_defaults(self):
        self.cfg.update({"poll.rate": 9, "net.port": 8081, "auth.admin_password": "x"})
        changed = self.cfg.reset(via="button", user="admin")
        self.assertEqual(changed, ["auth.admin_password", "net.port", "poll.rate"])
        self.assertEqual(self.cfg.get("poll.rate"), 2)
        self.assertEqual(self.cfg.get("net.port"), 8080)  # the board's default, not the schema's
        self.assertEqual(self.cfg.get("auth.admin_password"), "")
        self.assertEqual(Config(SCHEMA, self.path).get("poll.rate"), 2)  # saved

    def test_reset_some_keys_only(self):
        self.cfg.update({"poll.rate": 9, "auth.admin_password": "x", "list.items": ["a"]})
        changed = self.cfg.reset(("auth.admin_password", "list.items"))
        self.assertEqual(changed, ["auth.admin_password", "list.items"])
        self.assertEqual(self.cfg.get("list.items"), [])
        self.assertEqual(self.cfg.get("poll.rate"), 9)
        self.assertEqual(Config(SCHEMA, self.path).get("list.items"), [])


if __name__ == "__main__":
    unittest.main()
