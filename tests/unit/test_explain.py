"""Tests of kunshan_rbac._explain: answers that say why."""

from __future__ import annotations

import pickle
from pathlib import Path

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


LAYOUTS = Path(__file__).resolve().parent.parent / "fixtures" / "layouts"


def _read_grouped() -> kr.ResponsibilityGraph:
    graph, _problems = kr.read_lists(LAYOUTS / "玉山镇-配合-分组表头.xlsx", effective="2025-07-01",
                                     on_error="collect")
    return graph


def test_an_explanation_of_records_read_from_a_list_says_where_they_came_from() -> None:
    """The text names the file, sheet and row of the records, once for the records of one
    row, with the header rows, the carried 领域 and the lead marker read there."""
    e = _read_grouped().explain("乡村建设规划许可申请受理、初审、报送", town="玉山镇",
                                at="2025-07-01")
    text = str(e)
    assert "  read from:\n    #1, #2, #3: " in text
    assert text.count("配合履职事项清单, row 6") == 1
    for expected in ("header built from rows 3–4", "领域 '城乡建设' carried down from row 5",
                     "'市自然资源和规划局' read as the lead"):
        assert expected in text, expected
    assert set(e.origins) == {1, 2, 3}


def test_an_explanation_without_origins_says_nothing_of_them() -> None:
    """A graph built through the API: no 'read from' section, an empty mapping."""
    e = _graph().explain("I", town="a", at="2025-05-01")
    assert "read from" not in str(e)
    assert dict(e.origins) == {}
    assert "读自" not in e._repr_html_()


def test_an_explanation_as_json_gives_each_record_its_origin() -> None:
    """to_dict: the answer, each record with in_force and its origin (or null), transfers."""
    e = _graph().explain("I", town="a", at="2025-05-01")
    data = e.to_dict()
    assert data["ownership"]["primary"] == {"code": "d", "name": "市某局"}
    assert [(r["id"], r["in_force"], r["origin"]) for r in data["records"]] == [
        (1, False, None), (2, True, None), (3, True, None)]
    assert data["transfers"][0]["kind"] == "reclaim"
    read = _read_grouped().explain("配合开展燃气用户安全宣传和隐患排查", town="玉山镇",
                                   at="2025-07-01").to_dict()
    origin = read["records"][0]["origin"]
    assert (origin["row"], origin["header"]) == (7, [3, 4])
    assert [i["kind"] for i in origin["inferences"]] == ["header", "carried", "rejoined"]
    none = _graph().explain("I", town="a", at="2020-01-01").to_dict()
    assert none["ownership"] is None
    assert "on no list" in none["problem"]


def test_an_explanation_in_a_notebook_and_a_table_shows_the_origin() -> None:
    """The HTML view has a 读自 column with the row, and the table its origin columns."""
    e = _read_grouped().explain("乡村建设规划许可申请受理、初审、报送", town="玉山镇",
                                at="2025-07-01")
    shown = e._repr_html_()
    assert "读自" in shown
    assert "配合履职事项清单, row 6" in shown
    pytest.importorskip("pyarrow")
    rows = e.to_arrow().to_pylist()
    assert {(r["origin_sheet"], r["origin_row"]) for r in rows} == {("配合履职事项清单", 6)}
    assert "header built from rows 3–4" in rows[0]["inferences"]
    plain = _graph().explain("I", town="a", at="2025-05-01").to_arrow().to_pylist()
    assert {(r["origin_file"], r["origin_row"]) for r in plain} == {(None, None)}
    assert all(r["inferences"] == [] for r in plain)


def test_explanation_origins_are_read_only_and_survive_a_pickle() -> None:
    """origins cannot be changed, and a pickled explanation keeps them."""
    e = _read_grouped().explain("乡村建设规划许可申请受理、初审、报送", town="玉山镇",
                                at="2025-07-01")
    with pytest.raises(TypeError):
        e.origins[1] = e.origins[2]  # type: ignore[index]
    assert dict(pickle.loads(pickle.dumps(e)).origins) == dict(e.origins)
