"""Laws of the graph's listing questions: `records` filters are a plain selection."""

from __future__ import annotations

import itertools

from hypothesis import given

import kunshan_rbac as kr
from strategies import graphs


@given(graphs())
def test_records_filters_select_exactly_the_matching_records_in_id_order(
    graph: kr.ResponsibilityGraph,
) -> None:
    """`records(item=, town=, unit=)` with any combination of filters (each by code, or
    left out) is every record matching all the filters given, ordered by id: no filter
    combination takes a shortcut that loses, adds or reorders records."""
    every = graph.records()
    assert [r.id for r in every] == sorted({r.id for r in every})
    items = [None, *(i.code for i in graph.items())]
    towns = [None, *(t.code for t in graph.towns())]
    units = [None, *(u.code for u in graph.units())]
    for item, town, unit in itertools.product(items, towns, units):
        expected = [
            r for r in every
            if (item is None or r.item == item)
            and (town is None or r.town == town)
            and (unit is None or r.unit == unit)
        ]
        assert graph.records(item=item, town=town, unit=unit) == expected, (item, town, unit)
