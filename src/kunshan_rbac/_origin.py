"""Where a record came from: the spreadsheet row it was read from, and what the reader
inferred to read it.

`Origin` is a value: the file, sheet and row of a list, the rows of its header, and the
`Inference` values that shaped the record (a value carried down from a row above, a header
built from several rows, a lead or helper marker, a wrapped name rejoined). The graph
keeps origins beside its records (`kunshan_rbac.ResponsibilityGraph.origin`) only when
`kunshan_rbac.read_lists` made them; records built through the API, read from JSON or
opened by a transfer have none.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import attrs

__all__ = ["Inference", "InferenceKind", "Origin"]


class InferenceKind(enum.Enum):
    """What the reader inferred while reading a row."""

    HEADER = "header"
    """The header was built from several rows (a grouped header)."""
    CARRIED = "carried"
    """A blank cell took the value of a row above (a 领域, a section row, a grouping unit)."""
    LEAD = "lead"
    """A unit was read as the lead (primary) from its marker: （牵头）, （主责）, （主办）."""
    HELPER = "helper"
    """A unit was read as a helper (secondary) from its marker: （配合）, （协办）."""
    REJOINED = "rejoined"
    """The lines of a unit name wrapped in a narrow cell were joined into one name."""
    LIST = "list"
    """The list a sheet holds was taken from the workbook's file name, since neither the
    sheet's name nor a title row names one (``周市镇-收回-双随机抽查事项.xlsx``)."""
    COLUMN = "column"
    """A column was read by its values rather than its header: a 领域 header (事项类别,
    类别...) over power types (行政许可, 行政处罚...) read as 事项类型."""

    def __repr__(self) -> str:
        return f"InferenceKind.{self.name}"


def _rows(value: Any) -> tuple[int, ...]:
    return tuple(value)


def _positive_rows(_instance: Any, attribute: Any, value: Any) -> None:
    if not all(isinstance(row, int) and row >= 1 for row in value):
        raise ValueError(f"{attribute.name} must hold row numbers from 1, not {value!r}")


@attrs.frozen
class Inference:
    """One thing the reader inferred to read a row, with the rows it came from.

    Attributes:
        kind: what was inferred.
        column: the column it is about, by the name the formats reference gives it
            (``领域``, ``对应上级部门``...); the column read for a column read by its
            values; empty for the header and the list.
        value: what was read: the carried text, the unit name without its marker, the
            rejoined name, the list's name (``上级部门收回事项清单``), the header text of a
            column read by its values (``事项类别``); empty for the header.
        written: the cell text as written, when it differs from ``value`` (the name
            with its marker, the wrapped name with its line break, the file name the
            list was taken from).
        rows: the rows (1-based, as the spreadsheet numbers them) it came from: the
            header's first and last row, the row a value was carried down from, or the
            header row of a column read by its values; empty when it is the record's own
            row or the file name.

    Examples:
        >>> import kunshan_rbac as kr
        >>> str(kr.Inference(kr.InferenceKind.CARRIED, "领域", "民生服务", rows=(12,)))
        "领域 '民生服务' carried down from row 12"
        >>> str(kr.Inference(kr.InferenceKind.HEADER, rows=(3, 4)))
        'header built from rows 3–4'
    """

    kind: InferenceKind = attrs.field(validator=attrs.validators.instance_of(InferenceKind))
    column: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    value: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    written: str = attrs.field(default="", validator=attrs.validators.instance_of(str),
                               kw_only=True)
    rows: tuple[int, ...] = attrs.field(default=(), converter=_rows, validator=_positive_rows,
                                        kw_only=True)

    def __str__(self) -> str:
        kind = self.kind
        if kind is InferenceKind.HEADER:
            first, last = (self.rows[0], self.rows[-1]) if self.rows else (0, 0)
            return f"header built from rows {first}–{last}"
        if kind is InferenceKind.CARRIED:
            source = f" from row {self.rows[0]}" if self.rows else ""
            return f"{self.column} {self.value!r} carried down{source}"
        if kind is InferenceKind.REJOINED:
            return f"{self.column}: the wrapped name {self.value!r} read as one unit"
        if kind is InferenceKind.LIST:
            return (f"the {self.value} as the file name {self.written!r} names it (neither "
                    "the sheet nor a title row names a list)")
        if kind is InferenceKind.COLUMN:
            where = f" (header row {self.rows[-1]})" if self.rows else ""
            return f"column {self.value!r}{where} read as {self.column}: its values are " \
                "power types"
        part = "the lead" if kind is InferenceKind.LEAD else "a helper"
        shown = f" (written {self.written!r})" if self.written else ""
        return f"{self.column}: {self.value!r} read as {part} from its marker{shown}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: kind, column, value, written, rows and the text."""
        return {"kind": self.kind.value, "column": self.column, "value": self.value,
                "written": self.written, "rows": list(self.rows), "text": str(self)}


def _inferences(value: Iterable[Inference]) -> tuple[Inference, ...]:
    return tuple(value)


def _pair(value: Any) -> tuple[int, int]:
    first, last = value
    return (first, last)


@attrs.frozen
class Origin:
    """The spreadsheet row a record was read from, and what the reader inferred there.

    Every record a row makes (the primary's and each secondary's) has the same origin.

    Attributes:
        file: the file, as `kunshan_rbac.read_lists` named it in its problems.
        sheet: the sheet (``None`` for a CSV file).
        row: the row (1-based, as the spreadsheet numbers it).
        header: the first and last row of the table's header (equal for a one-row
            header).
        inferences: what the reader inferred to read the row, in reading order.

    Examples:
        >>> import kunshan_rbac as kr
        >>> origin = kr.Origin("玉山镇.xlsx", "基本履职事项清单", 14, (3, 4), (
        ...     kr.Inference(kr.InferenceKind.HEADER, rows=(3, 4)),
        ...     kr.Inference(kr.InferenceKind.CARRIED, "领域", "民生服务", rows=(12,))))
        >>> origin.place
        '玉山镇.xlsx, 基本履职事项清单, row 14'
        >>> [str(i) for i in origin.inferences]
        ['header built from rows 3–4', "领域 '民生服务' carried down from row 12"]
    """

    file: str = attrs.field(validator=attrs.validators.instance_of(str))
    sheet: str | None = attrs.field(
        validator=attrs.validators.optional(attrs.validators.instance_of(str)))
    row: int = attrs.field(validator=attrs.validators.instance_of(int))
    header: tuple[int, int] = attrs.field(converter=_pair, validator=_positive_rows)
    inferences: tuple[Inference, ...] = attrs.field(
        default=(), converter=_inferences,
        validator=attrs.validators.deep_iterable(attrs.validators.instance_of(Inference)))

    @property
    def place(self) -> str:
        """The file, sheet and row as one text: ``玉山镇.xlsx, 基本履职事项清单, row 14``."""
        where = f"{self.file}, {self.sheet}" if self.sheet else self.file
        return f"{where}, row {self.row}"

    def __str__(self) -> str:
        return "; ".join([self.place, *(str(i) for i in self.inferences)])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: file, sheet, row, header rows, inferences and the text."""
        return {"file": self.file, "sheet": self.sheet, "row": self.row,
                "header": list(self.header),
                "inferences": [i.to_dict() for i in self.inferences], "text": str(self)}
