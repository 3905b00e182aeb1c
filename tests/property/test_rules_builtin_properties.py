"""Laws of the period arithmetic the built-in rules share, against day-by-day references.

``cooperative-roles`` finds the periods in which a town does not assist with a
cooperative item as the union of the list's record periods minus the union of the
town's secondary ones (`_union`, `_subtract`); ``primary-not-secondary`` and the overlaps
of ``valid-interval`` find the pairs of records that overlap by one sweep
(`_overlapping`). Periods are half-open day numbers ``[start, end)``; here they are
small numbers, and each law is stated on the set of days a list of periods holds.
"""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac._rules._builtin import _overlapping, _subtract, _union

Span = tuple[int, int]

days = st.integers(min_value=0, max_value=40)
spans = st.builds(lambda start, length: (start, start + length), days,
                  st.integers(min_value=1, max_value=12))
"""A period of one day or more."""


def days_of(periods: list[Span]) -> set[int]:
    """Every day on which one of the periods holds."""
    return {d for start, end in periods for d in range(start, end)}


def runs(held: set[int]) -> list[Span]:
    """The days as maximal runs of consecutive days, in order: the one way to write a set
    of days as sorted, disjoint periods that do not touch."""
    result: list[Span] = []
    for d in sorted(held):
        if result and result[-1][1] == d:
            result[-1] = (result[-1][0], d + 1)
        else:
            result.append((d, d + 1))
    return result


@given(st.lists(spans, max_size=8))
def test_union_gives_each_run_of_covered_days_once(periods: list[Span]) -> None:
    """The union of periods holds on exactly the days one of them holds, as sorted,
    disjoint periods that never touch: a period starting on the day another ends
    continues it, so a hand-over is one covered period, not two."""
    assert _union(periods) == runs(days_of(periods))


@given(st.sets(days), st.sets(days))
def test_subtract_leaves_the_runs_of_days_outside_the_holes(held: set[int],
                                                            holes: set[int]) -> None:
    """Sorted periods minus sorted holes hold on exactly the days of the periods outside
    every hole, as maximal runs: no empty piece, no piece past its period's end, none
    split where nothing is taken out (holes before, inside, across or after a period)."""
    assert _subtract(runs(held), runs(holes)) == runs(held - holes)


def _record(id: int) -> kr.Record:
    return kr.Record(id, "u", "i", "t", kr.Role.PRIMARY, kr.ListKind.BASIC)


@given(st.lists(spans, max_size=7))
def test_overlapping_gives_every_overlapping_pair_once_with_its_overlap(
    periods: list[Span],
) -> None:
    """Each pair of records whose periods share a day is given once, with the days they
    share as ``[later start, earlier end)``; records that only touch are no pair."""
    spanned = [(start, end, _record(i)) for i, (start, end) in enumerate(periods)]
    found = [
        (frozenset((first[2].id, second[2].id)), (start, end))
        for first, second, start, end in _overlapping(spanned)
    ]
    expected = {
        (frozenset((a[2].id, b[2].id)), (max(a[0], b[0]), min(a[1], b[1])))
        for a, b in combinations(spanned, 2)
        if days_of([a[:2]]) & days_of([b[:2]])
    }
    assert len(found) == len(set(found))
    assert set(found) == expected


def test_the_references_are_right() -> None:
    """The day-by-day references the laws above rely on: runs join consecutive days only."""
    assert runs({1, 2, 3, 5, 9, 10}) == [(1, 4), (5, 6), (9, 11)]
    assert days_of([(1, 3), (2, 4)]) == {1, 2, 3}
