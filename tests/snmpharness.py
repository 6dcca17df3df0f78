"""net-snmp's own tools against the card: snmpget/snmpset/snmpwalk runs and an snmptrapd receiver.

    tools = NetSnmp(tmp_path)                       # MIBS empty, its own persistent folder
    out = tools.run("snmpget", "-v2c", "-c", "public", address, oid)
    with TrapReceiver(tmp_path, users=[...]) as trapd:
        trapd.address; trapd.wait_for(lambda traps: ..., what="..."); trapd.traps()

Each received trap is one dict: {"version": "v1"|"v2c"|"v3", "security": "...",
"trap": OID of the notification (v1 converted as RFC 3584 does), "varbinds": {oid: text}}.
"""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from pathlib import Path

from tests.conftest import require_tool
from tests.procs import stop_process

ENGINE_ID = "0x800011CB030200004E4D43"   # the simulated board's: enterprise 4555, its MAC
TRAP_OID = ".1.3.6.1.6.3.1.1.4.1.0"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NetSnmp:
    """Runs net-snmp command-line tools with a private environment."""

    def __init__(self, tmp_path: Path) -> None:
        self.dir = Path(tmp_path) / "net-snmp"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ, MIBS="", SNMP_PERSISTENT_DIR=str(self.dir),
                        HOME=str(self.dir), SNMPCONFPATH=str(self.dir))

    def run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([require_tool(tool), "-On", "-t", "2", "-r", "1", *args],
                              capture_output=True, text=True, timeout=timeout, env=self.env)

    def values(self, tool: str, *args: str) -> dict[str, str]:
        """{oid: 'TYPE: value'} from the lines a get/walk printed; AssertionError on failure."""
        out = self.run(tool, *args)
        assert out.returncode == 0, (tool, args, out.stdout, out.stderr)
        return parse_lines(out.stdout)


def parse_lines(text: str) -> dict[str, str]:
    values = {}
    for line in text.splitlines():
        if " = " in line:
            oid, value = line.split(" = ", 1)
            values[oid.strip()] = value.strip()
    return values


class TrapReceiver:
    """snmptrapd on a free UDP port of 127.0.0.1, printing one parsable line per trap."""

    def __init__(self, tmp_path: Path, users: list[str] | None = None) -> None:
        self.dir = Path(tmp_path) / ("snmptrapd-%d" % free_udp_port())
        self.dir.mkdir(parents=True)
        self.port = free_udp_port()
        conf = self.dir / "snmptrapd.conf"
        lines = ["disableAuthorization yes",
                 "format1 TRAP|v1|%P|%N|%w|%q|%v\\n",
                 "format2 TRAP|v2|%P||||%v\\n"]
        for user in users or []:
            lines.append("createUser -e %s %s" % (ENGINE_ID, user))
        conf.write_text("\n".join(lines) + "\n")
        env = dict(os.environ, MIBS="", SNMP_PERSISTENT_DIR=str(self.dir), HOME=str(self.dir))
        self.proc = subprocess.Popen(
            [require_tool("snmptrapd"), "-f", "-Lo", "-C", "-c", str(conf), "-On",
             "udp:127.0.0.1:%d" % self.port], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, env=env)
        self.lines: list[str] = []
        self.stamps: list[float] = []
        self._ready = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()
        if not self._ready.wait(10):
            self.stop()
            raise RuntimeError("snmptrapd did not start: %s" % "".join(self.lines))

    @property
    def address(self) -> str:
        return "127.0.0.1:%d" % self.port

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("NET-SNMP version"):
                self._ready.set()
            self.lines.append(line)
            if line.startswith("TRAP|"):
                self.stamps.append(time.monotonic())

    def traps(self) -> list[dict]:
        out = []
        for line in list(self.lines):
            if not line.startswith("TRAP|"):
                continue
            fields = line.rstrip("\n").split("|", 6)
            _t, version, security, enterprise, generic, specific, binds = fields
            varbinds = {}
            for part in binds.split("\t"):
                if " = " in part:
                    oid, value = part.split(" = ", 1)
                    varbinds[oid.strip()] = value.strip()
            if version == "v1":
                trap = enterprise + "." + specific.lstrip(".") if generic == "6" else generic
                ver = "v1"
            else:
                trap = varbinds.get(TRAP_OID, "").replace("OID: ", "")
                ver = "v3" if "SNMP v3" in security else "v2c"
            out.append({"version": ver, "security": security, "trap": trap,
                        "varbinds": varbinds})
        return out

    def wait_for(self, predicate, timeout: float = 30.0, what: str = "traps") -> list[dict]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            traps = self.traps()
            if predicate(traps):
                return traps
            time.sleep(0.05)
        raise AssertionError("timed out waiting for %s; got %s" % (what, self.traps()))

    def stop(self) -> None:
        stop_process(self.proc, 5)

    def __enter__(self) -> "TrapReceiver":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def trap_numbers(traps: list[dict], prefix: str) -> list[int]:
    """The notification numbers under `prefix` (e.g. '.1.3.6.1.4.1.4555.1.1.7.2'), in order."""
    out = []
    for t in traps:
        if t["trap"].startswith(prefix + "."):
            out.append(int(t["trap"][len(prefix) + 1:]))
    return out
