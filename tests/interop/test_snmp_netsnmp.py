"""net-snmp's snmpget, snmpwalk, snmpbulkwalk and snmpset against the card's SNMP agent, over
v1, v2c and v3 with each authentication and privacy protocol; the card reads the UPS simulator."""

import pytest

from tests.cardcli import cli_json, texts, wait_until
from tests.cardharness import start_card
from tests.simharness import start_sim
from tests.snmpharness import NetSnmp

SYS_NAME = ".1.3.6.1.2.1.1.5.0"
SYS_UPTIME = ".1.3.6.1.2.1.1.3.0"
CHARGE = ".1.3.6.1.2.1.33.1.2.4.0"
OUT_VOLTAGE = ".1.3.6.1.2.1.33.1.4.4.1.2.1"
AUTO_RESTART = ".1.3.6.1.2.1.33.1.8.5.0"
TEST_ID, SPIN, SUMMARY = (".1.3.6.1.2.1.33.1.7.%d.0" % n for n in (1, 2, 3))
QUICK_TEST = ".1.3.6.1.2.1.33.1.7.7.4"
# name -> (access, level, auth, auth password, priv, priv password)
USERS = {
    "md5des": ("write", "authPriv", "MD5", "md5des-auth", "DES", "md5des-priv"),
    "md5aes": ("read", "authPriv", "MD5", "md5aes-auth", "AES", "md5aes-priv"),
    "shades": ("read", "authPriv", "SHA", "shades-auth", "DES", "shades-priv"),
    "shaaes": ("read", "authPriv", "SHA", "shaaes-auth", "AES", "shaaes-priv"),
    "md5only": ("read", "authNoPriv", "MD5", "md5only-auth", None, None),
    "shaonly": ("read", "authNoPriv", "SHA", "shaonly-auth", None, None),
    "nobody": ("read", "noAuthNoPriv", None, None, None, None),
}


def usm_row(name):
    access, level, auth, apw, priv, ppw = USERS[name]
    return ":".join(x for x in (name, access, level, auth, apw, priv, ppw) if x)


def v3(name, auth_pw=None, priv_pw=None, level=None):
    """snmp* arguments for USM user `name` (passwords and level overridable to test refusals)."""
    _access, user_level, auth, apw, priv, ppw = USERS[name]
    level = level or user_level
    args = ["-v3", "-u", name, "-l", level]
    if level in ("authNoPriv", "authPriv"):
        args += ["-a", auth or "MD5", "-A", auth_pw or apw or "nopassword"]
    if level == "authPriv":
        args += ["-x", priv or "DES", "-X", priv_pw or ppw or "nopassword"]
    return args


@pytest.fixture(scope="module")
def agent(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("snmp")
    sets = ["snmp.port=0", "snmp.bind=127.0.0.1", "snmp.max_rate=0", "poll.rate=1"]
    sets += ["snmp.usm%d=%s" % (i + 1, usm_row(name)) for i, name in enumerate(USERS)]
    with start_sim(tmp, profile="netys-rt", baud=57600) as sim:
        with start_card(tmp, serial=sim.link, sets=sets) as card:
            card.wait_for(lambda s: not s["ups"]["stale"], what="the first UPS data")
            yield sim, card, card.ready["snmp"], NetSnmp(tmp)


def test_v1_walk_v2c_walk_and_bulkwalk_see_the_same_tree_and_the_card_values(agent):
    sim, card, address, tools = agent
    v1 = tools.values("snmpwalk", "-v1", "-c", "public", address, ".1")
    v2 = tools.values("snmpwalk", "-v2c", "-c", "public", address, ".1")
    bulk = tools.values("snmpbulkwalk", "-v2c", "-c", "public", "-Cr25", address, ".1")
    assert len(v2) > 200 and sorted(v1) == sorted(v2) == sorted(bulk)
    values = card.status()["ups"]["values"]
    assert bulk[CHARGE] == "INTEGER: %d" % round(values["battery.charge"])
    assert bulk[OUT_VOLTAGE] == "INTEGER: %d" % round(values["output.voltage"])
    assert bulk[SYS_NAME] == 'STRING: "opennmc"'
    assert bulk[".1.3.6.1.2.1.1.2.0"] == "OID: .1.3.6.1.4.1.4555.1.1.1"
    # The three trees: RFC 1628, the NET VISION 7 tree and the older NET VISION tree.
    assert bulk[".1.3.6.1.2.1.33.1.1.2.0"] == bulk[".1.3.6.1.4.1.4555.1.1.7.1.1.1.0"] \
        == bulk[".1.3.6.1.4.1.4555.1.1.1.1.1.1.0"] == 'STRING: "NETYS RT"'
    # The manual's rule: what the UPS does not manage reads -1 in the NET VISION tree.
    assert bulk[".1.3.6.1.4.1.4555.1.1.7.1.2.6.0"] == "INTEGER: -1"


@pytest.mark.parametrize("user", sorted(USERS))
def test_v3_reads_with_each_authentication_and_privacy_protocol(agent, user):
    _sim, _card, address, tools = agent
    got = tools.values("snmpget", *v3(user), address, SYS_NAME, CHARGE)
    assert got[SYS_NAME] == 'STRING: "opennmc"' and got[CHARGE].startswith("INTEGER: ")


def test_v3_bulkwalk_with_privacy_sees_the_v2c_tree(agent):
    _sim, _card, address, tools = agent
    secure = tools.values("snmpbulkwalk", *v3("shaaes"), address, ".1.3.6.1.2.1.33")
    plain = tools.values("snmpbulkwalk", "-v2c", "-c", "public", address, ".1.3.6.1.2.1.33")
    assert sorted(secure) == sorted(plain) and len(plain) > 40


@pytest.mark.parametrize("args, says", [
    (["-v2c", "-c", "nopublic"], "Timeout"),                      # unknown community: silence
    (["-v1", "-c", "Public"], "Timeout"),
    (v3("shaaes", auth_pw="wrong-auth-1"), "Authentication failure"),
    (v3("md5only", auth_pw="wrong-auth-1"), "Authentication failure"),
    (v3("shaaes", priv_pw="wrong-priv-1"), ""),                   # undecryptable: no answer
    (["-v3", "-u", "mallory", "-l", "noAuthNoPriv"], "Unknown user name"),
    (v3("shaaes", level="noAuthNoPriv"), "Unsupported security level"),
    (v3("shaaes", level="authNoPriv"), "Unsupported security level"),
])
def test_wrong_credentials_are_refused(agent, args, says):
    _sim, _card, address, tools = agent
    out = tools.run("snmpget", *args, address, SYS_NAME)
    assert out.returncode != 0 and "opennmc" not in out.stdout, (out.stdout, out.stderr)
    assert says in out.stdout + out.stderr


@pytest.mark.parametrize("args, error", [
    (["-v2c", "-c", "public"], "noAccess"),
    (["-v1", "-c", "public"], "noSuchName"),
    (v3("shaaes"), "noAccess"),
    (v3("nobody"), "noAccess"),
])
def test_set_with_read_access_is_refused_and_changes_nothing(agent, args, error):
    _sim, card, address, tools = agent
    out = tools.run("snmpset", *args, address, SYS_NAME, "s", "intruder")
    assert out.returncode != 0 and error in out.stdout + out.stderr, (out.stdout, out.stderr)
    assert cli_json(card, "config", "get", "system.name")["system.name"] == "opennmc"
    assert tools.values("snmpget", "-v2c", "-c", "public", address, SYS_NAME)[SYS_NAME] \
        == 'STRING: "opennmc"'


@pytest.mark.parametrize("varbinds, error", [
    ([SYS_NAME, "i", "5"], "wrongType"),
    ([SYS_NAME, "s", "x" * 65], "wrongLength"),
    ([SYS_UPTIME, "t", "5"], "notWritable"),
    ([".1.3.6.1.2.1.33.1.2.4.0", "i", "50"], "notWritable"),
    ([AUTO_RESTART, "i", "7"], "wrongValue"),
    ([".1.3.6.1.4.1.4555.1.1.7.1.9.10.0", "i", "99999"], "wrongValue"),   # poll rate bound
    # All or nothing: the good first varbind is not applied when the second is refused.
    ([SYS_NAME, "s", "half-done", AUTO_RESTART, "i", "9"], "wrongValue"),
])
def test_bad_set_values_are_refused_and_change_nothing(agent, varbinds, error):
    _sim, card, address, tools = agent
    before = tools.values("snmpget", "-v2c", "-c", "public", address, SYS_NAME, AUTO_RESTART)
    out = tools.run("snmpset", "-v2c", "-c", "private", address, *varbinds)
    assert out.returncode != 0 and error in out.stdout + out.stderr, (out.stdout, out.stderr)
    assert tools.values("snmpget", "-v2c", "-c", "public", address, SYS_NAME,
                        AUTO_RESTART) == before
    assert cli_json(card, "config", "get", "poll.rate")["poll.rate"] == 1


def test_set_with_write_access_changes_the_setting_and_logs_who(agent):
    _sim, card, address, tools = agent
    tools.values("snmpset", "-v2c", "-c", "private", address, SYS_NAME, "s", "Room 12")
    assert cli_json(card, "config", "get", "system.name")["system.name"] == "Room 12"
    tools.values("snmpset", *v3("md5des"), address, SYS_NAME, "s", "opennmc")
    assert cli_json(card, "config", "get", "system.name")["system.name"] == "opennmc"
    logged = wait_until(lambda: [t for t in texts(card) if "System Name has been changed via "
                                 "snmp" in t], "the changes in the card event log")
    assert any("by write community from 127.0.0.1" in t for t in logged), logged
    assert any("by snmpv3 user md5des" in t for t in logged), logged
    # A setting the card owns elsewhere, through the NET VISION tree: checked and applied.
    tools.values("snmpset", "-v2c", "-c", "private", address,
                 ".1.3.6.1.4.1.4555.1.1.7.1.9.10.0", "i", "1")


def test_battery_test_through_upstestid_and_its_spin_lock(agent):
    sim, _card, address, tools = agent
    spin = int(tools.values("snmpget", "-v2c", "-c", "public", address, SPIN)[SPIN].split()[-1])
    stale = tools.run("snmpset", "-v2c", "-c", "private", address, TEST_ID, "o", QUICK_TEST,
                      SPIN, "i", str(spin + 1))
    assert "inconsistentValue" in stale.stdout + stale.stderr
    tools.values("snmpset", "-v2c", "-c", "private", address, TEST_ID, "o", QUICK_TEST,
                 SPIN, "i", str(spin))
    sim.wait_for(lambda st: st["physics"].get("battery_test") not in (None, "none"),
                 what="the simulator running the battery test")
    got = tools.values("snmpget", "-v2c", "-c", "public", address, TEST_ID, SPIN, SUMMARY)
    assert got[TEST_ID] == "OID: " + QUICK_TEST and got[SPIN] == "INTEGER: %d" % (spin + 1)
    wait_until(lambda: tools.values("snmpget", "-v2c", "-c", "public", address, SUMMARY)[
        SUMMARY] in ("INTEGER: 1", "INTEGER: 3"), "the test result", timeout=120)


SHUTDOWN_AFTER, STARTUP_AFTER = ".1.3.6.1.2.1.33.1.8.2.0", ".1.3.6.1.2.1.33.1.8.3.0"
STATUS_CONTROL = ".1.3.6.1.4.1.4555.1.1.7.1.7.1.0"


def test_upscontrol_counts_down_then_sends_the_command_to_the_ups(agent):
    sim, _card, address, tools = agent
    assert sim.state()["physics"]["load_off_in_s"] is None
    tools.values("snmpset", "-v2c", "-c", "private", address, AUTO_RESTART, "i", "2",
                 SHUTDOWN_AFTER, "i", "3")
    left = int(tools.values("snmpget", "-v2c", "-c", "public", address, SHUTDOWN_AFTER)[
        SHUTDOWN_AFTER].split()[-1])
    assert 0 <= left <= 3 and sim.state()["physics"]["load_off_in_s"] is None
    sim.wait_for(lambda st: st["physics"]["load_off_in_s"] is not None,
                 what="load.off.delay at the UPS after the countdown")
    assert tools.values("snmpget", "-v2c", "-c", "public", address, SHUTDOWN_AFTER)[
        SHUTDOWN_AFTER] == "INTEGER: -1"
    tools.values("snmpset", "-v2c", "-c", "private", address, STARTUP_AFTER, "i", "0",
                 AUTO_RESTART, "i", "1")
    sim.wait_for(lambda st: st["physics"]["load_off_in_s"] is None and st["physics"]["load_on"],
                 what="load.on at the UPS")


def test_net_vision_status_control_and_remote_controls_disabled(agent):
    sim, card, address, tools = agent
    tools.values("snmpset", "-v2c", "-c", "private", address, STATUS_CONTROL, "i", "6")
    sim.wait_for(lambda st: st["physics"]["bypass"], what="the UPS on bypass")
    tools.values("snmpset", "-v2c", "-c", "private", address, STATUS_CONTROL, "i", "7")
    sim.wait_for(lambda st: not st["physics"]["bypass"], what="the UPS back on inverter")
    sim.set(remote_disabled=True)
    try:
        card.wait_for(lambda s: "S06" in s["ups"]["statuses"], what="remote controls disabled")
        out = tools.run("snmpset", "-v2c", "-c", "private", address, STATUS_CONTROL, "i", "6")
        assert "inconsistentValue" in out.stdout + out.stderr, (out.stdout, out.stderr)
        assert not sim.state()["physics"]["bypass"]
    finally:
        sim.set(remote_disabled=False)
