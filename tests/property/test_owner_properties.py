"""Laws of `ResponsibilityGraph.owner`, checked against a brute-force scan of records."""

from __future__ import annotations

import contextlib
import datetime
import itertools
from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from strategies import EPOCH, dates, graphs, messy_graphs


def _probe_days(graph: kr.ResponsibilityGraph, draw: st.DrawFn) -> list[datetime.date]:
    """Random days plus every record boundary and the days either side of it."""
    days = {draw(dates) for _ in range(3)}
    for record in graph.records():
        for day in (record.start, record.end):
            if day is not None:
                days |= {day - datetime.timedelta(days=1), day, day + datetime.timedelta(days=1)}
    return sorted(days)


def _brute_force(graph: kr.ResponsibilityGraph, item: str, town: str, day: datetime.date
                 ) -> tuple[str, object]:
    active = [
        r for r in graph.records()
        if r.item == item and r.town == town and r.holds_on(day)
        and (r.start is None or r.end is None or r.start < r.end)
    ]
    if not active:
        return ("none", None)
    primaries = {r.unit for r in active if r.role is kr.Role.PRIMARY}
    lists = {r.list for r in active}
    if len(primaries) != 1 or len(lists) != 1:
        return ("conflict", None)
    secondaries = tuple(sorted({r.unit for r in active if r.role is kr.Role.SECONDARY}))
    return ("owned", (next(iter(lists)), next(iter(primaries)), secondaries))


def _check_against_brute_force(graph: kr.ResponsibilityGraph, draw: st.DrawFn) -> Counter[str]:
    """Compare owner() with the scan on every (item, town, probe day); count the outcomes
    (``owned``, ``none``, ``conflict``) so that the tests can see what was compared."""
    checked: Counter[str] = Counter()
    for day in _probe_days(graph, draw):
        for item in graph.items():
            for town in graph.towns():
                expected = _brute_force(graph, item.code, town.code, day)
                try:
                    own = graph.owner(item.code, town=town.code, at=day)
                except kr.NotAssignedError:
                    assert expected[0] == "none", (item, town, day)
                    checked["none"] += 1
                    continue
                except kr.OwnershipConflictError as exc:
                    in_force = [r.holds_on(day) for r in exc.records]
                    assert expected[0] == "conflict", (item, town, day)
                    assert all(in_force)
                    checked["conflict"] += 1
                    continue
                assert expected == (
                    "owned", (own.list, own.primary.code, tuple(u.code for u in own.secondary))
                ), (item, town, day)
                assert own.start is None or own.start <= day
                assert own.end is None or day < own.end
                checked["owned"] += 1
    return checked


def _ever_in_force(graph: kr.ResponsibilityGraph) -> bool:
    """Whether some record holds on some day (then a probe day falls inside it)."""
    return any(r.start is None or r.end is None or r.start < r.end for r in graph.records())


@given(graphs(), st.data())
def test_owner_agrees_with_a_scan_of_all_records(
    graph: kr.ResponsibilityGraph, data: st.DataObject
) -> None:
    """On valid graphs with history, owner() equals a scan of the records in force."""
    checked = _check_against_brute_force(graph, data.draw)
    assert checked.total() > 0
    if _ever_in_force(graph):
        # A valid graph answers cleanly wherever a record holds: some answer was compared.
        assert checked["owned"] > 0, checked
        assert checked["conflict"] == 0, checked


@given(messy_graphs(), st.data())
def test_owner_agrees_with_a_scan_on_messy_data(
    graph: kr.ResponsibilityGraph, data: st.DataObject
) -> None:
    """On arbitrary records, owner() answers only when exactly one primary holds."""
    checked = _check_against_brute_force(graph, data.draw)
    assert checked.total() > 0
    if _ever_in_force(graph):
        assert checked["owned"] + checked["conflict"] > 0, checked


@given(graphs())
def test_every_ownership_names_exactly_one_primary(graph: kr.ResponsibilityGraph) -> None:
    """Each period of history has one primary, who is not also secondary then."""
    for item in graph.items():
        for town in graph.towns():
            for own in graph.history(item.code, town=town.code):
                assert isinstance(own.primary, kr.Town | kr.Department | kr.Authority)
                assert own.primary not in own.secondary
                primaries = {r.unit for r in own.records if r.role is kr.Role.PRIMARY}
                assert primaries == {own.primary.code}


@given(graphs())
def test_history_periods_are_ordered_and_disjoint(graph: kr.ResponsibilityGraph) -> None:
    """History runs oldest first, its periods never overlap, and each answers owner()."""
    for item in graph.items():
        for town in graph.towns():
            periods = graph.history(item.code, town=town.code)
            for before, after in itertools.pairwise(periods):
                assert before.end is not None
                assert after.start is not None
                assert before.end <= after.start
            for own in periods:
                day = own.start or EPOCH - datetime.timedelta(days=1)
                assert graph.owner(item.code, town=town.code, at=day) == own


@given(graphs(), dates)
def test_duties_and_items_on_agree_with_owner(
    graph: kr.ResponsibilityGraph, day: datetime.date
) -> None:
    """duties() and items_on() give the same facts as owner() for every (item, town)."""
    owned = {}
    for item in graph.items():
        for town in graph.towns():
            with contextlib.suppress(kr.NotAssignedError):
                owned[(item.code, town.code)] = graph.owner(item.code, town=town.code, at=day)
    for town in graph.towns():
        for kind in kr.ListKind:
            expected = sorted(i for (i, t), o in owned.items() if t == town.code and o.list is kind)
            assert [i.code for i in graph.items_on(kind, town=town.code, at=day)] == expected
    for unit in graph.units():
        expected_keys = sorted(
            (t, i) for (i, t), o in owned.items()
            if o.primary.code == unit.code or unit.code in {u.code for u in o.secondary}
        )
        got = [(o.town.code, o.item.code) for o in graph.duties(unit.code, at=day)]
        assert got == expected_keys
