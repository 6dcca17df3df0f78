"""The card's settings as its features declare them (firmware/card/features.py): one schema."""

import unittest

from firmware.card import features
from firmware.settings.config import Config
from firmware.settings.schema import ConfigError

PORTABLE = True
SCHEMA = features.schema()

# The manual's defaults (15.1, 15.2) and those of the NUT server.
MANUAL_DEFAULTS = (
    ("poll.rate", 2), ("log.history_interval", 60), ("log.extended_interval", 60),
    ("log.records", 2048), ("serial.timeout_ms", 0), ("serial.baud", "auto"),
    ("system.name", "opennmc"), ("system.contact", ""), ("system.location", ""),
    ("time.zone", 0), ("time.dst", "off"), ("time.ntp_period", "off"), ("time.nts", False),
    ("time.sync_ups", False), ("auth.admin_password", ""), ("auth.users", []),
    ("nut.port", 3493), ("nut.enabled", True),
)

# (assignment, field named in the error) that must be refused at --set, restore, socket and boot.
REFUSED = (
    ("poll.rate=-1", "poll.rate"), ("poll.rate=3601", "poll.rate"), ("poll.rate=fast", "poll.rate"),
    ("serial.baud=4800", "serial.baud"), ("time.dst=maybe", "time.dst"),
    ("time.zone=15", "time.zone"), ("time.zone=5.2", "time.zone"), ("time.zone=x", "time.zone"),
    ("time.ntp_period=year", "time.ntp_period"),
    ("time.ntp_server=pool.ntp.org:99999", "time.ntp_server"),
    ("time.ntp_server=a/b%c", "time.ntp_server"), ("time.ntp_server=[::1", "time.ntp_server"),
    ("poll.commands=garbage", "poll.commands"),
    ("poll.commands=test.battery.start=0x1500:70000", "poll.commands"),
    ("nut.bind=not a host", "nut.bind"), ("nut.port=65536", "nut.port"),
    ("nut.users=bob:pw", "nut.users"), ("nut.users=a:pw:primary,a:pw2:secondary", "nut.users"),
    ("system.name=" + "x" * 65, "system.name"), ("nut.enabled=maybe", "nut.enabled"),
    ("auth.users=bob:pw:admin", "auth.users"), ("auth.users=bob", "auth.users"),
    ("auth.users=a:pw1:read,a:pw2:write", "auth.users"),
    ("auth.users=" + ",".join("u%d:pw:read" % i for i in range(9)), "auth.users"),
    ("smtp.server=mail.example.com", "smtp.server"),   # no e-mail feature in this build
)

ACCEPTED = (
    ("poll.rate=0", 0), ("time.zone=-3:30", -3.5), ("serial.baud=57600", "57600"),
    ("time.ntp_server=pool.ntp.org:123", "pool.ntp.org:123"),
    ("time.ntp_server=[2001:db8::1]:4123", "[2001:db8::1]:4123"), ("time.ntp_server=", ""),
    ("poll.commands=test.battery.start=0x1500:1", ["test.battery.start=0x1500:1"]),
    ("nut.bind=127.0.0.1", "127.0.0.1"),
)


class CardSettingsTest(unittest.TestCase):
    def test_manual_defaults(self):
        cfg = Config(SCHEMA)
        for key, value in MANUAL_DEFAULTS:
            self.assertEqual(cfg.get(key), value, key)

    def test_every_setting_has_a_name_for_people(self):
        # Screens and events ("<label> has been changed ...") show the label, never a raw key.
        raw = [key for key, row in SCHEMA.rows.items() if row.label == key]
        self.assertEqual(raw, [])

    def test_every_default_passes_its_own_check(self):
        for key in SCHEMA.keys():
            row = SCHEMA.row(key)
            self.assertEqual(SCHEMA.check(key, row.default), row.default, key)

    def test_refused_with_the_field_named(self):
        for text, field in REFUSED:
            with self.assertRaises(ConfigError, msg=text) as ctx:
                SCHEMA.parse_assignment(text)
            self.assertEqual(ctx.exception.field, field, text)

    def test_accepted_values_are_typed(self):
        for text, value in ACCEPTED:
            self.assertEqual(SCHEMA.parse_assignment(text)[1], value, text)

    def test_labels_come_from_the_manual(self):
        self.assertEqual(SCHEMA.label("poll.rate"), "Polling Rate")
        self.assertEqual(SCHEMA.label("time.ntp_server"), "NTP Server")

    def test_each_feature_owns_its_own_sections(self):
        owner = {}
        for cls in features.FEATURES:
            for row in cls.SETTINGS:
                section = row.key.split(".")[0]
                self.assertEqual(owner.setdefault(section, cls.name), cls.name, row.key)


if __name__ == "__main__":
    unittest.main()
