"""The schedules feature: battery test and eco mode schedules, power share plug modes and controls.

It ticks on the card clock (card.clock.local() for the schedules, card.clock.now() for the time
on battery), so a clock set forward brings due actions forward. Each action is a command through
the one command path (card.ups.command), which logs the UPS event of the control ("Battery test
sent", "Enable eco mode", "Power Plug 1 OFF"). An action the UPS does not allow now (function
absent, remote controls disabled, no data) or that the command path refuses is not retried: it
is logged once as the card event "sched.not_sent" with the reason, and shown in status().

    schedules.status                 the schedules, what the UPS allows, the plugs
    powershare.set   plug, state     the manual's "Plugs control": switch a plug on or off now
                                     (admin only; refused while the plug has a mode, which the
                                     UPS would ignore the control for)
"""

from firmware.admin.args import OpError, int_arg
from firmware.card.feature import Feature
from firmware.clock.calendar import format_time
from firmware.platform import compat
from firmware.schedules import availability, due, settings
from firmware.schedules.powershare import Plug
from firmware.state import catalogue
from firmware.ups.commands import CommandError, event_text, is_admin

TICK_MS = 500
ECO = {True: "experimental.ecomode.enable", False: "experimental.ecomode.disable"}


def control_text(command):
    """The manual's name of a control ("Enable eco mode", "Power Plug 1 OFF", "Battery test")."""
    return "Battery test" if command == "test.battery.start" else event_text(command)


class Schedules(Feature):
    """Battery test and eco mode schedules; power share plug modes and controls."""

    name = "schedules"
    title = "Schedules and power share"
    SETTINGS = settings.ROWS
    RULES = settings.RULES

    def __init__(self, card):
        super().__init__(card)
        self._task = None
        self._test_seen = None     # the latest battery test occurrence already handled
        self._eco_inside = None    # the eco answer last acted upon (None: not looked at yet)
        self._plugs = [Plug() for _ in range(settings.PLUGS)]
        self._ob_since = None      # card clock when the UPS was first seen on battery
        self._on_battery_s = None  # time on battery at the last tick (None: on mains)
        self.last = {}             # what -> the last action: {time, control, result}
        self.error = None

    # --- life cycle ------------------------------------------------------------------------------
    async def start(self):
        self._count_tests_from_now()
        self._task = compat.create_task(self._run())

    async def stop(self):
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except BaseException:  # cancelled: it is over
                pass
            self._task = None

    async def apply(self, changed):
        """A changed battery test schedule counts from now, never from the past; a plug whose
        mode changed forgets what its old mode did. The eco schedule acts on the next tick: a
        period that now covers the present enables eco mode, one removed disables it."""
        if any(k.startswith("schedules.battery_test.") for k in changed):
            self._count_tests_from_now()
        for n, plug in enumerate(self._plugs, 1):
            if any(k.startswith("powershare.plug%d." % n) for k in changed):
                plug.reset()

    def _count_tests_from_now(self):
        """Tests due before now are not made up: the next one counts."""
        self._test_seen = due.last_test(self.card.clock.local(), *self._test_args())

    async def _run(self):
        while True:
            try:
                await self.tick()
                self.error = None
            except Exception as exc:   # one bad tick must not end the schedules
                self.error = repr(exc)
            await compat.sleep_ms(TICK_MS)

    # --- the tick --------------------------------------------------------------------------------
    async def tick(self):
        state = self.card.state
        if state.stale or not state.device.get("mapping"):
            return                     # nothing known: due actions wait for the UPS's data
        local = self.card.clock.local()
        commands = self.card.ups.commands()
        await self._battery_test(local, state, commands)
        await self._eco(local, state, commands)
        await self._powershare(self.card.clock.now(), state, commands)

    async def _battery_test(self, local, state, commands):
        occurrence = due.last_test(local, *self._test_args())
        seen = self._test_seen
        if occurrence is None or (seen is not None and occurrence <= seen):
            return                                # nothing new; a clock set back repeats nothing
        self._test_seen = occurrence
        if not self.setting("schedules.battery_test.enabled"):
            return
        await self._send("battery_test", "test.battery.start", state, commands)

    def _test_args(self):
        get = self.setting
        return (get("schedules.battery_test.day"), get("schedules.battery_test.time"),
                get("schedules.battery_test.weeks"), get("schedules.battery_test.start"))

    async def _eco(self, local, state, commands):
        get = self.setting
        inside = bool(get("schedules.eco.enabled")) and due.inside(
            get("schedules.eco.periods"), local)
        first = self._eco_inside is None
        if inside == self._eco_inside or (first and not inside):
            self._eco_inside = inside      # at start, only a period under way is acted upon
            return
        self._eco_inside = inside
        if ("ECO" in (state.get("ups.status") or "").split()) == inside:
            self._record("eco", ECO[inside], "not needed: the UPS is already in that mode")
            return
        await self._send("eco", ECO[inside], state, commands)

    def _facts(self, now, state):
        """What the plug modes look at: on battery, charge, runtime, time on battery."""
        on_battery = "OB" in (state.get("ups.status") or "").split()
        if not on_battery:
            self._ob_since = None
        elif self._ob_since is None:
            self._ob_since = now
        elapsed = now - self._ob_since if on_battery else 0
        reported = state.get("battery.runtime.elapsed")   # the UPS's own count (VU-MAP)
        if on_battery and isinstance(reported, (int, float)):
            elapsed = max(elapsed, reported)
        self._on_battery_s = elapsed if on_battery else None
        return {"on_battery": on_battery, "charge": state.get("battery.charge"),
                "runtime_s": state.get("battery.runtime"), "on_battery_s": elapsed}

    async def _powershare(self, now, state, commands):
        facts = self._facts(now, state)
        plugs = availability.plug_count(state, self.setting("powershare.plugs"))
        for n, plug in enumerate(self._plugs, 1):
            mode, value = self._mode(n)
            wanted = plug.wanted(mode, value, facts)
            if not plug.due(wanted):
                continue
            what, command = "plug%d" % n, "outlet.%d.load.%s" % (n, wanted)
            if state.get("outlet.%d.status" % n) == wanted:
                plug.done(wanted, True)
                self._record(what, command, "not needed: already " + wanted)
                continue
            plug.done(wanted, await self._send(what, command, state, commands, plugs, n))

    def _mode(self, n):
        return (self.setting("powershare.plug%d.mode" % n),
                self.setting("powershare.plug%d.value" % n))

    async def _send(self, what, command, state, commands, plugs=0, plug=1):
        """Send one scheduled control; False (and one card event) when it could not go."""
        function = "powershare" if what.startswith("plug") else what
        why = availability.why_not(state, commands, function, plugs, plug)
        if why is None:
            try:
                await self.card.ups.command(command)
                self._record(what, command, "sent")
                return True
            except CommandError as exc:
                why = str(exc)
                if why.startswith(command + " "):        # the event names the control already
                    why = why[len(command) + 1:]
        self._record(what, command, why)
        catalogue.card_event(self.card.bus, "sched.not_sent", control=control_text(command),
                             by="plug mode" if what.startswith("plug") else "schedule", why=why)
        return False

    def _record(self, what, command, result):
        self.last[what] = {"time": self.card.clock.now(), "control": command, "result": result}

    # --- operations ------------------------------------------------------------------------------
    def operations(self):
        return {"schedules.status": self._status, "powershare.set": self._plug_control}

    async def _status(self, args, caller):
        return self.status()

    async def _plug_control(self, args, caller):
        """The manual's "Plugs control": admin only, for a plug without a mode."""
        if not is_admin(caller):
            raise OpError("power share plugs are controlled by the admin only")
        plug = int_arg(args, "plug", None, 1, settings.PLUGS)
        wanted = args.get("state")
        if wanted not in ("on", "off"):
            raise OpError("state must be on or off")
        mode = self._mode(plug)[0]
        if mode != "manual":
            raise OpError("plug %d is in mode %s, and the UPS ignores the plugs control while a "
                          "plug has a mode: set powershare.plug%d.mode=manual first"
                          % (plug, settings.MODE_LABELS[mode], plug))
        state, commands = self.card.state, self.card.ups.commands()
        plugs = availability.plug_count(state, self.setting("powershare.plugs"))
        command = "outlet.%d.load.%s" % (plug, wanted)
        why = availability.why_not(state, commands, "powershare", plugs, plug)
        if why is not None:
            raise OpError("%s not sent: %s" % (command, why), "failed")
        try:
            await self.card.ups.command(command)
        except CommandError as exc:
            raise OpError(str(exc), "failed")
        self._record("plug%d" % plug, command, "sent by %s via %s" % (caller.user, caller.via))
        return {"sent": command, "plug": plug, "state": wanted}

    # --- status ----------------------------------------------------------------------------------
    def status(self):
        get, state = self.setting, self.card.state
        commands = self.card.ups.commands()
        local = self.card.clock.local() if self.card.clock is not None else 0
        nxt = due.next_test(local, *self._test_args()) * 60
        plugs = availability.plug_count(state, get("powershare.plugs"))
        out = {
            "battery_test": {
                "enabled": get("schedules.battery_test.enabled"),
                "why_unavailable": availability.why_not(state, commands, "battery_test"),
                "next": format_time(nxt), "next_in_days": int((nxt - local) // 86400),
                "last": self.last.get("battery_test")},
            "eco": {"enabled": get("schedules.eco.enabled"),
                    "why_unavailable": availability.why_not(state, commands, "eco"),
                    "periods": get("schedules.eco.periods"),
                    "in_period": bool(self._eco_inside), "last": self.last.get("eco")},
            "powershare": {"plugs": plugs, "on_battery_s": self._on_battery_s, "plug": []},
            "error": self.error,
        }
        for n in range(1, settings.PLUGS + 1):
            mode, value = self._mode(n)
            out["powershare"]["plug"].append({
                "plug": n, "mode": mode, "value": value,
                "state": state.get("outlet.%d.status" % n),
                "why_unavailable": availability.why_not(state, commands, "powershare", plugs, n),
                "last": self.last.get("plug%d" % n)})
        return out
