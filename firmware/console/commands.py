"""One-shot console commands for scripts: `ssh admin@card status`, `... config get KEY` (pure).

    command                      answer on stdout (JSON, as the `opennmc` command prints it)
    status                       the card's snapshot (`opennmc status`)
    config get [KEY ...]         {key: value}, secrets masked (`opennmc config get --json`)
    config set KEY=VALUE ...     {"changed": [...], "restart": [...], ...}: admin and
                                 read/write users (auth.*: admin only), all or nothing
    help                         the commands (text)

The command line is split into words as a shell would (quotes, backslash), so
`ssh admin@card 'config set "system.name=Room 12"'` works. The exit status is the command line's:
0 done, 1 refused or failed, 2 bad input (nothing changed); errors go to stderr. Every command
is a management operation (CardOps), called in the user's name through the "ssh" interface.
"""

import json

from firmware.admin.args import OpError

MAX_COMMAND = 4096
MUST_CHANGE = ("a new password must be set first (the first-access admin password, or one "
               "too old): log in to the menu and set it")
HELP = """Commands (one per ssh connection; the menu when none is given):
  status                     the card's status, as JSON
  config get [KEY ...]       settings, as JSON (passwords masked)
  config set KEY=VALUE ...   change settings (admin and read/write users)
  help                       this text
"""


def split_words(line):
    """Words of a command line, with shell quoting: 'a b' "a b" a\\ b; ValueError if unclosed."""
    words, word, quote, escaped, started = [], [], None, False, False
    for ch in line:
        if escaped:
            word.append(ch)
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = started = True
        elif quote:
            if ch == quote:
                quote = None
            else:
                word.append(ch)
        elif ch in "'\"":
            quote, started = ch, True
        elif ch in " \t\r\n":
            if started or word:
                words.append("".join(word))
            word, started = [], False
        else:
            word.append(ch)
            started = True
    if quote or escaped:
        raise ValueError("unclosed quote")
    if started or word:
        words.append("".join(word))
    return words


def as_json(value):
    """JSON text as `opennmc` prints it (indented, sorted) where the platform can."""
    try:
        return json.dumps(value, indent=2, sort_keys=True) + "\n"
    except TypeError:  # pragma: no cover - MicroPython's json has no indent
        return json.dumps(value) + "\n"


def _error(message, detail=None):
    text = "opennmc: " + message
    if isinstance(detail, dict):
        text += "".join("\n  %s: %s" % kv for kv in sorted(detail.items()))
    return text + "\n"


async def run(line, ops, caller, role, must_change=False):
    """(exit status, stdout text, stderr text) of one command line; role is "admin", "write"
    or "read", as the web interface's roles."""
    if len(line) > MAX_COMMAND:
        return 2, "", _error("command longer than %d characters" % MAX_COMMAND)
    try:
        words = split_words(line)
    except ValueError as exc:
        return 2, "", _error(str(exc))
    if not words or words[0] in ("help", "-h", "--help"):
        return 0, HELP, ""
    if must_change:
        return 1, "", _error(MUST_CHANGE)
    if words == ["status"]:
        op, args = "status", {}
    elif words[:2] == ["config", "get"]:
        op, args = "config.get", {"keys": words[2:]}
    elif words[:2] == ["config", "set"] and len(words) > 2:
        if role not in ("write", "admin"):
            return 1, "", _error("read-only account: %s may not change settings" % caller.user)
        if role != "admin" and any(w.startswith("auth.") for w in words[2:]):
            return 1, "", _error("only the admin account changes accounts (auth.*)")
        op, args = "config.set", {"assignments": words[2:]}
    else:
        return 2, "", _error("unknown command %r\n%s" % (" ".join(words)[:80], HELP))
    try:
        result = await ops.handle(op, args, caller)
    except OpError as exc:
        return (2 if exc.kind == "usage" else 1), "", _error(exc.message, exc.detail)
    code = 1 if isinstance(result, dict) and result.get("not_applied") else 0
    return code, as_json(result), ""
