"""Tests of kunshan_rbac._origin and `ResponsibilityGraph.origin`: every record read
from a list knows the row it came from and what the reader inferred there; records
built otherwise have no origin, and transfers keep the origins of the records they end."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

import kunshan_rbac as kr

LAYOUTS = Path(__file__).resolve().parent.parent / "fixtures" / "layouts"
DAY = "2025-07-01"


def _read(name: str) -> kr.ResponsibilityGraph:
    graph, _problems = kr.read_lists(LAYOUTS / name, effective=DAY, on_error="collect")
    return graph


def _origin(graph: kr.ResponsibilityGraph, item: str, town: str) -> kr.Origin:
    origins = {graph.origin(r) for r in graph.records(item=item, town=town)}
    assert len(origins) == 1, origins
    (origin,) = origins
    assert origin is not None
    return origin


def test_an_inference_says_what_was_inferred_and_from_which_rows() -> None:
    """Each kind of inference reads as a short sentence naming its column and rows."""
    assert str(kr.Inference(kr.InferenceKind.HEADER, rows=(3, 4))) == "header built from rows 3–4"
    assert str(kr.Inference(kr.InferenceKind.CARRIED, "领域", "民生服务", rows=(12,))) == \
        "领域 '民生服务' carried down from row 12"
    lead = kr.Inference(kr.InferenceKind.LEAD, "对应上级部门", "市住建局",
                        written="市住建局（牵头）")
    assert str(lead) == "对应上级部门: '市住建局' read as the lead from its marker " \
        "(written '市住建局（牵头）')"
    assert "a helper" in str(kr.Inference(kr.InferenceKind.HELPER, "协同部门", "市民政局"))
    assert str(kr.Inference(kr.InferenceKind.REJOINED, "协同部门", "昆山市民政局")) == \
        "协同部门: the wrapped name '昆山市民政局' read as one unit"
    assert lead.to_dict() == {"kind": "lead", "column": "对应上级部门", "value": "市住建局",
                              "written": "市住建局（牵头）", "rows": [], "text": str(lead)}


def test_an_origin_is_a_checked_frozen_value() -> None:
    """Rows count from 1 and inferences are `Inference` values; an origin cannot change."""
    origin = kr.Origin("a.csv", None, 2, [1, 1])
    assert origin.header == (1, 1)
    assert origin.place == "a.csv, row 2"
    assert origin.to_dict()["sheet"] is None
    with pytest.raises(ValueError, match="row numbers"):
        kr.Origin("a.csv", None, 2, (0, 1))
    with pytest.raises(TypeError):
        kr.Origin("a.csv", None, 2, (1, 1), ("carried down",))  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        origin.row = 3  # type: ignore[misc]


def test_a_grouped_header_a_section_a_lead_marker_and_a_wrapped_name_are_recorded() -> None:
    """The grouped-header workbook: each row's records know their sheet and row, the
    header rows 3–4, the 领域 carried from the section row 5, and the marker or the
    rejoined name that decided the primary."""
    graph = _read("玉山镇-配合-分组表头.xlsx")
    first = _origin(graph, "乡村建设规划许可申请受理、初审、报送", "玉山镇")
    assert (Path(first.file).name, first.sheet, first.row, first.header) == (
        "玉山镇-配合-分组表头.xlsx", "配合履职事项清单", 6, (3, 4))
    assert [(i.kind, i.column, i.value, i.rows) for i in first.inferences] == [
        (kr.InferenceKind.HEADER, "", "", (3, 4)),
        (kr.InferenceKind.CARRIED, "领域", "城乡建设", (5,)),
        (kr.InferenceKind.LEAD, "对应上级部门", "市自然资源和规划局", ()),
    ]
    second = _origin(graph, "配合开展燃气用户安全宣传和隐患排查", "玉山镇")
    assert second.row == 7
    assert second.inferences[-1] == kr.Inference(
        kr.InferenceKind.REJOINED, "对应上级部门", "昆山市住房和城乡建设局",
        written="昆山市住房\n和城乡建设局")


def test_a_grouping_unit_carried_down_is_recorded_only_where_it_was_carried() -> None:
    """In a CSV whose 承接部门 column was merged down, the continuation row's records
    say the unit came from row 2; the rows that name their unit say nothing of it."""
    graph = _read("周庄镇_上级部门收回事项清单.csv")
    carried = _origin(graph, "对未组织竣工验收擅自交付使用的处罚", "周庄镇")
    assert carried.sheet is None
    assert carried.row == 3
    assert carried.inferences == (
        kr.Inference(kr.InferenceKind.CARRIED, "承接部门", "市住建局", rows=(2,)),)
    own = _origin(graph, "对未取得施工许可证擅自施工的处罚", "周庄镇")
    assert (own.row, own.header, own.inferences) == (2, (1, 1), ())


def test_a_carried_value_set_aside_is_not_an_inference_of_the_record(tmp_path: Path) -> None:
    """A carried 领域 that disagrees with the item's 领域 (read in another town's list
    first) is left aside: it shaped nothing, so the record's origin does not list it."""
    (tmp_path / "巴城镇_基本履职事项清单.csv").write_text(
        "序号,领域,事项名称,具体工作事项\n"
        "1,平安法治,矛盾纠纷排查化解和人民调解,排查\n"
        "2,民生服务,就业困难人员认定和就业援助,受理\n", encoding="utf-8")
    (tmp_path / "张浦镇_基本履职事项清单.csv").write_text(
        "序号,领域,事项名称,具体工作事项\n"
        "1,民生服务,临时救助申请受理和小额救助,受理\n"
        "2,,矛盾纠纷排查化解和人民调解,排查\n", encoding="utf-8")
    graph, problems = kr.read_lists(tmp_path, effective=DAY, on_error="collect")
    assert any("left aside" in p.expected for p in problems)
    assert _origin(graph, "矛盾纠纷排查化解和人民调解", "张浦镇").inferences == ()
    assert _origin(graph, "临时救助申请受理和小额救助", "张浦镇").inferences == ()


def test_every_record_read_from_a_list_has_an_origin_and_no_other_does() -> None:
    """All records of every layout have origins; the sample (read from JSON) and a graph
    built through the API have none."""
    for path in sorted(p for p in LAYOUTS.iterdir() if p.suffix in (".csv", ".xlsx")):
        graph = _read(path.name)
        assert all(graph.origin(r) is not None for r in graph.records()), path.name
    sample = kr.load_sample()
    assert all(sample.origin(r) is None for r in sample.records()[:200])
    built = kr.ResponsibilityGraph()
    built.add_unit(kr.Town("a", "甲镇"))
    built.add_item(kr.Item("I", "某事项"))
    (record,) = built.assign("I", town="a", list="basic", primary="a")
    assert built.origin(record) is None
    assert built.origin(record.id) is None


def test_origin_takes_a_record_or_an_id_only() -> None:
    """Anything else is an `InvalidArgumentError` naming the parameter."""
    graph = _read("周庄镇_上级部门收回事项清单.csv")
    record = graph.records()[0]
    assert graph.origin(record) == graph.origin(record.id)
    for wrong in ("1", True, 1.0, None):
        with pytest.raises(kr.InvalidArgumentError, match="record"):
            graph.origin(wrong)  # type: ignore[arg-type]


def test_a_transfer_keeps_the_origin_of_what_it_ends_and_gives_none_to_what_it_opens() -> None:
    """Reclaiming an item read from a list: the ended records keep their spreadsheet
    origin (same ids), the records the transfer opens have none (their origin is the
    transfer, ``opened_by``)."""
    graph = _read("锦溪镇_基本履职事项清单.csv")
    item = "临时救助申请受理和小额救助"
    before = {r.id: graph.origin(r) for r in graph.records(item=item, town="锦溪镇")}
    graph.reclaim(item, towns="锦溪镇", to="市民政局", effective="2025-09-01")
    for record in graph.records(item=item, town="锦溪镇"):
        if record.opened_by is None:
            assert record.closed_by == 1
            assert graph.origin(record) == before[record.id] is not None
        else:
            assert graph.origin(record) is None


def test_copies_keep_origins_and_json_does_not() -> None:
    """Pickling and deep-copying keep the origins; `write_json` does not save them, so
    a graph read back from JSON has none."""
    graph = _read("周庄镇_上级部门收回事项清单.csv")
    record = graph.records()[0]
    for copied in (pickle.loads(pickle.dumps(graph)), copy.deepcopy(graph)):
        assert copied.origin(record.id) == graph.origin(record)


def test_json_leaves_origins_behind(tmp_path: Path) -> None:
    """A graph written as JSON and read back has the same records and no origins."""
    graph = _read("周庄镇_上级部门收回事项清单.csv")
    kr.write_json(graph, tmp_path / "g.json")
    again = kr.read_json(tmp_path / "g.json")
    assert again.records() == graph.records()
    assert all(again.origin(r) is None for r in again.records())
