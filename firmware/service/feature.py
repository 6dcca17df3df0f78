"""The service feature: tells systemd the card is ready and alive, and confirms an upgrade.

Last in the feature list: when it starts, every other feature has started (or is being retried),
so READY=1 goes to systemd then (Type=notify). While systemd asks for a watchdog (WatchdogSec),
WATCHDOG=1 is sent from the event loop every half period: a loop stuck for the whole period
gets the card restarted. STOPPING=1 at stop.

After an upgrade (firmware/upgrade/slots.py) the new release is on trial: once it has run for
HEALTHY_S seconds with its event loop turning, it confirms itself ("confirmed"); the card
event log then gets "NET VISION UPS Agent Firmware upgrade ...". The outcomes the upgrade command
and the boot guard queue in DATA/upgrade/events (refused, installed, rolled back) are logged by
whichever release runs, then removed.
"""

import json
import os

from firmware import VERSION
from firmware.card.feature import Feature
from firmware.platform import compat
from firmware.state import catalogue

HEALTHY_S = 5
EVENTS_EVERY_S = 2
UPGRADE = "upgrade"
EVENT_KINDS = ("refused", "installed", "rollback")


class Service(Feature):
    """systemd readiness and watchdog; the upgrade's health report."""

    name = "service"
    title = "System service"

    def __init__(self, card):
        super().__init__(card)
        self.notifier = None
        self.upgrade = None            # the upgrade state this release found at start
        self.logged = 0
        self._task = None

    async def start(self):
        try:
            from firmware.service.systemd import Notifier   # CPython boards
            self.notifier = Notifier.from_environment()
        except ImportError:
            self.notifier = None
        if self.notifier is not None:
            self.notifier.send("READY=1\nSTATUS=running")
        self._task = compat.create_task(self._run())

    async def stop(self):
        if self.notifier is not None:
            self.notifier.send("STOPPING=1")
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except BaseException:  # cancelled: it is over
                pass
            self._task = None

    async def apply(self, changed):
        """No settings of its own."""

    async def _run(self):
        period = self.notifier.watchdog_s / 2 if self.notifier and self.notifier.watchdog_s \
            else None
        step = min(period or EVENTS_EVERY_S, EVENTS_EVERY_S)
        started = compat.ticks_ms()
        waited = 0.0
        while True:
            if period is not None:
                self.notifier.send("WATCHDOG=1")
            self._queued_events()
            if waited >= HEALTHY_S:
                self._confirm(compat.ticks_diff(compat.ticks_ms(), started) / 1000)
            await compat.sleep_ms(int(step * 1000))
            waited += step

    # --- upgrades --------------------------------------------------------------------------------
    def _folder(self):
        return self.card.data_dir + "/" + UPGRADE if self.card.data_dir else None

    def _state(self):
        folder = self._folder()
        try:
            with open(folder + "/state.json") as f:
                return json.load(f)
        except (OSError, ValueError, TypeError):
            return {}

    def _confirm(self, uptime_s):
        """This release runs healthily: end its trial (once)."""
        state = self._state()
        if state.get("state") != "trial" or state.get("version") != VERSION:
            return
        state["state"] = "confirmed"
        state["confirmed_after_s"] = int(uptime_s)
        path = self._folder() + "/state.json"
        with open(path + ".tmp", "w") as f:
            json.dump(state, f)
        os.rename(path + ".tmp", path)
        self.upgrade = state
        catalogue.card_event(self.card.bus, "fw.upgraded", version=VERSION,
                             previous=state.get("previous"))

    def _queued_events(self):
        folder = self._folder()
        if folder is None:
            return
        try:
            names = sorted(os.listdir(folder + "/events"))
        except OSError:
            return
        for name in names:
            path = folder + "/events/" + name
            try:
                with open(path) as f:
                    item = json.load(f)
                kind, params = item["kind"], dict(item.get("params", {}))
                if kind in EVENT_KINDS:
                    catalogue.card_event(self.card.bus, "fw.%s" % kind, **params)
                    self.logged += 1
            except (OSError, ValueError, KeyError, TypeError) as exc:
                print("service: upgrade event %s: %r" % (name, exc))
            try:
                os.remove(path)
            except OSError:
                pass

    def status(self):
        return {"systemd": self.notifier is not None,
                "watchdog_s": self.notifier.watchdog_s if self.notifier else None,
                "notifications": self.notifier.sent if self.notifier else 0,
                "version": VERSION, "upgrade": self._state() or None,
                "upgrade_events_logged": self.logged}
