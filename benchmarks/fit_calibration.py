"""Fit the router's confidence calibration on the calibration orders and ship it as data.

    python benchmarks/fit_calibration.py [--set PATH] [--target 0.92] [--write]

Routes every order of the calibration set (``route_orders/calib.jsonl``, never used to tune
the lexicon) at threshold 0, pairs each routed order's uncalibrated confidence
(``route.raw``) with whether it is right (the primary unit expected, or, for an out-of-list
order, never), and fits a monotone table raw -> share right by pooled adjacent violators,
each block's share shrunk towards one half by one right and one wrong pseudo-order. The
default threshold is the smallest confidence at which the routes kept reach ``--target``
precision on this set. Prints the table and the precision/coverage at each candidate
threshold; ``--write`` writes ``src/kunshan_rbac/data/router_calibration.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import kunshan_rbac as kr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from route_eval import is_right, read_set

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "src" / "kunshan_rbac" / "data" / "router_calibration.json"


def pav(values: list[tuple[float, float, float]]) -> list[list[float]]:
    """Pool adjacent violators over (x, right, weight) sorted by x: blocks [x_sum, right, n]."""
    blocks: list[list[float]] = []
    for x, right, weight in values:
        blocks.append([x * weight, right, weight])
        while len(blocks) > 1 and blocks[-2][1] / blocks[-2][2] >= blocks[-1][1] / blocks[-1][2]:
            last = blocks.pop()
            for i in range(3):
                blocks[-1][i] += last[i]
    return blocks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=str(HERE / "route_orders" / "calib.jsonl"))
    parser.add_argument("--target", type=float, default=0.92)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    orders = read_set(Path(args.set))
    g = kr.load_sample()
    batch = [(o["text"], o["town"], o["at"]) for o in orders]
    routes = kr.Router(g, threshold=0.0).route_many(batch)
    pairs = sorted((r.raw, 1.0 if is_right(o, r) else 0.0)
                   for o, r in zip(orders, routes, strict=True) if not r.declined)
    blocks = pav([(x, y, 1.0) for x, y in pairs])
    points = []
    for x_sum, right, n in blocks:
        points.append([round(x_sum / n, 4), round((right + 1) / (n + 2), 4), int(n)])
    # Shrinking can break monotonicity between small blocks: pool again on the shrunk values.
    merged = pav([(p[0], p[1] * p[2], p[2]) for p in points])
    table = [[round(b[0] / b[2], 4), round(b[1] / b[2], 4)] for b in merged]
    print(f"set {args.set}: {len(orders)} orders, {len(pairs)} routed at threshold 0")
    print("calibration table (raw -> confidence):")
    for raw, conf in table:
        print(f"  {raw:6.3f} -> {conf:5.3f}")

    def calibrate(raw: float) -> float:
        xs = [p[0] for p in table]
        ys = [p[1] for p in table]
        if raw <= xs[0]:
            return ys[0]
        if raw >= xs[-1]:
            return ys[-1]
        for i in range(1, len(xs)):
            if raw <= xs[i]:
                return ys[i - 1] + (ys[i] - ys[i - 1]) * (raw - xs[i - 1]) / (xs[i] - xs[i - 1])
        return ys[-1]

    scored = [(calibrate(r.raw), is_right(o, r)) for o, r in zip(orders, routes, strict=True)
              if not r.declined]
    candidates = sorted({round(c, 4) for c, _ in scored})
    chosen = None
    print("threshold  coverage  precision")
    for t in candidates:
        kept = [ok for c, ok in scored if c >= t]
        precision = sum(kept) / len(kept)
        print(f"  {t:6.3f}   {100 * len(kept) / len(orders):5.1f}%   {100 * precision:5.1f}%")
        if chosen is None and precision >= args.target:
            chosen = t
    if chosen is None:
        chosen = candidates[-1]
    print(f"default threshold: {chosen} (first reaching {args.target:.0%} precision on this set)")
    if args.write:
        doc = {
            "description": "Monotone table from the router's raw confidence to the share of routes "
            "that were right, fitted by benchmarks/fit_calibration.py on "
            "benchmarks/route_orders/calib.jsonl; threshold: the default decline threshold.",
            "set": Path(args.set).name,
            "orders": len(orders),
            "routed": len(pairs),
            "target_precision": args.target,
            "threshold": chosen,
            "points": table,
        }
        TARGET.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
