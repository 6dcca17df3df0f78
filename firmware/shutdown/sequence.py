"""The shutdown sequence of the manual (§12.8.2), as a pure state machine over the card clock.

    event ──► reversible period (warning period, warnings) ──► servers shut down (FSD)
              │ every event cleared: cancel                     │ UPS shut off enabled:
              ▼                                                 ▼ after its delay
             idle                                     UPS output off ──► mains back + on delay
                                                                          ──► UPS output on

    seq = Sequence(plan)                      plan: {event: (period_s, first_s, interval_s[,
                                              ups_off])}: ups_off True for a schedule event,
                                              which switches the UPS off whatever ups_off says
    actions = seq.step(now, present, ups)     now: card clock seconds; present: enabled events
                                              present now;
                                              ups: {"mains": bool, "output": bool}

Actions, in the order they are due: ("warning", event, seconds_left, number), ("cancel", event),
("servers", event), ("ups_off", event), ("ups_on", event), ("over", event). While several
events are present the one whose shutdown comes first leads. After the servers were told to
shut down, the sequence only goes forward: the output off after its delay if shut-off is
enabled, then on again after mains returns if a restart delay is set; it is over (FSD can be
lifted) once no event is present and the output is on. A test (AC failed, simulated) never
switches the UPS off and ends TEST_END_S after the servers' command.

Time is the card clock's, as for the schedules: a time set forward brings the steps forward (a
test can jump through a warning period instead of sleeping through it), one set back delays them.
"""

TEST_END_S = 120          # the manual: "waits around 2 minutes before sending a shutdown cancel"
STEADY_S = 5              # the UPS output and mains must hold this long before the sequence
                          # believes them: one odd reading must not end or restart a shutdown
NEVER_OFF_S = 600         # an output never seen off this long after the shut-off command (the
                          # UPS refused it, or cycled faster than STEADY_S) ends the sequence
                          # once mains is back, rather than holding FSD for ever

IDLE, WARNING, SERVERS, OFF = "idle", "warning", "servers", "ups_off"


class Sequence:
    """One card's shutdown sequence; feed it with step()."""

    def __init__(self, plan, ups_off=False, ups_off_delay_s=180, ups_on_delay_s=0):
        self.plan = plan
        self.ups_off = ups_off
        self.ups_off_delay_s = ups_off_delay_s
        self.ups_on_delay_s = ups_on_delay_s
        self.phase = IDLE
        self.event = None          # the leading event
        self.test = False
        self._since = {}           # event -> when it became present
        self._warned = 0
        self._at = None            # when the current phase began
        self._mains_at = None      # when mains came back while the output is off
        self._seen_off = False     # the output was seen off after the shut-off command
        self._ups = {}             # name -> [steady value, value seen, since when]

    # --- what is due ------------------------------------------------------------------------
    def deadline_s(self, now):
        """Seconds until the servers' command (reversible period), the UPS output off, or None."""
        if self.phase == WARNING:
            return max(0, self._due(self.event) - (now - self._since[self.event]))
        if self.phase == SERVERS and self._switch_off() and not self.test:
            return max(0, self.ups_off_delay_s - (now - self._at))
        return None

    def _due(self, event):
        return self.plan[event][0]

    def _switch_off(self):
        """Whether this sequence ends with the UPS output off."""
        row = self.plan.get(self.event, ())
        return row[3] if len(row) > 3 else self.ups_off

    def start_test(self, now):
        """The manual's AC-fail simulation: the AC-failed procedure with its own settings."""
        if self.phase != IDLE or "ac_failed" not in self.plan:
            return False
        self.test = True
        self._since = {"ac_failed": now}
        self.event, self.phase, self._warned = "ac_failed", WARNING, 0
        return True

    def step(self, now, present, ups):
        """The actions due now, for the enabled events present now and the UPS output state."""
        out = []
        present = set(present) & set(self.plan)
        if self.test and self.phase == WARNING:
            present = {"ac_failed"}
        for event in list(self._since):
            if event not in present:
                del self._since[event]
        for event in present:
            self._since.setdefault(event, now)
        if self.phase in (IDLE, WARNING):
            self._reversible(now, out)
        elif self.phase == SERVERS:
            self._servers(now, present, self._steady(now, ups), out)
        elif self.phase == OFF:
            self._off(now, present, self._steady(now, ups), out)
        return out

    def _steady(self, now, ups):
        """The UPS facts as they have held for STEADY_S (the first reading is believed)."""
        out = {}
        for name, value in ups.items():
            seen = self._ups.get(name)
            if seen is None:
                seen = self._ups[name] = [value, value, now]
            elif value != seen[1]:
                seen[1], seen[2] = value, now
            elif value != seen[0] and now - seen[2] >= STEADY_S:
                seen[0] = value
            out[name] = seen[0]
        return out

    def _reversible(self, now, out):
        if not self._since:
            if self.phase == WARNING:
                out.append(("cancel", self.event))
            self.phase, self.event = IDLE, None
            return
        leading = min(self._since, key=lambda e: self._due(e) - (now - self._since[e]))
        if leading != self.event:
            self.event, self._warned = leading, 0
        self.phase = WARNING
        period_s, first_s, interval_s = self.plan[leading][:3]
        elapsed_s = now - self._since[leading]
        if elapsed_s >= period_s:
            out.append(("servers", leading))
            self.phase, self._at = SERVERS, now
            return
        if elapsed_s >= first_s + self._warned * interval_s:
            self._warned += 1
            out.append(("warning", leading, int(period_s - elapsed_s), self._warned))

    def _servers(self, now, present, ups, out):
        elapsed_s = now - self._at
        if self.test:
            if elapsed_s >= TEST_END_S:
                out.append(("cancel", self.event))
                self._reset()
            return
        if self._switch_off():
            if elapsed_s >= self.ups_off_delay_s:
                out.append(("ups_off", self.event))
                self.phase, self._at, self._mains_at, self._seen_off = OFF, now, None, False
            return
        if not present and ups.get("output", True):
            out.append(("over", self.event))
            self._reset()

    def _off(self, now, present, ups, out):
        if ups.get("output"):
            given_up = not present and now - self._at >= NEVER_OFF_S
            if (self._seen_off or given_up) and ups.get("mains", True):
                out.append(("over", self.event))     # on again: by the card or by itself
                self._reset()
            return                                   # not off yet: the UPS's own delay runs
        self._seen_off = True
        if not self.ups_on_delay_s or not ups.get("mains"):
            self._mains_at = None
            return
        if self._mains_at is None:
            self._mains_at = now
        if now - self._mains_at >= self.ups_on_delay_s:
            out.append(("ups_on", self.event))
            self._mains_at = now           # once per delay until the output is seen on

    def _reset(self):
        self.phase, self.event, self.test = IDLE, None, False
        self._since, self._warned, self._at = {}, 0, None

    def status(self, now):
        return {"phase": self.phase, "event": self.event, "test": self.test,
                "seconds_left": self.deadline_s(now), "output_seen_off": self._seen_off,
                "present": sorted(self._since)}
