"""Speed of the work-order router beside a plain baseline measured in the same run.

    python benchmarks/route_bench.py [--repeat 5] [--set PATH]

The baseline is the one the router's specification names: character 2-3-gram TF-IDF
cosine between the order and the *names* of the items, restricted to the items the town's
lists hold on the order's date (``g.items_on`` for the three lists), best item wins, no
lexicon and no declining. It runs on the same orders.

Printed, as medians over ``--repeat`` repetitions with the spread (min-max):

* build: ``kr.Router(g)`` on the embedded sample (the graph already loaded);
* route: the median time of one ``router.route`` call over all orders of the set;
* route_many: orders per second over the set repeated to at least 2,000 orders;
* the same three for the baseline, and each method's primary-unit accuracy on the set
  (in-list orders) so that the speed is read beside what it buys.

Timings are wall-clock on this machine (``time.perf_counter``); nothing here asserts on
them.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import kunshan_rbac as kr

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from route_eval import read_set  # noqa: E402


class Baseline:
    """Character 2-3-gram TF-IDF cosine against item names, on the items the town holds."""

    def __init__(self, g: kr.ResponsibilityGraph) -> None:
        self.g = g
        items = [i for i in g.items() if i.parent is None]
        df: dict[str, int] = {}
        grams_of: dict[str, dict[str, int]] = {}
        for item in items:
            tf = self._tf(kr.normalize_name(item.name))
            grams_of[item.code] = tf
            for gram in tf:
                df[gram] = df.get(gram, 0) + 1
        n = len(items)
        self.idf = {gram: math.log((1 + n) / (1 + d)) + 1 for gram, d in df.items()}
        self.vectors: dict[str, dict[str, float]] = {}
        for code, tf in grams_of.items():
            vec = {gram: c * self.idf[gram] for gram, c in tf.items()}
            norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
            self.vectors[code] = {gram: w / norm for gram, w in vec.items()}
        self.held: dict[tuple[str, Any], list[str]] = {}

    @staticmethod
    def _tf(text: str) -> dict[str, int]:
        tf: dict[str, int] = {}
        for n in (2, 3):
            for i in range(len(text) - n + 1):
                gram = text[i : i + n]
                tf[gram] = tf.get(gram, 0) + 1
        return tf

    def held_items(self, town: str, day: Any) -> list[str]:
        key = (town, day)
        codes = self.held.get(key)
        if codes is None:
            codes = sorted({i.code for kind in kr.ListKind
                            for i in self.g.items_on(kind, town=town, at=day)})
            self.held[key] = codes
        return codes

    def route(self, text: str, town: str, at: Any) -> kr.Ownership | None:
        tf = self._tf(kr.normalize_name(text))
        vec = {g: c * self.idf[g] for g, c in tf.items() if g in self.idf}
        norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
        best, best_code = 0.0, None
        for code in self.held_items(town, at):
            item_vec = self.vectors[code]
            score = sum(w * item_vec.get(g, 0.0) for g, w in vec.items()) / norm
            if score > best:
                best, best_code = score, code
        if best_code is None:
            return None
        return self.g.owner(best_code, town=town, at=at)


def spread(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.3f} ({min(values):.3f}-{max(values):.3f})"


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Router speed beside the n-gram baseline.")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--set", default=str(HERE / "route_orders" / "dev.jsonl"))
    args = parser.parse_args(argv)
    orders = read_set(Path(args.set))
    g = kr.load_sample()
    towns = {t.name: t.code for t in g.towns()}
    batch = [(o["text"], towns.get(o["town"], o["town"]), kr.parse_date(o["at"]))
             for o in orders]
    many = batch * max(1, math.ceil(2000 / len(batch)))
    shown = os.path.relpath(args.set, HERE.parent)
    print(f"set {shown}: {len(batch)} orders; route_many over {len(many)} orders; "
          f"{args.repeat} repetitions; median (min-max)")

    results: dict[str, dict[str, list[float]]] = {}
    accuracy: dict[str, float] = {}
    for name in ("router", "baseline"):
        rows: dict[str, list[float]] = {"build_ms": [], "route_ms": [], "many_per_s": []}
        for _ in range(args.repeat):
            if name == "router":
                started = time.perf_counter()
                router = kr.Router(g)
                rows["build_ms"].append(1000 * (time.perf_counter() - started))

                def one(text: str, town: str, day: Any, router: Any = router) -> Any:
                    return router.route(text, town=town, at=day)

                def all_(router: Any = router) -> Any:
                    return router.route_many(many)
            else:
                started = time.perf_counter()
                base = Baseline(g)
                rows["build_ms"].append(1000 * (time.perf_counter() - started))
                for _, town, day in batch:  # filled before timing, as the router's tables are
                    base.held_items(town, day)

                def one(text: str, town: str, day: Any, base: Any = base) -> Any:
                    return base.route(text, town, day)

                def all_(base: Any = base) -> Any:
                    return [base.route(t, w, d) for t, w, d in many]
            per_order = []
            for text, town, day in batch:
                started = time.perf_counter()
                one(text, town, day)
                per_order.append(time.perf_counter() - started)
            rows["route_ms"].append(1000 * statistics.median(per_order))
            rows["many_per_s"].append(len(many) / timed(all_))
        results[name] = rows
        right = total = 0
        for order, (text, town, day) in zip(orders, batch, strict=True):
            if order["kind"] != "in_list":
                continue
            total += 1
            answer = one(text, town, day)
            primary = (answer.primary if isinstance(answer, kr.Ownership)
                       else answer.ownership.primary if answer and not answer.declined else None)
            right += primary is not None and primary.code == order["expect"]["primary"]
        accuracy[name] = right / total

    print(f"\n{'':<10} {'build ms':>22} {'route ms (median)':>22} {'route_many orders/s':>26} "
          f"{'primary accuracy':>17}")
    for name, rows in results.items():
        print(f"{name:<10} {spread(rows['build_ms']):>22} {spread(rows['route_ms']):>22} "
              f"{spread(rows['many_per_s']):>26} {100 * accuracy[name]:>16.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
