"""Tests of kunshan_rbac.formats.rows: which blank cells take the value above (a grouping
unit left of 事项名称, 领域), which are reported as empty, and section rows with nothing
under them."""

from __future__ import annotations

from pathlib import Path

import kunshan_rbac as kr

DAY = "2025-07-01"


def _read(tmp_path: Path, name: str, text: str
          ) -> tuple[kr.ResponsibilityGraph, list[kr.Problem]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return kr.read_lists(path, effective=DAY, on_error="collect")


def test_a_grouping_unit_left_of_the_item_is_carried_down(tmp_path: Path) -> None:
    """承接部门 standing left of 事项名称 groups its rows: a blank takes the unit above, with
    a note naming the row it came from."""
    graph, problems = _read(tmp_path, "周庄镇_上级部门收回事项清单.csv", (
        "承接部门,序号,事项名称\n"
        "市住建局,1,对未取得施工许可证擅自施工的处罚\n"
        ",2,对未组织竣工验收擅自交付使用的处罚\n"))
    assert [p for p in problems if p.severity != "note"] == []
    answer = graph.owner("对未组织竣工验收擅自交付使用的处罚", town="周庄镇", at=DAY)
    assert answer.primary.code == "zjj"
    assert any(p.row == 3 and "carried down from row 2" in p.expected for p in problems)


def test_a_blank_unit_right_of_the_item_is_an_empty_required_cell(tmp_path: Path) -> None:
    """A blank 承接部门 right of 事项名称 is not carried down: it is an error that says the
    cell is empty, and only that row is left out."""
    graph, problems = _read(tmp_path, "周庄镇_上级部门收回事项清单.csv", (
        "序号,事项名称,承接部门\n"
        "1,对未取得施工许可证擅自施工的处罚,市住建局\n"
        "2,对未组织竣工验收擅自交付使用的处罚,\n"))
    (error,) = [p for p in problems if p.severity != "note"]
    assert (error.severity, error.row, error.column) == ("error", 3, "C")
    assert "the cell is empty" in error.expected
    assert [i.name for i in graph.items()] == ["对未取得施工许可证擅自施工的处罚"]


def test_a_last_section_row_with_nothing_under_it_is_reported(tmp_path: Path) -> None:
    """A numbered row standing alone at the end (it may be an item written in one cell) is
    not taken for a section in silence: a warning names it."""
    graph, problems = _read(tmp_path, "张浦镇_基本履职事项清单.csv", (
        "序号,领域,事项名称\n"
        "一、民生服务,,\n"
        "1,,临时救助申请受理和小额救助\n"
        "二、组织实施最低生活保障审核确认,,\n"))
    (warning,) = [p for p in problems if p.severity != "note"]
    assert (warning.severity, warning.row, warning.value) == (
        "warning", 4, "组织实施最低生活保障审核确认")
    assert "none are under" in warning.expected
    assert len(graph.items()) == 1


def test_sub_sections_under_a_section_are_not_reported(tmp_path: Path) -> None:
    """A section row followed by its sub-sections (一、 then （一）) has no rows of its own;
    that is a layout, not a problem. Each row takes the innermost section's 领域."""
    graph, problems = _read(tmp_path, "张浦镇_基本履职事项清单.csv", (
        "序号,领域,事项名称\n"
        "一、民生服务,,\n"
        "（一）社会救助,,\n"
        "1,,临时救助申请受理和小额救助\n"))
    assert [p for p in problems if p.severity != "note"] == []
    assert graph.item("临时救助申请受理和小额救助").domain == "社会救助"
