"""Time ``owner()`` on the sample with the package of an earlier revision and with the
working tree's, alternately, in one run.

Each repetition runs one child process per source tree; each figure is the median per
call over ``--repeat`` repetitions with the spread (min/max). "first ask" builds each
(item, town)'s timeline: a fresh graph is asked once about every key.

    python tools/mutation/bench_owner.py --before 620b9a0 --repeat 15
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

CHILD = r"""
import datetime, json, sys, time, timeit
import kunshan_rbac as kr

number = int(sys.argv[1])
g = kr.load_sample()
keys = sorted({(r.item, r.town) for r in g.records()})
out = {}
fresh = [kr.load_sample() for _ in range(5)]
started = time.perf_counter()
for h in fresh:
    for item, town in keys:
        try:
            h.owner(item, town=town)
        except kr.KunshanRbacError:
            pass
out["first ask (builds the timeline)"] = (time.perf_counter() - started) / (5 * len(keys))
def answers(key):
    try:
        g.owner(key[0], town=key[1], at=datetime.date(2023, 6, 1))
        g.owner(key[0], town=key[1])
    except kr.KunshanRbacError:
        return False
    return True
item, town = next(k for k in keys if answers(k))
day = datetime.date(2023, 6, 1)
moment = datetime.datetime(2023, 6, 1, 9, 0)
cases = {
    "owner() today": lambda: g.owner(item, town=town),
    "owner() at a date": lambda: g.owner(item, town=town, at=day),
    "owner() at a datetime": lambda: g.owner(item, town=town, at=moment),
    "owner() at '2023-06-01'": lambda: g.owner(item, town=town, at="2023-06-01"),
}
for name, call in cases.items():
    out[name] = timeit.timeit(call, number=number) / number
print(json.dumps({k: v * 1e9 for k, v in out.items()}))
"""


def _run(src: Path, number: int) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run([sys.executable, "-c", CHILD, str(number)], env=env, check=True,
                          capture_output=True, text=True, cwd=src.parent)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git revision of the baseline")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--number", type=int, default=50000, help="calls per repetition")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kunshan-bench-") as tmp:
        before = Path(tmp) / "before"
        before.mkdir()
        archive = subprocess.run(["git", "archive", args.before, "src/kunshan_rbac"],
                                 cwd=ROOT, capture_output=True, check=True).stdout
        archive_path = Path(tmp) / "before.tar"
        archive_path.write_bytes(archive)
        with tarfile.open(archive_path) as tar:
            tar.extractall(before, filter="data")
        trees = {"before": before / "src", "after": ROOT / "src"}
        runs: dict[str, list[dict[str, float]]] = {"before": [], "after": []}
        for _ in range(args.repeat):  # alternate, so that load changes hit both alike
            for name, src in trees.items():
                runs[name].append(_run(src, args.number))
    print(f"median ns per call over {args.repeat} repetitions [min-max]; "
          f"before = {args.before}, after = working tree")
    for case in runs["after"][0]:
        b = [r[case] for r in runs["before"]]
        a = [r[case] for r in runs["after"]]
        print(f"{case:35} before {statistics.median(b):7.0f} [{min(b):.0f}-{max(b):.0f}]"
              f"   after {statistics.median(a):7.0f} [{min(a):.0f}-{max(a):.0f}]"
              f"   after/before {statistics.median(a) / statistics.median(b):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
