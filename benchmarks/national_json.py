"""write_json, read_json and check() at scale, beside the graph built through the API.

Every figure comes from a fresh child process, so that one phase's memory never counts in
another's:

* ``api``: the graph built through the public API (``assign``, ``delegate``, ``reclaim``),
  its extra RSS once built (the baseline), then ``write_json`` to the file (timed, with
  the RSS it adds at its peak);
* ``read``: ``read_json`` of that file (timed), the loaded graph's extra RSS, the whole
  process's peak RSS while reading, then ``check()`` over all dates (timed, with the
  whole process's peak RSS while it runs).

Times are wall-clock seconds, with the process's CPU seconds beside them (on a shared
machine the two differ by the time the process waited for a core). Each phase runs
``--repeat`` times (the API build and ``--writes`` writes once per repetition, then
the read and check); the summary gives the median with the min and max. Usage::

    python benchmarks/national_json.py --scale province --repeat 7
    python benchmarks/national_json.py --scale national --repeat 1
    python benchmarks/national_json.py --scale national --repeat 1 --writes 7 --only api

With ``--only api`` and then ``--only read`` the two phases run as two commands (the file
and the API figures wait in ``benchmarks/out/``).

Results go to ``benchmarks/results/json-<scale>.json`` (``--towns`` runs to
``benchmarks/out/``).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _data import SCALES, SHAPES, Dataset
from _timing import peak_rss, reset_peak, rss

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
RESULTS = HERE / "results"
GiB = 1 << 30


def _whole_peak() -> int:
    """The process's peak RSS over its whole life, in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def phase_api(data: Dataset, path: Path, writes: int = 1) -> dict[str, Any]:
    import kunshan_rbac as kr

    gc.collect()
    before = rss()
    t0, c0 = time.perf_counter(), time.process_time()
    graph = kr.ResponsibilityGraph()
    for kind, code, name, parent in data.units():
        unit = {"authority": kr.Authority, "department": kr.Department, "town": kr.Town}[kind]
        graph.add_unit(unit(code, name, parent=parent))
    for code, name, power, basis in data.items:
        graph.add_item(kr.Item(code, name, power_type=power, basis=basis))
    lists = {k.value: k for k in kr.ListKind}
    for index in range(data.towns):
        plan = data.town(index)
        for a in plan.assigns:
            graph.assign(a.item, town=plan.code, list=lists[a.list], primary=a.primary,
                         secondary=a.secondary, start=a.start, grant=a.grant)
        for step in plan.transfers:
            if step.kind == "reclaim":
                graph.reclaim(step.items, towns=plan.code, to=step.to,
                              effective=step.effective, keep_secondary=step.keep_secondary)
            else:
                graph.delegate(step.items, towns=plan.code, effective=step.effective,
                               keep_secondary=step.keep_secondary)
    build_s, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    gc.collect()
    built = rss()
    records = len(graph.records())
    # The graph is written ``writes`` times over the same file: each write is timed
    # alone, with the RSS it adds at its peak.
    runs: list[dict[str, float]] = []
    for _ in range(writes):
        gc.collect()
        after = rss()
        reset_peak()
        t0, c0 = time.perf_counter(), time.process_time()
        kr.write_json(graph, path)
        runs.append({"s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
                     "extra_bytes": peak_rss() - after})
    return {
        "build_s": build_s,
        "build_cpu_s": build_cpu,
        "records": records,
        "transfers": len(graph.transfers()),
        "graph_bytes": built - before,
        "write_s": runs[0]["s"],
        "write_cpu_s": runs[0]["cpu_s"],
        "write_extra_bytes": runs[0]["extra_bytes"],
        "writes": runs,
        "file_bytes": path.stat().st_size,
        "whole_peak_bytes": _whole_peak(),
    }


def phase_read(path: Path, limit: int) -> dict[str, Any]:
    import kunshan_rbac as kr

    gc.collect()
    before = rss()
    t0, c0 = time.perf_counter(), time.process_time()
    graph = kr.read_json(path, limits=kr.Limits(json_bytes=limit))
    read_s, read_cpu = time.perf_counter() - t0, time.process_time() - c0
    read_peak = _whole_peak()
    gc.collect()
    loaded = rss()
    reset_peak()
    t0, c0 = time.perf_counter(), time.process_time()
    report = kr.check(graph)
    check_s, check_cpu = time.perf_counter() - t0, time.process_time() - c0
    check_peak = peak_rss()
    return {
        "read_s": read_s,
        "read_cpu_s": read_cpu,
        "graph_bytes": loaded - before,
        "read_whole_peak_bytes": read_peak,
        "check_s": check_s,
        "check_cpu_s": check_cpu,
        "check_whole_peak_bytes": check_peak,
        "check_violations": len(report.violations),
        "records": len(graph.records()),
    }


def child(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    path = Path(spec["path"])
    if spec["phase"] == "api":
        data = Dataset(spec["towns"], SHAPES[spec["shape"]], seed=spec["seed"])
        result = phase_api(data, path, spec.get("writes", 1))
    elif spec["phase"] == "whole":
        # The same document with a space after its first brace: a layout the line
        # reader does not take, so read_json reads the file whole (the earlier reader).
        other = path.with_name("whole-" + path.name)
        with open(path, "rb") as source, open(other, "wb") as target:
            first = source.readline()
            target.write(first[:-1] + b" \n")
            while chunk := source.read(1 << 24):
                target.write(chunk)
        try:
            result = phase_read(other, spec["limit"])
        finally:
            other.unlink()
    else:
        result = phase_read(path, spec["limit"])
    print(json.dumps(result))
    return 0


def run_child(spec: dict[str, Any]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                          capture_output=True, text=True, check=False, cwd=HERE)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {spec['phase']} child failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "n": len(values)}


def shown(figure: dict[str, float], unit: str) -> str:
    if unit == "GiB":
        return (f"{figure['median'] / GiB:.2f} GiB ({figure['min'] / GiB:.2f}–"
                f"{figure['max'] / GiB:.2f})")
    if unit == "×":
        return f"{figure['median']:.2f}× ({figure['min']:.2f}–{figure['max']:.2f})"
    return f"{figure['median']:.1f} s ({figure['min']:.1f}–{figure['max']:.1f})"


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        return child(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--towns", type=int, help="towns (overrides --scale; saved to out/)")
    parser.add_argument("--shape", choices=sorted(SHAPES), default="issue")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--writes", type=int, default=1,
                        help="times each API build writes the file (each write timed)")
    parser.add_argument("--seed", type=int, default=20250401)
    parser.add_argument("--gzip", action="store_true", help="write and read .json.gz")
    parser.add_argument("--whole", action="store_true",
                        help="also read the file in another layout, which read_json reads "
                        "whole (the earlier reader), for comparison")
    parser.add_argument("--only", choices=("api", "read"),
                        help="run one phase: 'api' keeps the file and its figures in out/, "
                        "'read' reads that file and completes the summary")
    args = parser.parse_args()
    towns = args.towns or SCALES[args.scale]
    OUT.mkdir(exist_ok=True)
    path = OUT / f"graph-{towns}.json{'.gz' if args.gzip else ''}"
    partial = OUT / f"partial-{towns}.json"
    base = {"towns": towns, "shape": args.shape, "seed": args.seed, "path": str(path),
            "limit": 64 * GiB, "writes": args.writes}
    apis: list[dict[str, Any]] = []
    reads: list[dict[str, Any]] = []
    wholes: list[dict[str, Any]] = []
    if args.only == "read":
        apis = json.loads(partial.read_text(encoding="utf-8"))
    for n in range(args.repeat):
        if args.only != "read":
            apis.append(run_child({**base, "phase": "api"}))
            print(f"[{n + 1}/{args.repeat}] api: {json.dumps(apis[-1])}", flush=True)
        if args.only != "api":
            reads.append(run_child({**base, "phase": "read"}))
            print(f"[{n + 1}/{args.repeat}] read: {json.dumps(reads[-1])}", flush=True)
            if args.whole:
                wholes.append(run_child({**base, "phase": "whole"}))
                print(f"[{n + 1}/{args.repeat}] whole: {json.dumps(wholes[-1])}", flush=True)
    if args.only == "api":
        partial.write_text(json.dumps(apis), encoding="utf-8")
        print(f"file kept at {path}; figures in {partial}")
        return 0
    apis = apis[:len(reads)]
    path.unlink(missing_ok=True)
    # `--only read` may read one kept file several times: each read is compared with the
    # API build that wrote it.
    paired = apis if len(apis) == len(reads) else apis[:1] * len(reads)
    ratios = [r["graph_bytes"] / a["graph_bytes"] for a, r in zip(paired, reads, strict=True)]
    # Every write of every API build (a build from before `--writes` has its one write).
    writes = [w for a in apis for w in a.get("writes", [
        {"s": a["write_s"], "cpu_s": a["write_cpu_s"], "extra_bytes": a["write_extra_bytes"]}])]
    summary = {
        "api_build_s": spread([a["build_s"] for a in apis]),
        "api_build_cpu_s": spread([a["build_cpu_s"] for a in apis]),
        "write_json_cpu_s": spread([w["cpu_s"] for w in writes]),
        "read_json_cpu_s": spread([r["read_cpu_s"] for r in reads]),
        "check_cpu_s": spread([r["check_cpu_s"] for r in reads]),
        "api_graph_bytes": spread([a["graph_bytes"] for a in apis]),
        "write_json_s": spread([w["s"] for w in writes]),
        "write_json_extra_bytes": spread([w["extra_bytes"] for w in writes]),
        "read_json_s": spread([r["read_s"] for r in reads]),
        "read_graph_bytes": spread([r["graph_bytes"] for r in reads]),
        "read_over_api": spread(ratios),
        "read_whole_peak_bytes": spread([r["read_whole_peak_bytes"] for r in reads]),
        "check_s": spread([r["check_s"] for r in reads]),
        "check_whole_peak_bytes": spread([r["check_whole_peak_bytes"] for r in reads]),
    }
    rows = [
        ("graph built through the API: build", shown(summary["api_build_s"], "s")),
        ("  (CPU time)", shown(summary["api_build_cpu_s"], "s")),
        ("graph built through the API: extra RSS", shown(summary["api_graph_bytes"], "GiB")),
        ("write_json", shown(summary["write_json_s"], "s")),
        ("  (CPU time)", shown(summary["write_json_cpu_s"], "s")),
        ("write_json: extra RSS at its peak", shown(summary["write_json_extra_bytes"], "GiB")),
        ("read_json", shown(summary["read_json_s"], "s")),
        ("  (CPU time)", shown(summary["read_json_cpu_s"], "s")),
        ("read_json: graph's extra RSS", shown(summary["read_graph_bytes"], "GiB")),
        ("read_json graph / API graph", shown(summary["read_over_api"], "×")),
        ("read_json: whole-process peak RSS", shown(summary["read_whole_peak_bytes"], "GiB")),
        ("check() over all dates", shown(summary["check_s"], "s")),
        ("  (CPU time)", shown(summary["check_cpu_s"], "s")),
        ("check(): whole-process peak RSS", shown(summary["check_whole_peak_bytes"], "GiB")),
    ]
    print(f"\n{towns:,} towns, {apis[0]['records']:,} records, {apis[0]['transfers']:,} "
          f"transfers, {apis[0]['file_bytes'] / GiB:.2f} GiB file ({path.name}); "
          f"median (min–max) of {len(apis)} API builds, {len(writes)} writes and "
          f"{len(reads)} reads\n")
    if wholes:
        summary["whole_read_json_s"] = spread([w["read_s"] for w in wholes])
        summary["whole_read_json_cpu_s"] = spread([w["read_cpu_s"] for w in wholes])
        summary["whole_read_graph_bytes"] = spread([w["graph_bytes"] for w in wholes])
        summary["whole_read_whole_peak_bytes"] = spread(
            [w["read_whole_peak_bytes"] for w in wholes])
        rows += [
            ("read_json, file read whole (other layout)", shown(summary["whole_read_json_s"], "s")),
            ("  (CPU time)", shown(summary["whole_read_json_cpu_s"], "s")),
            ("  graph's extra RSS", shown(summary["whole_read_graph_bytes"], "GiB")),
            ("  whole-process peak RSS", shown(summary["whole_read_whole_peak_bytes"], "GiB")),
        ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    saved = {
        "scale": args.scale if not args.towns else None, "towns": towns, "shape": args.shape,
        "seed": args.seed, "repeat": args.repeat, "gzip": args.gzip,
        "date": datetime.date.today().isoformat(),
        "machine": {"python": platform.python_version(), "system": platform.platform(),
                    "cpus": __import__("os").cpu_count()},
        "command": " ".join(["python", "benchmarks/national_json.py", *sys.argv[1:]]),
        "summary": summary, "runs": {"api": apis, "read": reads, "whole": wholes},
    }
    name = f"json-{args.scale if not args.towns else towns}.json"
    target = (OUT if args.towns else RESULTS) / name
    target.write_text(json.dumps(saved, indent=1) + "\n", encoding="utf-8")
    print(f"\nsaved to {target.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
