"""``report``, ``who-owns`` and ``duties``: the main questions."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._errors import NotAssignedError
from .._model import ListKind, Ownership, Role
from .._stats import stats
from .._text import display_width, pad
from ._common import add_at, add_data, add_format, at_date, load_graph, print_result, wants_json

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the sub-commands of this module."""
    report = commands.add_parser(
        "report",
        help="per-town table of the three lists with totals",
        description="Print, for each town, how many items its basic, cooperative and "
        "reclaimed lists hold on a date, with totals, means and distinct items.",
    )
    report.add_argument("path", nargs="?", metavar="PATH", help="data set (default: the sample)")
    add_data(report)
    add_at(report)
    add_format(report, help="text: a table (default); json: for programs")
    report.set_defaults(func=_report)

    who = commands.add_parser(
        "who-owns",
        help="who owns an item in a town on a date",
        description="Name the list, the primary unit and the secondary units of an item in "
        "a town on a date, with the records and documents behind the answer.",
    )
    who.add_argument("item", metavar="ITEM", help="item code or name")
    who.add_argument("--town", required=True, metavar="TOWN", help="town code, name or alias")
    add_at(who)
    add_data(who)
    add_format(who)
    who.add_argument("--explain", action="store_true",
                     help="with --format json, add the explanation (records, documents, "
                     "transfers and where each record was read from) under 'explanation'")
    who.set_defaults(func=_who_owns)

    duties = commands.add_parser(
        "duties",
        help="what a unit answers for on a date",
        description="List every item and town where a unit is primary or secondary.",
    )
    duties.add_argument("unit", metavar="UNIT", help="unit code, name or alias")
    add_at(duties)
    add_data(duties)
    duties.add_argument("--role", choices=[r.value for r in Role], help="only this role")
    duties.add_argument("--list", choices=[k.value for k in ListKind], help="only this list")
    add_format(duties)
    duties.set_defaults(func=_duties)


def _report(args: argparse.Namespace) -> int:
    if args.path and args.data and args.path != args.data:
        print("kunshan-rbac: error: give the data set as PATH or as --data, not both",
              file=sys.stderr)
        return 2
    graph = load_graph(args.path or args.data)
    result = stats(graph, at=at_date(args))
    if wants_json(args):
        print_result(result.to_dict())
    else:
        print(result)
    return 0


def _who_owns(args: argparse.Namespace) -> int:
    graph = load_graph(args.data)
    day = at_date(args)
    try:
        ownership = graph.owner(args.item, town=args.town, at=day)
    except NotAssignedError as exc:
        if wants_json(args):
            print_result({"owner": None, "reason": str(exc), **_explained(graph, args, day)})
        else:
            print(graph.explain(args.item, town=args.town, at=day))
        return 1
    if wants_json(args):
        print_result({**ownership.to_dict(), **_explained(graph, args, day)})
    else:
        print(graph.explain(args.item, town=args.town, at=day))
    return 0


def _explained(graph: Any, args: argparse.Namespace, day: Any) -> dict[str, Any]:
    """``{"explanation": ...}`` when ``--explain`` was given, else nothing."""
    if not args.explain:
        return {}
    return {"explanation": graph.explain(args.item, town=args.town, at=day).to_dict()}


def _duties(args: argparse.Namespace) -> int:
    graph = load_graph(args.data)
    unit = graph.unit(args.unit)
    found = graph.duties(args.unit, at=at_date(args), role=args.role, list=args.list)
    if wants_json(args):
        print_result([o.to_dict() for o in found], "duties")
        return 0
    print(f"{unit.name} ({unit.code}): {len(found)} duties on {at_date(args).isoformat()}")
    rows = [_duty_row(o, unit.code) for o in found]
    if rows:
        widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row in rows:
            print("  ".join(pad(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0


def _duty_row(ownership: Ownership, unit: str) -> list[str]:
    role = Role.PRIMARY if ownership.primary.code == unit else Role.SECONDARY
    return [
        ownership.town.name,
        ownership.list.short,
        role.label,
        ownership.item.code,
        ownership.item.name,
    ]
