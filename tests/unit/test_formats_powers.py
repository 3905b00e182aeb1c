"""Tests of kunshan_rbac.formats.powers: a 领域 column (事项类别, 类别...) whose values are
power types is read as the power type, with a note and an inference, and a power type is
never read as a 领域."""

from __future__ import annotations

from pathlib import Path

import pytest

import kunshan_rbac as kr

DAY = "2025-07-01"
RECLAIMED = "周庄镇_上级部门收回事项清单.csv"


def _read(tmp_path: Path, text: str, name: str = RECLAIMED
          ) -> tuple[kr.ResponsibilityGraph, list[kr.Problem]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return kr.read_lists(path, effective=DAY, on_error="collect")


def _item(graph: kr.ResponsibilityGraph, name: str) -> kr.Item:
    return graph.item(name)


def test_a_category_column_of_power_types_is_read_as_the_power_type(tmp_path: Path) -> None:
    """事项类别 holding 行政处罚 and 行政检查 gives the items their power type and no 领域,
    with one note on the header cell and the inference in every row's origin."""
    graph, problems = _read(tmp_path, (
        "序号,事项名称,事项类别,承接部门\n"
        "1,对未取得施工许可证擅自施工的处罚,行政处罚,市住建局\n"
        "2,对在建建设工程质量的抽查,行政检查,市住建局\n"))
    assert not [p for p in problems if p.severity != "note"]
    penalty = _item(graph, "对未取得施工许可证擅自施工的处罚")
    check = _item(graph, "对在建建设工程质量的抽查")
    assert (penalty.power_type, penalty.domain) == ("行政处罚", "")
    assert (check.power_type, check.domain) == ("行政检查", "")
    (note,) = [p for p in problems if "power types" in p.expected]
    assert (note.severity, note.row, note.column, note.value) == ("note", 1, "C", "事项类别")
    assert "read as 事项类型" in note.expected
    record = graph.records(item=penalty.code, town="周庄镇")[0]
    origin = graph.origin(record)
    assert origin is not None
    assert kr.Inference(kr.InferenceKind.COLUMN, "事项类型", "事项类别", rows=(1,)) in \
        origin.inferences
    assert "column '事项类别' (header row 1) read as 事项类型" in \
        str(graph.explain(penalty.code, town="周庄镇", at=DAY))


def test_the_category_column_is_reported_when_the_list_has_a_power_type_column(
        tmp_path: Path) -> None:
    """With a 事项类型 column as well, a 类别 column of power types is reported and not
    read: the type comes from 事项类型, the 领域 stays empty."""
    graph, problems = _read(tmp_path, (
        "序号,事项名称,类别,事项类型,承接部门\n"
        "1,对未取得施工许可证擅自施工的处罚,行政处罚,行政处罚,市住建局\n"))
    (warning,) = [p for p in problems if p.severity == "warning"]
    assert (warning.row, warning.column, warning.value) == (1, "C", "类别")
    assert "事项类型 is read from column D" in warning.expected
    item = _item(graph, "对未取得施工许可证擅自施工的处罚")
    assert (item.power_type, item.domain) == ("行政处罚", "")


def test_a_power_type_among_real_domains_is_an_error_of_its_row(tmp_path: Path) -> None:
    """A 领域 column of real 领域 values stays the 领域; the one row whose value is a power
    type is not read, and its error says why."""
    graph, problems = _read(tmp_path, (
        "序号,事项类别,事项名称,具体工作事项\n"
        "1,民生服务,临时救助申请受理和小额救助,受理申请\n"
        "2,行政确认,独生子女父母光荣证核发,确认\n"), name="张浦镇_基本履职事项清单.csv")
    (error,) = [p for p in problems if p.is_error]
    assert (error.row, error.column, error.value) == (3, "B", "行政确认")
    assert "not a power type" in error.expected
    assert _item(graph, "临时救助申请受理和小额救助").domain == "民生服务"
    assert len(graph.items()) == 1


def test_a_power_type_carried_down_into_a_domain_column_names_the_row(tmp_path: Path) -> None:
    """A power type carried down a mixed 领域 column is an error of each row it reaches,
    naming the row it came from."""
    _graph, problems = _read(tmp_path, (
        "序号,领域,事项名称\n"
        "1,民生服务,临时救助申请受理和小额救助\n"
        "2,行政确认,独生子女父母光荣证核发\n"
        "3,,高龄津贴申请受理\n"), name="张浦镇_基本履职事项清单.csv")
    errors = [p for p in problems if p.is_error]
    assert [p.row for p in errors] == [3, 4]
    assert "carried down from row 3" in errors[1].expected


def test_a_section_row_naming_a_power_type_gives_the_type_not_the_domain(
        tmp_path: Path) -> None:
    """``一、行政处罚（2项）`` gives its rows the power type 行政处罚 (carried down, with the
    row it came from), never the 领域; its count is still checked."""
    graph, problems = _read(tmp_path, (
        "序号,事项名称,承接部门\n"
        "一、行政处罚（2项）,,\n"
        "1,对未取得施工许可证擅自施工的处罚,市住建局\n"
        "2,对公共场所卫生违法行为的处罚,市卫健委\n"
        "二、行政检查（2项）,,\n"
        "3,对在建建设工程质量的抽查,市住建局\n"))
    loud = [p for p in problems if p.severity != "note"]
    assert [(p.severity, p.row, p.value) for p in loud] == [("warning", 5, "2")]
    penalty = _item(graph, "对公共场所卫生违法行为的处罚")
    assert (penalty.power_type, penalty.domain) == ("行政处罚", "")
    assert _item(graph, "对在建建设工程质量的抽查").power_type == "行政检查"
    record = graph.records(item=penalty.code, town="周庄镇")[0]
    origin = graph.origin(record)
    assert origin is not None
    assert kr.Inference(kr.InferenceKind.CARRIED, "事项类型", "行政处罚", rows=(2,)) in \
        origin.inferences


def test_a_category_column_of_power_types_is_carried_down_in_a_csv(tmp_path: Path) -> None:
    """Saved as CSV, a 事项类别 column merged down over its items leaves blanks: read as
    the power type, the blanks take the type above, as a blank 领域 would."""
    graph, problems = _read(tmp_path, (
        "事项类别,序号,事项名称,承接部门\n"
        "行政处罚,1,对未取得施工许可证擅自施工的处罚,市住建局\n"
        ",2,对未组织竣工验收擅自交付使用的处罚,市住建局\n"))
    assert not [p for p in problems if p.severity != "note"]
    assert _item(graph, "对未组织竣工验收擅自交付使用的处罚").power_type == "行政处罚"
    assert any(p.row == 3 and "carried down from row 2" in p.expected for p in problems)


def test_a_category_column_of_domains_stays_the_domain(tmp_path: Path) -> None:
    """事项类别 holding 领域 values (党的建设, 民生服务) is read as the 领域, without a note."""
    graph, problems = _read(tmp_path, (
        "序号,事项类别,事项名称\n"
        "1,党的建设,党员发展、教育和管理\n"
        "2,民生服务,临时救助申请受理和小额救助\n"), name="张浦镇_基本履职事项清单.csv")
    assert not [p for p in problems if "power type" in p.expected]
    item = _item(graph, "党员发展、教育和管理")
    assert (item.domain, item.power_type) == ("党的建设", None)


@pytest.mark.parametrize("header", ["类别", "事项类别", "分类"])
def test_the_item_catalogue_reads_a_category_of_power_types_as_its_type(
        tmp_path: Path, header: str) -> None:
    """In the 事项 catalogue a 领域-named column of power types is read as 权力类型."""
    (tmp_path / "事项.csv").write_text(
        f"编码,事项名称,{header}\nZJ-1,对未取得施工许可证擅自施工的处罚,行政处罚\n",
        encoding="utf-8")
    (tmp_path / "周庄镇_上级部门收回事项清单.csv").write_text(
        "序号,事项名称,承接部门\n1,对未取得施工许可证擅自施工的处罚,市住建局\n",
        encoding="utf-8")
    graph, problems = kr.read_lists(tmp_path, effective=DAY, on_error="collect")
    assert not [p for p in problems if p.severity != "note"]
    assert any("read as 权力类型" in p.expected for p in problems)
    item = graph.item("ZJ-1")
    assert (item.power_type, item.domain) == ("行政处罚", "")
