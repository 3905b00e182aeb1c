"""Data rows under a header: notes skipped, section rows read, 领域 carried down."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from .._errors import Problem
from .cells import is_power_type, one_line
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


_COUNT = re.compile(r"^(.+?)\s*[（(]\s*(?:共\s*)?(\d+)\s*(?:项|条|个)?\s*[)）]$", re.DOTALL)

GROUPING_UNITS = ("对应上级部门", "承接部门")
"""Unit columns that group a list's rows when they stand left of 事项名称 (a unit merged
down over its items): a blank cell there takes the unit above, as a blank 领域 does."""


@attrs.frozen
class Cells:
    """The cleaned cells of one data row, by column name.

    Attributes:
        table: the table.
        header: its header.
        row: the row (0-based).
        texts: the cleaned text of each column the header has, by column name.
        carried: columns whose text was not in this row but carried down, with the row
            (0-based) it came from: a blank 领域 under a 领域 or a section row, a blank
            grouping unit under its unit.
    """

    table: Table
    header: Header
    row: int
    texts: dict[str, str]
    carried: dict[str, int] = attrs.field(factory=dict)

    @property
    def place(self) -> Place:
        """Where the row is."""
        return Place(self.table.file, self.table.sheet, self.row + 1)

    def get(self, name: str) -> str:
        """The cleaned text of a column ('' when the header has no such column)."""
        return self.texts.get(name, "")

    def problem(self, name: str, expected: str, value: Any = None, *,
                severity: str = "error") -> Problem:
        """A problem in one column of this row."""
        index = self.header.columns.get(name)
        shown = value if value is not None else (
            self.table.raw(self.row, index) if index is not None else None)
        return self.table.problem(f"{name}: {expected}", row=self.row,
                                  column=self.header.letter(name), value=shown,
                                  severity=severity)

    def carried_notes(self) -> list[Problem]:
        """A note for each value carried down into this row, naming the row it came from."""
        return [self.problem(name, f"{self.texts[name]!r} carried down from row {row + 1}",
                             value=self.texts[name], severity="note")
                for name, row in self.carried.items()]


@attrs.define
class _Section:
    """A section row (三、民生服务（6项）) and the rows read under it."""

    row: int
    domain: str
    count: int | None
    read: int = 0

    def check(self, table: Table, reported: list[Problem], *, last: bool) -> None:
        """Report a count that differs from the rows read, and a last section with no
        rows at all (a section followed by another may be a group of sub-sections)."""
        if last and self.count is None and self.read == 0:
            reported.append(table.problem(
                f"rows under a section row: none are under {self.domain!r}; if this row is "
                "an item, fill its other cells (or drop its numbering) so that it reads as "
                "one", row=self.row, value=self.domain, severity="warning"))
        elif self.count is not None and self.count != self.read:
            reported.append(table.problem(
                f"as many rows as the section row announces: {self.domain} announces "
                f"{self.count}, {self.read} are under it", row=self.row,
                value=f"{self.count}", severity="warning"))


def _section(text: str, row: int) -> _Section:
    """The domain a section row names, without its count (民生服务（6项） → 民生服务, 6)."""
    counted = _COUNT.match(text)
    if counted:
        return _Section(row, one_line(counted.group(1)), int(counted.group(2)))
    return _Section(row, one_line(text), None)


def data_rows(table: Table, header: Header, kind: TableKind,
              reported: list[Problem] | None = None) -> Iterable[Cells]:
    """The data rows under the header, cleaned, with 领域 carried down and notes skipped.

    A section row sets the 领域 of the rows below (its count, if any, stripped and checked
    against the rows read: a mismatch is a warning added to ``reported``), or their
    事项类型 when it names a power type (``一、行政处罚（12项）``). A blank cell of a
    column in `Header.carry` (领域), of 事项类型 under such a section, and of a grouping
    unit (`GROUPING_UNITS`), takes the value above; each such value is listed in
    `Cells.carried`.
    """
    listed = kind.list is not None
    name_index = header.columns.get("事项名称")
    grouping = [name for name in GROUPING_UNITS if name in header.columns and listed
                and name_index is not None and header.columns[name] < name_index]
    above: dict[str, tuple[str, int]] = {}
    carry = list(header.carry)
    section: _Section | None = None
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
        name_text = table.text(row, name_index) if name_index is not None else ""
        note = _NOTE.match(first)
        if note and (not name_text or name_text == own[0][1] or _TOTAL.match(first)):
            in_notes = True
            continue
        matched = _SECTION.match(first) if single and listed else None
        heading = None
        if single and (in_notes or (row in table.merged_rows and len(own) > 1)):
            if not in_notes and listed:
                heading = matched.group(1) if matched else first
            else:
                continue
        elif matched is not None:
            heading = matched.group(1)
        if heading is not None:
            if section is not None and reported is not None:
                section.check(table, reported, last=False)
            section = _section(heading, row)
            sort = "事项类型" if is_power_type(section.domain) else "领域"
            above[sort] = (section.domain, row)
            if sort not in carry:
                carry.append(sort)
            continue
        texts = {name: table.text(row, index) for name, index in header.columns.items()}
        carried: dict[str, int] = {}
        if listed:
            for name in (*carry, *grouping):
                if texts.get(name):
                    above[name] = (one_line(texts[name]), row)
                elif name in above:
                    texts[name], carried[name] = above[name]
        if section is not None:
            section.read += 1
        yield Cells(table, header, row, texts, carried)
    if section is not None and reported is not None:
        section.check(table, reported, last=True)
