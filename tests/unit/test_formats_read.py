"""Tests of kunshan_rbac.formats.read: which list a workbook's sheet holds. A sheet whose
name and title rows name no list takes the list its file name names, only when that is
unambiguous, and says so; anything else is reported, never guessed."""

from __future__ import annotations

from pathlib import Path

import kunshan_rbac as kr
from fixtures_lists import write_book

DAY = "2025-07-01"
TITLE = "周市镇2025年度“双随机、一公开”随机抽查事项清单"
ROWS = [["序号", "抽查事项", "实施主体"], [1, "对在建建设工程质量的抽查", "市住建局"]]


def _loud(problems: list[kr.Problem]) -> list[kr.Problem]:
    return [p for p in problems if p.severity != "note"]


def test_a_sheet_naming_no_list_takes_the_list_its_file_name_names(tmp_path: Path) -> None:
    """The 双随机 sheet (titled without a list's name) of ``周市镇-收回-….xlsx`` is read as
    the reclaimed list; a note says so once, and every record's origin starts with the
    inference, which explain() shows."""
    path = write_book(tmp_path / "周市镇-收回-双随机抽查事项.xlsx",
                 {"说明": [["本表为随机抽查事项。"]], "随机抽查事项清单": [[TITLE], *ROWS]})
    graph, problems = kr.read_lists(path, effective=DAY, on_error="collect")
    assert _loud(problems) == []
    answer = graph.owner("对在建建设工程质量的抽查", town="周市镇", at=DAY)
    assert answer.list is kr.ListKind.RECLAIMED
    assert answer.primary.name == "昆山市住房和城乡建设局"
    (note,) = [p for p in problems if "file name" in p.expected]
    assert (note.severity, note.sheet, note.row, note.value) == (
        "note", "随机抽查事项清单", None, "随机抽查事项清单")
    assert "read as the 上级部门收回事项清单" in note.expected
    origin = graph.origin(graph.records(item=answer.item.code, town="周市镇")[0])
    assert origin is not None
    assert origin.inferences[0] == kr.Inference(
        kr.InferenceKind.LIST, value="上级部门收回事项清单", written=path.name)
    text = str(graph.explain(answer.item.code, town="周市镇", at=DAY))
    assert f"the 上级部门收回事项清单 as the file name '{path.name}' names it" in text


def test_a_sheet_or_title_naming_a_list_wins_over_the_file_name(tmp_path: Path) -> None:
    """A title row naming a list decides, whatever the file name says, and no file-name
    inference is recorded."""
    path = write_book(tmp_path / "周市镇-收回.xlsx",
                 {"Sheet1": [["周市镇配合履职事项清单"], ["序号", "事项名称", "对应上级部门"],
                             [1, "配合既有住宅加装电梯协调", "市住建局"]]})
    graph, problems = kr.read_lists(path, effective=DAY, on_error="collect")
    assert _loud(problems) == []
    assert not [p for p in problems if "file name" in p.expected]
    answer = graph.owner("配合既有住宅加装电梯协调", town="周市镇", at=DAY)
    assert answer.list is kr.ListKind.COOPERATIVE
    origin = graph.origin(graph.records(item=answer.item.code, town="周市镇")[0])
    assert origin is not None
    assert all(i.kind is not kr.InferenceKind.LIST for i in origin.inferences)


def test_two_sheets_naming_no_list_are_both_reported(tmp_path: Path) -> None:
    """When two sheets name no list, the file name cannot say which holds its list: both
    are reported, and nothing is read."""
    path = write_book(tmp_path / "周市镇-收回-双随机抽查事项.xlsx",
                 {"建设": [[TITLE], *ROWS], "卫生": [[TITLE], *ROWS]})
    graph, problems = kr.read_lists(path, effective=DAY, on_error="collect")
    assert [(p.sheet, p.is_error) for p in problems] == [("建设", True), ("卫生", True)]
    assert all("cannot say which sheet holds it" in p.expected for p in problems)
    assert graph.records() == []


def test_a_file_name_naming_two_lists_names_none(tmp_path: Path) -> None:
    """A file name naming two lists gives a sheet neither: the sheet is reported."""
    path = write_book(tmp_path / "周市镇-基本和配合.xlsx", {"Sheet1": [[TITLE], *ROWS]})
    graph, problems = kr.read_lists(path, effective=DAY, on_error="collect")
    (problem,) = problems
    assert problem.is_error
    assert (problem.sheet, problem.value) == ("Sheet1", "Sheet1")
    assert "a title row naming the list" in problem.expected
    assert graph.records() == []


def test_the_file_name_is_not_taken_for_a_list_another_sheet_holds(tmp_path: Path) -> None:
    """When a sheet already holds the list the file name names, a sheet naming no list is
    reported rather than read as a second copy of it."""
    path = write_book(tmp_path / "周市镇-收回.xlsx", {
        "上级部门收回事项清单": [["序号", "事项名称", "承接部门"],
                         [1, "对违法超限运输的处罚", "市交通运输局"]],
        "Sheet2": [[TITLE], *ROWS]})
    graph, problems = kr.read_lists(path, effective=DAY, on_error="collect")
    (problem,) = _loud(problems)
    assert (problem.sheet, problem.is_error) == ("Sheet2", True)
    assert [i.name for i in graph.items()] == ["对违法超限运输的处罚"]
