"""Line editing for a raw terminal: keystrokes in, complete lines and control events out (pure).

    editor = LineEditor()
    events, echo = editor.feed("adm\\x7fmin\\r")
    # events == [("line", "admin")], echo == "adm\\b \\bmin\\n"

    keystroke                          event or effect
    printable characters               added to the line (at most max_len; more are dropped)
    CR, LF or CR LF                    ("line", text)
    BS (^H) or DEL (^?)                the last character is erased
    ^U                                 the whole line is erased
    ^C                                 ("interrupt",): back one level
    ^D on an empty line                ("eof",): end of the session
    ESC sequences (arrow keys, F1...)  ignored whole: ESC [ params final, ESC O x, ESC x
    any other control character        ignored

Echo is what the terminal must show for the keystrokes ("\\n" for a new line: the transport
writes it as the line wants). With secret on (a password prompt) typed characters are not
echoed. The editor holds at most max_len characters and max_events pending events, so a flood
of input costs a bounded amount of memory.
"""

LINE = "line"
INTERRUPT = "interrupt"
EOF = "eof"

MAX_LEN = 200
MAX_EVENTS = 64
_RUBOUT = "\b \b"


class LineEditor:
    """One terminal's input line and escape-sequence state."""

    def __init__(self, echo=True, max_len=MAX_LEN, max_events=MAX_EVENTS):
        self.echo = echo
        self.secret = False
        self.max_len = max_len
        self.max_events = max_events
        self.dropped = 0           # characters or events thrown away by the bounds
        self._buf = []
        self._esc = 0              # 0: none, 1: after ESC, 2: in ESC [ ..., 3: after ESC O
        self._after_cr = False

    def pending(self):
        """The text typed so far on the current line."""
        return "".join(self._buf)

    def feed(self, text):
        """([event, ...], echo text) for a chunk of keystrokes."""
        events = []
        echo = []
        for ch in text:
            self._key(ch, events, echo)
        if len(events) > self.max_events:
            self.dropped += len(events) - self.max_events
            events = events[:self.max_events]
        return events, "".join(echo) if self.echo else ""

    def _key(self, ch, events, echo):
        if self._esc:
            self._escape(ch)
            return
        after_cr, self._after_cr = self._after_cr, False
        if ch == "\r" or ch == "\n":
            if ch == "\n" and after_cr:
                return                 # the LF of a CR LF pair
            self._after_cr = ch == "\r"
            events.append((LINE, "".join(self._buf)))
            self._buf = []
            echo.append("\n")
        elif ch == "\x7f" or ch == "\b":
            if self._buf:
                self._buf.pop()
                if not self.secret:
                    echo.append(_RUBOUT)
        elif ch == "\x15":             # ^U
            if not self.secret:
                echo.append(_RUBOUT * len(self._buf))
            self._buf = []
        elif ch == "\x03":             # ^C
            self._buf = []
            events.append((INTERRUPT,))
            echo.append("^C\n")
        elif ch == "\x04":             # ^D
            if not self._buf:
                events.append((EOF,))
        elif ch == "\x1b":
            self._esc = 1
        elif ch < " " or "\x80" <= ch <= "\x9f":
            pass                       # other control characters (C0 and C1) mean nothing here
        elif len(self._buf) >= self.max_len:
            self.dropped += 1
        else:
            self._buf.append(ch)
            if not self.secret:
                echo.append(ch)

    def _escape(self, ch):
        """Swallow one escape sequence: ESC [ (parameters) final, ESC O x, or ESC x."""
        if self._esc == 1:
            self._esc = 2 if ch == "[" else 3 if ch == "O" else 0
        elif self._esc == 2:
            if "@" <= ch <= "~":       # the final byte of a control sequence
                self._esc = 0
        else:
            self._esc = 0
