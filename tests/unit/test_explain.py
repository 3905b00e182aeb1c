"""Tests of kunshan_rbac._explain: answers that say why."""

from __future__ import annotations

import pickle

import pytest

import kunshan_rbac as kr


def _graph() -> kr.ResponsibilityGraph:
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("a", "甲镇"))
    graph.add_unit(kr.Department("d", "市某局"))
    graph.add_item(kr.Item("I", "某事项", basis=("《某条例》第三条",)))
    graph.assign("I", town="a", list="basic", primary="a", start="2021-01-01",
                 source="昆政发〔2021〕12号", grant="苏政发〔2020〕91号")
    graph.reclaim("I", towns="a", to="d", effective="2025-04-01", ref="昆编办〔2025〕6号",
                  keep_secondary=True, secondary_duty="发现线索后推送")
    return graph


def test_explanation_names_records_documents_and_transfers() -> None:
    """The account lists the answer, the records in force, older ones and transfers."""
    e = _graph().explain("I", town="甲镇", at="2025-05-01")
    assert e.ownership is not None
    assert e.ownership.primary.code == "d"
    assert [r.unit for r in e.in_force] == ["d", "a"]
    text = str(e)
    for expected in ("上级部门收回事项清单", "市某局 (d)", "2025-04-01 – open", "昆编办〔2025〕6号",
                     "closed by transfer #1", "grant 苏政发〔2020〕91号", "《某条例》第三条",
                     "duty: 发现线索后推送", "transfer #1 reclaim"):
        assert expected in text, expected


def test_explanation_without_an_owner_says_why() -> None:
    """Before any record, the explanation says the item is on no list."""
    e = _graph().explain("I", town="a", at="2020-01-01")
    assert e.ownership is None
    assert "on no list of the town" in e.problem
    assert "no owner" in str(e)


def test_explanation_of_a_conflict_names_it() -> None:
    """Conflicting records give an explanation with the problem, not an exception."""
    graph = _graph()
    graph.assign("I", town="a", list="reclaimed", primary="a", start="2025-06-01")
    e = graph.explain("I", town="a", at="2025-06-01")
    assert e.ownership is None
    assert "2 primary units" in e.problem


def test_explanation_unit_names_are_read_only() -> None:
    """unit_names reads like a dict but cannot be changed: the value is frozen."""
    explanation = _graph().explain("I", town="a", at="2025-06-01")
    assert explanation.unit_names["d"] == "市某局"
    assert dict(explanation.unit_names) == {"a": "甲镇", "d": "市某局"}
    with pytest.raises(TypeError):
        explanation.unit_names["d"] = "别的局"  # type: ignore[index]
    assert "市某局 (d)" in str(explanation)
    again = pickle.loads(pickle.dumps(explanation))
    assert again == explanation
    assert dict(again.unit_names) == dict(explanation.unit_names)
