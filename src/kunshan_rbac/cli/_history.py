"""``history`` and ``diff``: how ownership changed over time."""

from __future__ import annotations

import argparse
from typing import Any

from .._dates import parse_date
from .._diff import diff
from ._common import add_data, add_format, load_graph, print_result, wants_json

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the sub-commands of this module."""
    history = commands.add_parser(
        "history",
        help="every owner an item has had in a town, oldest first",
        description="List the periods of an item in a town: list, primary, secondary units, "
        "and the transfers that moved it.",
    )
    history.add_argument("item", metavar="ITEM", help="item code or name")
    history.add_argument("--town", required=True, metavar="TOWN", help="town code, name or alias")
    add_data(history)
    add_format(history)
    history.set_defaults(func=_history)

    compare = commands.add_parser(
        "diff",
        help="what changed on the lists between two dates",
        description="List the items added to, removed from and moved between the lists of "
        "each town between two dates, and the powers each town exercises before and after.",
    )
    compare.add_argument("--from", dest="start", required=True, metavar="DATE",
                         help="the first date")
    compare.add_argument("--to", dest="end", required=True, metavar="DATE",
                         help="the second date")
    compare.add_argument("--town", metavar="TOWN", help="only this town")
    add_data(compare)
    add_format(compare)
    compare.set_defaults(func=_diff)


def _history(args: argparse.Namespace) -> int:
    graph = load_graph(args.data)
    item = graph.item(args.item)
    town = graph.town(args.town)
    periods = graph.history(item.code, town=town.code)
    moves = graph.transfers(item=item.code, town=town.code)
    if wants_json(args):
        print_result({
            "item": item.code,
            "town": town.code,
            "periods": [o.to_dict() for o in periods],
            "transfers": [
                {"id": t.id, "kind": t.kind.value, "effective": t.effective.isoformat(),
                 "ref": t.ref, "reason": t.reason}
                for t in moves
            ],
        })
        return 0 if periods else 1
    print(f"{item.code} {item.name} — {town.name} ({town.code})")
    if not periods:
        print("  never on any list of this town")
        return 1
    for o in periods:
        secondary = ", ".join(u.name for u in o.secondary) or "—"
        print(f"  {o.period:<25} {o.list.short}  主责 {o.primary.name}  次责 {secondary}")
    for t in moves:
        print(f"  {t}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    graph = load_graph(args.data)
    result = diff(graph, parse_date(args.start), parse_date(args.end), town=args.town)
    if wants_json(args):
        print_result(result.to_dict())
    else:
        print(result)
    return 0


