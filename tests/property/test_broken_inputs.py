"""Broken inputs raise LoadError and nothing else, and are never loaded in silence.

Each example writes one town's lists (a workbook, or CSV files) with its unit catalogue,
then breaks them: random cells, shuffled or missing headers, unknown departments,
duplicated rows, bad dates, truncated and binary files. `read_lists` must either load
the input or raise `LoadError`; with ``on_error="collect"`` it must never raise, and it
must report exactly the problems that strict loading raises. Inputs broken in a way that
cannot load must give at least one problem.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
    write_book,
    write_csv,
)

TRIED = {"inputs": 0, "loaded": 0, "refused": 0}
"""How many inputs were tried, loaded and refused (printed at the end of the module)."""

SHEETS = {
    BASIC_SHEET: (BASIC_HEADER, BASIC, 4),
    COOPERATIVE_SHEET: (COOPERATIVE_HEADER, COOPERATIVE, 3),
    RECLAIMED_SHEET: (RECLAIMED_HEADER, RECLAIMED, 3),
}
"""Each list's header, clean rows, and the column of its department."""

cells = (
    st.none()
    | st.text(max_size=12)
    | st.sampled_from(["市住建局", "注：说明", "一、综合", "=1+1", "'", "2025-13-01", "\u3000"])
    | st.integers(-5, 10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.datetimes(min_value=datetime.datetime(1900, 1, 1))
)

NEUTRAL = ["cell", "shuffle", "extra_row", "garble_header"]
FATAL = ["unknown_department", "duplicate_row", "bad_date", "drop_header", "binary", "truncate"]


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\nbroken inputs: {TRIED['inputs']} tried, {TRIED['loaded']} loaded, "
          f"{TRIED['refused']} refused with LoadError")


def _fresh(sheet: str, name: str, department: str = "市住建局") -> list[Any]:
    header, rows, column = SHEETS[sheet]
    row: list[Any] = list(rows[0])
    row[header.index("事项名称")] = name
    row[column] = department
    return row


@st.composite
def broken_folders(draw: st.DrawFn) -> tuple[str, dict[str, list[list[Any]]], str | None, Any]:
    """A format, the tables to write, the fatal break (if any) and its argument."""
    tables: dict[str, list[list[Any]]] = {}
    for sheet, (header, rows, _column) in SHEETS.items():
        kept = draw(st.lists(st.sampled_from(range(len(rows))), unique=True, min_size=1))
        tables[sheet] = [list(header), *[list(rows[i]) for i in sorted(kept)]]
    for _ in range(draw(st.integers(0, 4))):
        sheet = draw(st.sampled_from(list(SHEETS)))
        table = tables[sheet]
        action = draw(st.sampled_from(NEUTRAL))
        width = len(table[0])
        if action == "cell" and len(table) > 1:
            row = table[draw(st.integers(1, len(table) - 1))]
            column = draw(st.integers(0, width - 1))
            row.extend([None] * (column + 1 - len(row)))
            row[column] = draw(cells)
        elif action == "shuffle":
            order = draw(st.permutations(range(width)))
            tables[sheet] = [[r[i] if i < len(r) else None for i in order] for r in table]
        elif action == "extra_row":
            table.append(draw(st.lists(cells, min_size=1, max_size=width + 2)))
        elif action == "garble_header":
            table[0][draw(st.integers(0, width - 1))] = draw(st.text(max_size=6))
    fatal = draw(st.none() | st.sampled_from(FATAL))
    argument: Any = None
    if fatal in ("unknown_department", "duplicate_row", "bad_date", "drop_header"):
        argument = draw(st.sampled_from(list(SHEETS)))
    elif fatal in ("binary", "truncate"):
        argument = draw(st.binary(min_size=1, max_size=200))
    return draw(st.sampled_from(["xlsx", "csv"])), tables, fatal, argument


def _break_tables(tables: dict[str, list[list[Any]]], fatal: str | None, sheet: Any) -> bool:
    """Apply a fatal break to the tables; whether it is sure to give a problem."""
    if fatal is None or sheet not in SHEETS:
        return fatal == "binary"
    table = tables[sheet]
    if fatal == "drop_header":
        names = {"事项名称", "对应上级部门", "承接部门"}
        tables[sheet] = [r for r in table if not names & {str(c) for c in r}]
        tables[sheet].insert(0, ["随便", "什么"])
        return True
    # Fresh rows go under the header wherever its columns now are.
    header, _rows, _column = SHEETS[sheet]
    order = [table[0].index(h) if h in table[0] else None for h in header]
    def place(row: list[Any]) -> list[Any]:
        out: list[Any] = [None] * len(table[0])
        for value, index in zip(row, order, strict=True):
            if index is not None:
                out[index] = value
        return out
    if fatal == "unknown_department":
        table.append(place(_fresh(sheet, "新增事项甲", "市无此局")))
        return order[SHEETS[sheet][2]] is not None
    if fatal == "duplicate_row":
        table.append(place(_fresh(sheet, "重复事项乙")))
        table.append(place(_fresh(sheet, "重复事项乙")))
        return True
    if fatal == "bad_date":
        row = place(_fresh(sheet, "新增事项丙"))
        table[0] = [*table[0], *[None] * (max(map(len, table)) - len(table[0])), "生效日期"]
        table.append([*row, *[None] * (len(table[0]) - 1 - len(row)), "2025年2月30日"])
        return True
    return False


def _write(folder: Path, fmt: str, tables: dict[str, list[list[Any]]]) -> list[Path]:
    units = [UNITS_HEADER, *UNITS]
    if fmt == "xlsx":  # a workbook cannot hold control characters: drop them
        clean = {sheet: [[ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c
                          for c in row] for row in rows] for sheet, rows in tables.items()}
        return [write_book(folder / "玉山镇.xlsx", {**clean, "单位": units})]
    paths = [write_csv(folder / "单位.csv", units)]
    for sheet, rows in tables.items():
        paths.append(write_csv(folder / f"玉山镇_{sheet}.csv", rows))
    return paths


@given(broken_folders(), st.integers(0, 10**6))
def test_broken_inputs_raise_load_error_and_nothing_else(
    case: tuple[str, dict[str, list[list[Any]]], str | None, Any], seed: int
) -> None:
    """Any broken input either loads or raises LoadError; collect never raises and reports
    the same errors (plus warnings and notes); fatal breaks always give an error."""
    fmt, tables, fatal, argument = case
    sure = _break_tables(tables, fatal, argument)
    TRIED["inputs"] += 1
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        paths = _write(folder, fmt, tables)
        target = paths[seed % len(paths)]
        if fatal == "binary":
            target.write_bytes(argument)
        elif fatal == "truncate":
            data = target.read_bytes()
            target.write_bytes(data[: seed % max(1, len(data) - 1)])
        graph, found = kr.read_lists(folder, on_error="collect")
        assert isinstance(graph, kr.ResponsibilityGraph)
        problems = [p for p in found if p.is_error]
        if problems:
            with pytest.raises(kr.LoadError) as caught:
                kr.read_lists(folder)
            assert caught.value.problems == problems
            TRIED["refused"] += 1
        else:
            kr.read_lists(folder)
            TRIED["loaded"] += 1
    for problem in problems:
        assert problem.file.startswith(name)
        assert problem.row is None or problem.row >= 1
        assert problem.expected
    if sure or (fatal == "truncate" and fmt == "xlsx"):
        assert problems, (fatal, fmt)
