"""The poller: owns the serial line; detects the UPS, polls it, commits snapshots, sends commands.

    poller = Poller(config, state, bus, transport)
    await poller.detect()                  # the detection dict (also run by run() when needed)
    await poller.run()                     # forever: one cycle every poll.rate seconds
    await poller.command("bypass.start")   # NUT command name; CommandError when refused
    await poller.set_ups_clock(epoch)      # the UPS date/time block

A cycle reads the poll plan (status, alarms, measures; identity and configuration at start and
every poll.ident_every seconds), decodes it through the map tables and commits ONE snapshot.
A cycle fails when a block cannot be read (the Master has retried already). After poll.stale_after
failed cycles the data is marked stale, "UPS communication lost" is published and detection runs
again until the UPS answers; the first good cycle then publishes "UPS communication restored".
Commands and cycles take the same lock, so a command never lands inside a cycle's transactions.
Between two cycles the fast lane (firmware/ups/fastlane.py) reads the status and alarm blocks
and starts the next cycle at once when one of their bits changed.
"""

import asyncio

from firmware.platform import compat
from firmware.ups import decode, detect, fastlane, maps, plausible, pollplan, snapshot
from firmware.state import bus as eventbus, catalogue
from firmware.ups.commands import (ALWAYS_ALLOWED, CommandError, command_table, event_text,
                                   parse_overrides, utc_fields)
from firmware.modbus.master import Master
from firmware.modbus.pdu import ModbusError, ModbusException

LOST_RETRY_MS = 2000        # detection rounds while no UPS is found: this far apart, whatever
                            # poll.rate says (a slow rate must not leave the card blind a minute)
CYCLE_SAMPLES = 64          # cycle durations kept for the median / p95


def _percentile(samples, fraction):
    if not samples:
        return None
    s = sorted(samples)
    return s[min(len(s) - 1, int(fraction * len(s)))]


class Poller:
    def __init__(self, config, state, bus, transport, clock=None, master=None):
        self.state = state
        self.bus = bus
        self._now = clock or compat.epoch_time
        self.master = master or Master(transport)
        self._lock = asyncio.Lock()
        self._wake = asyncio.Event()
        self._running = False
        self._line = None
        self.map = None
        self.plan = None
        self.device = {}
        self.images = {}
        self._ident_at = None
        self.lost = False
        self._connected_once = False
        self.failures = 0
        self.last_error = None
        self._cycle_ms = []
        self.plausible = plausible.Watch(bus)
        self.counters = {"cycles": 0, "cycles_ok": 0, "cycles_failed": 0, "detections": 0,
                         "detections_failed": 0, "commands": 0, "commands_refused": 0,
                         "fast_reads": 0, "fast_wakeups": 0}
        self.configure(config)

    def configure(self, config):
        """Take the poll.* and serial.* settings (checked by firmware/ups/settings.py) now.

        A new rate applies from the current wait; a new slave, baud rate, parity or mapping
        makes the next cycle detect the UPS again.
        """
        self.rate_ms = config.get("poll.rate") * 1000
        self.stale_after = config.get("poll.stale_after")
        self.ident_every_ms = config.get("poll.ident_every") * 1000
        self.overrides = parse_overrides(config.get("poll.commands"))
        baud = config.get("serial.baud")
        mapping = config.get("serial.mapping")
        line = (config.get("serial.slave"),
                detect.BAUDS if baud == "auto" else (int(baud),),
                detect.MAPPINGS if mapping == "auto" else (mapping,),
                config.get("serial.parity"))
        timeout_ms = config.get("serial.timeout_ms")
        self.master.set_timing(timeout_ms or None, config.get("serial.retries"))
        if line != self._line:
            self._line = line
            self.slave, self.bauds, self.mappings, self.parity = line
            self.master.set_baud(self.bauds[0], self.parity)
            self.plan = None
        self._wake.set()

    # --- detection ---------------------------------------------------------------------------
    async def detect(self):
        """Detect the UPS now; returns the detection dict ("found": False when nothing answered)."""
        async with self._lock:
            return await self._detect()

    async def _detect(self):
        self.counters["detections"] += 1
        self.plan = None
        self.images = {}
        link = await detect.find_link(self.master, self.slave, self.bauds, self.mappings)
        if link is None:
            self.counters["detections_failed"] += 1
            self.last_error = "no answer at %s baud" % "/".join(str(b) for b in self.bauds)
            return {"found": False, "bauds": list(self.bauds), "mappings": list(self.mappings),
                    "slave": self.slave}
        baud, mapping = link
        m = maps.load(mapping)
        system = pollplan.PollPlan(m.BLOCKS, ((0, 0, self.slave),), baud, self.parity)
        try:
            images = await pollplan.read_all(self.master, system, "ident")
        except ModbusError as exc:
            self.counters["detections_failed"] += 1
            self.last_error = "identification failed: %s" % exc
            return {"found": False, "baud": baud, "mapping": mapping, "slave": self.slave,
                    "error": str(exc)}
        _values, device = detect.identity(m, images.get((0, 0), {}))
        if not device.get("identified", True):
            # Valid frames, but an identification of 0xFFFF (or 0) words: no UPS says that.
            self.counters["detections_failed"] += 1
            self.last_error = "the %s identification answers no type (0x%04X)" % (
                mapping, device.get("type_code") or device.get("installation") or 0)
            return {"found": False, "baud": baud, "mapping": mapping, "slave": self.slave,
                    "error": self.last_error}
        device["baud"] = baud
        device["mapping"] = mapping
        device["slave"] = self.slave
        device["parity"] = self.parity
        unit_modules = {}
        if device.get("architecture") == "modular-system":
            try:
                unit_modules = await self._unit_modules(m, device, baud)
            except ModbusError as exc:
                self.counters["detections_failed"] += 1
                self.last_error = "unit identification failed: %s" % exc
                return {"found": False, "baud": baud, "mapping": mapping, "slave": self.slave,
                        "error": str(exc)}
            device["modules"] = sum(len(v) for v in unit_modules.values())
            device["unit_modules"] = {str(u): v for u, v in unit_modules.items()}
        self.map = m
        self.device = device
        self.plan = pollplan.PollPlan(m.BLOCKS, detect.nodes_for(device, self.slave, unit_modules),
                                      baud, self.parity)
        # Keep the refusals learnt while identifying the system.
        self.plan.refused.update(system.refused)
        self.plan.unmapped.update(system.unmapped)
        self.plan.apart.update(system.apart)
        self.images = images
        self._ident_at = None
        out = dict(device)
        out["found"] = True
        return out

    async def _unit_modules(self, m, device, baud):
        """{unit: [module, ...]} of a modular system, from each unit's own identification."""
        out = {}
        for node in detect.nodes_for(device, self.slave):
            unit, _module, slave = node
            if unit == 0:
                continue
            plan = pollplan.PollPlan(m.BLOCKS, ((unit, 0, slave),), baud, self.parity)
            images = await pollplan.read_all(self.master, plan, "ident")
            _values, unit_device = detect.identity(m, images.get((unit, 0), {}))
            out[unit] = detect.modules_of(unit_device)
        return out

    # --- one cycle ---------------------------------------------------------------------------
    async def poll_once(self):
        """One cycle (detecting first when needed); True when a snapshot was committed."""
        async with self._lock:
            start = compat.ticks_ms()
            self.counters["cycles"] += 1
            ok = await self._cycle()
            if ok:
                self._cycle_ms.append(compat.ticks_diff(compat.ticks_ms(), start))
                if len(self._cycle_ms) > CYCLE_SAMPLES:
                    self._cycle_ms.pop(0)
            return ok

    async def _cycle(self):
        if self.plan is None:
            found = await self._detect()
            if not found["found"]:
                self._failed(self.last_error)
                return False
        now_ms = compat.ticks_ms()
        ident = (self._ident_at is None
                 or compat.ticks_diff(now_ms, self._ident_at) >= self.ident_every_ms)
        try:
            images = await pollplan.read_all(self.master, self.plan, "ident" if ident else "cycle",
                                             self.images)
        except ModbusError as exc:
            self._failed("%s: %s" % (type(exc).__name__, exc))
            return False
        if ident:
            self._ident_at = now_ms
        self.images = images
        try:
            self._commit(images)
        except Exception as exc:   # a decoding bug must not kill the poller: report, stay stale
            self.state.abort()
            self._failed("decode error: %r" % (exc,))
            return False
        self._succeeded()
        return True

    def _commit(self, images):
        system = images.get((0, 0), {})
        refused = []
        values, statuses, alarms, device = snapshot.decode_node(self.map, system, refused)
        info = dict(self.device)
        for k, v in device.items():
            if k not in ("baud", "mapping", "slave", "parity"):
                info[k] = v
        self.device = info
        units = snapshot.build_units(self.map, info, images, refused)
        self.plausible.cycle(refused)
        st = self.state
        st.begin()
        for name in st.values():
            if name not in values:
                st.delete(name)
        for name, value in values.items():
            st.set(name, value)
        st.set_flags(statuses, alarms)
        st.set_registers(system)
        st.set_units(units)
        st.set_device(info)
        st.commit(self._now())

    def _failed(self, reason):
        self.failures += 1
        self.counters["cycles_failed"] += 1
        self.last_error = reason
        if self.failures >= self.stale_after and not self.lost:
            self.lost = True
            self.state.mark_stale()
            catalogue.card_event(self.bus, "comm.lost")
            self.bus.publish(eventbus.make_event("ups", "W", "ups.disconnected",
                                                 "UPS not connected", now=self._now()))
            # Detect again: the UPS may come back at another rate or be another UPS.
            self.plan = None

    def _succeeded(self):
        self.counters["cycles_ok"] += 1
        self.failures = 0
        if self.lost:
            self.lost = False
            catalogue.card_event(self.bus, "comm.restored")
        elif self._connected_once:
            return
        self._connected_once = True
        self.bus.publish(eventbus.make_event("ups", "I", "ups.connected", "UPS connected",
                                             now=self._now()))

    # --- the loop ----------------------------------------------------------------------------
    def stop(self):
        """Make run() return after the current cycle (cancellation alone can be lost in a
        wait_for that completes at the same moment, CPython gh-86296)."""
        self._running = False
        self._wake.set()

    async def run(self):
        """Poll until stop(): one cycle every poll.rate seconds (0 = back-to-back).

        poll.rate is the period from the start of one cycle to the start of the next.
        """
        self._running = True
        while self._running:
            start = compat.ticks_ms()
            await self.poll_once()
            period = LOST_RETRY_MS if self.plan is None else self.rate_ms
            left = period - compat.ticks_diff(compat.ticks_ms(), start)
            if left > 0 and self._running:
                await fastlane.wait(self, left)
            else:
                await asyncio.sleep(0)   # let a waiting command take the line

    async def _sleep(self, ms):
        """Sleep up to `ms`, or less when a command asks for a fresh cycle."""
        self._wake.clear()
        try:
            await asyncio.wait_for(self._wake.wait(), ms / 1000)
        except asyncio.TimeoutError:
            pass

    # --- commands ----------------------------------------------------------------------------
    def _table(self):
        return command_table(getattr(self.map, "COMMANDS", None), self.overrides)

    def _remote_disabled(self):
        # None (the mapping does not say) lets the command go: the UPS still refuses it itself.
        return bool(decode.remote_disabled(self.map, self.state.statuses))

    def _check(self, name):
        """Why `name` cannot be sent now (CommandError), or its (address, value) row."""
        table = self._table()
        if self.map is None or self.state.stale:
            raise CommandError("%s refused: no current data from the UPS" % name)
        if name not in table:
            raise CommandError("%s refused: not a command of this UPS (available: %s)"
                               % (name, ", ".join(sorted(table)) or "none"))
        if name not in ALWAYS_ALLOWED and self._remote_disabled():
            raise CommandError("%s refused: the UPS reports remote controls disabled" % name)
        return table[name]

    def commands(self):
        """The command names that can be sent now (for NUT's LIST CMD)."""
        if self.map is None or self.state.stale:
            return []
        names = sorted(self._table())
        if self._remote_disabled():
            names = [n for n in names if n in ALWAYS_ALLOWED]
        return names

    async def command(self, name, value=None):
        """Send a NUT instant command (one write of its code word); CommandError when refused."""
        try:
            address, word = self._check(name)
            if value is not None:
                # The command tables are one code word per command: there is no register that
                # could carry an argument, so refuse rather than drop it silently.
                raise CommandError("%s refused: this UPS's command takes no value (got %r)"
                                   % (name, value))
            async with self._lock:
                self._check(name)      # the cycle we waited for may have changed the picture
                try:
                    await self.master.write(self.slave, address, word)
                except ModbusException as exc:
                    raise CommandError("%s refused by the UPS: %s" % (name, exc))
                except ModbusError as exc:
                    raise CommandError("%s not confirmed: %s" % (name, exc))
        except CommandError:
            self.counters["commands_refused"] += 1
            raise
        self.counters["commands"] += 1
        self.bus.publish(eventbus.make_event("ups", "I", "cmd." + name, event_text(name),
                                             now=self._now(), command=name))
        self._wake.set()          # poll now so the UPS's answer shows without waiting a period
        return True

    async def set_ups_clock(self, epoch_seconds):
        """Write the UPS date/time block (the map's CLOCK) from epoch seconds (UTC)."""
        clock = getattr(self.map, "CLOCK", None) if self.map else None
        if not clock:
            raise CommandError("set clock refused: this UPS has no date/time block")
        if self.state.stale:
            raise CommandError("set clock refused: no current data from the UPS")
        try:
            words = decode.encode_clock(self.map, utc_fields(int(epoch_seconds)))
        except (TypeError, ValueError) as exc:
            raise CommandError("set clock refused: %s" % exc)
        start, count = clock
        async with self._lock:
            try:
                await self.master.write_many(self.slave, start,
                                             [words[start + i] for i in range(count)])
            except ModbusError as exc:
                raise CommandError("set clock failed: %s" % exc)
        self._wake.set()
        return True

    # --- status ------------------------------------------------------------------------------
    def status(self):
        """Counters, cycle time, detection result and plan as a JSON-safe dict."""
        return {
            "detected": self.plan is not None,
            "lost": self.lost,
            "stale": self.state.stale,
            "device": dict(self.device),
            "consecutive_failures": self.failures,
            "last_error": self.last_error,
            "counters": dict(self.counters),
            "cycle_ms": {"median": _percentile(self._cycle_ms, 0.5),
                         "p95": _percentile(self._cycle_ms, 0.95),
                         "last": self._cycle_ms[-1] if self._cycle_ms else None},
            "rate_s": self.rate_ms // 1000,
            "plan": self.plan.status() if self.plan else None,
            "master": self.master.status(),
            "implausible": self.plausible.status(),
        }
