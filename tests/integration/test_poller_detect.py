"""Poller against the simulator on a pseudo-terminal: detection per profile and decoded values.

Each profile is detected with no configuration (serial.baud and serial.mapping "auto"); the
detected mapping, architecture and unit/module counts must equal what the simulator says it is,
and the committed snapshot must equal the simulator's state: the same status and alarm acronyms
per device, and measurements equal to the simulator's physics.
"""

from __future__ import annotations

import pytest

from tests.integration.test_poller_rig import Rig, run
from tests.simharness import start_sim

# profile -> (mapping, architecture, units, modules, extra simulator options)
PROFILES = {
    "netys-rt": ("jbusp", "single", 1, 0, {}),
    "masterys-33": ("jbusp", "single", 1, 0, {}),
    "masterys-33-parallel": ("jbusp", "parallel", 3, 0, {"units": 3}),
    "modulys-gp2": ("vumap", "single", 1, 0, {}),
    "modulys-gp2-modular": ("vumap", "modular", 1, 4, {"modules": 4}),
    "modulys-gp2-parallel": ("vumap", "parallel", 3, 0, {"units": 3}),
    # modules: the system's total, 3 units of 2 modules each
    "modulys-gp2-modular-system": ("vumap", "modular-system", 3, 6, {"units": 3, "modules": 2}),
    "statys": ("sts", "single", 1, 0, {}),
}

# NUT name -> (physics key, tolerance, factor): physics value * factor must be within tolerance.
UPS_VALUES = (
    ("battery.charge", "battery_charge", 1.0, 1),
    ("ups.load", "load", 1.0, 1),
    ("input.voltage", "input_voltage", 1.0, 1),
    ("output.voltage", "output_voltage", 1.0, 1),
    ("output.frequency", "output_frequency", 0.11, 1),
    ("battery.runtime", "battery_runtime_min", 61.0, 60),
)


def device_flags(sim_state: dict, slave: int) -> tuple[set, set]:
    dev = sim_state["devices"][str(slave)]
    return set(dev["statuses"]), set(dev["alarms"])


def check_values(rig: Rig, sim_state: dict) -> None:
    """The snapshot against the simulator: flags exactly, measures within encoding rounding."""
    base = sim_state["base"]
    statuses, alarms = device_flags(sim_state, base)
    assert set(rig.state.statuses) == statuses
    assert set(rig.state.alarms) == alarms
    if sim_state["mapping"] == "sts":
        return  # an STS has no battery/load names; its flags are compared above
    physics = sim_state["physics"]
    checked = 0
    for name, key, tolerance, factor in UPS_VALUES:
        value = rig.state.get(name)
        if value is None:
            continue   # the range does not manage it (0xFFFF): absent, as it must be
        assert abs(value - physics[key] * factor) <= tolerance, (name, value, physics[key])
        checked += 1
    assert checked >= 4, f"too few measures decoded: {rig.state.values()}"


@pytest.mark.timeout(120)
@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_detects_profile_and_values_match(tmp_path, profile):
    mapping, architecture, units, modules, opts = PROFILES[profile]

    async def body(sim):
        rig = Rig(sim)
        try:
            found = await rig.poller.detect()
            assert found["found"], found
            assert (found["mapping"], found["architecture"]) == (mapping, architecture)
            assert (found["units"], found["modules"]) == (units, modules)
            assert found["baud"] == 57600
            # A known range name, not the "JBUSP type N" / "VU-MAP reference" fallback.
            assert found["range"] and "type" not in found["range"]
            assert "reference" not in found["range"]
            await rig.start()
            assert rig.state.device["mapping"] == mapping
            # The simulator's clock is advancing; compare right after a fresh cycle, twice at most.
            await rig.fresh()
            st = await rig.sim_call("state")
            try:
                check_values(rig, st)
            except AssertionError:
                await rig.fresh()
                check_values(rig, await rig.sim_call("state"))
            # Units and modules: one node per device the simulator answers for, same flags.
            nodes = [(u, None) for u in rig.state.units]
            nodes += [(m, u) for u in rig.state.units for m in u.modules]
            if architecture in ("parallel", "modular-system"):
                assert [u.index for u in rig.state.units] == list(range(1, units + 1))
            if architecture == "modular-system":
                for unit in rig.state.units:
                    assert [m.index for m in unit.modules] == list(range(1, modules // units + 1))
            if architecture == "modular":
                assert [m.index for m in rig.state.units[0].modules] == list(range(1, modules + 1))
            base = st["base"]
            for node, parent in nodes:
                if parent is None and architecture == "modular":
                    continue   # unit 1 of a single modular UPS is the system itself
                slave = (base + 16 * parent.index + node.index) if parent else base + node.index
                statuses, alarms = device_flags(st, slave)
                assert set(node.statuses) == statuses, (slave, sorted(node.statuses))
                assert set(node.alarms) == alarms, (slave, sorted(node.alarms))
                assert node.registers, slave
            # The raw image of the system is what the UPS lays out (for the Modbus TCP server).
            sim_image = {int(a, 16): w for a, w in st["devices"][str(base)]["registers"].items()}
            flag_words = {row[1] for row in rig.poller.map.STATUS + rig.poller.map.ALARMS}
            for address in flag_words:
                assert rig.state.registers.get(address) == sim_image.get(address), hex(address)
        finally:
            await rig.close()

    with start_sim(tmp_path, profile=profile, baud=57600, **opts) as sim:
        run(body, sim)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("baud", [2400, 9600, 19200])
def test_finds_the_baud_rate(tmp_path, baud):
    async def body(sim):
        rig = Rig(sim)
        try:
            found = await rig.poller.detect()
            assert found["found"] and found["baud"] == baud, found
            assert rig.poller.master.baud == baud
            await rig.start()
            assert rig.state.get("device.model") == "NETYS RT"
        finally:
            await rig.close()

    with start_sim(tmp_path, profile="netys-rt", baud=baud) as sim:
        run(body, sim)


@pytest.mark.timeout(120)
def test_configured_baud_and_mapping_override_detection(tmp_path):
    async def body(sim):
        # Configured right: the only rate and mapping tried; one probe is enough.
        rig = Rig(sim, serial__baud="19200", serial__mapping="jbusp")
        try:
            # As the card does, detection is tried again after a miss: on a loaded machine the
            # simulator (a Python process too) may answer a probe after its timeout.
            for _attempt in range(3):
                found = await rig.poller.detect()
                if found["found"]:
                    break
            assert found["found"] and found["baud"] == 19200 and found["mapping"] == "jbusp", \
                (found, rig.poller.master.status())
        finally:
            await rig.close()
        # Configured wrong: detection does not go looking elsewhere.
        wrong = Rig(sim, serial__baud="57600")
        try:
            found = await wrong.poller.detect()
            assert not found["found"], found
            assert found["bauds"] == [57600]
        finally:
            await wrong.close()
        # A configured mapping the UPS does not speak: refused, nothing committed.
        vumap = Rig(sim, serial__mapping="vumap")
        try:
            found = await vumap.poller.detect()
            assert not found["found"], found
            assert vumap.state.cycles == 0
        finally:
            await vumap.close()

    with start_sim(tmp_path, profile="netys-rt", baud=19200) as sim:
        run(body, sim)
