"""Laws of the graph's listing questions: `records` filters are a plain selection, and an
item is on a list exactly when a record on that list is in force."""

from __future__ import annotations

import contextlib
import datetime
import itertools

from hypothesis import given
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
