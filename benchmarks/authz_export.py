"""Time and memory of the authorization exports, beside write_json in the same run.

    python benchmarks/authz_export.py --scale province [--repeat 3] [--towns N]

Builds the synthetic data set of the scale (``_data.Dataset``, ``sample`` shape) through
the public API, then writes, into a temporary folder, the OpenFGA store (model and
tuples, without tests), the Cedar files (without requests), the SpiceDB files (without
the validation file) and, as the baseline, ``write_json``. Each is timed ``--repeat``
times (median, min, max of wall-clock seconds); the peak of Python allocations
(tracemalloc) is taken in one further, untimed run of each. Nothing here fails for being
slow.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _backends import Library
from _data import SCALES, SHAPES, Dataset

import kunshan_rbac as kr


def build(towns: int) -> kr.ResponsibilityGraph:
    """The data set of ``towns`` towns, built as the benchmark suite builds it."""
    data = Dataset(towns, SHAPES["sample"])
    library = Library()
    library.begin(data)
    for plan in data.plans():
        library.add_town(plan)
    library.finish()
    return library.graph


def exports(graph: kr.ResponsibilityGraph) -> dict[str, Callable[[Path], object]]:
    """What is measured: each writes into a folder."""
    return {
        "write_json (baseline)": lambda out: kr.write_json(graph, out / "lists.json"),
        "openfga (model + tuples)": lambda out: kr.to_openfga(graph).write(out, tests=False),
        "cedar (schema, policies, entities)": lambda out: kr.to_cedar(graph).write(
            out, requests=False),
        "spicedb (schema + relationships)": lambda out: kr.to_spicedb(graph).write(
            out, tests=False),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--towns", type=int, help="this many towns instead of the scale's")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each (default 3)")
    args = parser.parse_args()
    towns = args.towns or SCALES[args.scale]
    started = time.perf_counter()
    graph = build(towns)
    print(f"{towns} towns: {len(graph.records()):,} records, built in "
          f"{time.perf_counter() - started:.1f} s")
    print(f"{'export':<38} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MiB':>9} "
          f"{'written MiB':>11}")
    for name, run in exports(graph).items():
        times = []
        size = 0
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as folder:
                begin = time.perf_counter()
                run(Path(folder))
                times.append(time.perf_counter() - begin)
                size = sum(p.stat().st_size for p in Path(folder).iterdir())
        with tempfile.TemporaryDirectory() as folder:
            tracemalloc.start()
            run(Path(folder))
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        print(f"{name:<38} {statistics.median(times):>9.1f} {min(times):>7.1f} "
              f"{max(times):>7.1f} {peak / 2**20:>9.0f} {size / 2**20:>11.0f}")
    print(f"({args.repeat} timed runs each; peak: Python allocations during one more run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
