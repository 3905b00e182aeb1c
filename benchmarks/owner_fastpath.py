"""Time single-threaded `owner()` on the sample graph beside a plain dict, in one run.

Usage (from the repository root)::

    python benchmarks/owner_fastpath.py [--repeats 21] [--calls 20000]

Each repetition asks every (item, town) of the sample for today's owner, by code, once
through `ResponsibilityGraph.owner` and once through a dict of the same answers, and
keeps the time per call. The two are interleaved repetition by repetition, so a noisy
machine slows both alike. Printed: the median per call over the repetitions with the
min and max, and the ratio of the medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

import kunshan_rbac as kr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    graph = kr.load_sample()
    keys = []
    for record in graph.records():
        key = (record.item, record.town)
        if key not in keys:
            try:
                graph.owner(record.item, town=record.town)
            except kr.KunshanRbacError:
                continue
            keys.append(key)
    table = {key: graph.owner(key[0], town=key[1]) for key in keys}
    work = (keys * (args.calls // len(keys) + 1))[: args.calls]
    owner = graph.owner
    get = table.__getitem__
    lib, ref = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for item, town in work:
            owner(item, town=town)
        lib.append((time.perf_counter() - start) / len(work) * 1e9)
        start = time.perf_counter()
        for item, town in work:
            get((item, town))
        ref.append((time.perf_counter() - start) / len(work) * 1e9)
    for name, values in (("owner()", lib), ("dict", ref)):
        print(f"{name:8} median {statistics.median(values):7.1f} ns  "
              f"min {min(values):7.1f}  max {max(values):7.1f}  ({args.repeats} repetitions, "
              f"{len(work)} calls each, {len(keys)} keys)")
    print(f"ratio to dict (medians): {statistics.median(lib) / statistics.median(ref):.2f}x")


if __name__ == "__main__":
    main()
