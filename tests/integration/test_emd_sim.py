"""The environment sensors on a running card: the simulator's EMD on its own pseudo-terminal,
the kernel's sensors in a scratch sysfs tree and dry contacts on gpiozero's mock pins.

The first test runs the real firmware process and reads it with NUT's own `upsc` and the
`opennmc` command; the second runs the card in this process on the Raspberry Pi board.
"""

from __future__ import annotations

import asyncio
import subprocess
import time

import pytest

from firmware.admin.args import Caller
from firmware.card import features
from firmware.card.card import Card
from firmware.clock.feature import Time
from firmware.emd.feature import Emd
from firmware.hal.boards import read_board_file
from firmware.hal.rpi import RpiBoard
from firmware.logs.feature import Logs
from firmware.settings.config import Config
from firmware.state.bus import EventBus
from tests.cardcli import texts, wait_until
from tests.cardharness import start_card
from tests.conftest import require_tool
from tests.simharness import start_sim
from tests.snmpharness import NetSnmp, TrapReceiver, trap_numbers
from tests.unit.test_emd_sysfs import write

pytestmark = pytest.mark.timeout(180)


def upsc(card, name: str) -> str:
    out = subprocess.run([require_tool("upsc"), "ups@" + card.nut_address, name],
                         capture_output=True, text=True, timeout=15)
    return out.stdout.strip() if out.returncode == 0 else ""


NV_TRAPS = ".1.3.6.1.4.1.4555.1.1.7.2"
EMD_STATUS = ".1.3.6.1.4.1.4555.1.1.7.1.10"


def test_the_simulated_emd_on_a_card(tmp_path):
    require_tool("upsc")
    with start_sim(tmp_path, profile="netys-rt", baud=57600) as ups, \
            start_sim(tmp_path, profile="emd", name="ttyEMD") as emd, \
            TrapReceiver(tmp_path) as trapd, \
            start_card(tmp_path, serial=ups.link,
                       sets=["emd.enabled=on", "emd.device=" + emd.link, "emd.period=2",
                             "emd.location=Room 12", "emd.alarm1.mode=no",
                             "emd.alarm2.mode=nc", "emd.alarm2.name=Door",
                             "snmp.traps=%s/netvision/v2c/public" % trapd.address]) as card:
        wait_until(lambda: any(t.startswith("EMD detected: address 1, firmware 01.00.0005 on ")
                       for t in texts(card)), "the EMD found")
        status = card.wait_for(lambda s: s["emd"]["devices"][0]["values"], what="EMD values")
        assert status["emd"]["devices"][0]["values"] == {"temperature": 22.0, "humidity": 35.2}
        wait_until(lambda: upsc(card, "ambient.temperature") == "22", "NUT ambient values")
        assert upsc(card, "ambient.humidity") == "35.2"
        assert upsc(card, "ambient.1.location") == "Room 12"
        # Input 2 is normally closed and open in the simulator: in alarm from the start.
        assert "EMD Alarm-2 activated: Door" in texts(card)

        emd.set(temperature=55.0, input1=True, input2=True)
        wait_until(lambda: "EMD Temperature over high Set point: Temperature 55.0"
                   in texts(card), "the warning set point")
        assert "EMD Alarm-1 activated: Alarm-1" in texts(card)
        assert "EMD Alarm-2 not active: Door" in texts(card)
        assert upsc(card, "ambient.contacts.1.status") == "closed"
        emd.set(temperature=61.0)
        wait_until(lambda: "EMD Sensor detected high temperature: Temperature 61.0"
                   in texts(card), "the critical set point")
        assert upsc(card, "ambient.temperature.status") == "critical-high"
        assert card.status()["emd"]["alarms"] == ["emd_alarm1", "emd_temperature"]
        # NET VISION traps 36 (input 1 active), 39 (input 2 restored), 30 (high temperature).
        traps = trapd.wait_for(lambda t: 30 in trap_numbers(t, NV_TRAPS), what="trap 30")
        assert {30, 36, 39} <= set(trap_numbers(traps, NV_TRAPS))
        got = NetSnmp(tmp_path).values("snmpget", "-v2c", "-c", "public", card.ready["snmp"],
                                       *[EMD_STATUS + ".%d.0" % n for n in (1, 2, 3, 4)])
        assert [got[EMD_STATUS + ".%d.0" % n] for n in (1, 2, 3, 4)] == \
            ["INTEGER: 61", "INTEGER: 35", "INTEGER: 1", "INTEGER: 0"]
        emd.set(temperature=59.5)                   # within the hysteresis: nothing
        emd.set(temperature=45.0)
        wait_until(lambda: "EMD Temperature not over high Set point: Temperature 45.0"
                   in texts(card), "back to normal")
        found = [t for t in texts(card) if t.startswith("EMD Sensor Not over high")]
        assert found == ["EMD Sensor Not over high temperature: Temperature 45.0"]

        emd.fault(silence=True)                     # the EMD unplugged
        wait_until(lambda: any(t.startswith("EMD not answering on") for t in texts(card)),
                   "the EMD lost")
        emd.fault()
        wait_until(lambda: [t for t in texts(card) if t.startswith("EMD detected")].__len__()
                   == 2, "the EMD found again")


def test_sysfs_sensors_and_dry_contacts_on_the_pi_board(tmp_path):
    gpio_mock = pytest.importorskip("gpiozero.pins.mock")
    sysfs_root = tmp_path / "sys"
    write(sysfs_root, "bus/w1/devices/28-0123456789ab/temperature", "21500")
    write(sysfs_root, "bus/iio/devices/iio:device0/name", "sht3x")
    write(sysfs_root, "bus/iio/devices/iio:device0/in_temp_input", "24000")
    write(sysfs_root, "bus/iio/devices/iio:device0/in_humidityrelative_input", "41000")

    async def main():
        spec = read_board_file("rpi")
        spec["mac"] = "02:00:00:00:00:02"
        pins = gpio_mock.MockFactory()
        board = RpiBoard(spec, pin_factory=pins)
        board.sysfs_root = str(sysfs_root)
        bus = EventBus()
        config = Config(features.schema(), board_defaults={})
        config.update({"emd.enabled": True, "emd.period": 2,
                       "emd.sensors": ["w1/28-0123456789ab/Rack top/-0.5", "iio/sht3x/Room"],
                       "emd.inputs": ["5/Door/nc", "6/Flood/no"]})
        (tmp_path / "card").mkdir()
        card = Card(board, config, bus, data_dir=str(tmp_path / "card"),
                    feature_classes=(Time, Logs, Emd))
        await card.start()
        emd = card.feature("emd")
        try:
            pins.pin(5).drive_low()                 # the door contact closed: normal
            await emd.cycle()
            nut = emd.values()
            assert nut["ambient.temperature"] == 21.0             # the offset applied
            assert nut["ambient.humidity"] == 41.0                # the first that has one
            assert nut["ambient.2.temperature"] == 24.0
            assert nut["ambient.contacts.1.status"] == "closed"
            assert nut["ambient.contacts.2.status"] == "open"
            # The feature's own loop records the start's values in the history log: let it,
            # before the sensors change under it.
            for _ in range(500):
                if emd.history.newest(1):
                    break
                await asyncio.sleep(0.01)
            pins.pin(5).drive_high()                 # the door opens
            pins.pin(6).drive_low()                  # water
            write(sysfs_root, "bus/w1/devices/28-0123456789ab/temperature", "62000")
            await emd.cycle()
            got = [e["text"] for e in bus.recent if e["code"].startswith("emd.")]
            assert "EMD Alarm-1 activated: Door" in got
            assert "EMD Alarm-2 activated: Flood" in got
            assert "EMD Sensor detected high temperature: Rack top 61.5" in got
            alarms = await card.operations()["emd.alarms"]({}, Caller("admin"))
            assert alarms == ["emd_alarm1", "emd_alarm2", "emd_temperature"]
            assert card.environment.alarms("critical") == {"emd_alarm1", "emd_alarm2",
                                                           "emd_temperature"}
            (sysfs_root / "bus/w1/devices/28-0123456789ab/temperature").unlink()
            await emd.cycle()
            assert any(e["code"] == "emd.sensor.fail" for e in bus.recent)
            assert emd.history.newest(5)[-1]["temperature"] == 21.0   # recorded at start
            emd.history.record(emd.monitor, card.clock.now())       # as each interval does
            newest = emd.history.newest(1)[0]
            assert (newest["temperature"], newest["humidity"], newest["inputs"]) == \
                (24.0, 41.0, [1, 2])
        finally:
            await card.stop()

    asyncio.run(main())
