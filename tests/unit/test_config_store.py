"""Unit tests for firmware/settings/store.py: canonical JSON, checksum, file parsing."""

import json
import unittest

from firmware.settings import store as config_store

PORTABLE = True

# (value, canonical text): sorted keys, no spaces, non-ASCII kept, control characters escaped.
CANONICAL = (
    ({"b": 1, "a": True}, '{"a":true,"b":1}'),
    ([None, False, -3, 5.5, 0.25], "[null,false,-3,5.5,0.25]"),
    ("Salle \u00e9lectrique", '"Salle \u00e9lectrique"'),
    ('q"b\\s', '"q\\"b\\\\s"'),
    ("tab\tnl\n", '"tab\\u0009nl\\u000a"'),
    ({"k": ["x", {"z": 0, "y": ""}]}, '{"k":["x",{"y":"","z":0}]}'),
)

# (settings, checksum): CRC-32 of the canonical text, computed independently with gzip's trailer:
#   printf '{"a":1,"b":"x"}' | gzip -c | tail -c8 | head -c4 | od -An -tx4
CHECKSUMS = (
    ({"b": "x", "a": 1}, "crc32:f27f2754"),
)


class CanonicalTest(unittest.TestCase):
    def test_known_texts(self):
        for value, text in CANONICAL:
            self.assertEqual(config_store.canonical(value), text)
            self.assertEqual(json.loads(text), value)

    def test_known_checksums(self):
        for settings, want in CHECKSUMS:
            self.assertEqual(config_store.checksum(settings), want)

    def test_unstorable_value_is_refused(self):
        self.assertRaises(TypeError, config_store.canonical, {"a": object()})


class ParseTest(unittest.TestCase):
    def test_render_then_parse(self):
        settings = {"poll.rate": 2, "system.name": "ups \u00e9 \"1\""}
        text = config_store.render(settings, {"kind": "backup"})
        header, back = config_store.parse(text)
        self.assertEqual(back, settings)
        self.assertEqual(header["kind"], "backup")
        self.assertEqual(header["product"], "opennmc")

    def test_every_damage_is_named(self):
        good = config_store.render({"poll.rate": 2})
        cases = (
            (good.replace(":2", ":3"), "checksum"),
            (good[:-5], "JSON"),
            ("[1, 2]", "settings"),
            (good.replace('"opennmc"', '"other"'), "product"),
            (good.replace('"format":1', '"format":2'), "format"),
        )
        for text, word in cases:
            with self.assertRaises(ValueError) as ctx:
                config_store.parse(text)
            self.assertIn(word, str(ctx.exception), text)


if __name__ == "__main__":
    unittest.main()
