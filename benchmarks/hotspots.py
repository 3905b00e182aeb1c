"""Profile one kunshan_rbac operation on the benchmark's synthetic data.

Usage (from the repository root)::

    python benchmarks/hotspots.py --scale province --op reclaim_bulk
    python benchmarks/hotspots.py --scale kunshan --op build --limit 30

The graph is built in this process through the public API (as ``run.py``'s in-memory
builder does), then the operation runs under cProfile and the functions with the most
cumulative and own time are printed.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import pstats
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _backends import Library
from _data import PAST, SCALES, SHAPES, Dataset

OPS = ("build", "owner_first", "owner_today", "owner_past", "duties_town", "items_on",
       "reclaim_one", "reclaim_bulk", "check", "write_json", "read_json")


def build(data: Dataset) -> Library:
    library = Library()
    library.begin(data)
    for plan in data.plans():
        library.add_town(plan)
    return library


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="kunshan")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="sample")
    parser.add_argument("--towns", type=int, default=None)
    parser.add_argument("--op", required=True,
                        help=f"one or more of {', '.join(OPS)}, comma-separated")
    parser.add_argument("--limit", type=int, default=25, help="rows of each listing")
    parser.add_argument("--seed", type=int, default=20250401)
    args = parser.parse_args(argv)
    data = Dataset(args.towns or SCALES[args.scale], SHAPES[args.shape], seed=args.seed)
    rng = random.Random(args.seed)
    plans = [data.town(t) for t in rng.sample(range(data.towns), min(data.towns, 200))]
    keys = [(rng.choice(p.held_today), p.code) for p in (rng.choice(plans) for _ in range(5000))]
    past = [(rng.choice(p.held_past), p.code) for p in (rng.choice(plans) for _ in range(5000))]
    ops = args.op.split(",")
    unknown = sorted(set(ops) - set(OPS))
    if unknown:
        parser.error(f"unknown operations: {', '.join(unknown)}")
    library: Library | None = None
    if ops != ["build"]:
        started = time.perf_counter()
        library = build(data)
        print(f"built {library.graph!r} in {time.perf_counter() - started:.1f} s", flush=True)
    for op in ops:
        profile(op, data, library, plans, keys, past, rng, args.limit)
    return 0


def profile(op: str, data: Dataset, library: Library | None, plans: list[Any],
            keys: list[tuple[str, str]], past: list[tuple[str, str]], rng: random.Random,
            limit: int) -> None:
    """Run one operation under cProfile and print the top functions."""
    graph: Any = library.graph if library else None
    action: Callable[[], Any]
    if op == "build":
        def action() -> Any:
            return build(data)
    elif op in ("owner_first", "owner_today"):
        if op == "owner_today":
            for item, town in keys:
                graph.owner(item, town=town)

        def action() -> Any:
            for item, town in keys:
                graph.owner(item, town=town)
    elif op == "owner_past":
        def action() -> Any:
            for item, town in past:
                graph.owner(item, town=town, at=PAST)
    elif op == "duties_town":
        def action() -> Any:
            for plan in plans:
                graph.duties(plan.code)
    elif op == "items_on":
        def action() -> Any:
            for plan in plans:
                graph.items_on("reclaimed", town=plan.code)
    elif op == "reclaim_one":
        pairs = rng.sample(sorted({(i, p.code) for p in plans for i in p.basic}), 200)

        def action() -> Any:
            for item, town in pairs:
                city = data.city_code(data.city_of(int(town[1:])))
                graph.reclaim(item, towns=town, to=f"{city}-zjj",
                              effective=datetime.date(2026, 1, 1))
    elif op == "reclaim_bulk":
        towns = [data.town(t) for t in data.towns_of(0)]
        items = sorted(set.intersection(*(set(p.reclaimable) for p in towns)))

        def action() -> Any:
            return graph.reclaim(items, towns=[p.code for p in towns], to="c0000-zhzf",
                                 effective=datetime.date(2025, 7, 1))
    elif op == "check":
        import kunshan_rbac as kr

        def action() -> Any:
            return kr.check(graph)
    else:
        import kunshan_rbac as kr

        path = Path(tempfile.mkdtemp()) / "graph.json"
        if op == "read_json":
            kr.write_json(graph, path)

        def action() -> Any:
            if op == "write_json":
                return kr.write_json(graph, path)
            return kr.read_json(path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    action()
    profiler.disable()
    print(f"== {op}: {time.perf_counter() - started:.3f} s under the profiler")
    for order in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(limit)
        print(out.getvalue())


if __name__ == "__main__":
    sys.exit(main())
