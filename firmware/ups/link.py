"""UpsLink: how features other than the poller reach the UPS (commands and its clock).

The ups feature attaches its poller while it runs; before that, or while the serial line is
unavailable, every request is refused with CommandError("no UPS link"). Consumers (NUT INSTCMD,
the time synchronisation, later the web, SNMP SET and the shutdown manager) keep this one object
for the card's lifetime, whatever happens to the poller behind it.
"""

from firmware.ups.commands import CommandError


class UpsLink:
    """The one command path to the UPS, stable across restarts of the poller."""

    def __init__(self):
        self._poller = None

    def attach(self, poller):
        self._poller = poller

    def detach(self):
        self._poller = None

    @property
    def connected(self):
        return self._poller is not None

    async def command(self, name, value=None):
        """Send a NUT instant command (CommandError when refused)."""
        if self._poller is None:
            raise CommandError("%s refused: no UPS link" % name)
        return await self._poller.command(name, value)

    def commands(self):
        """The command names that can be sent now."""
        return [] if self._poller is None else self._poller.commands()

    async def set_ups_clock(self, epoch_seconds):
        """Write the UPS date and time (local wall-clock seconds)."""
        if self._poller is None:
            raise CommandError("set clock refused: no UPS link")
        return await self._poller.set_ups_clock(epoch_seconds)
