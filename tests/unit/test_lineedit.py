"""The console's line editor: keystrokes of real terminals in, line events and echo out."""

import unittest

from firmware.console.lineedit import EOF, INTERRUPT, LINE, LineEditor

PORTABLE = True

# (keystrokes, events, echo): what PuTTY, OpenSSH's ssh, screen and minicom send.
TABLE = (
    ("1\r", [(LINE, "1")], "1\n"),                                   # PuTTY, minicom: CR
    ("1\n", [(LINE, "1")], "1\n"),                                   # a pipe: LF
    ("1\r\n2\r\n", [(LINE, "1"), (LINE, "2")], "1\n2\n"),           # CR LF pairs
    ("\r\n\r", [(LINE, ""), (LINE, "")], "\n\n"),                     # empty lines
    ("adm\x7fmin\r", [(LINE, "admin")], "adm\b \bmin\n"),            # DEL erases
    ("ab\b\bx\r", [(LINE, "x")], "ab\b \b\b \bx\n"),                 # ^H erases
    ("\x7f\x7fok\r", [(LINE, "ok")], "ok\n"),                         # nothing to erase
    ("abc\x15z\r", [(LINE, "z")], "abc\b \b\b \b\b \bz\n"),           # ^U erases the line
    ("12\x03", [(INTERRUPT,)], "12^C\n"),                             # ^C drops the line
    ("\x04", [(EOF,)], ""),                                           # ^D on an empty line
    ("ab\x04\r", [(LINE, "ab")], "ab\n"),                             # ^D mid-line: ignored
    ("\x1b[A\x1b[1;5C\x1bOP3\r", [(LINE, "3")], "3\n"),              # arrows, F1: swallowed
    ("\x1bx4\r", [(LINE, "4")], "4\n"),                               # ESC x (Alt-x)
    ("a\tb\x00\x07c\r", [(LINE, "abc")], "abc\n"),                   # other controls ignored
    ("caf\u00e9 \u20ac\r", [(LINE, "caf\u00e9 \u20ac")], "caf\u00e9 \u20ac\n"),
)


class LineEditorTest(unittest.TestCase):
    def test_keystrokes(self):
        for keys, events, echo in TABLE:
            with self.subTest(keys=keys):
                editor = LineEditor()
                self.assertEqual(editor.feed(keys), (events, echo))

    def test_keystrokes_one_at_a_time_give_the_same_events(self):
        for keys, events, echo in TABLE:
            editor = LineEditor()
            got, shown = [], ""
            for ch in keys:
                ev, out = editor.feed(ch)
                got.extend(ev)
                shown += out
            self.assertEqual((got, shown), (events, echo), keys)

    def test_secret_input_is_not_echoed(self):
        editor = LineEditor()
        editor.secret = True
        self.assertEqual(editor.feed("pw\x7fd\r"), ([(LINE, "pd")], "\n"))
        editor.secret = False
        self.assertEqual(editor.feed("x\r"), ([(LINE, "x")], "x\n"))

    def test_no_echo_when_the_client_echoes(self):
        editor = LineEditor(echo=False)
        self.assertEqual(editor.feed("ab\x7fc\n"), ([(LINE, "ac")], ""))

    def test_a_flood_costs_bounded_memory(self):
        editor = LineEditor(max_len=10, max_events=3)
        events, echo = editor.feed("x" * 1000 + "\r")
        self.assertEqual(events, [(LINE, "x" * 10)])
        self.assertEqual(echo, "x" * 10 + "\n")
        self.assertEqual(editor.dropped, 990)
        events, _echo = editor.feed("1\r" * 100)
        self.assertEqual(len(events), 3)
        self.assertEqual(editor.dropped, 990 + 97)

    def test_pending_text(self):
        editor = LineEditor()
        editor.feed("conf")
        self.assertEqual(editor.pending(), "conf")
        editor.feed("\r")
        self.assertEqual(editor.pending(), "")


if __name__ == "__main__":
    unittest.main()
