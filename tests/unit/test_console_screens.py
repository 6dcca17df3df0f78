"""The console's screens: groups of settings, values as shown, everything within 79 columns."""

import unittest

from firmware.console import screens
from firmware.settings.schema import Row

PORTABLE = True

# (key, group): the manual's groups first, then the card's own features, then the rest.
GROUP_OF = (
    ("system.name", "1"), ("time.zone", "1"), ("net.address", "1"), ("ssh.port", "2"),
    ("console.serial", "2"), ("nut.enabled", "2"), ("nut.port", "2"), ("http.port", "2"),
    ("snmp.enabled", "2"), ("auth.users", "3"), ("auth.admin_password", "3"),
    ("mail.server", "4"), ("snmp.communities", "5"), ("serial.baud", "6"), ("poll.rate", "6"),
    ("log.records", "7"), ("nut.users", "8"), ("nut.max_clients", "8"),
    ("mqtt.broker", "9"), ("console.future", "9"),
)

# (row, value, shown)
SHOWN = (
    (Row("a.b", "password", ""), "", "(not set)"),
    (Row("a.b", "password", ""), "$pbkdf2-sha256$2000$00$00", "(set)"),
    (Row("a.b", "secret", "", 64), "sealed", "********"),
    (Row("a.b", "bool", True), False, "off"),
    (Row("a.b", "list", [], 8), ["x", "y"], "2 item(s)"),
    (Row("a.b", "str", "", 64), "", "(empty)"),
    (Row("a.b", "hours", 0, (-12, 14)), 5.5, "5.5"),
    (Row("a.b", "int", 0, (0, 9)), 7, "7"),
)


class ScreensTest(unittest.TestCase):
    def test_groups_of_settings(self):
        for key, number in GROUP_OF:
            self.assertEqual(screens.group_of(key), number, key)

    def test_only_groups_with_settings_are_shown_in_declaration_order(self):
        keys = ["nut.port", "nut.enabled", "system.name", "system.location", "time.zone",
                "ssh.enabled", "ssh.port", "log.records"]
        got = [(n, k) for n, _t, k in screens.groups(keys)]
        self.assertEqual(got, [("1", ["system.name", "system.location", "time.zone"]),
                               ("2", ["ssh.enabled", "ssh.port", "nut.enabled", "nut.port"]),
                               ("7", ["log.records"])])

    def test_values_as_shown(self):
        for row, value, text in SHOWN:
            self.assertEqual(screens.shown(row, value), text, row.kind)
        self.assertEqual(screens.masked_item("bob:$pbkdf2-sha256$1$2$3:read"),
                         "bob:********:read")

    def test_allowed_values_in_words(self):
        self.assertEqual(screens.allowed(Row("a.b", "int", 0, (0, 65535))), "0 to 65535")
        self.assertEqual(screens.allowed(Row("a.b", "choice", "N", ("N", "E", "O"))),
                         "N, E, O")
        self.assertEqual(screens.allowed(Row("a.b", "bool", True)), "on or off")

    def test_every_line_fits_79_columns(self):
        long = "x" * 120
        lines = screens.header(long, "03/05/2017 16:41:53", long, long, "read")
        lines += screens.wrap("word " * 50 + long, screens.WIDTH, "  ")
        lines.append(screens.item_line("10", long, long))
        lines += screens.menu(lines[:3], long, [("1", long, long)], [long], [long]).split("\n")
        row = Row("a.b", "str", "", 64, "doc " * 40, label=long)
        lines += screens.setting_details(row, long).split("\n")
        for line in lines:
            self.assertTrue(len(line) <= 79, line)
        self.assertEqual(screens.clip("abcdef", 5), "ab...")
        self.assertEqual(screens.wrap("a b c", 3), ["a b", "c"])

    def test_header_has_the_manual_date_and_time(self):
        head = screens.header("Room 12", "03/05/2017 16:41:53", "NETYS RT", "admin", "admin")
        self.assertTrue(head[0].startswith("opennmc  Room 12"))
        self.assertTrue(head[0].endswith("Date 03/05/2017  Time 16:41:53"))
        self.assertTrue(head[1].startswith("UPS Model: NETYS RT"))
        self.assertTrue(head[1].endswith("User: admin (administrator)"))
        self.assertEqual(head[2], screens.RULE)


if __name__ == "__main__":
    unittest.main()
