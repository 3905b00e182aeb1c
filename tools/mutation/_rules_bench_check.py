"""Time ``kr.check`` on the sample with the package of an earlier revision and with the
working tree's, alternately, in one run.

Each repetition runs one child process per source tree; each figure is the median per
check over ``--repeat`` repetitions with the spread (min/max). The sample has 13,162
records in 5,336 (item, town) groups, nearly all of two or three records.

    python tools/mutation/_rules_bench_check.py --before 3062501 --repeat 9
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
import json, sys, timeit
import kunshan_rbac as kr

number = int(sys.argv[1])
g = kr.load_sample()
kr.check(g)
cases = {
    "check() over all dates": lambda: kr.check(g),
    "check() on 2023-06-01": lambda: kr.check(g, at="2023-06-01"),
}
print(json.dumps({name: timeit.timeit(call, number=number) / number * 1e3
                  for name, call in cases.items()}))
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
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--number", type=int, default=5, help="checks per repetition")
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
    print(f"median ms per check over {args.repeat} repetitions of {args.number} [min-max]; "
          f"before = {args.before}, after = working tree")
    for case in runs["after"][0]:
        b = [r[case] for r in runs["before"]]
        a = [r[case] for r in runs["after"]]
        print(f"{case:24} before {statistics.median(b):6.1f} [{min(b):.1f}-{max(b):.1f}]"
              f"   after {statistics.median(a):6.1f} [{min(a):.1f}-{max(a):.1f}]"
              f"   after/before {statistics.median(a) / statistics.median(b):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
