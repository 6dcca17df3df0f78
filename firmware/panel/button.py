"""The reset button's hold times (manual §10), debounced, with a stuck button ignored.

    held             released ->
    < 1 s            nothing (a brush against the button)
    1 s .. < 3 s     "restart"    restart the card
    3 s .. < 6 s     "accounts"   reset accounts and passwords to their defaults
    6 s .. < 30 s    "factory"    reset to factory settings
    >= 30 s          nothing: the button is stuck (reported once, when 30 s pass)

The manual gives "1 ~ 3", "3 ~ 6" and "over 6" seconds; a boundary belongs to the longer action.
Times are tick counts in milliseconds (compat.ticks_ms() or a test's clock) given with each
edge, so the hold time is exact whatever the polling rate. An edge counts once the level has
held DEBOUNCE_MS: contact bounce neither starts nor ends a press, and a press is timed from its
first edge
(its release from the first edge of the release).

    b = ResetButton()
    b.edge(True, t)            # the pin says pressed (or released) at t
    b.poll(t) -> [("pressed", t0)] / [("released", action or None, held_ms)] / [("stuck", held)]
    b.pending(t) -> the action a release at t would run, for the LEDs
"""

from firmware.platform import compat

DEBOUNCE_MS = 50
STUCK_MS = 30000
# (least hold in ms, action), longest first.
ACTIONS = ((6000, "factory"), (3000, "accounts"), (1000, "restart"))


def action_for(held_ms):
    """The action of a press held `held_ms`, or None."""
    if held_ms >= STUCK_MS:
        return None
    for least, action in ACTIONS:
        if held_ms >= least:
            return action
    return None


class ResetButton:
    """Debounced press tracking and the action of each release."""

    def __init__(self, debounce_ms=DEBOUNCE_MS):
        self.debounce_ms = debounce_ms
        self.raw = False           # the pin's last level
        self.raw_t = None          # when it took that level
        self.first_t = None        # the first edge away from the debounced level
        self.pressed = False       # the debounced level
        self.since = None          # when the debounced press started
        self.stuck = False         # reported stuck during this press

    def edge(self, pressed, t_ms):
        """The pin changed level at t_ms (repeats of the same level are ignored)."""
        pressed = bool(pressed)
        if pressed != self.raw:
            self.raw = pressed
            self.raw_t = t_ms
            if pressed != self.pressed and self.first_t is None:
                self.first_t = t_ms

    def poll(self, t_ms):
        """What happened by t_ms: a list of ("pressed", t) / ("released", action, held_ms) /
        ("stuck", held_ms)."""
        out = []
        settled = self.raw_t is not None and \
            compat.ticks_diff(t_ms, self.raw_t) >= self.debounce_ms
        if settled and self.raw == self.pressed:
            self.first_t = None    # it bounced back: a glitch
        elif settled:
            edge_t, self.first_t = self.first_t, None
            self.pressed = self.raw
            if self.pressed:
                self.since = edge_t
                self.stuck = False
                out.append(("pressed", edge_t))
            else:
                held = compat.ticks_diff(edge_t, self.since)
                out.append(("released", None if self.stuck else action_for(held), held))
                self.since = None
        if self.pressed and not self.stuck:
            held = compat.ticks_diff(t_ms, self.since)
            if held >= STUCK_MS:
                self.stuck = True
                out.append(("stuck", held))
        return out

    def pending(self, t_ms):
        """The action a release now would run (None while not held, too short or stuck)."""
        if not self.pressed or self.stuck:
            return None
        return action_for(compat.ticks_diff(t_ms, self.since))

    def status(self, t_ms):
        held = compat.ticks_diff(t_ms, self.since) if self.pressed else 0
        return {"pressed": self.pressed, "held_ms": held, "pending": self.pending(t_ms),
                "stuck": self.stuck}
