"""The SNMP feature: agent (v1, v2c, v3) and traps for net-snmp, NUT's snmp-ups, NMS tools.

The agent needs CPython (UDP endpoints, contextvars, pysnmp for v3): its modules are imported
when it starts, so a MicroPython build carries the settings and the feature, and the feature
reports in its status why it does not run there.
"""

from firmware.admin.args import Caller, OpError
from firmware.admin.ops import CardOps
from firmware.card.feature import Feature
from firmware.platform import compat, durable
from firmware.snmp import settings
from firmware.state import catalogue

BOOTS_FILE = "snmp-engine-boots"
LIVE = ("snmp.versions", "snmp.read_community", "snmp.write_community", "snmp.traps",
        "snmp.trap_port", "snmp.trap_filter", "snmp.attached_devices", "snmp.max_rate")


class Snmp(Feature):
    """SNMP agent over the snapshot (RFC 1628, NET VISION trees) and the trap sender."""

    name = "snmp"
    title = "SNMP agent"
    SETTINGS = settings.ROWS

    def __init__(self, card):
        super().__init__(card)
        self.counters = {}
        self.who = None
        self.m = None
        self.tree = None
        self.tracker = None
        self.controls = None
        self.server = None
        self.sender = None
        self.usm = None
        self.boots = 0
        self._ticker = None

    # --- what the MIB tables ask (the SnmpContext) -----------------------------------------------
    async def set_settings(self, changes):
        """Change settings through the configuration: checked, saved, logged 'via snmp'."""
        self.config.update(changes, via="snmp", user=self.who.get())

    async def operation(self, op, args):
        """A card management operation (firmware/admin/ops.py), as every interface runs them."""
        return await CardOps(self.card).handle(op, args, Caller(self.who.get(), "snmp"))

    def receivers(self):
        port = self.setting("snmp.trap_port")
        return [settings.parse_receiver(item, port) for item in self.setting("snmp.traps")]

    @property
    def last_trap_text(self):
        return self.sender.last_text if self.sender is not None else ""

    def users(self):
        rows = [settings.parse_user(self.setting("snmp.usm%d" % n))
                for n in range(1, settings.USM_ROWS + 1)]
        return [u for u in rows if u is not None]

    # --- life cycle ------------------------------------------------------------------------------
    async def start(self):
        if not self.setting("snmp.enabled"):
            return
        m = self.m = _agent_modules()
        if self.who is None:
            self.who = m.contextvars.ContextVar("snmp_who", default="snmp")
        self.controls = m.controls.Controls(self.card.ups)
        # upsShutdownAfterDelay's countdown is a shutdown pending too (RFC 1628)
        self.tracker = m.tracker.Tracker(self.card.state, self.card.bus, self._notify,
                                         countdown=lambda: self.controls.left("shutdown"))
        self.tree = m.mib.MibTree()
        for part in (m.system, m.rfc1628, m.nvold, m.nv7, m.nv7_agent, m.nv7_schedules, m.sts):
            part.build(self.tree, self)
        agent = m.agent.Agent(self.tree)
        server = m.server.SnmpServer(agent, self.setting("snmp.bind"), self.setting("snmp.port"),
                            self.counters, self.who)
        try:
            await server.start()    # OSError: port in use (the card reports it and retries)
        except BaseException:
            self.tracker.close()
            raise
        self.server = server
        self.agent = agent
        self._configure()
        await self._start_usm()
        self._ticker = compat.create_task(self._tick())

    def _configure(self):
        """Communities, versions, rate and receivers: taken while running."""
        self.server.configure(self.setting("snmp.versions"), self.setting("snmp.read_community"),
                              self.setting("snmp.write_community"), self.setting("snmp.max_rate"))
        if self.sender is None:
            self.sender = self.m.sender.TrapSender(self.tree, self.server.send,
                                                   self.tracker.uptime)
        self.sender.usm = self.usm
        self.sender.configure(self.receivers(), self.setting("snmp.trap_filter"))

    async def _start_usm(self):
        """The v3 engine, with the next boot count (kept in the data folder); none while the
        USM table is empty (pysnmp is not even loaded then: a fifth of the card's memory).
        Loading pysnmp and building the engine take most of a second of CPU: that runs in a
        worker thread, so the poller's serial exchanges keep their timing meanwhile."""
        if self.usm is not None:
            self.usm.close()
            self.usm = None
        self.server.usm = self.sender.usm = None
        if not self.users():
            return
        self.boots = self._next_boot()
        args = (self.card.board.mac, self.boots, self.users(), self.server.send, self.agent,
                self.counters, self.who)
        engine = await compat.run_blocking(_build_usm, *args)
        engine.start()
        if self.server is None:        # stopped while the engine was being built
            engine.close()
            return
        self.usm = engine
        self.server.usm = self.usm
        self.sender.usm = self.usm

    def _next_boot(self):
        path = (self.card.data_dir or "") and self.card.data_dir + "/" + BOOTS_FILE
        boots = self.boots
        if path and durable.exists(path):
            try:
                with open(path) as f:
                    boots = max(boots, int(f.read().strip() or 0))
            except (OSError, ValueError):
                pass
        boots = boots % 2147483647 + 1
        if path:
            try:
                with open(path + ".tmp", "w") as f:
                    f.write("%d\n" % boots)
                    durable.fsync_file(f)
                durable.replace(path + ".tmp", path)
            except OSError as exc:
                print("snmp: boot counter not saved: %s" % exc)
        return boots

    async def _tick(self):
        while True:
            await compat.sleep_ms(1000)
            self.tracker.tick()

    async def stop(self):
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        for part in (self.sender, self.usm, self.controls, self.tracker):
            if part is not None:
                part.close()
        self.sender = self.usm = self.controls = self.tracker = None
        if self.server is not None:
            await self.server.stop()
            self.server = None

    async def apply(self, changed):
        if self.server is not None and all(k in LIVE for k in changed):
            self._configure()
            return
        if self.server is not None and all(k in LIVE or k.startswith("snmp.usm")
                                           for k in changed):
            await self._start_usm()
            self._configure()
            return
        await self.stop()
        await self.start()

    def _notify(self, kind, number, info):
        if self.sender is not None:
            self.sender.notify(kind, number, info)

    # --- management ------------------------------------------------------------------------------
    def operations(self):
        return {"snmp.test_trap": self._test_trap}

    async def _test_trap(self, args, caller):
        """Trap 40 to every receiver (manual 15.8: the test from the configuration page)."""
        if self.sender is None:
            raise OpError("the SNMP agent is not running", "failed")
        count = len([r for r in self.sender.receivers if r.config.kind != "none"])
        catalogue.card_event(self.card.bus, "snmp.trap.test", count=count, via=caller.via,
                             user=caller.user)
        return {"receivers": count}

    def endpoints(self):
        if self.server is None:
            return {}
        host = self.server.bind if self.server.bind not in ("0.0.0.0", "") else "127.0.0.1"
        return {"snmp": "%s:%d" % (host, self.server.port)}

    def status(self):
        if self.server is None:
            return {"enabled": bool(self.setting("snmp.enabled")), "listening": False}
        out = self.server.status()
        out.update({"counters": dict(self.counters), "requests": dict(self.agent.counters),
                    "objects": len(self.tree), "engine_boots": self.boots,
                    "users": [u.name for u in self.users()],
                    "traps": self.sender.status(), "tracker": self.tracker.status(),
                    "controls": self.controls.status()})
        return out


class _Modules:
    """The agent's CPython modules, imported when it starts."""


def _agent_modules():
    """OSError (the card reports it and the feature stays off) where CPython's parts are missing."""
    m = _Modules()
    try:
        import contextvars
        from firmware.snmp import (agent, controls, mib, nv7, nv7_agent, nv7_schedules, nvold,
                                   rfc1628, sender, server, sts, system, tracker)
    except ImportError as exc:
        raise OSError("the SNMP agent needs CPython and pysnmp: %s" % exc)
    for name, module in (("contextvars", contextvars), ("agent", agent),
                         ("controls", controls), ("mib", mib), ("nv7", nv7),
                         ("nv7_agent", nv7_agent), ("nv7_schedules", nv7_schedules),
                         ("nvold", nvold), ("rfc1628", rfc1628),
                         ("sender", sender), ("server", server), ("sts", sts),
                         ("system", system),
                         ("tracker", tracker)):
        setattr(m, name, module)
    return m


def _build_usm(mac, boots, users, send, agent, counters, who):
    """The USM engine (CPython: pysnmp); OSError when pysnmp is missing."""
    try:
        from firmware.snmp import usm
    except ImportError as exc:
        raise OSError("SNMPv3 needs pysnmp: %s" % exc)
    return usm.UsmEngine(usm.engine_id(mac), boots, users, send, agent, counters, who)
