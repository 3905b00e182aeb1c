"""``evaluate``: the per-town evaluation of 12345 orders against the lists.

Prints the towns' table on the three dimensions (completion quality, satisfaction,
burden), their ranking and the findings; ``--json`` prints all of it as JSON; ``--html
FILE`` writes one self-contained report with its charts.

Exit status: 0 when orders were evaluated; 1 when no order falls in the period; 2 on bad
input (every problem on its own line on standard error, or all of them in ``--json``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path
from typing import Any

from .._dates import parse_date
from .._errors import AmbiguousNameError, LoadError, Problem, UnknownUnitError
from .._evaluate import Evaluation, evaluate
from .._graph import ResponsibilityGraph
from .._orders import Orders
from .._orders_io import read_orders
from .._sample_orders import ROUTING_LIVE, load_sample_orders
from .._scores import rank_towns
from .._supervision import THRESHOLDS, find_problems
from .._text import pad
from ._common import JSON_VERSION, add_data, add_format, load_graph, wants_json
from ._report import FdrChange, render_html

__all__ = ["register"]


def register(commands: Any) -> None:
    """Add the ``evaluate`` sub-command."""
    parser = commands.add_parser(
        "evaluate",
        help="evaluate 12345 orders per town against the lists in force on each order's date",
        description="Evaluate work orders (CSV, xlsx or JSONL, in the event layout or as a "
        "12345 export) against the lists in force on each order's date: per town, the "
        "three dimensions (completion quality, satisfaction, burden), the ranking and the "
        "findings. Without ORDERS, the embedded sample orders of 2025. Exit status: 0 when "
        "orders were evaluated, 1 when none falls in the period, 2 on bad input.",
    )
    parser.add_argument("orders", nargs="?", metavar="ORDERS",
                        help="an orders file (default: the embedded sample orders)")
    add_data(parser)
    parser.add_argument("--from", dest="start", metavar="DATE",
                        help="first day of reception counted, e.g. 2025-07-01")
    parser.add_argument("--to", dest="end", metavar="DATE",
                        help="last day of reception counted (included)")
    parser.add_argument(
        "--reform", action="append", default=[], metavar="TOWN=DATE",
        help="the day a town's reform (or routing) took effect, for the before/after chart; "
        "repeatable (default: each town's latest transfer in the period; with the sample "
        f"orders, 周市镇's routing go-live {ROUTING_LIVE})")
    output = parser.add_mutually_exclusive_group()
    add_format(parser, help="text: the table, ranking and findings (default); json: "
               "everything, for programs", group=output)
    output.add_argument("--html", metavar="FILE", help="write the HTML report to FILE")
    parser.set_defaults(func=_evaluate)


def _problem_dict(p: Problem) -> dict[str, Any]:
    return {"file": p.file, "sheet": p.sheet, "row": p.row, "column": p.column,
            "value": None if p.value is None else str(p.value), "expected": p.expected,
            "message": str(p)}


def _fail(problems: list[Problem], as_json: bool) -> int:
    if as_json:
        print(json.dumps({"version": JSON_VERSION,
                          "problems": [_problem_dict(p) for p in problems]},
                         ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            print(f"kunshan-rbac: error: {problem}", file=sys.stderr)
    return 2


def _reforms(g: ResponsibilityGraph, ev: Evaluation, given: list[str],
             sample: bool) -> tuple[dict[str, datetime.date], list[Problem]]:
    """Each town's reform date for the before/after chart."""
    problems: list[Problem] = []
    dates: dict[str, datetime.date] = {}
    last = ev.end or datetime.date.max
    for town in ev.towns:
        try:
            days = [t.effective for t in g.transfers(town=town) if t.effective <= last]
        except (UnknownUnitError, AmbiguousNameError):
            continue
        if days:
            dates[town] = max(days)
    if sample and "zhoushi" in ev.towns:
        dates["zhoushi"] = ROUTING_LIVE
    for text in given:
        name, _, day = text.partition("=")
        try:
            dates[g.town(name.strip()).code] = parse_date(day.strip())
        except (UnknownUnitError, AmbiguousNameError) as exc:
            problems.append(Problem("--reform", value=text, expected=str(exc)))
        except ValueError as exc:
            problems.append(Problem("--reform", value=text, expected=f"TOWN=DATE ({exc})"))
    return dates, problems


def _changes(ev: Evaluation, dates: dict[str, datetime.date]) -> list[FdrChange]:
    rows = ev.per_order.select(["town", "received", "fdr_n", "fdr_hit"]).to_pylist()
    tallies: dict[str, list[int]] = {t: [0, 0, 0, 0] for t in dates}
    for row in rows:
        day = dates.get(row["town"])
        if day is None or not row["fdr_n"]:
            continue
        offset = 0 if row["received"].date() < day else 2
        tallies[row["town"]][offset] += 1
        tallies[row["town"]][offset + 1] += bool(row["fdr_hit"])
    changes = []
    for town in sorted(dates, key=lambda t: ev.towns[t].name if t in ev.towns else t):
        if town not in ev.towns:
            continue
        n_before, hit_before, n_after, hit_after = tallies[town]
        changes.append((ev.towns[town].name, dates[town],
                        hit_before / n_before if n_before else None,
                        hit_after / n_after if n_after else None))
    return changes


def _table(ev: Evaluation) -> str:
    headers = ("镇街", "工单", "首派准确", "退单率", "按时签收", "按时办结", "满意度", "重办率",
               "工时中位", "清单外负担", "收回回推")
    widths = (10, 7, 9, 8, 9, 9, 8, 8, 9, 11, 9)

    def pct(value: float | None) -> str:
        return "–" if value is None else f"{value * 100:.1f}%"

    lines = ["  ".join(pad(h, w, right=i > 0) for i, (h, w) in enumerate(zip(headers, widths,
                                                                              strict=True)))]
    for row in ev.towns.values():
        cells = [row.name, str(row.orders), pct(row.first_dispatch_right), pct(row.returned),
                 pct(row.on_time_signed), pct(row.on_time_done), pct(row.satisfaction),
                 pct(row.reopened),
                 "–" if row.median_hours is None else f"{row.median_hours:.1f}h",
                 str(row.off_list_burden), str(row.reclaimed_pushed_back)]
        lines.append("  ".join(pad(c, w, right=i > 0)
                               for i, (c, w) in enumerate(zip(cells, widths, strict=True))))
    return "\n".join(lines)


def _evaluate(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    start = end = None
    for option, value in (("--from", args.start), ("--to", args.end)):
        if value is not None:
            try:
                day = parse_date(value)
            except ValueError as exc:
                problems.append(Problem(option, value=value, expected=str(exc)))
                continue
            if option == "--from":
                start = day
            else:
                end = day
    if start and end and end < start:
        problems.append(Problem("--to", value=args.end, expected=f"a day on or after {start}"))
    try:
        graph = load_graph(args.data)
    except LoadError as exc:
        return _fail([*problems, *exc.problems], wants_json(args))
    orders: Orders
    if args.orders is None:
        orders = load_sample_orders()
    else:
        orders = read_orders(args.orders, graph=graph, on_error="collect")
        problems.extend(orders.problems)
    if problems:
        return _fail(problems, wants_json(args))
    ev = evaluate(graph, orders, start=start, end=end)
    total = sum(r.orders for r in ev.towns.values())
    ranking = rank_towns(ev)
    findings = find_problems(ev)
    dates, problems = _reforms(graph, ev, args.reform, args.orders is None)
    if problems:
        return _fail(problems, wants_json(args))
    months = sorted(ev.months)
    period = (f"{ev.start or (months[0] if months else '…')} – "
              f"{ev.end or (months[-1] if months else '…')}")
    source = args.orders or "embedded sample orders (2025)"
    if wants_json(args):
        print(json.dumps({
            "version": JSON_VERSION, "orders": total, "source": source, "notes": list(orders.notes),
            "evaluation": ev.to_dict(),
            "ranking": [s.to_dict() for s in ranking],
            "findings": [f.to_dict() for f in findings],
            "thresholds": {m: list(rule) for m, rule in THRESHOLDS.items()},
        }, ensure_ascii=False, indent=2, default=str))
    elif args.html:
        page = render_html(
            ev, ranking, findings, _changes(ev, dates),
            title="12345 工单闭环评价报告 (evaluation of the closed loop)",
            subtitle=f"{total} orders from {source}, received {period}; lists from "
            f"{args.data or 'the embedded Kunshan sample'}; generated by kunshan-rbac.")
        target = Path(args.html)
        temporary = target.with_name(target.name + ".part")
        try:
            temporary.write_text(page, encoding="utf-8")
            os.replace(temporary, target)
        except OSError as exc:
            return _fail([Problem(args.html, expected=f"a writable file ({exc.strerror})")],
                         False)
        print(f"wrote the report on {total} orders to {target}")
    else:
        print(f"Evaluation of {total} orders ({source}), received {period}\n")
        print(_table(ev))
        print("\nRanking (mean of completion quality, satisfaction and burden):")
        for s in ranking:
            def pct(value: float | None) -> str:
                return "–" if value is None else f"{value * 100:.1f}%"
            print(f"{s.rank:>3}. {pad(s.name, 10)} {pct(s.score):>6}  (质量 {pct(s.quality)}, "
                  f"满意度 {pct(s.satisfaction)}, 减负 {pct(s.burden)})")
        print(f"\nFindings ({len(findings)}):")
        for finding in findings:
            print(f"  - {finding.detail}")
        for note in orders.notes:
            print(f"note: {note}", file=sys.stderr)
    return 0 if total else 1
