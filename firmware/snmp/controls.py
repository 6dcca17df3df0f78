"""UPS controls reached by SET: delayed shutdown and start-up, reboot, the NET VISION controls.

Every control goes out through the card's one command path (card.ups.command with a NUT
command name); a SET is refused with inconsistentValue when the UPS cannot take that command
now (no link, remote controls disabled, a command this UPS does not have), so the manager
learns it at once instead of from a silent failure later.

RFC 1628 upsControl keeps its countdowns on the card: upsShutdownAfterDelay N turns the output
off after N seconds ("shutdown.return" when upsAutoRestart is on, so the UPS starts again when
the mains return; "load.off.delay" when off), upsStartupAfterDelay N sends "load.on" after N
seconds, -1 cancels either; upsRebootWithDuration N turns the output off now and on again N
seconds later. Reading an object gives the seconds left, -1 when none runs.
"""

import asyncio
import time

from firmware.snmp.mib import INCONSISTENT_VALUE, SetError

OUTPUT, SYSTEM = 1, 2
ON, OFF = 1, 2

# NET VISION 7 upsControlStatusControl values -> NUT command names.
STATUS_CONTROL = {
    1: "experimental.standby.enable",       # upsStandbyOn
    2: "experimental.standby.disable",      # upsStandbyOff
    3: "experimental.ecomode.enable",       # upsEcoMode
    4: "experimental.ecomode.disable",      # upsNormalMode
    5: "beeper.mute",                       # upsAlarmReset
    6: "bypass.start",                      # upsOnBypass
    7: "bypass.stop",                       # upsOnInverter
}


class Controls:
    """Countdowns and command checks shared by the RFC 1628 and NET VISION control groups."""

    def __init__(self, ups, clock=time.monotonic) -> None:
        self.ups = ups
        self.clock = clock
        self.shutdown_type = OUTPUT
        self.auto_restart = ON
        self.status_control = None         # the last NET VISION status control sent
        self.muted = False
        self._timers = {}                  # "shutdown" | "startup" -> (deadline, task)
        self.sent = []                     # the last commands sent, for status()

    def require(self, name: str) -> None:
        """SetError(inconsistentValue) unless the UPS takes `name` now."""
        if name not in self.ups.commands():
            raise SetError(INCONSISTENT_VALUE, "%s is not available now" % name)

    def shutdown_command(self) -> str:
        return "shutdown.return" if self.auto_restart == ON else "load.off.delay"

    async def send(self, name: str) -> None:
        await self.ups.command(name)
        self.sent = (self.sent + [name])[-8:]

    def left(self, which: str) -> int:
        """Seconds left on a countdown, -1 when none runs."""
        timer = self._timers.get(which)
        if timer is None:
            return -1
        return max(0, int(round(timer[0] - self.clock())))

    def start_timer(self, which: str, seconds: int, command: str) -> None:
        self.cancel(which)
        task = asyncio.ensure_future(self._run(which, seconds, command))
        self._timers[which] = (self.clock() + seconds, task)

    def cancel(self, which: str) -> None:
        timer = self._timers.pop(which, None)
        if timer is not None:
            timer[1].cancel()

    async def _run(self, which: str, seconds: int, command: str) -> None:
        try:
            await asyncio.sleep(seconds)
            self._timers.pop(which, None)
            await self.send(command)
        except asyncio.CancelledError:
            raise
        except Exception as exc:   # the UPS refused it when the time came: say so, go on
            print("snmp: %s after delay failed: %s" % (command, exc))

    def close(self) -> None:
        for which in list(self._timers):
            self.cancel(which)

    def status(self) -> dict:
        return {"shutdown_in": self.left("shutdown"), "startup_in": self.left("startup"),
                "auto_restart": self.auto_restart == ON, "sent": list(self.sent)}
