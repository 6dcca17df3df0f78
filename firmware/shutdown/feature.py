"""The shutdown feature: the manual's shutdown management, told to servers the NUT way.

The servers are the NUT clients (upsmon, NAS boxes, Home Assistant): they see each warning as
ups.timer.shutdown counting down and an ups.alarm text (ALARM in ups.status), and the shutdown
command as FSD, on which every upsmon shuts its server down. The UPS is switched off and on
through the one command path (card.ups). Each step is a card event of the manual's list.
"""

from firmware.admin.args import OpError, bool_arg
from firmware.card.feature import Feature
from firmware.platform import compat
from firmware.shutdown import conditions, schedule, settings
from firmware.shutdown.sequence import OFF, SERVERS, WARNING, Sequence
from firmware.state import catalogue
from firmware.ups.commands import CommandError

TICK_MS = 500
SCHEDULES = ("weekly", "special_day")
LABELS = {key: label for key, label, _on in settings.EVENTS}


class Shutdown(Feature):
    """Shutdown events, their sequence, the AC-fail test and the weekly/special schedules."""

    name = "shutdown"
    title = "Shutdown management"
    SETTINGS = settings.ROWS
    RULES = settings.RULES

    def __init__(self, card):
        super().__init__(card)
        self.seq = None
        self._task = None
        self._fsd_test = False
        self._restarted = False        # the schedule's "on" time already sent load.on
        self._noted = False
        self._warning = None           # (number, seconds left) of the last warning announced
        self.failures = []

    # --- life cycle ------------------------------------------------------------------------------
    async def start(self):
        self.seq = Sequence({}, False)
        self._configure()
        if self.card.nut is not None and not self._noted:
            self.card.nut.annotate(self._note)      # once: the NUT view asks it at each request
            self._noted = True
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
        self._configure()          # a running sequence goes on with the new values

    def _configure(self):
        get = self.setting
        plan = {}
        for key, _label, _on in settings.EVENTS:
            if get("shutdown.%s.enabled" % key):
                plan[key] = (get("shutdown.%s.period" % key) * 60,
                             get("shutdown.%s.first_warning" % key),
                             get("shutdown.%s.interval" % key))
                if key in SCHEDULES:           # a schedule is there to switch the UPS off
                    plan[key] += (True,)
        self.seq.plan = plan
        self.seq.ups_off = get("shutdown.ups_off")
        self.seq.ups_off_delay_s = get("shutdown.ups_off_delay")
        self.seq.ups_on_delay_s = get("shutdown.ups_on_delay") * 60

    # --- the loop --------------------------------------------------------------------------------
    async def _run(self):
        while True:
            await self.tick()
            await compat.sleep_ms(TICK_MS)

    def present(self):
        """The events present now (UPS-driven ones from the snapshot, schedules from the clock)."""
        state = self.card.state
        found = conditions.present(state, self.setting("shutdown.battery_level"))
        local = self.card.clock.local()
        found["weekly"] = schedule.in_weekly(self.setting("shutdown.weekly"), local)
        found["special_day"] = schedule.in_special(self.setting("shutdown.special_days"), local)
        return {event for event, yes in found.items() if yes}

    async def tick(self):
        state = self.card.state
        if state.stale and self.seq.phase != WARNING:
            return                 # nothing is known: keep every step where it is
        tokens = (state.get("ups.status") or "").split()
        ups = {"mains": "OB" not in tokens, "output": "OFF" not in tokens}
        present = self.present()
        for action in self.seq.step(self.card.clock.now(), present, ups):
            await self._do(action)
        if self.seq.phase == OFF and self.seq.event in SCHEDULES and \
                self.seq.event not in present and not self._restarted:
            self._restarted = True             # the schedule's "on" time: the UPS on again
            await self._output_on()

    async def _do(self, action):
        kind, event = action[0], action[1]
        bus, label = self.card.bus, LABELS.get(event, event)
        if kind != "warning":
            self._warning = None
        if kind == "warning":
            self._warning = (action[3], action[2])
            catalogue.card_event(bus, "shutdown.warning", event=label, seconds=action[2],
                                 warning=action[3])
        elif kind == "cancel":
            catalogue.card_event(bus, "shutdown.cancel", event=label)
            self._fsd(False)
        elif kind == "servers":
            fsd = not self.seq.test or self._fsd_test
            # off_in: when the UPS output goes off, for SNMP's upsAlarmShutdownPending/Imminent
            catalogue.card_event(bus, "shutdown.request", event=label, test=self.seq.test,
                                 fsd=fsd, off_in=self.seq.deadline_s(self.card.clock.now()))
            if fsd:
                self._fsd(True)
        elif kind == "ups_off":
            self._restarted = False
            command = "shutdown.return" if self.seq.ups_on_delay_s else "load.off.delay"
            if await self._command(command):
                catalogue.card_event(bus, "shutdown.ups", command=command)
        elif kind == "ups_on":
            await self._output_on()
        elif kind == "over":
            self._fsd(False)

    async def _output_on(self):
        if await self._command("load.on"):
            catalogue.card_event(self.card.bus, "ups.output.on", command="load.on")

    async def _command(self, name):
        """Send a UPS command through the one command path; False (and an event) if refused."""
        try:
            await self.card.ups.command(name)
        except CommandError as exc:
            self.failures.append(str(exc))
            self.failures[:] = self.failures[-8:]
            catalogue.card_event(self.card.bus, "shutdown.command.refused", command=name,
                                 error=str(exc))
            return False
        return True

    def _fsd(self, on):
        if not on:
            self._fsd_test = False
        if self.card.nut is not None:
            self.card.nut.fsd(on)

    # --- what NUT clients see --------------------------------------------------------------------
    def _note(self):
        """The NUT view's annotation: the countdown and the warning text (NutContext).

        ups.timer.shutdown counts down each second; ups.alarm names the last warning announced,
        so it changes once per warning and a client watching it sees each one."""
        if self.seq is None or self.seq.phase not in (WARNING, SERVERS):
            return {}, (), None
        left = self.seq.deadline_s(self.card.clock.now())
        label = LABELS.get(self.seq.event, self.seq.event)
        extra = {} if left is None else {"ups.timer.shutdown": int(left)}
        if self.seq.phase == WARNING:
            if self._warning is None:
                return extra, (), None         # before the first warning: the countdown only
            text = "Shutdown warning %d: servers shut down in %d s: %s" % (
                self._warning + (label,))
        else:
            text = "Shutdown of the servers requested: %s" % label
        if self.seq.test:
            text += " (test)"
        return extra, (), text

    # --- operations ------------------------------------------------------------------------------
    def operations(self):
        return {"shutdown.test": self._test, "shutdown.status": self._status}

    async def _test(self, args, caller):
        """The manual's AC-fail simulation; FSD reaches the NUT clients only if asked (fsd)."""
        fsd = bool_arg(args, "fsd")
        if self.seq is None or self._task is None:    # stopped: nothing would run the test
            raise OpError("shutdown management is not running", "failed")
        if not self.setting("shutdown.ac_failed.enabled"):
            raise OpError("the AC-fail test needs the 'UPS on battery (AC Failed)' event enabled")
        if not self.seq.start_test(self.card.clock.now()):
            raise OpError("a shutdown sequence is already running (%s)" % self.seq.phase,
                          "failed")
        self._fsd_test = fsd
        catalogue.card_event(self.card.bus, "shutdown.test", user=caller.user, via=caller.via)
        return self.status()

    async def _status(self, args, caller):
        return self.status()

    def status(self):
        out = self.seq.status(self.card.clock.now()) if self.seq is not None else {"phase": "idle"}
        out["events"] = {key: {"enabled": self.setting("shutdown.%s.enabled" % key),
                               "label": label} for key, label, _on in settings.EVENTS}
        out["command_failures"] = list(self.failures)
        return out
