"""NET VISION 7 upsControl schedule tables, read from and written to the card's schedule settings.

    .7.5.1  upsControlWeeklyScheduleEntry   shutdown.weekly        'DAY HH:MM HH:MM'
    .7.6.1  upsControlSpecialScheduleEntry  shutdown.special_days  'YYYY-MM-DD HH:MM ...'
    .7.7.1  upsControlEcoModeScheduleEntry  schedules.eco.periods  'DAY HH:MM [DAY] HH:MM'
            1 Index  2 ShutdownDay/StartDay  3 ShutdownTime/StartTime  4 RestartDay/EndDay
            5 RestartTime/EndTime (2..5 read-write)

Row N is the Nth item of the setting's list, one row per item it may hold. Days are sunday(1)
.. saturday(7) and none(8), as the NET VISION 7 MIB numbers them; times 'HH:MM'; special days
'DD/MM/YYYY', as the manual's Special Schedule page shows them. A row past the list reads day
none(8) and empty times; the first of them takes a new item, its day and both times (special:
its four columns) in one SET; writing none(8) (special: an empty shutdown day) removes one. A
weekly restart day is not stored (the restart is the same day, or the next when its time is not
later): written, it must agree with the times. The eco mode days read -1 (the manual's "not
managed") while the UPS has no eco mode function.

A SET goes through the configuration as every interface's change does (the setting's own check,
saved, logged "via snmp" with the community or user); the varbinds of one request are merged
into one change per setting first, so a whole row can be written at once.
"""

from firmware.clock.calendar import DAYS, hhmm_minutes
from firmware.schedules import availability
from firmware.snmp import values as v
from firmware.snmp.mib import INTEGER, OCTETS, SetError, Writer, int_check, text_check, WRONG_VALUE
from firmware.snmp.nv7 import OBJECTS

NONE = 8               # the MIB's "none" day: an empty row
NOT_MANAGED = -1


def nv_day(day: str) -> int:
    """'mon' -> monday(2) ... 'sun' -> sunday(1)."""
    return (DAYS.index(day) + 1) % 7 + 1


def card_day(number: int) -> str:
    return DAYS[(number - 2) % 7]


def next_day(number: int) -> int:
    return number % 7 + 1


def _after(first: str, second: str, day: int) -> int:
    """The day a period started on `day` at `first` ends at `second` when no day is given."""
    return day if hhmm_minutes(second) > hhmm_minutes(first) else next_day(day)


def _time(text: str) -> str:
    hhmm_minutes(text)
    return text


def _date(text: str) -> str:
    """'DD/MM/YYYY' checked for its shape; the setting's own check sees whether it exists."""
    parts = text.split("/")
    if [len(p) for p in parts] != [2, 2, 4] or not all(p.isdigit() for p in parts):
        raise ValueError("%r is not a date DD/MM/YYYY" % text)
    return text


def _iso(text: str) -> str:
    d, m, y = text.split("/")
    return "%s-%s-%s" % (y, m, d)


def _dmy(text: str) -> str:
    y, m, d = text.split("-")
    return "%s/%s/%s" % (d, m, y)


class Weekly:
    key = "shutdown.weekly"
    entry = OBJECTS + (7, 5, 1)
    empty = (NONE, "", NONE, "")

    @staticmethod
    def parse(item):
        day, off, on = item.split()
        return (nv_day(day), off, _after(off, on, nv_day(day)), on)

    @staticmethod
    def format(fields, written, old_item):
        day, off, restart, on = fields
        if day == NONE or not off or not on:
            raise ValueError("a weekly row needs its shutdown day and both times")
        if 4 in written and restart != _after(off, on, day):
            raise ValueError("the restart must come within a day after the shutdown")
        return "%s %s %s" % (card_day(day), off, on)


class Eco:
    key = "schedules.eco.periods"
    entry = OBJECTS + (7, 7, 1)
    empty = (NONE, "", NONE, "")

    @staticmethod
    def parse(item):
        fields = item.split()
        start = nv_day(fields[0])
        if len(fields) == 3:
            return (start, fields[1], _after(fields[1], fields[2], start), fields[2])
        return (start, fields[1], nv_day(fields[2]), fields[3])

    @staticmethod
    def format(fields, written, old_item):
        day, start, end_day, end = fields
        if day == NONE or not start or not end:
            raise ValueError("an eco mode row needs its start day and both times")
        # Without a written end day a period keeps its form: one day given, the end follows.
        if 4 not in written and (old_item is None or len(old_item.split()) == 3):
            return "%s %s %s" % (card_day(day), start, end)
        if end_day == NONE:
            raise ValueError("none(8) is not an end day")
        return "%s %s %s %s" % (card_day(day), start, card_day(end_day), end)


class Special:
    key = "shutdown.special_days"
    entry = OBJECTS + (7, 6, 1)
    empty = ("", "", "", "")

    @staticmethod
    def parse(item):
        d1, t1, d2, t2 = item.split()
        return (_dmy(d1), t1, _dmy(d2), t2)

    @staticmethod
    def format(fields, written, old_item):
        if not all(fields):
            raise ValueError("a special day row needs its four columns (in one SET when new)")
        d1, t1, d2, t2 = fields
        return "%s %s %s %s" % (_iso(d1), t1, _iso(d2), t2)


TABLES = (Weekly, Special, Eco)
_BY_ENTRY = {t.entry: t for t in TABLES}


class _Cell:
    """A checked value; the request's group check gives the first cell the merged changes."""

    __slots__ = ("value", "changes")

    def __init__(self, value) -> None:
        self.value = value
        self.changes = None


def merged(config, planned) -> dict:
    """{setting: new list} from every schedule varbind of one SET; SetError(wrongValue)."""
    edits = {}
    for leaf, index, cell in planned:
        table = _BY_ENTRY.get(leaf.oid[:-1])
        if table is not None:
            edits.setdefault(table, {}).setdefault(index[0], {})[leaf.oid[-1]] = cell.value
    changes = {}
    for table, rows in edits.items():
        items = list(config.get(table.key))
        for row in sorted(rows):
            cols = rows[row]
            if row > len(items) + 1:
                raise SetError(WRONG_VALUE, "row %d: fill row %d first" % (row, len(items) + 1))
            old = items[row - 1] if row <= len(items) else None
            # none(8) / an empty date is how a manager clears a row: the item goes.
            if cols.get(2) in (NONE, ""):
                if old is not None:
                    items[row - 1] = None
                continue
            fields = list(table.parse(old) if old is not None else table.empty)
            for col, value in cols.items():
                fields[col - 2] = value
            try:
                item = table.format(tuple(fields), cols, old)
            except ValueError as exc:
                raise SetError(WRONG_VALUE, "row %d: %s" % (row, exc))
            if old is None:
                items.append(item)
            else:
                items[row - 1] = item
        try:
            changes[table.key] = config.schema.check(table.key, [i for i in items if i])
        except ValueError as exc:
            raise SetError(WRONG_VALUE, str(exc))
    return changes


def build(tree, ctx) -> None:
    config, st = ctx.card.config, ctx.card.state

    def group(planned):
        cells = [cell for leaf, _i, cell in planned if leaf.oid[:-1] in _BY_ENTRY]
        changes = merged(config, planned)
        for cell in cells:
            cell.changes = None
        cells[0].changes = changes

    def checked(check):
        def cell_check(index, value):
            return _Cell(check(index, value))
        cell_check.group = group
        return cell_check

    async def apply(index, cell):
        if cell.changes:
            await ctx.set_settings(cell.changes)

    def eco_managed():
        return v.mapping(st) != "sts" and availability.eco_function(st)

    day_check = checked(int_check(1, NONE))
    time_check = checked(text_check(5, _time))
    date_check = checked(text_check(10, lambda t: t and _date(t)))
    for table in TABLES:
        if table.key not in config.schema:
            continue                  # the feature that owns the setting is not on this card
        count = config.schema.row(table.key).limit

        def rows(count=count):
            return [(i,) for i in range(1, count + 1)]

        def cell(col, table=table):
            def get(index):
                items = config.get(table.key)
                n = index[0]
                value = table.parse(items[n - 1]) if n <= len(items) else table.empty
                value = value[col - 2]
                if table is Eco and col in (2, 4) and not eco_managed():
                    return NOT_MANAGED
                return value
            return get

        e = table.entry
        day = date_check if table is Special else day_check
        syntax = OCTETS if table is Special else INTEGER
        tree.column(e + (1,), INTEGER, rows, lambda index: index[0])
        tree.column(e + (2,), syntax, rows, cell(2), Writer(day, apply))
        tree.column(e + (3,), OCTETS, rows, cell(3), Writer(time_check, apply))
        tree.column(e + (4,), syntax, rows, cell(4), Writer(day, apply))
        tree.column(e + (5,), OCTETS, rows, cell(5), Writer(time_check, apply))
