"""Reading and writing CSV lists: encodings, names, the formula guard."""

from __future__ import annotations

import codecs
import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from fixtures_lists import (
    BASIC,
    BASIC_HEADER,
    BASIC_SHEET,
    COOPERATIVE_SHEET,
    RECLAIMED_SHEET,
    town_csvs,
    units_csv,
    write_csv,
)
from kunshan_rbac.formats.cells import guard_formula, unguard_formula
from kunshan_rbac.formats.csv import decode

DAY = datetime.date(2025, 7, 1)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_encodings_of_government_exports(tmp_path: Path, encoding: str) -> None:
    """UTF-8 with or without BOM, and GB18030, all load the same lists."""
    units_csv(tmp_path)
    town_csvs(tmp_path, encoding=encoding)
    graph = kr.read_lists(tmp_path)
    assert len(graph.items_on("basic", town="巴城镇", at=DAY)) == len(BASIC)
    assert graph.owner("秸秆禁烧巡查", town="巴城", at=DAY).primary.name == "巴城镇"


def test_utf16_tab_separated_export(tmp_path: Path) -> None:
    """Excel's "Unicode text" (UTF-16 with BOM, tab-separated) loads too."""
    units_csv(tmp_path)
    write_csv(tmp_path / f"巴城镇_{BASIC_SHEET}.csv", [BASIC_HEADER, *BASIC], encoding="utf-16",
              delimiter="\t")
    graph = kr.read_lists(tmp_path)
    assert len(graph.items_on("basic", town="巴城镇", at=DAY)) == len(BASIC)


def test_file_names_give_town_and_list(tmp_path: Path) -> None:
    """<town>_<list>.csv names the town (by name or alias) and the list (full or short)."""
    units_csv(tmp_path)
    write_csv(tmp_path / "巴城_基本.csv", [BASIC_HEADER, *BASIC])
    graph = kr.read_lists(tmp_path)
    assert {r.town for r in graph.records()} == {"bacheng"}
    assert {r.list for r in graph.records()} == {kr.ListKind.BASIC}


def test_file_named_after_nothing_is_a_problem(tmp_path: Path) -> None:
    """A CSV file whose name gives no list is reported, not guessed."""
    units_csv(tmp_path)
    path = write_csv(tmp_path / "export.csv", [BASIC_HEADER, *BASIC])
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(tmp_path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert "<town>_<list>.csv" in problem.expected


def test_file_of_unknown_town_is_a_problem(tmp_path: Path) -> None:
    """A list of a town the catalogue does not know is reported, not made up."""
    units_csv(tmp_path)
    write_csv(tmp_path / f"火星镇_{BASIC_SHEET}.csv", [BASIC_HEADER, *BASIC])
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(tmp_path)
    (problem,) = caught.value.problems
    assert problem.value == "火星镇"
    assert "town" in problem.expected


def test_binary_file_is_one_problem(tmp_path: Path) -> None:
    """A binary file named like a list is one problem for the file, at its first NUL byte."""
    units_csv(tmp_path)
    (tmp_path / f"巴城镇_{BASIC_SHEET}.csv").write_bytes(bytes(range(256)) * 4)
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(tmp_path)
    (problem,) = caught.value.problems
    assert problem.sheet is None
    assert problem.row == 1
    assert "text file" in problem.expected


def test_merged_domain_exported_as_blanks_is_carried_down(tmp_path: Path) -> None:
    """A merged 领域 exported to CSV (blank below its first row) holds for the rows below."""
    units_csv(tmp_path)
    rows = [BASIC_HEADER, *[list(r) for r in BASIC]]
    rows[2][1] = ""
    write_csv(tmp_path / f"巴城镇_{BASIC_SHEET}.csv", rows)
    graph = kr.read_lists(tmp_path)
    assert graph.item("临时救助申请受理和小额救助").domain == "民生服务"


def test_problem_rows_are_spreadsheet_rows(tmp_path: Path) -> None:
    """Problems in CSV files give the row as a spreadsheet shows it (header = row 1) and
    the column letter, even with line breaks inside cells."""
    units_csv(tmp_path)
    rows = [BASIC_HEADER, *[list(r) for r in BASIC]]
    rows[1][3] = "第一行\n第二行"
    rows[3][4] = "市宇宙局"
    path = write_csv(tmp_path / f"巴城镇_{BASIC_SHEET}.csv", rows)
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(tmp_path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.sheet, problem.row, problem.column) == (str(path), None, 4, "E")


@given(st.text())
def test_formula_guard_is_undone_exactly(text: str) -> None:
    """unguard_formula(guard_formula(s)) == s for every text s."""
    assert unguard_formula(guard_formula(text)) == text


def test_formula_guard_choices() -> None:
    """Texts a spreadsheet would run get one apostrophe; ordinary ones, and texts that
    merely start with an apostrophe, are left alone."""
    for trigger in ("=", "+", "-", "@", "\t", "\r"):
        assert guard_formula(trigger + "x") == "'" + trigger + "x"
    assert guard_formula("秸秆禁烧巡查") == "秸秆禁烧巡查"
    assert guard_formula("'abc") == "'abc"
    assert guard_formula("'=abc") == "''=abc"
    assert unguard_formula("'abc") == "'abc"


def test_written_csv_is_excel_friendly_and_guarded(tmp_path: Path) -> None:
    """Written CSV is UTF-8 with BOM and CRLF; formula-like cells carry the apostrophe
    and read back unchanged."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("yushan", "玉山镇"))
    names = ["=cmd|'/C calc'!A0", "@SUM(1)", "'已有引号", "普通事项"]
    for number, name in enumerate(names):
        graph.add_item(kr.Item(f"I{number}", name))
        graph.assign(f"I{number}", town="yushan", list="basic", primary="yushan")
    paths = kr.write_lists(graph, tmp_path, format="csv", at=DAY)
    assert [p.name for p in paths] == [
        "单位.csv", "事项.csv", f"玉山镇_{BASIC_SHEET}.csv", f"玉山镇_{COOPERATIVE_SHEET}.csv",
        f"玉山镇_{RECLAIMED_SHEET}.csv",
    ]
    data = (tmp_path / f"玉山镇_{BASIC_SHEET}.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert b"\r\n" in data
    text = data.decode("utf-8-sig")
    assert "'=cmd" in text
    assert "'@SUM(1)" in text
    again = kr.read_lists(tmp_path)
    assert sorted(i.name for i in again.items()) == sorted(names)


def test_hand_guarded_cell_reads_as_its_text(tmp_path: Path) -> None:
    """A cell someone guarded by hand ('=…) reads as the text after the apostrophe."""
    units_csv(tmp_path)
    rows = [BASIC_HEADER, [1, "综合", "'=1+1事项", "", "", ""]]
    write_csv(tmp_path / f"巴城镇_{BASIC_SHEET}.csv", rows)
    assert [i.name for i in kr.read_lists(tmp_path).items()] == ["=1+1事项"]


def test_decode_refuses_binary_and_mixed_bytes() -> None:
    """decode() gives None for NUL bytes, control characters and undecodable bytes."""
    assert decode(b"a,b\x00c") is None
    assert decode(b"a,\x01b") is None
    assert decode(b"abc\x81\x30\xff") is None
    assert decode("序号".encode("gb18030")) == "序号"
