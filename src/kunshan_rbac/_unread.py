"""What load problems leave unread: the rows, and the files or sheets, they name.

A reader that collects its problems (``read_lists(..., on_error="collect")``) leaves out
every row that has one. `Unread` counts those places, so that a summary can say how
much of the input the graph does not hold: each distinct row that a problem names is
one row not read (a problem in a header row leaves its whole sheet unread, and counts
as that one row), and each distinct file or sheet named by a problem without a row is
one file not read. Warnings and notes leave nothing unread and are not counted.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from ._errors import Problem

__all__ = ["Unread"]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


@attrs.frozen
class Unread:
    """How many rows, and how many files or sheets, load problems left unread.

    Attributes:
        rows: distinct (file, sheet, row) places named by a problem.
        files: distinct (file, sheet) places named by a problem that names no row.

    Examples:
        >>> import kunshan_rbac as kr
        >>> problems = [kr.Problem("a.csv", "a.csv", 3, "E", "市火星局", "a unit"),
        ...             kr.Problem("a.csv", "a.csv", 3, "F", "", "a date"),
        ...             kr.Problem("b.xls", expected="a .xlsx workbook")]
        >>> str(kr.Unread.of(problems))
        '1 row and 1 file not read'
    """

    rows: int = 0
    files: int = 0

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> Unread:
        """Count the places that ``problems`` name."""
        rows: set[tuple[str, str | None, int]] = set()
        files: set[tuple[str, str | None]] = set()
        for problem in problems:
            if not problem.is_error:  # a warning or a note: its row was read
                continue
            if problem.row is not None:
                rows.add((problem.file, problem.sheet, problem.row))
            else:
                files.add((problem.file, problem.sheet))
        return cls(len(rows), len(files))

    def __bool__(self) -> bool:
        return bool(self.rows or self.files)

    @property
    def counted(self) -> str:
        """The places counted, such as ``"2 rows and 1 file"`` (``"0 rows"`` for none)."""
        parts = [_plural(self.rows, "row")] if self.rows or not self.files else []
        if self.files:
            parts.append(_plural(self.files, "file"))
        return " and ".join(parts)

    def __str__(self) -> str:
        return f"{self.counted} not read"

    def to_dict(self) -> dict[str, int]:
        """``{"rows": ..., "files": ...}``, for JSON."""
        return {"rows": self.rows, "files": self.files}
