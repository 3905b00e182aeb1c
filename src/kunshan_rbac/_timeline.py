"""The timeline of one (item, town): which records are in force over which periods.

A timeline cuts time at every record's start and end, and joins neighbouring pieces that
give the same answer (same list, primary and secondaries). Each piece is either a clean
answer or a conflict (no primary, several primaries, several lists at once). The graph
keeps one timeline per (item, town) that has records, built on first use and dropped when
those records change, so a lookup is a dictionary hit and a bisection.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from collections.abc import Sequence
from itertools import pairwise

import attrs

from ._dates import date_of, span
from ._model import ListKind, Record, Role

__all__ = ["Segment", "Timeline", "answer_of", "build_timeline"]


@attrs.frozen
class Segment:
    """A period of constant answer for one (item, town).

    ``primary`` is ``None`` and ``problem`` says why when the records name no single
    primary on one list.
    """

    start: int
    end: int
    records: tuple[Record, ...]
    list: ListKind | None
    primary: str | None
    secondary: tuple[str, ...]
    problem: str = ""

    @property
    def start_date(self) -> datetime.date | None:
        return date_of(self.start)

    @property
    def end_date(self) -> datetime.date | None:
        return date_of(self.end)

    def answer(self) -> tuple[object, ...]:
        return (self.list, self.primary, self.secondary, self.problem)


def answer_of(
    active: Sequence[Record],
) -> tuple[ListKind | None, str | None, tuple[str, ...], str]:
    """The list, primary, secondary units and problem (if any) of records in force."""
    match active:
        case [only]:  # the usual case, answered here only
            if only.role is Role.PRIMARY:
                return only.list, only.unit, (), ""
            return only.list, None, (only.unit,), _NO_PRIMARY
        case _:
            return _answer_of_several(active)


_NO_PRIMARY = "no primary unit"
"""The problem of records in force that name no primary unit."""


def _answer_of_several(
    active: Sequence[Record],
) -> tuple[ListKind | None, str | None, tuple[str, ...], str]:
    """`answer_of` for two or more records."""
    primaries = sorted({r.unit for r in active if r.role is Role.PRIMARY})
    secondaries = tuple(sorted({r.unit for r in active if r.role is Role.SECONDARY}))
    lists = {r.list for r in active}
    if len(lists) > 1:
        names = ", ".join(sorted(k.value for k in lists))
        return None, None, secondaries, f"records on several lists at once ({names})"
    (kind,) = lists
    if not primaries:
        return kind, None, secondaries, _NO_PRIMARY
    if len(primaries) > 1:
        return kind, None, secondaries, f"{len(primaries)} primary units"
    (primary,) = primaries
    return kind, primary, secondaries, ""


@attrs.frozen
class Timeline:
    """The segments of one (item, town), sorted, with their start ordinals for bisection."""

    starts: tuple[int, ...]
    segments: tuple[Segment, ...]

    def at(self, day: int) -> Segment | None:
        """The segment in force on day number ``day``, if any."""
        index = bisect_right(self.starts, day) - 1
        if index < 0:
            return None
        segment = self.segments[index]
        return segment if day < segment.end else None


def build_timeline(records: Sequence[Record]) -> Timeline:
    """Cut the records' validity into segments of constant answer.

    Records whose end does not come after their start are never in force and take part
    in no segment (the ``valid-interval`` rule reports them).

    Args:
        records: all records of one (item, town).

    Returns:
        The timeline; empty when no record is ever in force.
    """
    spans = []
    for record in records:
        start, end = span(record.start, record.end)
        if start < end:
            spans.append((start, end, record))
    match [*{(start, end) for start, end, _ in spans}]:
        case [(start, end)]:
            # The usual case, answered here only: every record holds over one period.
            active = tuple([r for _, _, r in spans])
            kind, primary, secondary, problem = answer_of(active)
            segment = Segment(start, end, active, kind, primary, secondary, problem)
            return Timeline((start,), (segment,))
        case periods:
            return _cut(spans, periods)


def _cut(spans: list[tuple[int, int, Record]], periods: list[tuple[int, int]]) -> Timeline:
    """`build_timeline` for records in force over no period or over several: the pieces
    between neighbouring cuts, with neighbours that give the same answer joined."""
    cuts = sorted({point for period in periods for point in period})
    segments: list[Segment] = []
    for left, right in pairwise(cuts):
        active = [r for start, end, r in spans if start <= left and right <= end]
        if not active:
            continue
        kind, primary, secondary, problem = answer_of(active)
        previous = segments[-1] if segments else None
        if (
            previous is not None
            and previous.end == left
            and previous.answer() == (kind, primary, secondary, problem)
        ):
            merged = previous.records + tuple(r for r in active if r not in previous.records)
            segments[-1] = attrs.evolve(previous, end=right, records=merged)
            continue
        segments.append(Segment(left, right, tuple(active), kind, primary, secondary, problem))
    return Timeline(tuple(s.start for s in segments), tuple(segments))
