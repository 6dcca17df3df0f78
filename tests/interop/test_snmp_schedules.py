"""net-snmp's snmpwalk, snmpget and snmpset on the NET VISION 7 upsControl schedule tables:
they show what `opennmc config set` stored, and a SET through the write community changes the
setting as any interface does; the card reads the UPS simulator."""

import pytest

from tests.cardcli import cli_json, cli_ok, texts, wait_until
from tests.cardharness import start_card
from tests.simharness import start_sim
from tests.snmpharness import NetSnmp

CONTROL = ".1.3.6.1.4.1.4555.1.1.7.1.7"
WEEKLY, SPECIAL, ECO = (CONTROL + ".%d.1" % n for n in (5, 6, 7))
SUNDAY, MONDAY, FRIDAY, SATURDAY, NONE = 1, 2, 6, 7, 8


def cell(entry, column, row):
    return "%s.%d.%d" % (entry, column, row)


@pytest.fixture(scope="module")
def agent(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("snmp-schedules")
    sets = ["snmp.port=0", "snmp.bind=127.0.0.1", "snmp.max_rate=0", "poll.rate=1"]
    with start_sim(tmp, profile="netys-rt", baud=57600) as sim:
        with start_card(tmp, serial=sim.link, sets=sets) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="the first UPS data")
            cli_ok(card, "config", "set", "shutdown.weekly=fri 22:00 07:00, sat 08:00 20:00",
                   "shutdown.special_days=2026-12-24 18:00 2026-12-27 07:00",
                   "schedules.eco.periods=sat 08:00 sun 20:00")
            yield card, card.ready["snmp"], NetSnmp(tmp)


def weekly(card):
    return cli_json(card, "config", "get", "shutdown.weekly")["shutdown.weekly"]


def test_the_tables_show_the_settings(agent):
    _card, address, tools = agent
    walked = tools.values("snmpwalk", "-v2c", "-c", "public", address, CONTROL)
    assert [walked[cell(WEEKLY, c, 1)] for c in range(1, 6)] == [
        "INTEGER: 1", "INTEGER: %d" % FRIDAY, 'STRING: "22:00"', "INTEGER: %d" % SATURDAY,
        'STRING: "07:00"']
    assert walked[cell(WEEKLY, 2, 2)] == "INTEGER: %d" % SATURDAY
    assert walked[cell(WEEKLY, 4, 2)] == "INTEGER: %d" % SATURDAY     # restarts the same day
    # One row per item the setting may hold; an empty one reads none(8) and empty times.
    assert walked[cell(WEEKLY, 2, 3)] == "INTEGER: %d" % NONE
    assert walked[cell(WEEKLY, 3, 3)] == '""'           # net-snmp's way to print ''
    assert cell(WEEKLY, 1, 14) in walked and cell(WEEKLY, 1, 15) not in walked
    assert [walked[cell(SPECIAL, c, 1)] for c in range(2, 6)] == [
        'STRING: "24/12/2026"', 'STRING: "18:00"', 'STRING: "27/12/2026"', 'STRING: "07:00"']
    assert cell(SPECIAL, 1, 8) in walked and cell(SPECIAL, 1, 9) not in walked
    assert [walked[cell(ECO, c, 1)] for c in range(2, 6)] == [
        "INTEGER: %d" % SATURDAY, 'STRING: "08:00"', "INTEGER: %d" % SUNDAY, 'STRING: "20:00"']


def test_a_write_community_set_changes_the_setting_and_is_logged(agent):
    card, address, tools = agent
    tools.values("snmpset", "-v2c", "-c", "private", address,
                 cell(WEEKLY, 2, 1), "i", str(MONDAY), cell(WEEKLY, 3, 1), "s", "23:30",
                 cell(WEEKLY, 5, 1), "s", "06:15")
    assert weekly(card) == ["mon 23:30 06:15", "sat 08:00 20:00"]
    got = tools.values("snmpget", "-v2c", "-c", "public", address, cell(WEEKLY, 2, 1),
                       cell(WEEKLY, 4, 1), cell(WEEKLY, 5, 1))
    assert list(got.values()) == ["INTEGER: %d" % MONDAY, "INTEGER: 3", 'STRING: "06:15"']
    logged = wait_until(lambda: [t for t in texts(card) if "Weekly Schedule has been changed "
                                 "via snmp" in t], "the change in the card event log")
    assert any("by write community from 127.0.0.1" in t for t in logged), logged
    # A new row in one SET, then removed with none(8).
    tools.values("snmpset", "-v2c", "-c", "private", address, cell(WEEKLY, 2, 3), "i",
                 str(SUNDAY), cell(WEEKLY, 3, 3), "s", "01:00", cell(WEEKLY, 5, 3), "s", "02:00")
    assert weekly(card) == ["mon 23:30 06:15", "sat 08:00 20:00", "sun 01:00 02:00"]
    tools.values("snmpset", "-v2c", "-c", "private", address, cell(WEEKLY, 2, 3), "i",
                 str(NONE))
    assert weekly(card) == ["mon 23:30 06:15", "sat 08:00 20:00"]


def test_a_read_community_set_is_refused(agent):
    card, address, tools = agent
    before = weekly(card)
    out = tools.run("snmpset", "-v2c", "-c", "public", address, cell(WEEKLY, 3, 1), "s",
                    "12:00")
    assert out.returncode != 0 and "noAccess" in out.stdout + out.stderr, out.stderr
    assert weekly(card) == before


@pytest.mark.parametrize("varbinds, error", [
    ([cell(WEEKLY, 2, 1), "i", "9"], "wrongValue"),
    ([cell(WEEKLY, 2, 1), "s", "mon"], "wrongType"),
    ([cell(WEEKLY, 3, 1), "s", "25:00"], "wrongValue"),
    ([cell(WEEKLY, 4, 1), "i", str(FRIDAY)], "wrongValue"),      # not within a day
    ([cell(WEEKLY, 2, 5), "i", str(MONDAY)], "wrongValue"),      # rows 3 and 4 are empty
    ([cell(WEEKLY, 1, 1), "i", "2"], "notWritable"),
    ([cell(SPECIAL, 4, 1), "s", "23/12/2026"], "wrongValue"),   # restart before shutdown
    ([cell(SPECIAL, 2, 1), "s", "31/02/2027"], "wrongValue"),
    # All or nothing: the good first varbind is not applied when the second is refused.
    ([cell(WEEKLY, 3, 1), "s", "21:00", cell(ECO, 3, 1), "s", "8h"], "wrongValue"),
])
def test_bad_values_are_refused_and_change_nothing(agent, varbinds, error):
    card, address, tools = agent
    before = cli_json(card, "config", "get", "shutdown.weekly", "shutdown.special_days",
                      "schedules.eco.periods")
    out = tools.run("snmpset", "-v2c", "-c", "private", address, *varbinds)
    assert out.returncode != 0 and error in out.stdout + out.stderr, (out.stdout, out.stderr)
    assert cli_json(card, "config", "get", "shutdown.weekly", "shutdown.special_days",
                    "schedules.eco.periods") == before
