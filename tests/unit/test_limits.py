"""Bounded readers: each limit of kr.Limits refuses a file with a located LoadError.

The hostile files are made here (see ``tests/hostile.py``): gzip and zip bombs, a lying
zip directory, entity declarations, JSON nested deeper than the limit, sheets and CSV
files with too many rows, columns or characters. Each test also shows that raising the
limit loads what the default refuses, where the file is otherwise valid, and that blank or
merely formatted rows never count.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

import kunshan_rbac as kr
from fixtures_lists import (
    BASIC,
    BASIC_HEADER,
    BASIC_SHEET,
    units_csv,
    write_csv,
)
from hostile import (
    deep_json,
    entity_workbook,
    gzip_bomb,
    gzip_text,
    json_document,
    kr_dumps,
    lying_zip,
    rewrite_zip,
    small_graph,
    workbook,
    zip_bomb,
)
from kunshan_rbac import _jsonio


def _problem(call: object) -> kr.Problem:
    with pytest.raises(kr.LoadError) as caught:
        call()  # type: ignore[operator]
    (problem,) = caught.value.problems
    return problem


def test_limits_are_validated_and_frozen() -> None:
    """Limits takes positive whole numbers by keyword only, and cannot be changed."""
    assert kr.Limits() == kr.DEFAULT_LIMITS
    with pytest.raises(kr.InvalidRecordError, match="rows"):
        kr.Limits(rows=0)
    with pytest.raises(kr.InvalidRecordError, match="depth"):
        kr.Limits(depth=True)
    with pytest.raises(AttributeError):
        kr.DEFAULT_LIMITS.rows = 5  # type: ignore[misc]


def test_gzip_bomb_stops_at_the_limit(tmp_path: Path) -> None:
    """A .json.gz expanding past json_bytes is refused, naming the limit to raise."""
    bomb = gzip_bomb(tmp_path / "bomb.json.gz", 3 << 20)
    problem = _problem(lambda: kr.read_json(bomb, limits=kr.Limits(json_bytes=1 << 20)))
    assert problem.file == str(bomb)
    assert "Limits.json_bytes" in problem.expected


def test_gzip_bomb_with_a_lying_trailer_is_still_bounded(tmp_path: Path) -> None:
    """A trailer claiming a small size does not lift the bound: decompression stops."""
    bomb = gzip_bomb(tmp_path / "bomb.json.gz", 3 << 20)
    data = bytearray(bomb.read_bytes())
    data[-4:] = (10).to_bytes(4, "little")
    bomb.write_bytes(bytes(data))
    problem = _problem(lambda: kr.read_json(bomb, limits=kr.Limits(json_bytes=1 << 20)))
    assert "Limits.json_bytes" in problem.expected


def test_plain_json_over_the_limit(tmp_path: Path) -> None:
    """A plain .json file over json_bytes is refused; raising the limit loads it."""
    path = tmp_path / "g.json"
    kr.write_json(small_graph(), path)
    size = path.stat().st_size
    problem = _problem(lambda: kr.read_json(path, limits=kr.Limits(json_bytes=size - 1)))
    assert "Limits.json_bytes" in problem.expected
    assert kr.read_json(path, limits=kr.Limits(json_bytes=size)).records() == \
        small_graph().records()


def test_truncated_gzip_is_one_problem(tmp_path: Path) -> None:
    """A gzip file cut short is a LoadError for the file, not EOFError."""
    path = gzip_text(tmp_path / "g.json.gz", kr_dumps(small_graph()))
    path.write_bytes(path.read_bytes()[:-20])
    problem = _problem(lambda: kr.read_json(path))
    assert "gzip" in problem.expected


@pytest.mark.parametrize("depth", [65, 990, 5000])
def test_deep_nesting_is_a_located_problem(tmp_path: Path, depth: int) -> None:
    """An array nested 990 deep in a field gives a located LoadError, not RecursionError."""
    path = tmp_path / "deep.json"
    path.write_text(deep_json(depth), encoding="utf-8")
    problem = _problem(lambda: kr.read_json(path))
    assert "Limits.depth" in problem.expected
    # Located by section, index and field when the parser held the document; by line and
    # column when the parser's own stack ran out first (this depends on the caller's stack).
    assert problem.row is not None
    assert problem.column is not None
    if problem.sheet is not None:
        assert (problem.sheet, problem.row) == ("records", 0)
        assert problem.column.startswith("duty")


def test_deep_document_alone(tmp_path: Path) -> None:
    """A bare array nested 100,000 deep is refused with a line and column."""
    path = tmp_path / "deep.json"
    path.write_text(deep_json(100_000, inside=False), encoding="utf-8")
    problem = _problem(lambda: kr.read_json(path))
    assert problem.row == 1
    assert problem.column == "65"


def test_duplicate_keys_are_located(tmp_path: Path) -> None:
    """A key given twice in one record is a problem at that record and key."""
    text = kr_dumps(small_graph())
    first = text.index('"duty":')
    text = text[:first] + '"duty":"其他",' + text[first:]
    with pytest.raises(kr.LoadError) as caught:
        _loads(text)
    places = [(p.sheet, p.row, p.column) for p in caught.value.problems]
    assert ("records", 0, "duty") in places


def _loads(text: str) -> kr.ResponsibilityGraph:
    return _jsonio.loads(text, source="d.json")


def test_record_id_written_as_float_is_refused() -> None:
    """A record id 1.0 is refused (ids are integers), not read and written back as 1.0."""
    document = json_document()
    text = json.dumps(document, ensure_ascii=False)
    record_id = document["records"][1]["id"]
    text = text.replace(f'"id": {record_id},', f'"id": {record_id}.0,', 1)
    with pytest.raises(kr.LoadError) as caught:
        _loads(text)
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("records", 1, "id")
    assert problem.value == float(record_id)


def test_version_written_as_float_is_refused() -> None:
    """A version 1.0 is refused like any number with a decimal point."""
    text = kr_dumps(small_graph()).replace('"version":1,', '"version":1.0,')
    with pytest.raises(kr.LoadError, match="column version"):
        _loads(text)


def test_bad_utf8_is_located(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 give the line and column, not UnicodeDecodeError."""
    path = tmp_path / "g.json"
    data = kr_dumps(small_graph()).encode("utf-8").replace("受理".encode(), b"\xff\xfe", 1)
    path.write_bytes(data)
    problem = _problem(lambda: kr.read_json(path))
    assert problem.row is not None
    assert problem.row > 1
    assert "UTF-8" in problem.expected


def test_folder_given_to_read_json(tmp_path: Path) -> None:
    """A folder given as the JSON file is a LoadError naming it, not IsADirectoryError."""
    problem = _problem(lambda: kr.read_json(tmp_path))
    assert problem.file == str(tmp_path)


# ---------------------------------------------------------------------------- workbooks


def test_zip_bomb_is_refused_from_its_directory(tmp_path: Path) -> None:
    """A workbook that would unzip past workbook_bytes is refused before it is read."""
    bomb = zip_bomb(workbook(tmp_path / "clean"), tmp_path / "玉山镇.xlsx", 8 << 20)
    problem = _problem(lambda: kr.read_lists(bomb, limits=kr.Limits(workbook_bytes=4 << 20)))
    assert "Limits.workbook_bytes" in problem.expected
    assert kr.read_lists(bomb).records()


def test_lying_zip_directory_is_refused(tmp_path: Path) -> None:
    """A part larger than its zip directory says is a LoadError (the read stops there)."""
    liar = lying_zip(workbook(tmp_path / "clean"), tmp_path / "玉山镇.xlsx")
    problem = _problem(lambda: kr.read_lists(liar))
    assert "cannot be opened" in problem.expected


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml",
                                  "[Content_Types].xml", "xl/styles.xml"])
def test_entity_expansion_is_refused(tmp_path: Path, part: str) -> None:
    """An entity-declaring DOCTYPE in any XML part is refused (defusedxml), not expanded."""
    assert openpyxl.DEFUSEDXML is True
    bad = entity_workbook(workbook(tmp_path / "clean"), tmp_path / "玉山镇.xlsx", part)
    problem = _problem(lambda: kr.read_lists(bad))
    assert "entity" in problem.expected


def _sheet_book(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = BASIC_SHEET
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_rows_over_the_limit_stop_the_sheet(tmp_path: Path) -> None:
    """A sheet with more rows holding a value than Limits.rows stops at the first one over."""
    rows: list[list[object]] = [BASIC_HEADER, *([list(BASIC[0])] * 60)]
    path = _sheet_book(tmp_path / "玉山镇.xlsx", rows)
    problem = _problem(lambda: kr.read_lists(path, limits=kr.Limits(rows=50)))
    assert (problem.sheet, problem.row) == (BASIC_SHEET, 51)
    assert "Limits.rows" in problem.expected


def test_one_formatted_cell_at_the_last_row_loads(tmp_path: Path) -> None:
    """A workbook with one styled but empty cell at XFD1048576 loads like the clean one."""
    clean = workbook(tmp_path / "clean")
    book = openpyxl.load_workbook(clean)
    sheet = book[BASIC_SHEET]
    sheet.cell(1_048_576, 16_384).fill = PatternFill("solid", fgColor="FF0000")
    sheet.cell(500_000, 3).fill = PatternFill("solid", fgColor="00FF00")
    formatted = tmp_path / "玉山镇.xlsx"
    book.save(formatted)
    assert openpyxl.load_workbook(formatted, read_only=True)[BASIC_SHEET].max_row == 1_048_576
    assert kr.read_lists(formatted).records() == kr.read_lists(clean).records()


def test_blank_rows_between_values_do_not_count(tmp_path: Path) -> None:
    """Blank rows inside a sheet do not count toward Limits.rows."""
    rows: list[list[object]] = [BASIC_HEADER, list(BASIC[0]), *([[None]] * 100),
                                list(BASIC[1])]
    path = _sheet_book(tmp_path / "玉山镇.xlsx", rows)
    graph = kr.read_lists(path, limits=kr.Limits(rows=3))
    assert len(graph.items()) == 2


def test_columns_and_cells_over_the_limit(tmp_path: Path) -> None:
    """A value beyond Limits.columns, or a cell longer than cell_chars, is located."""
    (tmp_path / "a").mkdir()
    wide = _sheet_book(tmp_path / "a" / "玉山镇.xlsx",
                       [BASIC_HEADER, [*BASIC[0], *([None] * 10), "x"]])
    problem = _problem(lambda: kr.read_lists(wide, limits=kr.Limits(columns=12)))
    assert (problem.row, problem.column) == (2, "Q")
    long = list(BASIC[0])
    long[3] = "受理" * 60
    (tmp_path / "b").mkdir()
    path = _sheet_book(tmp_path / "b" / "玉山镇.xlsx", [BASIC_HEADER, long])
    problem = _problem(lambda: kr.read_lists(path, limits=kr.Limits(cell_chars=100)))
    assert (problem.row, problem.column, problem.value) == (2, "D", "120 characters")
    assert kr.read_lists(path, limits=kr.Limits(cell_chars=120)).records()


# ---------------------------------------------------------------------------- CSV


def test_csv_limits(tmp_path: Path) -> None:
    """CSV files obey csv_bytes, rows, columns and cell_chars, each with its place."""
    units_csv(tmp_path)
    path = write_csv(tmp_path / f"玉山镇_{BASIC_SHEET}.csv",
                     [BASIC_HEADER, *([list(BASIC[0])] * 30)])
    with pytest.raises(kr.LoadError) as caught:
        kr.read_lists(tmp_path, limits=kr.Limits(csv_bytes=100))
    assert {p.file for p in caught.value.problems} == {str(path), str(tmp_path / "单位.csv")}
    assert all("Limits.csv_bytes" in p.expected for p in caught.value.problems)
    problem = _problem(lambda: kr.read_lists(tmp_path, limits=kr.Limits(rows=20)))
    assert (problem.file, problem.row) == (str(path), 21)
    write_csv(path, [BASIC_HEADER, [*BASIC[0], "", "", "x"]])
    problem = _problem(lambda: kr.read_lists(tmp_path, limits=kr.Limits(columns=8)))
    assert (problem.row, problem.column) == (2, "I")
    write_csv(path, [BASIC_HEADER, [*BASIC[0][:3], "审" * 200_000, *BASIC[0][4:]]])
    problem = _problem(lambda: kr.read_lists(tmp_path))
    assert problem.row == 2
    assert "Limits.cell_chars" in problem.expected


def test_a_sheet_whose_part_is_missing_is_a_problem(tmp_path: Path) -> None:
    """A sheet the workbook declares but whose XML part is gone is refused, naming the
    sheet (openpyxl alone would skip it without a word)."""
    clean = workbook(tmp_path / "clean")
    damaged = rewrite_zip(clean, tmp_path / "玉山镇.xlsx", {"xl/worksheets/sheet2.xml": None})
    problem = _problem(lambda: kr.read_lists(damaged))
    assert problem.sheet == openpyxl.load_workbook(clean).sheetnames[1]
    assert "missing" in problem.expected


def test_a_directory_that_renames_a_part_is_refused(tmp_path: Path) -> None:
    """A zip directory naming a part differently from its local header is refused."""
    clean = workbook(tmp_path / "clean")
    data = clean.read_bytes()
    central = data.rfind(b"xl/worksheets/sheet2.xml")
    damaged = tmp_path / "玉山镇.xlsx"
    damaged.write_bytes(data[:central] + b"xl/worksheets/sheet9.xml"
                        + data[central + len(b"xl/worksheets/sheet2.xml"):])
    problem = _problem(lambda: kr.read_lists(damaged))
    assert "cannot be opened" in problem.expected
