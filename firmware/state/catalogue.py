"""The manual's event texts: UPS events (§18.3), STS events (§18.4) and card events (§18.5).

UPS flags keep the acronym of their map row as the event code; where a row corresponds to an entry
of the manual's UPS event list, the event text is the list's wording, otherwise the map's
description.
STS rows are keyed by (address, bit) because the manual's STS list follows the register bits in
order, whatever acronyms the STS map gives them; the list's level applies.
Card events have stable dotted codes; card_event(bus, code, **params) fills the "{name}" fields.
Every card event of every feature is listed here, so the event log's vocabulary is in one table:
card_event() refuses a code that is not.
"""

from firmware.state.bus import make_event

# --- UPS events (§18.3) ---------------------------------------------------------------------------
# (mapping, acronym) -> the manual's event text. Rows absent here keep the map's description.
UPS_TEXTS = {
    # JBUSP statuses
    ("jbusp", "S03"): "Load protected by Inverter",
    ("jbusp", "S04"): "Load on bypass",
    ("jbusp", "S05"): "Operating on Battery",
    ("jbusp", "S07"): "UPS in eco mode",
    ("jbusp", "S08"): "On standby",
    ("jbusp", "S10"): "Battery test in progress",
    ("jbusp", "S14"): "Battery Test failed",
    ("jbusp", "S15"): "End of Backup Time / Battery Low",
    ("jbusp", "S16"): "Battery discharged",
    # JBUSP alarms
    ("jbusp", "A00"): "General Alarm",
    ("jbusp", "A01"): "Battery Alarm",
    ("jbusp", "A02"): "Overload Alarm",
    ("jbusp", "A05"): "Rectifier Input Supply not OK",
    ("jbusp", "A06"): "Bypass Input Supply not OK",
    ("jbusp", "A07"): "Ambient Temperature Alarm",
    ("jbusp", "A08"): "On maintenance bypass",
    # The list pairs "Charger Critical Alarm" with a charger fault and "Charger Preventive Alarm"
    # with JBUSP's "Charger General Al." (columns slid in the extraction; decided from the VU-MAP
    # names).
    ("jbusp", "A10"): "Charger Critical Alarm",
    ("jbusp", "A19"): "Internal / Communication failure",
    ("jbusp", "A23"): "Rectifier Preventive Alarm",
    ("jbusp", "A25"): "Inverter Preventive Alarm",
    ("jbusp", "A26"): "Charger Preventive Alarm",
    ("jbusp", "A29"): "Bypass Preventive Alarm",
    ("jbusp", "A31"): "UPS Imminent Stop",
    ("jbusp", "A32"): "Unit 1 General Alarm",
    ("jbusp", "A33"): "Unit 2 General Alarm",
    ("jbusp", "A34"): "Unit 3 General Alarm",
    ("jbusp", "A35"): "Unit 4 General Alarm",
    ("jbusp", "A36"): "Unit 5 General Alarm",
    ("jbusp", "A37"): "Unit 6 General Alarm",
    ("jbusp", "A38"): "External Input 1 Alarm",
    ("jbusp", "A39"): "External Input 2 Alarm",
    ("jbusp", "A40"): "External Input 3 Alarm",
    ("jbusp", "A41"): "External Input 4 Alarm",
    ("jbusp", "A42"): "Remote Service Alarm",
    ("jbusp", "A43"): "Redundancy lost",
    ("jbusp", "A44"): "Maintenance Alarm",
    # "Auto. and manual transfer disable" is the list's "Transfer locked"; "Automatic transfer
    # disable" its "Transfer impossible" (the manual gives no explicit pairing).
    ("jbusp", "A45"): "Transfer locked",
    ("jbusp", "A46"): "Transfer impossible",
    ("jbusp", "A47"): "Battery Room Alarm",
    ("jbusp", "A48"): "Maintenance Bypass Alarm",
    ("jbusp", "A49"): "Battery discharged",
    ("jbusp", "A50"): "Insufficient resource",
    ("jbusp", "A52"): "Rectifier Critical Alarm",
    ("jbusp", "A54"): "Inverter Critical Alarm",
    ("jbusp", "A56"): "Gen Set Alarm",
    ("jbusp", "A59"): "Battery disconnected",
    ("jbusp", "A60"): "FAN Failure",
    ("jbusp", "A61"): "Phase Rotation fault",
    ("jbusp", "A62"): "Bypass Critical Alarm",
    # VU-MAP statuses ("Normal mode" is the list's name for S011 "Operating": it sits between the
    # inverter and eco-mode status events, the order of the VU-MAP status table)
    ("vumap", "S000"): "Load protected by Inverter",
    ("vumap", "S002"): "Load on bypass",
    ("vumap", "S003"): "On maintenance bypass",
    ("vumap", "S004"): "Load off",
    ("vumap", "S006"): "UPS in eco mode",
    ("vumap", "S011"): "Normal mode",
    ("vumap", "S012"): "Unit Available",
    ("vumap", "S013"): "On standby",
    ("vumap", "S030"): "Auto-test in progress",
    ("vumap", "S031"): "Alarm Acknowledgement",
    ("vumap", "S034"): "Battery test in progress",
    # VU-MAP alarms whose description differs from the list's wording
    ("vumap", "A000"): "UPS Imminent Stop",
    ("vumap", "A005"): "Insufficient resource",
    ("vumap", "A018"): "End of Backup Time / Battery Low",
    ("vumap", "A059"): "UPS Power Off",
}

# VU-MAP A096..A110 "[n] in General Alarm", A112..A126 "[n] in Imminent STOP": n is the unit.
for _n in range(1, 16):
    UPS_TEXTS[("vumap", "A%03d" % (95 + _n))] = "Unit %d General Alarm" % _n
    UPS_TEXTS[("vumap", "A%03d" % (111 + _n))] = "Unit %d Imminent Stop" % _n
    UPS_TEXTS[("vumap", "S%03d" % (95 + _n))] = "Unit %d Operating" % _n
    UPS_TEXTS[("vumap", "S%03d" % (111 + _n))] = "Unit %d Available" % _n
del _n

# The alarm whose presence lights the alarm icon (§12.3).
GENERAL_ALARMS = {"jbusp": "A00", "vumap": "A015", "sts": None}

# "UPS connected" / "UPS not connected" (codes ups.connected / ups.disconnected) are published by
# the poller, which knows when the link comes and goes; the texts of the controls the card sends
# ("UPS shut off sent", "Transfer Load to Bypass", ...) live with the commands
# (commands.EVENT_TEXT).

# --- STS events (§18.4): (address, bit) -> (level, text) ------------------------------------------
# A blank level in the list is Information: every row of the list is logged.
STS_TEXTS = {
    (0x0140, 0): ("I", "STS Source 1 OK"),
    (0x0140, 1): ("C", "STS Source 1 Critical"),
    (0x0140, 2): ("W", "STS Source 1 Out of tolerance"),
    (0x0140, 3): ("W", "STS Source 1 Absent"),
    (0x0140, 4): ("I", "STS Power Path 1 OK"),
    (0x0140, 6): ("I", "STS Source 2 OK"),
    (0x0140, 7): ("C", "STS Source 2 Critical"),
    (0x0140, 8): ("W", "STS Source 2 Out of tolerance"),
    (0x0140, 9): ("W", "STS Source 2 Absent"),
    (0x0140, 10): ("I", "STS Power Path 2 OK"),
    (0x0140, 12): ("I", "STS Sources perm. Synchronised"),
    (0x0140, 13): ("W", "STS Sliding Sources"),
    (0x0140, 14): ("W", "STS Sources not Synchronised"),
    (0x0140, 15): ("I", "STS Sources Instant. Synchronised"),
    (0x0141, 0): ("I", "STS S1 is preferred source"),
    (0x0141, 1): ("I", "STS Load on preferred source"),
    (0x0141, 2): ("W", "STS Load on alternate source"),
    (0x0141, 3): ("C", "STS Load Off"),
    (0x0141, 4): ("W", "STS Load on manual bypass 1"),
    (0x0141, 5): ("W", "STS Load on manual bypass 2"),
    (0x0141, 7): ("I", "STS Load on S1"),
    (0x0141, 8): ("I", "STS Load on S2"),
    (0x0141, 10): ("W", "STS Transfer locked ext."),
    (0x0141, 12): ("I", "STS Output OK"),
    (0x0141, 13): ("W", "STS Output out of tolerance"),  # the list misprints "Output of tolerance"
    (0x0141, 14): ("W", "STS Output Absent"),
    (0x0142, 0): ("W", "STS ESD input active"),
    (0x0142, 1): ("I", "STS Q41 closed"),
    (0x0142, 2): ("I", "STS Q42 closed"),
    (0x0142, 3): ("I", "STS SS1 closed"),
    (0x0142, 4): ("I", "STS SS2 closed"),
    (0x0142, 5): ("I", "STS Q30 closed"),
    (0x0142, 6): ("I", "STS Q51 closed"),
    (0x0142, 7): ("I", "STS Q52 closed"),
    (0x0142, 13): ("I", "STS Remote controls enabled"),
    (0x0142, 14): ("W", "STS Maintenance alert"),
    (0x0142, 15): ("I", "STS User mode"),
    (0x0148, 0): ("C", "STS Imminent Stop"),
    (0x0148, 1): ("W", "STS Output Isc detection"),
    (0x0148, 2): ("W", "STS Manual Bypass Alarm"),
    (0x0148, 3): ("W", "STS Overload Alarm"),
    (0x0148, 4): ("C", "STS SoLink Alarm"),
    (0x0148, 5): ("W", "STS Consecutives Detections Alarm"),
    (0x0148, 6): ("W", "STS Switchback Impossible Alarm"),
    (0x0148, 7): ("W", "STS Transfer Impossible alarm"),
    (0x0148, 9): ("W", "STS Powerpath1 deteriorated"),
    (0x0148, 10): ("W", "STS PowerPath1 short circuit"),
    (0x0148, 11): ("C", "STS PowerPath1 Failure"),
    (0x0148, 13): ("W", "STS PowerPath2 deteriorated"),
    (0x0148, 14): ("W", "STS PowerPath2 short circuit"),  # the list misprints "Sort Circuit"
    # The list repeats "PowerPath1 Failure" here: bit 15 is path 2.
    (0x0148, 15): ("C", "STS PowerPath2 Failure"),
    (0x0149, 0): ("W", "STS Backfeed1 protection open"),
    (0x0149, 1): ("W", "STS Backfeed2 protection open"),
    (0x0149, 2): ("W", "STS Ambient temperature max"),
    (0x0149, 9): ("W", "STS Preventive Alarm"),
    (0x0149, 10): ("W", "STS Wrong Configuration"),
    (0x0149, 11): ("W", "STS HMI Alarm"),
    (0x0149, 12): ("W", "STS Electronics alarm"),
    (0x0149, 13): ("W", "STS Custom input alarm"),
    (0x0149, 14): ("W", "STS Maintenance alarm"),
    (0x0149, 15): ("W", "STS General Alarm"),
}


def ups_text(mapping, acronym, description):
    """The manual's text for a UPS flag, else the map's description."""
    return UPS_TEXTS.get((mapping, acronym), description)


def sts_entry(address, bit):
    """(level, text) of the STS list for a register bit, or None."""
    return STS_TEXTS.get((address, bit))


# --- card events (§18.5): code -> (level, template) ----------------------------------------------
# "{ip}" is the card's address, as the manual's "???" before the time events.
CARD = {
    "boot.cold": ("I", "Cold boot"),
    "boot.warm": ("I", "Warm boot"),
    "link.up": ("I", "Network link up"),
    "link.down": ("W", "Network link down"),
    "agent.restart": ("I", "NET VISION UPS Agent Restart"),
    "params.reset": ("W", "NET VISION UPS Agent Parameters reset to default"),
    "params.checksum": ("C", "Parameters checksum error"),
    "firmware.upgrade": ("I", "NET VISION UPS Agent Firmware upgrade"),
    "log.history.cleared": ("I", "History log cleared"),
    "log.extended.cleared": ("I", "Extended history log cleared"),
    "log.ups.cleared": ("I", "UPS event log cleared"),
    "log.card.cleared": ("I", "NET VISION UPS Agent event log cleared"),
    "log.history.interval": ("I", "History log interval changed"),
    "log.extended.interval": ("I", "Extended history log interval changed"),
    "log.card.schema": ("W", "NET VISION UPS Agent event log schema changed. "
                              "Log has been re-created."),
    "log.ups.schema": ("W", "UPS event log schema changed. Log has been re-created."),
    "log.history.schema": ("W", "History log schema changed. Log has been re-created."),
    "log.extended.schema": ("W", "Extended history log schema changed. Log has been re-created."),
    # The manual lists no STS log events; these follow the wording of the UPS ones.
    "log.sts.cleared": ("I", "STS event log cleared"),
    "log.sts_history.cleared": ("I", "STS history log cleared"),
    "log.sts.schema": ("W", "STS event log schema changed. Log has been re-created."),
    "log.sts_history.schema": ("W", "STS history log schema changed. Log has been re-created."),
    # The manual's shutdown texts, with the event and the time left (firmware/shutdown/).
    "shutdown.warning": ("W", "Send shutdown warning to clients: {event}, shutdown in {seconds} s"),
    "shutdown.request": ("C", "Send shutdown request to clients: {event}"),
    "shutdown.ups": ("C", "Send UPS shutdown command to UPS ({command})"),
    "shutdown.cancel": ("I", "Send shutdown cancel to clients: {event}"),
    "ups.output.on": ("I", "Send UPS output on command to UPS ({command})"),
    "shutdown.command.refused": ("W", "UPS command {command} of the shutdown refused: {error}"),
    "shutdown.test": ("I", "Shutdown test (AC failed simulated) started via {via} by {user}"),
    # The battery test and eco mode schedules and the power share plug modes (firmware/schedules/):
    # a control sent is the UPS event of the command path ("Battery test sent", "Enable eco mode",
    # "Power Plug 1 OFF"); one that could not go is this, once per due action.
    "sched.not_sent": ("W", "{control} ({by}) not sent: {why}"),
    "comm.lost": ("W", "UPS communication lost"),
    "comm.restored": ("I", "UPS communication restored"),
    "ups.values.implausible": ("W", "UPS answers implausible values ({count}): {names}"),
    "ups.values.plausible": ("I", "UPS values plausible again"),
    "time.user": ("I", "{ip} Time changed by user"),
    "time.server": ("I", "{ip} Time changed by server"),
    "time.rtc": ("I", "{ip} Time changed by RTC"),
    "ntp.failed": ("W", "Ntp Time Server Connected Failed"),
    "mail.connect": ("W", "Cannot connect to mail server"),
    "mail.receiver": ("W", "Incorrect Mail receiver"),
    "mail.server": ("W", "Incorrect Mail server name/IP address"),
    "mail.error": ("W", "Mail send error/unknown error"),
    "mail.error.detail": ("W", "Mail send error:{detail}"),
    "mail.sent": ("I", "Mail sent"),
    "mail.test": ("I", "Mail send test"),
    "wol.sent": ("I", "Wake On LAN packet sent to clients"),
    # Notifications (firmware/notify/): what the manual leaves unsaid. A notifier that gives
    # messages up says so; a syslog outage is logged when it starts and when it ends.
    "wol.failed": ("W", "Wake On LAN packet not sent: {error}"),
    "syslog.failed": ("W", "Cannot send to syslog server {server}: {error}"),
    "syslog.restored": ("I", "Syslog server {server} reachable again"),
    "notify.dropped": ("W", "{notifier}: {count} {what} not sent ({reason})"),
    "radius.failed": ("W", "All RADIUS servers invalid or connection failed"),
    "setting.changed": ("I", "{setting} has been changed via {via} by {user}"),
    "setting.rejected": ("W", "{setting} stored value refused ({error}): default used"),
    "params.accounts.reset": ("W", "Accounts and passwords reset to default via {via} by {user}"),
    "config.uploaded": ("I", "Upload configuration successfully via {via} by {user}"),
    "config.upload.errors": ("W", "Upload configuration with {errors} error(s) via {via} "
                                  "by {user}"),
    # Features of the card that could not start (a port in use, an address that does not resolve)
    # stop nothing else: the card retries them and says when they run again.
    "feature.failed": ("W", "{feature} not running: {error}"),
    "feature.restored": ("I", "{feature} running again"),
    "nut.fsd": ("W", "Forced shutdown requested by NUT client {address} ({user})"),
    # The test trap of the SNMP trap receivers page (manual 15.8, trap 40 "TRAP TEST").
    "snmp.trap.test": ("I", "SNMP test trap sent to {count} receiver(s) via {via} by {user}"),
    # Logins of every interface (firmware/accounts/guard.py); "Admin or User account locked" is
    # the manual's wording (§15.8).
    "login.failed": ("W", "Login failed for {user} from {address} via {via}"),
    "login.refused": ("W", "Login of {user} from {address} via {via} refused: {reason}"),
    "account.locked": ("W", "Admin or User account locked: {user} for {minutes} min"),
    "address.blocked": ("W", "Logins from {address} blocked for {minutes} min"),
    # Login sessions (firmware/accounts/sessions.py): the manual's "New Admin or User session
    # opened." (§15.8) with who and from where; the end of a session says why.
    "session.opened": ("I", "New Admin or User session opened: {user} from {address} via {via}"),
    "session.ended": ("I", "Session of {user} from {address} via {via} closed: {reason}"),
    # Environment sensors (manual §14, firmware/emd/). A warning set point crossed uses the card
    # event log's words (§18.5, level W); a critical one the EMD appendix's, which are also NET
    # VISION traps 28-35 (critical, then information when it ends). The appendix logs the two
    # inputs as Critical (traps 36-39). The sensor and its value follow the manual's words.
    # Codes fit the event logs' 16 bytes: hi/lo a set point, 2 the critical one, ok its end.
    "emd.temp.hi": ("W", "EMD Temperature over high Set point: {sensor} {value}"),
    "emd.temp.hi.ok": ("I", "EMD Temperature not over high Set point: {sensor} {value}"),
    "emd.temp.lo": ("W", "EMD Temperature under low Set point: {sensor} {value}"),
    "emd.temp.lo.ok": ("I", "EMD Temperature not under low Set point: {sensor} {value}"),
    "emd.hum.hi": ("W", "EMD Humidity over high Set point: {sensor} {value}"),
    "emd.hum.hi.ok": ("I", "EMD Humidity not over high Set point: {sensor} {value}"),
    "emd.hum.lo": ("W", "EMD Humidity under low Set point: {sensor} {value}"),
    "emd.hum.lo.ok": ("I", "EMD Humidity not under low Set point: {sensor} {value}"),
    "emd.temp.hi2": ("C", "EMD Sensor detected high temperature: {sensor} {value}"),
    "emd.temp.hi2.ok": ("I", "EMD Sensor Not over high temperature: {sensor} "
                                        "{value}"),
    "emd.temp.lo2": ("C", "EMD Sensor detected low temperature: {sensor} {value}"),
    "emd.temp.lo2.ok": ("I", "EMD Sensor Not under low temperature: {sensor} {value}"),
    "emd.hum.hi2": ("C", "EMD Sensor detected high humidity: {sensor} {value}"),
    "emd.hum.hi2.ok": ("I", "EMD Sensor Not over high humidity: {sensor} "
                                            "{value}"),
    "emd.hum.lo2": ("C", "EMD Sensor detected low humidity: {sensor} {value}"),
    "emd.hum.lo2.ok": ("I", "EMD Sensor Not under low humidity: {sensor} "
                                           "{value}"),
    "emd.alarm1": ("C", "EMD Alarm-1 activated: {name}"),
    "emd.alarm1.ok": ("I", "EMD Alarm-1 not active: {name}"),
    "emd.alarm2": ("C", "EMD Alarm-2 activated: {name}"),
    "emd.alarm2.ok": ("I", "EMD Alarm-2 not active: {name}"),
    "emd.alarm": ("C", "EMD Alarm-{input} activated: {name}"),
    "emd.alarm.ok": ("I", "EMD Alarm-{input} not active: {name}"),
    "emd.found": ("I", "EMD detected: address {address}, firmware {firmware} on {device}"),
    "emd.lost": ("W", "EMD not answering on {device}: {error}"),
    "emd.sensor.fail": ("W", "Sensor {sensor} not readable: {error}"),
    "emd.sensor.ok": ("I", "Sensor {sensor} readable again"),
    # The reset button (manual §10, firmware/panel/); its actions log their own events.
    "button.action": ("I", "Reset button held {seconds} s: {action}"),
    "button.stuck": ("W", "Reset button held over {seconds} s: stuck, ignored"),
    "button.failed": ("W", "Reset button action {action} failed: {error}"),
    # Firmware upgrades (firmware/upgrade/, firmware/service/): the manual's "Firmware upgrade"
    # once the new release runs healthily, with what it replaced; refusals and rollbacks.
    "fw.upgraded": ("I", "NET VISION UPS Agent Firmware upgrade: {previous} -> {version}"),
    "fw.installed": ("I", "Firmware {version} installed beside {previous}: switching over"),
    "fw.refused": ("W", "Firmware package {file} refused: {why}"),
    "fw.rollback": ("C", "Firmware {version} rolled back to {previous}: {why}"),
}

# Defaults for fields a caller may leave out ("via NET VISION Explorer" in the manual).
_DEFAULTS = {"via": "web", "user": "?", "ip": "", "errors": "?", "detail": "", "setting": "?"}


def fill(template, params):
    """Replace each "{name}" with params[name] (or a default); never raises on missing fields."""
    out = []
    i = 0
    n = len(template)
    while i < n:
        j = template.find("{", i)
        if j < 0:
            out.append(template[i:])
            break
        k = template.find("}", j)
        if k < 0:
            out.append(template[i:])
            break
        out.append(template[i:j])
        name = template[j + 1:k]
        value = params.get(name, _DEFAULTS.get(name, "?"))
        out.append(str(value))
        i = k + 1
    return "".join(out).strip()


def card_text(code, **params):
    """(level, text) of a card event; ValueError for an unknown code."""
    entry = CARD.get(code)
    if entry is None:
        raise ValueError("unknown card event %r" % (code,))
    return entry[0], fill(entry[1], params)


def card_event(bus, code, now=None, **params):
    """Publish a card event with its catalogue level and filled text; returns the event."""
    level, text = card_text(code, **params)
    ev = make_event("card", level, code, text, now=now)
    for k, v in params.items():
        if k not in ev:
            ev[k] = v
    if bus is not None:
        bus.publish(ev)
    return ev
