"""Composition root: builds the card's components from the configuration and wires them together.

    board --serial--> Poller --commit--> UpsState --subscribers--> EventEngine --> bus
                        ^  ^                 |                                    |
                        |  | set_ups_clock   +--read on request--> NUT server,     +--> Logs (rings)
                        |  +---- TimeSync <-- Clock (zone, DST)   local admin      +--> AlarmTable
                        +--------------------------- INSTCMD      socket

    Config --bus--> change / checksum events;  Config --subscribe--> Clock, TimeSync, samplers

Each component reads its own options in its constructor and exposes status(); this module only
creates them in order, connects them, re-applies settings when they change and starts/stops them.
Components that are not available on a board (or not built yet) are simply absent from status().
Every event is stamped by the card clock (eventbus.set_time_source), so logs, alarm table and CSV
exports agree with the time the user set.
"""

import os

from firmware.platform import compat
from firmware.state import catalogue, bus as eventbus
from firmware.settings import config as config_mod
from firmware.nut import users as nut_users
from firmware.state.bus import EventBus
from firmware.state.ups import DEVICE, UpsState

VERSION = "0.1.0"
CONFIG_NAME = "config.json"
BOOT_MARKER = "booted"             # present once the data folder has seen a start: warm boots
TIME_KEYS = ("time.zone", "time.dst")
SYNC_KEYS = ("time.ntp_server", "time.ntp_period", "time.nts", "time.sync_ups")
NTS_UNMANAGED = "NTS needs chronyd managing the system clock, which this board does not do"


def load_board(name):
    """The board object for a board name; ValueError for boards this build cannot run."""
    if name == "sim":
        from firmware.hal.sim import SimBoard
        return SimBoard()
    raise ValueError("board %r is not supported yet (supported: sim)" % name)


def open_config(board, data_dir, bus=None):
    """The card's configuration in data_dir/config.json with the board's defaults."""
    path = os.path.join(data_dir, CONFIG_NAME) if data_dir else None
    return config_mod.Config(path, bus=bus, board_defaults=board.config_defaults())


class App:
    """The running card: state, event bus, clock, poller, logs, servers."""

    def __init__(self, config, board, bus=None, serial_path=None, data_dir=None):
        self.config = config
        self.board = board
        self.bus = bus or EventBus()
        self.serial_path = serial_path
        self.data_dir = data_dir
        self.state = UpsState()
        self.started = None
        self.transport = None
        self.serial_error = None
        self.poller = None
        self.nut = None
        self.clock = None
        self.events = None
        self.alarms = None
        self.logs = None
        self.samplers = {}             # "history" / "extended" -> sampler
        self.timesync = None
        self.chrony = None
        self.nts_error = None
        self.admin = None              # the local management socket
        self.boot = None               # "cold" or "warm"
        self._tasks = {}               # name -> task
        self._first_secret = None
        self.state.subscribe(self._state_changed)
        config.subscribe(self._config_changed)

    # --- accounts ------------------------------------------------------------------------
    def admin_secret(self):
        """Hash of the card's admin password (the board's first-access one until it is set)."""
        stored = self.config.get("auth.admin_password") if "auth.admin_password" in \
            config_mod.SCHEMA else ""
        if stored:
            return stored
        if self._first_secret is None:
            # Kept only in memory, as a hash: the first-access password is derived, not stored.
            self._first_secret = nut_users.hash_password(self.board.first_password)
        return self._first_secret

    # --- wiring --------------------------------------------------------------------------
    def _build_clock(self):
        from firmware.clock.clock import Clock
        self.clock = Clock.from_config(self.config, self.bus)
        eventbus.set_time_source(self.clock.now)

    def _build_poller(self):
        try:
            from firmware.ups.poller import Poller
        except ImportError as exc:  # a build without the poller still serves what it has
            self.serial_error = "poller unavailable: %s" % exc
            return
        try:
            self.transport = self.board.open_serial(self.serial_path, self.config)
        except (OSError, ValueError) as exc:
            self.serial_error = str(exc)
            self.bus.card("W", "serial.error", "UPS serial port unavailable: %s" % exc)
            return
        self.poller = Poller(self.config, self.state, self.bus, self.transport)

    def _build_events_and_logs(self):
        """Status/alarm changes -> events on the bus; the bus and samplers -> the ring logs."""
        from firmware.events.alarms import AlarmTable
        from firmware.events.engine import EventEngine
        self.events = EventEngine(self.state, self.bus, self.clock)
        self.alarms = AlarmTable(self.bus, self.clock)
        if not self.data_dir:
            return
        try:
            from firmware.logs.samplers import Clock as SamplerClock
            from firmware.logs.samplers import ExtendedAggregator, HistorySampler
            from firmware.logs.logs import LOGS, Logs
        except ImportError:
            return
        folder = os.path.join(self.data_dir, "logs")
        try:
            os.mkdir(folder)
        except OSError:
            pass  # already there (or unwritable: the first write reports it)
        # Events published before the logs existed (the configuration's checksum error and the
        # changes made by `run --set`) are in the bus's recent list: log them now, in order.
        earlier = list(self.bus.recent)
        self.logs = Logs(folder, bus=self.bus, config=self.config)
        event_logs = {row[2]: name for name, row in LOGS.items() if row[0] == "event"}
        for event in earlier:
            if event.get("source") in event_logs:
                self.logs.record_event(event_logs[event["source"]], event)
        # Open the logs already on disk now, so a schema change is detected (and its event
        # logged) at boot rather than at the first use.
        for name, row in LOGS.items():
            if _exists(folder + "/" + row[1]):
                self.logs.log(name)
        card_time = _CardTime(SamplerClock, self.clock)
        self.samplers = {"history": HistorySampler(self.state, self.logs, self.config, card_time),
                         "extended": ExtendedAggregator(self.state, self.logs, self.config,
                                                        card_time)}

    def _boot_event(self):
        """Cold boot on the first start of a data folder, warm boot afterwards (manual §18.5)."""
        cold = True
        if self.data_dir:
            marker = os.path.join(self.data_dir, BOOT_MARKER)
            cold = not _exists(marker)
            if cold:
                try:
                    with open(marker, "w") as f:
                        f.write("%d\n" % int(self.clock.now()))
                except OSError:
                    pass            # a read-only folder boots cold each time: still logged
        self.boot = "cold" if cold else "warm"
        catalogue.card_event(self.bus, "boot." + self.boot)

    def _build_timesync(self):
        from firmware.clock.timesync import TimeSync
        self.timesync = TimeSync.from_config(self.config, self.clock, self.bus,
                                             poller=self.poller, state=self.state)
        self._apply_nts()

    def _apply_nts(self):
        """With time.nts on, chronyd (where the board runs it) syncs the system clock."""
        self.nts_error = None
        if not self.config.get("time.nts"):
            if self.chrony is not None:
                self._spawn("chrony", self._chrony(False))
            return
        sourcedir = getattr(self.board, "chrony_sourcedir", None)
        if not sourcedir:
            # Never fall back to unauthenticated NTP when NTS was asked for: report it instead.
            self.nts_error = NTS_UNMANAGED
            catalogue.card_event(self.bus, "ntp.failed", server=self.config.get(
                "time.ntp_server"), error=NTS_UNMANAGED)
            return
        if self.chrony is None:
            from firmware.clock.chrony import ChronyService
            self.chrony = ChronyService(sourcedir)
        self._spawn("chrony", self._chrony(True))

    async def _chrony(self, on):
        import asyncio
        host, port = self.timesync.host, self.timesync.port
        try:
            if on and host:
                await asyncio.get_running_loop().run_in_executor(
                    None, self.chrony.apply, host, True, port if port != 123 else None)
            else:
                await asyncio.get_running_loop().run_in_executor(None, self.chrony.remove)
        except (OSError, ValueError, RuntimeError) as exc:
            self.nts_error = str(exc)
            catalogue.card_event(self.bus, "ntp.failed", server=host, error=str(exc))

    def _build_nut(self):
        from firmware.nut.server import NutServer

        poller = self.poller

        async def command(name, value=None):
            if poller is None:
                raise RuntimeError("no UPS link")
            await poller.command(name, value)

        self.nut = NutServer(
            self.config, self.state, bus=self.bus, command=command,
            commands=(poller.commands if poller is not None else (lambda: [])),
            description=self._description(),
            fixed={"driver.name": "opennmc", "driver.version": VERSION},
            admin_secret=self.admin_secret)

    async def _start_admin(self):
        try:
            from firmware.admin.local_socket import SOCKET_NAME, LocalAdmin
            from firmware.admin.ops import AdminOps
        except ImportError:  # MicroPython: no unix sockets; management goes through the web UI
            return
        self.admin = LocalAdmin(os.path.join(self.data_dir, SOCKET_NAME), AdminOps(self).handle)
        await self.admin.start()

    def _description(self):
        device = self.state.device
        what = device.get("range") or "UPS"
        return "%s %s" % (self.config.get("system.name"), what)

    def _state_changed(self, state, changed):
        if DEVICE in changed and self.nut is not None:
            self.nut.ctx.description = self._description()

    def _config_changed(self, changed, via=None, user=None):
        """Settings changed while running take effect at once."""
        get = self.config.get
        if self.clock is not None and any(k in changed for k in TIME_KEYS):
            self.clock.configure(zone=get("time.zone"), dst=get("time.dst"))
        if self.timesync is not None and any(k in changed for k in SYNC_KEYS):
            self.timesync.configure(get("time.ntp_server"), get("time.ntp_period"),
                                    get("time.nts"), get("time.sync_ups"))
            if "time.nts" in changed or (get("time.nts") and "time.ntp_server" in changed):
                self._apply_nts()
        # A sampler sleeps a whole period: restart it so a new interval counts from now.
        for name, key in (("history", "log.history_interval"),
                          ("extended", "log.extended_interval")):
            if key in changed and name in self._tasks:
                self._tasks.pop(name).cancel()
                self._spawn(name, self.samplers[name].run())

    def tz(self, utc):
        """Seconds to add to a UTC instant for the card's local time (CSV exports)."""
        return self.clock.local(utc) - utc

    # --- life cycle ----------------------------------------------------------------------
    def _spawn(self, name, coro):
        old = self._tasks.get(name)
        if old is not None and not old.done():
            old.cancel()
        self._tasks[name] = compat.create_task(coro)

    async def start(self):
        self._build_clock()
        self.started = self.clock.now()
        self._build_events_and_logs()
        self._boot_event()
        if self.config.report.get("source") == "backup":
            # The checksum failed and the last good copy was loaded: write it back as the main
            # file so the next boot starts clean (the previous copy is left as it is).
            try:
                self.config.save()
            except OSError as exc:
                print("configuration not rewritten:", exc)
        self._build_poller()
        if self.poller is not None:
            self._spawn("poller", self.poller.run())
        for name, sampler in self.samplers.items():
            self._spawn(name, sampler.run())
        self._build_timesync()
        self._spawn("timesync", self.timesync.run())
        if self.config.get("nut.enabled"):
            self._build_nut()
            await self.nut.start()
        if self.data_dir:
            await self._start_admin()

    async def stop(self):
        if self.poller is not None and hasattr(self.poller, "stop"):
            # Cancelling alone can be lost in a wait_for that completes at the same moment
            # (CPython gh-86296); stop() makes the poll loop end after its current step anyway.
            self.poller.stop()
        tasks = list(self._tasks.values())
        self._tasks = {}
        for task in tasks:
            task.cancel()
        for task in tasks:
            try:
                await task
            except BaseException:  # cancelled or failed: either way it is over
                pass
        if self.admin is not None:
            await self.admin.stop()
        if self.nut is not None:
            await self.nut.stop()
        if self.transport is not None:
            self.transport.close()
            self.transport = None
        if self.events is not None:
            self.events.close()
        if self.logs is not None:
            self.logs.close()
        if self.clock is not None and eventbus._time_source == self.clock.now:
            eventbus.set_time_source(None)

    def endpoints(self):
        """name -> address of every service this card offers."""
        out = {}
        if self.nut is not None:
            host = self.nut.bind if self.nut.bind not in ("0.0.0.0", "") else "127.0.0.1"
            out["nut"] = "%s:%d" % (host, self.nut.port)
        if self.admin is not None:
            out["status"] = self.admin.path
        return out

    def time_status(self):
        """The card clock, NTP/NTS and UPS clock state (`opennmc time show`)."""
        out = {"clock": self.clock.status() if self.clock is not None else None}
        if self.timesync is not None:
            out["sync"] = self.timesync.status()
        out["nts"] = {"wanted": bool(self.config.get("time.nts")),
                      "managed_by_board": bool(getattr(self.board, "chrony_sourcedir", None)),
                      "error": self.nts_error,
                      "chrony": self.chrony.status() if self.chrony is not None else None}
        return out

    def status(self):
        """JSON-safe snapshot of the whole card."""
        now = self.clock.now() if self.clock is not None else compat.epoch_time()
        out = {
            "card": {"version": VERSION, "board": self.board.name, "started": self.started,
                     "uptime_s": (now - self.started) if self.started else 0,
                     "boot": self.boot,
                     "serial": self.serial_path, "serial_error": self.serial_error,
                     "endpoints": self.endpoints()},
            "board": self.board.status(),
            "config": self.config.status(),
            "ups": self.state.status(),
            "events": list(self.bus.recent[-20:]),
        }
        if self.clock is not None:
            out["time"] = self.time_status()
        if self.poller is not None:
            out["poller"] = self.poller.status()
        if self.nut is not None:
            out["nut"] = self.nut.status()
        if self.events is not None:
            out["events_engine"] = self.events.status()
        if self.alarms is not None:
            out["alarms"] = self.alarms.status()
        if self.logs is not None:
            out["logs"] = self.logs.status()
            out["history"] = [s.status() for s in self.samplers.values()]
        return out


def _exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


def _CardTime(base, card_clock):
    """A sampler clock (history.Clock: ticks_for, now) whose now() is the card clock."""
    class CardTime(base):
        def now(self):
            return card_clock.now()
    return CardTime(1)
