"""NUT network protocol (upsd side, RFC 9271): one request line in, reply lines out; no sockets.

Frame layout: text over TCP, one request per line (LF or CR LF), at most MAX_LINE bytes.

    request   COMMAND [SUBCOMMAND] [arg | "quoted arg"] ...        e.g. GET VAR ups ups.status
    reply     OK [extra]  |  ERR <CODE> [extra]  |  one answer line  e.g. VAR ups ups.status "OL"
    list      BEGIN LIST <query>  /  <one line per item>  /  END LIST <query>
    quoting   "..." around values; inside, \\" is a quote and \\\\ a backslash

The single UPS is named `ups`. Variables come from the committed UpsState snapshot on every request
(no copies), with FSD prepended to ups.status once a primary has set it. A session that must run an
instant command returns a Call; the asyncio server awaits it and asks the session for the reply, so
this module stays pure and runs on MicroPython.
"""

from firmware.nut.text import ProtocolError, describe_command, describe_var, quote, split_words
from firmware.platform import compat

PROTOCOL_VERSION = "1.3"
MAX_LINE = 512
UPS_NAME = "ups"
SERVER_VERSION = "opennmc NUT server (protocol %s)" % PROTOCOL_VERSION
HELP = "Commands: HELP VER NETVER PROTVER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD " \
       "PRIMARY MASTER FSD STARTTLS"


class Check:
    """A password the server must check (off the event loop, through the card's login guard)
    before the session can answer `line`: the server calls session.checked(user, why), then
    handles the same line again."""

    def __init__(self, line):
        self.line = line


class _NeedsCheck(Exception):
    pass


class Call:
    """An instant command the server must run before the session can answer."""

    def __init__(self, command, value, tracking_id=None):
        self.command = command
        self.value = value
        self.tracking_id = tracking_id


class NutSession:
    """One client connection's protocol state."""

    def __init__(self, ctx, address="", now=None):
        self.ctx = ctx
        self.address = address
        self.connected = compat.epoch_time() if now is None else now
        self.username = None
        self.password = None
        self.user = None                     # the User once the password checked
        self.denial = None                   # the ERR of a failed check: no second guess here
        self.login = None                    # UPS name after LOGIN
        self.primary = False
        self.tracking = False
        self.closing = False
        self.requests = 0
        self.calls_pending = 0               # tracked instant commands not finished yet

    def status(self):
        return {"address": self.address, "user": self.username, "ups": self.login,
                "primary": self.primary, "connected": self.connected, "requests": self.requests}

    # --- entry point -------------------------------------------------------------------
    def handle(self, line):
        """A list of reply lines, a Check to make (then checked() and handle the line again)
        or a Call to run (then reply with finish_call())."""
        self.requests += 1
        try:
            words = split_words(line)
            if not words:
                raise ProtocolError("UNKNOWN-COMMAND")
            handler = getattr(self, "_cmd_" + words[0].upper(), None)
            if handler is None or not words[0].isalpha():
                raise ProtocolError("UNKNOWN-COMMAND")
            return handler(words[1:])
        except ProtocolError as exc:
            return ["ERR " + exc.code]
        except _NeedsCheck:
            return Check(line)

    def checked(self, user, why=None):
        """The result of a Check: the account, or None and why it was refused."""
        if user is not None:
            self.user = user
        else:
            self.denial = "ACCESS-DENIED" + (" " + why if why else "")

    def finish_call(self, call, error=None):
        """Reply to a Call: error None means OK, else an ERR code string."""
        if call.tracking_id is not None:
            self.ctx.tracking[call.tracking_id] = "SUCCESS" if error is None else "ERR " + error
            return []
        return ["OK"] if error is None else ["ERR " + error]

    # --- helpers -----------------------------------------------------------------------
    def _ups(self, name):
        if name != UPS_NAME:
            raise ProtocolError("UNKNOWN-UPS")

    def _fresh(self):
        if self.ctx.state.stale:
            raise ProtocolError("DATA-STALE")

    def _authenticated(self):
        if self.username is None:
            raise ProtocolError("USERNAME-REQUIRED")
        if self.password is None:
            raise ProtocolError("PASSWORD-REQUIRED")
        if self.denial is not None:
            raise ProtocolError(self.denial)
        if self.user is None:
            raise _NeedsCheck()
        return self.user

    @staticmethod
    def _argc(args, low, high=None):
        if len(args) < low or len(args) > (low if high is None else high):
            raise ProtocolError("INVALID-ARGUMENT")

    # --- simple commands ---------------------------------------------------------------
    def _cmd_VER(self, args):
        return [SERVER_VERSION]

    def _cmd_NETVER(self, args):
        return [PROTOCOL_VERSION]

    _cmd_PROTVER = _cmd_NETVER

    def _cmd_HELP(self, args):
        return [HELP]

    def _cmd_STARTTLS(self, args):
        return ["ERR FEATURE-NOT-CONFIGURED"]

    def _cmd_LOGOUT(self, args):
        self.closing = True
        return ["OK Goodbye"]

    def _cmd_USERNAME(self, args):
        self._argc(args, 1)
        if self.username is not None:
            raise ProtocolError("ALREADY-SET-USERNAME")
        if not args[0] or len(args[0]) > 64:
            raise ProtocolError("INVALID-USERNAME")
        self.username = args[0]
        return ["OK"]

    def _cmd_PASSWORD(self, args):
        self._argc(args, 1)
        if self.password is not None:
            raise ProtocolError("ALREADY-SET-PASSWORD")
        if not args[0] or len(args[0]) > 128:
            raise ProtocolError("INVALID-PASSWORD")
        self.password = args[0]
        return ["OK"]

    def _cmd_LOGIN(self, args):
        self._argc(args, 1)
        if self.login is not None:
            raise ProtocolError("ALREADY-LOGGED-IN")
        self._authenticated()
        self._ups(args[0])
        self.login = args[0]
        return ["OK"]

    def _cmd_PRIMARY(self, args, granted="PRIMARY-GRANTED"):
        self._argc(args, 1)
        user = self._authenticated()
        self._ups(args[0])
        if user.role != "primary":
            raise ProtocolError("ACCESS-DENIED")
        self.primary = True
        return ["OK " + granted]

    def _cmd_MASTER(self, args):
        return self._cmd_PRIMARY(args, "MASTER-GRANTED")

    def _cmd_FSD(self, args):
        self._argc(args, 1)
        user = self._authenticated()
        self._ups(args[0])
        if user.role != "primary":
            raise ProtocolError("ACCESS-DENIED")
        if not self.ctx.fsd:
            self.ctx.fsd = True
            if self.ctx.on_fsd is not None:
                self.ctx.on_fsd(self)
        return ["OK FSD-SET"]

    # --- GET ---------------------------------------------------------------------------
    def _cmd_GET(self, args):
        if not args:
            raise ProtocolError("INVALID-ARGUMENT")
        sub, rest = args[0].upper(), args[1:]
        if sub == "TRACKING":
            return self._get_tracking(rest)
        if sub in ("NUMLOGINS", "UPSDESC"):
            self._argc(rest, 1)
            self._ups(rest[0])
            if sub == "NUMLOGINS":
                return ["NUMLOGINS %s %d" % (UPS_NAME, len(self.ctx.logins()))]
            return ["UPSDESC %s %s" % (UPS_NAME, quote(self.ctx.describe()))]
        self._argc(rest, 2)
        self._ups(rest[0])
        name = rest[1]
        if sub == "CMDDESC":
            if name not in self.ctx.commands():
                raise ProtocolError("CMD-NOT-SUPPORTED")
            return ["CMDDESC %s %s %s" % (UPS_NAME, name, quote(describe_command(name)))]
        if sub not in ("VAR", "TYPE", "DESC"):
            raise ProtocolError("INVALID-ARGUMENT")
        if sub == "DESC":
            raw = self.ctx.state.get(name, self.ctx.fixed.get(name))
            return ["DESC %s %s %s" % (UPS_NAME, name, quote(describe_var(name, raw)[1]))]
        self._fresh()
        text = self.ctx.variable(name)
        if text is None:
            raise ProtocolError("VAR-NOT-SUPPORTED")
        if sub == "VAR":
            return ["VAR %s %s %s" % (UPS_NAME, name, quote(text))]
        raw = self.ctx.state.get(name, self.ctx.fixed.get(name))
        return ["TYPE %s %s %s" % (UPS_NAME, name, describe_var(name, raw)[0])]

    def _get_tracking(self, rest):
        if not rest:
            return ["ON" if self.tracking else "OFF"]
        self._argc(rest, 1)
        result = self.ctx.tracking.get(rest[0])
        if result is None:
            raise ProtocolError("UNKNOWN")
        return [result]

    # --- LIST --------------------------------------------------------------------------
    def _cmd_LIST(self, args):
        if not args:
            raise ProtocolError("INVALID-ARGUMENT")
        sub, rest = args[0].upper(), args[1:]
        if sub == "UPS":
            self._argc(rest, 0)
            return ["BEGIN LIST UPS", "UPS %s %s" % (UPS_NAME, quote(self.ctx.describe())),
                    "END LIST UPS"]
        if sub in ("VAR", "RW", "CMD", "CLIENT"):
            self._argc(rest, 1)
            self._ups(rest[0])
            query = "%s %s" % (sub, UPS_NAME)
            if sub == "VAR":
                self._fresh()
                variables = self.ctx.variables()
                body = ["VAR %s %s %s" % (UPS_NAME, k, quote(variables[k]))
                        for k in sorted(variables)]
            elif sub == "RW":
                body = []  # no writable variable is published yet
            elif sub == "CMD":
                body = ["CMD %s %s" % (UPS_NAME, c) for c in sorted(self.ctx.commands())]
            else:
                body = ["CLIENT %s %s" % (UPS_NAME, s.address) for s in self.ctx.logins()]
            return ["BEGIN LIST " + query] + body + ["END LIST " + query]
        if sub in ("ENUM", "RANGE"):
            self._argc(rest, 2)
            self._ups(rest[0])
            if rest[1] not in self.ctx.variables():
                raise ProtocolError("VAR-NOT-SUPPORTED")
            query = "%s %s %s" % (sub, UPS_NAME, rest[1])
            return ["BEGIN LIST " + query, "END LIST " + query]
        raise ProtocolError("INVALID-ARGUMENT")

    # --- SET, INSTCMD ------------------------------------------------------------------
    def _cmd_SET(self, args):
        if not args:
            raise ProtocolError("INVALID-ARGUMENT")
        sub = args[0].upper()
        if sub == "TRACKING":
            self._argc(args, 2)
            self._authenticated()
            mode = args[1].upper()
            if mode not in ("ON", "OFF"):
                raise ProtocolError("INVALID-ARGUMENT")
            self.tracking = mode == "ON"
            return ["OK"]
        if sub != "VAR":
            raise ProtocolError("INVALID-ARGUMENT")
        self._argc(args, 4)
        self._authenticated()
        self._ups(args[1])
        if args[2] in self.ctx.variables():
            raise ProtocolError("READONLY")
        raise ProtocolError("VAR-NOT-SUPPORTED")

    def _cmd_INSTCMD(self, args):
        self._argc(args, 2, 3)
        user = self._authenticated()
        self._ups(args[0])
        command = args[1]
        if command not in self.ctx.commands():
            raise ProtocolError("CMD-NOT-SUPPORTED")
        if not user.may_run(command):
            raise ProtocolError("ACCESS-DENIED")
        self._fresh()
        value = args[2] if len(args) == 3 else None
        if self.tracking:
            tid = self.ctx.new_tracking_id()
            return Call(command, value, tid)
        return Call(command, value)
