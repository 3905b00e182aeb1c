"""kr.ownership_table: the graph's ownership timeline as an Arrow table."""

from __future__ import annotations

import datetime
import random
import sys

import pytest

import kunshan_rbac as kr


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    """The sample graph."""
    return kr.load_sample()


@pytest.fixture(scope="module")
def table(g: kr.ResponsibilityGraph) -> list[dict[str, object]]:
    """The sample's ownership table as rows."""
    rows: list[dict[str, object]] = kr.ownership_table(g).to_pylist()
    return rows


def test_rows_agree_with_owner_on_random_dates(
    g: kr.ResponsibilityGraph, table: list[dict[str, object]]
) -> None:
    """For random rows and days inside them, g.owner gives the row's list and units."""
    rng = random.Random(7)
    for row in rng.sample(table, 300):
        start = row["start"] or datetime.date(2020, 1, 1)
        end = row["end"] or datetime.date(2027, 1, 1)
        assert isinstance(start, datetime.date)
        assert isinstance(end, datetime.date)
        day = start + datetime.timedelta(days=rng.randrange((end - start).days))
        answer = g.owner(str(row["item"]), town=str(row["town"]), at=day)
        assert answer.list.value == row["list"]
        assert answer.primary.code == row["primary"]
        assert [u.code for u in answer.secondary] == row["secondary"]


def test_periods_of_a_pair_do_not_overlap(table: list[dict[str, object]]) -> None:
    """Within an (item, town), periods are ordered and disjoint: one owner per day."""
    last: dict[tuple[object, object], object] = {}
    for row in table:
        key = (row["item"], row["town"])
        if key in last:
            previous_end = last[key]
            assert previous_end is not None
            assert row["start"] is not None
            assert previous_end <= row["start"]  # type: ignore[operator]
        last[key] = row["end"]


def test_every_held_pair_is_there(g: kr.ResponsibilityGraph,
                                  table: list[dict[str, object]]) -> None:
    """Every (item, town) some record names has rows."""
    assert {(r["item"], r["town"]) for r in table} == {(r.item, r.town) for r in g.records()}


def test_missing_pyarrow_names_the_extra(g: kr.ResponsibilityGraph,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pyarrow, a MissingExtraError names kunshan-rbac[analytics]."""
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(kr.MissingExtraError, match=r"kunshan-rbac\[analytics\]") as info:
        kr.ownership_table(g)
    assert isinstance(info.value, ImportError)
    assert info.value.extra == "analytics"
