"""Time kr.evaluate on a Kunshan year and on 10 million events, beside a plain-Python baseline.

Two scales, generated with a fixed seed as Parquet files of canonical events over the
embedded sample's lists (each order on an (item, town) pair held on its date):

* ``kunshan``: Kunshan's year, about 500,000 orders (about 2.5 million events);
* ``big``: 2 million orders, 10 million events.

Each measurement runs in a fresh child process, which reports the wall time of one whole
``kr.evaluate(g, "events.parquet")`` (reading the file, the ownership table, the calendar
and limit tables, the SQL, the result objects), the CPU time the process used meanwhile
(all threads; on a shared machine wall time also counts waiting for a core) and its peak
RSS (``ru_maxrss``). The
baseline is the plain-Python evaluation of ``tests/loop_reference.py`` (the reference
the tests hold DuckDB to: ``g.owner`` per order, a day-by-day calendar walk per due
time), timed over `kr.Orders` already built from the same events (building them is not
counted, which favours the baseline).

Usage::

    pip install -e '.[analytics]' numpy
    python benchmarks/evaluate_bench.py --scale kunshan --repeat 7 --baseline-repeat 1
    python benchmarks/evaluate_bench.py --scale big --repeat 3 --baseline none

Output: one line per measurement, then the medians with min and max. Timing never fails.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
SCALES = {"kunshan": 500_000, "big": 2_000_000}
REASONS = ["不属于本单位职责", "应由主管部门办理", "属地管理，应由镇街先行处置"]


def generate(orders: int, path: Path, seed: int = 2025) -> int:
    """Write ``orders`` orders' events to ``path`` (Parquet); return the number of events."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    import kunshan_rbac as kr

    rng = np.random.default_rng(seed)
    own = kr.ownership_table(kr.load_sample()).to_pylist()
    year_start, year_end = datetime.date(2025, 1, 1), datetime.date(2026, 1, 1)
    rows = []
    for row in own:
        lo = max(row["start"] or year_start, year_start)
        hi = min(row["end"] or year_end, year_end)
        if lo < hi:
            rows.append((row["item"], row["town"], row["primary"], row["list"], lo, hi))
    pick = rng.integers(0, len(rows), orders)
    item = np.array([r[0] for r in rows], dtype=object)[pick]
    town = np.array([r[1] for r in rows], dtype=object)[pick]
    primary = np.array([r[2] for r in rows], dtype=object)[pick]
    lo = np.array([(r[4] - year_start).days for r in rows])[pick]
    span = np.array([(r[5] - r[4]).days for r in rows])[pick]
    epoch = np.datetime64("2025-01-01T00:00")
    received = (epoch + (lo + (rng.random(orders) * span).astype(np.int64)) * np.timedelta64(1, "D")
                + rng.integers(7 * 60, 22 * 60, orders) * np.timedelta64(1, "m"))
    ids = np.char.add("O", np.arange(orders).astype(str)).astype(object)
    minutes = np.timedelta64(1, "m")
    dispatched = received + rng.integers(1, 11, orders) * minutes
    wrong = rng.random(orders) < 0.1
    first = np.where(wrong, np.where(primary == town, "zjj", town), primary).astype(object)
    returned = dispatched + rng.integers(20, 240, orders) * minutes
    again = returned + rng.integers(2, 11, orders) * minutes
    last = np.where(wrong, again, dispatched)
    signed = last + rng.exponential(90, orders).astype(np.int64) * minutes
    done = signed + (rng.lognormal(np.log(24 * 60), 0.9, orders)).astype(np.int64) * minutes
    rated_mask = rng.random(orders) < 0.81
    rated = done + rng.integers(30, 4320, orders) * minutes
    rating = rng.choice(np.array(["满意", "基本满意", "不满意"], dtype=object), orders,
                        p=[0.7, 0.24, 0.06])
    reason = rng.choice(np.array(REASONS, dtype=object), orders)
    base = np.arange(orders, dtype=np.int64) * 8
    empty = np.full(orders, "", dtype=object)
    parts = [
        (ids, received, "received", town, empty, empty, empty, base),
        (ids, dispatched, "dispatched", empty, first, item, empty, base + 1),
        (ids[wrong], returned[wrong], "returned", empty[wrong], first[wrong], empty[wrong],
         reason[wrong], base[wrong] + 2),
        (ids[wrong], again[wrong], "dispatched", empty[wrong], primary[wrong], empty[wrong],
         empty[wrong], base[wrong] + 3),
        (ids, signed, "signed", empty, empty, empty, empty, base + 4),
        (ids, done, "done", empty, empty, empty, empty, base + 5),
        (ids[rated_mask], rated[rated_mask], "rated", empty[rated_mask], empty[rated_mask],
         empty[rated_mask], rating[rated_mask], base[rated_mask] + 6),
    ]
    tables = []
    for oid, when, event, tw, unit, it, detail, seq in parts:
        n = len(oid)
        tables.append(pa.table({
            "order": pa.array(oid, pa.string()),
            "time": pa.array(when.astype("datetime64[us]")),
            "event": pa.array([event] * n, pa.string()).dictionary_encode().cast(pa.string()),
            "town": pa.array(tw, pa.string()), "unit": pa.array(unit, pa.string()),
            "item": pa.array(it, pa.string()), "detail": pa.array(detail, pa.string()),
            "kind": pa.array(empty[:n], pa.string()),
            "urgent": pa.array(np.zeros(n, dtype=bool)),
            "seq": pa.array(seq, pa.int64()),
        }))
    table = pa.concat_tables(tables)
    pq.write_table(table, path)
    return int(table.num_rows)


def child_evaluate(path: Path) -> None:
    """Child: time one kr.evaluate over the Parquet file; print JSON."""
    import kunshan_rbac as kr

    g = kr.load_sample()
    cpu = time.process_time()
    started = time.perf_counter()
    ev = kr.evaluate(g, path)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_rss": peak,
                      "orders": sum(r.orders for r in ev.towns.values())}))


def child_baseline(path: Path) -> None:
    """Child: build kr.Orders from the file (not timed), then time the reference."""
    import pyarrow.parquet as pq

    import kunshan_rbac as kr

    sys.path.insert(0, str(ROOT / "tests"))
    from loop_reference import reference_evaluation

    g = kr.load_sample()
    table = pq.read_table(path).sort_by([("seq", "ascending")])
    china = kr.CHINA_TZ
    events = [
        kr.OrderEvent(r["order"], r["time"].replace(tzinfo=china), r["event"], r["town"] or "",
                      r["unit"] or "", r["item"] or "", "", r["detail"] or "")
        for r in table.to_pylist()
    ]
    orders = kr.Orders.from_events(events)
    assert not orders.problems, orders.problems[:3]
    started = time.perf_counter()
    cpu = time.process_time()
    rows = reference_evaluation(g, orders, kr.WorkCalendar.china(), kr.Deadlines.default())
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_rss": peak,
                      "orders": sum(r["orders"] for r in rows["town"].values())}))


def run_child(kind: str, path: Path) -> dict[str, float]:
    """Run one measurement in a fresh interpreter."""
    result = subprocess.run([sys.executable, __file__, f"--child-{kind}", str(path)],
                            capture_output=True, text=True, check=True)
    value: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return value


def summary(label: str, runs: list[dict[str, float]]) -> str:
    """Median, min and max of the runs' times, and the largest peak RSS."""
    times = [r["seconds"] for r in runs]
    peak = max(r["peak_rss"] for r in runs) / 2**30
    cpu = [r["cpu"] for r in runs]
    return (f"{label}: median {statistics.median(times):.2f} s (min {min(times):.2f}, max "
            f"{max(times):.2f}; {len(times)} runs), CPU time median {statistics.median(cpu):.2f}"
            f" s, peak RSS {peak:.2f} GiB")


def main() -> int:
    """Generate (once) and measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="kunshan")
    parser.add_argument("--repeat", type=int, default=7, help="runs of kr.evaluate")
    parser.add_argument("--baseline-repeat", type=int, default=1,
                        help="runs of the plain-Python baseline (0: none)")
    parser.add_argument("--child-evaluate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-baseline", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_evaluate:
        child_evaluate(args.child_evaluate)
        return 0
    if args.child_baseline:
        child_baseline(args.child_baseline)
        return 0
    OUT.mkdir(exist_ok=True)
    orders = SCALES[args.scale]
    path = OUT / f"events-{args.scale}.parquet"
    if not path.exists():
        started = time.perf_counter()
        events = generate(orders, path)
        print(f"generated {orders} orders, {events} events in {time.perf_counter() - started:.1f}"
              f" s -> {path} ({os.path.getsize(path) / 2**20:.0f} MiB)")
    import pyarrow.parquet as pq

    events = pq.ParquetFile(path).metadata.num_rows
    print(f"scale {args.scale}: {orders} orders, {events} events; machine: {os.cpu_count()} "
          f"CPUs, load average {os.getloadavg()[0]:.1f} at start")
    runs = []
    for i in range(args.repeat):
        runs.append(run_child("evaluate", path))
        print(f"  kr.evaluate run {i + 1}: {runs[-1]['seconds']:.2f} s (CPU "
              f"{runs[-1]['cpu']:.2f} s), peak RSS "
              f"{runs[-1]['peak_rss'] / 2**30:.2f} GiB, {runs[-1]['orders']:.0f} orders")
    base = []
    for i in range(args.baseline_repeat):
        base.append(run_child("baseline", path))
        print(f"  baseline run {i + 1}: {base[-1]['seconds']:.2f} s (CPU "
              f"{base[-1]['cpu']:.2f} s), peak RSS "
              f"{base[-1]['peak_rss'] / 2**30:.2f} GiB, {base[-1]['orders']:.0f} orders")
    print(summary("kr.evaluate (DuckDB)", runs))
    if base:
        print(summary("plain-Python baseline", base))
        ratio = (statistics.median(b["seconds"] for b in base)
                 / statistics.median(r["seconds"] for r in runs))
        print(f"baseline median / kr.evaluate median: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
