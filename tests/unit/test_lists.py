"""read_lists and write_lists: every problem located, nothing dropped, lists back out."""

from __future__ import annotations

import datetime
from importlib import resources
from pathlib import Path

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
    town_book,
    units_csv,
    write_book,
    write_csv,
)
from kunshan_rbac._sample import SAMPLE_FILE
from kunshan_rbac.formats import RECLAIMED_PLACEHOLDER

DAY = datetime.date(2025, 7, 1)
SAMPLE_PRESENT = resources.files("kunshan_rbac").joinpath("data", SAMPLE_FILE).is_file()

ITEMS_HEADER = ["编码", "事项名称", "领域", "权力类型", "依据", "上级事项"]


def _book(tmp_path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    return write_book(tmp_path / "玉山镇.xlsx", {**sheets, "单位": [UNITS_HEADER, *UNITS]})


def _messy_basic() -> list[list[object]]:
    rows = [BASIC_HEADER, *[list(r) for r in BASIC]]
    rows[1][4] = "市火星局"            # row 2: unknown department
    rows[3][2] = ""                    # row 4: no item name
    rows[4][4] = "市住建局、市住建局"  # row 5: a department named twice
    return rows


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Strict loading raises one LoadError listing every bad row with its place."""
    path = _book(tmp_path, {BASIC_SHEET: _messy_basic()})
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(path)
    places = [(p.sheet, p.row, p.column) for p in caught.value.problems]
    assert places == [(BASIC_SHEET, 2, "E"), (BASIC_SHEET, 4, "C"), (BASIC_SHEET, 5, "E")]
    assert all(p.file == str(path) for p in caught.value.problems)
    assert isinstance(caught.value, kr.KunshanRbacError)
    assert isinstance(caught.value, ValueError)
    assert "3 problems" in str(caught.value)


def test_collect_returns_the_good_rows_and_the_problems(tmp_path: Path) -> None:
    """on_error="collect" gives the graph of the good rows, and the problems."""
    graph, problems = kr.read_lists(_book(tmp_path, {BASIC_SHEET: _messy_basic()}),
                                    on_error="collect")
    assert len(problems) == 3
    assert [i.name for i in graph.items_on("basic", town="玉山镇", at=DAY)] == [
        "临时救助申请受理和小额救助"]


def test_unknown_on_error_is_refused(tmp_path: Path) -> None:
    """on_error other than "raise" or "collect" is a ValueError-family library error."""
    with pytest.raises(kr.KunshanRbacError) as caught:
        kr.read_lists(tmp_path, on_error="ignore")  # type: ignore[call-overload]
    assert isinstance(caught.value, ValueError)


def test_unknown_department_is_a_problem_not_a_new_department(tmp_path: Path) -> None:
    """An unknown department is reported, with suggestions, and no unit is invented."""
    rows = [COOPERATIVE_HEADER, [1, "城乡建设", "某配合事项", "市住建委", "", "", ""]]
    graph, problems = kr.read_lists(_book(tmp_path, {COOPERATIVE_SHEET: rows}),
                                    on_error="collect")
    (problem,) = problems
    assert (problem.row, problem.column, problem.value) == (2, "D", "市住建委")
    assert "市住建局" in problem.expected
    assert {u.code for u in graph.units()} == {row[0] for row in UNITS}
    assert graph.records() == []


def test_several_primary_departments_are_a_problem(tmp_path: Path) -> None:
    """A cooperative row naming two departments is reported: a list names one primary."""
    rows = [COOPERATIVE_HEADER, [1, "城乡建设", "某配合事项", "市住建局、市综合执法局", "", "", ""]]
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(_book(tmp_path, {COOPERATIVE_SHEET: rows}))
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (2, "D")
    assert "exactly one department" in problem.expected


def test_cooperative_partners_column_adds_secondaries(tmp_path: Path) -> None:
    """A 协同部门 column on the cooperative list names more secondary units."""
    rows = [[*COOPERATIVE_HEADER, "协同部门"],
            [1, "城乡建设", "某配合事项", "市住建局", "", "", "", "市综合执法局"]]
    graph = kr.read_lists(_book(tmp_path, {COOPERATIVE_SHEET: rows}))
    answer = graph.owner("某配合事项", town="玉山镇", at=DAY)
    assert [u.code for u in answer.secondary] == ["yushan", "zhzf"]


def test_duplicated_row_is_a_problem(tmp_path: Path) -> None:
    """The same item twice on one list of a town is reported with the first place."""
    rows = [BASIC_HEADER, *BASIC, [5, *BASIC[0][1:]]]
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(_book(tmp_path, {BASIC_SHEET: rows}))
    (problem,) = caught.value.problems
    assert problem.row == 6
    assert "row 2" in problem.expected


def test_item_on_two_lists_of_a_town_is_a_problem(tmp_path: Path) -> None:
    """An item on the basic and the reclaimed list of one town at once is reported."""
    reclaimed = [RECLAIMED_HEADER, [1, BASIC[3][2], "行政检查", "市住建局", "", ""]]
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(_book(tmp_path, {BASIC_SHEET: [BASIC_HEADER, *BASIC],
                                       RECLAIMED_SHEET: reclaimed}))
    (problem,) = caught.value.problems
    assert problem.sheet == RECLAIMED_SHEET
    assert BASIC_SHEET in problem.expected


def test_conflicting_item_data_across_towns_is_a_problem(tmp_path: Path) -> None:
    """The same item with another 领域 in a second town is reported, not silently picked."""
    town_book(tmp_path, "巴城镇")  # read first: files are read in name order
    other = [list(r) for r in BASIC]
    other[3][1] = "城乡建设"
    town_book(tmp_path, "玉山镇", units=False, basic=other)
    graph, problems = kr.read_lists(tmp_path, on_error="collect")
    (problem,) = problems
    assert problem.file.endswith("玉山镇.xlsx")
    assert (problem.row, problem.column) == (5, "B")
    assert "生态环境" in problem.expected
    assert graph.item("秸秆禁烧巡查").domain == "生态环境"


def test_item_catalogue_gives_codes_and_parents(tmp_path: Path) -> None:
    """A 事项 catalogue gives codes, power types and parents; list rows name its items."""
    items = [ITEMS_HEADER,
             ["JZ-1", "对未取得施工许可证擅自施工的处罚", "城乡建设", "行政处罚", "", ""],
             ["ST-1", "对水污染物超标排放的处罚", "生态环境", "行政处罚", "", ""],
             ["ST-1-1", "对水污染物超标排放的处罚（子项）", "生态环境", "行政处罚", "",
              "对水污染物超标排放的处罚"]]
    graph = kr.read_lists(_book(tmp_path, {RECLAIMED_SHEET: [RECLAIMED_HEADER, *RECLAIMED],
                                           "事项": items}))
    assert graph.owner("JZ-1", town="玉山镇", at=DAY).item.domain == "城乡建设"
    assert [i.code for i in graph.sub_items("ST-1")] == ["ST-1-1"]


def test_item_missing_from_the_catalogue_is_a_problem(tmp_path: Path) -> None:
    """With a 事项 catalogue, a list row naming an item outside it is reported."""
    items = [ITEMS_HEADER, ["JZ-1", "对未取得施工许可证擅自施工的处罚", "", "", "", ""]]
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(_book(tmp_path, {RECLAIMED_SHEET: [RECLAIMED_HEADER, *RECLAIMED],
                                       "事项": items}))
    (problem,) = caught.value.problems
    assert (problem.row, problem.column) == (3, "B")


def test_effective_date_starts_every_record(tmp_path: Path) -> None:
    """effective= is the first day of every record; without it records hold always."""
    path = town_book(tmp_path)
    graph = kr.read_lists(path, effective="2025年7月1日")
    assert {r.start for r in graph.records()} == {DAY}
    with pytest.raises(kr.NotAssignedError):
        graph.owner("秸秆禁烧巡查", town="玉山镇", at="2025-06-30")


def test_row_dates_and_bad_dates(tmp_path: Path) -> None:
    """生效日期 / 失效日期 columns date a row; an unreadable date is a located problem."""
    header = [*BASIC_HEADER, "生效日期", "失效日期"]
    rows = [header, [*BASIC[0], "2024-01-01", "2025/6/30"], [*BASIC[1], "2024年13月1日", ""],
            [*BASIC[2], "2025-01-01", "2024-01-01"]]
    graph, problems = kr.read_lists(_book(tmp_path, {BASIC_SHEET: rows}), on_error="collect")
    assert [(p.row, p.column) for p in problems] == [(3, "G"), (4, "H")]
    (record,) = [r for r in graph.records() if r.role is kr.Role.PRIMARY]
    assert (record.start, record.end) == (datetime.date(2024, 1, 1), datetime.date(2025, 6, 30))


def test_missing_path_and_unreadable_formats(tmp_path: Path) -> None:
    """A missing path, and spreadsheet formats that cannot be read, are problems."""
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(tmp_path / "nowhere")
    assert "existing" in caught.value.problems[0].expected
    town_book(tmp_path)
    (tmp_path / "巴城镇.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(tmp_path)
    (problem,) = caught.value.problems
    assert problem.file.endswith("巴城镇.xls")


def test_folder_without_lists_is_a_problem(tmp_path: Path) -> None:
    """A folder holding only a catalogue is reported as holding no list."""
    units_csv(tmp_path)
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(tmp_path)
    assert "at least one list" in caught.value.problems[0].expected


def test_catalogue_problems_are_located(tmp_path: Path) -> None:
    """Bad catalogue rows (type, duplicate code, unknown parent) are located problems."""
    units = [UNITS_HEADER, *UNITS, ["x1", "某单位", "公司", "", ""],
             ["zjj", "另一个局", "部门", "", ""], ["x2", "某局", "部门", "", "nowhere"]]
    write_csv(tmp_path / "单位.csv", units)
    write_csv(tmp_path / f"玉山镇_{BASIC_SHEET}.csv", [BASIC_HEADER, *BASIC])
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(tmp_path)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (12, "C"), (13, "A"), (14, "E")]


def test_written_lists_read_back(tmp_path: Path) -> None:
    """write_lists then read_lists gives the same owners, codes and catalogues."""
    graph = kr.read_lists(town_book(tmp_path / "in"))
    for fmt in ("xlsx", "csv"):
        folder = tmp_path / fmt
        kr.write_lists(graph, folder, format=fmt, at=DAY)
        again = kr.read_lists(folder)
        assert again.units() == graph.units()
        assert again.items() == graph.items()
        for record in graph.records():
            mine = again.owner(record.item, town=record.town, at=DAY)
            theirs = graph.owner(record.item, town=record.town, at=DAY)
            assert (mine.list, mine.primary, mine.secondary) == (
                theirs.list, theirs.primary, theirs.secondary)


def test_reclaimed_town_keeps_its_part(tmp_path: Path) -> None:
    """A town left secondary on a reclaimed item stays so after writing, even with no
    duty text (工作方式 then says the placeholder)."""
    graph = kr.read_lists(town_book(tmp_path / "in"))
    graph.reclaim("秸秆禁烧巡查", towns="玉山镇", to="市生态环境局", effective="2025-01-01",
                  keep_secondary=True)
    kr.write_lists(graph, tmp_path / "out", format="csv", at=DAY)
    again = kr.read_lists(tmp_path / "out")
    answer = again.owner("秸秆禁烧巡查", town="玉山镇", at=DAY)
    assert answer.list is kr.ListKind.RECLAIMED
    assert {u.code for u in answer.secondary} == {"yushan", "nyj"}
    town = [r for r in answer.records if r.unit == "yushan"]
    assert town[0].duty == RECLAIMED_PLACEHOLDER


def test_inconsistent_graph_is_not_written(tmp_path: Path) -> None:
    """Data the lists cannot show raise ExportError with every place; nothing is written."""
    graph = kr.read_lists(town_book(tmp_path / "in"))
    graph.assign("秸秆禁烧巡查", town="玉山镇", list="basic", primary="市住建局")
    graph.assign("临时救助申请受理和小额救助", town="巴城镇", list="basic", primary="市民政局")
    with pytest.raises(kr.ExportError) as caught:
        kr.write_lists(graph, tmp_path / "out", at=DAY)
    assert len(caught.value.problems) == 2
    assert isinstance(caught.value, kr.KunshanRbacError)
    assert not (tmp_path / "out").exists()


def test_write_lists_refuses_unknown_format(tmp_path: Path) -> None:
    """format= must be xlsx or csv."""
    with pytest.raises(kr.KunshanRbacError):
        kr.write_lists(kr.ResponsibilityGraph(), tmp_path, format="ods")


def test_cooperative_and_reclaimed_layouts_round_trip_duties(tmp_path: Path) -> None:
    """Duty texts on the cooperative and reclaimed lists survive writing and reading."""
    graph = kr.read_lists(town_book(tmp_path / "in", cooperative=COOPERATIVE))
    kr.write_lists(graph, tmp_path / "out", at=DAY)
    again = kr.read_lists(tmp_path / "out")
    assert sorted((r.unit, r.item, r.role, r.duty) for r in again.records()) == sorted(
        (r.unit, r.item, r.role, r.duty) for r in graph.records())


@pytest.mark.skipif(not SAMPLE_PRESENT, reason="the embedded Kunshan sample is not built yet")
def test_embedded_units_serve_without_a_catalogue(tmp_path: Path) -> None:
    """Without a 单位 catalogue, towns and departments are the embedded Kunshan units."""
    path = town_book(tmp_path, units=False)
    graph = kr.read_lists(path)
    answer = graph.owner("对未取得施工许可证擅自施工的处罚", town="玉山镇", at=DAY)
    assert answer.primary.code == "zjj"
    assert len(graph.towns()) == 10


@pytest.mark.skipif(not SAMPLE_PRESENT, reason="the embedded Kunshan sample is not built yet")
def test_sample_lists_round_trip(tmp_path: Path) -> None:
    """The embedded sample's lists on a date write and read back with the same owners."""
    sample = kr.load_sample()
    kr.write_lists(sample, tmp_path, format="csv", at=DAY)
    again = kr.read_lists(tmp_path)
    for town in sample.towns():
        for kind in kr.ListKind:
            assert again.items_on(kind, town=town.code, at=DAY) == sample.items_on(
                kind, town=town.code, at=DAY)


def test_trailing_space_in_a_name_is_reported_not_trimmed(tmp_path: Path) -> None:
    """A name ending in a space would come back trimmed from a list: write_lists reports it
    (ExportError, nothing written), while the JSON format keeps it exactly."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("yushan", "玉山镇"))
    graph.add_item(kr.Item("A-1", "燃气安全宣传 "))
    graph.assign("A-1", town="yushan", list="basic", primary="yushan", start="2024-01-01")
    for format in ("xlsx", "csv"):
        with pytest.raises(kr.ExportError) as caught:
            kr.write_lists(graph, tmp_path / format, format=format, at="2025-01-01")
        assert any(p.value == "燃气安全宣传 " and "reads back as written" in p.expected
                   for p in caught.value.problems)
        assert not (tmp_path / format).exists()
    kr.write_json(graph, tmp_path / "g.json")
    assert kr.read_json(tmp_path / "g.json").item("A-1").name == "燃气安全宣传 "
