"""Excel workbooks (``.xlsx``): sheets to tables and back, with openpyxl.

Reading takes each cell's stored value (``data_only``: a formula cell gives the value
Excel last computed, and nothing is ever evaluated), copies the value of every merged cell
into the cells it covers, and turns any failure of the file itself (not a zip, truncated,
not a workbook) into one `Problem` for the file.

Writing gives every sheet a title row merged across the columns, a bold header that stays
in view, and text cells throughout. A text that a spreadsheet would take for a formula
(`FORMULA_TRIGGERS`) is stored as a text cell with Excel's quote prefix, exactly what Excel
stores when a user types ``'=…``: the text itself is not changed, so nothing needs undoing
when it is read back.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ._atomic import atomic_write
from ._errors import Problem
from ._tables import FORMULA_TRIGGERS, Table

__all__ = ["MAX_ROWS", "Sheet", "read_workbook", "write_workbook"]

MAX_ROWS = 100_000
"""Rows a sheet may have; a duty list has a few hundred, so more means a broken file."""


def read_workbook(path: Path, file: str) -> list[Table] | list[Problem]:
    """The worksheets of a workbook as tables, or the one problem that stops reading it.

    Args:
        path: the workbook.
        file: how problems name it.

    Returns:
        One `Table` per worksheet, in the workbook's order; or a list with one `Problem`.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds of error for a broken file
        detail = f"{type(exc).__name__}: {exc}"[:200]
        return [Problem(file, expected=f"a readable .xlsx workbook; this one cannot be "
                        f"opened ({detail})")]
    tables: list[Table] = []
    try:
        for sheet in book.worksheets:
            if sheet.max_row > MAX_ROWS:
                return [Problem(file, sheet.title, value=sheet.max_row,
                                expected=f"at most {MAX_ROWS} rows in a sheet")]
            tables.append(_table(sheet, file))
    finally:
        book.close()
    return tables


def _table(sheet: Worksheet, file: str) -> Table:
    rows: list[list[Any]] = []
    for values in sheet.iter_rows(values_only=True):
        cells = list(values)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    table = Table(file, sheet.title, sheet.title, rows)
    width = max((len(r) for r in rows), default=0)
    for merged in sheet.merged_cells.ranges:
        top, left = merged.min_row - 1, merged.min_col - 1
        if top >= len(rows) or left >= width:
            continue
        value = table.raw(top, left)
        bottom = min(merged.max_row, len(rows))
        right = min(merged.max_col, width)
        for row in range(top, bottom):
            cells = rows[row]
            if len(cells) < right:
                cells.extend([None] * (right - len(cells)))
            for column in range(left, right):
                cells[column] = value
                if row > top:
                    table.inherited.add((row, column))
            if right - left > 1:
                table.merged_rows.add(row)
    return table


@attrs.frozen
class Sheet:
    """One sheet to write.

    Attributes:
        name: the sheet's name.
        header: the column headers.
        rows: the data rows (texts; ``""`` leaves a cell blank).
        title: a title row above the header, merged across the columns (none if empty).
    """

    name: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""


_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="D9E1F2")
_CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAPPED = Alignment(vertical="top", wrap_text=True)


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write sheets to a new workbook at ``path`` (replacing it whole, never half-written).

    Args:
        path: where to write; the file is written beside it first, then moved in place.
        sheets: the sheets, in order.
    """
    book = openpyxl.Workbook()
    default = book.active
    if default is not None:
        book.remove(default)
    for spec in sheets:
        sheet = book.create_sheet(spec.name)
        top = 1
        width = len(spec.header)
        if spec.title:
            _put(sheet, 1, 1, spec.title).font = _TITLE
            sheet.cell(1, 1).alignment = _CENTRED
            if width > 1:
                sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
            sheet.row_dimensions[1].height = 28
            top = 2
        for column, text in enumerate(spec.header, start=1):
            cell = _put(sheet, top, column, text)
            cell.font = _BOLD
            cell.fill = _FILL
            cell.alignment = _CENTRED
        for offset, row in enumerate(spec.rows, start=1):
            for column, text in enumerate(row, start=1):
                if text:
                    _put(sheet, top + offset, column, text).alignment = _WRAPPED
        for column, text in enumerate(spec.header, start=1):
            longest = max((_width(r[column - 1]) for r in spec.rows if column <= len(r)),
                          default=0)
            sheet.column_dimensions[get_column_letter(column)].width = min(
                60, max(6, _width(text) + 2, longest + 2))
        sheet.freeze_panes = sheet.cell(top + 1, 1)
    buffer = io.BytesIO()  # a town's workbook is small; saved whole, then written at once
    book.save(buffer)
    with atomic_write(path) as file:
        file.write(buffer.getvalue())


def _put(sheet: Worksheet, row: int, column: int, text: str) -> Any:
    """Write a text cell that stays text, whatever it starts with."""
    cell = sheet.cell(row, column)
    cell.value = text
    if text.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _width(text: str) -> int:
    longest = max((len(line) for line in text.split("\n")), default=0)
    wide = sum(1 for ch in text if ord(ch) > 0x2E80)
    return longest + min(wide, longest)
