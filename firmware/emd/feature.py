"""The EMD feature: reads the environment sensors, raises their events, shows their values.

Sensors (manual §14, and what a Raspberry Pi user wires): the EMD on its RS-485 port
(emd.device, Modbus RTU, registers.py), the kernel's sensors listed in emd.sensors (sysfs.py)
and dry contacts on GPIO pins (emd.inputs, read through the board). Every emd.period seconds
each is read; crossings of the set points and input changes are card events (the manual's EMD
events; the critical ones and the inputs are NET VISION traps 28-39), values go to the status,
to NUT (ambient.*, through the NUT view's annotations) and to the EMD history log
(DATA/logs/emd-history.log, one record every log.history_interval seconds).

For other features (shutdown management): card.environment is this feature while it exists;
card.environment.alarms(least="warning") -> the set of the manual's EMD shutdown events present
now: "emd_temperature", "emd_humidity", "emd_alarm1", "emd_alarm2" (and "emd_alarmN" for more
GPIO inputs). The operation "emd.alarms" answers the same to every interface.
"""

import asyncio

from firmware.admin.args import OpError
from firmware.card.feature import Feature
from firmware.emd import settings
from firmware.emd.history import EmdHistory
from firmware.emd.monitor import Monitor
from firmware.emd.rtu import EmdLink
from firmware.emd.thresholds import SetPoints
from firmware.modbus.pdu import ModbusError
from firmware.platform import compat
from firmware.state import catalogue

try:
    from firmware.emd import sysfs          # Linux boards: the kernel's sensors
except ImportError:                         # MicroPython: no sysfs
    sysfs = None


async def _blocking(fn, *args):
    """fn(*args) off the event loop where the runtime can (a 1-Wire read takes 750 ms)."""
    to_thread = getattr(asyncio, "to_thread", None)
    if to_thread is None:
        return fn(*args)
    return await to_thread(fn, *args)


class Emd(Feature):
    """Environment sensors: the EMD, the board's own sensors, dry contacts."""

    name = "emd"
    title = "Environment sensors"
    SETTINGS = settings.ROWS
    RULES = settings.RULES

    def __init__(self, card):
        super().__init__(card)
        self.monitor = Monitor()
        self.link = None
        self.link_error = None
        self.inputs = None
        self.sensors = []          # (source, id, name, offset) of emd.sensors
        self.gpio_inputs = []      # (pin, name, mode)
        self.history = None
        self.cycles = 0
        self._task = None
        self._noted = False
        self._sensor_errors = {}
        card.environment = self    # read by other features: alarms(), values()

    # --- life cycle ------------------------------------------------------------------------------
    async def start(self):
        if not self.setting("emd.enabled"):
            return
        get, board = self.setting, self.card.board
        devices, inputs = [], []
        device = get("emd.device")
        if device:
            if not hasattr(board, "open_emd"):
                raise OSError("board %s has no EMD port" % board.name)
            devices.append({"name": get("emd.temperature.name"), "location":
                            get("emd.location"), "kinds": ("temperature", "humidity")})
            inputs += [{"name": get("emd.alarm%d.name" % n), "mode": get("emd.alarm%d.mode" % n)}
                       for n in (1, 2)]
        root = getattr(board, "sysfs_root", "/sys")
        self.sensors = [settings.parse_sensor(item) for item in get("emd.sensors")]
        if self.sensors and sysfs is None:
            raise OSError("this board reads no kernel sensors (emd.sensors)")
        for source, ident, name, _offset in self.sensors:
            devices.append({"name": name, "location": get("emd.location"),
                            "kinds": sysfs.kinds_of(root, source, ident)})
        self.gpio_inputs = [settings.parse_input(item) for item in get("emd.inputs")]
        if self.gpio_inputs:
            if not hasattr(board, "inputs"):
                raise OSError("board %s has no GPIO inputs" % board.name)
            self.inputs = board.inputs([pin for pin, _n, _m in self.gpio_inputs])
            inputs += [{"name": name, "mode": mode} for _p, name, mode in self.gpio_inputs]
        self.monitor.set_devices(devices)
        self.monitor.set_inputs(inputs)
        if device:
            self.link = EmdLink(board.open_emd(device, int(get("emd.baud"))),
                                address=get("emd.address"), baud=int(get("emd.baud")))
        if self.card.data_dir:
            self.history = EmdHistory(self.card.data_dir + "/logs")
        nut = getattr(self.card, "nut", None)
        if nut is not None and not self._noted:
            nut.annotate(self._note)           # once: the NUT view asks it at each request
            self._noted = True
        self._task = compat.create_task(self._run())

    async def stop(self):
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except BaseException:  # cancelled: it is over
                pass
            self._task = None
        for closer in (self.link, self.inputs, self.history):
            if closer is not None:
                closer.close()
        self.link = self.inputs = self.history = None
        self.link_error = None

    # --- the loop --------------------------------------------------------------------------------
    async def _run(self):
        last_record = None
        while True:
            try:
                await self.cycle()
            except Exception as exc:  # a sensor bug must not stop the card
                print("emd:", repr(exc))
            interval = self.config.get("log.history_interval") if \
                "log.history_interval" in self.config.schema else 60
            now = compat.ticks_ms()
            if self.history is not None and (
                    last_record is None or compat.ticks_diff(now, last_record) >= interval * 1000):
                last_record = now
                self.history.record(self.monitor, self.card.clock.now())
            await compat.sleep_ms(self.setting("emd.period") * 1000)

    def points(self):
        get = self.setting
        return {kind: SetPoints(*[float(get("emd.%s.%s" % (kind, p))) for p, _l, _d
                                  in settings.POINTS], float(get("emd.%s.hysteresis" % kind)))
                for kind in settings.KINDS}

    async def cycle(self):
        """Read every sensor once; publish what changed."""
        self.cycles += 1
        points, events, index = self.points(), [], 1
        if self.link is not None:
            events += await self._read_link(points)
            index = 2
        root = getattr(self.card.board, "sysfs_root", "/sys")
        for n, (source, ident, name, offset) in enumerate(self.sensors, index):
            try:
                values = await _blocking(sysfs.read_sensor, root, source, ident)
            except (OSError, ValueError) as exc:
                self.monitor.failed(n, str(exc))
                events += self._sensor_error(name, str(exc))
                continue
            events += self._sensor_error(name, None)
            if "temperature" in values:
                values["temperature"] += offset
            events += self.monitor.update(n, values, points)
        first_gpio = 3 if self.link is not None else 1
        for n, (pin, _name, _mode) in enumerate(self.gpio_inputs, first_gpio):
            events += self.monitor.update_input(n, self.inputs.closed(pin))
        for code, params in events:
            catalogue.card_event(self.card.bus, "emd.%s" % code, **params)

    async def _read_link(self, points):
        device = self.setting("emd.device")
        try:
            found = self.link.identity is None
            m = await self.link.read()
        except (ModbusError, ValueError, OSError) as exc:
            self.monitor.failed(1, str(exc))
            events = []
            if self.link_error is None:
                events.append(("lost", {"device": device, "error": str(exc)}))
            self.link_error = str(exc)
            self.link.identity = None          # identify again when it answers
            return events
        events = []
        if found:
            events.append(("found", {"device": device, "address":
                                         self.link.identity["address"],
                                         "firmware": self.link.identity["firmware"]}))
        self.link_error = None
        values = {}
        for kind in settings.KINDS:
            if m[kind] is not None:
                values[kind] = m[kind] + float(self.setting("emd.%s.offset" % kind))
        events += self.monitor.update(1, values, points)
        for n in (1, 2):
            events += self.monitor.update_input(n, m["inputs"][n - 1])
        return events

    def _sensor_error(self, name, error):
        before = self._sensor_errors.get(name)
        self._sensor_errors[name] = error
        if error and error != before:
            return [("sensor.fail", {"sensor": name, "error": error})]
        if before and not error:
            return [("sensor.ok", {"sensor": name})]
        return []

    # --- what others see -------------------------------------------------------------------------
    def alarms(self, least="warning"):
        """The manual's EMD shutdown events present now (see the module docstring)."""
        return self.monitor.alarms(least) if self._task is not None else set()

    def values(self):
        """The sensors' NUT variables (ambient.*)."""
        return self.monitor.nut() if self._task is not None else {}

    def _note(self):
        """The NUT view's annotation: the ambient.* variables."""
        return self.values(), (), None

    def operations(self):
        return {"emd.status": self._status, "emd.alarms": self._alarms,
                "emd.history": self._history}

    async def _status(self, args, caller):
        return self.status()

    async def _alarms(self, args, caller):
        least = args.get("least", "warning")
        if least not in ("warning", "critical"):
            raise OpError("least must be warning or critical")
        return sorted(self.alarms(least))

    async def _history(self, args, caller):
        if self.history is None:
            return []
        return self.history.newest(args.get("limit", 50))

    def status(self):
        out = {"enabled": self._task is not None, "cycles": self.cycles}
        if self._task is not None:
            out.update(self.monitor.status())
            if self.link is not None:
                out["emd"] = self.link.status()
                out["emd"]["error"] = self.link_error
        return out
