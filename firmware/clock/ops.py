"""Management operations on the card clock: show, set (manual or browser), NTP now, UPS clock now."""

from firmware.admin.args import OpError


def parse_manual_time(text):
    """(y, mo, d, h, mi, s) of the manual's "dd/mm/yyyy hh:mm:ss"; OpError otherwise."""
    usage = 'time must be "dd/mm/yyyy hh:mm:ss", not %r' % (text,)
    if not isinstance(text, str) or len(text) > 32:
        raise OpError(usage)
    parts = text.strip().split()
    if len(parts) not in (1, 2):
        raise OpError(usage)
    date = parts[0].split("/")
    clock = parts[1].split(":") if len(parts) == 2 else ["0", "0", "0"]
    if len(date) != 3 or len(clock) not in (2, 3):
        raise OpError(usage)
    if len(clock) == 2:
        clock.append("0")
    if not all(p.isdigit() for p in date + clock):
        raise OpError(usage)
    d, mo, y = (int(p) for p in date)
    h, mi, s = (int(p) for p in clock)
    return y, mo, d, h, mi, s


class TimeOps:
    """time.show, time.set, time.browser, time.ntp_sync, time.update_ups of the time feature."""

    def __init__(self, feature):
        self.feature = feature

    def table(self):
        return {"time.show": self.show, "time.set": self.set, "time.browser": self.browser,
                "time.ntp_sync": self.ntp_sync, "time.update_ups": self.update_ups}

    async def show(self, args, caller):
        return self.feature.status()

    async def set(self, args, caller):
        clock = self.feature.clock
        try:
            clock.set_local(*parse_manual_time(args.get("local")), via="user")
        except ValueError as exc:
            raise OpError(str(exc))
        return clock.status()

    async def browser(self, args, caller):
        clock = self.feature.clock
        try:
            clock.set_from_browser(args.get("epoch_ms"))
        except ValueError as exc:
            raise OpError(str(exc))
        return clock.status()

    async def ntp_sync(self, args, caller):
        sync = self._sync()
        if sync.nts:
            raise OpError("NTS is on: chronyd keeps the time (%s)"
                          % (self.feature.nts_error or "see time show"), "failed")
        res = await sync.sync_now()
        if res is None:
            raise OpError("NTP synchronisation failed: %s" % sync.last_error, "failed")
        return res

    async def update_ups(self, args, caller):
        sync = self._sync()
        if not await sync.update_ups_now():
            raise OpError("UPS clock not written: %s" % sync.ups_error, "failed")
        return {"written": True, "local": self.feature.clock.format()}

    def _sync(self):
        if self.feature.sync is None:
            raise OpError("time synchronisation is not running", "failed")
        return self.feature.sync
