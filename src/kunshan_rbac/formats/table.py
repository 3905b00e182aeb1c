"""One sheet or CSV file as rows of raw cell values, and a place in it."""

from __future__ import annotations

from typing import Any

import attrs

from .._errors import Problem
from .cells import cell_text

__all__ = ["Place", "Table"]


@attrs.frozen
class Place:
    """A row of a file (and sheet), as problems and messages show it (1-based)."""

    file: str
    sheet: str | None
    row: int

    def __str__(self) -> str:
        where = f"{self.file}, {self.sheet}" if self.sheet else self.file
        return f"{where}, row {self.row}"

@attrs.define
class Table:
    """One sheet or CSV file as rows of raw cell values.

    Attributes:
        file: the file, as problems name it.
        sheet: the sheet's name (``None`` for a CSV file).
        name: what names the table: the sheet name, or the CSV file's name.
        rows: cell values by row and column (0-based); rows may differ in length.
        inherited: ``(row, column)`` cells whose value was copied from a merged cell that
            starts on an earlier row (a 领域 written once for several rows).
        merged_rows: rows holding a merged cell that spans several columns.
    """

    file: str
    sheet: str | None
    name: str
    rows: list[list[Any]]
    inherited: set[tuple[int, int]] = attrs.field(factory=set)
    merged_rows: set[int] = attrs.field(factory=set)
    _texts: dict[int, list[str]] = attrs.field(factory=dict, init=False, repr=False)

    def text(self, row: int, column: int) -> str:
        """The cleaned text of a cell ('' outside the table)."""
        texts = self._texts.get(row)
        if texts is None:
            texts = self._texts[row] = [cell_text(value) for value in self.rows[row]]
        return texts[column] if column < len(texts) else ""

    def raw(self, row: int, column: int) -> Any:
        """The raw value of a cell (``None`` outside the table)."""
        cells = self.rows[row]
        return cells[column] if column < len(cells) else None

    def problem(self, expected: str, *, row: int | None = None, column: str | None = None,
                value: Any = None, severity: str = "error") -> Problem:
        """A problem in this table; ``row`` is 0-based here and shown 1-based."""
        return Problem(self.file, self.sheet, None if row is None else row + 1, column, value,
                       expected, severity=severity)

    def title_text(self, before: int) -> str:
        """The text of the rows above row ``before``, joined by spaces."""
        texts: list[str] = []
        for row in range(min(before, len(self.rows))):
            for column in range(len(self.rows[row])):
                text = self.text(row, column)
                if text and text not in texts:
                    texts.append(text)
        return " ".join(texts)


