"""Tests of kunshan_rbac._stats: per-town counts and power counts."""

from __future__ import annotations

import pytest

import kunshan_rbac as kr


@pytest.fixture
def g() -> kr.ResponsibilityGraph:
    """Two towns with a few items on each list, one with sub-items."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("a", "甲镇", aliases=("甲",)))
    graph.add_unit(kr.Town("b", "乙镇"))
    graph.add_unit(kr.Department("d", "市某局"))
    graph.add_item(kr.Item("P", "对某违法行为的处罚", power_type="行政处罚"))
    graph.add_item(kr.Item("P-1", "对某违法行为的处罚（单位）", parent="P"))
    graph.add_item(kr.Item("P-2", "对某违法行为的处罚（个人）", parent="P"))
    graph.add_item(kr.Item("Q", "某项检查", power_type="行政检查"))
    graph.add_item(kr.Item("C", "配合某项工作"))
    graph.assign("P", town="a", list="basic", primary="a", start="2021-01-01")
    graph.assign("Q", town="a", list="basic", primary="a", start="2021-01-01")
    graph.assign("C", town="a", list="cooperative", primary="d", secondary="a")
    graph.assign("C", town="b", list="cooperative", primary="d", secondary="b")
    graph.assign("P", town="b", list="reclaimed", primary="d")
    return graph


def test_counts_per_town_and_list(g: kr.ResponsibilityGraph) -> None:
    """Counts, totals, means and distinct items follow the lists."""
    s = kr.stats(g, at="2025-01-01")
    assert dict(s.per_town["a"]) == {kr.ListKind.BASIC: 2, kr.ListKind.COOPERATIVE: 1,
                                     kr.ListKind.RECLAIMED: 0}
    assert s.per_town["乙镇"][kr.ListKind.RECLAIMED] == 1
    assert s.per_town["甲"] is s.per_town["a"]
    assert s.total(kr.ListKind.COOPERATIVE) == 2
    assert s.mean(kr.ListKind.BASIC) == 1.0
    assert s.distinct(kr.ListKind.COOPERATIVE) == 1
    assert list(s.per_town) == ["a", "b"]
    assert s.to_dict()["distinct"] == {"basic": 2, "cooperative": 1, "reclaimed": 1}
    text = str(s)
    assert "甲镇 (a)" in text
    assert "mean per town" in text


def test_counts_respect_the_date(g: kr.ResponsibilityGraph) -> None:
    """Records not yet in force are not counted."""
    assert kr.stats(g, at="2020-01-01").per_town["a"][kr.ListKind.BASIC] == 0


def test_unknown_and_ambiguous_town_keys(g: kr.ResponsibilityGraph) -> None:
    """Reading per_town by an unknown name raises a KeyError subclass."""
    s = kr.stats(g, at="2025-01-01")
    with pytest.raises(kr.UnknownUnitError):
        s.per_town["丙镇"]


def test_power_counts_count_sub_items(g: kr.ResponsibilityGraph) -> None:
    """A penalty with two sub-items counts twice; an inspection without counts once."""
    assert kr.power_counts(g, town="a", at="2025-01-01") == {"行政处罚": 2, "行政检查": 1}
    assert kr.power_counts(g, town="b", at="2025-01-01") == {}
    assert kr.power_counts(g, town="a", at="2020-01-01") == {}
