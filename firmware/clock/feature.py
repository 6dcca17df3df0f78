"""The time feature: the card clock (zone, DST), NTP or NTS, and the UPS clock (manual §15.1)."""

from firmware.card.feature import Feature
from firmware.clock import settings
from firmware.clock.clock import Clock
from firmware.clock.ops import TimeOps
from firmware.clock.timesync import TimeSync
from firmware.platform import compat
from firmware.state import catalogue

NTS_UNMANAGED = "NTS needs chronyd managing the system clock, which this board does not do"
CLOCK_KEYS = ("time.zone", "time.dst")


class Time(Feature):
    """The card clock stamps every event; it exists from the card's construction on."""

    name = "time"
    title = "Time synchronisation"
    SETTINGS = settings.ROWS

    def __init__(self, card):
        super().__init__(card)
        self.clock = Clock(self.setting("time.zone"), self.setting("time.dst"), card.bus)
        card.clock = self.clock
        card.bus.set_clock(self.clock.now)
        self.sync = None
        self.chrony = None
        self.nts_error = None
        self._task = None

    async def start(self):
        get = self.setting
        self.sync = TimeSync(self.clock, self.card.bus, ups=self.card.ups,
                             state=self.card.state, server=get("time.ntp_server"),
                             period=get("time.ntp_period"), nts=get("time.nts"),
                             sync_ups=get("time.sync_ups"))
        self._task = compat.create_task(self.sync.run())
        await self._apply_nts()

    async def stop(self):
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except BaseException:  # cancelled: it is over
                pass
            self._task = None
        if self.sync is not None:
            self.sync.close()
            self.sync = None

    async def apply(self, changed):
        get = self.setting
        if any(k in changed for k in CLOCK_KEYS):
            self.clock.configure(zone=get("time.zone"), dst=get("time.dst"))
        if any(k not in CLOCK_KEYS for k in changed):
            self.sync.configure(get("time.ntp_server"), get("time.ntp_period"), get("time.nts"),
                                get("time.sync_ups"))
            if "time.nts" in changed or (get("time.nts") and "time.ntp_server" in changed):
                await self._apply_nts()

    async def _apply_nts(self):
        """With time.nts on, chronyd (where the board runs it) syncs the system clock."""
        self.nts_error = None
        if not self.setting("time.nts"):
            if self.chrony is not None:
                await self._chrony(False)
            return
        sourcedir = getattr(self.card.board, "chrony_sourcedir", None)
        if not sourcedir:
            # Never fall back to unauthenticated NTP when NTS was asked for: report it instead.
            self.nts_error = NTS_UNMANAGED
            catalogue.card_event(self.card.bus, "ntp.failed", server=self.sync.server,
                                 error=NTS_UNMANAGED)
            return
        if self.chrony is None:
            try:
                from firmware.hal.chrony import ChronyService
            except ImportError:    # a board without subprocess cannot run chronyd either
                self.nts_error = NTS_UNMANAGED
                return
            self.chrony = ChronyService(sourcedir)
        await self._chrony(True)

    async def _chrony(self, on):
        import asyncio
        host, port = self.sync.host, self.sync.port
        try:
            if on and host:
                await asyncio.get_running_loop().run_in_executor(
                    None, self.chrony.apply, host, True, port if port != 123 else None)
            else:
                await asyncio.get_running_loop().run_in_executor(None, self.chrony.remove)
        except (OSError, ValueError, RuntimeError) as exc:
            self.nts_error = str(exc)
            catalogue.card_event(self.card.bus, "ntp.failed", server=host, error=str(exc))

    def operations(self):
        return TimeOps(self).table()

    def status(self):
        out = {"clock": self.clock.status()}
        if self.sync is not None:
            out["sync"] = self.sync.status()
        out["nts"] = {"wanted": bool(self.setting("time.nts")),
                      "managed_by_board": bool(getattr(self.card.board, "chrony_sourcedir", None)),
                      "error": self.nts_error,
                      "chrony": self.chrony.status() if self.chrony is not None else None}
        return out
