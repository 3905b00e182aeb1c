"""Data rows under a header: notes skipped, section rows read, 领域 carried down."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from .._errors import Problem
from .cells import one_line
from .headers import Header, TableKind
from .table import Place, Table

__all__ = ["Cells", "data_rows"]

_NOTE = re.compile(
    r"^(?:[※*]|(?:注|备注|说明|附注|附件说明|填表说明|填报说明)\s*[:：0-9一二三四五六七八九十、.．(（]"
    r"|(?:注|备注|说明)$"
    r"|(?:制表|审核|填报|填表|联系)(?:人|单位|日期|时间|电话)?\s*[:：]"
    r"|(?:合计|总计|小计)(?:\s|[:：]|\d|$))"
)
_TOTAL = re.compile(r"^(?:合计|总计|小计)")
_SECTION = re.compile(
    r"^(?:[一二三四五六七八九十百]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[)）])\s*(.+)$",
    re.DOTALL,
)


@attrs.frozen
class Cells:
    """The cleaned cells of one data row, by column name."""

    table: Table
    header: Header
    row: int
    texts: dict[str, str]

    @property
    def place(self) -> Place:
        """Where the row is."""
        return Place(self.table.file, self.table.sheet, self.row + 1)

    def get(self, name: str) -> str:
        """The cleaned text of a column ('' when the header has no such column)."""
        return self.texts.get(name, "")

    def problem(self, name: str, expected: str, value: Any = None) -> Problem:
        """A problem in one column of this row."""
        index = self.header.columns.get(name)
        shown = value if value is not None else (
            self.table.raw(self.row, index) if index is not None else None)
        return self.table.problem(f"{name}: {expected}", row=self.row,
                                  column=self.header.letter(name), value=shown)


def data_rows(table: Table, header: Header, kind: TableKind) -> Iterable[Cells]:
    """The data rows under the header, cleaned, with 领域 carried down and notes skipped."""
    domain = ""
    in_notes = False
    for row in range(header.row + 1, len(table.rows)):
        cells = table.rows[row]
        own = [
            (column, table.text(row, column))
            for column in range(len(cells))
            if (row, column) not in table.inherited and table.text(row, column)
        ]
        if not own:
            continue
        distinct = {text for _c, text in own}
        first = one_line(own[0][1])
        single = len(distinct) == 1
        name_index = header.columns.get("事项名称")
        name_text = table.text(row, name_index) if name_index is not None else ""
        note = _NOTE.match(first)
        if note and (not name_text or name_text == own[0][1] or _TOTAL.match(first)):
            in_notes = True
            continue
        section = _SECTION.match(first) if single and kind.list is not None else None
        if single and (in_notes or (row in table.merged_rows and len(own) > 1)):
            if not in_notes and kind.list is not None:
                domain = one_line(section.group(1) if section else first)
            continue
        if section is not None:
            domain = one_line(section.group(1))
            continue
        texts = {name: table.text(row, index) for name, index in header.columns.items()}
        if "领域" in header.columns and kind.list is not None:
            if texts["领域"]:
                domain = one_line(texts["领域"])
            else:
                texts["领域"] = domain
        elif domain and kind.list is not None:
            texts["领域"] = domain
        yield Cells(table, header, row, texts)


