"""What every export to an authorization engine shares: grants, engine-safe ids, test dates.

A *grant* is one unit's role (primary or secondary) on one *duty*, an (item, town, list)
triple, over one or more validity periods. Grants are read from the library's own answers
(the periods that `ResponsibilityGraph.history` gives, walked once over the whole graph by
`owned_periods`), so an engine given them answers as `owner` does; periods of the same
unit, role and duty are joined where they touch.
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple
from urllib.parse import quote

import attrs

from ._dates import BEGINNING, span
from ._errors import ExportError, NotAssignedError, OwnershipConflictError, Problem
from ._graph import ResponsibilityGraph, store_of
from ._model import ListKind, Ownership, Record, Role
from ._store import Slot
from ._timeline import answer_of, build_timeline

__all__ = ["VALUES", "Answer", "DutyRow", "Grant", "GrantRow", "Holder", "OwnedPeriod", "Period",
           "answers", "duty_id", "encode", "grant_rows", "grants", "keys", "owned_periods",
           "probe_dates", "town_duties"]

Period = tuple[datetime.date | None, datetime.date | None]
"""A half-open validity ``[start, end)``; ``None`` for an open end."""

_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")

VALUES: dict[ListKind | Role, str] = {**{k: k.value for k in ListKind},
                                     **{r: r.value for r in Role}}
"""Each list's and role's value (`Enum.value` is slow to read millions of times)."""


def encode(code: str) -> str:
    """An engine-safe id for a code: plain ASCII codes as they are, others percent-encoded.

    Letters, digits, ``_``, ``.`` and ``-`` are kept; every other character becomes
    ``%XX`` per UTF-8 byte, so the encoding is reversible (`urllib.parse.unquote`) and two
    codes never share an id.

    Examples:
        >>> encode("B-CJ-043"), encode("玉山")
        ('B-CJ-043', '%E7%8E%89%E5%B1%B1')
    """
    return code if _SAFE.match(code) else quote(code, safe="-_.")


def duty_id(item: str, town: str, kind: ListKind) -> str:
    """The id of the duty object of an item on a town's list: ``item|town|list``, encoded."""
    return f"{encode(item)}|{encode(town)}|{kind.value}"


class OwnedPeriod(NamedTuple):
    """One period of one (item, town)'s answer: the list, the primary and secondary unit
    codes over ``[start, end)`` (``None``: open). The same periods as
    `ResponsibilityGraph.history`, as codes; a tuple, since there is one per period of a
    national graph."""

    item: str
    town: str
    list: ListKind
    start: datetime.date | None
    end: datetime.date | None
    primary: str
    secondary: tuple[str, ...]


def owned_periods(graph: ResponsibilityGraph, *, problems: list[Problem] | None = None
                  ) -> Iterator[OwnedPeriod]:
    """Every period of every (item, town)'s answer, in one pass over the graph's records.

    The periods are those of ``graph.history(item, town=town)`` for every (item, town)
    that some record names, ordered by town code, item code and start, but read straight
    from the graph's record store: no name lookup, no answer objects, and nothing cached
    on the graph (a national graph is walked without growing).

    Args:
        graph: the graph.
        problems: where to put the (item, town)s whose records name no single primary in
            some period; such an (item, town) yields no period. When ``None``, the first
            one raises instead.

    Raises:
        OwnershipConflictError: ``problems`` is ``None`` and the records of some (item,
            town) name no single primary in some period (what ``history`` raises).

    Examples:
        >>> import kunshan_rbac as kr
        >>> first = next(owned_periods(kr.load_sample()))
        >>> first.list, first.primary, first.start.isoformat(), first.end
        (ListKind.BASIC, 'bacheng', '2021-01-01', None)
    """
    by_town = store_of(graph).town_maps()  # one version of the store
    for town, slots in sorted(by_town.items()):
        for item, slot in sorted(slots.items()):
            yield from _slot_periods(item, town, slot, problems)


def _slot_periods(item: str, town: str, slot: Slot, problems: list[Problem] | None
                  ) -> list[OwnedPeriod]:
    """The periods of one (item, town), as `owned_periods` gives them (none when its
    records name no single primary in some period: put in ``problems``, or raised)."""
    entry = slot.entry
    if entry is None:
        records = slot.records
        first = records[0]
        start, end = first.start, first.end
        if start is None or end is None or start < end:
            if len(records) == 1:
                # The usual case, as `build_timeline` answers it: one primary record.
                if first.role is Role.PRIMARY:
                    return [OwnedPeriod(item, town, first.list, start, end, first.unit, ())]
            else:
                same = _same_span(records, start, end)
                if same is not None:
                    return [OwnedPeriod(item, town, same[0], start, end, same[1], same[2])]
        segments = build_timeline(records).segments
    else:
        segments = entry.timeline.segments
    found = []
    for segment in segments:
        if segment.primary is None or segment.list is None:
            at = datetime.date.fromordinal(max(segment.start, 1))
            if problems is None:
                raise OwnershipConflictError(item, town, at, segment.records, segment.problem)
            problems.append(Problem(
                "authorization export", sheet=town, column=item, value=at.isoformat(),
                expected=f"one primary at every date ({segment.problem}); "
                "kr.check(graph, select='one-primary') lists them"))
            return []
        found.append(OwnedPeriod(item, town, segment.list, segment.start_date,
                                 segment.end_date, segment.primary, segment.secondary))
    return found


def _same_span(records: Sequence[Record], start: datetime.date | None,
               end: datetime.date | None) -> tuple[ListKind, str, tuple[str, ...]] | None:
    """The answer of records that all hold over one period, on one list, with one
    primary (as `build_timeline` answers it); ``None`` for any other case."""
    kind = records[0].list
    primaries = set()
    helpers = set()
    for record in records:
        if record.start != start or record.end != end or record.list is not kind:
            return None
        if record.role is Role.PRIMARY:
            primaries.add(record.unit)
        else:
            helpers.add(record.unit)
    if len(primaries) != 1:
        return None
    return kind, primaries.pop(), tuple(sorted(helpers))


@attrs.frozen
class Grant:
    """One unit's role on one duty (item, town, list) over its periods, oldest first."""

    item: str
    town: str
    list: ListKind
    unit: str
    role: Role
    periods: tuple[Period, ...]


GrantRow = tuple[str, str, ListKind, str, Role, tuple[Period, ...]]
"""A `Grant`'s fields as a plain tuple: item, town, list, unit, role, periods."""


def keys(graph: ResponsibilityGraph) -> list[tuple[str, str]]:
    """Every (item, town) that some record names, ordered by town then item."""
    by_town = store_of(graph).town_maps()
    return [(item, town) for town, slots in sorted(by_town.items())
            for item in sorted(slots)]


def _join(periods: list[Period]) -> tuple[Period, ...]:
    if len(periods) == 1:
        return (periods[0],)
    periods.sort(key=lambda p: p[0] or datetime.date.min)
    joined: list[Period] = []
    for start, end in periods:
        if joined and joined[-1][1] is not None and joined[-1][1] == start:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return tuple(joined)


_KINDS = {kind.value: kind for kind in ListKind}
_ROLES = {role.value: role for role in Role}


def _grants_of(periods: list[OwnedPeriod]) -> Iterator[GrantRow]:
    """The grants of one (item, town), from its periods, ordered by list, unit and role
    (keyed by the values, which are quicker to hash and order than the enums)."""
    first = periods[0]
    item, town = first.item, first.town
    if len(periods) == 1 and not first.secondary:
        yield item, town, first.list, first.primary, Role.PRIMARY, ((first.start, first.end),)
        return
    found: dict[tuple[str, str, str], list[Period]] = {}
    for own in periods:
        period = (own.start, own.end)
        kind = VALUES[own.list]
        key = (kind, own.primary, "primary")
        spans = found.get(key)
        if spans is None:
            found[key] = [period]
        else:
            spans.append(period)
        for helper in own.secondary:
            key = (kind, helper, "secondary")
            spans = found.get(key)
            if spans is None:
                found[key] = [period]
            else:
                spans.append(period)
    for (kind, unit, role), spans in sorted(found.items()):
        yield item, town, _KINDS[kind], unit, _ROLES[role], _join(spans)


Holder = tuple[str, Role, tuple[Period, ...]]
"""One unit's role on a duty over its periods, oldest first: unit, role, periods."""

DutyRow = tuple[str, ListKind, Sequence[Holder]]
"""One duty of a town: the item, the list and its holders, ordered by unit and role."""


def town_duties(graph: ResponsibilityGraph) -> Iterator[tuple[str, list[DutyRow]]]:
    """The grants of every (item, town), one town at a time, grouped by duty.

    The same grants as `grant_rows`, in the same order: towns by code, and in each town
    its duties (item, list) with their holders. A writer loops over a town's list rather
    than resuming a generator for each grant, and meets each duty once.

    Raises:
        ExportError: as `grants`, after the last town.
    """
    problems: list[Problem] = []
    primary, secondary = Role.PRIMARY, Role.SECONDARY
    for town, slots in sorted(store_of(graph).town_maps().items()):
        found: list[DutyRow] = []
        add = found.append
        for item, slot in sorted(slots.items()):
            records = slot.records
            first = records[0]
            start, end = first.start, first.end
            if start is None or end is None or start < end:
                count = len(records)
                if count == 1:
                    # The usual case: one primary record, one grant (as `_slot_periods`
                    # and `_grants_of` would give it, without the objects between).
                    if first.role is primary:
                        add((item, first.list, ((first.unit, primary, ((start, end),)),)))
                        continue
                elif count == 2:
                    # The next most usual: a primary and a secondary record over the same
                    # period on the same list (ordered by unit, then role).
                    second = records[1]
                    if (second.start == start and second.end == end
                            and second.list is first.list and second.role is not first.role):
                        period = ((start, end),)
                        if first.role is primary:
                            lead, helper = first.unit, second.unit
                        else:
                            lead, helper = second.unit, first.unit
                        add((item, first.list,
                             ((lead, primary, period), (helper, secondary, period))
                             if lead <= helper else
                             ((helper, secondary, period), (lead, primary, period))))
                        continue
            periods = _disjoint_periods(item, town, records)
            if periods is None:
                periods = _slot_periods(item, town, slot, problems)
            if periods:
                found.extend(_duties_of(periods))
        yield town, found
    if problems:
        raise ExportError(problems)


def _disjoint_periods(item: str, town: str, records: Sequence[Record]
                      ) -> list[OwnedPeriod] | None:
    """The periods of an (item, town) whose records, grouped by their validity, hold over
    periods that do not overlap, each group naming one primary on one list (a transfer
    closes some records and opens others): what `build_timeline` answers, without its
    segments (neighbouring periods with the same answer are left apart; their grants are
    joined all the same). ``None`` for any other case, and where no record is in force."""
    groups: dict[tuple[int, int], list[Record]] = {}
    for record in records:
        low, high = span(record.start, record.end)
        if low < high:
            group = groups.get((low, high))
            if group is None:
                groups[low, high] = [record]
            else:
                group.append(record)
    if not groups:
        return None
    order = sorted(groups)
    previous = BEGINNING
    found = []
    for low, high in order:
        if low < previous:
            return None  # overlapping periods: cut them as `build_timeline` does
        previous = high
        group = groups[low, high]
        kind, unit, helpers, problem = answer_of(group)
        if unit is None or kind is None or problem:
            return None
        found.append(OwnedPeriod(item, town, kind, group[0].start, group[0].end, unit, helpers))
    return found


def _duties_of(periods: list[OwnedPeriod]) -> list[DutyRow]:
    """The duties of one (item, town), from its periods, as `town_duties` gives them."""
    found: list[DutyRow] = []
    holders: list[Holder] = []
    last: ListKind | None = None
    for item, _, kind, unit, role, spans in _grants_of(periods):
        if kind is not last:
            last, holders = kind, []
            found.append((item, kind, holders))
        holders.append((unit, role, spans))
    return found


def grant_rows(graph: ResponsibilityGraph) -> Iterator[GrantRow]:
    """`grants` as plain tuples (item, town, list, unit, role, periods), for the writers.

    Raises:
        ExportError: as `grants`.
    """
    for town, duties in town_duties(graph):
        for item, kind, holders in duties:
            for unit, role, periods in holders:
                yield item, town, kind, unit, role, periods


def grants(graph: ResponsibilityGraph) -> Iterator[Grant]:
    """The grants of every (item, town), from the library's answers, key by key.

    Raises:
        ExportError: after the last grant, when some (item, town) has no single primary
            in some period (the data break the ``one-primary`` rule); every such place is
            listed, and those keys yield nothing. ``kr.check`` explains them.
    """
    for row in grant_rows(graph):
        yield Grant(*row)


def probe_dates(graph: ResponsibilityGraph, *, extra: int = 10, seed: int = 0
               ) -> tuple[datetime.date, ...]:
    """Dates to compare an engine with the library on: every record boundary, the day
    before each, and ``extra`` dates drawn at random (with ``seed``) over the history.

    Examples:
        >>> import kunshan_rbac as kr
        >>> days = probe_dates(kr.load_sample(), extra=0)
        >>> [d.isoformat() for d in days][:2]
        ['2020-12-31', '2021-01-01']
    """
    bounds = {d for r in graph.records() for d in (r.start, r.end) if d is not None}
    chosen = set(bounds) | {d - datetime.timedelta(days=1) for d in bounds}
    if bounds:
        low = min(bounds) - datetime.timedelta(days=366)
        high = max(bounds) + datetime.timedelta(days=366)
    else:
        low, high = datetime.date(2020, 1, 1), datetime.date(2030, 1, 1)
    draw = random.Random(seed)
    wanted = len(chosen) + extra
    while len(chosen) < wanted:
        chosen.add(low + datetime.timedelta(days=draw.randrange((high - low).days)))
    return tuple(sorted(chosen))


@attrs.frozen
class Answer:
    """What the library answers for one unit on one duty on one date."""

    item: str
    town: str
    list: ListKind
    unit: str
    at: datetime.date
    primary: bool
    secondary: bool


def answers(graph: ResponsibilityGraph, dates: Iterable[datetime.date]) -> Iterator[Answer]:
    """The library's answers, from `owner`, for every unit that ever holds a role on an
    (item, town), on each of its lists, on each date: true and false ones alike.

    Dates on which the library gives no single answer (conflicting records) are left
    out; `grants` refuses such data anyway.
    """
    days = list(dates)
    for item, town in keys(graph):
        history = graph.history(item, town=town)
        lists = sorted({o.list for o in history}, key=lambda k: k.value)
        units = sorted({o.primary.code for o in history}
                       | {u.code for o in history for u in o.secondary})
        for day in days:
            try:
                own: Ownership | None = graph.owner(item, town=town, at=day)
            except NotAssignedError:
                own = None
            except OwnershipConflictError:  # pragma: no cover - refused by grants()
                continue
            for kind in lists:
                holds = own is not None and own.list is kind
                secondary = {u.code for u in own.secondary} if own is not None and holds else set()
                for unit in units:
                    primary = holds and own is not None and own.primary.code == unit
                    yield Answer(item, town, kind, unit, day, primary, unit in secondary)
