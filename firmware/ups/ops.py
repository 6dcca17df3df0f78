"""Management operations of the UPS link: its controls and the serial debug trace.

    op              args                  result
    ups.commands    -                     [{name, text}] the controls the UPS allows now
    ups.command     name                  {"sent": name}; refused (usage) when not allowed now,
                                          power share plugs (outlet.*) by the admin only
    upsdebug.show   -                     {enabled, rows, frames: [{time, local, dir, hex}]}
    upsdebug.set    enabled, clear        the trace's status
    upsdebug.csv    -                     {"csv": "time,direction,bytes,hex ..."}
"""

from firmware.admin.args import OpError, bool_arg
from firmware.ups.commands import CommandError, admin_only, event_text, is_admin


class UpsOps:
    """The operations of the ups feature (`feature`: its link and its traced transport)."""

    def __init__(self, feature):
        self.feature = feature
        self.card = feature.card

    def table(self):
        return {"ups.commands": self.commands, "ups.command": self.command,
                "upsdebug.show": self.show, "upsdebug.set": self.set, "upsdebug.csv": self.csv}

    async def commands(self, args, caller):
        return [{"name": name, "text": event_text(name)} for name in self.card.ups.commands()]

    async def command(self, args, caller):
        name = args.get("name")
        if not isinstance(name, str) or not name or len(name) > 64:
            raise OpError("name must be a command name such as test.battery.start")
        if admin_only(name) and not is_admin(caller):
            raise OpError("%s refused: power share plugs are controlled by the admin only" % name)
        try:
            await self.card.ups.command(name)
        except CommandError as exc:
            raise OpError(str(exc), "failed")
        return {"sent": name}

    def _trace(self):
        trace = self.feature.transport
        if trace is None:
            raise OpError("the UPS link is not running", "failed")
        return trace

    async def show(self, args, caller):
        trace = self._trace()
        out = trace.status()
        clock = self.card.clock
        out["frames"] = [{"time": t, "local": clock.format(t) if clock else None,
                          "dir": d, "hex": h} for t, d, h in trace.rows()]
        return out

    async def set(self, args, caller):
        trace = self._trace()
        if "enabled" in args:
            trace.enabled = bool_arg(args, "enabled")
        if bool_arg(args, "clear"):
            trace.clear()
        return trace.status()

    async def csv(self, args, caller):
        clock = self.card.clock
        return {"csv": self._trace().csv(clock.format if clock else None)}
