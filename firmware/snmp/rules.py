"""Conditions over the UPS's status and alarm bits, as the manual's appendices write them.

A rule is text: alternatives joined by "|", each a conjunction of acronyms joined by "&", an
acronym prefixed by "!" when it must be absent, e.g. "S04&!S07" (load on bypass, not in eco
mode) or "A01|A47". "" never holds. The acronyms are those of the map tables (state.statuses
and state.alarms hold them); a rule is written once per mapping.

    holds("S04&!S07", {"S04", "S03"}) -> True
"""


def parse(rule: str) -> tuple:
    """((("S04", True), ("S07", False)), ...) alternatives of (acronym, wanted) terms."""
    out = []
    for alternative in rule.split("|"):
        alternative = alternative.strip()
        if not alternative:
            continue
        terms = []
        for term in alternative.split("&"):
            term = term.strip()
            wanted = not term.startswith("!")
            name = term.lstrip("!").strip()
            if not name:
                raise ValueError("empty term in rule %r" % rule)
            terms.append((name, wanted))
        out.append(tuple(terms))
    return tuple(out)


_CACHE = {}


def holds(rule: str, active) -> bool:
    """True when one alternative of `rule` holds for the set of active acronyms."""
    parsed = _CACHE.get(rule)
    if parsed is None:
        parsed = _CACHE[rule] = parse(rule)
    for alternative in parsed:
        if all((name in active) == wanted for name, wanted in alternative):
            return True
    return False


def active_flags(state) -> set:
    """The acronyms of the status and alarm bits set in the current snapshot."""
    return set(state.statuses) | set(state.alarms)


def rule_for(rules: dict, mapping: str) -> str:
    """The rule of a row for the UPS's mapping ("" when the mapping has none)."""
    return rules.get(mapping, "")
