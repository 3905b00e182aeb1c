"""Reading and writing workbooks: one test per messy trait of real lists."""

from __future__ import annotations

import datetime
import zipfile
from pathlib import Path

import openpyxl
import pytest

import kunshan_rbac as kr
from fixtures_lists import (
    BASIC,
    BASIC_HEADER,
    BASIC_SHEET,
    COOPERATIVE,
    COOPERATIVE_HEADER,
    COOPERATIVE_SHEET,
    RECLAIMED,
    RECLAIMED_HEADER,
    RECLAIMED_SHEET,
    UNITS,
    UNITS_HEADER,
    merge_column,
    town_book,
    write_book,
)
from kunshan_rbac.formats.cells import derive_code

DAY = datetime.date(2025, 7, 1)


def _units() -> list[list[object]]:
    return [UNITS_HEADER, *UNITS]


def _owner(graph: kr.ResponsibilityGraph, item: str, town: str = "玉山镇") -> kr.Ownership:
    return graph.owner(item, town=town, at=DAY)


def test_clean_workbook_loads_all_three_lists(tmp_path: Path) -> None:
    """A clean workbook gives the town's three lists with the roles each list implies."""
    graph = kr.read_lists(town_book(tmp_path))
    basic = _owner(graph, "秸秆禁烧巡查")
    assert basic.list is kr.ListKind.BASIC
    assert basic.primary.code == "yushan"
    assert [u.code for u in basic.secondary] == ["nyj", "sthj"]
    cooperative = _owner(graph, "配合开展燃气用户安全宣传和隐患排查")
    assert (cooperative.list, cooperative.primary.code) == (kr.ListKind.COOPERATIVE, "zjj")
    assert [u.code for u in cooperative.secondary] == ["yushan"]
    duties = {r.role: r.duty for r in cooperative.records}
    assert duties == {kr.Role.PRIMARY: "监督检查", kr.Role.SECONDARY: "宣传、摸排、报告"}
    kept = _owner(graph, "对未取得施工许可证擅自施工的处罚")
    assert (kept.list, kept.primary.code) == (kr.ListKind.RECLAIMED, "zjj")
    assert [u.code for u in kept.secondary] == ["yushan"]
    gone = _owner(graph, "对水污染物超标排放的处罚")
    assert gone.secondary == ()
    item = graph.item("对未取得施工许可证擅自施工的处罚")
    assert item.power_type == "行政处罚"
    assert item.basis == ("《建筑法》第六十四条",)
    assert all(r.start is None and r.end is None for r in graph.records())


def test_title_row_merged_above_the_header(tmp_path: Path) -> None:
    """A title row merged across the columns sits above the header; rows still count
    as the spreadsheet shows them."""
    rows = [["玉山镇基本履职事项清单", None, None, None, None, None], BASIC_HEADER,
            *[list(r) for r in BASIC]]
    rows[4][4] = "市不存在局"
    path = write_book(tmp_path / "玉山镇.xlsx", {BASIC_SHEET: rows, "单位": _units()},
                      merges={BASIC_SHEET: ["A1:F1"]})
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(path)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == (BASIC_SHEET, 5, "E")
    assert problem.value == "市不存在局"
    assert "协同部门" in problem.expected


def test_domain_written_once_in_a_merged_cell(tmp_path: Path) -> None:
    """领域 written once in a merged cell applies to every row it spans."""
    rows = [BASIC_HEADER, *[list(r) for r in BASIC]]
    ranges = merge_column(rows, 1, 1)
    assert ranges == ["B2:B3"]
    path = write_book(tmp_path / "玉山镇.xlsx", {BASIC_SHEET: rows, "单位": _units()},
                      merges={BASIC_SHEET: ranges})
    graph = kr.read_lists(path)
    assert graph.item("临时救助申请受理和小额救助").domain == "民生服务"


def test_serial_number_restarting_within_each_domain(tmp_path: Path) -> None:
    """序号 restarting at 1 in each 领域 is fine: items are known by name, not number."""
    rows = [BASIC_HEADER, *[[n, *r[1:]] for n, r in zip([1, 2, 1, 1], BASIC, strict=True)]]
    graph = kr.read_lists(write_book(tmp_path / "玉山镇.xlsx",
                                     {BASIC_SHEET: rows, "单位": _units()}))
    assert len(graph.items_on("basic", town="玉山镇", at=DAY)) == 4


def test_full_width_spaces_and_punctuation(tmp_path: Path) -> None:
    """Full-width spaces and punctuation in headers, names and units are read through."""
    header = ["序　号", "领域", "事项名称（履职事项）", "具体工作事项", "协同部门", "依据"]
    rows = [header, [1, "生态环境", "　秸秆禁烧巡查　", "巡查", "市　生态环境局，市农业局；", ""]]
    graph = kr.read_lists(write_book(tmp_path / "玉山镇.xlsx",
                                     {BASIC_SHEET: rows, "单位": _units()}))
    answer = _owner(graph, "秸秆禁烧巡查")
    assert [u.code for u in answer.secondary] == ["nyj", "sthj"]
    assert graph.item("秸秆禁烧巡查").name == "秸秆禁烧巡查"


def test_note_rows_under_the_table(tmp_path: Path) -> None:
    """Notes, signatures and totals under the table are not rows of the list."""
    rows = [
        BASIC_HEADER, *BASIC,
        ["注：1. 本清单根据有关法律法规制定。", None, None, None, None, None],
        ["2. 清单实行动态调整。", None, None, None, None, None],
        ["合计", None, "4项", None, None, None],
        ["制表人：张三", None, None, "审核人：李四", None, None],
    ]
    merges = ["A6:F6", "A7:F7"]
    graph = kr.read_lists(write_book(tmp_path / "玉山镇.xlsx",
                                     {BASIC_SHEET: rows, "单位": _units()},
                                     merges={BASIC_SHEET: merges}))
    assert len(graph.items_on("basic", town="玉山镇", at=DAY)) == 4


def test_section_rows_set_the_domain(tmp_path: Path) -> None:
    """A section row such as 一、生态环境 gives its 领域 to the rows below it."""
    header = ["序号", "事项名称", "具体工作事项", "协同部门"]
    rows = [header, ["一、民生服务", None, None, None], [1, "临时救助申请受理和小额救助", "", ""],
            ["二、生态环境", None, None, None], [1, "秸秆禁烧巡查", "", ""]]
    graph = kr.read_lists(write_book(tmp_path / "玉山镇.xlsx",
                                     {BASIC_SHEET: rows, "单位": _units()},
                                     merges={BASIC_SHEET: ["A2:D2", "A4:D4"]}))
    assert graph.item("秸秆禁烧巡查").domain == "生态环境"
    assert graph.item("临时救助申请受理和小额救助").domain == "民生服务"


def test_no_item_codes_gives_one_stable_code_per_name(tmp_path: Path) -> None:
    """Without codes, the same item in two towns is one item, with a code derived from
    its normalised name that is the same in every run."""
    town_book(tmp_path, "玉山镇")
    renamed = [[*r] for r in BASIC]
    renamed[3][2] = "秸秆禁烧巡查。"  # a stray full stop in the second town
    town_book(tmp_path, "巴城镇", units=False, basic=renamed)
    graph = kr.read_lists(tmp_path)
    yushan = _owner(graph, "秸秆禁烧巡查").item
    bacheng = _owner(graph, "秸秆禁烧巡查", "巴城镇").item
    assert yushan == bacheng
    assert yushan.code == derive_code("秸秆禁烧巡查") == "KR-697d0bb5a2"


def test_departments_in_short_or_long_form(tmp_path: Path) -> None:
    """市住建局, 市住房和城乡建设局, 住建局 and 昆山市住建局 name the same department."""
    rows = [COOPERATIVE_HEADER]
    for number, name in enumerate(["市住建局", "市住房和城乡建设局", "住建局", "昆山市住建局"],
                                  start=1):
        rows.append([number, "城乡建设", f"配合事项{number}", name, "", "", ""])
    graph = kr.read_lists(write_book(tmp_path / "玉山镇.xlsx",
                                     {COOPERATIVE_SHEET: rows, "单位": _units()}))
    owners = {_owner(graph, f"配合事项{n}").primary.code for n in range(1, 5)}
    assert owners == {"zjj"}


def test_header_in_another_order_with_extra_columns(tmp_path: Path) -> None:
    """Columns in another order, under other accepted names, with extra columns, load."""
    header = ["承接单位", "备注", "收回事项名称", "序号", "权力类型", "镇街工作方式", "填报人"]
    rows = [header, ["市住建局", "无", "对未取得施工许可证擅自施工的处罚", 1, "行政处罚",
                     "推送线索",
                     "张三"]]
    graph = kr.read_lists(write_book(tmp_path / "玉山镇.xlsx",
                                     {RECLAIMED_SHEET: rows, "单位": _units()}))
    answer = _owner(graph, "对未取得施工许可证擅自施工的处罚")
    assert answer.primary.code == "zjj"
    assert [u.code for u in answer.secondary] == ["yushan"]
    assert answer.item.power_type == "行政处罚"


def test_town_named_in_the_title_row(tmp_path: Path) -> None:
    """A workbook not named after its town takes the town from the title row."""
    rows = [["巴城镇配合履职事项清单"], COOPERATIVE_HEADER, *COOPERATIVE]
    graph = kr.read_lists(write_book(tmp_path / "附件2.xlsx",
                                     {COOPERATIVE_SHEET: rows, "单位": _units()}))
    assert {r.town for r in graph.records()} == {"bacheng"}


def test_town_of_file_name_and_title_must_agree(tmp_path: Path) -> None:
    """A file named after one town whose title names another is a problem."""
    rows = [["巴城镇配合履职事项清单"], COOPERATIVE_HEADER, *COOPERATIVE]
    path = write_book(tmp_path / "玉山镇.xlsx", {COOPERATIVE_SHEET: rows, "单位": _units()})
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(path)
    assert "巴城镇" in caught.value.problems[0].expected


def test_sheet_named_otherwise_is_found_by_its_title(tmp_path: Path) -> None:
    """A sheet called Sheet1 whose title names the list is read as that list; a sheet
    of notes (说明) is skipped; any other sheet is a problem."""
    rows = [["玉山镇上级部门收回事项清单"], RECLAIMED_HEADER, *RECLAIMED]
    path = write_book(tmp_path / "玉山镇.xlsx", {"Sheet1": rows, "说明": [["本表说明"]],
                                                 "单位": _units()})
    assert len(kr.read_lists(path).items_on("reclaimed", town="玉山镇", at=DAY)) == 2
    write_book(path, {"Sheet1": rows, "杂项": [["随便写写", "内容"]], "单位": _units()})
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(path)
    assert caught.value.problems[0].sheet == "杂项"


def test_truncated_workbook_is_one_problem(tmp_path: Path) -> None:
    """A truncated or non-zip .xlsx is one problem for the file, not a crash."""
    path = town_book(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert problem.row is None
    assert "workbook" in problem.expected


def test_missing_required_column_names_the_column(tmp_path: Path) -> None:
    """A cooperative list without 对应上级部门 says which column is missing, and where
    the header is."""
    header = ["序号", "事项名称", "上级部门职责"]
    path = write_book(tmp_path / "玉山镇.xlsx", {
        COOPERATIVE_SHEET: [["标题"], header, [1, "某事项", "监管"]], "单位": _units()})
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(path)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "对应上级部门")


def test_cached_formula_values_are_read_and_never_evaluated(tmp_path: Path) -> None:
    """A formula cell reads as the value Excel stored for it; without one it is blank
    (nothing in a workbook is evaluated)."""
    path = town_book(tmp_path)
    book = openpyxl.load_workbook(path)
    book[BASIC_SHEET]["C2"] = '=CONCATENATE("a","b")'
    book.save(path)
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(path)
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "C")


def test_written_workbook_layout(tmp_path: Path) -> None:
    """A written workbook has the three sheets, a merged title row and the header
    columns of the published layout."""
    graph = kr.read_lists(town_book(tmp_path / "in"))
    paths = kr.write_lists(graph, tmp_path / "out", at=DAY)
    assert [p.name for p in paths][:2] == ["单位.xlsx", "事项.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "out" / "玉山镇.xlsx")
    assert book.sheetnames == [BASIC_SHEET, COOPERATIVE_SHEET, RECLAIMED_SHEET]
    sheet = book[COOPERATIVE_SHEET]
    assert sheet["A1"].value == "玉山镇配合履职事项清单"
    assert "A1:G1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [c.value for c in sheet[2]] == COOPERATIVE_HEADER
    assert [c.value for c in book[RECLAIMED_SHEET][2]] == RECLAIMED_HEADER
    assert [c.value for c in book[BASIC_SHEET][2]] == BASIC_HEADER


def test_formula_like_names_stay_text_in_workbooks(tmp_path: Path) -> None:
    """Names starting with = + - @ are written as text cells with Excel's quote prefix,
    and read back unchanged; so is a name that starts with an apostrophe."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("yushan", "玉山镇"))
    names = ["=HYPERLINK(\"http://x\",\"点我\")", "+1项", "-事项", "@事项", "'引号事项"]
    for number, name in enumerate(names):
        graph.add_item(kr.Item(f"I{number}", name))
        graph.assign(f"I{number}", town="yushan", list="basic", primary="yushan")
    kr.write_lists(graph, tmp_path, at=DAY)
    with zipfile.ZipFile(tmp_path / "玉山镇.xlsx") as archive:
        assert all(b"<f>" not in archive.read(n) for n in archive.namelist()
                   if n.startswith("xl/worksheets/"))
    sheet = openpyxl.load_workbook(tmp_path / "玉山镇.xlsx")[BASIC_SHEET]
    cells = {c.value: c for c in sheet["C"]}
    assert cells[names[0]].data_type == "s"
    assert cells[names[0]].quotePrefix
    again = kr.read_lists(tmp_path)
    assert sorted(i.name for i in again.items()) == sorted(names)
