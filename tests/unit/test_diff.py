"""Tests of kunshan_rbac._diff: what changed between two dates."""

from __future__ import annotations

import kunshan_rbac as kr


def _graph() -> kr.ResponsibilityGraph:
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("a", "甲镇"))
    graph.add_unit(kr.Department("d", "市某局"))
    graph.add_unit(kr.Department("e", "市另局"))
    for code, name in [("K", "保留事项"), ("R", "收回事项"), ("N", "新增事项"), ("X", "取消事项"),
                       ("S", "协同变化事项")]:
        graph.add_item(kr.Item(code, name, power_type="行政处罚" if code == "R" else None))
    graph.assign("K", town="a", list="basic", primary="a")
    graph.assign("R", town="a", list="basic", primary="a")
    graph.assign("X", town="a", list="basic", primary="a", end="2025-01-01")
    graph.assign("N", town="a", list="cooperative", primary="d", secondary="a",
                 start="2025-01-01")
    graph.assign("S", town="a", list="basic", primary="a", secondary="d")
    graph.reclaim("R", towns="a", to="d", effective="2025-01-01")
    return graph


def test_added_removed_moved_and_changed_per_list() -> None:
    """Each kind of change is filed under the right list."""
    graph = _graph()
    graph.add_item(kr.Item("S2", "占位"))
    d = kr.diff(graph, "2024-12-31", "2025-01-01")
    assert [c.item.code for c in d.added[kr.ListKind.COOPERATIVE]] == ["N"]
    assert [c.item.code for c in d.removed[kr.ListKind.BASIC]] == ["X"]
    assert [c.item.code for c in d.moved[kr.ListKind.RECLAIMED]] == ["R"]
    assert d.changed[kr.ListKind.BASIC] == ()
    assert {c.item.code for c in d.changes} == {"N", "X", "R"}
    assert d.powers["a"][0] == {"行政处罚": 1}
    assert d.powers["a"][1] == {}
    text = str(d)
    assert "R 收回事项 [甲镇]: 基本/甲镇 → 收回/市某局" in text
    assert "行政处罚: 1 → 0" in text


def test_same_date_gives_no_change() -> None:
    """Comparing a date with itself finds nothing."""
    d = kr.diff(_graph(), "2025-06-01", "2025-06-01", town="甲镇")
    assert d.changes == ()
    assert d.to_dict()["changes"] == []


def test_for_town_and_to_dict() -> None:
    """A diff can be narrowed to a town and dumped for machines."""
    d = kr.diff(_graph(), "2024-12-31", "2025-01-01").for_town("甲镇")
    data = d.to_dict()
    assert data["towns"] == ["a"]
    kinds = {c["item"]: c["kind"] for c in data["changes"]}
    assert kinds == {"N": "added", "R": "moved", "X": "removed"}
