"""Time and memory of the authorization exports, beside write_json in the same run.

    python benchmarks/authz_export.py --scale province [--shape issue] [--repeat 7]
    python benchmarks/authz_export.py --towns 20

Builds the synthetic data set of the scale (``_data.Dataset``, ``sample`` or ``issue``
shape) through the public API, then writes, into a temporary folder, the OpenFGA store
(model and tuples, without tests), the Cedar files (without requests), the SpiceDB files
(without the validation file) and, as baselines, ``write_json`` and the one pass over the
graph that every export makes (``town_duties``: each town's duties and their grants read
and dropped, nothing written). Each is
timed ``--repeat`` times (median, min, max of wall-clock seconds; median CPU seconds of
this process beside them, since the machine may be shared). Memory is the process's peak
resident set during each run minus its resident set before it (the kernel's high-water
mark, reset before every run through ``/proc/self/clear_refs``; Linux only), the largest
over the runs: what the export adds to the built graph, not the graph itself. Nothing
here fails for being slow.

``--skip-json`` leaves the ``write_json`` baseline out (at national scale it holds every
record as a dict and then the whole text: more memory than a shared machine may have).
``--traced`` adds, after the timed runs of each row, one run under ``tracemalloc``: the
peak of the bytes Python allocated during it (the export's own memory, exact, even where
it reuses memory the process already holds and so does not raise the resident set).
``--json FILE`` reads the graph from a file ``write_json`` wrote (for example the one
``national_json.py --only api`` keeps in ``benchmarks/out/``) instead of building it:
the same graph, in a few minutes less at national scale. ``--only NAME ...`` measures
only the rows whose name starts with one of the names, in that order.
"""

from __future__ import annotations

import argparse
import gc
import platform
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
from kunshan_rbac._authz import town_duties


def build(towns: int, shape: str = "sample") -> kr.ResponsibilityGraph:
    """The data set of ``towns`` towns, built as the benchmark suite builds it."""
    data = Dataset(towns, SHAPES[shape])
    library = Library()
    library.begin(data)
    for plan in data.plans():
        library.add_town(plan)
    library.finish()
    return library.graph


def exports(graph: kr.ResponsibilityGraph, *, baseline: bool = True
            ) -> dict[str, Callable[[Path], object]]:
    """What is measured: each writes into a folder."""
    found: dict[str, Callable[[Path], object]] = {}
    found["grants pass, nothing written (baseline)"] = lambda out: sum(
        len(duties) for _, duties in town_duties(graph))
    if baseline:
        found["write_json (baseline)"] = lambda out: kr.write_json(graph, out / "lists.json")
    found["openfga (model + tuples)"] = lambda out: kr.to_openfga(graph).write(out, tests=False)
    found["cedar (schema, policies, entities)"] = lambda out: kr.to_cedar(graph).write(
        out, requests=False)
    found["spicedb (schema + relationships)"] = lambda out: kr.to_spicedb(graph).write(
        out, tests=False)
    return found


def _status(field: str) -> int:
    """A ``/proc/self/status`` memory field in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise LookupError(field)


def _reset_peak() -> None:
    """Reset the kernel's peak resident set (VmHWM) of this process to its current one."""
    Path("/proc/self/clear_refs").write_text("5")


def measure(run: Callable[[Path], object]) -> tuple[float, float, int, int]:
    """One run: (seconds, CPU seconds, extra peak resident bytes, bytes written)."""
    with tempfile.TemporaryDirectory() as folder:
        gc.collect()
        _reset_peak()
        before = _status("VmRSS")
        begin, cpu = time.perf_counter(), time.process_time()
        run(Path(folder))
        seconds, cpu = time.perf_counter() - begin, time.process_time() - cpu
        peak = _status("VmHWM") - before
        size = sum(p.stat().st_size for p in Path(folder).iterdir())
    return seconds, cpu, peak, size


def traced(run: Callable[[Path], object]) -> int:
    """One run under ``tracemalloc``: the peak of the bytes allocated during it."""
    with tempfile.TemporaryDirectory() as folder:
        gc.collect()
        tracemalloc.start()
        try:
            run(Path(folder))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--towns", type=int, help="this many towns instead of the scale's")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="sample")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument("--skip-json", action="store_true", help="leave write_json out")
    parser.add_argument("--traced", action="store_true",
                        help="one more run of each under tracemalloc: its allocation peak")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="only the rows whose name starts with one of these")
    parser.add_argument("--json", type=Path, metavar="FILE",
                        help="read the graph from this write_json file instead of building it")
    args = parser.parse_args()
    towns = args.towns or SCALES[args.scale]
    started = time.perf_counter()
    if args.json:
        graph = kr.read_json(args.json, limits=kr.Limits(json_bytes=1 << 40))
        towns = sum(1 for unit in graph.units() if isinstance(unit, kr.Town))
    else:
        graph = build(towns, args.shape)
    print(f"{towns} towns ({args.json or args.shape}): {graph!r}, "
          f"{'read' if args.json else 'built'} in "
          f"{time.perf_counter() - started:.1f} s; resident {_status('VmRSS') / 2**30:.2f} GiB "
          f"(peak while building {_status('VmHWM') / 2**30:.2f} GiB)")
    print(f"Python {platform.python_version()}, kunshan-rbac {kr.__version__}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"{'export':<40} {'median s':>9} {'min s':>8} {'max s':>8} {'CPU s':>7} "
          f"{'extra peak MiB':>15} {'written MiB':>12}"
          + (f" {'traced peak MiB':>16}" if args.traced else ""), flush=True)
    chosen = exports(graph, baseline=not args.skip_json)
    if args.only:  # in the order given
        chosen = {name: run for prefix in args.only for name, run in chosen.items()
                  if name.startswith(prefix)}
    for name, run in chosen.items():
        times, cpus, peaks = [], [], []
        size = 0
        for _ in range(args.repeat):
            seconds, cpu, peak, size = measure(run)
            times.append(seconds)
            cpus.append(cpu)
            peaks.append(peak)
        print(f"{name:<40} {statistics.median(times):>9.2f} {min(times):>8.2f} "
              f"{max(times):>8.2f} {statistics.median(cpus):>7.1f} "
              f"{max(peaks) / 2**20:>15.0f} {size / 2**20:>12.0f}"
              + (f" {traced(run) / 2**20:>16.1f}" if args.traced else ""), flush=True)
    print(f"({args.repeat} timed runs each; CPU s: median CPU seconds of the process; extra "
          "peak: the largest rise of the resident set over the resident set before a run, "
          f"the built graph not counted)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
