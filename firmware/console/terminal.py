"""A console session's terminal: a transport's raw input and output behind one small interface.

    term = Terminal(read, write, drain, echo=True, crlf=True, ansi=False)
    event = await term.event(timeout_s)   # ("line", text) | ("interrupt",) | ("eof",)
                                          # | ("timeout",) | ("closed",)
    term.write(text)                      # "\\n" becomes "\\r\\n" on a raw line (crlf)
    await term.flush()                    # the transport's bounded drain

read() is the transport's `async fn() -> str` giving the next chunk of keystrokes ("" when the
other end went away); write(text) queues output; drain() waits until it has left (the transport
bounds that wait). Keystrokes go through the LineEditor (firmware/console/lineedit.py), whose
echo goes back to the terminal when the transport asks for echo (a raw terminal does; SSH without
a pseudo-terminal does not: the client's own terminal echoes). ANSI sequences are written only
when the terminal said it understands them (ansi=True: an SSH client's TERM of the xterm, vt100,
screen or linux families); then a screen starts by clearing it, otherwise it is plain text.
"""

try:
    import asyncio
except ImportError:  # pragma: no cover - old MicroPython ports
    import uasyncio as asyncio  # type: ignore

from firmware.console.lineedit import LineEditor

TIMEOUT = "timeout"
CLOSED = "closed"
CLEAR = "\x1b[H\x1b[2J"


class Back(Exception):
    """Ctrl-C: back one level."""


class End(Exception):
    """The session ends; the reason goes into the card event log."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


ANSI_TERMS = ("xterm", "vt1", "vt2", "screen", "tmux", "linux", "putty", "rxvt", "ansi")


def ansi_terminal(term_type):
    """True when a terminal type (the client's TERM) understands ANSI control sequences."""
    term_type = (term_type or "").lower()
    return any(term_type.startswith(name) for name in ANSI_TERMS)


class Terminal:
    """Line events out of a transport's keystrokes; text into its output."""

    def __init__(self, read, write, drain=None, echo=True, crlf=True, ansi=False):
        self._read = read
        self._write = write
        self._drain = drain
        self.crlf = crlf
        self.ansi = ansi
        self.editor = LineEditor(echo=echo)
        self._events = []
        self.closed = False
        self.keystrokes = 0        # chunks of input so far: typing restarts the idle clock

    def write(self, text):
        if self.closed or not text:
            return
        if self.crlf:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        self._write(text)

    def clear(self):
        """Start a new screen: cleared where the terminal understands it, else a blank line."""
        self.write(CLEAR if self.ansi else "\n")

    async def flush(self):
        if self._drain is not None and not self.closed:
            await self._drain()

    def set_secret(self, secret):
        """Typed characters are not echoed while secret (a password prompt)."""
        self.editor.secret = secret

    async def _chunk(self):
        return await self._read()

    async def event(self, timeout_s=None):
        """The next line event; TIMEOUT when nothing was typed for timeout_s seconds."""
        while not self._events:
            if self.closed:
                return (CLOSED,)
            try:
                if timeout_s is None:
                    chunk = await self._chunk()
                else:
                    chunk = await asyncio.wait_for(self._chunk(), timeout_s)
            except asyncio.TimeoutError:
                return (TIMEOUT,)
            if not chunk:
                self.closed = True
                return (CLOSED,)
            self.keystrokes += 1
            events, echo = self.editor.feed(chunk)
            self.write(echo)
            self._events.extend(events)
        return self._events.pop(0)

    def discard_typeahead(self):
        """Forget lines typed ahead (after a refused login, say)."""
        self._events = []
