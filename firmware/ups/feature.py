"""The UPS link feature: opens the board's serial line and runs the poller on it."""

from firmware.card.feature import Feature
from firmware.platform import compat
from firmware.ups import settings
from firmware.ups.ops import UpsOps
from firmware.ups.poller import Poller
from firmware.ups.trace import FrameTrace


class Ups(Feature):
    """Owns the serial line; the only writer of UPS data (UpsState)."""

    name = "poller"
    title = "UPS link"
    SETTINGS = settings.ROWS

    def __init__(self, card):
        super().__init__(card)
        self.poller = None
        self.transport = None
        self._task = None

    @property
    def serial_path(self):
        return self.card.serial_path or self.card.board.serial_device

    async def start(self):
        # OSError (no such device, in use) or ValueError: the card reports it and retries.
        # Traced so the serial debug page can show the frames (off until asked: upsdebug.set).
        clock = self.card.clock
        self.transport = FrameTrace(self.card.board.open_serial(self.serial_path, self.config),
                                    now=clock.now if clock is not None else None)
        self.poller = Poller(self.config, self.card.state, self.card.bus, self.transport)
        self.card.ups.attach(self.poller)
        self._task = compat.create_task(self.poller.run())

    async def stop(self):
        self.card.ups.detach()
        if self.poller is not None:
            # Cancelling alone can be lost in a wait_for that completes at the same moment
            # (CPython gh-86296); stop() makes the poll loop end after its current step anyway.
            self.poller.stop()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except BaseException:  # cancelled or failed: either way it is over
                pass
            self._task = None
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    async def apply(self, changed):
        """Every poll.* and serial.* setting applies to the running poller."""
        self.poller.configure(self.config)

    def operations(self):
        return UpsOps(self).table()

    def status(self):
        out = self.poller.status() if self.poller is not None else {"detected": False}
        out["serial"] = self.serial_path
        return out
