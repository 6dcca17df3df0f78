"""The card's vendor MIB modules (firmware/snmp/mibs/) compile with pysmi's mibdump and net-snmp's
snmptranslate, and name every object the agent serves in its vendor trees."""

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.cardharness import start_card
from tests.conftest import require_tool
from tests.simharness import start_sim
from tests.snmpharness import NetSnmp

ROOT = Path(__file__).resolve().parents[2]
MIBS = ROOT / "firmware" / "snmp" / "mibs"
STUBS = Path(__file__).resolve().parent / "mibstubs"
MODULES = sorted(p.stem for p in MIBS.glob("*.txt"))


def translate(*args):
    env = dict(os.environ, MIBS="")
    return subprocess.run([require_tool("snmptranslate"), "-M", "%s:%s" % (STUBS / "net-snmp",
                           MIBS), "-m", ":".join(MODULES), "-Pw", "-Pe", *args],
                          capture_output=True, text=True, timeout=60, env=env)


def test_the_modules_are_the_three_vendor_trees():
    assert MODULES == ["OPENNMC-NETVISION-MIB", "OPENNMC-NETVISION7-MIB", "OPENNMC-STS-MIB"]


def test_pysmi_compiles_them_strictly(tmp_path):
    mibdump = Path(sys.executable).with_name("mibdump")
    for fmt in ("pysnmp", "json"):
        out = subprocess.run([str(mibdump), "--strict", "--destination-format", fmt,
                              "--mib-source", "file://%s" % MIBS,
                              "--mib-source", "file://%s" % (STUBS / "pysmi"),
                              "--destination-directory", str(tmp_path / fmt), *MODULES],
                             capture_output=True, text=True, timeout=120)
        text = out.stdout + out.stderr
        assert out.returncode == 0, text
        assert "Created/updated MIBs: " + ", ".join(MODULES) in text, text
        assert "Failed MIBs: \n" in text and "borrowed: \n" in text, text


def test_snmptranslate_reads_them_without_a_warning():
    out = translate("-On", "OPENNMC-NETVISION7-MIB::upsAgentTrapString",
                    "OPENNMC-NETVISION-MIB::nvAlarmOnBattery", "OPENNMC-STS-MIB::stsOutputkW")
    assert out.returncode == 0 and out.stderr == "", out.stderr
    assert out.stdout.split() == [".1.3.6.1.4.1.4555.1.1.7.1.9.50",
                                  ".1.3.6.1.4.1.4555.1.1.1.1.6.3.2",
                                  ".1.3.6.1.4.1.4555.1.1.8.1.5.6.1.5"]


def test_every_object_the_agent_serves_has_a_name(tmp_path):
    served = []
    for profile in ("netys-rt", "statys"):
        with start_sim(tmp_path, profile=profile, baud=57600, name="tty" + profile) as sim:
            with start_card(tmp_path, serial=sim.link, data_dir=tmp_path / profile,
                            sets=["snmp.port=0", "snmp.bind=127.0.0.1"]) as card:
                card.wait_for(lambda s: not s["ups"]["stale"], what="UPS data")
                served += list(NetSnmp(tmp_path).values(
                    "snmpbulkwalk", "-v2c", "-c", "public", card.ready["snmp"],
                    ".1.3.6.1.4.1.4555"))
    assert len(served) > 150
    out = translate("-OS", *served)
    names = out.stdout.split()
    assert out.returncode == 0 and len(names) == len(served), out.stderr
    # Each must be an instance of an OBJECT-TYPE of the modules, not a bare node + numbers.
    objects = set()
    for module in MODULES:
        objects |= set(re.findall(r"^(\w+) OBJECT-TYPE", (MIBS / (module + ".txt")).read_text(),
                                  re.M))
    unnamed = [n for n in names if not re.fullmatch(r"OPENNMC-[\w-]+::(\w+)(\.\d+)+", n)
               or re.fullmatch(r"OPENNMC-[\w-]+::(\w+)(\.\d+)+", n).group(1) not in objects]
    assert unnamed == [], unnamed[:10]
