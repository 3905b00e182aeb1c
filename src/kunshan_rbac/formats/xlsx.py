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
import posixpath
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.handler import ContentHandler

import attrs
import openpyxl
from defusedxml import DefusedXmlException, sax
from defusedxml.ElementTree import fromstring
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from .._atomic import atomic_write
from .._errors import Problem
from .._limits import DEFAULT_LIMITS, Limits
from .cells import FORMULA_TRIGGERS, column_letter
from .table import Table

__all__ = ["MAX_ROWS", "Sheet", "read_workbook", "write_workbook"]

MAX_ROWS = DEFAULT_LIMITS.rows
"""Rows a sheet may have by default (`Limits.rows`); a duty list has a few hundred."""

_MAX_PARTS = 10_000
"""Files a workbook's zip archive may hold; a workbook has a few dozen."""


def read_workbook(path: Path, file: str,
                  limits: Limits = DEFAULT_LIMITS) -> list[Table] | list[Problem]:
    """The worksheets of a workbook as tables, or the one problem that stops reading it.

    The zip directory is checked first: a workbook that would unzip to more than
    ``limits.workbook_bytes`` is refused before anything is decompressed (the sizes it
    declares bound what can be read from it). Sheets are then streamed (openpyxl's
    read-only mode, with defusedxml guarding its XML parser), and a sheet stops as soon as
    it passes ``limits.rows`` rows holding a value; blank rows, and rows holding only
    formatting, are never counted.

    Args:
        path: the workbook.
        file: how problems name it.
        limits: the limits to apply.

    Returns:
        One `Table` per worksheet, in the workbook's order; or a list with one `Problem`.
    """
    refused = _check_archive(path, file, limits)
    if refused is not None:
        return [refused]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True,
                                          keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds of error for a broken file
        return [_unreadable(file, exc)]
    tables: list[Table] = []
    try:
        declared = _sheet_parts(path)
        loaded = set(book.sheetnames)
        for name, part in declared:
            if part is None or name not in loaded:
                return [Problem(file, name, value=part, expected=(
                    "the part of every sheet the workbook declares; this one is missing "
                    "(the file is damaged: save it again from Excel)"))]
        parts = dict(declared)
        for sheet in book.worksheets:
            table = _table(sheet, file, limits)
            if isinstance(table, Problem):
                return [table]
            part = parts.get(sheet.title)
            if part is not None:  # only once the rows have passed the limits
                _merge(table, _merged_cells(path, part))
            tables.append(table)
    except Exception as exc:  # a sheet's XML is parsed only now, while streaming
        return [_unreadable(file, exc)]
    finally:
        book.close()
    return tables


def _unreadable(file: str, exc: BaseException) -> Problem:
    """The problem for a workbook that fails to open, in one line, naming the first cause."""
    root: BaseException = exc
    seen = {id(root)}
    while (root.__cause__ or root.__context__) is not None:
        nxt = root.__cause__ or root.__context__
        assert nxt is not None
        if id(nxt) in seen:
            break
        seen.add(id(nxt))
        root = nxt
    if isinstance(root, DefusedXmlException):
        return Problem(file, value=type(root).__name__, expected="a workbook without XML "
                       "entity or DTD declarations (refused: they can expand a small file into "
                       "gigabytes)")
    detail = " ".join(f"{type(root).__name__}: {root}".split())[:200]
    return Problem(file, expected=f"a readable .xlsx workbook; this one cannot be opened "
                   f"({detail})")


def _check_archive(path: Path, file: str, limits: Limits) -> Problem | None:
    """The problem with a workbook's zip archive, judged from its directory alone."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) <= _MAX_PARTS:
                for part in parts:
                    # Opening reads only the part's local header, which must name the same
                    # file as the directory: a damaged directory would otherwise hide a part
                    # (and a sheet) from openpyxl without a word.
                    archive.open(part).close()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
            NotImplementedError, RuntimeError) as exc:
        return _unreadable(file, exc)
    if len(parts) > _MAX_PARTS:
        return Problem(file, value=f"{len(parts):,} files in the archive",
                       expected=f"a workbook of at most {_MAX_PARTS:,} parts")
    unzipped = sum(part.file_size for part in parts)
    if unzipped > limits.workbook_bytes:
        return Problem(file, value=f"{unzipped:,} bytes once unzipped", expected=(
            f"a workbook of at most {limits.workbook_bytes:,} bytes once unzipped "
            "(Limits.workbook_bytes; pass limits=kr.Limits(workbook_bytes=...) to read a "
            "larger workbook you trust)"))
    return None


_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet"
_RID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheet_parts(path: Path) -> list[tuple[str, str | None]]:
    """The sheets a workbook declares, in order, with their parts (``None`` if missing)."""
    declared: list[tuple[str, str | None]] = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        book = "xl/workbook.xml"
        if "_rels/.rels" in names:
            for rel in fromstring(archive.read("_rels/.rels")).iter(_REL):
                if rel.get("Type", "").endswith("/officeDocument"):
                    book = rel.get("Target", book).lstrip("/")
        folder = posixpath.dirname(book)
        rels_name = posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels")
        targets: dict[str, str] = {}
        if rels_name in names:
            for rel in fromstring(archive.read(rels_name)).iter(_REL):
                target = rel.get("Target", "")
                targets[rel.get("Id", "")] = (
                    target.lstrip("/") if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target)))
        if book not in names:
            return declared
        for sheet in fromstring(archive.read(book)).iter(_SHEET):
            part = targets.get(sheet.get(_RID, ""))
            declared.append((sheet.get("name", ""), part if part in names else None))
    return declared


_MERGE = b"mergeCell"


def _merged_cells(path: Path, part: str) -> list[str]:
    """The merged ranges (``"A1:C1"``) of one worksheet part.

    openpyxl's read-only mode does not read them. The part is first searched for the word
    ``mergeCell`` in chunks (most sheets have none); only a sheet that has it is parsed,
    with a streaming, entity-refusing (defusedxml) SAX parser that keeps nothing else.
    """
    with zipfile.ZipFile(path) as archive:
        with archive.open(part) as stream:
            tail = b""
            while chunk := stream.read(1 << 20):
                if _MERGE in tail + chunk:
                    break
                tail = chunk[-len(_MERGE):]
            else:
                return []
        handler = _MergeHandler()
        with archive.open(part) as stream:
            sax.parse(stream, handler)
    return handler.ranges


class _MergeHandler(ContentHandler):
    """Collects the ``ref`` of every ``mergeCell`` element, keeping nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self.ranges: list[str] = []

    def startElement(self, name: str, attrs: Any) -> None:
        if name.rpartition(":")[2] == "mergeCell":
            self.ranges.append(str(attrs.get("ref", "")))


def _table(sheet: Any, file: str, limits: Limits) -> Table | Problem:
    rows: list[list[Any]] = []
    blank: list[Any] = []  # one shared empty row for every blank row (never mutated)
    pending = 0
    counted = 0
    title = sheet.title
    # The declared dimension counts formatted cells (one styled cell at XFD1048576 would
    # pad every row to 16,384 cells and add a million rows): rows are read as stored.
    sheet.reset_dimensions()
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = list(values)
        while cells and (cells[-1] is None or cells[-1] == ""):
            cells.pop()
        if not cells:
            pending += 1
            continue
        counted += 1
        if counted > limits.rows:
            return Problem(file, title, number, value=f"more than {limits.rows:,} rows",
                           expected=f"at most {limits.rows:,} rows holding a value in a sheet "
                           "(Limits.rows)")
        if len(cells) > limits.columns:
            return Problem(file, title, number, column_letter(len(cells) - 1),
                           expected=f"at most {limits.columns:,} columns (Limits.columns)")
        for index, value in enumerate(cells):
            if isinstance(value, str) and len(value) > limits.cell_chars:
                return Problem(file, title, number, column_letter(index),
                               value=f"{len(value):,} characters", expected=(
                                   f"at most {limits.cell_chars:,} characters in a cell "
                                   "(Limits.cell_chars)"))
        rows.extend([blank] * pending)
        pending = 0
        rows.append(cells)
    return Table(file, title, title, rows)


def _merge(table: Table, merged: list[str]) -> None:
    """Copy the value of each merged range into the cells it covers."""
    rows = table.rows
    width = max((len(r) for r in rows), default=0)
    for text in merged:
        try:
            bounds = range_boundaries(text)
        except (ValueError, TypeError):
            continue
        if None in bounds:
            continue
        left_col, top_row, right_col, bottom_row = (int(b or 0) for b in bounds)
        top, left = top_row - 1, left_col - 1
        if top >= len(rows) or left >= width:
            continue
        value = table.raw(top, left)
        bottom = min(bottom_row, len(rows))
        right = min(right_col, width)
        for row in range(top, bottom):
            cells = rows[row]
            if len(cells) < right:
                cells = rows[row] = [*cells, *([None] * (right - len(cells)))]
            for column in range(left, right):
                cells[column] = value
                if row > top:
                    table.inherited.add((row, column))
            if right - left > 1:
                table.merged_rows.add(row)


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
