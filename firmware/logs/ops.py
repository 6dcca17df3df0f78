"""Management operations on the logs: list, show a page, CSV export, clear."""

from firmware.admin.args import OpError, instant_arg, int_arg
from firmware.logs.logs import LOGS


def log_name(value):
    """The Logs name of a log given as "ups-events" or "ups_events"."""
    if not isinstance(value, str) or value.replace("-", "_") not in LOGS:
        raise OpError("unknown log %r; one of: %s" % (value, ", ".join(
            sorted(n.replace("_", "-") for n in LOGS))))
    return value.replace("-", "_")


class LogOps:
    """logs.list, logs.show, logs.csv, logs.clear over a Logs object and the card clock."""

    def __init__(self, logs, clock):
        self.logs = logs
        self.clock = clock

    def table(self):
        return {"logs.list": self.list, "logs.show": self.show, "logs.csv": self.csv,
                "logs.clear": self.clear}

    async def list(self, args, caller):
        opened = self.logs.status()
        out = []
        for name, row in sorted(LOGS.items()):
            st = opened.get(name, {"records": 0, "capacity": self.logs.records})
            out.append({"name": name.replace("_", "-"), "title": row[3],
                        "records": st["records"], "capacity": st["capacity"]})
        return out

    async def show(self, args, caller):
        name = log_name(args.get("log"))
        try:
            page = self.logs.query(name, instant_arg(args, "from", self.clock),
                                   instant_arg(args, "to", self.clock),
                                   page=int_arg(args, "page", 1),
                                   per_page=int_arg(args, "per_page", 20),
                                   sort=args.get("sort", "time"))
        except ValueError as exc:
            raise OpError(str(exc))
        for rec in page["records"]:
            for key in ("time", "start"):
                if rec.get(key) is not None:
                    rec[key + "_local"] = self.clock.format(rec[key])
        page["log"] = name.replace("_", "-")
        return page

    async def csv(self, args, caller):
        name = log_name(args.get("log"))
        lines = self.logs.csv_lines(name, self.clock.local, instant_arg(args, "from", self.clock),
                                    instant_arg(args, "to", self.clock))
        return {"csv": "".join(lines)}

    async def clear(self, args, caller):
        name = log_name(args.get("log"))
        self.logs.clear(name, user=caller.user)
        return {"cleared": name.replace("_", "-")}
