"""The one list of features a build runs, in start order, and the settings schema it makes.

A new feature goes here once: its package holds its settings, its code and its feature class
(firmware/card/feature.py shows the shape). Order matters where one feature uses what an earlier
one provides: the clock stamps every event, so it comes first; the logs come next so that they
record everything that follows.
"""

from firmware.accounts.feature import Accounts
from firmware.admin.feature import Admin
from firmware.card import settings as card_settings
from firmware.clock.feature import Time
from firmware.console.feature import Console
from firmware.emd.feature import Emd
from firmware.events.feature import Events
from firmware.http.feature import Web
from firmware.logs.feature import Logs
from firmware.notify.feature import Mail, Syslog, Wol
from firmware.nut.feature import Nut
from firmware.panel.feature import Panel
from firmware.schedules.feature import Schedules
from firmware.service.feature import Service
from firmware.settings.schema import Schema
from firmware.shutdown.feature import Shutdown
from firmware.snmp.feature import Snmp
from firmware.ups.feature import Ups

FEATURES = (
    Time,        # the card clock (stamps every event), NTP/NTS and the UPS clock
    Logs,        # event logs and history logs: records every event from here on
    Events,      # UPS/STS flags -> events; the active alarm table
    Accounts,    # the admin password and the users
    Ups,         # the poller: owns the serial line, the only writer of UPS data
    Nut,         # NUT network server
    Emd,         # environment sensors: the EMD, the board's own sensors, dry contacts
    Shutdown,    # shutdown management: events, warnings, FSD, UPS off/on, schedules
    Schedules,   # battery test and eco mode schedules, power share plugs (through card.ups)
    Web,         # web UI and JSON API (HTTP, HTTPS)
    Snmp,        # SNMP agent (v1, v2c, v3) and traps
    Console,     # configuration console: SSH and the serial line
    Mail, Syslog, Wol,   # notifications: e-mail, syslog, Wake-on-LAN (listen to the bus)
    Admin,       # management operations on the local socket
    Panel,       # status LEDs and reset button: its auto-diagnostic sees the card up
    Service,     # last: systemd told "ready" once everything started; watchdog; upgrade health
)


def schema(feature_classes=FEATURES):
    """The settings of the card and of every feature in the list."""
    rows, rules = list(card_settings.ROWS), []
    for cls in feature_classes:
        rows.extend(cls.SETTINGS)
        rules.extend(cls.RULES)
    return Schema(rows, rules)
