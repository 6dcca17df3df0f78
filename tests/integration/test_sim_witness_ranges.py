"""Every range code of the manual's lists, announced by the simulator and named by the card's detection.

JBUSP "0x1000 value -> UPS RANGE" and VU-MAP T015 "Device reference code": the simulator sends
each code of its own transcription in turn, `opennmc detect` (the card's command line) reads the
line, and the range it names must be the manual's. A JBUSP "SYSTEM" is announced by a parallel
installation (the card then finds its units), any other code by a single UPS. The MODULYS
"UPS" and "SYSTEM" codes (21, 22, 83, 84) name modular installations, which no JBUSP profile of
the simulator has: they are left to the table comparison of the card's own tests.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.simharness import ROOT, start_sim
from tools.upssim import registers

BAUD = 57600


def detect(link: str) -> dict:
    """The card's detection of the device on the line, as JSON."""
    out = subprocess.run([sys.executable, "-m", "firmware", "detect", "--serial", link,
                          "--set", "serial.baud=%d" % BAUD], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert out.returncode == 0, f"opennmc detect failed: {out.stdout}{out.stderr}"
    return json.loads(out.stdout)


def codes_for(profile: str) -> dict[int, str]:
    """The manual's codes this installation can announce."""
    mapping = "vumap" if profile.startswith("modulys") else "jbusp"
    _address, names = registers.load(mapping).RANGE_CODE
    if mapping == "vumap":
        return names
    modular = {code for code, name in names.items() if name.startswith("MODULYS")
               and not name.endswith("MODULE")}
    parallel = profile.endswith("parallel")
    return {code: name for code, name in names.items() if code not in modular
            and name.endswith("SYSTEM") == parallel}


@pytest.mark.timeout(240)
@pytest.mark.parametrize("profile,count", [("masterys-33", 22), ("masterys-33-parallel", 11),
                                           ("modulys-gp2", 9)])
def test_card_names_every_range_code_of_the_manual(tmp_path, profile, count):
    codes = codes_for(profile)
    assert len(codes) == count
    with start_sim(tmp_path, profile=profile, baud=BAUD, units=2 if "parallel" in profile
                   else None) as sim:
        problems = []
        try:
            for code, name in sorted(codes.items()):
                sim.request("POST", "/identity", {"range_code": code})
                assert sim.state()["devices"]["1"]["identity"]["range"] == name
                found = detect(sim.link)
                if not found.get("found") or (found.get("range"), found.get("type_code")) != (
                        name, code):
                    problems.append(f"code {code} (0x{code:04X}) is {name!r} in the manual; "
                                    f"the card detects {found.get('range')!r} "
                                    f"(code {found.get('type_code')})")
        finally:
            sim.request("POST", "/identity", {"range_code": None})
        assert not problems, "\n".join(problems)
