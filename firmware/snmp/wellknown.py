"""Well-known alarms and trap conditions: the manual's appendices as data tables.

RFC1628 (RFC 1628 upsWellKnownAlarms, 1.3.6.1.2.1.33.1.6.3.N; appendix "RFC1628 WELLKNOWALARMS
OID DESCRIPTION"): N -> (name, {mapping: rule}). Rules are written as firmware/snmp/rules.py
reads them. "card" rows are the card's own conditions (communication lost).

NV7 (NET VISION 7 upsWellKnownAlarms, 1.3.6.1.4.1.4555.1.1.7.1.6.3.N; appendix "NET VISION 7 MIB
FILE OID DESCRIPTION"): N -> (name, {mapping: rule}); an absent mapping ("0" in the manual) is
never active.

NV_TRAPS (appendix "NET VISION 7 TRAP DESCRIPTION"): N -> (name, level, {mapping: rule}, edge)
where edge "rise" sends the trap when the rule starts to hold, "fall" when it stops. Traps 1-4
follow RFC 1628 and are produced by the alarm table; 14, 25, 27, 28-39 (the EMD's critical set
points and inputs, firmware/emd/) and 40 by card events; traps 20, 21, 26 (shutdown agent) and
the shutdown agent's alarm rows by the shutdown's card events (firmware/snmp/shutdown_alarms.py).

STS_TRAPS (appendix "STS TRAP DESCRIPTION"): name -> (number, level, rule, edge).
"""

J, V = "jbusp", "vumap"

# The appendix's "load on bypass" excludes eco mode (JBUSP S07; VU-MAP S006 eco mode and S007
# energy saver): the VU-MAP column prints S002&!S006 in one appendix and S002&!S007 in the
# other, so both are excluded.
ON_BYPASS = {J: "S04&!S07", V: "S002&!S006&!S007"}

RFC1628 = {
    1: ("upsAlarmBatteryBad", {J: "A01|A47", V: "A027|A020|A021"}),
    2: ("upsAlarmOnBattery", {J: "S05", V: "A019&S000"}),
    3: ("upsAlarmLowBattery", {J: "S15", V: "A018"}),
    4: ("upsAlarmDepletedBattery", {J: "S16|A49", V: "A017"}),
    5: ("upsAlarmTempBad", {J: "A07", V: "A002"}),
    6: ("upsAlarmInputBad", {J: "A05", V: "A035"}),
    7: ("upsAlarmOutputBad", {}),                       # "Not available"
    8: ("upsAlarmOutputOverload", {J: "A02", V: "A001"}),
    9: ("upsAlarmOnBypass", ON_BYPASS),
    10: ("upsAlarmBypassBad", {J: "A29", V: "A049"}),
    11: ("upsAlarmOutputOffAsRequested", {}),
    12: ("upsAlarmUpsOffAsRequested", {}),
    13: ("upsAlarmChargerFailed", {J: "A26", V: "A038"}),
    14: ("upsAlarmUpsOutputOff", {J: "!S03&!S04", V: "S004"}),
    15: ("upsAlarmUpsSystemOff", {J: "!S02&!S03&!S04", V: "!S049&!S052&!S057"}),
    16: ("upsAlarmFanFailure", {J: "A60", V: "A054"}),
    17: ("upsAlarmFuseFailure", {}),
    18: ("upsAlarmGeneralFault", {J: "A00", V: "A015"}),
    19: ("upsAlarmDiagnosticTestFailed", {J: "S14", V: "A022"}),
    20: ("upsAlarmCommunicationsLost", {"card": "stale"}),
    21: ("upsAlarmAwaitingPower", {}),                  # shutdown agent: shutdown_alarms.py
    22: ("upsAlarmShutdownPending", {}),
    23: ("upsAlarmShutdownImminent", {}),
    # The VU-MAP column prints A034 ("Rectifier Redundancy Alarm"); the row is "Battery test",
    # which is status S034 "Battery Test in progress": read as S034.
    24: ("upsAlarmTestInProgress", {J: "S10", V: "S034"}),
}

# Rows 3.27-3.31 slid in the extraction (each cell shows two acronyms): the second of each pair
# is the row's own, and the JBUSP names confirm it (A25 inverter preventive, A62 bypass
# critical, A29 bypass preventive, A06 bypass input, A61 phase rotation). Row 3.25 prints A037
# twice for VU-MAP: the charger alarm is A038 "Charger Preventive Alarm". Row 3.33 lost its
# number ("•").
NV7 = {
    1: ("upsAlarmImminentStop", {J: "A31", V: "A000"}),
    2: ("upsAlarmOverload", {J: "A02", V: "A001"}),
    3: ("upsAlarmTemperature", {J: "A07", V: "A002"}),
    4: ("upsAlarmTransferLock", {J: "A45", V: "A003"}),
    5: ("upsAlarmAutoTransferImpossible", {J: "A46", V: "A004"}),
    6: ("upsAlarmInsufficientResources", {J: "A50", V: "A005"}),
    7: ("upsAlarmRedundancyLost", {J: "A43", V: "A006"}),
    8: ("upsAlarmOutputShortCircuit", {J: "A09", V: "A007"}),
    9: ("upsAlarmMaintenance", {J: "A44", V: "A012"}),
    10: ("upsAlarmRemoteService", {J: "A42", V: "A013"}),
    11: ("upsAlarmGeneralFault", {J: "A00", V: "A015"}),
    12: ("upsAlarmBatteryCircuitOpen", {J: "A59", V: "A016"}),
    13: ("upsAlarmBatteryDischarged", {J: "S16|A49", V: "A017"}),
    14: ("upsAlarmLowBattery", {J: "S15", V: "A018"}),
    15: ("upsAlarmOnBattery", {J: "S05", V: "A019"}),
    16: ("upsAlarmBatteryTemperature", {V: "A020"}),
    17: ("upsAlarmBatteryRoom", {J: "A47", V: "A021"}),
    18: ("upsAlarmBatteryTest", {J: "S14", V: "A022"}),
    19: ("upsAlarmBatteryFault", {J: "A01", V: "A027"}),
    20: ("upsAlarmRectifierFault", {J: "A52", V: "A032"}),
    21: ("upsAlarmRectifierAlarm", {J: "A23", V: "A033"}),
    22: ("upsAlarmRecInputBad", {J: "A05", V: "A035"}),
    23: ("upsAlarmGenSetGeneral", {J: "A56", V: "A036"}),
    24: ("upsAlarmBatteryChargerFault", {J: "A10", V: "A037"}),
    25: ("upsAlarmBatteryChargerAlarm", {J: "A26", V: "A038"}),
    26: ("upsAlarmInverterFault", {J: "A54", V: "A040"}),
    27: ("upsAlarmInverterAlarm", {J: "A25", V: "A041"}),
    28: ("upsAlarmBypassFault", {J: "A62", V: "A048"}),
    29: ("upsAlarmBypassAlarm", {J: "A29", V: "A049"}),
    30: ("upsAlarmBypInputBad", {J: "A06", V: "A050"}),
    31: ("upsAlarmPhaseRotationFault", {J: "A61", V: "A051"}),
    32: ("upsAlarmFansFailure", {J: "A60", V: "A054"}),
    33: ("upsAlarmMaintenanceBypass", {J: "A48", V: "A056"}),
    34: ("upsAlarmUPSPowerOffActive", {J: "A58", V: "A059"}),
    35: ("upsAlarmWrongConfiguration", {J: "A20", V: "A060"}),
    36: ("upsAlarmInternalFailure", {J: "A19", V: "A061"}),
    37: ("upsAlarmOptionalBoards", {J: "A51", V: "A062"}),
    38: ("upsAlarmExternalAlarm1", {J: "A38", V: "A064"}),
    39: ("upsAlarmExternalAlarm2", {J: "A39", V: "A065"}),
    40: ("upsAlarmExternalAlarm3", {J: "A40", V: "A066"}),
    41: ("upsAlarmExternalAlarm4", {J: "A41", V: "A067"}),
    54: ("upsAlarmAutoTestRunning", {V: "S030"}),
    55: ("upsAlarmOnBypass", ON_BYPASS),
    56: ("upsAlarmUpsOutputOff", {J: "!S03&!S04", V: "S004"}),
    # VU-MAP prints nothing here: the RFC appendix's "system off" rule for VU-MAP is used.
    57: ("upsAlarmUpsSystemOff", {J: "!S02&!S01&S04", V: "!S049&!S052&!S057"}),
    58: ("upsAlarmCommunicationLost", {"card": "stale"}),
    59: ("upsAlarmShutdownPending", {}),                # shutdown agent: shutdown_alarms.py
    60: ("upsAlarmShutdownRequested", {}),              # never: see shutdown_alarms.py
    61: ("upsAlarmShutdownImminent", {}),
    62: ("upsAlarmAwaitingPower", {}),
}
for _n in range(6):        # unit/module 1-6 general alarms: JBUSP A32.., VU-MAP A096..
    NV7[42 + _n] = ("upsAlarmModule%dAlarm" % (_n + 1), {J: "A%02d" % (32 + _n),
                                                         V: "A%03d" % (96 + _n)})
for _n in range(6, 12):    # modules 7-12 exist on VU-MAP only
    NV7[42 + _n] = ("upsAlarmModule%dAlarm" % (_n + 1), {V: "A%03d" % (96 + _n)})
del _n

# The appendix's trap 18 prints "S04&!S06" (S06 is "remote controls disabled"): the on-bypass
# rule without eco mode is meant, as in the well-known alarms. Trap 22's VU-MAP "S000 S001" is
# read as S000 (S001 is not a published status). Trap 1 and 15 print "A019 & S000".
I, W, C = "I", "W", "C"
NV_TRAPS = {
    1: ("upsTrapOnBattery", C, {J: "S05", V: "A019&S000"}, "rise"),
    2: ("upsTrapTestCompleted", I, {}, "rise"),             # "Not managed"
    3: ("upsTrapAlarmEntryAdded", W, {}, "rise"),
    4: ("upsTrapAlarmEntryRemoved", I, {}, "rise"),
    5: ("upsTrapImminentStop", C, {J: "A31", V: "A000"}, "rise"),
    6: ("upsTrapOverload", W, {J: "A02", V: "A001"}, "rise"),
    7: ("upsTrapRedundancyLost", W, {J: "A43", V: "A006"}, "rise"),
    8: ("upsTrapBatteryCircuitOpen", C, {J: "A59", V: "A016"}, "rise"),
    9: ("upsTrapBatteryDischarged", C, {J: "S16", V: "A017"}, "rise"),
    10: ("upsTrapBatteryLow", C, {J: "S15", V: "A018"}, "rise"),
    11: ("upsTrapBatteryAlarm", W, {J: "A01", V: "A027"}, "rise"),
    12: ("upsTrapUpsCriticalAlarm", C, {J: "A52|A54|A62", V: "A032|A040|A048"}, "rise"),
    13: ("upsTrapLoadOFF", C, {J: "!S03&!S04", V: "S004"}, "rise"),
    14: ("upsTrapCommunicationLost", C, {"card": "comm.lost"}, "event"),
    15: ("upsTrapOnBatteryPower", W, {J: "S05", V: "A019&S000"}, "rise"),
    16: ("upsTrapBatteryTestFailed", W, {J: "S14", V: "A022"}, "rise"),
    17: ("upsTrapTemperatureAlarm", W, {J: "A07", V: "A020"}, "rise"),
    18: ("upsTrapOnBypass", W, ON_BYPASS, "rise"),
    19: ("upsTrapUpsPreventiveAlarm", W, {J: "A00", V: "A015"}, "rise"),
    20: ("upsTrapShutdownWarning", W, {}, "event"),         # shutdown agent: shutdown_alarms.py
    21: ("upsTrapShutdownRequest", W, {}, "event"),         # shutdown agent
    22: ("upsTrapUpsNormal", I, {J: "S03", V: "S000"}, "rise"),
    23: ("upsTrapPowerRestored", I, {J: "S00", V: "S048"}, "rise"),
    24: ("upsTrapAlarmCancelled", I, {J: "A00", V: "A015"}, "fall"),
    25: ("upsTrapComEstablished", I, {"card": "comm.restored"}, "event"),
    26: ("upsTrapShutdownCancelled", I, {}, "event"),       # shutdown agent
    27: ("upsTrapAgentRestarting", I, {"card": "agent.restart"}, "event"),
    28: ("upsTrapEmdTempLow", C, {"card": "emd.temp.lo2"}, "event"),
    29: ("upsTrapEmdTempNotLow", I, {"card": "emd.temp.lo2.ok"}, "event"),
    30: ("upsTrapEmdTempHigh", C, {"card": "emd.temp.hi2"}, "event"),
    31: ("upsTrapEmdTempNotHigh", I, {"card": "emd.temp.hi2.ok"}, "event"),
    32: ("upsTrapEmdHumidityLow", C, {"card": "emd.hum.lo2"}, "event"),
    33: ("upsTrapEmdHumidityNotLow", I, {"card": "emd.hum.lo2.ok"}, "event"),
    34: ("upsTrapEmdHumidityHigh", C, {"card": "emd.hum.hi2"}, "event"),
    35: ("upsTrapEmdHumidityNotHigh", I, {"card": "emd.hum.hi2.ok"}, "event"),
    36: ("upsTrapEmdFirstInputActive", C, {"card": "emd.alarm1"}, "event"),
    37: ("upsTrapEmdFirstInputRestored", I, {"card": "emd.alarm1.ok"}, "event"),
    38: ("upsTrapEmdSecondInputActive", C, {"card": "emd.alarm2"}, "event"),
    39: ("upsTrapEmdSecondInputRestored", I, {"card": "emd.alarm2.ok"}, "event"),
    40: ("upsTrapTest", I, {"card": "snmp.trap.test"}, "event"),
}

# STS traps: the appendix's SEVERE is critical. Bits from the STS map (firmware/ups/maps/sts.py).
STS_TRAPS = {
    1: ("stsTrapImminentStop", C, "A000", "rise"),
    2: ("stsTrapOverload", C, "A003", "rise"),
    3: ("stsTrapSwitchOnPreferredSource", I, "S017", "rise"),
    4: ("stsTrapSwitchOnAlternateSource", W, "S018", "rise"),
    5: ("stsTrapSource1PreferredSource", I, "S016", "rise"),
    6: ("stsTrapOutputLoadOFF", C, "S019", "rise"),
    7: ("stsTrapGeneralAlarm", W, "A031", "rise"),
    8: ("stsTrapAlarmCancelled", I, "A031", "fall"),
}

LEVEL_RANK = {"I": 0, "W": 1, "C": 2}


def active(table: dict, mapping: str, flags: set, stale: bool) -> set:
    """The row numbers of `table` (RFC1628 or NV7) whose condition holds now."""
    from firmware.snmp.rules import holds
    out = set()
    for number, (_name, rules) in table.items():
        if "card" in rules:
            if stale:
                out.add(number)
            continue
        if stale:
            continue           # flags are the last known ones: only "communication lost" is new
        rule = rules.get(mapping)
        if rule and holds(rule, flags):
            out.add(number)
    return out
