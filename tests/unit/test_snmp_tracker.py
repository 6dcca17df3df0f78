"""Rules over status bits, the well-known alarm tables, the tracker's alarm table, battery test
and trap edges, and the routing of notifications to receivers."""

import unittest

from firmware.snmp import rules, settings, traps, wellknown
from firmware.snmp.tracker import DONE_ERROR, DONE_PASS, IN_PROGRESS, NO_TESTS, Tracker
from firmware.state.bus import EventBus
from firmware.state.ups import UpsState


class Rules(unittest.TestCase):
    def test_holds(self):
        table = [("S04&!S07", {"S04"}, True), ("S04&!S07", {"S04", "S07"}, False),
                 ("A01|A47", {"A47"}, True), ("A01|A47", set(), False),
                 ("!S03&!S04", set(), True), ("", {"S03"}, False),
                 ("A019&S000", {"A019"}, False)]
        for rule, active, expected in table:
            with self.subTest(rule=rule, active=active):
                self.assertEqual(rules.holds(rule, active), expected)

    def test_every_table_rule_parses(self):
        for table in (wellknown.RFC1628, wellknown.NV7):
            for _name, by_mapping in table.values():
                for rule in by_mapping.values():
                    rules.parse(rule)
        self.assertEqual(sorted(wellknown.RFC1628), list(range(1, 25)))
        self.assertEqual(sorted(wellknown.NV7), list(range(1, 63)))
        self.assertEqual(sorted(wellknown.NV_TRAPS), list(range(1, 41)))

    def test_eco_mode_is_not_on_bypass(self):
        self.assertEqual(wellknown.active(wellknown.RFC1628, "jbusp", {"S04", "S07", "S03"},
                                          False), set())
        self.assertEqual(wellknown.active(wellknown.RFC1628, "vumap", {"S002", "S006", "S049"},
                                          False), set())
        self.assertIn(9, wellknown.active(wellknown.RFC1628, "vumap", {"S002", "S049"}, False))


class Tracking(unittest.TestCase):
    def setUp(self):
        self.state = UpsState()
        self.bus = EventBus()
        self.sent = []
        self.now = [1000.0]
        self.tracker = Tracker(self.state, self.bus, lambda *a: self.sent.append(a[:2]),
                               clock=lambda: self.now[0])

    def commit(self, *flags, mapping="jbusp", runtime=None):
        self.state.begin()
        self.state.set_device({"mapping": mapping})
        self.state.set("battery.runtime", runtime)
        statuses = {f: ("I", f) for f in flags if f.startswith("S")}
        alarms = {f: ("W", f) for f in flags if f.startswith("A")}
        self.state.set_flags(statuses, alarms)
        self.state.commit(now=self.now[0])

    def test_the_first_snapshot_is_the_baseline(self):
        self.commit("S00", "S02", "S03", "A00")
        self.assertEqual(self.sent, [])
        self.assertEqual(sorted(self.tracker.rfc_alarms), [18])    # general fault, listed

    def test_mains_failure_then_return(self):
        self.commit("S00", "S02", "S03")
        self.now[0] += 1
        self.commit("S03", "S05", "A05", "A00", runtime=600)
        self.assertEqual(sorted(self.tracker.rfc_alarms), [2, 6, 18])
        ids = [self.tracker.rfc_alarms[n][0] for n in (2, 6, 18)]
        self.assertEqual(ids, [1, 2, 3])
        self.assertIn(("rfc", 1), self.sent)
        self.assertIn(("nv", 15), self.sent)
        self.assertEqual([s for s in self.sent if s[0] == "rfc"].count(("rfc", 3)), 3)
        self.assertEqual(self.tracker.line_bads, 1)
        self.now[0] += 30
        self.assertEqual(self.tracker.seconds_on_battery(), 30)
        self.sent.clear()
        self.now[0] += 31
        self.tracker.tick()                       # a minute on battery: trap 1 again
        self.assertEqual(self.sent, [("rfc", 1), ("nv", 1)])
        self.sent.clear()
        self.commit("S00", "S02", "S03")
        self.assertEqual(self.tracker.rfc_alarms, {})
        self.assertEqual(self.sent.count(("rfc", 4)), 3)
        self.assertIn(("nv", 23), self.sent)      # power restored
        self.assertIn(("nv", 24), self.sent)      # general alarm gone
        self.commit("S00", "S02", "S03", "S05")   # new alarms get new ids
        self.assertEqual(self.tracker.rfc_alarms[2][0], 4)

    def test_the_rfc_on_battery_trap_waits_for_the_runtime_one_snapshot_at_most(self):
        self.commit("S00", "S02", "S03")
        self.commit("S03", "S05")               # the fast lane: new bits, no runtime yet
        self.assertIn(("nv", 1), self.sent)
        self.assertNotIn(("rfc", 1), self.sent)
        self.commit("S03", "S05", runtime=600)  # the cycle that follows
        self.assertEqual(self.sent.count(("rfc", 1)), 1)
        self.commit("S03", "S05", runtime=590)
        self.assertEqual(self.sent.count(("rfc", 1)), 1)

    def test_communication_lost_keeps_the_known_alarms(self):
        self.commit("S00", "S02", "S03", "A02")
        self.state.mark_stale()
        self.assertEqual(sorted(self.tracker.rfc_alarms), [8, 20])
        self.assertIn(58, self.tracker.nv_alarms)
        self.commit("S00", "S02", "S03")
        self.assertEqual(sorted(self.tracker.rfc_alarms), [])

    def test_card_events_send_their_traps(self):
        self.bus.publish({"source": "card", "code": "comm.lost", "text": "UPS communication lost"})
        self.assertEqual(self.sent, [("nv", 14)])

    def test_the_battery_test(self):
        self.commit("S00", "S02", "S03")
        self.assertEqual(self.tracker.test["summary"], NO_TESTS)
        self.commit("S00", "S02", "S03", "S10")
        self.assertEqual(self.tracker.test["summary"], IN_PROGRESS)
        self.commit("S00", "S02", "S03")
        self.assertEqual(self.tracker.test["summary"], DONE_PASS)
        self.assertIn(("rfc", 2), self.sent)
        self.commit("S00", "S02", "S03", "S10")
        self.commit("S00", "S02", "S03", "S14")
        self.assertEqual(self.tracker.test["summary"], DONE_ERROR)


class Routing(unittest.TestCase):
    def receiver(self, item):
        return settings.parse_receiver(item)

    def test_routes(self):
        nv_info = self.receiver("192.0.2.1/netvision/v2c/public")
        nv_crit = self.receiver("192.0.2.1/netvision/v2c/public/critical")
        chosen = self.receiver("192.0.2.1/netvision/v1/public/events=3+15")
        rfc = self.receiver("192.0.2.1:1162/rfc1628/v1/public")
        off = self.receiver("192.0.2.1/none/v1/public")
        table = [
            (nv_info, "nv", 15, False, True), (nv_info, "nv", 3, True, False),
            (nv_info, "rfc", 1, False, False), (nv_crit, "nv", 15, False, False),
            (nv_crit, "nv", 1, False, True), (nv_crit, "sts", 1, False, True),
            (nv_crit, "sts", 4, False, False), (chosen, "nv", 3, True, True),
            (chosen, "nv", 1, False, False), (rfc, "rfc", 3, True, True),
            (rfc, "nv", 1, False, False), (rfc, "nv", 40, False, True),
            (off, "nv", 40, False, False), (nv_crit, "nv", 40, False, True),
        ]
        for r, kind, number, trap_filter, expected in table:
            with self.subTest(r=r.filter_value, kind=kind, number=number):
                self.assertEqual(traps.route(r, kind, number, trap_filter), expected)

    def test_v1_conversion(self):
        self.assertEqual(traps.v1_fields((1, 3, 6, 1, 2, 1, 33, 2, 3)),
                         ((1, 3, 6, 1, 2, 1, 33, 2), 6, 3))
        self.assertEqual(traps.v1_fields((1, 3, 6, 1, 4, 1, 9, 0, 5)), ((1, 3, 6, 1, 4, 1, 9),
                                                                        6, 5))


class Settings(unittest.TestCase):
    def test_receivers(self):
        r = settings.parse_receiver("[2001:db8::1]:1162/NetVision/V3/ops/events=1+40")
        self.assertEqual((r.host, r.port, r.kind, r.version, r.community, r.filter_value),
                         ("2001:db8::1", 1162, "netvision", "v3", "ops", {1, 40}))
        for bad in ("192.0.2.1/netvision/v2c", "192.0.2.1/snmp/v2c/public",
                    "192.0.2.1/netvision/v4/public", "192.0.2.1:99999/rfc1628/v1/public",
                    "192.0.2.1/netvision/v2c/public/events=41",
                    "192.0.2.1/netvision/v2c/pub$lic", "192.0.2.1/netvision/v2c/public/loud"):
            with self.subTest(bad):
                with self.assertRaises(ValueError):
                    settings.parse_receiver(bad)

    def test_users(self):
        u = settings.parse_user("ops:write:authPriv:sha:ops-auth-1:aes:ops-priv-1")
        self.assertEqual((u.name, u.access, u.level, u.auth, u.priv),
                         ("ops", "write", "authPriv", "SHA", "AES"))
        self.assertIsNone(settings.parse_user(""))
        for bad in ("ops:write", "ops:admin:noAuthNoPriv", "ops:read:authNoPriv:MD5",
                    "ops:read:authNoPriv:MD5:short", "ops:read:authPriv:SHA:long-enough:RC4:x",
                    "ops:read:noAuthNoPriv:extra", "o(ps:read:noAuthNoPriv"):
            with self.subTest(bad):
                with self.assertRaises(ValueError):
                    settings.parse_user(bad)

    def test_versions_and_communities(self):
        self.assertEqual(settings.check_versions(["v3", "v1", "v3"]), ["v1", "v3"])
        with self.assertRaises(ValueError):
            settings.check_versions(["v2"])
        with self.assertRaises(ValueError):
            settings.check_community("pub/lic")


if __name__ == "__main__":
    unittest.main()
