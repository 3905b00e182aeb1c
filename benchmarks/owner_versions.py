"""Time single-threaded `owner()` today at several commits of the library, in one run.

Usage (from the repository root)::

    python benchmarks/owner_versions.py                      # before the threads model,
                                                             # with it, and the work tree
    python benchmarks/owner_versions.py --commits 1f010f8,4a6f961 --repeats 21

Each version's ``src/`` is taken with ``git archive`` into a temporary folder (the work
tree's own ``src/`` for ``work``) and imported in its own long-lived child process, which
builds the Kunshan sample graph once. The parent then asks the children in turn, one
repetition each, round after round, so that a noisy machine slows every version alike.
In a repetition a child times ``graph.owner(item, town=town)`` over ``--calls`` calls on
every (item, town) of the sample that has an answer today, then a plain dict function
``owner(item, town)`` over the same calls. Printed: for each version the median per call
over the repetitions with the min and max, the ratio to the dict in the same child, and
each version's median over the first version's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT = "4a6f961^1,4a6f961,work"
"""The main line just before the threads model was merged, the merge itself, and the
work tree."""


def child(calls: int) -> None:
    """Build the sample graph, then time one repetition per line read from stdin."""
    import kunshan_rbac as kr

    graph = kr.load_sample()
    keys: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for record in graph.records():
        key = (record.item, record.town)
        if key in seen:
            continue
        seen.add(key)
        try:
            graph.owner(record.item, town=record.town)
        except kr.KunshanRbacError:
            continue
        keys.append(key)
    now = {(town, item): graph.owner(item, town=town) for item, town in keys}

    def plain(item: str, town: str, at: object = None) -> object:
        return now[(town, item)]

    work = (keys * (calls // len(keys) + 1))[:calls]
    owner = graph.owner
    print(json.dumps({"ready": kr.__file__, "keys": len(keys)}), flush=True)
    for _line in sys.stdin:
        clock = time.perf_counter_ns
        t0 = clock()
        for item, town in work:
            owner(item, town=town)
        mine = (clock() - t0) / len(work)
        t0 = clock()
        for item, town in work:
            plain(item, town)
        theirs = (clock() - t0) / len(work)
        print(json.dumps({"owner": mine, "dict": theirs}), flush=True)


def source(commit: str, folder: Path) -> Path:
    """The ``src/`` folder of ``commit`` (``work``: the work tree's)."""
    if commit == "work":
        return ROOT / "src"
    archive = subprocess.run(["git", "archive", commit, "src"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    target = folder / commit.replace("^", "-parent")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def label(commit: str) -> str:
    if commit == "work":
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                              capture_output=True, text=True).stdout.strip()
        return f"work tree ({head}{'+dirty' if dirty else ''})"
    resolved = subprocess.run(["git", "rev-parse", "--short", commit], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.strip()
    return f"{commit} ({resolved})" if resolved != commit else commit


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", default=DEFAULT,
                        help=f"comma-separated commits, 'work' for the work tree "
                             f"(default {DEFAULT})")
    parser.add_argument("--repeats", type=int, default=21, help="repetitions (default 21)")
    parser.add_argument("--calls", type=int, default=20_000,
                        help="owner() calls per repetition (default 20000)")
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child)
        return 0
    commits = args.commits.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        children = []
        for commit in commits:
            src = source(commit, Path(tmp))
            process = subprocess.Popen(
                [sys.executable, str(Path(__file__).resolve()), "--child", str(args.calls)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"}, cwd=tmp,
            )
            assert process.stdout is not None
            ready = json.loads(process.stdout.readline())
            if not ready["ready"].startswith(str(src)):
                raise SystemExit(f"{commit}: imported {ready['ready']}, not {src}")
            children.append(process)
        results: list[dict[str, list[float]]] = [{"owner": [], "dict": []} for _ in commits]
        for _ in range(args.repeats):
            for process, result in zip(children, results, strict=True):
                assert process.stdin is not None
                assert process.stdout is not None
                process.stdin.write("go\n")
                process.stdin.flush()
                figures = json.loads(process.stdout.readline())
                result["owner"].append(figures["owner"])
                result["dict"].append(figures["dict"])
        for process in children:
            assert process.stdin is not None
            process.stdin.close()
            process.wait()
    base = statistics.median(results[0]["owner"])
    print(f"owner() today on the Kunshan sample ({ready['keys']} keys), {args.calls} calls "
          f"per repetition, {args.repeats} repetitions per version, versions in turn")
    for commit, result in zip(commits, results, strict=True):
        mine, theirs = result["owner"], result["dict"]
        median = statistics.median(mine)
        print(f"{label(commit)}:\n"
              f"  owner() median {median:6.1f} ns  min {min(mine):6.1f}  max {max(mine):6.1f}\n"
              f"  dict    median {statistics.median(theirs):6.1f} ns  min {min(theirs):6.1f}  "
              f"max {max(theirs):6.1f}\n"
              f"  owner() ÷ dict (medians) {median / statistics.median(theirs):.2f}x;  "
              f"÷ {commits[0]} {median / base:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
