"""Time synchronisation: NTP on a period, "Synchronise UPS" and "Update Now" (manual §15.1).

    sync = TimeSync(clock, bus, ups=link, state=state, server="pool.ntp.org", period="day")
    await sync.sync_now()          # one SNTP exchange; steps the card clock (card event)
    await sync.update_ups_now()    # "Update Now": write the card's local time to the UPS
    await sync.run()               # forever: NTP every hour/day/week/month, UPS after each change

Periods: hour 3600 s, day 86400 s, week 7 days, month 30 days. A failed exchange publishes "Ntp Time
Server Connected Failed" and is retried after RETRY_S (or the period when that is shorter). An
offset below STEP_MIN_MS is left alone: the card logs to the second and a step each poll would
flood the card log with "Time changed by server".

With time.nts on, the card does not query the server itself: NTS needs the TLS key exchange that
chronyd performs (firmware/hal/chrony.py), and chronyd then disciplines the system clock the
card clock follows.

The UPS has no notion of time zone: it is given the card's local wall-clock time (UTC + zone +
DST) as epoch-like seconds, which is what its display should show. With time.sync_ups on, each
change of the card time is written to the UPS.
"""

from firmware.platform import compat
from firmware.state import catalogue
from firmware.clock.settings import NTP_PORT, PERIODS, parse_server
from firmware.clock.sntp import SntpClient, SntpError

RETRY_S = 300
STEP_MIN_MS = 500


class TimeSync:
    """NTP exchanges on a period and the UPS clock; settings are applied with configure()."""

    def __init__(self, clock, bus=None, ups=None, state=None, client=None, server="",
                 period="off", nts=False, sync_ups=False):
        self.clock = clock
        self.bus = bus
        self.ups = ups                 # the UPS link: set_ups_clock(local epoch)
        self.state = state
        self.client = client or SntpClient(clock.now_ms)
        self.server = ""
        self.host, self.port = "", NTP_PORT
        self.period = "off"
        self.nts = False
        self.sync_ups = False
        self.configure(server, period, nts, sync_ups)
        self.last_sync = None          # card UTC of the last good exchange
        self.last_result = None
        self.last_error = None
        self.failures = 0
        self.ups_error = None
        self.ups_writes = 0
        self._ups_pending = False
        self._due = None               # ticks_ms of the next NTP exchange; None: at once
        clock.subscribe(self._on_clock_change)

    def configure(self, server=None, period=None, nts=None, sync_ups=None):
        """Apply settings checked by the schema (firmware/clock/settings.py); the next exchange
        is due at once."""
        host, port = self.host, self.port
        if server is not None and server != "":
            host, port = parse_server(server)
        if server is not None:
            self.server = server.strip()
            self.host, self.port = (host, port) if self.server else ("", NTP_PORT)
        if period is not None:
            self.period = period
        if nts is not None:
            self.nts = bool(nts)
        if sync_ups is not None:
            self.sync_ups = bool(sync_ups)
        self._due = None

    def close(self):
        self.clock.unsubscribe(self._on_clock_change)

    # --- NTP -------------------------------------------------------------------------------------
    async def sync_now(self):
        """One exchange with the server; returns the SNTP result, or None when it failed."""
        try:
            if not self.host:
                raise SntpError("no NTP server configured")
            res = await self.client.query(self.host, self.port)
        except (SntpError, OSError) as exc:
            self.failures += 1
            self.last_error = str(exc)
            catalogue.card_event(self.bus, "ntp.failed", now=self.clock.now(),
                                 server=self.server, error=self.last_error)
            return None
        self.failures = 0
        self.last_error = None
        self.last_result = res
        if abs(res["offset_ms"]) >= STEP_MIN_MS:
            self.clock.step_ms(res["offset_ms"], via="server")
        self.last_sync = self.clock.now()
        return res

    # --- the UPS clock ---------------------------------------------------------------------------
    def _on_clock_change(self, via, step_ms):
        if self.sync_ups:
            self._ups_pending = True
            try:
                compat.create_task(self._flush_ups())
            except RuntimeError:       # no running loop: run() writes it on its next turn
                pass

    async def _flush_ups(self):
        if self._ups_pending:
            self._ups_pending = False
            await self.update_ups_now()

    async def update_ups_now(self):
        """"Update Now": write the card's local time to the UPS; False if refused (ups_error)."""
        setter = getattr(self.ups, "set_ups_clock", None)
        if setter is None:
            self.ups_error = "no UPS link"
            return False
        try:
            await setter(int(self.clock.local()))
        except Exception as exc:       # CommandError from the poller, or the link failed
            self.ups_error = str(exc)
            return False
        self.ups_error = None
        self.ups_writes += 1
        return True

    def ups_clock(self):
        """The UPS's own date and time as last read by the poller, if it has a clock."""
        if self.state is None:
            return None
        date, time_ = self.state.get("ups.date"), self.state.get("ups.time")
        if date is None and time_ is None:
            return None
        return {"date": date, "time": time_}

    # --- the loop --------------------------------------------------------------------------------
    def next_delay_ms(self):
        """Milliseconds until the next NTP exchange, or None when none is scheduled."""
        if self.nts or not self.host or not PERIODS[self.period]:
            return None
        if self._due is None:
            return 0
        return max(0, compat.ticks_diff(self._due, compat.ticks_ms()))

    async def run(self):
        while True:
            await self._flush_ups()
            delay = self.next_delay_ms()
            if delay == 0:
                ok = await self.sync_now() is not None
                period = PERIODS[self.period]
                wait_s = period if ok else min(period, RETRY_S)
                self._due = compat.ticks_add(compat.ticks_ms(), wait_s * 1000)
                continue
            # Short naps so a configuration change or a clock change is acted on within a second.
            await compat.sleep_ms(1000 if delay is None else min(delay, 1000))

    def status(self):
        res = self.last_result or {}
        return {
            "server": self.server, "period": self.period, "nts": self.nts,
            "sync_ups": self.sync_ups, "last_sync": self.last_sync,
            "offset_ms": res.get("offset_ms"), "delay_ms": res.get("delay_ms"),
            "stratum": res.get("stratum"), "last_error": self.last_error,
            "failures": self.failures, "next_in_ms": self.next_delay_ms(),
            "ups": self.ups_clock(), "ups_error": self.ups_error, "ups_writes": self.ups_writes,
        }
