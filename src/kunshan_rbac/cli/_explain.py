"""``explain``: why an item is (or is not) owned as it is, and where its records came from."""

from __future__ import annotations

import argparse
from typing import Any

from ._common import add_at, add_data, add_format, at_date, load_graph, print_result, wants_json

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the sub-command of this module."""
    explain = commands.add_parser(
        "explain",
        help="why an item is owned as it is in a town on a date, and where each record "
        "came from",
        description="Name the list, the primary and secondary units of an item in a town on "
        "a date with every record, document and transfer behind the answer; for duty lists "
        "read from workbooks or CSV files, also the file, sheet and row of each record and "
        "what the reader inferred there (a header built from several rows, a value carried "
        "down, a lead marker, a wrapped name rejoined). Exits 1 when the item has no owner.",
    )
    explain.add_argument("item", metavar="ITEM", help="item code or name")
    explain.add_argument("--town", required=True, metavar="TOWN",
                         help="town code, name or alias")
    add_at(explain)
    add_data(explain)
    add_format(explain)
    explain.set_defaults(func=_explain)


def _explain(args: argparse.Namespace) -> int:
    graph = load_graph(args.data)
    explanation = graph.explain(args.item, town=args.town, at=at_date(args))
    if wants_json(args):
        print_result(explanation.to_dict())
    else:
        print(explanation)
    return 0 if explanation.ownership is not None else 1
