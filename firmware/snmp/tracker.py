"""What SNMP remembers between two snapshots: the alarm table, the battery test, trap edges.

Subscribed to UpsState commits (and to card events on the bus), the tracker keeps:

- the RFC 1628 alarm table: each well-known alarm that comes gets the next upsAlarmId and the
  sysUpTime it appeared at, and keeps them while present (RFC 1628 upsAlarmTable);
- the NET VISION 7 well-known alarms present, the time the UPS went on battery, the count of
  input failures (upsInputLineBads);
- the battery test (upsTest): in progress while the UPS says so, then passed or failed;
- the trap conditions of the NET VISION and STS trap tables, so a trap leaves on an edge;
- the shutdown agent's rows and traps 20, 21, 26, from the shutdown's card events
  (firmware/snmp/shutdown_alarms.py).

It tells `notify(kind, number, info)` for each notification: kind "rfc" (RFC 1628 traps 1-4),
"nv" (NET VISION traps 1-40) or "sts"; info carries what the varbinds need. The first
snapshot after start is the baseline: conditions already present then send no trap.
"""

import time

from firmware.snmp import wellknown
from firmware.snmp.rules import active_flags, holds
from firmware.snmp.shutdown_alarms import NV_ROWS, RFC_ROWS, ShutdownAlarms

RFC_ON_BATTERY, RFC_INPUT_BAD, RFC_COMM_LOST = 2, 6, 20
NV_COMM_LOST = 58
NV_ON_BATTERY = (1, 15)
TEST_RUNNING = {"jbusp": "S10", "vumap": "S034"}
TEST_FAILED = {"jbusp": "S14", "vumap": "A022"}
ON_BATTERY_REPEAT_S = 60

# upsTestResultsSummary (RFC 1628)
DONE_PASS, DONE_WARNING, DONE_ERROR, ABORTED, IN_PROGRESS, NO_TESTS = 1, 2, 3, 4, 5, 6


class Tracker:
    """Alarm table, test state and trap edges, from the snapshot and the card's events."""

    def __init__(self, state, bus, notify, clock=time.monotonic, countdown=None) -> None:
        self.state = state
        self.bus = bus
        self.notify = notify
        self.clock = clock
        self.started = clock()
        self.rfc_alarms = {}          # well-known number -> (upsAlarmId, sysUpTime it came)
        self.next_alarm_id = 1
        self.nv_alarms = {}           # NET VISION 7 well-known number -> sysUpTime it came
        self.on_battery_since = None  # clock() when the UPS went on battery
        self.line_bads = 0
        self.test = {"id": (0, 0), "summary": NO_TESTS, "detail": "", "start": 0,
                     "elapsed": 0, "spin": 0, "by_card": False}
        self._edges = {}              # ("nv"|"sts", number) -> condition held at the last commit
        self._baseline = False
        self._last_on_battery_trap = None
        self._rfc_on_battery_pending = False
        # The shutdown agent's alarms and traps; countdown: upsShutdownAfterDelay's seconds left
        self.shutdown = ShutdownAlarms(clock, countdown)
        state.subscribe(self.on_commit)
        bus.subscribe(self.on_event)

    def close(self) -> None:
        self.state.unsubscribe(self.on_commit)
        self.bus.unsubscribe(self.on_event)

    def uptime(self) -> int:
        """sysUpTime: hundredths of a second since the agent started."""
        return int((self.clock() - self.started) * 100)

    # --- snapshots -------------------------------------------------------------------------------
    def on_commit(self, state, changed) -> None:
        if self._rfc_on_battery_pending:
            self._rfc_on_battery_pending = False
            if self.on_battery_since is not None:
                self.notify("rfc", 1, {})
        mapping = state.device.get("mapping") or ""
        flags = active_flags(state)
        stale = state.stale
        quiet = not self._baseline
        if not stale:
            self._baseline = True
        if mapping == "sts":
            self._edge_traps("sts", wellknown.STS_TRAPS, mapping, flags, stale, quiet)
            return
        if not stale:
            self.shutdown.on_output("OFF" in (state.get("ups.status") or "").split())
        self._rfc_table(mapping, flags, stale, quiet)
        now_nv = wellknown.active(wellknown.NV7, mapping, flags, stale)
        if stale:
            now_nv |= {n for n in self.nv_alarms if n != NV_COMM_LOST}
        self._nv_rows((now_nv - NV_ROWS) | self.shutdown.nv7())
        self._edge_traps("nv", wellknown.NV_TRAPS, mapping, flags, stale, quiet)
        if not stale:
            self._test(mapping, flags, quiet)

    def _rfc_table(self, mapping, flags, stale, quiet) -> None:
        now = wellknown.active(wellknown.RFC1628, mapping, flags, stale)
        if stale:       # the last known UPS alarms stay listed while the link is down
            now |= {n for n in self.rfc_alarms if n != RFC_COMM_LOST}
        before = set(self.rfc_alarms)
        self._rfc_rows((now - RFC_ROWS) | self.shutdown.rfc(), quiet)
        went_bad = ({RFC_ON_BATTERY, RFC_INPUT_BAD} & now) and not (
            {RFC_ON_BATTERY, RFC_INPUT_BAD} & before)
        if went_bad and not quiet:
            self.line_bads += 1
        if RFC_ON_BATTERY in now:
            if self.on_battery_since is None:
                self.on_battery_since = self.clock()
                if not quiet:
                    self._on_battery_trap()
        elif not stale:
            self.on_battery_since = None
            self._last_on_battery_trap = None

    def _rfc_rows(self, now, quiet) -> None:
        """Make the RFC 1628 alarm table hold `now`: traps 3 and 4 for each row added, removed."""
        before = set(self.rfc_alarms)
        for number in sorted(before - now):
            alarm_id, _since = self.rfc_alarms.pop(number)
            if not quiet:
                self.notify("rfc", 4, {"alarm": number, "id": alarm_id})
                self.notify("nv", 4, {"alarm": number, "id": alarm_id})
        for number in sorted(now - before):
            alarm_id = self.next_alarm_id
            self.next_alarm_id = alarm_id + 1 if alarm_id < 0x7FFFFFFF else 1
            self.rfc_alarms[number] = (alarm_id, self.uptime())
            if not quiet:
                self.notify("rfc", 3, {"alarm": number, "id": alarm_id})
                self.notify("nv", 3, {"alarm": number, "id": alarm_id})

    def _nv_rows(self, now) -> None:
        self.nv_alarms = {n: self.nv_alarms.get(n, self.uptime()) for n in sorted(now)}

    def _shutdown_rows(self) -> None:
        """The shutdown rows now, between two snapshots: its countdowns run on the clock."""
        if self.state.device.get("mapping") == "sts":
            return                     # an STS has no UPS-MIB and no shutdown agent rows
        self._rfc_rows((set(self.rfc_alarms) - RFC_ROWS) | self.shutdown.rfc(), False)
        self._nv_rows((set(self.nv_alarms) - NV_ROWS) | self.shutdown.nv7())

    def _edge_traps(self, kind, table, mapping, flags, stale, quiet) -> None:
        for number, row in table.items():
            rules, edge = row[2], row[3]
            rule = rules if isinstance(rules, str) else rules.get(mapping)
            if not rule or edge == "event":
                continue
            key = (kind, number)
            held = False if stale else holds(rule, flags)
            before = self._edges.get(key)
            if stale:
                continue        # no edge from stale data; keep the last known condition
            self._edges[key] = held
            if quiet or before is None or before == held:
                continue
            if (edge == "rise" and held) or (edge == "fall" and not held):
                if kind == "nv" and number in NV_ON_BATTERY:
                    continue    # sent with the RFC 1628 on-battery trap (below)
                self.notify(kind, number, {})

    def _on_battery_trap(self) -> None:
        self._last_on_battery_trap = self.clock()
        # RFC 1628's trap carries the minutes left: when the bits came before the measurements
        # (the poller's fast lane), it waits for the next snapshot, a cycle away at most.
        if self.state.get("battery.runtime") is None:
            self._rfc_on_battery_pending = True
        else:
            self.notify("rfc", 1, {})
        self.notify("nv", 1, {})
        self.notify("nv", 15, {})

    def tick(self) -> None:
        """Called every second: the on-battery trap again each minute (RFC 1628), the
        shutdown countdowns' rows."""
        self._shutdown_rows()
        last = self._last_on_battery_trap
        if (self.on_battery_since is not None and last is not None
                and self.clock() - last >= ON_BATTERY_REPEAT_S):
            self._last_on_battery_trap = self.clock()
            self.notify("rfc", 1, {})
            self.notify("nv", 1, {})

    def seconds_on_battery(self) -> int:
        if self.on_battery_since is None:
            return 0
        return int(self.clock() - self.on_battery_since)

    # --- battery test ----------------------------------------------------------------------------
    def test_started(self, test_id: tuple) -> None:
        """The card sent a test command through upsTestId."""
        t = self.test
        t.update(id=tuple(test_id), summary=IN_PROGRESS, detail="", start=self.uptime(),
                 elapsed=0, by_card=True)

    def test_aborted(self) -> None:
        t = self.test
        if t["summary"] == IN_PROGRESS:
            t.update(summary=ABORTED, detail="aborted by request",
                     elapsed=self.uptime() - t["start"])

    def _test(self, mapping, flags, quiet) -> None:
        t = self.test
        running = holds(TEST_RUNNING.get(mapping, ""), flags)
        key = ("test", 0)
        before = self._edges.get(key)
        self._edges[key] = running
        if running and not before:
            if t["summary"] != IN_PROGRESS or not t["by_card"]:
                t.update(summary=IN_PROGRESS, detail="", start=self.uptime(), elapsed=0,
                         by_card=False)
        elif before and not running and t["summary"] == IN_PROGRESS:
            failed = holds(TEST_FAILED.get(mapping, ""), flags)
            t.update(summary=DONE_ERROR if failed else DONE_PASS,
                     detail="battery test failed" if failed else "battery test passed",
                     elapsed=self.uptime() - t["start"], by_card=False)
            if not quiet:
                self.notify("rfc", 2, {})

    # --- card events -----------------------------------------------------------------------------
    def on_event(self, event: dict) -> None:
        code = event.get("code")
        if event.get("source") != "card":
            return
        shutdown_trap = self.shutdown.on_event(event)
        if shutdown_trap is not None:
            text = event.get("text", "")
            if event.get("test"):
                text += " (test)"      # the AC-fail test's request reaches no server
            self.notify("nv", shutdown_trap, {"text": text})
        self._shutdown_rows()          # the step's alarm rows, after the step's own trap
        for number, row in wellknown.NV_TRAPS.items():
            if row[3] == "event" and row[2].get("card") == code:
                self.notify("nv", number, {"text": event.get("text", "")})

    def status(self) -> dict:
        return {"rfc_alarms": sorted(self.rfc_alarms), "nv_alarms": sorted(self.nv_alarms),
                "on_battery_s": self.seconds_on_battery(), "line_bads": self.line_bads,
                "test_summary": self.test["summary"]}
