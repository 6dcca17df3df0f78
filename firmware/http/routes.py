"""The JSON API under /api/v1, as data: each route, who may call it, the operation it runs.

    Route(method, path, role, op, summary, query=..., body=..., result=..., kind=...)

role is the least role that may call it: "anon" (no session), "read" (read-only user), "write"
(read/write user) or "admin" (the admin account). A session that must change its password
reaches only the routes marked `first=True`. `op` names the management operation the route runs
(firmware/admin/ops.py and the features' operations()), so the web, the console and `opennmc`
do the same thing; kind says how its answer travels: "json" (the operation's result), "csv" or
"file" (a download), or "own" (a handler of the web server: the session, live events, the
certificate). The OpenAPI document (openapi.py) is drawn from this table, and so is the test
that walks every route with every role.
"""

from firmware.schedules.settings import PLUGS

ROLES = ("anon", "read", "write", "admin")
ERROR = {"type": "object", "required": ["error"],
         "properties": {"error": {"type": "string"}, "detail": {"type": "object"}}}
OBJECT = {"type": "object"}
LIST = {"type": "array", "items": {"type": "object"}}
CHANGED = {"type": "object", "required": ["changed"],
           "properties": {"changed": {"type": "array", "items": {"type": "string"}}}}
SESSION = {"type": "object", "required": ["logged_in"], "properties": {
    "logged_in": {"type": "boolean"}, "user": {"type": "string"},
    "role": {"type": "string", "enum": ["read", "write", "admin"]},
    "csrf": {"type": "string"}, "must_change": {"type": "boolean"},
    "days_left": {"type": "integer", "nullable": True}, "login_timeout": {"type": "integer"},
    "identity": {"type": "object"}, "temperature_unit": {"type": "string"}}}
UPS = {"type": "object", "required": ["stale", "values", "statuses", "alarms", "units", "device"],
       "properties": {"stale": {"type": "boolean"}, "values": OBJECT, "statuses": OBJECT,
                      "alarms": OBJECT, "units": LIST, "device": OBJECT,
                      "commands": {"type": "array", "items": {"type": "string"}},
                      "alarm_count": {"type": "integer"}}}
LOG_PAGE = {"type": "object", "required": ["log", "total", "page", "pages", "records"],
            "properties": {"log": {"type": "string"}, "total": {"type": "integer"},
                           "page": {"type": "integer"}, "pages": {"type": "integer"},
                           "per_page": {"type": "integer"}, "records": LIST}}
LOG_NAMES = ["history", "sts-history", "extended", "ups-events", "sts-events", "card-events"]
LOG = {"name": "log", "in": "path", "required": True,
       "schema": {"type": "string", "enum": LOG_NAMES}}
TEXT = {"type": "string", "maxLength": 200}
TIME = {"type": "string", "maxLength": 40}


def q(name, schema, description=""):
    """A query parameter."""
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


def body(properties, required=()):
    return {"type": "object", "properties": properties, "required": list(required),
            "additionalProperties": False}


class Route:
    """One API route."""

    def __init__(self, method, path, role, op, summary, query=(), params=(), body=None,
                 result=OBJECT, kind="json", first=False):
        self.method = method
        self.path = path
        self.role = role
        self.op = op
        self.summary = summary
        self.query = tuple(query)
        self.params = tuple(params)
        self.body = body
        self.result = result
        self.kind = kind
        self.first = first

    @property
    def changes_state(self):
        return self.method not in ("GET", "HEAD")


ROUTES = (
    # --- the session (manual §11.6) -------------------------------------------------------------
    Route("GET", "/session", "anon", None, "Who is logged in, the CSRF token, days left",
          result=SESSION, kind="own", first=True),
    Route("POST", "/session", "anon", None, "Log in (one session at a time by default)",
          body=body({"user": {"type": "string", "maxLength": 32},
                     "password": {"type": "string", "maxLength": 64}}, ("user", "password")),
          result=SESSION, kind="own", first=True),
    Route("DELETE", "/session", "read", None, "Log out", kind="own", first=True),
    Route("POST", "/session/password", "read", "accounts.password",
          "Change one's own password (then log in again)",
          body=body({"old": {"type": "string", "maxLength": 64},
                     "new": {"type": "string", "maxLength": 64}}, ("old", "new")),
          result=CHANGED, first=True),
    # --- monitoring (§11, §12, §13) ------------------------------------------------------------
    Route("GET", "/ups", "read", None, "The UPS snapshot: values, statuses, alarms, units",
          result=UPS, kind="own"),
    Route("GET", "/events", "read", None,
          "Live values and events (text/event-stream): 'ups' after each poll, 'event' for each "
          "event", kind="own"),
    Route("GET", "/alarms", "read", "alarms", "The active alarm table (§12.3)"),
    Route("GET", "/clients", "read", "nut.clients", "The client table: NUT clients (§12.6)",
          result=LIST, kind="own"),
    Route("GET", "/commands", "read", "ups.commands", "The controls the UPS allows now",
          result=LIST),
    Route("POST", "/commands/{name}", "write", "ups.command", "Send a control to the UPS (§12.7)",
          params=({"name": "name", "in": "path", "required": True,
                   "schema": {"type": "string", "maxLength": 64}},)),
    # --- feature actions and status (§12.8, §14, §15.8, §15.9, §15.11) -----------------------
    Route("GET", "/shutdown", "read", "shutdown.status",
          "The shutdown sequence: phase, countdown, the events enabled (§12.8.2)"),
    # Admin only: with fsd the NUT clients really shut their servers down.
    Route("POST", "/shutdown/test", "admin", "shutdown.test",
          "The AC-fail test; FSD reaches the NUT clients only with fsd true",
          body=body({"fsd": {"type": "boolean"}})),
    Route("GET", "/schedules", "read", "schedules.status",
          "Battery test and eco schedules, power share plugs (§12.8)"),
    Route("POST", "/powershare", "admin", "powershare.set",
          "Plugs control: switch a plug without a mode on or off now (§12.8.1)",
          body=body({"plug": {"type": "integer", "minimum": 1, "maximum": PLUGS},
                     "state": {"type": "string", "enum": ["on", "off"]}}, ("plug", "state"))),
    Route("POST", "/mail/test", "write", "mail.test",
          "Send Test: the test mail now, to the recipients or to the given addresses (§15.9)",
          body=body({"to": {"type": "array", "minItems": 1, "maxItems": 8,
                            "items": {"type": "string", "maxLength": 254}}})),
    Route("POST", "/mail/report", "write", "mail.report", "Queue the daily status report now"),
    Route("POST", "/wol/send", "write", "wol.send",
          "Test: magic packets now to the enabled targets, or to one MAC (§15.11)",
          body=body({"mac": {"type": "string", "maxLength": 17}})),
    Route("POST", "/snmp/test-trap", "write", "snmp.test_trap",
          "Send the test trap to every trap receiver (§15.8)"),
    Route("GET", "/emd", "read", "emd.status",
          "Environment sensors: devices and their values, inputs, alarms (§14)"),
    Route("GET", "/emd/alarms", "read", "emd.alarms", "The EMD shutdown events present now",
          query=(q("least", {"type": "string", "enum": ["warning", "critical"]}),),
          result={"type": "array", "items": {"type": "string"}}),
    Route("GET", "/emd/history", "read", "emd.history", "The EMD history log, newest first",
          query=(q("limit", {"type": "integer", "minimum": 1, "maximum": 2048}),),
          result=LIST),
    # --- logs (§18) -----------------------------------------------------------------------------
    Route("GET", "/logs", "read", "logs.list", "The logs and their record counts", result=LIST),
    Route("GET", "/logs/{log}", "read", "logs.show", "One page of a log",
          params=(LOG,), query=(q("from", TIME, "ISO 8601, card local time"), q("to", TIME),
                                q("page", {"type": "integer", "minimum": 1}),
                                q("per_page", {"type": "integer", "minimum": 1,
                                               "maximum": 2048}),
                                q("sort", {"type": "string", "enum": ["time", "level"]})),
          result=LOG_PAGE),
    Route("GET", "/logs/{log}/csv", "write", "logs.csv", "Save a log (CSV, the manual's columns)",
          params=(LOG,), query=(q("from", TIME), q("to", TIME)), kind="csv"),
    Route("DELETE", "/logs/{log}", "write", "logs.clear", "Clear a log", params=(LOG,)),
    # --- configuration (§15) --------------------------------------------------------------------
    Route("GET", "/config", "read", "config.rows",
          "Every setting of every feature: its row (kind, limits, label) and value",
          result=LIST),
    Route("POST", "/config", "write", "config.set",
          "Change settings: all checked, saved and applied, or none (auth.* needs admin)",
          body=body({"assignments": {"type": "array", "minItems": 1, "maxItems": 200,
                                     "items": {"type": "string", "maxLength": 4096}}},
                    ("assignments",))),
    Route("GET", "/config/backup", "admin", "config.backup", "Download the configuration",
          kind="file"),
    Route("POST", "/config/restore", "admin", "config.restore", "Upload a configuration",
          body=body({"text": {"type": "string", "maxLength": 262144}}, ("text",))),
    Route("POST", "/config/reset", "admin", "config.reset",
          "Factory defaults (accounts: only the admin password and users)",
          body=body({"accounts": {"type": "boolean"}})),
    Route("GET", "/time", "read", "time.show", "Card clock, zone, NTP, UPS clock (§15.1)"),
    Route("POST", "/time", "write", "time.set", "Set the card time (dd/mm/yyyy hh:mm:ss)",
          body=body({"local": {"type": "string", "maxLength": 32}}, ("local",))),
    Route("POST", "/time/browser", "write", "time.browser",
          "Synchronise with the computer's time",
          body=body({"epoch_ms": {"type": "integer"}}, ("epoch_ms",))),
    Route("POST", "/time/ntp-sync", "write", "time.ntp_sync", "Ask the NTP server now"),
    Route("POST", "/time/update-ups", "write", "time.update_ups", "Write the card time to the UPS"),
    # --- accounts (§15.4) -----------------------------------------------------------------------
    Route("GET", "/accounts", "admin", "accounts.users", "The multi-user table", result=LIST),
    Route("POST", "/accounts", "admin", "accounts.set_user",
          "Add a user or change one's access or password",
          body=body({"name": {"type": "string", "maxLength": 32},
                     "access": {"type": "string", "enum": ["disabled", "read", "write"]},
                     "password": {"type": "string", "maxLength": 64}}, ("name", "access")),
          result=CHANGED),
    Route("DELETE", "/accounts/{name}", "admin", "accounts.delete_user", "Remove a user",
          params=({"name": "name", "in": "path", "required": True,
                   "schema": {"type": "string", "maxLength": 32}},), result=CHANGED),
    Route("GET", "/accounts/sessions", "admin", "accounts.sessions", "Open sessions"),
    # --- certificate, MIB files, serial debug (§3.5, §15.2) -------------------------------------
    Route("GET", "/certificate", "read", None, "The certificate HTTPS uses", kind="own"),
    Route("POST", "/certificate", "admin", None,
          "Upload a .pem (private key and certificate, at most 8 KB)", kind="own",
          body={"type": "string", "format": "binary"}),
    Route("DELETE", "/certificate", "admin", None,
          "Remove the uploaded certificate (back to the card's own)", kind="own"),
    Route("GET", "/certificate/root", "read", None, "Download the root certificate (cacert.crt)",
          kind="own"),
    Route("GET", "/mibs", "read", None, "The MIB files the card serves", result=LIST,
          kind="own"),
    Route("GET", "/mibs/{name}", "read", None, "Download one MIB file", kind="own",
          params=({"name": "name", "in": "path", "required": True,
                   "schema": {"type": "string", "maxLength": 64}},)),
    Route("GET", "/upsdebug", "read", "upsdebug.show", "Serial debug: on/off and the last frames"),
    Route("POST", "/upsdebug", "write", "upsdebug.set", "Serial debug on or off; clear the trace",
          body=body({"enabled": {"type": "boolean"}, "clear": {"type": "boolean"}})),
    Route("GET", "/upsdebug/csv", "write", "upsdebug.csv", "Export the frame trace (CSV)",
          kind="csv"),
    Route("GET", "/openapi.json", "anon", None, "This document", kind="own", first=True),
)


def allowed(route_role, role):
    """May a caller of `role` ("anon", "read", "write", "admin") use a route of `route_role`?"""
    return ROLES.index(role) >= ROLES.index(route_role)


def find(method, path):
    """(route, {param: value}) of a request under /api/v1, or (None, None)."""
    parts = path.strip("/").split("/")
    for route in ROUTES:
        if route.method != method and not (method == "HEAD" and route.method == "GET"):
            continue
        pattern = route.path.strip("/").split("/")
        if len(pattern) != len(parts):
            continue
        params = {}
        for want, got in zip(pattern, parts):
            if want.startswith("{"):
                if not got:
                    break
                params[want[1:-1]] = got
            elif want != got:
                break
        else:
            return route, params
    return None, None
