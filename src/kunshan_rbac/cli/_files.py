"""``import`` and ``export``: duty lists in, duty lists out.

``import PATH --to FILE.json`` reads workbooks and CSV files (`kunshan_rbac.read_lists`)
and saves the graph in the lossless JSON format; ``export FILE.json --to FOLDER`` writes
the lists of every town on a date (`kunshan_rbac.write_lists`). Both print a one-line
summary on standard output and each problem found, one per line, on standard error.

Exit status: 0 when everything was read and written; 1 when ``import --collect`` saved
the good rows but skipped rows with problems (the summary says how many); 2 when nothing
was written (a load error, data the lists cannot show, a bad date).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .._dates import parse_date
from .._errors import LoadError, Problem, WriteError
from .._graph import ResponsibilityGraph
from .._jsonio import write_json
from .._unread import Unread
from ..formats import FORMATS, read_lists, write_lists
from ._common import load_graph

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``import`` and ``export`` sub-commands."""
    reader = commands.add_parser(
        "import",
        help="read duty lists (.xlsx, .csv or a folder) into a JSON data set",
        description="Read a town's workbook, a CSV list, or a folder of them (with the "
        "optional 单位 and 事项 catalogues), report every problem with its file, sheet, row "
        "and column, and save the graph as JSON. Exit status: 0 when clean, 1 when "
        "--collect saved the good rows but skipped rows with problems, 2 when nothing was "
        "saved.",
    )
    reader.add_argument("path", metavar="PATH", help="a .xlsx workbook, a .csv file or a folder")
    reader.add_argument("--to", required=True, metavar="FILE.json",
                        help="where to save the data set (.json or .json.gz)")
    reader.add_argument("--effective", metavar="DATE",
                        help="the first day the lists hold, e.g. 2025-07-01 (default: any day)")
    reader.add_argument("--collect", action="store_true",
                        help="save the rows without problems even when some rows have problems")
    reader.set_defaults(func=_import)

    writer = commands.add_parser(
        "export",
        help="write the duty lists of every town as workbooks or CSV files",
        description="Write one workbook per town (or three CSV files per town) with the "
        "basic, cooperative and reclaimed lists on a date, plus the 单位 and 事项 catalogues, "
        "so that `kunshan-rbac import` reads them back.",
    )
    writer.add_argument("data", metavar="FILE.json", nargs="?",
                        help="a data set (.json, .json.gz, or lists to convert; default: the "
                        "embedded sample)")
    writer.add_argument("--to", required=True, metavar="FOLDER", help="the folder to write into")
    writer.add_argument("--format", choices=FORMATS, default="xlsx",
                        help="xlsx (default) or csv (UTF-8 with BOM)")
    writer.add_argument("--at", metavar="DATE",
                        help="the date whose lists to write, e.g. 2025-07-01 (default: today)")
    writer.set_defaults(func=_export)


def _summary(graph: ResponsibilityGraph) -> str:
    towns = len(graph.towns())
    return (f"{towns} town{'s' if towns != 1 else ''}, {len(graph.units()) - towns} other units, "
            f"{len(graph.items())} items, {len(graph.records())} records")


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)


def _import(args: argparse.Namespace) -> int:
    target = Path(args.to)
    if not target.name.endswith((".json", ".json.gz")):
        raise LoadError([Problem(args.to, value=target.suffix or target.name,
                                 expected="a .json or .json.gz file to write")])
    graph, collected = read_lists(args.path, effective=args.effective, on_error="collect")
    problems = [p for p in collected if p.is_error]
    warnings = [p for p in collected if p.severity == "warning"]
    count = len(problems)
    found = f"{count} problem{'s' if count != 1 else ''}"
    unread = Unread.of(problems)
    if problems and not args.collect:
        print(f"imported nothing from {args.path}: {found} in {unread.counted} (use "
              "--collect to save the rows without problems)")
        _print_problems(problems)
        return 2
    try:
        write_json(graph, target)
    except WriteError as exc:
        print(f"kunshan-rbac: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # pragma: no cover - atomic writes raise WriteError
        print(f"kunshan-rbac: error: cannot write {target}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    skipped = f": skipped {unread.counted}, not in {target}" if problems else ""
    print(f"imported {_summary(graph)} from {args.path} into {target}; {found}{skipped}")
    _print_problems(problems + warnings)
    return 1 if problems else 0


def _export(args: argparse.Namespace) -> int:
    graph = load_graph(args.data)
    day = parse_date(args.at)
    try:
        written = write_lists(graph, args.to, format=args.format, at=day)
    except WriteError as exc:
        print(f"kunshan-rbac: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # pragma: no cover - atomic writes raise WriteError
        print(f"kunshan-rbac: error: cannot write into {args.to}: {exc.strerror or exc}",
              file=sys.stderr)
        return 2
    towns = len(graph.towns())
    print(f"exported the lists of {towns} town{'s' if towns != 1 else ''} on "
          f"{day.isoformat()} as {args.format} into {args.to}: {len(written)} files; "
          "0 problems")
    return 0
