"""Time ``owner()`` of an earlier revision and of the working tree side by side, in one
process.

`bench_owner.py` runs each version in its own child processes; on a loaded machine the
figures of one case swing from run to run by more than a small change could cost. Here
both packages are loaded in one interpreter under two names (``kr_before``,
``kr_after``: the package imports itself only relatively), and each repetition times
both, the order alternated, so that load and memory layout hit both alike.

Cases: ``owner()`` today and at a past date on `bench_owner.py`'s key (``--number``
calls per repetition), and over the first 200 keys of the sample that answer both
(25 calls each per repetition). Printed: median ns per call over ``--repeat``
repetitions with min-max, and the ratio of the medians.

    python tools/mutation/_graph.bench_owner_ab.py --before main --repeat 41
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
DAY = datetime.date(2023, 6, 1)


def _cases(kr: Any, number: int) -> dict[str, Callable[[], float]]:
    """The timed cases of one version: each returns ns per call."""
    g = kr.load_sample()

    def answers(item: str, town: str) -> bool:
        try:
            g.owner(item, town=town, at=DAY)
            g.owner(item, town=town)
        except kr.KunshanRbacError:
            return False
        return True

    keys = [k for k in sorted({(r.item, r.town) for r in g.records()}) if answers(*k)]
    item, town = keys[0]  # bench_owner.py's key
    many = keys[:200]
    owner = g.owner

    def today_one() -> float:
        return timeit.timeit(lambda: owner(item, town=town), number=number) / number * 1e9

    def date_one() -> float:
        return timeit.timeit(lambda: owner(item, town=town, at=DAY), number=number) / number * 1e9

    def today_many() -> float:
        started = time.perf_counter()
        for _ in range(25):
            for i, t in many:
                owner(i, town=t)
        return (time.perf_counter() - started) / (25 * len(many)) * 1e9

    def date_many() -> float:
        started = time.perf_counter()
        for _ in range(25):
            for i, t in many:
                owner(i, town=t, at=DAY)
        return (time.perf_counter() - started) / (25 * len(many)) * 1e9

    return {
        "owner() today, one key": today_one,
        "owner() at a date, one key": date_one,
        "owner() today, 200 keys": today_many,
        "owner() at a date, 200 keys": date_many,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git revision of the baseline")
    parser.add_argument("--repeat", type=int, default=41)
    parser.add_argument("--number", type=int, default=20000, help="calls per repetition")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kunshan-bench-ab-") as tmp:
        base = Path(tmp)
        archive = subprocess.run(["git", "archive", args.before, "src/kunshan_rbac"],
                                 cwd=ROOT, capture_output=True, check=True).stdout
        (base / "before.tar").write_bytes(archive)
        with tarfile.open(base / "before.tar") as tar:
            tar.extractall(base / "before", filter="data")
        shutil.move(base / "before" / "src" / "kunshan_rbac", base / "kr_before")
        shutil.copytree(ROOT / "src" / "kunshan_rbac", base / "kr_after",
                        ignore=shutil.ignore_patterns("__pycache__"))
        sys.path.insert(0, str(base))
        sys.dont_write_bytecode = True
        versions = {name: _cases(importlib.import_module(name), args.number)
                    for name in ("kr_before", "kr_after")}
    runs: dict[str, dict[str, list[float]]] = {name: {} for name in versions}
    for rep in range(args.repeat):
        order = ("kr_before", "kr_after") if rep % 2 == 0 else ("kr_after", "kr_before")
        for name in order:
            for case, timed in versions[name].items():
                runs[name].setdefault(case, []).append(timed())
    print(f"median ns per call over {args.repeat} repetitions [min-max], one process, "
          f"order alternated; before = {args.before}, after = working tree")
    for case in runs["kr_before"]:
        b, a = runs["kr_before"][case], runs["kr_after"][case]
        print(f"{case:28} before {statistics.median(b):6.0f} [{min(b):.0f}-{max(b):.0f}]"
              f"   after {statistics.median(a):6.0f} [{min(a):.0f}-{max(a):.0f}]"
              f"   after/before {statistics.median(a) / statistics.median(b):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
