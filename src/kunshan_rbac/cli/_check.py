"""``check``: test a data set against the consistency rules.

Exit status: 0 when no error was found (warnings allowed), 1 when errors were found, 2
for a usage or load error (reported on one line by `kunshan_rbac.cli.main`).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._dates import parse_date
from .._rules import RULES, UnknownRuleError, check
from .._text import display_width, pad
from ._common import add_data, load_graph

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``check`` sub-command."""
    parser = commands.add_parser(
        "check",
        help="check the consistency rules (one owner, no blurred boundary)",
        description="Check a data set against the consistency rules: one primary per item "
        "and town at every instant, the right roles on each list, towns holding only their "
        "own items, sound dates, no parent cycles; and warn about items without a basis, "
        "items on no list, specialist powers held by towns without a grant, and duplicate "
        "names. Exit status: 0 when no error is found, 1 when errors are found, 2 on a "
        "usage or load error.",
    )
    parser.add_argument(
        "path", nargs="?", metavar="PATH", help="data set (default: the embedded sample)"
    )
    add_data(parser)
    parser.add_argument(
        "--at", metavar="DATE",
        help="check this day only, e.g. 2025-07-01 (default: every date in the history)",
    )
    parser.add_argument(
        "--select", metavar="ID,..", help="only these rule ids, separated by commas"
    )
    parser.add_argument("--ignore", metavar="ID,..", help="leave out these rule ids")
    parser.add_argument(
        "--format", choices=["text", "json"], default="text",
        help="text: a table grouped by rule and town (default); json: for programs",
    )
    parser.add_argument(
        "--list-rules", action="store_true", help="list the rules with their ids and exit"
    )
    parser.set_defaults(func=_check)


def _ids(value: str | None) -> list[str] | None:
    """The rule ids of a ``--select`` or ``--ignore`` value (``None``: not given)."""
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def _list_rules() -> None:
    width = max(display_width(r.id) for r in RULES)
    for rule in RULES:
        print(f"{pad(rule.id, width)}  {rule.severity.value:<7}  {rule.description}")


def _usage(message: str) -> int:
    print(f"kunshan-rbac: error: {message}", file=sys.stderr)
    return 2


def _check(args: argparse.Namespace) -> int:
    if args.list_rules:
        _list_rules()
        return 0
    if args.path and args.data and args.path != args.data:
        return _usage("give the data set as PATH or as --data, not both")
    select, ignore = _ids(args.select), _ids(args.ignore)
    for option, ids in (("--select", select), ("--ignore", ignore)):
        if ids == []:
            return _usage(f"{option} names no rule; give rule ids separated by commas")
    known = [r.id for r in RULES]
    unknown = [i for i in (*(select or ()), *(ignore or ())) if i not in known]
    if unknown:  # checked before loading: a typo should not wait for a national data set
        raise UnknownRuleError(list(dict.fromkeys(unknown)), known)
    day = parse_date(args.at) if args.at is not None else None
    graph = load_graph(args.path or args.data)
    report = check(graph, at=day, select=select, ignore=ignore)
    print(report.to_json() if args.format == "json" else report)
    return 0 if report.ok else 1
