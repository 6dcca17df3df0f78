"""The password policy of the card's login accounts (manual §11.6) and how long a password lasts.

    check(plain) -> plain          ValueError saying what is missing or which characters are refused

A login password has at least MIN_LENGTH characters among upper case letters A-Z, lower case
letters a-z, digits 0-9 and the special characters SPECIALS, with at least one of each kind;
every other character is refused (the manual: "other characters are not allowed").
"""

SPECIALS = "!%#@^*"
MIN_LENGTH = 12
MAX_LENGTH = 64
DAY_S = 86400

_KINDS = (("an upper case letter", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
          ("a lower case letter", "abcdefghijklmnopqrstuvwxyz"),
          ("a digit", "0123456789"),
          ("a special character (one of %s)" % " ".join(SPECIALS), SPECIALS))
_ALLOWED = "".join(chars for _what, chars in _KINDS)


def check(password):
    """The password when the policy accepts it, else ValueError naming every rule it breaks."""
    if not isinstance(password, str):
        raise ValueError("password must be text")
    problems = []
    refused = []
    for c in password:
        if c not in _ALLOWED and c not in refused:
            refused.append(c)
    if refused:
        problems.append("characters not allowed: %s (allowed: letters, digits and %s)"
                        % (" ".join(repr(c) for c in refused), " ".join(SPECIALS)))
    if len(password) < MIN_LENGTH:
        problems.append("at least %d characters (got %d)" % (MIN_LENGTH, len(password)))
    if len(password) > MAX_LENGTH:
        problems.append("at most %d characters" % MAX_LENGTH)
    missing = [what for what, chars in _KINDS if not any(c in chars for c in password)]
    if missing:
        problems.append("needs " + ", ".join(missing))
    if problems:
        raise ValueError("password refused: " + "; ".join(problems))
    return password


def days_left(set_at, now, validity_days):
    """Whole days before a password set at `set_at` (epoch s) expires; 0 or less: expired."""
    left = set_at + validity_days * DAY_S - now
    if left <= 0:
        return 0
    return int((left + DAY_S - 1) // DAY_S)
