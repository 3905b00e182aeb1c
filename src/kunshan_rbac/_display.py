"""Compact HTML for notebooks: the ``_repr_html_`` of results, one screen at most.

Every text is escaped (`html.escape`), whatever it holds; long tables stop after
`MAX_ROWS` rows with a line saying how many more there are.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["MAX_ROWS", "fields_html", "table_html"]

MAX_ROWS = 20
"""Rows shown by default before "… N more"."""

_STYLE = "border-collapse:collapse;font-size:90%"
_CELL = "padding:1px 6px;text-align:left;vertical-align:top"


def _cell(value: object, tag: str = "td") -> str:
    text = "" if value is None else str(value)
    return f'<{tag} style="{_CELL}">{html.escape(text)}</{tag}>'


def _title(title: str) -> str:
    return f"<p style=\"margin:2px 0\"><strong>{html.escape(title)}</strong></p>"


def table_html(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    total: int | None = None,
    limit: int = MAX_ROWS,
    footer: Sequence[str] = (),
) -> str:
    """A titled table of at most ``limit`` rows, then "… N more" when ``total`` is larger.

    Args:
        title: the line above the table.
        header: the column headings.
        rows: the rows (read up to ``limit``).
        total: how many rows there are in all (``None``: as many as shown).
        limit: rows shown.
        footer: lines of text under the table.
    """
    shown: list[Sequence[object]] = []
    for row in rows:
        if len(shown) == limit:
            break
        shown.append(row)
    parts = [f'<div class="kunshan-rbac">{_title(title)}<table style="{_STYLE}">',
             "<thead><tr>", *(_cell(h, "th") for h in header), "</tr></thead><tbody>"]
    for row in shown:
        parts += ["<tr>", *(_cell(c) for c in row), "</tr>"]
    more = (total if total is not None else len(shown)) - len(shown)
    if more > 0:
        parts.append(f'<tr><td colspan="{len(header)}" style="{_CELL}">'
                     f"… {more} more</td></tr>")
    parts.append("</tbody></table>")
    parts += [f'<p style="margin:2px 0">{html.escape(line)}</p>' for line in footer]
    parts.append("</div>")
    return "".join(parts)


def fields_html(title: str, fields: Iterable[tuple[str, object]]) -> str:
    """A titled two-column table of labels and values."""
    parts = [f'<div class="kunshan-rbac">{_title(title)}<table style="{_STYLE}"><tbody>']
    for label, value in fields:
        parts += ["<tr>", _cell(label, "th"), _cell(value), "</tr>"]
    parts.append("</tbody></table></div>")
    return "".join(parts)
