"""The built-in consistency rules: no item outside the lists, no blurred boundary.

Each rule is a generator over a shared `_Context`, which groups the records by (item,
town) once, so that checking every date of the history costs time linear in the number
of records. A rule reports each offending record or period once, with its dates, never
once per day.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property

from .._dates import BEGINNING, FOREVER, DateLike, date_of, parse_date
from .._dates import span as day_span
from .._graph import ResponsibilityGraph, store_of
from .._model import Department, Item, ListKind, Record, Role, Town, Unit
from .._text import normalize_name
from .._timeline import Segment, build_timeline
from ._values import Rule, Severity, Violation

__all__ = ["RULES", "SPECIALIST_POWER_TYPES"]

SPECIALIST_POWER_TYPES: frozenset[str] = frozenset({"行政处罚", "行政强制"})
"""Power types that take specialist staff and equipment: by default 行政处罚 and 行政强制.

The ``town-capacity`` rule warns where a town is primary for such an item without a
grant; pass ``specialist_power_types=`` to `kunshan_rbac.check` to use another set.
"""

_Key = tuple[str, str]
_Span = tuple[int, int]

_ERROR = Severity.ERROR
_WARNING = Severity.WARNING


def _span(record: Record) -> _Span:
    return day_span(record.start, record.end)


def _period(start: int, end: int) -> str:
    """A period as words: ``from 2024-06-01 until 2025-01-01`` (the end is excluded)."""
    left = None if start == BEGINNING else datetime.date.fromordinal(start).isoformat()
    right = None if end == FOREVER else datetime.date.fromordinal(end).isoformat()
    if left and right:
        return f"from {left} until {right}"
    if left:
        return f"from {left} on"
    return f"until {right}" if right else "at all times"


def _record_period(record: Record) -> str:
    return _period(*_span(record))


def _ids(records: Iterable[Record]) -> str:
    return ", ".join(f"#{i}" for i in sorted(r.id for r in records))


def _union(spans: Iterable[_Span]) -> list[_Span]:
    """The spans merged into sorted, disjoint, non-touching spans."""
    merged: list[_Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(spans: list[_Span], holes: list[_Span]) -> list[_Span]:
    """The parts of disjoint sorted ``spans`` outside disjoint sorted ``holes``."""
    result = []
    for start, end in spans:
        cursor = start
        for low, high in holes:
            if high <= cursor or low >= end:
                continue
            if low > cursor:
                result.append((cursor, low))
            cursor = max(cursor, high)
        if cursor < end:
            result.append((cursor, end))
    return result


_Spanned = tuple[int, int, Record]
"""A record with its validity as day numbers ``(start, end)``; open ends are
`BEGINNING` and `FOREVER`."""


class _Context:
    """What the built-in rules share in one check: the window and the grouped records."""

    def __init__(
        self,
        graph: ResponsibilityGraph,
        at: datetime.date | None,
        specialist: frozenset[str] = SPECIALIST_POWER_TYPES,
    ) -> None:
        self.graph = graph
        self.at = at
        self.day = at.toordinal() if at is not None else None
        self.specialist = specialist
        self.units: dict[str, Unit] = {u.code: u for u in graph.units()}
        self.items: dict[str, Item] = {i.code: i for i in graph.items()}

    def covers(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` is a real period inside the window being checked."""
        return start < end and (self.day is None or start <= self.day < end)

    def never_in_force(self) -> list[tuple[Record, datetime.date, datetime.date]]:
        """The records that start on or after their end, in id order, with those dates."""
        found = [
            (record, record.start, record.end) for record in store_of(self.graph).all_records()
            if record.start is not None and record.end is not None and record.start >= record.end
        ]
        found.sort(key=lambda x: x[0].id)
        return found

    def groups(self) -> Iterator[tuple[_Key, list[_Spanned]]]:
        """The records of each (item, town) that has one in force in the window.

        Only records that are in force at some time (start before end) are kept, in id
        order; `valid-interval` reports the others. The groups are read from the graph
        as they are asked for and kept by no one: a national graph's spans would take
        gigabytes.
        """
        # The graph already keeps each (item, town)'s records together: read them in
        # place rather than sorting and regrouping every record.
        day = self.day
        for key, records in store_of(self.graph).groups():
            spans = []
            for record in records:
                start, end = day_span(record.start, record.end)
                if start < end:
                    spans.append((start, end, record))
            if not spans:
                continue
            # Sorting a group already in id order costs less than checking whether it is.
            spans.sort(key=lambda span: span[2].id)
            if day is None or any(s <= day < e for s, e, _ in spans):
                yield key, spans

    @cached_property
    def _survey(self) -> tuple[list[Record], dict[_Key, list[_Spanned]]]:
        live: list[Record] = []
        tangled: dict[_Key, list[_Spanned]] = {}
        covers = self.covers
        for key, spans in self.groups():
            live.extend(record for start, end, record in spans if covers(start, end))
            if not _plainly_clean(spans):
                tangled[key] = spans
        return live, tangled

    @property
    def live(self) -> list[Record]:
        """The records in force at some time in the window (computed once per check,
        with `tangled`)."""
        return self._survey[0]

    @property
    def tangled(self) -> dict[_Key, list[_Spanned]]:
        """The groups that `_plainly_clean` cannot clear; only these can break
        ``one-primary``, ``primary-not-secondary`` or overlap in ``valid-interval``."""
        return self._survey[1]

    def conflicts(self, key: _Key) -> list[Segment]:
        """The segments of ``key``'s timeline in the window that name no single primary."""
        timeline = build_timeline([r for _, _, r in self.tangled[key]])
        if self.day is None:
            segments: Iterable[Segment] = timeline.segments
        else:
            found = timeline.at(self.day)
            segments = [found] if found is not None else []
        return [s for s in segments if s.problem]

    def kind(self, code: str) -> str:
        """``town``, ``department`` or ``authority``: what the unit with ``code`` is."""
        unit = self.units.get(code)
        return unit.kind if unit is not None else "unit"

    def is_department(self, code: str) -> bool:
        return isinstance(self.units.get(code), Department)

    def is_town(self, code: str) -> bool:
        return isinstance(self.units.get(code), Town)


def _plainly_clean(spans: list[_Spanned]) -> bool:
    """A quick proof that a group of records is free of overlaps, for the usual data.

    ``assign`` and the transfers write records in batches of one period. When those
    periods do not overlap, and each batch names one list, exactly one primary record and
    no unit twice, then every instant has exactly one primary on one list, no unit is both
    primary and secondary, and no two records of a unit and role overlap. Anything else is
    examined in full.
    """
    match spans:
        case [(_, _, only)]:  # the usual group, answered here only
            return only.role is Role.PRIMARY
        case _:
            return _batches_clean(spans)


def _batches_clean(spans: list[_Spanned]) -> bool:
    """`_plainly_clean` for two records or more: the batches follow one another and each
    has one list, one primary record and no unit twice."""
    batches: dict[_Span, list[Record]] = {}
    for start, end, record in spans:
        batch = batches.get((start, end))
        if batch is None:
            batches[(start, end)] = [record]
        else:
            batch.append(record)
    reached = BEGINNING
    for span in sorted(batches):
        if span[0] < reached:
            return False
        reached = span[1]
        batch = batches[span]
        kind = batch[0].list
        primaries = 0
        for record in batch:
            if record.list is not kind:
                return False
            primaries += record.role is Role.PRIMARY
        if primaries != 1 or len({r.unit for r in batch}) != len(batch):
            return False
    return True


def _overlapping(spans: list[_Spanned]) -> Iterator[tuple[_Spanned, _Spanned, int, int]]:
    """Each pair of records whose periods overlap, with the overlap ``(start, end)``."""
    ordered = sorted(spans, key=lambda x: (x[0], x[1], x[2].id))
    for index, first in enumerate(ordered):
        for second in ordered[index + 1:]:
            if second[0] >= first[1]:
                break
            yield first, second, second[0], min(first[1], second[1])


def _on_record(rule: str, severity: Severity, record: Record, message: str) -> Violation:
    return Violation(
        rule, severity, message, record.item, record.town, record.unit, record.id,
        start=record.start, end=record.end, records=(record.id,),
    )


# ---------------------------------------------------------------------- one owner


def _one_primary(ctx: _Context) -> Iterator[Violation]:
    for key in ctx.tangled:
        for segment in ctx.conflicts(key):
            period = _period(segment.start, segment.end)
            involved = f"(records {_ids(segment.records)})"
            primaries = sorted({r.unit for r in segment.records if r.role is Role.PRIMARY})
            if segment.list is None:
                lists = ", ".join(sorted({r.list.value for r in segment.records}))
                message = (
                    f"on several lists at once ({lists}) {period} {involved}; an item "
                    "sits on one list of a town at a time: end the records of all lists but one"
                )
            elif not primaries:
                message = (
                    f"no primary unit {period} {involved}; name exactly one unit as "
                    "primary (主责)"
                )
            else:
                message = (
                    f"{len(primaries)} primary units ({', '.join(primaries)}) {period} "
                    f"{involved}; end the primary records of all units but one"
                )
            yield Violation(
                "one-primary", _ERROR, message, key[0], key[1],
                start=segment.start_date, end=segment.end_date,
                records=sorted(r.id for r in segment.records),
            )


def _primary_not_secondary(ctx: _Context) -> Iterator[Violation]:
    for (item, town), spans in ctx.tangled.items():
        by_unit: dict[str, list[_Spanned]] = defaultdict(list)
        for spanned in spans:
            by_unit[spanned[2].unit].append(spanned)
        for unit, own in by_unit.items():
            for first, second, start, end in _overlapping(own):
                if first[2].role is second[2].role or not ctx.covers(start, end):
                    continue
                primary, secondary = (
                    (first[2], second[2]) if first[2].role is Role.PRIMARY
                    else (second[2], first[2])
                )
                yield Violation(
                    "primary-not-secondary", _ERROR,
                    f"{unit} is both primary (record #{primary.id}) and secondary (record "
                    f"#{secondary.id}) {_period(start, end)}; a unit answers either "
                    "fully or as an assistant: end its secondary record",
                    item, town, unit, secondary.id, start=date_of(start), end=date_of(end),
                    records=(primary.id, secondary.id),
                )


# ---------------------------------------------------------------------- the three lists


def _basic_primary_is_town(ctx: _Context) -> Iterator[Violation]:
    for record in ctx.live:
        if record.list is ListKind.BASIC and record.role is Role.PRIMARY and (
            record.unit != record.town
        ):
            yield _on_record(
                "basic-primary-is-town", _ERROR, record,
                f"{ctx.kind(record.unit)} {record.unit} is primary on the basic list "
                f"{_record_period(record)}; on the basic list the town itself is primary: "
                f"make {record.town} primary, or move the item to the cooperative list if a "
                "department leads it",
            )


def _cooperative_roles(ctx: _Context) -> Iterator[Violation]:
    for (item, town), spans in ctx.groups():
        listed = [x for x in spans if x[2].list is ListKind.COOPERATIVE]
        if not listed:
            continue
        for start, end, record in listed:
            if (
                record.role is Role.PRIMARY
                and not ctx.is_department(record.unit)
                and ctx.covers(start, end)
            ):
                yield _on_record(
                    "cooperative-roles", _ERROR, record,
                    f"{ctx.kind(record.unit)} {record.unit} is primary on the cooperative list "
                    f"{_record_period(record)}; a department leads a cooperative item and the "
                    "town assists: make the leading department primary, or move the item to "
                    "the basic list if the town leads it",
                )
        covered = _union((s, e) for s, e, _ in listed)
        assisted = _union(
            (s, e) for s, e, r in listed if r.unit == town and r.role is Role.SECONDARY
        )
        for start, end in _subtract(covered, assisted):
            if not ctx.covers(start, end):
                continue
            involved = [r for s, e, r in listed if s < end and start < e]
            yield Violation(
                "cooperative-roles", _ERROR,
                f"the town is not secondary on its cooperative list {_period(start, end)} "
                f"(records {_ids(involved)}); the town assists with a cooperative item: add "
                f"{town} as secondary with its part (镇街配合职责), or move the item to the "
                "reclaimed list if the town no longer takes part",
                item, town, start=date_of(start), end=date_of(end),
                records=sorted(r.id for r in involved),
            )


def _reclaimed_upward(ctx: _Context) -> Iterator[Violation]:
    for record in ctx.live:
        if (
            record.list is ListKind.RECLAIMED
            and record.role is Role.PRIMARY
            and not ctx.is_department(record.unit)
        ):
            who = (
                "the town itself"
                if record.unit == record.town
                else f"{ctx.kind(record.unit)} {record.unit}"
            )
            yield _on_record(
                "reclaimed-upward", _ERROR, record,
                f"{who} is primary on the reclaimed list {_record_period(record)}; a reclaimed "
                "item is led by the department that took it back: make that department "
                "primary (the town may stay secondary), or move the item back to the basic "
                "list if it was never taken back",
            )


def _own_town_only(ctx: _Context) -> Iterator[Violation]:
    for record in ctx.live:
        if record.unit != record.town and ctx.is_town(record.unit):
            yield _on_record(
                "own-town-only", _ERROR, record,
                f"town {record.unit} is {record.role.value} on the {record.list.value} list "
                f"of another town {_record_period(record)}; a town answers only for its own "
                f"lists: give this role to {record.town} or to a department",
            )


# ---------------------------------------------------------------------- data shape


def _valid_interval(ctx: _Context) -> Iterator[Violation]:
    # A record that is never in force belongs to no date, so it is reported whatever
    # the date checked.
    for record, start_day, end_day in ctx.never_in_force():
        problem = (
            f"starts and ends on {start_day.isoformat()}, so it is never in force"
            if start_day == end_day
            else f"starts on {start_day.isoformat()} but ends on {end_day.isoformat()}, "
            "before it starts"
        )
        yield _on_record(
            "valid-interval", _ERROR, record,
            f"{problem}; the end is the first day no longer in force and must come "
            "after the start: correct the dates",
        )
    for (item, town), spans in ctx.tangled.items():
        same: dict[tuple[str, Role], list[_Spanned]] = defaultdict(list)
        for spanned in spans:
            same[(spanned[2].unit, spanned[2].role)].append(spanned)
        for (unit, role), group in same.items():
            for first, second, start, end in _overlapping(group):
                if not ctx.covers(start, end):
                    continue
                low, high = sorted((first[2].id, second[2].id))
                yield Violation(
                    "valid-interval", _ERROR,
                    f"records #{low} and #{high} of {unit} as {role.value} overlap "
                    f"{_period(start, end)}; end the earlier record before the later one "
                    "starts, or remove the duplicate",
                    item, town, unit, high, start=date_of(start), end=date_of(end),
                    records=(low, high),
                )


def _cycles(parents: dict[str, str | None]) -> list[list[str]]:
    """Each cycle of parent links once, starting at its smallest code."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    cycles = []
    for start in sorted(parents):
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parents and node not in state:
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node):]
            first = cycle.index(min(cycle))
            cycles.append(cycle[first:] + cycle[:first])
        for visited in path:
            state[visited] = 2
    return cycles


def _acyclic_hierarchy(ctx: _Context) -> Iterator[Violation]:
    unit_parents = {c: u.parent for c, u in ctx.units.items()}
    for cycle in _cycles(unit_parents):
        yield Violation(
            "acyclic-hierarchy", _ERROR,
            f"parent links among units form a cycle: {' → '.join([*cycle, cycle[0]])}; "
            "remove or correct one of these parent links",
            unit=cycle[0],
        )
    item_parents = {c: i.parent for c, i in ctx.items.items()}
    for cycle in _cycles(item_parents):
        yield Violation(
            "acyclic-hierarchy", _ERROR,
            f"parent links among items form a cycle: {' → '.join([*cycle, cycle[0]])}; "
            "remove or correct one of these parent links",
            item=cycle[0],
        )


# ---------------------------------------------------------------------- the catalogue


def _ancestors(code: str, items: dict[str, Item]) -> Iterator[Item]:
    """The item's parent, grandparent... (stopping at a cycle or an unknown code)."""
    seen = {code}
    parent = items[code].parent if code in items else None
    while parent is not None and parent in items and parent not in seen:
        seen.add(parent)
        yield items[parent]
        parent = items[parent].parent


def _has_basis(ctx: _Context) -> Iterator[Violation]:
    for code in sorted({r.item for r in ctx.live}):
        item = ctx.items.get(code)
        if item is None or item.basis or any(a.basis for a in _ancestors(code, ctx.items)):
            continue
        yield Violation(
            "has-basis", _WARNING,
            "is on a list but cites no legal or policy basis (依据); add the law, regulation "
            "or policy document that grounds the duty to the item's basis",
            item=code,
        )


def _orphan_item(ctx: _Context) -> Iterator[Violation]:
    held = {r.item for r in ctx.live}
    reached = set(held)
    for code in held:
        reached.update(a.code for a in _ancestors(code, ctx.items))
    children: dict[str, list[str]] = defaultdict(list)
    for item in ctx.items.values():
        if item.parent is not None:
            children[item.parent].append(item.code)
    stack = list(held)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in reached:
                reached.add(child)
                stack.append(child)
    when = f"on {ctx.at.isoformat()}" if ctx.at is not None else "at any date"
    for code in sorted(ctx.items.keys() - reached):
        yield Violation(
            "orphan-item", _WARNING,
            f"is on no list of any town {when}; put it on the list of the towns that do it, "
            "or remove it from the catalogue if no one does",
            item=code,
        )


def _town_capacity(ctx: _Context) -> Iterator[Violation]:
    for record in ctx.live:
        if record.role is not Role.PRIMARY or record.grant.strip():
            continue
        item = ctx.items.get(record.item)
        if item is None or item.power_type not in ctx.specialist or not ctx.is_town(record.unit):
            continue
        yield _on_record(
            "town-capacity", _WARNING, record,
            f"town {record.unit} is primary of a {item.power_type} item {_record_period(record)} "
            "without a grant (赋权文号); record the document that empowered the town "
            "(grant=), or reclaim the item to the department able to exercise it",
        )


def _duplicate_name(ctx: _Context) -> Iterator[Violation]:
    by_name: dict[str, list[str]] = defaultdict(list)
    for item in ctx.items.values():
        by_name[normalize_name(item.name)].append(item.code)
    for name, codes in by_name.items():
        if len(codes) < 2:
            continue
        codes.sort()
        yield Violation(
            "duplicate-name", _WARNING,
            f"items {', '.join(codes)} have the same name once width, case, spaces and "
            f"punctuation are ignored ({name!r}); merge them into one item, or rename them "
            "so that their names tell them apart",
            item=codes[0],
        )


# ---------------------------------------------------------------------- the catalogue of rules

_Implementation = Callable[[_Context], Iterable[Violation]]


def _standalone(name: str, implementation: _Implementation) -> Callable[
    [ResponsibilityGraph, datetime.date | None], Iterable[Violation]
]:
    def run(graph: ResponsibilityGraph, at: DateLike | None) -> Iterable[Violation]:
        day = parse_date(at) if at is not None else None
        return implementation(_Context(graph, day))

    run.__name__ = run.__qualname__ = name.replace("-", "_")
    return run


_SPECS: tuple[tuple[str, Severity, str, _Implementation], ...] = (
    ("one-primary", _ERROR,
     "Every (item, town) on a list has exactly one primary, on one list, at every instant.",
     _one_primary),
    ("primary-not-secondary", _ERROR,
     "No unit is both primary and secondary for the same (item, town) at the same time.",
     _primary_not_secondary),
    ("basic-primary-is-town", _ERROR,
     "On the basic list the town itself is primary.", _basic_primary_is_town),
    ("cooperative-roles", _ERROR,
     "On the cooperative list a department is primary and the town is secondary.",
     _cooperative_roles),
    ("reclaimed-upward", _ERROR,
     "On the reclaimed list a department is primary, not the town.", _reclaimed_upward),
    ("own-town-only", _ERROR,
     "A town holds roles only on its own lists.", _own_town_only),
    ("valid-interval", _ERROR,
     "Records start before they end, and records of the same unit, item, town and role "
     "do not overlap.", _valid_interval),
    ("acyclic-hierarchy", _ERROR,
     "Parent links among units, and among items, form no cycle.", _acyclic_hierarchy),
    ("has-basis", _WARNING,
     "An item on a list cites a legal or policy basis (its own or a parent item's).",
     _has_basis),
    ("orphan-item", _WARNING,
     "Every catalogue item is on some list of some town.", _orphan_item),
    ("town-capacity", _WARNING,
     "A town is primary for a specialist power (行政处罚, 行政强制) only with a grant "
     "(赋权文号).", _town_capacity),
    ("duplicate-name", _WARNING,
     "No two items have the same normalised name.", _duplicate_name),
)

RULES: tuple[Rule, ...] = tuple(
    Rule(rule_id, severity, description, _standalone(rule_id, implementation))
    for rule_id, severity, description, implementation in _SPECS
)
"""The built-in rules, in catalogue order (errors first).

Examples:
    >>> import kunshan_rbac as kr
    >>> len(kr.RULES), kr.RULES[-1].id
    (12, 'duplicate-name')
"""

IMPLEMENTATIONS: dict[str, tuple[Rule, _Implementation]] = {
    rule.id: (rule, spec[3]) for rule, spec in zip(RULES, _SPECS, strict=True)
}
"""Rule id to (built-in rule, implementation over a shared context), for the runner."""
