"""Tests of kunshan_rbac.formats.headers: an unknown header column is reported once, with
the column its words say it may be (a role, a unit, a duty, a basis), never a column the
list already reads; and the 双随机 inspection-list names are read."""

from __future__ import annotations

from pathlib import Path

import pytest

import kunshan_rbac as kr
from kunshan_rbac.formats.headers import TableKind, classify, lists_named

LISTS = {"basic": ("基本履职事项清单", "序号,事项名称,依据", "1,秸秆禁烧巡查,《大气污染防治法》"),
         "cooperative": ("配合履职事项清单", "序号,事项名称,对应上级部门,镇街配合职责,依据",
                         "1,配合开展燃气安全宣传,市住建局,宣传,《城镇燃气管理条例》"),
         "reclaimed": ("上级部门收回事项清单", "序号,事项名称,承接部门,依据",
                       "1,对违法超限运输的处罚,市交通运输局,《公路法》")}


def _warning(tmp_path: Path, kind: str, header: str) -> str:
    """The warning that reports ``header`` as an extra column of a ``kind`` list."""
    label, columns, row = LISTS[kind]
    path = tmp_path / f"玉山镇_{label}.csv"
    path.write_text(f"{columns},{header}\n{row},x\n", encoding="utf-8")
    _graph, problems = kr.read_lists(path, on_error="collect")
    (warning,) = [p for p in problems if p.severity == "warning"]
    assert warning.value == header
    assert "this column is not read" in warning.expected
    return warning.expected


@pytest.mark.parametrize(("kind", "header", "hint"), [
    # a unit: helpers by 配合/协同/参与, the lead by 牵头/主办/实施/执法...
    ("cooperative", "配合单位", "a unit column: it may be 协同部门"),
    ("reclaimed", "参与部门", "a unit column: it may be 协同部门"),
    ("basic", "参与单位", "a unit column: it may be 协同部门"),
    ("reclaimed", "执法主体", "a unit column, but 承接部门 is read from another column"),
    ("cooperative", "主办科室", "a unit column, but 对应上级部门 is read from another column"),
    # a duty: whose duty the words say (镇 / 配合: the town's; 部门: the department's)
    ("cooperative", "部门工作职责", "a duty column: it may be 上级部门职责"),
    ("reclaimed", "镇街工作职责", "a duty column: it may be 工作方式"),
    ("basic", "工作要求", "a duty column: it may be 具体工作事项"),
    ("cooperative", "配合方式", "a duty column, but 镇街配合职责 is read from another column"),
    # a basis, by 依据 or 法规 (not by the spelling of 事项名称)
    ("basic", "法规名称", "a basis column, but 依据 is read from another column"),
    ("reclaimed", "相关法规", "a basis column, but 依据 is read from another column"),
    # a role alone
    ("cooperative", "牵头", "a role column, but 对应上级部门 is read from another column"),
    ("basic", "协同", "a role column: it may be 协同部门"),
    # a grant, a 领域, a code
    ("basic", "赋权情况", "a grant column: it may be 赋权文号"),
    ("reclaimed", "事项分类", "a 领域 column: it may be 领域"),
    ("basic", "职权编码", "a code column: it may be 事项编码"),
])
def test_an_unknown_column_is_reported_with_the_column_its_words_name(
        tmp_path: Path, kind: str, header: str, hint: str) -> None:
    """The warning says what the header's words make it look like and which column of
    this list it may be, or that the list reads that column elsewhere."""
    assert f"its name looks like {hint}" in _warning(tmp_path, kind, header)


@pytest.mark.parametrize(("kind", "header"), [
    ("reclaimed", "检查方式"),   # how the department inspects: no column of the list
    ("basic", "牵头单位"),       # the town leads the basic list: no unit column for a lead
    ("basic", "部门工作职责"),   # the helpers' duty: the basic list has none
])
def test_a_column_whose_sort_this_list_lacks_is_said_to_have_none(
        tmp_path: Path, kind: str, header: str) -> None:
    """The warning names the sort and says the list has no such column: no wrong hint."""
    expected = _warning(tmp_path, kind, header)
    assert "has no such column" in expected
    assert "may be" not in expected


@pytest.mark.parametrize("header", ["检查对象", "备注", "联系方式", "办理时限", "抽查比例"])
def test_a_column_no_list_holds_gets_no_hint(tmp_path: Path, header: str) -> None:
    """Remarks, contacts, time limits, inspected parties: reported, with no suggestion
    (联系方式 is not a 工作方式)."""
    expected = _warning(tmp_path, "reclaimed", header)
    assert "looks like" not in expected
    assert "may be" not in expected


def test_a_missing_unit_column_names_the_column_that_may_be_it(tmp_path: Path) -> None:
    """Without 承接部门, the error for the missing column names the unread 执法主体 column
    whose words make it the lead unit, by its letter."""
    path = tmp_path / "玉山镇_上级部门收回事项清单.csv"
    path.write_text("序号,事项名称,执法主体,联系方式\n1,对违法超限运输的处罚,市交通运输局,无\n",
                    encoding="utf-8")
    _graph, problems = kr.read_lists(path, on_error="collect")
    (error,) = problems
    assert error.is_error
    assert error.expected.endswith("; column C (执法主体) may be it: rename it so if it is")


def test_a_cooperative_duty_of_nobody_in_particular_names_both_duty_columns(
        tmp_path: Path) -> None:
    """工作要求 on a cooperative list whose duty columns are both free: either may be it."""
    path = tmp_path / "玉山镇_配合履职事项清单.csv"
    path.write_text("序号,事项名称,对应上级部门,工作要求\n1,配合开展燃气安全宣传,市住建局,每月\n",
                    encoding="utf-8")
    _graph, problems = kr.read_lists(path, on_error="collect")
    (warning,) = [p for p in problems if p.severity == "warning"]
    assert "it may be 上级部门职责 or 镇街配合职责" in warning.expected


def test_the_inspection_list_names_are_read(tmp_path: Path) -> None:
    """抽查事项, 抽查类别, 检查依据 and 检查主体 name the item, its 领域, its basis and the
    department of a reclaimed list; 检查对象 and 检查方式 are reported."""
    path = tmp_path / "周市镇_上级部门收回事项清单.csv"
    path.write_text(
        "序号,抽查类别,抽查事项,检查对象,检查方式,检查依据,检查主体\n"
        "1,燃气安全检查,对燃气经营企业经营行为的抽查,燃气经营企业,现场检查,"
        "《城镇燃气管理条例》,市住建局\n", encoding="utf-8")
    graph, problems = kr.read_lists(path, effective="2025-07-01", on_error="collect")
    assert sorted(p.column for p in problems if p.severity == "warning") == ["D", "E"]
    item = graph.item("对燃气经营企业经营行为的抽查")
    assert (item.domain, item.basis) == ("燃气安全检查", ("《城镇燃气管理条例》",))
    own = graph.owner(item.code, town="周市镇", at="2025-07-01")
    assert own.primary.code == "zjj"
    assert own.secondary == ()


def test_a_name_announces_a_list_only_when_it_names_exactly_one() -> None:
    """``收回``, ``配合`` or ``基本`` in a name announces that list; a name holding two of
    them announces none, rather than the first one checked."""
    assert classify("周市镇-收回-双随机抽查事项") is TableKind.RECLAIMED
    assert classify("玉山镇配合履职事项清单") is TableKind.COOPERATIVE
    assert lists_named("基本履职事项清单和上级部门收回事项清单") == (
        TableKind.RECLAIMED, TableKind.BASIC)
    assert classify("基本履职事项清单和上级部门收回事项清单") is None
    assert classify("随机抽查事项清单") is None


@pytest.mark.parametrize("header", [
    "镇街配合职责", "镇（街道）配合职责", "镇(街道)配合职责", "乡镇（街道）配合职责",
    "乡镇配合职责", "镇街\n配合职责", "镇（街道）\n配合职责", "镇 街 配 合 职 责",
])
def test_the_town_duty_is_read_under_every_published_wording(
        tmp_path: Path, header: str) -> None:
    """Full- and half-width brackets, the 镇（街道）/乡镇（街道）/镇街/乡镇 prefixes, line
    breaks and spaces inside the header all name 镇街配合职责: nothing is reported and the
    town's duty is read."""
    path = tmp_path / "玉山镇_配合履职事项清单.csv"
    path.write_text(f'序号,事项名称,对应上级部门,"{header}"\n1,配合开展燃气安全宣传,市住建局,宣传\n',
                    encoding="utf-8")
    graph, problems = kr.read_lists(path, on_error="collect")
    assert [p for p in problems if p.severity != "note"] == []
    (town,) = [r for r in graph.records() if r.unit == "yushan"]
    assert town.duty == "宣传"


@pytest.mark.parametrize("header", ["实施主体", "事项主体", "实施部门", "责任主体", "主办单位",
                                    "承办单位"])
@pytest.mark.parametrize("kind", ["cooperative", "reclaimed"])
def test_the_power_list_unit_names_name_the_leading_department(
        tmp_path: Path, header: str, kind: str) -> None:
    """The unit columns of power lists name the department that answers fully on the
    cooperative and the reclaimed list."""
    label = LISTS[kind][0]
    path = tmp_path / f"玉山镇_{label}.csv"
    path.write_text(f"序号,事项名称,{header}\n1,对违法超限运输的处罚,市交通运输局\n",
                    encoding="utf-8")
    graph, problems = kr.read_lists(path, effective="2025-07-01", on_error="collect")
    assert [p for p in problems if p.severity != "note"] == []
    answer = graph.owner("对违法超限运输的处罚", town="玉山镇", at="2025-07-01")
    assert answer.primary.code == "jtj"
