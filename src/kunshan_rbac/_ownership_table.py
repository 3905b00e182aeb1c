"""The ownership timeline of a graph as one Arrow table, for analytical engines.

Each row says who owned an item in a town over a period: the same answers as
``g.history(item, town=...)``, flattened so that DuckDB, Polars, pandas or Spark can join
orders to the owner in force on their date.
"""

from __future__ import annotations

from typing import Any

from ._analytics import require
from ._graph import ResponsibilityGraph

__all__ = ["OWNERSHIP_COLUMNS", "ownership_table"]

OWNERSHIP_COLUMNS = ("item", "town", "list", "primary", "secondary", "start", "end")
"""The columns of `ownership_table`, in order."""


def ownership_table(g: ResponsibilityGraph) -> Any:
    """Every (item, town) ownership period of a graph, as a ``pyarrow.Table``.

    Columns: ``item``, ``town`` (codes), ``list`` (``basic``, ``cooperative`` or
    ``reclaimed``), ``primary`` (unit code), ``secondary`` (list of unit codes), ``start``
    and ``end`` (dates; the period is half-open ``[start, end)``, and a null is an open
    end). Rows are ordered by town, item and start. These are the code columns of
    ``g.to_arrow("ownerships")``, which adds names and Chinese labels; both are built
    from the public answers of ``g.history`` for each (item, town) that some record
    names.

    Args:
        g: the graph.

    Returns:
        A ``pyarrow.Table``.

    Raises:
        MissingExtraError: pyarrow is not installed (``pip install 'kunshan-rbac[analytics]'``).
        OwnershipConflictError: some (item, town) has no single primary in some period;
            ``kr.check(g)`` lists all such places.

    Examples:
        >>> import kunshan_rbac as kr
        >>> t = kr.ownership_table(kr.load_sample())
        >>> t.column_names
        ['item', 'town', 'list', 'primary', 'secondary', 'start', 'end']
    """
    require("pyarrow")
    return g.to_arrow("ownerships", columns=OWNERSHIP_COLUMNS)
