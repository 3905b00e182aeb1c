"""Laws of the graph's listing questions: `records` filters are a plain selection, and an
item is on a list exactly when a record on that list is in force."""

from __future__ import annotations

import contextlib
import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kunshan_rbac as kr
from strategies import dates, graphs, messy_graphs


@given(graphs())
def test_records_filters_select_exactly_the_matching_records_in_id_order(
    graph: kr.ResponsibilityGraph,
) -> None:
    """`records(item=, town=, unit=)` with any combination of filters (each by code, or
    left out) is every record matching all the filters given, ordered by id: no filter
    combination takes a shortcut that loses, adds or reorders records."""
    graph.add_unit(kr.Department("unheld", "市无记录局"))
    every = graph.records()
    assert [r.id for r in every] == sorted({r.id for r in every})
    items = [None, *(i.code for i in graph.items())]
    towns = [None, *(t.code for t in graph.towns())]
    units = [None, *sorted({r.unit for r in every}), "unheld"]
    for item, town, unit in itertools.product(items, towns, units):
        expected = [
            r for r in every
            if (item is None or r.item == item)
            and (town is None or r.town == town)
            and (unit is None or r.unit == unit)
        ]
        assert graph.records(item=item, town=town, unit=unit) == expected, (item, town, unit)


def _on_list(graph: kr.ResponsibilityGraph, days: list[datetime.date]
             ) -> dict[tuple[kr.ListKind, str, datetime.date], list[str]]:
    """`items_on` for every list, town and day, as item codes."""
    return {
        (kind, town.code, day): [i.code for i in graph.items_on(kind, town=town.code, at=day)]
        for kind in kr.ListKind for town in graph.towns() for day in days
    }


@given(messy_graphs(), st.lists(dates, max_size=3))
def test_items_on_is_every_item_with_a_record_of_that_list_in_force(
    graph: kr.ResponsibilityGraph, some_days: list[datetime.date]
) -> None:
    """`items_on(list, town=, at=)` is, ordered by code, every item that has a record on
    that list in force for the town on that day, whether its roles are consistent or
    not: the same before any question was asked (records read one by one) and after
    every (item, town)'s history was worked out (clean answers and conflicts)."""
    days = set(some_days)
    for r in graph.records():
        for day in (r.start, r.end):
            if day is not None:
                days |= {day - datetime.timedelta(days=1), day}
    probe = sorted(days)
    records = graph.records()
    expected = {
        (kind, town.code, day): sorted({
            r.item for r in records
            if r.list is kind and r.town == town.code and r.holds_on(day)
        })
        for kind in kr.ListKind for town in graph.towns() for day in probe
    }
    assert _on_list(graph, probe) == expected
    for item, town in {(r.item, r.town) for r in records}:
        with contextlib.suppress(kr.OwnershipConflictError):
            graph.history(item, town=town)
    assert _on_list(graph, probe) == expected


def _boundaries(records: list[kr.Record], extra: list[datetime.date]) -> list[datetime.date]:
    """Every day on which an answer can change, the day before each, the first and last
    days there are, and ``extra``; ascending, so that each question after the first is
    asked of a slot whose answer at hand is already set."""
    days = {datetime.date.min, datetime.date.max, *extra}
    for r in records:
        for day in (r.start, r.end):
            if day is not None:
                days |= {day - datetime.timedelta(days=1), day}
    return sorted(days)


# Each example asks hundreds of questions: a third of the profile's examples.
FEWER = settings(max_examples=max(10, settings.default.max_examples // 3))


@FEWER
@given(messy_graphs(), st.lists(dates, max_size=2))
def test_history_periods_are_the_answers_of_owner_on_every_day(
    graph: kr.ResponsibilityGraph, some_days: list[datetime.date]
) -> None:
    """`history(item, town=)` is `owner` over time: on every boundary day (and the day
    before, `date.min`, `date.max`), `owner` answers with the period of the history that
    holds that day, or raises `NotAssignedError` when none does; the periods are in
    order, do not overlap, and two that touch differ (equal neighbours are joined). When
    some period has no single primary, `history` raises for the earliest: its ``at`` is
    the first day on which `owner` raises a conflict, and it quotes (at least) the
    records that `owner` quotes as in force that day."""
    records = graph.records()
    days = _boundaries(records, some_days)
    for item, town in sorted({(r.item, r.town) for r in records}):
        conflicts = []
        for day in days:
            with contextlib.suppress(kr.NotAssignedError):
                try:
                    graph.owner(item, town=town, at=day)
                except kr.OwnershipConflictError as at_day:
                    conflicts.append(at_day)
        if conflicts:
            with pytest.raises(kr.OwnershipConflictError) as caught:
                graph.history(item, town=town)
            error, first = caught.value, conflicts[0]
            assert (error.item, error.town) == (item, town)
            assert error.at == first.at
            assert {r.id for r in first.records} <= {r.id for r in error.records}
            continue
        periods = graph.history(item, town=town)
        for before, after in itertools.pairwise(periods):
            assert before.end is not None
            assert after.start is not None
            assert before.end <= after.start
            if before.end == after.start:
                assert (before.list, before.primary, before.secondary) != (
                    after.list, after.primary, after.secondary)
        for day in days:
            holding = [
                p for p in periods
                if (p.start is None or p.start <= day) and (p.end is None or day < p.end)
            ]
            assert len(holding) <= 1
            if holding:
                assert graph.owner(item, town=town, at=day) == holding[0], day
            else:
                try:
                    graph.owner(item, town=town, at=day)
                except kr.NotAssignedError:
                    continue
                raise AssertionError(f"owner answers on {day}, outside every period")


@FEWER
@given(
    messy_graphs(),
    st.lists(dates, max_size=2),
    st.sampled_from([None, *kr.Role]),
    st.sampled_from([None, *kr.ListKind]),
)
def test_duties_are_the_answers_of_owner_that_name_the_unit(
    graph: kr.ResponsibilityGraph,
    some_days: list[datetime.date],
    role: kr.Role | None,
    kind: kr.ListKind | None,
) -> None:
    """`duties(unit, at=, role=, list=)` is, ordered by town code then item code, the
    `owner` answer of every (item, town) on that day that names the unit as primary or
    secondary, kept only when its role and list match the filters given. When some
    (item, town) has no single primary that day and a record in force then is the
    unit's, `duties` raises instead, naming that pair and the day; a conflict among
    other units is no concern of the unit's."""
    records = graph.records()
    pairs = [(i.code, t.code) for t in graph.towns() for i in graph.items()]
    for day in _boundaries(records, some_days):
        answers: list[kr.Ownership] = []
        # unit code -> (item, town) -> ids of the records in force in that conflict
        conflicts: dict[str, dict[tuple[str, str], set[int]]] = {}
        for item, town in pairs:
            try:
                answers.append(graph.owner(item, town=town, at=day))
            except kr.NotAssignedError:
                pass
            except kr.OwnershipConflictError as error:
                for r in error.records:
                    conflicts.setdefault(r.unit, {})[(item, town)] = {
                        x.id for x in error.records}
        for unit in graph.units():
            if unit.code in conflicts:
                mine = conflicts[unit.code]
                with pytest.raises(kr.OwnershipConflictError) as caught:
                    graph.duties(unit.code, at=day, role=role, list=kind)
                error = caught.value
                assert (error.item, error.town) in mine
                assert error.at == day
                assert {r.id for r in error.records} == mine[(error.item, error.town)]
                continue
            expected = [
                o for o in answers
                if (o.primary.code == unit.code
                    or unit.code in {u.code for u in o.secondary})
                and (role is None
                     or (o.primary.code == unit.code) == (role is kr.Role.PRIMARY))
                and (kind is None or o.list is kind)
            ]
            expected.sort(key=lambda o: (o.town.code, o.item.code))
            assert graph.duties(unit.code, at=day, role=role, list=kind) == expected, (
                unit.code, day)
