"""``route``: send a citizen's work order to the unit the lists name, or decline it.

One order (``route TEXT --town T [--at DATE]``) prints the unit, list, item, confidence,
basis and handling template, or the decline and its reason; exit 0 when routed, 1 when
declined. A file (``route --file PATH``) of JSON lines (``text``, ``town``, ``at``, as in
the 12345 example orders) or CSV (columns ``诉求内容`` or ``工单内容``, ``所属镇街``,
``来电时间``; or ``text``, ``town``, ``at``) is read whole first: every bad line is
reported with its place and nothing is written (exit 2); otherwise one route per line is
written as JSON lines (to ``--out`` through a temporary file, or to standard output).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from .._dates import parse_date
from .._errors import KunshanRbacError, LoadError, Problem
from .._graph import ResponsibilityGraph
from .._lexicon import Lexicon
from .._router import Route, Router
from ._common import add_at, add_data, add_format, load_graph, print_result, wants_json

__all__ = ["register"]

_TEXT = ("text", "诉求内容", "工单内容")
_TOWN = ("town", "所属镇街")
_AT = ("at", "来电时间")
_ID = ("id", "工单编号")


def register(commands: Any) -> None:
    """Add the ``route`` sub-command."""
    route = commands.add_parser(
        "route",
        help="route a work order to the unit the lists name, or decline it",
        description="Match a citizen's work order against the duty lists of its town on its "
        "date: print the primary unit, list, item, confidence, basis and handling template, "
        "or why it is declined (exit 0 routed, 1 declined, 2 bad input). With --file, route "
        "every order of a JSON lines or CSV file and write one JSON line per order.",
    )
    route.add_argument("text", nargs="?", metavar="TEXT", help="the order as the citizen wrote it")
    route.add_argument("--town", metavar="TOWN", help="town code, name or alias")
    add_at(route)
    route.add_argument("--file", metavar="PATH",
                       help="JSON lines (text, town, at) or CSV (诉求内容/工单内容, 所属镇街, "
                       "来电时间) of orders")
    route.add_argument("--out", metavar="PATH", help="with --file: write the routes here "
                       "(default: standard output)")
    route.add_argument("--threshold", type=float, metavar="X",
                       help="decline below this confidence (default: the shipped one)")
    route.add_argument("--lexicon", metavar="PATH",
                       help="a lexicon file whose entries extend the shipped one")
    add_data(route)
    add_format(route, help="text for people (default), json for programs (a single order; "
               "with --file every route is a JSON line either way)")
    route.set_defaults(func=_route)


def _router(args: argparse.Namespace, graph: ResponsibilityGraph) -> Router:
    lexicon = Lexicon.sample()
    if args.lexicon:
        lexicon = lexicon.extend(Lexicon.load(args.lexicon))
    threshold = args.threshold
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise LoadError([Problem("--threshold", value=threshold, expected="a number in [0, 1]")])
    return Router(graph, threshold=threshold, lexicon=lexicon)


def _route(args: argparse.Namespace) -> int:
    if args.file:
        if args.text or args.town:
            print("kunshan-rbac: error: give TEXT --town, or --file, not both", file=sys.stderr)
            return 2
        return _route_file(args)
    if not args.text or not args.town:
        print("kunshan-rbac: error: route needs TEXT and --town (or --file PATH)",
              file=sys.stderr)
        return 2
    if not args.text.strip():
        print("kunshan-rbac: error: the order's text is empty", file=sys.stderr)
        return 2
    graph = load_graph(args.data)
    router = _router(args, graph)
    result = router.route(args.text, town=args.town, at=parse_date(args.at))
    if wants_json(args):
        print_result(result.to_dict())
    else:
        print(_describe(result))
    return 1 if result.declined else 0


def _describe(route: Route) -> str:
    lines = [route.explain()]
    if not route.declined:
        if route.basis:
            lines.append("  basis: " + "；".join(route.basis))
        if route.template is not None:
            lines.append("  " + str(route.template).replace("\n", "\n  "))
    return "\n".join(lines)


def _pick(row: dict[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in keys:
        if key in row and row[key] not in (None, ""):
            return key, row[key]
    return None, None


def _read_rows(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """The rows of a JSON lines or CSV file, each with its line number, and the problems."""
    name = str(path)
    if not path.is_file():
        raise LoadError([Problem(name, expected="an existing JSON lines or CSV file")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError([Problem(name, expected=f"a readable UTF-8 file ({exc})")]) from None
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[Problem] = []
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        fields = reader.fieldnames or []
        for keys, what in ((_TEXT, "诉求内容 or 工单内容"), (_TOWN, "所属镇街")):
            if not any(k in fields for k in keys):
                problems.append(Problem(name, row=1, value=", ".join(fields),
                                        expected=f"a header with a {what} column"))
        if problems:
            raise LoadError(problems)
        for row in reader:
            rows.append((reader.line_num, dict(row)))
        return rows, problems
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(name, row=number, value=line[:40],
                                    expected=f"a JSON object ({exc.msg})"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(name, row=number, value=line[:40], expected="a JSON object"))
            continue
        rows.append((number, value))
    return rows, problems


def _orders(path: Path, graph: ResponsibilityGraph) -> list[tuple[Any, str, str, Any]]:
    """(id, text, town, date) for every row, or a LoadError naming every bad row."""
    name = str(path)
    orders = []
    rows, problems = _read_rows(path)
    for number, row in rows:
        _, text = _pick(row, _TEXT)
        town_key, town = _pick(row, _TOWN)
        at_key, at = _pick(row, _AT)
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(name, row=number, column="text", value=text,
                                    expected="the order's text (text, 诉求内容 or 工单内容)"))
            continue
        if not isinstance(town, str):
            problems.append(Problem(name, row=number, column="town", value=town,
                                    expected="the town (town or 所属镇街)"))
            continue
        try:
            graph.town(town)
        except KunshanRbacError as exc:
            problems.append(Problem(name, row=number, column=town_key, value=town,
                                    expected=f"a known town ({exc})"))
            continue
        day = None
        if at is not None:
            try:
                # 来电时间 is often a date and a time: the date decides the owner.
                day = parse_date(str(at).replace("T", " ").split(" ")[0])
            except KunshanRbacError:
                problems.append(Problem(name, row=number, column=at_key, value=at,
                                        expected="a date such as 2025-05-14"))
                continue
        orders.append((_pick(row, _ID)[1], text, town, day))
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise LoadError(problems)
    return orders


def _route_file(args: argparse.Namespace) -> int:
    path = Path(args.file)
    graph = load_graph(args.data)
    orders = _orders(path, graph)
    router = _router(args, graph)
    lines = []
    routed = 0
    for order_id, text, town, day in orders:
        result = router.route(text, town=town, at=day)
        routed += not result.declined
        record = {"id": order_id, **result.to_dict()} if order_id is not None else result.to_dict()
        lines.append(json.dumps(record, ensure_ascii=False))
    output = "".join(line + "\n" for line in lines)
    if args.out:
        target = Path(args.out)
        fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".",
                                   suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(output)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        print(f"{len(lines)} orders: {routed} routed, {len(lines) - routed} declined; "
              f"written to {target}", file=sys.stderr)
    else:
        sys.stdout.write(output)
    return 0
