"""Tests for firmware/ups/commands.py: override parsing, tables, event wording, setting checks."""

import unittest

from firmware.ups import commands
from firmware.ups.commands import CommandError, command_table, parse_override, parse_overrides
from firmware.card import features
from firmware.settings.config import Config
from firmware.settings.schema import ConfigError

PORTABLE = True

GOOD = (
    ("test.battery.start=0x1500:1", ("test.battery.start", (0x1500, 1))),
    ("bypass.start = 5376 : 0x10", ("bypass.start", (5376, 16))),
    ("beeper.mute=0:65535", ("beeper.mute", (0, 0xFFFF))),
)

BAD = (
    ("test.battery.start", "expected nut.command=ADDRESS:VALUE"),
    ("test.battery.start=0x1500", "expected nut.command=ADDRESS:VALUE"),
    ("=0x1500:1", "not a NUT command name"),
    ("battery=0x1500:1", "not a NUT command name"),
    ("test.battery.start=zz:1", "address 'zz' is not a number"),
    ("test.battery.start=0x1500:70000", "value 70000 is outside 0..65535"),
    ("test.battery.start=-1:1", "address -1 is outside 0..65535"),
)


class Overrides(unittest.TestCase):
    def test_good_rows(self):
        for text, expected in GOOD:
            self.assertEqual(parse_override(text), expected)

    def test_bad_rows_say_why(self):
        for text, why in BAD:
            with self.assertRaises(CommandError) as ctx:
                parse_override(text)
            self.assertIn(why, str(ctx.exception))

    def test_overrides_replace_and_add_rows(self):
        base = {"bypass.start": (0x1500, 0x10), "beeper.mute": (0x1500, 0x30)}
        table = command_table(base, parse_overrides(["bypass.start=0x2000:7", "load.on=0x2001:1"]))
        self.assertEqual(table, {"bypass.start": (0x2000, 7), "beeper.mute": (0x1500, 0x30),
                                 "load.on": (0x2001, 1)})
        self.assertEqual(base["bypass.start"], (0x1500, 0x10))

    def test_event_text_follows_the_manual(self):
        self.assertEqual(commands.event_text("bypass.start"), "Transfer Load to Bypass")
        self.assertEqual(commands.event_text("beeper.mute"), "Alarm Acknowledgement")
        self.assertEqual(commands.event_text("experimental.ecomode.enable"), "Enable eco mode")
        self.assertEqual(commands.event_text("custom.thing"), "Control sent: custom.thing")


class Setting(unittest.TestCase):
    def test_bad_row_refused_and_nothing_changed(self):
        cfg = Config(features.schema())
        cfg.update({"poll.commands": ["bypass.start=0x2000:7"]})
        with self.assertRaises(ConfigError) as ctx:
            cfg.update({"poll.commands": ["bypass.start=0x2000:7", "load.on=oops"]})
        self.assertEqual(ctx.exception.field, "poll.commands")
        self.assertEqual(cfg.get("poll.commands"), ["bypass.start=0x2000:7"])


if __name__ == "__main__":
    unittest.main()
