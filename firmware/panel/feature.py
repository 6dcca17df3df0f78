"""The panel feature: drives the status LEDs from the card's state and runs the reset button.

The board gives the pins: board.panel(on_edge, ticks) -> an object with set(green, yellow) and
close(), calling on_edge(pressed, t_ms) on the event loop at each edge of the reset button
(firmware/hal/gpio.py on a Raspberry Pi; an ESP32 adapter does the same with machine.Pin).
A board without it (the simulated one) still computes the LED mode and shows it in the status.

At start the card runs its auto-diagnostic (LEDs cross flashing for DIAGNOSTIC_MS): the data
folder takes a write and the configuration loaded without a checksum error. Then the LEDs follow
the UPS link: detection, detected without communication, communicating (a flash per committed
poll cycle). A missing UPS serial device is a hardware error (both LEDs off) until it is back.
A release of the reset button runs its action through the card's management operations, as
the SSH menu does: the events are theirs ("NET VISION UPS Agent Restart", "Accounts and
passwords reset to default via button by reset button", "... Parameters reset to default").
"""

import os

from firmware.admin.args import Caller, OpError
from firmware.admin.ops import CardOps
from firmware.card.feature import Feature
from firmware.panel import leds
from firmware.panel.button import ResetButton
from firmware.platform import compat
from firmware.state import catalogue

TICK_MS = 50
DIAGNOSTIC_MS = 3000
SERIAL_CHECK_MS = 2000
BUTTON_USER = "reset button"
OPERATIONS = {"restart": ("card.restart", {}), "accounts": ("accounts.reset", {}),
              "factory": ("config.reset", {})}


class Panel(Feature):
    """Status LEDs and the reset button (manual §7, §10 and its LED table)."""

    name = "panel"
    title = "Status LEDs and reset button"

    def __init__(self, card):
        super().__init__(card)
        self.ticks = compat.ticks_ms       # the tick clock (tests give their own)
        self.io = None
        self.button = ResetButton()
        self.mode = None
        self.lit = None                    # (green, yellow) as last set
        self.problems = []
        self.serial_missing = False
        self.actions = []                  # the last few button actions, for the status
        self._diagnosing_until = None
        self._pulse_until = None
        self._serial_checked = None
        self._task = None
        self._running_ops = []

    # --- life cycle ------------------------------------------------------------------------------
    async def start(self):
        board = self.card.board
        if hasattr(board, "panel"):
            # OSError/ValueError (no GPIO chip, a pin taken): reported, retried by the card.
            self.io = board.panel(self._edge, self.ticks)
        self._diagnosing_until = compat.ticks_add(self.ticks(), DIAGNOSTIC_MS)
        self.problems = self._diagnose()
        self.card.state.subscribe(self._committed)
        self._task = compat.create_task(self._run())

    async def stop(self):
        self.card.state.unsubscribe(self._committed)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except BaseException:  # cancelled: it is over
                pass
            self._task = None
        if self.io is not None:
            try:
                self.io.set(False, False)
                self.io.close()
            finally:
                self.io = None

    async def apply(self, changed):
        """No settings of its own."""

    # --- inputs ----------------------------------------------------------------------------------
    def _edge(self, pressed, t_ms):
        """The board saw the reset button change level at t_ms."""
        self.button.edge(pressed, t_ms)

    def _committed(self, state, changed):
        """A poll cycle was committed: the yellow LED flashes with the Modbus traffic."""
        if not state.stale:
            self._pulse_until = compat.ticks_add(self.ticks(), leds.PULSE_MS)

    def _diagnose(self):
        """The auto-diagnostic: what is wrong with the card itself (empty when all is well)."""
        problems = []
        if self.card.config.report.get("source") == "backup":
            problems.append("configuration checksum error")
        folder = self.card.data_dir
        if folder:
            probe = folder + "/.panel-check"
            try:
                with open(probe, "w") as f:
                    f.write("ok")
                os.remove(probe)
            except OSError as exc:
                problems.append("data folder not writable: %s" % exc)
        return problems

    def _check_serial(self, t):
        board = self.card.board
        if not hasattr(board, "serial_present"):
            return
        if self._serial_checked is None or \
                compat.ticks_diff(t, self._serial_checked) >= SERIAL_CHECK_MS:
            self._serial_checked = t
            self.serial_missing = not board.serial_present(
                self.card.serial_path or board.serial_device)

    # --- the loop --------------------------------------------------------------------------------
    async def _run(self):
        while True:
            self.tick()
            await compat.sleep_ms(TICK_MS)

    def tick(self):
        """One look at the button and the card; the LEDs set to what they must show now."""
        t = self.ticks()
        for outcome in self.button.poll(t):
            self._button(outcome)
        self._check_serial(t)
        diagnosing = self._diagnosing_until is not None and \
            compat.ticks_diff(self._diagnosing_until, t) > 0
        state = self.card.state
        self.mode = leds.mode_for(diagnosing=diagnosing, diagnostic_failed=bool(self.problems),
                                  serial_missing=self.serial_missing,
                                  detected=bool(state.device.get("mapping")), stale=state.stale,
                                  pending=self.button.pending(t))
        pulse = self._pulse_until is not None and compat.ticks_diff(self._pulse_until, t) > 0
        lit = leds.levels(self.mode, t, pulse)
        if lit != self.lit:
            self.lit = lit
            if self.io is not None:
                self.io.set(lit[0], lit[1])
        return self.mode

    def _button(self, outcome):
        kind = outcome[0]
        if kind == "stuck":
            catalogue.card_event(self.card.bus, "button.stuck",
                                 seconds=outcome[1] // 1000)
        elif kind == "released" and outcome[1] is not None:
            action = outcome[1]
            catalogue.card_event(self.card.bus, "button.action", action=action,
                                 seconds="%.1f" % (outcome[2] / 1000))
            self.actions = (self.actions + [action])[-8:]
            task = compat.create_task(self._operation(action))
            self._running_ops.append(task)

    async def _operation(self, action):
        op, args = OPERATIONS[action]
        try:
            await CardOps(self.card).handle(op, args, Caller(BUTTON_USER, "button"))
        except OpError as exc:
            catalogue.card_event(self.card.bus, "button.failed", action=action,
                                 error=exc.message)

    def status(self):
        t = self.ticks()
        lit = self.lit or (False, False)
        return {"mode": self.mode, "leds": {"green": lit[0], "yellow": lit[1]},
                "gpio": self.io is not None, "button": self.button.status(t),
                "actions": list(self.actions), "diagnostic": {"problems": list(self.problems)},
                "serial_missing": self.serial_missing}
