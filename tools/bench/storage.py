"""Flash-wear benchmark: bytes written to storage per log record and per day at default intervals.

Figures come from the process's own I/O counters in /proc/self/io:
  wchar        bytes handed to write() (what the firmware asks for),
  write_bytes  bytes the process caused to be sent to the storage layer (page granularity:
               Linux counts a 4 KiB page each time a clean page is dirtied, so with an fsync
               after every record each record costs one page).
Filesystem journal and metadata writes are done by the kernel, not counted here.

It also checks that appending never rewrites a file whole: the files keep their inode and size,
and wchar per record equals one slot, far below the file size.

    python -m tools.bench.storage [--records 500] [--dir PATH]   -> one JSON object on stdout
"""

import argparse
import json
import os
import sys
import tempfile

from firmware.state.bus import EventBus, make_event
from firmware.logs.logs import Logs

HISTORY_PER_DAY = 86400 // 60        # log.history_interval default 60 s
EXTENDED_PER_DAY = 24 * 60 // 60     # log.extended_interval default 60 min
SAMPLE = {"input.L1-N.voltage": 231.2, "input.L2-N.voltage": 229.8, "input.L3-N.voltage": 230.4,
          "output.L1-N.voltage": 230.0, "output.L2-N.voltage": 230.1, "output.L3-N.voltage": 229.9,
          "input.frequency": 49.98, "output.L1.power.percent": 41, "output.L2.power.percent": 37,
          "output.L3.power.percent": 44, "battery.charge": 100, "ups.temperature": 24.5}


def io_counters() -> dict:
    """The process's /proc/self/io counters."""
    with open("/proc/self/io") as f:
        return {k: int(v) for k, v in (line.split(":") for line in f)}


def measure(directory: str, records: int, sync: bool) -> dict:
    """Write `records` history, extended and event records; counters per record of each kind."""
    bus = EventBus()
    logs = Logs(directory, bus, sync=sync)
    out = {}
    writers = {
        "history": lambda i: logs.record_history(SAMPLE, "jbusp", 1763700000 + 60 * i),
        "extended": lambda i: logs.record_extended(
            1763700000 + 3600 * i, 1763703600 + 3600 * i, 1800,
            [(v, v, v) for v in (list(SAMPLE.values()) + [None, None])]),
        "card_events": lambda i: bus.publish(make_event(
            "card", "I", "config.changed", "Polling Rate has been changed via web by admin",
            now=1763700000 + i)),
    }
    for name, write in writers.items():
        rl = logs.log(name)  # opened (and created) before counting
        before_stat = os.stat(rl.path)
        before = io_counters()
        for i in range(records):
            write(i)
        after = io_counters()
        after_stat = os.stat(rl.path)
        out[name] = {
            "slot_bytes": rl.slot_size,
            "record_bytes": rl.record_size,
            "file_bytes": after_stat.st_size,
            "wchar_per_record": (after["wchar"] - before["wchar"]) / records,
            "write_bytes_per_record": (after["write_bytes"] - before["write_bytes"]) / records,
            "same_inode_and_size": (before_stat.st_ino, before_stat.st_size)
            == (after_stat.st_ino, after_stat.st_size),
        }
        out[name]["rewrites_whole_file"] = (
            out[name]["wchar_per_record"] >= out[name]["file_bytes"]
            or not out[name]["same_inode_and_size"])
    logs.close()
    for key in ("wchar", "write_bytes"):
        out[key + "_per_day_default_intervals"] = round(
            out["history"][key + "_per_record"] * HISTORY_PER_DAY
            + out["extended"][key + "_per_record"] * EXTENDED_PER_DAY)
    return out


def main(argv: list[str] | None = None) -> int:
    """Measure both sync policies and print one JSON object."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=500)
    ap.add_argument("--dir", default=None, help="directory on the storage to measure (default: temp)")
    args = ap.parse_args(argv)
    report = {"records": args.records, "history_per_day": HISTORY_PER_DAY,
              "extended_per_day": EXTENDED_PER_DAY,
              "note": "events per day depend on the site; one event costs one slot like below. "
                      "flush_only is measured in a burst: at the real 60 s interval the kernel "
                      "writes the page back between two records, so each record costs a page "
                      "there too; fsync_each_record is the figure to plan flash wear with"}
    for sync in (True, False):
        with tempfile.TemporaryDirectory(dir=args.dir) as d:
            report["fsync_each_record" if sync else "flush_only"] = measure(d, args.records, sync)
    print(json.dumps(report, indent=2))
    whole = [k for k in ("fsync_each_record", "flush_only")
             for n in ("history", "extended", "card_events") if report[k][n]["rewrites_whole_file"]]
    return 1 if whole else 0


if __name__ == "__main__":
    sys.exit(main())
