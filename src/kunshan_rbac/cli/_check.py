"""``check``: test a data set against the consistency rules.

Duty lists (a workbook, a CSV file or a folder) are read collecting their problems: the
rules run on the rows that could be read, and the rows that could not are reported with
the violations, each at its file, sheet, row and column, and fail the run.

Exit status: 0 when no error was found (warnings allowed) and everything was read, 1 when
errors were found or rows of the lists were not read, 2 for a usage or load error
(nothing could be read; reported on one line by `kunshan_rbac.cli.main`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .._ci import FORMATS, Baseline, failed, render
from .._dates import parse_date
from .._errors import LoadError, Problem
from .._graph import ResponsibilityGraph
from .._rules import RULES, Severity, UnknownRuleError, check
from .._text import display_width, pad
from ..formats import read_lists
from ._common import add_data, add_format, load_graph

__all__ = ["load_failed", "register"]


def register(commands: Any) -> None:
    """Add the ``check`` sub-command."""
    parser = commands.add_parser(
        "check",
        help="check the consistency rules (one owner, no blurred boundary)",
        description="Check a data set against the consistency rules: one primary per item "
        "and town at every instant, the right roles on each list, towns holding only their "
        "own items, sound dates, no parent cycles; and warn about items without a basis, "
        "items on no list, specialist powers held by towns without a grant, and duplicate "
        "names. Duty lists (.xlsx, .csv or a folder) are checked on the rows that could be "
        "read, and the rows that could not are reported with their places. Exit status: 0 "
        "when no error is found, 1 when errors are found or rows of the lists were not "
        "read, 2 on a usage or load error.",
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
    add_format(
        parser, FORMATS,
        help="text: grouped by rule and town (default); json: for programs (versioned, with "
        "a published schema); junit: JUnit XML test results; sarif: SARIF 2.1.0 for "
        "code-scanning tools",
    )
    parser.add_argument(
        "--fail-on", choices=["error", "warning"], default="error",
        help="exit 1 on errors only (default), or on warnings too",
    )
    parser.add_argument(
        "--baseline", metavar="FILE",
        help="accept the violations saved in FILE (by --write-baseline): only new ones fail",
    )
    parser.add_argument(
        "--write-baseline", metavar="FILE",
        help="save every violation found as the accepted baseline in FILE",
    )
    parser.add_argument(
        "--max", type=_positive, metavar="N", help="text: show at most N violations"
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
    data = args.path or args.data
    try:
        baseline = Baseline.read(args.baseline) if args.baseline is not None else None
        graph, problems = _load(data)
    except LoadError as exc:
        return load_failed("check", args.format, exc, data=data)
    report = check(graph, at=day, select=select, ignore=ignore, problems=problems)
    new = baseline.new(report) if baseline is not None else None
    fail_on = Severity.parse(args.fail_on)
    print(render("check", args.format, report, data=data, new=new, fail_on=fail_on,
                 limit=args.max))
    if args.write_baseline is not None:
        try:
            Baseline.write(report, args.write_baseline)
        except OSError as exc:
            return _usage(f"cannot write {args.write_baseline}: {exc.strerror or exc}")
        print(f"saved {len(report.violations)} violations as the baseline in "
              f"{args.write_baseline}", file=sys.stderr)
    return 1 if failed(report, fail_on, new) else 0


def _lists(data: str) -> bool:
    """Whether ``data`` names duty lists (a folder, a workbook or a CSV file)."""
    target = Path(data)
    return target.is_dir() or (target.is_file()
                               and target.suffix.lower() in (".xlsx", ".xlsm", ".csv"))


def _load(data: str | None) -> tuple[ResponsibilityGraph, list[Problem]]:
    """The graph to check, with the load problems of the rows it leaves out.

    Duty lists are read collecting their problems, so that the rules run on the rows
    that could be read; when not one record could be read, that is a load error. Other
    data sets load whole or not at all.

    Raises:
        LoadError: the data set cannot be loaded (nothing of it could be read).
    """
    if data is None or not _lists(data):
        return load_graph(data), []
    graph, collected = read_lists(data, on_error="collect")
    # Notes (what the reader inferred) stay with read_lists; errors and warnings are the
    # report's load problems.
    problems = [p for p in collected if p.severity != "note"]
    errors = [p for p in problems if p.is_error]
    if errors and not graph.records():
        raise LoadError(errors)
    return graph, problems


def load_failed(kind: str, fmt: str, error: LoadError, *, data: str | None = None,
                file: str | None = None) -> int:
    """Report a load failure: one line per problem on stderr, and in the structured formats
    a document with the problems on stdout. Returns exit status 2."""
    if fmt != "text":
        print(render(kind, fmt, error.problems, data=data, file=file))
    for problem in error.problems:
        print(f"kunshan-rbac: error: {problem}", file=sys.stderr)
    return 2


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a count (0, 1, 2...)")
    return value
