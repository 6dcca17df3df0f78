"""Unit tests for firmware/settings/config.py: defaults, bounds, files, checksum fallback, resets."""

import json
import unittest

try:
    import os
except ImportError:  # pragma: no cover - MicroPython
    import uos as os  # type: ignore

from firmware.settings import config, store as config_store
from firmware.accounts import passwords
from firmware.settings.config import SCHEMA, SIM_BOARD_DEFAULTS, Config, ConfigError, parse_assignment
from firmware.state.bus import EventBus
from tmpdirs import make_dir, remove_dir

PORTABLE = True


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode()


def write_text(path, text):
    with open(path, "wb") as f:
        f.write(text.encode())


def card_texts(bus):
    return [e["text"] for e in bus.recent if e["source"] == "card"]


# The manual's defaults (15.2, 15.3, 15.1) and the ones the brief of each service fixes.
MANUAL_DEFAULTS = (
    ("poll.rate", 2), ("log.history_interval", 60), ("log.extended_interval", 60),
    ("log.records", 2048), ("auth.login_timeout", 300), ("auth.password_validity", 90),
    ("serial.timeout_ms", 0), ("serial.baud", "auto"), ("system.temperature_unit", "C"),
    ("snmp.read_community", "public"), ("snmp.write_community", "private"),
    ("http.port", 80), ("https.port", 443), ("ssh.port", 22), ("snmp.port", 161),
    ("smtp.port", 25), ("modbus.port", 502), ("bacnet.port", 47808), ("nut.port", 3493),
    ("radius.port", 1812), ("radius.timeout", 1), ("radius.retries", 3),
    ("http.enabled", True), ("modbus.enabled", False), ("bacnet.enabled", False),
    ("syslog.enabled", False), ("system.name", "opennmc"), ("system.contact", ""),
    ("system.location", ""), ("system.data_unit", 0), ("snmp.trap_filter", False),
    ("network.dhcp", True), ("network.ip", "192.168.7.18"), ("smtp.daily_report", "00:00"),
    ("time.zone", 0), ("time.dst", "off"), ("time.ntp_period", "off"), ("time.nts", False),
    ("time.sync_ups", False), ("auth.admin_password", ""), ("auth.users", []),
)

# (assignment, field named in the error) that must be refused.
REFUSED = (
    ("poll.rate=-1", "poll.rate"), ("poll.rate=3601", "poll.rate"), ("poll.rate=fast", "poll.rate"),
    ("auth.password_validity=721", "auth.password_validity"),
    ("auth.password_validity=0", "auth.password_validity"),
    ("system.data_unit=13", "system.data_unit"), ("serial.baud=4800", "serial.baud"),
    ("system.temperature_unit=K", "system.temperature_unit"), ("time.dst=maybe", "time.dst"),
    ("time.zone=15", "time.zone"), ("time.zone=5.2", "time.zone"), ("time.zone=x", "time.zone"),
    ("time.ntp_period=year", "time.ntp_period"), ("http.port=65536", "http.port"),
    ("network.ip=192.168.1.256", "network.ip"), ("network.ip=", "network.ip"),
    ("network.gateway=10.0.0", "network.gateway"), ("smtp.sender=nobody", "smtp.sender"),
    ("smtp.daily_report=24:00", "smtp.daily_report"), ("smtp.server=bad host", "smtp.server"),
    ("system.name=" + "x" * 65, "system.name"), ("http.enabled=maybe", "http.enabled"),
    ("auth.users=bob:pw:admin", "auth.users"), ("auth.users=bob", "auth.users"),
    ("auth.users=a:pw1:read,a:pw2:write", "auth.users"),
    ("auth.users=" + ",".join("u%d:pw:read" % i for i in range(9)), "auth.users"),
    ("smtp.recipients=ops@example.com:weekly", "smtp.recipients"),
    ("wol.targets=00:11:22:33:44", "wol.targets"), ("firewall.rules=10.0.0.0/33:accept",
                                                    "firewall.rules"),
    ("firewall.rules=10.0.0.0/8:drop", "firewall.rules"),
    ("snmp.usm.1.auth_password=short", "snmp.usm.1.auth_password"),
    ("snmp.trap.3.events=40", "snmp.trap.3.events"), ("no.such=1", "no.such"),
)

# (assignment, typed value) accepted.
ACCEPTED = (
    ("poll.rate=0", 2 - 2), ("poll.rate= 0x10 ", 16), ("time.zone=-3:30", -3.5),
    ("time.zone=+5.75", 5.75), ("time.zone=14", 14), ("time.zone=-12", -12),
    ("http.enabled=off", False), ("serial.baud=57600", "57600"),
    ("network.gateway=", ""), ("smtp.server=mail.example.com", "mail.example.com"),
    ("smtp.recipients=ops@example.com:both:critical", ["ops@example.com:both:critical"]),
    ("smtp.recipients=ops@example.com", ["ops@example.com:events:information"]),
    ("wol.targets=00-11-22-AA-bb-cc", ["00:11:22:aa:bb:cc;on"]),
    ("firewall.rules=10.0.0.0/8:ACCEPT,0.0.0.0/0:reject",
     ["10.0.0.0/8:accept", "0.0.0.0/0:reject"]),
    ("radius.users=alice:write", ["alice:write"]), ("snmp.trap.2.events=1,03", ["1", "3"]),
)


class DefaultsTest(unittest.TestCase):
    def test_manual_defaults(self):
        cfg = Config()
        for key, value in MANUAL_DEFAULTS:
            self.assertEqual(cfg.get(key), value, key)

    def test_every_row_default_passes_its_own_validation(self):
        for key, row in SCHEMA.items():
            self.assertEqual(len(row), 4, key)
            self.assertEqual(config.validate(key, row[1]), row[1], key)

    def test_eight_usm_users_and_trap_receivers(self):
        cfg = Config()
        self.assertEqual(cfg.get("snmp.usm.8.level"), "noAuthNoPriv")
        self.assertEqual(cfg.get("snmp.trap.8.community"), "public")
        self.assertRaises(ConfigError, cfg.get, "snmp.usm.9.name")

    def test_board_defaults_override_without_touching_schema(self):
        cfg = Config(board_defaults=SIM_BOARD_DEFAULTS)
        self.assertEqual(cfg.get("http.port"), 8080)
        self.assertEqual(cfg.get("snmp.port"), 1161)
        self.assertEqual(cfg.default("modbus.port"), 5020)
        self.assertEqual(SCHEMA["http.port"][1], 80)
        self.assertEqual(Config().get("http.port"), 80)

    def test_bad_board_default_is_refused(self):
        with self.assertRaises(ConfigError) as ctx:
            Config(board_defaults={"http.port": 70000})
        self.assertEqual(ctx.exception.field, "http.port")

    def test_labels_come_from_the_manual(self):
        self.assertEqual(config.label("poll.rate"), "Polling Rate")
        self.assertEqual(config.label("snmp.read_community"), "SNMP read Community")
        self.assertEqual(config.label("nut.max_clients"), "nut.max_clients")


class ValidationTest(unittest.TestCase):
    def test_refused_with_the_field_named(self):
        for text, field in REFUSED:
            with self.assertRaises(ConfigError, msg=text) as ctx:
                parse_assignment(text)
            self.assertEqual(ctx.exception.field, field, text)
            self.assertTrue(str(ctx.exception).startswith(field + ": "), text)

    def test_accepted_values_are_typed(self):
        for text, value in ACCEPTED:
            self.assertEqual(parse_assignment(text)[1], value, text)

    def test_update_is_all_or_nothing(self):
        bus = EventBus()
        cfg = Config(bus=bus)
        with self.assertRaises(ConfigError) as ctx:
            cfg.update({"poll.rate": 5, "log.records": 10}, via="web", user="admin")
        self.assertEqual(ctx.exception.field, "log.records")
        self.assertEqual(cfg.get("poll.rate"), 2)
        self.assertEqual(card_texts(bus), [])

    def test_check_lists_every_bad_field(self):
        good, bad = Config().check({"poll.rate": 1, "time.dst": "x", "http.port": -1, "x.y": 1})
        self.assertEqual(good, {"poll.rate": 1})
        self.assertEqual(sorted(bad), ["http.port", "time.dst", "x.y"])
        self.assertIn("off, on, auto", bad["time.dst"])


class PasswordTest(unittest.TestCase):
    def test_passwords_are_stored_hashed_and_verified(self):
        cfg = Config()
        cfg.update({"auth.admin_password": "s3cret!", "auth.users": ["bob:pw-bob:read",
                                                                     "eve:pw-eve:disabled"]})
        stored = cfg.get("auth.admin_password")
        self.assertTrue(stored.startswith(passwords.HASH_PREFIX))
        self.assertNotIn("s3cret", stored)
        self.assertNotIn("pw-bob", " ".join(cfg.get("auth.users")))
        self.assertTrue(cfg.check_password("auth.admin_password", "s3cret!"))
        self.assertFalse(cfg.check_password("auth.admin_password", "s3cret"))
        self.assertEqual(cfg.user_access("admin", "s3cret!"), "write")
        self.assertEqual(cfg.user_access("bob", "pw-bob"), "read")
        self.assertIsNone(cfg.user_access("bob", "pw-eve"))
        self.assertIsNone(cfg.user_access("eve", "pw-eve"))
        self.assertIsNone(cfg.user_access("nobody", "x"))

    def test_a_hash_is_kept_not_hashed_again(self):
        cfg = Config()
        cfg.update({"auth.admin_password": "abc"})
        stored = cfg.get("auth.admin_password")
        self.assertEqual(cfg.update({"auth.admin_password": stored}), [])
        self.assertEqual(cfg.get("auth.admin_password"), stored)

    def test_damaged_hash_is_refused(self):
        with self.assertRaises(ConfigError):
            parse_assignment("auth.admin_password=$pbkdf2-sha256$2000$zz$00")

    def test_public_view_masks_every_secret(self):
        cfg = Config()
        cfg.update({"auth.admin_password": "adminpw", "smtp.password": "mailpw",
                    "auth.users": ["bob:bobpw:write"]})
        text = json.dumps(cfg.public_dict())
        for secret in ("adminpw", "mailpw", "bobpw", "pbkdf2", "public", "private"):
            self.assertNotIn(secret, text)
        self.assertEqual(cfg.public_dict()["auth.users"], ["bob:********:write"])


class StorageTest(unittest.TestCase):
    def setUp(self):
        self.dir = make_dir("config")
        self.path = self.dir + "/config.json"

    def tearDown(self):
        remove_dir(self.dir)

    def saved(self, changes, board=None):
        cfg = Config(self.path, board_defaults=board)
        cfg.update(changes)
        cfg.save()
        return cfg

    def test_save_and_load_round_trip(self):
        self.saved({"poll.rate": 7, "time.zone": 5.5, "auth.users": ["bob:pw:read"],
                    "system.location": "Salle \u00e9lectrique \"B\""})
        cfg = Config(self.path)
        self.assertEqual(cfg.get("poll.rate"), 7)
        self.assertEqual(cfg.get("time.zone"), 5.5)
        self.assertEqual(cfg.get("system.location"), "Salle \u00e9lectrique \"B\"")
        self.assertEqual(cfg.user_access("bob", "pw"), "read")
        self.assertEqual(cfg.report["source"], "file")
        self.assertFalse(cfg.report["checksum_error"])

    def test_file_is_standard_json_with_header_and_checksum(self):
        self.saved({"poll.rate": 3})
        doc = json.loads(read_text(self.path))
        self.assertEqual(doc["product"], "opennmc")
        self.assertEqual(doc["format"], 1)
        self.assertEqual(doc["checksum"], config_store.checksum(doc["settings"]))
        self.assertEqual(sorted(doc["settings"]), sorted(SCHEMA))

    def test_previous_good_copy_is_kept(self):
        self.saved({"poll.rate": 3})
        self.assertFalse(config_store.exists(self.path + ".bak"))
        cfg = Config(self.path)
        cfg.update({"poll.rate": 4})
        cfg.save()
        _h, previous = config_store.parse(read_text(self.path + ".bak"))
        self.assertEqual(previous["poll.rate"], 3)
        self.assertFalse(config_store.exists(self.path + ".tmp"))

    def test_secrets_are_sealed_at_rest(self):
        self.saved({"smtp.password": "mail-pass-42", "snmp.read_community": "ro-comm-77",
                    "auth.admin_password": "admin-pass-9"})
        text = read_text(self.path)
        for secret in ("mail-pass-42", "ro-comm-77", "admin-pass-9"):
            self.assertNotIn(secret, text)
        cfg = Config(self.path)
        self.assertEqual(cfg.get("smtp.password"), "mail-pass-42")
        self.assertEqual(cfg.get("snmp.read_community"), "ro-comm-77")

    def test_secret_without_the_card_key_is_rejected_not_guessed(self):
        self.saved({"smtp.password": "mail-pass-42"})
        os.remove(self.path + config.KEY_SUFFIX)
        cfg = Config(self.path)
        self.assertEqual(cfg.get("smtp.password"), "")
        self.assertIn("smtp.password", cfg.report["rejected"])

    def corrupt_and_load(self, damage):
        self.saved({"poll.rate": 3})
        cfg = Config(self.path)
        cfg.update({"poll.rate": 4})
        cfg.save()
        damage(read_text(self.path))
        bus = EventBus()
        cfg = Config(self.path, bus=bus)
        return cfg, bus

    def assert_fell_back(self, cfg, bus):
        self.assertEqual(cfg.get("poll.rate"), 3)
        self.assertEqual(cfg.report["source"], "backup")
        self.assertTrue(cfg.report["checksum_error"])
        self.assertTrue(cfg.report["errors"])
        self.assertEqual(card_texts(bus), ["Parameters checksum error"])
        self.assertEqual(bus.recent[-1]["code"], config.CHECKSUM_ERROR)

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
        cfg.save()
        self.assertEqual(Config(self.path).get("poll.rate"), 5)
        _h, previous = config_store.parse(read_text(self.path + ".bak"))
        self.assertEqual(previous["poll.rate"], 3)

    def test_interrupted_save_uses_previous_copy_without_alarm(self):
        self.saved({"poll.rate": 3})
        cfg = Config(self.path)
        cfg.update({"poll.rate": 4})
        cfg.save()
        os.remove(self.path)  # power cut between the two renames
        bus = EventBus()
        cfg = Config(self.path, bus=bus)
        self.assertEqual(cfg.get("poll.rate"), 3)
        self.assertEqual(cfg.report["source"], "backup")
        self.assertFalse(cfg.report["checksum_error"])
        self.assertEqual(card_texts(bus), [])

    def test_no_good_copy_left_is_reported(self):
        write_text(self.path, "not json")
        bus = EventBus()
        cfg = Config(self.path, bus=bus)
        self.assertEqual(cfg.report["source"], "defaults")
        self.assertTrue(cfg.report["checksum_error"])
        self.assertIn("factory defaults", cfg.report["errors"][-1])
        self.assertEqual(card_texts(bus), ["Parameters checksum error"])

    def test_unknown_keys_and_bad_values_are_reported(self):
        settings = {"poll.rate": 5, "old.setting": 1, "http.port": 99999, "time.dst": "auto"}
        write_text(self.path, config_store.render(settings))
        cfg = Config(self.path)
        self.assertEqual(cfg.report["unknown"], ["old.setting"])
        self.assertIn("between", cfg.report["rejected"]["http.port"])
        self.assertEqual(cfg.get("http.port"), 80)
        self.assertEqual(cfg.get("poll.rate"), 5)
        self.assertEqual(cfg.get("time.dst"), "auto")
        self.assertFalse(cfg.report["checksum_error"])

    def test_first_boot_has_no_file_and_no_error(self):
        cfg = Config(self.path)
        self.assertEqual(cfg.report["source"], "defaults")
        self.assertEqual(cfg.report["errors"], [])


class EventsAndResetTest(unittest.TestCase):
    def setUp(self):
        self.dir = make_dir("config")
        self.path = self.dir + "/config.json"
        self.bus = EventBus()
        self.cfg = Config(self.path, bus=self.bus, board_defaults=SIM_BOARD_DEFAULTS)

    def tearDown(self):
        remove_dir(self.dir)

    def test_change_events_name_setting_interface_and_user(self):
        seen = []
        self.cfg.subscribe(lambda keys, via, user: seen.append((keys, via, user)))
        changed = self.cfg.update({"poll.rate": 5, "nut.max_clients": 8, "system.name": "opennmc"},
                                  via="web", user="operator")
        self.assertEqual(changed, ["nut.max_clients", "poll.rate"])
        self.assertEqual(card_texts(self.bus),
                         ["nut.max_clients has been changed via web by operator",
                          "Polling Rate has been changed via web by operator"])
        ev = self.bus.recent[-1]
        self.assertEqual((ev["level"], ev["code"], ev["key"]), ("I", config.CHANGED, "poll.rate"))
        self.assertEqual(seen, [(["nut.max_clients", "poll.rate"], "web", "operator")])

    def test_password_change_event_holds_no_secret(self):
        self.cfg.update({"smtp.password": "topsecret"}, via="ssh", user="admin")
        self.assertEqual(card_texts(self.bus), ["User Password has been changed via ssh by admin"])
        self.assertNotIn("topsecret", json.dumps(self.bus.recent))

    def test_reset_to_factory_defaults(self):
        self.cfg.update({"poll.rate": 9, "http.port": 8081, "auth.admin_password": "x"})
        self.cfg.save()
        self.cfg.reset_factory(via="button", user="admin")
        self.assertEqual(self.cfg.get("poll.rate"), 2)
        self.assertEqual(self.cfg.get("http.port"), 8080)  # the board's default, not the schema's
        self.assertEqual(self.cfg.get("auth.admin_password"), "")
        self.assertEqual(card_texts(self.bus)[-1],
                         "NET VISION UPS Agent Parameters reset to default")
        self.assertEqual(Config(self.path).get("poll.rate"), 2)  # saved

    def test_reset_accounts_only(self):
        self.cfg.update({"poll.rate": 9, "auth.admin_password": "x", "auth.users": ["a:b:read"]})
        changed = self.cfg.reset_accounts(via="ssh", user="admin")
        self.assertEqual(changed, ["auth.admin_password", "auth.users"])
        self.assertEqual(self.cfg.get("auth.users"), [])
        self.assertEqual(self.cfg.get("auth.admin_password"), "")
        self.assertEqual(self.cfg.get("poll.rate"), 9)
        self.assertEqual(card_texts(self.bus)[-1],
                         "Accounts and passwords reset to default via ssh by admin")
        self.assertEqual(Config(self.path).get("auth.users"), [])

    def test_reset_accounts_restores_the_board_password(self):
        cfg = Config(self.path, board_defaults={"auth.admin_password": "a1b2c3"})
        self.assertTrue(cfg.check_password("auth.admin_password", "a1b2c3"))
        cfg.update({"auth.admin_password": "changed"})
        cfg.reset_accounts()
        self.assertTrue(cfg.check_password("auth.admin_password", "a1b2c3"))


if __name__ == "__main__":
    unittest.main()
