"""Laws of ``kr.check``: valid graphs are clean, a day's check is the history's check cut
to that day, one-primary agrees with ``owner``, and selection only filters."""

from __future__ import annotations

import datetime
from itertools import combinations, pairwise

from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from strategies import dates, graphs, messy_graphs

TIME_BOUND = [
    "one-primary", "primary-not-secondary", "basic-primary-is-town", "cooperative-roles",
    "reclaimed-upward", "own-town-only", "town-capacity",
]
"""Rules whose every violation has a period: a day's check reports those holding then."""


def holds(violation: kr.Violation, day: datetime.date) -> bool:
    """Whether the violation's period contains ``day`` (``None``: open)."""
    return (violation.start is None or violation.start <= day) and (
        violation.end is None or day < violation.end
    )


def boundary_days(graph: kr.ResponsibilityGraph) -> set[datetime.date]:
    """Every day on which some record starts or ends, and the day before each."""
    days = {d for r in graph.records() for d in (r.start, r.end) if d is not None}
    return days | {d - datetime.timedelta(days=1) for d in days} | {datetime.date(2021, 1, 1)}


@given(graphs())
def test_valid_graphs_with_history_have_no_errors(graph: kr.ResponsibilityGraph) -> None:
    """A graph built by the rules' own standards and real transfers is ok over all dates."""
    report = kr.check(graph)
    assert report.ok, str(report)


@given(graphs(), dates)
def test_valid_graphs_have_no_errors_on_any_day(
    graph: kr.ResponsibilityGraph, day: datetime.date
) -> None:
    """The same graphs are ok on any single day."""
    report = kr.check(graph, at=day)
    assert report.ok, str(report)


@given(messy_graphs(), dates)
def test_a_day_is_the_history_cut_to_that_day(
    graph: kr.ResponsibilityGraph, day: datetime.date
) -> None:
    """For time-bound rules, checking a day gives exactly the violations holding that day."""
    history = kr.check(graph, select=TIME_BOUND).violations
    assert set(kr.check(graph, at=day, select=TIME_BOUND).violations) == {
        v for v in history if holds(v, day)
    }


@given(messy_graphs(), dates)
def test_valid_interval_on_a_day(graph: kr.ResponsibilityGraph, day: datetime.date) -> None:
    """valid-interval on a day: the overlaps holding then, plus the records never in force."""
    history = kr.check(graph, select="valid-interval").violations
    never = {v for v in history if v.start and v.end and v.start >= v.end}
    assert set(kr.check(graph, at=day, select="valid-interval").violations) == {
        v for v in history if holds(v, day)
    } | never
    assert len(never) == sum(
        1 for r in graph.records() if r.start and r.end and r.start >= r.end
    )


@given(messy_graphs())
def test_one_primary_agrees_with_owner(graph: kr.ResponsibilityGraph) -> None:
    """On every boundary day, one-primary reports an (item, town) exactly where ``owner``
    finds no single primary (the rule's fast path and the timeline agree)."""
    keys = {(r.item, r.town) for r in graph.records()}
    for day in boundary_days(graph):
        reported = {
            (v.item, v.town) for v in kr.check(graph, at=day, select="one-primary").violations
        }
        conflicts = set()
        for item, town in keys:
            try:
                graph.owner(item, town=town, at=day)
            except kr.OwnershipConflictError:
                conflicts.add((item, town))
            except kr.NotAssignedError:
                pass
        assert reported == conflicts, day


def in_force(graph: kr.ResponsibilityGraph) -> list[kr.Record]:
    """The records that hold on at least one day."""
    return [r for r in graph.records() if not (r.start and r.end and r.start >= r.end)]


def overlap(a: kr.Record, b: kr.Record) -> bool:
    """Whether two records hold on a common day."""
    return (b.end is None or a.start is None or a.start < b.end) and (
        a.end is None or b.start is None or b.start < a.end
    )


@given(messy_graphs())
def test_one_primary_matches_a_day_by_day_reference(graph: kr.ResponsibilityGraph) -> None:
    """On every boundary day, one-primary reports exactly the (item, town) pairs whose
    records in force name several lists or not exactly one primary unit."""
    for day in boundary_days(graph):
        active: dict[tuple[str, str], list[kr.Record]] = {}
        for r in graph.records():
            if r.holds_on(day):
                active.setdefault((r.item, r.town), []).append(r)
        expected = {
            key for key, rs in active.items()
            if len({r.list for r in rs}) > 1
            or len({r.unit for r in rs if r.role is kr.Role.PRIMARY}) != 1
        }
        reported = {
            (v.item, v.town) for v in kr.check(graph, at=day, select="one-primary").violations
        }
        assert reported == expected, day


@given(messy_graphs())
def test_overlaps_match_a_pairwise_reference(graph: kr.ResponsibilityGraph) -> None:
    """primary-not-secondary and the overlap part of valid-interval report exactly the
    pairs of records of one unit, item and town that hold on a common day."""
    both, same = set(), set()
    for a, b in combinations(in_force(graph), 2):
        if (a.item, a.town, a.unit) == (b.item, b.town, b.unit) and overlap(a, b):
            (same if a.role is b.role else both).add(tuple(sorted((a.id, b.id))))
    report = kr.check(graph, select=["primary-not-secondary", "valid-interval"])
    assert {
        tuple(sorted(v.records)) for v in report.violations if v.rule == "primary-not-secondary"
    } == both
    assert {
        v.records for v in report.violations if v.rule == "valid-interval" and len(v.records) == 2
    } == same


@given(messy_graphs())
def test_one_primary_periods_do_not_overlap(graph: kr.ResponsibilityGraph) -> None:
    """Each conflict is reported once per period: periods of one (item, town) are disjoint."""
    by_key: dict[tuple[str | None, str | None], list[kr.Violation]] = {}
    for v in kr.check(graph, select="one-primary").violations:
        by_key.setdefault((v.item, v.town), []).append(v)
    for found in by_key.values():
        spans = sorted(
            (v.start or datetime.date.min, v.end or datetime.date.max) for v in found
        )
        assert all(a[1] <= b[0] for a, b in pairwise(spans))


@given(messy_graphs(), st.sets(st.sampled_from([r.id for r in kr.RULES])))
def test_select_and_ignore_only_filter(graph: kr.ResponsibilityGraph, ids: set[str]) -> None:
    """Selecting or ignoring rules keeps or drops their violations and changes nothing else."""
    everything = kr.check(graph).violations
    assert kr.check(graph, select=ids).violations == tuple(
        v for v in everything if v.rule in ids
    )
    assert kr.check(graph, ignore=ids).violations == tuple(
        v for v in everything if v.rule not in ids
    )


@given(messy_graphs())
def test_check_is_deterministic_and_read_only(graph: kr.ResponsibilityGraph) -> None:
    """Two checks give equal reports, and the graph's records are untouched."""
    before = graph.records()
    first = kr.check(graph)
    assert kr.check(graph) == first
    assert graph.records() == before
    assert first.ok is not any(v.severity is kr.Severity.ERROR for v in first.violations)
