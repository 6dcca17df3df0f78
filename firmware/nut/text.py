"""NUT protocol text: splitting request lines into words, quoting and typing values for replies.

    words     COMMAND SUB arg "quoted arg"   ->  ["COMMAND", "SUB", "arg", "quoted arg"]
    quoting   "..." around values; inside, \\" is a quote and \\\\ a backslash
"""

from firmware.state import names


class ProtocolError(Exception):
    """A request that gets ERR <code>."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def split_words(line):
    """'GET VAR ups "a b"' -> ['GET', 'VAR', 'ups', 'a b']; ProtocolError on a broken quote."""
    if '"' not in line and "\\" not in line:     # most requests: plain words (the hot path)
        return [w for w in line.replace("\t", " ").split(" ") if w]
    words = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t":
            i += 1
            continue
        word = []
        if c == '"':
            i += 1
            while True:
                if i >= n:
                    raise ProtocolError("INVALID-ARGUMENT")
                c = line[i]
                if c == "\\" and i + 1 < n:
                    word.append(line[i + 1])
                    i += 2
                    continue
                if c == '"':
                    i += 1
                    break
                word.append(c)
                i += 1
        else:
            while i < n and line[i] not in " \t":
                if line[i] == "\\" and i + 1 < n:
                    word.append(line[i + 1])
                    i += 2
                    continue
                word.append(line[i])
                i += 1
        words.append("".join(word))
    return words


def quote(value):
    """A value as the protocol quotes it: backslash and double quote escaped."""
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_value(value):
    """Numbers in plain decimal (no exponent, no thousands separator), text as is."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        text = "%.3f" % value
        text = text.rstrip("0").rstrip(".")
        return "0" if text in ("", "-0") else text
    return str(value)


def describe_var(name, value):
    """(type words, description) of a variable, from the shared vocabulary where it knows it."""
    kind = names.var_type(name)
    desc = names.var_desc(name)
    if not kind:
        kind = "NUMBER" if isinstance(value, (int, float)) and not isinstance(value, bool) \
            else "STRING"
    kind = kind.upper()
    if kind == "STRING":
        # NUT's STRING:n gives a maximum length; a read-only value is as long as it is now.
        kind = "STRING:%d" % max(len(format_value(value if value is not None else "")), 1)
    return kind, desc or "Unavailable"


def describe_command(name):
    return names.cmd_desc(name) or "Unavailable"
