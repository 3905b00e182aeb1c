"""What every export to an authorization engine shares: grants, engine-safe ids, test dates.

A *grant* is one unit's role (primary or secondary) on one *duty*, an (item, town, list)
triple, over one or more validity periods. Grants are read from the library's own answers
(`ResponsibilityGraph.history`), so an engine given them answers as `owner` does; periods
of the same unit, role and duty are joined where they touch.
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Iterable, Iterator
from urllib.parse import quote

import attrs

from ._errors import ExportError, NotAssignedError, OwnershipConflictError, Problem
from ._graph import ResponsibilityGraph
from ._model import ListKind, Ownership, Role

__all__ = ["Answer", "Grant", "Period", "answers", "duty_id", "encode", "grants", "keys",
           "probe_dates"]

Period = tuple[datetime.date | None, datetime.date | None]
"""A half-open validity ``[start, end)``; ``None`` for an open end."""

_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


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


@attrs.frozen
class Grant:
    """One unit's role on one duty (item, town, list) over its periods, oldest first."""

    item: str
    town: str
    list: ListKind
    unit: str
    role: Role
    periods: tuple[Period, ...]


def keys(graph: ResponsibilityGraph) -> list[tuple[str, str]]:
    """Every (item, town) that some record names, ordered by town then item."""
    return sorted({(r.item, r.town) for r in graph.records()}, key=lambda k: (k[1], k[0]))


def _join(periods: list[Period]) -> tuple[Period, ...]:
    periods.sort(key=lambda p: p[0] or datetime.date.min)
    joined: list[Period] = []
    for start, end in periods:
        if joined and joined[-1][1] is not None and joined[-1][1] == start:
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return tuple(joined)


def grants(graph: ResponsibilityGraph) -> Iterator[Grant]:
    """The grants of every (item, town), from the library's answers, key by key.

    Raises:
        ExportError: after the last grant, when some (item, town) has no single primary
            in some period (the data break the ``one-primary`` rule); every such place is
            listed, and those keys yield nothing. ``kr.check`` explains them.
    """
    problems = []
    for item, town in keys(graph):
        try:
            history = graph.history(item, town=town)
        except OwnershipConflictError as exc:
            problems.append(Problem("authorization export", sheet=town, column=item,
                                    value=exc.at.isoformat(),
                                    expected=f"one primary at every date ({exc.problem}); "
                                    "kr.check(graph, select='one-primary') lists them"))
            continue
        found: dict[tuple[ListKind, str, Role], list[Period]] = {}
        for own in history:
            period = (own.start, own.end)
            found.setdefault((own.list, own.primary.code, Role.PRIMARY), []).append(period)
            for helper in own.secondary:
                found.setdefault((own.list, helper.code, Role.SECONDARY), []).append(period)
        for (kind, unit, role), periods in sorted(found.items(), key=lambda e: (
                e[0][0].value, e[0][1], e[0][2].value)):
            yield Grant(item, town, kind, unit, role, _join(periods))
    if problems:
        raise ExportError(problems)


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
