"""The shutdown agent's SNMP view: its alarms and NET VISION traps 20, 21, 26 (pure, no I/O).

    s = ShutdownAlarms(clock, countdown)     countdown() -> upsShutdownAfterDelay seconds left
                                             or -1 (the SNMP controls' own timer)
    s.on_event(event) -> NET VISION trap number or None   (the shutdown's card events)
    s.on_output(off)                                      (the UPS output off, per snapshot)
    s.rfc(), s.nv7() -> well-known alarm numbers present now

The card's shutdown sequence (firmware/shutdown/) tells its steps only as card events: the
warning ("shutdown.warning"), the servers' shutdown ("shutdown.request", with off_in: seconds
until the card switches the UPS output off, or None), the UPS shut-off command ("shutdown.ups"),
the output on again ("ups.output.on"), a refused command and the cancel.

RFC 1628 words the alarms about the power to the load, so they follow it, not the servers:
- upsAlarmShutdownPending "a upsShutdownAfterDelay countdown is underway": the warning period
  (the card's countdown, a test included: it is there to try what watches the card), the delay
  before the card switches the output off, and upsShutdownAfterDelay set over SNMP;
- upsAlarmShutdownImminent "the UPS will turn off power to the load in less than 5 seconds":
  the last 5 s of those countdowns to the output off, then from the shut-off command until the
  output is seen off (the UPS's own delay runs, which the card cannot see). FSD alone is not
  imminent: without shut-off the load keeps its power;
- upsAlarmAwaitingPower "the UPS output is off and awaiting the return of input power": the
  output seen off after the card's shut-off, until it is on again.
The NET VISION 7 rows are the same three. Its upsAlarmShutdownRequested stays out: the end of
a shutdown without shut-off (FSD lifted) is no card event, so the row could not be removed.
"""

RFC_AWAITING, RFC_PENDING, RFC_IMMINENT = 21, 22, 23
NV_PENDING, NV_IMMINENT, NV_AWAITING = 59, 61, 62
RFC_ROWS = {RFC_AWAITING, RFC_PENDING, RFC_IMMINENT}
NV_ROWS = {NV_PENDING, NV_IMMINENT, NV_AWAITING}
NV_OF_RFC = {RFC_PENDING: NV_PENDING, RFC_IMMINENT: NV_IMMINENT, RFC_AWAITING: NV_AWAITING}
TRAPS = {"shutdown.warning": 20, "shutdown.request": 21, "shutdown.cancel": 26}
IMMINENT_S = 5
# A UPS that never switches its output off after the command (refused without a word) must not
# hold the alarm for ever; the sequence gives up after as long (sequence.NEVER_OFF_S).
OFF_WAIT_S = 600

WARNING, SERVERS, OFF = "warning", "servers", "off"


class ShutdownAlarms:
    """The shutdown sequence's step as SNMP sees it, from the card events and the snapshot."""

    def __init__(self, clock, countdown=None) -> None:
        self.clock = clock
        self.countdown = countdown or (lambda: -1)
        self.phase = None
        self.off_at = None         # clock() when the card switches the UPS output off
        self.seen_off = False      # the output seen off since the shut-off command
        self.on_again = False

    def on_event(self, event: dict):
        """Follow a card event; the NET VISION trap it sends (20, 21, 26) or None."""
        code = event.get("code")
        now = self.clock()
        if code == "shutdown.warning":
            self.phase, self.off_at = WARNING, None
        elif code == "shutdown.request":
            off_in = event.get("off_in")
            self.phase = SERVERS
            self.off_at = None if off_in is None else now + off_in
        elif code == "shutdown.ups":
            self.phase, self.off_at = OFF, now
            self.seen_off = self.on_again = False
        elif code in ("shutdown.cancel", "shutdown.command.refused", "ups.output.on"):
            self.phase, self.off_at = None, None
        return TRAPS.get(code)

    def on_output(self, off: bool) -> None:
        if self.phase != OFF:
            return
        if off:
            self.seen_off = True
        elif self.seen_off:
            self.on_again = True       # on by itself (mains back): the wait is over

    def _to_off(self):
        """Seconds until the load loses its power by a countdown, or None."""
        snmp_left = self.countdown()
        lefts = [snmp_left] if snmp_left is not None and snmp_left >= 0 else []
        if self.off_at is not None and self.phase == SERVERS:
            left = self.off_at - self.clock()
            if left > -OFF_WAIT_S:     # the card clock set back delays the command: bounded
                lefts.append(left)
        return min(lefts) if lefts else None

    def rfc(self) -> set:
        out = set()
        left = self._to_off()
        if left is not None:
            out.add(RFC_IMMINENT if left < IMMINENT_S else RFC_PENDING)
        if self.phase == WARNING:
            out.add(RFC_PENDING)
        elif self.phase == OFF and not self.on_again:
            if self.seen_off:
                out.add(RFC_AWAITING)
            elif self.clock() - self.off_at < OFF_WAIT_S:
                out.add(RFC_IMMINENT)
        return out

    def nv7(self) -> set:
        return {NV_OF_RFC[n] for n in self.rfc()}
