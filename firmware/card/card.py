"""The composition root: runs the features of the feature list, in order, and nothing else.

    config = open_config(board, data_dir, bus)          # the settings of every feature
    card = Card(board, config, bus, data_dir=..., serial_path=...)
    await card.start()          # each feature in turn; one that fails is reported and retried
    card.status()               # JSON-safe snapshot of the whole card
    await card.settled()        # setting changes taken into account by their features
    await card.stop()           # in reverse order

What the features share are these small named interfaces, never each other's attributes:

    state      UpsState, the single source of truth (only the ups feature writes it)
    bus        EventBus: every event, stamped by the card clock
    config     Config: every feature's settings, checked by one schema
    clock      the card clock (the time feature, first in the list, sets it)
    ups        UpsLink: command(), commands(), set_ups_clock() (the ups feature attaches its poller)
    accounts   admin_secret(), user_access() (the accounts feature)
    identity() name, location and contact of the card (the system.* settings, owned here)
    clients    () -> the NUT server's client table, [{address, user, connected, primary}]
               (the nut feature provides it; None while it does not run)
    nut        fsd(on), annotate(note): what the servers (NUT clients) are told (the nut feature)

Each feature runs in a FeatureRun (firmware/card/runner.py): one that cannot start stops nothing
else, is reported and retried.
"""

from firmware import VERSION
from firmware.card import features, settings
from firmware.card.runner import FeatureRun
from firmware.platform import compat, durable
from firmware.settings.config import Config
from firmware.state import catalogue
from firmware.state.ups import UpsState
from firmware.ups.link import UpsLink

CONFIG_NAME = "config.json"
BOOT_MARKER = "booted"         # present once the data folder has seen a start: warm boots
STATUS_KEYS = ("card", "board", "config", "ups", "recent_events")   # the card's own in status()


def open_config(board, data_dir=None, bus=None):
    """The card's configuration (data_dir/config.json) with the board's defaults."""
    path = data_dir + "/" + CONFIG_NAME if data_dir else None
    return Config(features.schema(), path, bus=bus, board_defaults=board.config_defaults())


class Card:
    """The running card: the features of the list, their shared interfaces, their life cycle."""

    def __init__(self, board, config, bus, data_dir=None, serial_path=None,
                 feature_classes=None):
        self.board = board
        self.config = config
        self.bus = bus
        self.data_dir = data_dir
        self.serial_path = serial_path
        self.state = UpsState()
        self.ups = UpsLink()
        self.clock = None
        self.accounts = None
        self.clients = None
        self.nut = None
        self.started = None
        self.boot = None
        self._applying = []
        self._runs = [FeatureRun(cls(self), bus)
                      for cls in (feature_classes or features.FEATURES)]
        names = [run.feature.name for run in self._runs]
        for name in names:   # each feature's status has its own key beside the card's own
            if names.count(name) > 1 or name in STATUS_KEYS:
                raise ValueError("feature name %r is taken" % name)
        config.subscribe(self._settings_changed)

    # --- shared interfaces -----------------------------------------------------------------------
    def identity(self):
        """The card's name, location and contact, as SNMP, e-mail and the NUT server show them."""
        return {k: self.config.get("system." + k) for k in settings.IDENTITY}

    def features(self):
        """The features of this card, in start order."""
        return [run.feature for run in self._runs]

    def feature(self, name):
        """The feature named `name`, or None (for status pages and tests, not for features)."""
        for run in self._runs:
            if run.feature.name == name:
                return run.feature
        return None

    def operations(self):
        """{op: async fn(args, user)} of every feature: what every management interface calls."""
        ops = {}
        for run in self._runs:
            ops.update(run.feature.operations())
        return ops

    # --- life cycle ------------------------------------------------------------------------------
    async def start(self):
        self.started = self.clock.now() if self.clock is not None else compat.epoch_time()
        self._boot_event()
        if self.config.report.get("source") == "backup":
            # The checksum failed and the last good copy was loaded: write it back as the main
            # file so the next boot starts clean.
            try:
                self.config.save()
            except OSError as exc:
                print("configuration not rewritten:", exc)
        for run in self._runs:
            await run.start()

    async def stop(self):
        for task in self._applying:
            task.cancel()
        for run in reversed(self._runs):
            await run.stop()

    def _boot_event(self):
        """Cold boot on the first start of a data folder, warm boot afterwards (manual §18.5)."""
        cold = True
        if self.data_dir:
            marker = self.data_dir + "/" + BOOT_MARKER
            cold = not durable.exists(marker)
            if cold:
                try:
                    with open(marker, "w") as f:
                        f.write("%d\n" % int(self.started))
                except OSError:
                    pass            # a read-only folder boots cold each time: still logged
        self.boot = "cold" if cold else "warm"
        catalogue.card_event(self.bus, "boot." + self.boot)

    # --- settings changed while running ----------------------------------------------------------
    def _settings_changed(self, changed, via=None, user=None):
        try:
            task = compat.create_task(self._apply(changed))
        except RuntimeError:       # no event loop (tests of the configuration alone)
            return
        self._applying.append(task)

    async def _apply(self, changed):
        """Each feature takes its changed settings; what could not be, by feature."""
        out = {"not_applied": {}, "not_running": {}}
        for run in self._runs:
            result = await run.apply(changed)
            if result is not None:
                out[result[0]][run.feature.name] = result[1]
        return out

    async def settled(self):
        """Wait until every setting change so far is taken into account; what could not be
        (see _apply), for the answer to the interface that made the change."""
        out = {"not_applied": {}, "not_running": {}}
        while self._applying:
            task = self._applying.pop(0)
            try:
                result = await task
            except BaseException:   # cancelled at stop: nothing more to report
                continue
            for key in out:
                out[key].update(result[key])
        return out

    # --- status ----------------------------------------------------------------------------------
    def endpoints(self):
        """name -> address of every service this card offers."""
        out = {}
        for run in self._runs:
            if run.running:
                out.update(run.feature.endpoints())
        return out

    def status(self):
        """JSON-safe snapshot of the whole card."""
        now = self.clock.now() if self.clock is not None else compat.epoch_time()
        out = {
            "card": {"version": VERSION, "board": self.board.name, "started": self.started,
                     "uptime_s": (now - self.started) if self.started else 0,
                     "boot": self.boot, "identity": self.identity(),
                     "endpoints": self.endpoints(),
                     "features": {run.feature.name: run.status() for run in self._runs}},
            "board": self.board.status(),
            "config": self.config.status(),
            "ups": self.state.status(),
            "recent_events": list(self.bus.recent[-20:]),
        }
        for run in self._runs:
            try:
                out[run.feature.name] = run.feature.status()
            except Exception as exc:  # a status page must show the rest of the card
                out[run.feature.name] = {"error": "status unavailable: %r" % (exc,)}
        return out
