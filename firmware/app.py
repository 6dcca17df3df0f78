"""Composition root: builds the card's components from the configuration and wires them together.

    board --serial--> Poller --commit--> UpsState --subscribers--> EventEngine -> bus -> Logs
                        ^                    |
                        | command()          +--read on request--> NUT server, status socket
                        +--------------------------- INSTCMD

Each component reads its own options in its constructor and exposes status(); this module only
creates them in order, connects them and starts/stops them. Components that are not available on
a board (or not built yet) are simply absent from status().
"""

import os

from firmware import compat
from firmware.core import config as config_mod
from firmware.core import nut_users
from firmware.core.eventbus import EventBus
from firmware.core.model import DEVICE, UpsState

VERSION = "0.1.0"
CONFIG_NAME = "config.json"


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
    """The running card: state, event bus, poller, servers."""

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
        self.events = None
        self.logs = None
        self.samplers = []
        self.status_socket = None
        self._tasks = []
        self._first_secret = None
        self.state.subscribe(self._state_changed)

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
    def _build_poller(self):
        try:
            from firmware.core.poller import Poller
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
        try:
            from firmware.core.events import EventEngine
        except ImportError:
            EventEngine = None
        if EventEngine is not None:
            self.events = EventEngine(self.state, self.bus)
        if not self.data_dir:
            return
        try:
            from firmware.core.history import ExtendedAggregator, HistorySampler
            from firmware.core.logs import Logs
        except ImportError:
            return
        folder = os.path.join(self.data_dir, "logs")
        try:
            os.mkdir(folder)
        except OSError:
            pass  # already there (or unwritable: the first write reports it)
        self.logs = Logs(folder, bus=self.bus, config=self.config)
        self.samplers = [HistorySampler(self.state, self.logs, self.config),
                         ExtendedAggregator(self.state, self.logs, self.config)]

    def _build_nut(self):
        from firmware.core.nut_server import NutServer

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

    def _description(self):
        device = self.state.device
        what = device.get("range") or "UPS"
        return "%s %s" % (self.config.get("system.name"), what)

    def _state_changed(self, state, changed):
        if DEVICE in changed and self.nut is not None:
            self.nut.ctx.description = self._description()

    # --- life cycle ----------------------------------------------------------------------
    async def start(self):
        self.started = compat.epoch_time()
        self._build_events_and_logs()
        self._build_poller()
        if self.poller is not None:
            self._tasks.append(compat.create_task(self.poller.run()))
        for sampler in self.samplers:
            self._tasks.append(compat.create_task(sampler.run()))
        if self.config.get("nut.enabled"):
            self._build_nut()
            await self.nut.start()
        if self.data_dir:
            try:
                from firmware.services.status_socket import SOCKET_NAME, StatusSocket
            except ImportError:  # MicroPython: no unix sockets; status goes through NUT/web
                pass
            else:
                self.status_socket = StatusSocket(os.path.join(self.data_dir, SOCKET_NAME),
                                                  self.status)
                await self.status_socket.start()
        self.bus.card("I", "card.started", "NET VISION started")

    async def stop(self):
        if self.poller is not None and hasattr(self.poller, "stop"):
            # Cancelling alone can be lost in a wait_for that completes at the same moment
            # (CPython gh-86296); stop() makes the poll loop end after its current step anyway.
            self.poller.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            try:
                await task
            except BaseException:  # cancelled or failed: either way it is over
                pass
        self._tasks = []
        if self.nut is not None:
            await self.nut.stop()
        if self.status_socket is not None:
            await self.status_socket.stop()
        if self.transport is not None:
            self.transport.close()
            self.transport = None

    def endpoints(self):
        """name -> address of every service this card offers."""
        out = {}
        if self.nut is not None:
            host = self.nut.bind if self.nut.bind not in ("0.0.0.0", "") else "127.0.0.1"
            out["nut"] = "%s:%d" % (host, self.nut.port)
        if self.status_socket is not None:
            out["status"] = self.status_socket.path
        return out

    def status(self):
        """JSON-safe snapshot of the whole card."""
        out = {
            "card": {"version": VERSION, "board": self.board.name, "started": self.started,
                     "uptime_s": (compat.epoch_time() - self.started) if self.started else 0,
                     "serial": self.serial_path, "serial_error": self.serial_error,
                     "endpoints": self.endpoints()},
            "board": self.board.status(),
            "ups": self.state.status(),
            "events": list(self.bus.recent[-20:]),
        }
        if self.poller is not None:
            out["poller"] = self.poller.status()
        if self.nut is not None:
            out["nut"] = self.nut.status()
        if self.events is not None:
            out["events_engine"] = self.events.status()
        if self.logs is not None:
            out["logs"] = self.logs.status()
            out["history"] = [s.status() for s in self.samplers]
        return out
