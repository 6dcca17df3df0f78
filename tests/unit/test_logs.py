"""Unit tests for firmware/logs/logs.py: the five logs, queries, CSV, clear/schema/interval events."""

import unittest

from firmware.logs import logs as logs_mod
from firmware.logs import ringlog
from firmware.state.bus import EventBus, make_event
from firmware.clock.calendar import format_time, parts
from firmware.logs.logs import Logs
from tmpdirs import make_dir, remove_dir

PORTABLE = True

T0 = 1763700000  # 21/11/2025 04:40:00 UTC

THREE_PHASE = {
    "input.voltage": 231.0, "input.L1-N.voltage": 231.0, "input.L2-N.voltage": 229.5,
    "input.L3-N.voltage": 230.2, "output.voltage": 230.0, "output.L1-N.voltage": 230.0,
    "output.L2-N.voltage": 230.1, "output.L3-N.voltage": 229.9, "input.frequency": 49.98,
    "output.L1.power.percent": 41, "output.L2.power.percent": 37, "output.L3.power.percent": 44,
    "ups.load": 44, "battery.charge": 100, "ups.temperature": 24.5,
}
SINGLE_PHASE = {"input.voltage": 228, "output.voltage": 230, "input.frequency": 50.0,
                "ups.load": 12, "battery.charge": 87}


def parse_csv(lines):
    """Rows of CSV text: the csv module where it exists, else a tiny RFC 4180 reader."""
    text = "".join(lines)
    try:
        import csv
        import io
        return list(csv.reader(io.StringIO(text, newline="")))
    except ImportError:  # pragma: no cover - MicroPython
        rows = []
        for line in text.split("\r\n")[:-1]:
            row, cell, quoted, i = [], "", False, 0
            while i < len(line):
                c = line[i]
                if quoted and c == '"' and line[i + 1:i + 2] == '"':
                    cell += '"'
                    i += 1
                elif c == '"':
                    quoted = not quoted
                elif c == "," and not quoted:
                    row.append(cell)
                    cell = ""
                else:
                    cell += c
                i += 1
            rows.append(row + [cell])
        return rows


class LogsTest(unittest.TestCase):
    def setUp(self):
        self.dir = make_dir("logs")
        self.bus = EventBus()
        self.logs = Logs(self.dir, self.bus)

    def tearDown(self):
        self.logs.close()
        remove_dir(self.dir)

    def card_texts(self):
        return [e["text"] for e in self.bus.recent if e["source"] == "card"]

    def test_civil_dates(self):
        self.assertEqual(parts(0)[:6], (1970, 1, 1, 0, 0, 0))
        self.assertEqual(parts(951782400)[:6], (2000, 2, 29, 0, 0, 0))
        self.assertEqual(parts(1709251199)[:6], (2024, 2, 29, 23, 59, 59))
        self.assertEqual(parts(4102444799)[:6], (2099, 12, 31, 23, 59, 59))
        self.assertEqual(format_time(T0), "21/11/2025 04:40:00")
        self.assertEqual(format_time(T0 - 5 * 3600), "20/11/2025 23:40:00")

    def test_history_three_phase_round_trip(self):
        self.logs.record_history(THREE_PHASE, "jbusp", T0)
        rec = self.logs.query("history")["records"][0]
        self.assertEqual(rec["time"], T0)
        self.assertEqual(rec["input.L2-N.voltage"], 229.5)
        self.assertEqual(rec["input.frequency"], 49.98)
        self.assertEqual(rec["output.L3.power.percent"], 44)
        self.assertEqual(rec["ups.temperature"], 24.5)
        self.assertIsNone(rec["ambient.temperature"])

    def test_history_single_phase_not_managed_is_none(self):
        self.logs.record_history(SINGLE_PHASE, "jbusp", T0)
        rec = self.logs.query("history")["records"][0]
        self.assertEqual(rec["input.L1-N.voltage"], 228)      # from input.voltage
        self.assertEqual(rec["output.L1.power.percent"], 12)  # from ups.load
        self.assertIsNone(rec["input.L2-N.voltage"])
        self.assertIsNone(rec["ups.temperature"])
        raw = self.logs.log("history").read(1)[2]
        self.assertEqual(raw[1], logs_mod.NOT_MANAGED)

    def test_sts_history_goes_to_its_own_log(self):
        self.logs.record_history({"input.1.voltage": 400, "output.frequency": 50.01}, "sts", T0)
        self.assertEqual(len(self.logs.log("history")), 0)
        rec = self.logs.query("sts_history")["records"][0]
        self.assertEqual(rec["input.1.L1-N.voltage"], 400)
        self.assertEqual(rec["output.frequency"], 50.01)

    def test_event_logs_subscribe_by_source(self):
        self.bus.publish(make_event("ups", "W", "S05", "Operating on Battery", "added", now=T0))
        self.bus.publish(make_event("sts", "C", "A00", "STS Imminent Stop", "added", now=T0 + 1))
        self.bus.publish(make_event("ups", "C", "A01", "General Alarm", "added", unit=2, now=T0 + 2))
        self.assertEqual([r["text"] for r in self.logs.query("ups_events")["records"]],
                         ["General Alarm", "Operating on Battery"])
        ups = self.logs.query("ups_events")["records"][0]
        self.assertEqual((ups["level"], ups["state"], ups["unit"], ups["code"]), ("C", "added", 2, "A01"))
        self.assertEqual(self.logs.query("sts_events")["total"], 1)
        self.assertEqual(self.logs.query("card_events")["total"], 0)

    def test_bad_event_is_refused_and_logs_nothing(self):
        with self.assertRaises(ValueError):
            self.logs.record_event("ups_events", {"source": "ups", "level": "X", "text": "?"})
        self.bus.publish({"source": "ups", "level": None, "code": "x", "text": "broken"})
        self.assertEqual(self.logs.query("ups_events")["total"], 0)

    def test_text_is_bounded_without_cutting_a_character(self):
        text = "Température " * 20
        self.bus.publish(make_event("card", "I", "x", text, now=T0))
        stored = self.logs.query("card_events")["records"][0]["text"]
        self.assertLessEqual(len(stored.encode()), logs_mod.TEXT_BYTES)
        self.assertTrue(text.startswith(stored))
        self.assertEqual(logs_mod.utf8_bounded("aé", 2), b"a")

    def test_paging_time_window_and_level_sort(self):
        levels = "IWCIIWCIIWIC"
        for i, lv in enumerate(levels):
            self.bus.publish(make_event("ups", lv, "E%d" % i, "event %d" % i, now=T0 + 60 * i))
        page = self.logs.query("ups_events", page=1, per_page=5)
        self.assertEqual((page["total"], page["pages"]), (12, 3))
        self.assertEqual([r["code"] for r in page["records"]], ["E11", "E10", "E9", "E8", "E7"])
        last = self.logs.query("ups_events", page=3, per_page=5)
        self.assertEqual([r["code"] for r in last["records"]], ["E1", "E0"])
        self.assertEqual(self.logs.query("ups_events", page=4, per_page=5)["records"], [])
        win = self.logs.query("ups_events", start=T0 + 120, end=T0 + 300, per_page=10)
        self.assertEqual([r["code"] for r in win["records"]], ["E5", "E4", "E3", "E2"])
        self.assertEqual(win["total"], 4)
        by_level = self.logs.query("ups_events", per_page=12, sort="level")["records"]
        self.assertEqual([r["level"] for r in by_level], list("CCCWWWIIIIII"))
        self.assertEqual([r["code"] for r in by_level[:3]], ["E11", "E6", "E2"])
        page2 = self.logs.query("ups_events", page=2, per_page=4, sort="level")["records"]
        self.assertEqual([r["code"] for r in page2], ["E5", "E1", "E10", "E8"])

    def test_bad_queries_are_refused(self):
        for kwargs in ({"page": 0}, {"per_page": 0}, {"per_page": 5000}, {"sort": "name"},
                       {"page": "1"}):
            with self.assertRaises(ValueError):
                self.logs.query("ups_events", **kwargs)
        with self.assertRaises(ValueError):
            self.logs.query("history", sort="level")
        with self.assertRaises(ValueError):
            self.logs.query("nonsense")

    def test_history_csv_columns_and_values(self):
        self.logs.record_history(THREE_PHASE, "jbusp", T0)
        self.logs.record_history(SINGLE_PHASE, "jbusp", T0 + 60)
        rows = parse_csv(self.logs.csv_lines("history", local=lambda t: t + 3600))
        self.assertEqual(rows[0][:4], ["Date time", "Input Voltage R (V)", "Input Voltage S (V)",
                                       "Input Voltage T (V)"])
        self.assertEqual(rows[0][-2:], ["Battery Capacity (%)", "UPS temperature (C)"])
        self.assertEqual(len(rows), 3)
        first = dict(zip(rows[0], rows[1]))
        self.assertEqual(first["Date time"], "21/11/2025 05:40:00")
        self.assertEqual(float(first["Input frequency (Hz)"]), 49.98)
        self.assertEqual(float(first["Output Voltage T (V)"]), 229.9)
        second = dict(zip(rows[0], rows[2]))
        self.assertEqual(second["Input Voltage S (V)"], "")
        self.assertEqual(float(second["Battery Capacity (%)"]), 87)

    def test_emd_columns_only_with_an_emd(self):
        with_emd = Logs(self.dir, None, emd=True)
        try:
            with_emd.record_history(dict(SINGLE_PHASE, **{"ambient.temperature": 21.5}), None, T0)
            rows = parse_csv(with_emd.csv_lines("history"))
            self.assertEqual(rows[0][-2:], ["EMD Temperature (C)", "EMD Humidity (%)"])
            self.assertEqual(rows[1][-2:], ["21.5", ""])
        finally:
            with_emd.close()
        self.assertFalse("EMD Temperature (C)" in self.logs.csv_header("history"))

    def test_event_csv_quotes_and_levels(self):
        self.bus.publish(make_event("ups", "C", "A1", 'Overload, "phase 2"', "added", now=T0))
        self.bus.publish(make_event("ups", "C", "A1", 'Overload, "phase 2"', "removed", now=T0 + 5))
        rows = parse_csv(self.logs.csv_lines("ups_events"))
        self.assertEqual(rows[0], ["Event Time", "Event Level", "Event Description"])
        self.assertEqual(rows[1], ["21/11/2025 04:40:00", "Critical", 'Overload, "phase 2"'])
        self.assertEqual(rows[2][2], 'Overload, "phase 2" (removed)')

    def test_extended_record_and_csv(self):
        n = len(logs_mod.UPS_FIELDS)
        stats = [None] * n
        stats[0] = (220.0, 240.5, 230.25)
        stats[6] = (49.9, 50.1, 50.0)
        self.logs.record_extended(T0, T0 + 3600, 1800, stats)
        rec = self.logs.query("extended")["records"][0]
        self.assertEqual((rec["start"], rec["end"], rec["samples"]), (T0, T0 + 3600, 1800))
        self.assertEqual(rec["input.L1-N.voltage"], {"min": 220.0, "max": 240.5, "avg": 230.2})
        self.assertEqual(rec["input.L2-N.voltage"], {"min": None, "max": None, "avg": None})
        rows = parse_csv(self.logs.csv_lines("extended"))
        self.assertEqual(rows[0][:5], ["Start time", "End time", "Input Voltage R (V) Min",
                                       "Input Voltage R (V) Max", "Input Voltage R (V) Avg"])
        row = dict(zip(rows[0], rows[1]))
        self.assertEqual(row["End time"], "21/11/2025 05:40:00")
        self.assertEqual(row["Input frequency (Hz) Max"], "50.10")

    def test_clear_publishes_the_manual_event(self):
        self.logs.record_history(THREE_PHASE, "jbusp", T0)
        self.bus.publish(make_event("card", "I", "boot", "Cold boot", now=T0))
        self.logs.clear("history")
        self.assertEqual(len(self.logs.log("history")), 0)
        self.logs.clear("card_events")
        self.assertEqual(self.card_texts()[-2:], ["History log cleared",
                                                  "NET VISION UPS Agent event log cleared"])
        left = self.logs.query("card_events")["records"]
        self.assertEqual([r["text"] for r in left], ["NET VISION UPS Agent event log cleared"])

    def test_schema_change_publishes_recreated_event(self):
        self.logs.close()
        old = ringlog.RingLog(self.dir + "/history.log", "<hh", ("a", "b"), 2048)
        old.append((1, 2))
        old.close()
        self.logs.record_history(THREE_PHASE, "jbusp", T0)
        self.assertIn("History log schema changed. Log has been re-created.", self.card_texts())
        self.assertEqual(self.logs.query("history")["total"], 1)
        self.assertEqual(self.logs.query("card_events")["records"][0]["level"], "W")

    def test_a_new_size_keeps_the_newest_records(self):
        for i in range(40):
            self.logs.record_history(THREE_PHASE, "jbusp", T0 + i)
        self.logs.close()
        smaller = Logs(self.dir, self.bus, records=16)
        try:
            page = smaller.query("history", per_page=100)
            self.assertEqual(page["total"], 16)
            self.assertEqual([r["seq"] for r in page["records"]], list(range(40, 24, -1)))
            self.assertEqual(page["records"][0]["time"], T0 + 39)
            self.assertEqual(smaller.log("history").append([1] * 14, T0 + 40), 41)
        finally:
            smaller.close()
        larger = Logs(self.dir, self.bus, records=64)
        try:
            self.assertEqual(larger.query("history")["total"], 16)
            self.assertEqual(larger.log("history").head, 41)
            self.assertEqual(larger.status()["history"]["capacity"], 64)
        finally:
            larger.close()
        self.assertNotIn("History log schema changed. Log has been re-created.",
                         self.card_texts())

    def test_reopen_keeps_every_log(self):
        self.logs.record_history(THREE_PHASE, "jbusp", T0)
        self.bus.publish(make_event("card", "I", "boot", "Cold boot", now=T0))
        self.logs.close()
        again = Logs(self.dir, EventBus())
        try:
            self.assertEqual(again.query("history")["total"], 1)
            self.assertEqual(again.query("card_events")["records"][0]["text"], "Cold boot")
        finally:
            again.close()


if __name__ == "__main__":
    unittest.main()
