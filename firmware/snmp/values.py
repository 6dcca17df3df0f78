"""Reading the snapshot the way the MIB tables need it: scaled numbers, phases, lines, status.

Every function reads the current UpsState when it is called (nothing is cached), so a GET always
answers from the last committed poll cycle.
"""

PHASES = ("L1", "L2", "L3")


def number(state, name: str, scale: float = 1):
    """state[name] * scale, or None when the UPS does not give it (or the data is stale)."""
    value = state.get(name)
    if value is None or isinstance(value, str):
        return None
    return value * scale


def phase_name(prefix: str, suffix: str, line: int) -> str:
    """'input', '-N.voltage', 1 -> 'input.L1-N.voltage'."""
    return "%s.%s%s" % (prefix, PHASES[line - 1], suffix)


def per_line(state, prefix: str, suffix: str, plain: str, line: int, scale: float = 1):
    """A per-line value: the phase name, else (line 1 of a single-phase unit) the plain name."""
    value = number(state, phase_name(prefix, suffix, line), scale)
    if value is None and line == 1 and plain:
        value = number(state, plain, scale)
    return value


def line_count(state, prefix: str, plain: str) -> int:
    """How many lines (phases) the UPS reports for `prefix` (voltage names), 0 when none."""
    count = 0
    for i in range(3):
        if state.get("%s.%s-N.voltage" % (prefix, PHASES[i])) is not None:
            count = i + 1
    if count == 0 and state.get(plain) is not None:
        count = 1
    return count


def rows(count: int) -> list:
    return [(i,) for i in range(1, count + 1)]


def tokens(state) -> set:
    """The words of ups.status (OL, OB, LB, BYPASS, CAL, OFF ...)."""
    return set(str(state.get("ups.status") or "").split())


def mapping(state) -> str:
    return state.device.get("mapping") or ""


def model_name(state) -> str:
    """The UPS model as NUT names it, else the detected range."""
    return (state.get("ups.model") or state.get("device.model") or state.device.get("range")
            or "UPS")


def ident_text(state, name: str) -> str:
    value = state.get(name)
    return "" if value is None else str(value)


def not_managed(value):
    """The NET VISION rule: a value the UPS does not manage reads -1."""
    return -1 if value is None else value
