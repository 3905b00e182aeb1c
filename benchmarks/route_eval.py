"""Evaluate the work-order router on a labelled set of orders.

    python benchmarks/route_eval.py [--set PATH] [--quick] [--threshold X]

The set is JSON lines in the format of ``dev_example.jsonl`` (text, town, at, expect{item,
primary, list, secondary}, kind in_list | out_of_list | ambiguous, accept, alt_items). By
default: ``benchmarks/route_orders/heldout.jsonl`` when present, else ``dev.jsonl``.

Scoring: an in-list order is right when routed to ``expect.primary``; an out-of-list order
is right only when declined; an ambiguous order is right when declined or routed to the
primary of one of its ``accept`` readings.

Printed: accuracy of the primary unit and of the item (over in-list orders, a decline
counting as wrong), precision on routed orders, share declined, share of out-of-list
orders declined, the same by list and by town, and the precision/coverage curve over
thresholds.

``--quick`` (for CI) prints the headline figures only and fails (exit 1) only on a crash or
on a routed answer whose ownership differs from ``g.owner(item, town, at)``; never on a
figure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import kunshan_rbac as kr

HERE = Path(__file__).resolve().parent
HELDOUT = HERE / "route_orders" / "heldout.jsonl"
DEV = HERE / "route_orders" / "dev.jsonl"
CURVE = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def read_set(path: Path) -> list[dict[str, Any]]:
    orders = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            orders.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}, line {number}: not JSON ({exc.msg})") from None
    return orders


def accepted_primaries(order: dict[str, Any]) -> set[str]:
    if order["kind"] == "ambiguous":
        return {a["primary"] for a in order.get("accept", [])} | {order["expect"]["primary"]}
    return {order["expect"]["primary"]} if order["expect"]["primary"] else set()


def accepted_items(order: dict[str, Any]) -> set[str]:
    items = {order["expect"]["item"], *order.get("alt_items", [])}
    if order["kind"] == "ambiguous":
        items |= {a["item"] for a in order.get("accept", [])}
    return {i for i in items if i}


def is_right(order: dict[str, Any], route: kr.Route) -> bool:
    """Whether the route is right for the order (see the module docstring)."""
    if order["kind"] == "out_of_list":
        return route.declined
    if order["kind"] == "ambiguous" and route.declined:
        return True
    return not route.declined and route.primary in accepted_primaries(order)


def ownership_errors(g: kr.ResponsibilityGraph, routes: Sequence[kr.Route]) -> list[str]:
    """Routed answers whose ownership differs from g.owner(item, town, at)."""
    problems = []
    for r in routes:
        if r.declined:
            continue
        assert r.item is not None
        assert r.ownership is not None
        truth = g.owner(r.item.code, town=r.town.code, at=r.at)
        if (truth.primary.code, truth.list, tuple(u.code for u in truth.secondary)) != (
            r.ownership.primary.code, r.ownership.list,
            tuple(u.code for u in r.ownership.secondary)):
            problems.append(f"{r.town.code} {r.at} {r.item.code}: route says "
                            f"{r.ownership.primary.code}, g.owner says {truth.primary.code}")
    return problems


def summary(orders: Sequence[dict[str, Any]], routes: Sequence[kr.Route]) -> dict[str, float]:
    """The headline figures of a set of routes."""
    n = len(orders)
    in_list = [(o, r) for o, r in zip(orders, routes, strict=True) if o["kind"] == "in_list"]
    out = [(o, r) for o, r in zip(orders, routes, strict=True) if o["kind"] == "out_of_list"]
    routed = [(o, r) for o, r in zip(orders, routes, strict=True) if not r.declined]
    primary_ok = sum(1 for o, r in in_list
                     if not r.declined and r.primary == o["expect"]["primary"])
    item_ok = sum(1 for o, r in in_list
                  if not r.declined and r.item is not None and r.item.code in accepted_items(o))
    precise = sum(1 for o, r in routed if is_right(o, r))
    return {
        "orders": n,
        "in_list": len(in_list),
        "out_of_list": len(out),
        "primary_accuracy": primary_ok / len(in_list) if in_list else float("nan"),
        "item_accuracy": item_ok / len(in_list) if in_list else float("nan"),
        "routed": len(routed),
        "precision": precise / len(routed) if routed else float("nan"),
        "declined_share": 1 - len(routed) / n if n else float("nan"),
        "out_of_list_declined": (sum(1 for _, r in out if r.declined) / len(out)
                                 if out else float("nan")),
    }


def pct(x: float) -> str:
    return "   n/a" if x != x else f"{100 * x:5.1f}%"


def print_summary(title: str, s: dict[str, float]) -> None:
    print(f"{title}: {int(s['orders'])} orders ({int(s['in_list'])} in list, "
          f"{int(s['out_of_list'])} out of list)")
    print(f"  primary-unit accuracy (in-list)   {pct(s['primary_accuracy'])}")
    print(f"  item accuracy (in-list)           {pct(s['item_accuracy'])}")
    print(f"  precision on routed orders        {pct(s['precision'])}  "
          f"({int(s['routed'])} routed)")
    print(f"  share declined (all orders)       {pct(s['declined_share'])}")
    print(f"  out-of-list orders declined       {pct(s['out_of_list_declined'])}")


def breakdown(label: str, key: Any, orders: Sequence[dict[str, Any]],
              routes: Sequence[kr.Route]) -> None:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, o in enumerate(orders):
        groups[key(o)].append(i)
    print(f"\nby {label}:")
    print(f"  {'':<14} {'orders':>6} {'precision':>9} {'primary':>8} {'declined':>8} "
          f"{'out-decl':>8}")
    for name in sorted(groups):
        idx = groups[name]
        s = summary([orders[i] for i in idx], [routes[i] for i in idx])
        print(f"  {name:<14} {len(idx):>6} {pct(s['precision']):>9} "
              f"{pct(s['primary_accuracy']):>8} {pct(s['declined_share']):>8} "
              f"{pct(s['out_of_list_declined']):>8}")


def curve(orders: Sequence[dict[str, Any]], routes: Sequence[kr.Route]) -> list[tuple]:
    """Precision and coverage of the routes (made at threshold 0) at each threshold."""
    rows = []
    n = len(orders)
    for t in CURVE:
        kept = [(o, r) for o, r in zip(orders, routes, strict=True)
                if not r.declined and r.confidence >= t]
        right = sum(1 for o, r in kept if is_right(o, r))
        out = [r for o, r in zip(orders, routes, strict=True) if o["kind"] == "out_of_list"]
        out_declined = sum(1 for r in out if r.declined or r.confidence < t)
        rows.append((t, len(kept) / n if n else 0.0, right / len(kept) if kept else float("nan"),
                     out_declined / len(out) if out else float("nan")))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Evaluate kr.Router on labelled orders.")
    parser.add_argument("--set", dest="path", help="JSON lines of labelled orders")
    parser.add_argument("--quick", action="store_true",
                        help="headline figures only; fail only on a crash or an ownership "
                        "that disagrees with g.owner()")
    parser.add_argument("--threshold", type=float, default=None,
                        help="the router's threshold (default: the shipped one)")
    args = parser.parse_args(argv)
    path = Path(args.path) if args.path else (HELDOUT if HELDOUT.exists() else DEV)
    orders = read_set(path)
    g = kr.load_sample()
    started = time.perf_counter()
    router = kr.Router(g, threshold=args.threshold)
    build = time.perf_counter() - started
    batch = [(o["text"], o["town"], o["at"]) for o in orders]
    started = time.perf_counter()
    routes = router.route_many(batch)
    elapsed = time.perf_counter() - started
    problems = ownership_errors(g, routes)
    print(f"set: {path} ({len(orders)} orders); threshold {router.threshold:g}; "
          f"build {build * 1000:.0f} ms; routed in {elapsed * 1000:.0f} ms")
    print_summary("figures", summary(orders, routes))
    if problems:
        print(f"\n{len(problems)} routed answers disagree with g.owner():", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    print("  ownership of every routed order equals g.owner(item, town, at)")
    if args.quick:
        return 0
    breakdown("expected list", lambda o: o["expect"]["list"] or "(none)", orders, routes)
    breakdown("town", lambda o: o["town"], orders, routes)
    open_routes = kr.Router(g, threshold=0.0).route_many(batch)
    print("\nprecision / coverage over thresholds (confidence >= t routes):")
    print(f"  {'t':>5} {'coverage':>9} {'precision':>9} {'out-of-list declined':>21}")
    for t, coverage, precision, out_declined in curve(orders, open_routes):
        print(f"  {t:>5.2f} {pct(coverage):>9} {pct(precision):>9} {pct(out_declined):>21}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
