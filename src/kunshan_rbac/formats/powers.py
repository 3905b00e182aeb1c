"""Power types where a 领域 is expected: a 事项类别 column of 行政许可, 行政处罚... read as
what it holds.

Published lists, power lists above all, head their power-type column 事项类别 or 类别,
words that duty lists use for the 领域. The header alone cannot tell them apart, so the
values decide: a 领域 column whose every value is a power type
(`kunshan_rbac.formats.cells.is_power_type`) is read as the power-type column (事项类型;
权力类型 in the item catalogue), with a note and a `kunshan_rbac.Inference` saying so;
when the table already has a power-type column, the 领域 column is reported and not
read. A power type is never read as a 领域: one in a column of real 领域 values is an
error of its row (`kunshan_rbac.formats.items.merge_facts`), and a section row naming
one (``一、行政处罚（12项）``) gives its rows their power type, not their 领域
(`kunshan_rbac.formats.rows.data_rows`).
"""

from __future__ import annotations

import attrs

from .._errors import Problem
from .._origin import Inference, InferenceKind
from .cells import column_letter, is_power_type, one_line
from .headers import Header, TableKind
from .rows import data_rows
from .table import Table

__all__ = ["power_column", "type_column"]


def type_column(kind: TableKind) -> str:
    """The column of a table's power type: 权力类型 in the item catalogue, else 事项类型."""
    return "权力类型" if kind is TableKind.ITEMS else "事项类型"


def _header_text(table: Table, header: Header, index: int) -> str:
    """A column's header text: its lowest text over the header's rows."""
    first = header.first if header.first is not None else header.row
    for row in range(header.row, first - 1, -1):
        text = one_line(table.text(row, index))
        if text:
            return text
    return ""


def power_column(table: Table, header: Header, kind: TableKind
                 ) -> tuple[Header, list[Problem], tuple[Inference, ...]]:
    """Read a 领域 column whose every value is a power type as the power-type column.

    Args:
        table: the table.
        header: its header, as `kunshan_rbac.formats.headers.find_header` found it.
        kind: what the table holds.

    Returns:
        The header to read the rows with, the note or warning saying what was done (none
        when the 领域 column holds a value that is not a power type, or nothing), and
        the `Inference` each row read through the new header records.
    """
    index = header.columns.get("领域")
    if index is None:
        return header, [], ()
    values: list[str] = []
    for cells in data_rows(table, header, kind):
        text = one_line(cells.get("领域"))
        if text and "领域" not in cells.carried and text not in values:
            values.append(text)
    if not values or not all(is_power_type(value) for value in values):
        return header, [], ()
    text = _header_text(table, header, index)
    target = type_column(kind)
    shown = "、".join(values[:4]) + ("…" if len(values) > 4 else "")
    columns = {name: column for name, column in header.columns.items() if name != "领域"}
    taken = header.columns.get(target)
    if taken is not None:
        warning = table.problem(
            f"a 领域 column: its values ({shown}) are power types, and {target} is read from "
            f"column {column_letter(taken)}: this column is not read; head it {target} and "
            "remove the other, or correct its values", row=header.row,
            column=column_letter(index), value=text, severity="warning")
        return attrs.evolve(header, columns=columns), [warning], ()
    columns[target] = index
    note = table.problem(
        f"{text!r} read as {target}: its values ({shown}) are power types, not 领域",
        row=header.row, column=column_letter(index), value=text, severity="note")
    inference = Inference(InferenceKind.COLUMN, target, text, rows=(header.row + 1,))
    return (attrs.evolve(header, columns=columns, carry=(*header.carry, target)), [note],
            (inference,))
