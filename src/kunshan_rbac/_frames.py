"""Tables of results for analysts: one column schema per kind, built here only.

Every result type's ``to_arrow()`` and ``to_pandas()``, `to_arrow` and `to_pandas` for a
list of results, and ``ResponsibilityGraph.to_arrow(kind)`` build their tables through
this module, so that a kind of row has one schema wherever it comes from. Columns are
plain: strings, dates, integers, floats and booleans, plus a few lists of codes. Enums
appear twice, as their code (``list``: ``basic``) and as their Chinese label
(``list_label``: ``基本履职事项清单``); units and items as their code and their name.

Arrow is built first; pandas is made from Arrow. pyarrow and pandas are optional (the
``analytics`` extra) and imported only when a table is asked for.

Result modules register their classes here (`register`), so that this module imports
none of them at run time and the conversions of a list can find the kind of its values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ._analytics import require
from ._errors import InvalidArgumentError

if TYPE_CHECKING:
    from ._model import Item, Ownership, Record, Transfer, Unit

__all__ = [
    "FRAMES",
    "Column",
    "Frame",
    "Names",
    "arrow",
    "kind_of",
    "names_from",
    "pandas",
    "register",
    "schema",
    "to_arrow",
    "to_pandas",
]

Names = Callable[[str], "str | None"]
"""A lookup from a unit or item code to its name (``None``: not known)."""

_TYPES = ("string", "date", "datetime", "int", "float", "bool", "strings", "ints")


@attrs.frozen
class Column:
    """One column of a table: its name, its type and what it holds.

    Attributes:
        name: the column's name.
        type: ``string``, ``date``, ``datetime`` (a moment in China's time zone),
            ``int``, ``float``, ``bool``, ``strings`` (a list of
            strings) or ``ints`` (a list of integers).
        doc: what the column holds, for the reference.
    """

    name: str
    type: str = attrs.field(validator=attrs.validators.in_(_TYPES))
    doc: str


@attrs.frozen
class Frame:
    """One kind of table: its columns and how a value turns into rows.

    Attributes:
        kind: the kind's name (``ownership``, ``record``...).
        columns: the columns, in order.
        rows: from a value and a name lookup, the value's rows as tuples in column order.
    """

    kind: str
    columns: tuple[Column, ...]
    rows: Callable[[Any, Names], Iterable[tuple[Any, ...]]] = attrs.field(repr=False)

    @property
    def names(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(c.name for c in self.columns)


def _no_names(_code: str) -> str | None:
    return None


def names_from(graph: Any) -> Names:
    """A name lookup over the units and items of a graph (``None``: no names)."""
    if graph is None:
        return _no_names
    table = {u.code: u.name for u in graph.units()}
    table.update((i.code, i.name) for i in graph.items())
    return table.get


def _enum(kind: Any) -> tuple[str | None, str | None]:
    return (None, None) if kind is None else (kind.value, kind.label)


def _unit(unit: Unit | Item | None) -> tuple[str | None, str | None]:
    return (None, None) if unit is None else (unit.code, unit.name)


def _coded(code: str | None, names: Names) -> tuple[str | None, str | None]:
    return (None, None) if code is None else (code, names(code))


# ---------------------------------------------------------------------------- columns

_S, _D, _I, _F, _B = "string", "date", "int", "float", "bool"


def _pair(name: str, what: str) -> tuple[Column, Column]:
    """A code column and its name column."""
    return (Column(name, _S, f"code of {what}"), Column(f"{name}_name", _S, f"name of {what}"))


def _labelled(name: str, what: str) -> tuple[Column, Column]:
    """An enum's code column and its Chinese label column."""
    return (Column(name, _S, f"{what} (code)"), Column(f"{name}_label", _S, f"{what} (Chinese)"))


_PERIOD = (
    Column("start", _D, "first day in force (null: since always)"),
    Column("end", _D, "first day no longer in force (null: open-ended)"),
)

_OWNERSHIP_COLUMNS = (
    *_pair("item", "the item"),
    *_pair("town", "the town whose list holds the item"),
    *_labelled("list", "the list: basic, cooperative or reclaimed"),
    *_pair("primary", "the unit that answers fully (主责)"),
    Column("secondary", "strings", "codes of the assisting units (次责), by code"),
    Column("secondary_names", "strings", "names of the assisting units, in the same order"),
    *_PERIOD,
)


def _ownership_row(o: Ownership) -> tuple[Any, ...]:
    return (
        *_unit(o.item), *_unit(o.town), *_enum(o.list), *_unit(o.primary),
        [u.code for u in o.secondary], [u.name for u in o.secondary], o.start, o.end,
    )


def _ownership_rows(o: Ownership, _names: Names) -> Iterator[tuple[Any, ...]]:
    yield _ownership_row(o)


_RECORD_COLUMNS = (
    Column("id", _I, "the record's number in its graph"),
    *_pair("unit", "the responsible unit"),
    *_pair("item", "the item"),
    *_pair("town", "the town whose list holds the item"),
    *_labelled("role", "the unit's role: primary (主责) or secondary (次责)"),
    *_labelled("list", "the list: basic, cooperative or reclaimed"),
    *_PERIOD,
    Column("duty", _S, "what the unit does for the item"),
    Column("source", _S, "the document that set the record up (文号)"),
    Column("grant", _S, "the document that empowered the town (赋权文号)"),
    Column("opened_by", _I, "id of the transfer that opened the record (null: none)"),
    Column("closed_by", _I, "id of the transfer that ended it (null: none)"),
)


def _record_row(r: Record, names: Names) -> tuple[Any, ...]:
    return (
        r.id, *_coded(r.unit, names), *_coded(r.item, names), *_coded(r.town, names),
        *_enum(r.role), *_enum(r.list), r.start, r.end, r.duty, r.source, r.grant,
        r.opened_by, r.closed_by,
    )


def _record_rows(r: Record, names: Names) -> Iterator[tuple[Any, ...]]:
    yield _record_row(r, names)


def _explanation_rows(e: Any, names: Names) -> Iterator[tuple[Any, ...]]:
    known = dict(e.unit_names)
    known[e.item.code] = e.item.name
    known[e.town.code] = e.town.name

    def lookup(code: str) -> str | None:
        return known.get(code) or names(code)

    for r in e.records:
        origin = e.origins.get(r.id)
        read = ((origin.file, origin.sheet, origin.row, [str(i) for i in origin.inferences])
                if origin is not None else (None, None, None, []))
        yield (e.at, r in e.in_force, *_record_row(r, lookup), *read)


_ITEM_COLUMNS = (
    Column("code", _S, "the item's code"),
    Column("name", _S, "its name as the list writes it"),
    Column("domain", _S, "its field (领域); empty when not given"),
    Column("power_type", _S, "its power type (权力类型); null for duties that are not powers"),
    Column("enforcement", _B, "whether it is law enforcement (处罚, 强制, 检查)"),
    Column("basis", "strings", "its legal or policy bases (依据)"),
    Column("parent", _S, "code of the item it is a sub-item of (null: none)"),
)


def _item_rows(i: Item, _names: Names) -> Iterator[tuple[Any, ...]]:
    yield (i.code, i.name, i.domain, i.power_type, i.is_enforcement, list(i.basis), i.parent)


_UNIT_COLUMNS = (
    Column("code", _S, "the unit's code"),
    Column("name", _S, "its official name"),
    Column("kind", _S, "town, department or authority"),
    Column("kind_label", _S, "镇街, 部门 or 上级政府"),
    Column("aliases", "strings", "other names it is known by"),
    Column("parent", _S, "code of the unit above it (null: none recorded)"),
    Column("level", _S, "an authority's level (市, 县, 区); null for towns and departments"),
)

_UNIT_KINDS = {"town": "镇街", "department": "部门", "authority": "上级政府"}


def _unit_rows(u: Unit, _names: Names) -> Iterator[tuple[Any, ...]]:
    level = getattr(u, "level", None)
    yield (u.code, u.name, u.kind, _UNIT_KINDS[u.kind], list(u.aliases), u.parent, level)


_TRANSFER_COLUMNS = (
    Column("transfer", _I, "the transfer's number in its graph"),
    *_labelled("kind", "what it does: reclaim (收回), delegate (下放) or revert (撤销)"),
    Column("effective", _D, "the first day the new owners hold"),
    Column("ref", _S, "the document reference (文号)"),
    Column("reason", _S, "why the move was made"),
    Column("keep_secondary", _B, "whether the unit that lost the lead stays secondary"),
    Column("reverts", _I, "for a revert, the transfer it undoes (null: none)"),
    *_pair("item", "the item moved"),
    *_pair("town", "the town"),
    *_pair("from_unit", "the primary before"),
    *_pair("to_unit", "the primary after"),
    *_labelled("from_list", "the list before"),
    *_labelled("to_list", "the list after"),
    Column("closed", "ints", "ids of the records the transfer ended"),
    Column("opened", "ints", "ids of the records it opened"),
)


def _transfer_rows(t: Transfer, names: Names) -> Iterator[tuple[Any, ...]]:
    head = (t.id, *_enum(t.kind), t.effective, t.ref, t.reason, t.keep_secondary, t.reverts)
    for m in t.moves:
        yield (
            *head, *_coded(m.item, names), *_coded(m.town, names),
            *_coded(m.from_unit, names), *_coded(m.to_unit, names),
            *_enum(m.from_list), *_enum(m.to_list), list(m.closed), list(m.opened),
        )


_STATS_COLUMNS = (
    Column("at", _D, "the date counted"),
    *_pair("town", "the town"),
    Column("basic", _I, "items on its basic list (基本履职事项清单)"),
    Column("cooperative", _I, "items on its cooperative list (配合履职事项清单)"),
    Column("reclaimed", _I, "items on its reclaimed list (上级部门收回事项清单)"),
    Column("total", _I, "the sum of the three"),
)


def _stats_rows(s: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    for code, name in s.towns:
        by_value = {k.value: n for k, n in s.per_town[code].items()}
        counts = [by_value[k] for k in ("basic", "cooperative", "reclaimed")]
        yield (s.at, code, name, *counts, sum(counts))


def _side_columns(side: str) -> tuple[Column, ...]:
    return (
        *_labelled(f"{side}_list", f"the list on the {side} date (null: on no list)"),
        *_pair(f"{side}_primary", f"the primary on the {side} date"),
        Column(f"{side}_secondary", "strings", f"codes of the secondary units on the {side} date"),
    )


_CHANGE_COLUMNS = (
    Column("before", _D, "the first date compared"),
    Column("after", _D, "the second date compared"),
    *_pair("town", "the town"),
    *_pair("item", "the item"),
    Column("change", _S, "added, removed, moved (another list or primary) or changed"),
    *_side_columns("before"),
    *_side_columns("after"),
)


def _side(o: Ownership | None) -> tuple[Any, ...]:
    if o is None:
        return (None, None, None, None, [])
    return (*_enum(o.list), *_unit(o.primary), [u.code for u in o.secondary])


def _change_row(start: Any, end: Any, c: Any) -> tuple[Any, ...]:
    return (start, end, *_unit(c.town), *_unit(c.item), c.kind, *_side(c.before),
            *_side(c.after))


def _diff_rows(d: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    for c in d.changes:
        yield _change_row(d.start, d.end, c)


def _change_rows(c: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    yield _change_row(None, None, c)


_VIOLATION_COLUMNS = (
    Column("checked", _D, "the day checked (null: every date)"),
    Column("rule", _S, "the id of the rule broken"),
    *_labelled("severity", "error (错误) or warning (警告)"),
    Column("message", _S, "what is wrong and how to fix it"),
    Column("item", _S, "code of the item concerned (null: none)"),
    *_pair("town", "the town concerned (null: none)"),
    *_pair("unit", "the unit concerned (null: none)"),
    Column("record", _I, "id of the record to correct (null: none)"),
    *_PERIOD,
    Column("records", "ints", "ids of every record involved"),
)


def _violation_row(v: Any, at: Any, names: Names) -> tuple[Any, ...]:
    return (at, v.rule, *_enum(v.severity), v.message, v.item, *_coded(v.town, names),
            *_coded(v.unit, names), v.record, v.start, v.end, list(v.records))


def _report_rows(r: Any, names: Names) -> Iterator[tuple[Any, ...]]:
    known = dict(r.names)

    def lookup(code: str) -> str | None:
        return known.get(code) or names(code)

    for v in r.violations:
        yield _violation_row(v, r.at, lookup)


def _violation_rows(v: Any, names: Names) -> Iterator[tuple[Any, ...]]:
    yield _violation_row(v, None, names)


_ROUTE_COLUMNS = (
    Column("text", _S, "the order as given"),
    *_pair("town", "the town it was filed in"),
    Column("at", _D, "the order's date"),
    Column("declined", _B, "whether no list item fits well enough"),
    *_pair("item", "the chosen item (null: declined)"),
    *_labelled("list", "the list holding the item (null: declined)"),
    *_pair("primary", "the unit the order goes to (null: declined)"),
    Column("secondary", "strings", "codes of the assisting units"),
    Column("confidence", _F, "calibrated probability that the primary unit is right"),
    Column("score", _F, "the raw matching score of the best candidate"),
    Column("reason", _S, "why it chose this item, or why it declined"),
    Column("decline_class", _S, "the decline class that fired (null: none)"),
)


def _route_rows(r: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    own = r.ownership
    yield (
        r.text, *_unit(r.town), r.at, r.declined, *_unit(r.item),
        *(_enum(own.list) if own is not None else (None, None)),
        *(_unit(own.primary) if own is not None else (None, None)),
        [u.code for u in own.secondary] if own is not None else [],
        r.confidence, r.score, r.reason, r.decline_class,
    )


_SHARE = "share in [0, 1] (null: no order counted)"
_EVALUATION_COLUMNS = (
    Column("dimension", _S, "town, unit, list, item, month or town-month"),
    Column("key", _S, "the code, list value or month YYYY-MM (empty: none)"),
    Column("name", _S, "a readable name"),
    Column("month", _S, "the month, for town-month rows (empty otherwise)"),
    Column("orders", _I, "orders received"),
    Column("first_dispatch_right", _F, f"first dispatched to the primary unit: {_SHARE}"),
    Column("returned", _F, f"returned at least once: {_SHARE}"),
    Column("on_time_signed", _F, f"signed in time: {_SHARE}"),
    Column("on_time_done", _F, f"done in time: {_SHARE}"),
    Column("satisfaction", _F, f"rated 满意 or 基本满意: {_SHARE}"),
    Column("reopened", _F, f"reopened: {_SHARE}"),
    Column("median_hours", _F, "median working hours from reception to done"),
    Column("off_list_burden", _I, "orders handled although the lists give them elsewhere"),
    Column("reclaimed_pushed_back", _I, "orders on reclaimed items pushed back to the town"),
)


def _evaluation_row(r: Any) -> tuple[Any, ...]:
    return (r.dimension, r.key, r.name, r.month, r.orders, r.first_dispatch_right, r.returned,
            r.on_time_signed, r.on_time_done, r.satisfaction, r.reopened, r.median_hours,
            r.off_list_burden, r.reclaimed_pushed_back)


def _evaluation_row_rows(r: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    yield _evaluation_row(r)


def _evaluation_rows(e: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    for rows in (e.towns, e.units, e.lists, e.items, e.months):
        for row in rows.values():
            yield _evaluation_row(row)
    for row in e.town_months:
        yield _evaluation_row(row)


_SCORE_COLUMNS = (
    *_pair("town", "the town"),
    Column("orders", _I, "orders evaluated"),
    Column("quality", _F, "事项完成质量, in [0, 1]"),
    Column("satisfaction", _F, "群众满意度, in [0, 1]"),
    Column("burden", _F, "基层减负实效, in [0, 1]"),
    Column("score", _F, "the mean of the three that are known"),
    Column("rank", _I, "1 for the best score"),
)


def _score_rows(s: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    yield (s.town, s.name, s.orders, s.quality, s.satisfaction, s.burden, s.score, s.rank)


_ORDER_EVENT_COLUMNS = (
    Column("order", _S, "the order's id (工单编号)"),
    Column("time", "datetime", "when the event happened, in China's time zone"),
    Column("event", _S, "what happened: received, dispatched, signed, returned, done, rated..."),
    Column("town", _S, "the town named by the event (empty when it names none)"),
    Column("unit", _S, "the unit named by the event (empty when it names none)"),
    Column("item", _S, "the list item named by the event (empty when it names none)"),
    Column("text", _S, "the citizen's words, on the event that carries them"),
    Column("detail", _S, "the event's detail: a rating, a return reason..."),
    Column("channel", _S, "where the order came in (12345 hotline, app...)"),
    Column("by", _S, "who dispatched: router, person, or empty"),
    Column("kind", _S, "the order's kind (投诉, 求助...)"),
    Column("urgent", _B, "whether the order is urgent"),
)


def _order_event_rows(value: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    orders = getattr(value, "orders", None)
    events = (e for o in orders for e in o.events) if orders is not None else (
        value.events if hasattr(value, "events") else (value,))
    for e in events:
        yield (e.order, e.time, e.event, e.town, e.unit, e.item, e.text, e.detail,
               e.channel, e.by, e.kind, e.urgent)


_ASSERTION_COLUMNS = (
    Column("file", _S, "the assertion file"),
    Column("line", _I, "the expectation's line in that file"),
    Column("test", _S, "the test's name"),
    Column("kind", _S, "the section: owner, duties, check or route"),
    Column("passed", _B, "whether the expectation held"),
    Column("expected", _S, "what was expected"),
    Column("found", _S, "what the library answered"),
)


def _assertion_rows(value: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    for r in getattr(value, "results", (value,)):
        yield (r.file, r.line, r.test, r.kind, r.passed, r.expected, r.found)


_FINDING_COLUMNS = (
    Column("finding", _S, "the finding's id"),
    Column("source", _S, "what found it: evaluation or check"),
    Column("subject", _S, "code of the unit (or item) concerned"),
    Column("name", _S, "its readable name"),
    Column("metric", _S, "the figure or rule that fell short"),
    Column("value", _F, "the figure found (null: a count of violations)"),
    Column("threshold", _F, "the threshold it was held to"),
    Column("found", _D, "the day it was found"),
    Column("start", _D, "first day of the period looked at"),
    Column("end", _D, "last day of the period looked at"),
    Column("detail", _S, "one line on what was found"),
    Column("examples", "strings", "ids of orders or violations behind it"),
    Column("owner", _S, "the unit owning the rectification task (null: no task)"),
    Column("opened", _D, "the day the task was set"),
    Column("due", _D, "the day it is due"),
    Column("status", _S, "the task's status: open, fixed or not fixed"),
    Column("checked", _D, "the day it was rechecked"),
    Column("checked_value", _F, "the figure at the recheck"),
)


def _finding_rows(value: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    findings = getattr(value, "findings", (value,))
    tasks = {t.finding: t for t in getattr(value, "tasks", ())}
    for f in findings:
        t = tasks.get(f.id)
        yield (f.id, f.source, f.subject, f.name, f.metric, f.value, f.threshold, f.found,
               f.start, f.end, f.detail, list(f.examples),
               *((t.owner, t.opened, t.due, t.status, t.checked, t.value) if t is not None
                 else (None,) * 6))


_PICTURE_COLUMNS = (
    *_pair("unit", "the unit pictured"),
    Column("at", _D, "the date pictured"),
    *_pair("town", "the town whose list holds the item"),
    *_pair("item", "the item"),
    *_labelled("list", "the list holding the item"),
    *_labelled("role", "the unit's part: primary, secondary, reclaimed, listed or conflict"),
    *_pair("primary", "the unit answering fully on that date (null: a conflict)"),
    Column("secondary", "strings", "codes of the assisting units"),
    Column("secondary_names", "strings", "names of the assisting units, in the same order"),
)


def _picture_rows(p: Any, _names: Names) -> Iterator[tuple[Any, ...]]:
    for e in p.entries:
        yield _entry_row(p, e)


def _entry_row(p: Any, e: Any) -> tuple[Any, ...]:
    o = e.ownership
    return (
        *_unit(p.unit), p.at, *_unit(e.town), *_unit(e.item), *_enum(e.list), *_enum(e.role),
        *(_unit(o.primary) if o is not None else (None, None)),
        [u.code for u in o.secondary] if o is not None else [],
        [u.name for u in o.secondary] if o is not None else [],
    )


FRAMES: Mapping[str, Frame] = {
    f.kind: f
    for f in (
        Frame("ownership", _OWNERSHIP_COLUMNS, _ownership_rows),
        Frame("record", _RECORD_COLUMNS, _record_rows),
        Frame("explanation", (
            Column("at", _D, "the date explained"),
            Column("in_force", _B, "whether the record is in force on that date"),
            *_RECORD_COLUMNS,
            Column("origin_file", _S, "the file the record was read from (null: not read "
                   "from a list)"),
            Column("origin_sheet", _S, "the sheet it was read from (null: a CSV file, or "
                   "not read from a list)"),
            Column("origin_row", _I, "the row it was read from, as the spreadsheet numbers "
                   "it (null: not read from a list)"),
            Column("inferences", "strings", "what the reader inferred to read that row "
                   "(header rows, values carried down, markers, rejoined names)"),
        ), _explanation_rows),
        Frame("item", _ITEM_COLUMNS, _item_rows),
        Frame("unit", _UNIT_COLUMNS, _unit_rows),
        Frame("transfer", _TRANSFER_COLUMNS, _transfer_rows),
        Frame("stats", _STATS_COLUMNS, _stats_rows),
        Frame("diff", _CHANGE_COLUMNS, _diff_rows),
        Frame("report", _VIOLATION_COLUMNS, _report_rows),
        Frame("route", _ROUTE_COLUMNS, _route_rows),
        Frame("evaluation", _EVALUATION_COLUMNS, _evaluation_rows),
        Frame("town_score", _SCORE_COLUMNS, _score_rows),
        Frame("picture", _PICTURE_COLUMNS, _picture_rows),
        Frame("order_event", _ORDER_EVENT_COLUMNS, _order_event_rows),
        Frame("assertion", _ASSERTION_COLUMNS, _assertion_rows),
        Frame("finding", _FINDING_COLUMNS, _finding_rows),
    )
}
"""Every kind of table, by name."""

# Kinds whose rows come from one part of a whole result: the whole's columns, with its
# own fields (the dates compared, the day checked) null.
_ALSO = {
    "change": ("diff", _change_rows),
    "violation": ("report", _violation_rows),
    "evaluation_row": ("evaluation", _evaluation_row_rows),
}


# ---------------------------------------------------------------------------- building

_KINDS: dict[type, str] = {}


def register(cls: type, kind: str) -> None:
    """Say which kind of table values of ``cls`` make (result modules call this)."""
    if kind not in FRAMES and kind not in _ALSO:
        raise ValueError(f"no table kind {kind!r}")
    _KINDS[cls] = kind


def kind_of(value: object) -> str | None:
    """The kind of table a value makes, or ``None`` when it makes none."""
    for cls in type(value).__mro__:
        kind = _KINDS.get(cls)
        if kind is not None:
            return kind
    return None


def _frame(kind: str) -> tuple[Frame, Callable[[Any, Names], Iterable[tuple[Any, ...]]]]:
    if kind in _ALSO:
        base, rows = _ALSO[kind]
        return FRAMES[base], rows
    frame = FRAMES[kind]
    return frame, frame.rows


def _arrow_type(pa: Any, name: str) -> Any:
    return {
        "string": pa.string(), "date": pa.date32(), "datetime": pa.timestamp("us", tz="+08:00"),
        "int": pa.int64(), "float": pa.float64(),
        "bool": pa.bool_(), "strings": pa.list_(pa.string()), "ints": pa.list_(pa.int64()),
    }[name]


def schema(kind: str, select: Iterable[str] | None = None) -> Any:
    """The ``pyarrow.Schema`` of a kind of table (of some of its columns, in order)."""
    pa = require("pyarrow")
    frame, _ = _frame(kind)
    wanted = frame.columns if select is None else _selected(frame, select)
    return pa.schema([(c.name, _arrow_type(pa, c.type)) for c in wanted])


def _selected(frame: Frame, select: Iterable[str]) -> tuple[Column, ...]:
    by_name = {c.name: c for c in frame.columns}
    return tuple(by_name[name] for name in select)


def arrow(kind: str, values: Iterable[Any], names: Names = _no_names,
          select: Iterable[str] | None = None) -> Any:
    """The rows of ``values`` as a ``pyarrow.Table`` of the given kind (with only the
    ``select``-ed columns, in that order, if given)."""
    pa = require("pyarrow")
    frame, rows = _frame(kind)
    wanted = frame.names if select is None else tuple(select)
    positions = [frame.names.index(name) for name in wanted]
    columns: list[list[Any]] = [[] for _ in positions]
    pairs = list(zip(columns, positions, strict=True))
    for value in values:
        for row in rows(value, names):
            for column, position in pairs:
                column.append(row[position])
    return pa.table(columns, schema=schema(kind, wanted))


def pandas(table: Any) -> Any:
    """A ``pandas.DataFrame`` from an Arrow table of this module.

    Dates become ``datetime64`` (a null becomes ``NaT``); integers become pandas'
    nullable ``Int64`` and booleans its nullable ``boolean``, so that a missing value
    does not turn a column of ids into floats; lists stay lists.
    """
    pd = require("pandas")
    pa = require("pyarrow")
    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return table.to_pandas(date_as_object=False, types_mapper=mapping.get)


def to_arrow(results: Iterable[Any], *, kind: str | None = None, graph: Any = None) -> Any:
    """A list of results as one ``pyarrow.Table``.

    The results must all make the same kind of table: ownerships (from ``owner``,
    ``duties``, ``history``), records, items, units, transfers, violations, routes,
    evaluation rows, town scores, or whole results (`Stats`, `Diff`, `Report`,
    `Explanation`, `Evaluation`, `Picture`), whose rows are put one after another. The
    columns of each kind are listed in the reference (Tables).

    Args:
        results: the results (any iterable).
        kind: the kind of table, needed only to give an empty list its columns
            (``"ownership"``, ``"record"``... as listed in the reference).
        graph: a graph whose names fill the name columns of values that hold codes only
            (records, transfers, violations); without one those names are null.

    Returns:
        A ``pyarrow.Table``.

    Raises:
        InvalidArgumentError: a value makes no table, the values make different kinds,
            or the list is empty and no ``kind`` is given.
        MissingExtraError: pyarrow is not installed (``pip install 'kunshan-rbac[analytics]'``).

    Examples:
        >>> import kunshan_rbac as kr
        >>> g = kr.load_sample()
        >>> t = kr.to_arrow(g.duties("市住建局", at="2025-12-31"))
        >>> t.num_rows, t.column_names[:4]
        (599, ['item', 'item_name', 'town', 'town_name'])
    """
    if isinstance(results, (str, bytes, Mapping)) or not isinstance(results, Iterable):
        raise InvalidArgumentError("results", results, "a list of results")
    values = list(results)
    kinds: set[str] = set()
    for value in values:
        found = kind_of(value)
        if found is None:
            raise InvalidArgumentError("results", value, "results of kunshan_rbac")
        kinds.add(found)
    if kind is not None and kind not in FRAMES and kind not in _ALSO:
        raise InvalidArgumentError("kind", kind, f"one of {', '.join(sorted(FRAMES))}")
    if kind is not None:
        kinds.add(kind)
    if len(kinds) > 1:
        raise InvalidArgumentError(
            "results", sorted(kinds), "values of one kind of result"
        )
    if not kinds:
        raise InvalidArgumentError("results", values, "a non-empty list, or give kind=")
    return arrow(kinds.pop(), values, names_from(graph))


def to_pandas(results: Iterable[Any], *, kind: str | None = None, graph: Any = None) -> Any:
    """A list of results as one ``pandas.DataFrame``: `to_arrow`, then to pandas.

    Dates are ``datetime64`` columns (``NaT`` for an open end), integers nullable
    ``Int64``, strings pandas' string columns; enums and units come as code and label
    (or name) columns, as in `to_arrow`.

    Args:
        results: the results (any iterable).
        kind: the kind of table, for an empty list.
        graph: a graph whose names fill the name columns of records, transfers and
            violations.

    Returns:
        A ``pandas.DataFrame``.

    Raises:
        InvalidArgumentError: as `to_arrow`.
        MissingExtraError: pandas or pyarrow is not installed
            (``pip install 'kunshan-rbac[analytics]'``).

    Examples:
        >>> import kunshan_rbac as kr
        >>> g = kr.load_sample()
        >>> df = kr.to_pandas(g.duties("市住建局", at="2025-12-31"))
        >>> df["list_label"].value_counts().to_dict()
        {'上级部门收回事项清单': 458, '基本履职事项清单': 100, '配合履职事项清单': 41}
    """
    require("pandas")
    return pandas(to_arrow(results, kind=kind, graph=graph))
