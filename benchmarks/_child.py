"""One backend in one process: build it, time its operations, write the figures as JSON.

Run by ``run.py`` as ``python benchmarks/_child.py SPEC.json``, so that every backend's
memory is measured in a fresh process. ``SPEC.json`` names the backend, the data set and
where to write the result; see `run.py`.
"""

from __future__ import annotations

import copy
import datetime
import gc
import json
import random
import statistics
import sys
import time
import traceback
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from _backends import BACKENDS, CasbinDefault, CasbinFast, Library, PlainDict, PlainDictJson
from _data import DEPARTMENTS, PAST, SHAPES, Dataset, TownPlan
from _timing import (
    PER_CALL_SAMPLES,
    WHOLE_SAMPLES,
    Timing,
    fmt_ns,
    measure,
    one_shot,
    peak_rss,
    reset_peak,
    rss,
)

MOVE_DAY = datetime.date(2026, 1, 1)
"""Effective date of the single-item reclaims."""
BULK_DAY = datetime.date(2025, 7, 1)
"""Effective date of the 347-items-by-10-towns reclaims."""


def within(call: Callable[[Any], object], items: list[Any], seconds: float,
           minimum: int = PER_CALL_SAMPLES) -> list[Any]:
    """Call ``call`` on the first items until ``seconds`` pass (at least ``minimum``);
    return the items it was called on. Used to warm up as many keys as will be timed."""
    deadline = time.perf_counter() + seconds
    done = []
    for item in items:
        call(item)
        done.append(item)
        if len(done) >= minimum and time.perf_counter() > deadline:
            break
    return done


def _star(call: Callable[..., object], args: tuple[Any, ...]) -> object:
    return call(*args)


def spare(backend: Any) -> Any:
    """A deep copy of a backend (modules it holds are shared, not copied), on which a
    whole operation can be timed again from the same state."""
    memo = {id(v): v for v in vars(backend).values() if isinstance(v, ModuleType)}
    return copy.deepcopy(backend, memo)


def repeat(action: Callable[[], object], *, cap_s: float,
           minimum: int = WHOLE_SAMPLES) -> list[float]:
    """Time ``action()`` ``minimum`` times, or fewer when they would pass ``cap_s`` seconds
    (always at least once); nanoseconds per call."""
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < minimum:
        gc.collect()
        t0 = time.perf_counter_ns()
        action()
        samples.append(time.perf_counter_ns() - t0)
        spent = time.perf_counter() - started
        if spent + spent / len(samples) > cap_s:
            break
    return samples


class Run:
    """The state of one child run: the spec, the backend and the figures so far."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.quick: bool = spec["quick"]
        self.data = Dataset(spec["towns"], SHAPES[spec["shape"]], seed=spec["seed"],
                            pending_cities=spec["pending_cities"])
        self.result: dict[str, Any] = {"backend": spec["backend"], "ops": {}, "notes": {},
                                       "skipped": {}}
        self.rng = random.Random(spec["seed"])

    # ------------------------------------------------------------------ keys

    def draw_keys(self) -> None:
        """Query keys, drawn before the build with a fixed seed from regenerated towns."""
        data, rng, quick = self.data, self.rng, self.quick
        sampled = sorted(rng.sample(range(data.towns), min(data.towns, 60 if quick else 400)))
        plans = [data.town(t) for t in sampled]
        count = 200 if quick else 10_000
        self.today_keys = [
            (item, plan.code) for plan in (rng.choice(plans) for _ in range(count))
            for item in [rng.choice(plan.held_today)]
        ]
        self.past_keys = [
            (item, plan.code) for plan in (rng.choice(plans) for _ in range(count))
            for item in [rng.choice(plan.held_past)]
        ]
        pairs = sorted({(item, p.code) for p in plans for item in p.basic})
        self.move_keys = rng.sample(pairs, min(len(pairs), PER_CALL_SAMPLES if quick else 200))
        self.towns = [p.code for p in plans]
        self.departments = sorted({f"{p.city}-{rng.choice(DEPARTMENTS)[0]}" for p in plans})
        pending = list(range(min(data.pending_cities, data.cities)))
        self.bulk: list[tuple[list[str], list[str], str]] = []
        for city in pending:
            town_plans: list[TownPlan] = [data.town(t) for t in data.towns_of(city)]
            items = sorted(set.intersection(*(set(p.reclaimable) for p in town_plans)))
            self.bulk.append(
                (items, [p.code for p in town_plans], f"{data.city_code(city)}-zhzf")
            )
        self.check_keys = self.today_keys[:100]
        self.check_past = self.past_keys[:100]

    # ------------------------------------------------------------------ phases

    def build(self, backend: Any) -> None:
        gc.collect()
        before = rss()
        self.result["peak_reset"] = reset_peak()
        spent = self._build_ns(backend)
        gc.collect()
        self.result["build_s"] = spent / 1e9
        self.result["rss_before"] = before
        self.result["extra_memory"] = peak_rss() - before
        self.result["rss_after_build"] = rss()
        self.log(f"built in {spent / 1e9:.2f}s, +{(peak_rss() - before) / 2**20:.0f} MiB")

    def _build_ns(self, backend: Any) -> int:
        """Fill ``backend`` with the data set (a -json backend loads its file); the
        nanoseconds spent in the backend's own calls."""
        data = self.data
        clock = time.perf_counter_ns
        spent = 0
        t0 = clock()
        backend.begin(data)
        spent += clock() - t0
        if not self.spec["backend"].endswith("-json"):
            for index in range(data.towns):
                plan = data.town(index)
                t0 = clock()
                backend.add_town(plan)
                spent += clock() - t0
        t0 = clock()
        backend.finish()
        spent += clock() - t0
        return spent

    def rebuild(self, make: Callable[[], Any]) -> None:
        """Time the build again on fresh backends from ``make()``, each dropped before
        the next, until `WHOLE_SAMPLES` builds in all, or fewer when the next would pass
        the whole-operation cap (counting the first build). The first build's memory
        figures stand: a later build reuses memory an earlier one freed."""
        samples = [self.result["build_s"] * 1e9]
        cap_ns = self.spec["whole_cap_s"] * 1e9
        while len(samples) < WHOLE_SAMPLES:
            spent = sum(samples)
            if spent + spent / len(samples) > cap_ns:
                break
            gc.collect()
            fresh = make()
            samples.append(self._build_ns(fresh))
            del fresh
        self.op("build", one_shot(samples))

    def op(self, name: str, timing: Timing | None, **extra: Any) -> None:
        if timing is None:
            return
        entry = timing.to_dict() | extra
        self.result["ops"][name] = entry
        self.log(f"{name}: median {fmt_ns(timing.median)} ({timing.spread()})")

    def skip(self, name: str, why: str) -> None:
        self.result["skipped"][name] = why
        self.log(f"{name}: skipped ({why})")

    def log(self, text: str) -> None:
        print(f"[{self.spec['backend']}] {text}", file=sys.stderr, flush=True)

    def budget(self, seconds: float) -> float:
        return 0.0 if self.quick else seconds

    def run_ops(self, backend: Any) -> None:
        is_casbin = isinstance(backend, CasbinDefault)
        self.moves(backend)
        # owner(): first call per key (the library builds its timeline cache then), then warm.
        today = [(item, town) for item, town in self.today_keys]
        past = [(item, town, PAST) for item, town in self.past_keys]
        # The library is timed as users call it, graph.owner(item, town=..., at=...); the
        # baselines as plain functions owner(item, town, at).
        if isinstance(backend, Library):
            owner: Callable[..., object] = backend.graph.owner
            today_kw: tuple[str, ...] = ("town",)
            past_kw: tuple[str, ...] = ("town", "at")
        else:
            owner, today_kw, past_kw = backend.owner, (), ()
        first = measure(owner, today, budget=self.budget(8), warmup=0, keywords=today_kw,
                        cold=True)
        self.op("owner_first", first)
        warm = within(lambda key: backend.owner(*key), today, self.budget(10))
        self.op("owner_today", measure(owner, warm, budget=self.budget(8), keywords=today_kw))
        warm_past = within(lambda key: backend.owner(*key), past, self.budget(10))
        self.op("owner_past", measure(owner, warm_past, budget=self.budget(8),
                                      keywords=past_kw))
        text = PAST.isoformat()
        texts = [(item, town, text) for item, town, _at in warm_past]
        if isinstance(backend, Library):
            self.op("owner_past_text", measure(owner, texts, budget=self.budget(5),
                                               keywords=past_kw))
        elif isinstance(backend, PlainDict) and not isinstance(backend, PlainDictJson):
            self.op("owner_past_text", measure(backend.owner_text, texts,
                                               budget=self.budget(5)))
        if is_casbin:
            enforce_args = []
            deadline = time.perf_counter() + self.budget(10)
            for item, town in today[:200]:
                unit = backend.primary(backend.owner(item, town))
                enforce_args.append((unit, town, item, datetime.date.today()))
                if len(enforce_args) >= PER_CALL_SAMPLES and time.perf_counter() > deadline:
                    break
            self.op("enforce", measure(backend.enforce, enforce_args, budget=self.budget(20),
                                       warmup=1))
        scans: list[tuple[str, Callable[..., object], list[tuple[str, ...]]]] = [
            ("duties_town", backend.duties, [(t,) for t in self.towns]),
            ("duties_department", backend.duties, [(d,) for d in self.departments]),
            ("items_on_basic", backend.items_on, [("basic", t) for t in self.towns]),
            ("items_on_reclaimed", backend.items_on, [("reclaimed", t) for t in self.towns]),
        ]
        for name, call, args in scans:
            # First call per argument (caches cold), then the same arguments again, warm.
            self.op(f"{name}_first", measure(call, args, budget=self.budget(5), warmup=0,
                                             cold=True))
            warmed = within(partial(_star, call), args, self.budget(5))
            self.op(name, measure(call, warmed, budget=self.budget(5)))

    def moves(self, backend: Any) -> None:
        """One item in one town, then 347 items in the 10 towns of each pending city.

        The bulk reclaim is timed once per pending city; when there are fewer pending
        cities than `WHOLE_SAMPLES` (Kunshan scale has one city), the first city's
        reclaim is also timed on deep copies of the backend taken just before it, so
        that every timed call starts from the same state."""
        single: list[float] = []
        deadline = time.perf_counter() + self.budget(10)
        for item, town in self.move_keys:
            dept = self._department(town)
            t0 = time.perf_counter_ns()
            backend.reclaim([item], [town], dept, MOVE_DAY)
            single.append(time.perf_counter_ns() - t0)
            if len(single) >= PER_CALL_SAMPLES and time.perf_counter() > deadline:
                break
        self.op("reclaim_one", one_shot(single))
        bulk: list[float] = []
        cpu: list[float] = []  # process CPU time of the same calls: no wait for a core
        on_copies = 0
        limit = self.spec["bulk_limit_s"]
        for index, (items, towns, dept) in enumerate(self.bulk):
            moves = len(items) * len(towns)
            estimate = sorted(single)[len(single) // 2] * moves / 1e9
            if estimate > limit:
                self.skip("reclaim_bulk", f"estimated {estimate:.0f} s from the one-item "
                          f"figure × {moves} moves, over the {limit:.0f} s cap")
                self.result["ops"]["reclaim_bulk_estimate"] = {"median": estimate * 1e9}
                break
            if index == 0:
                for _ in range(WHOLE_SAMPLES - len(self.bulk)):
                    try:
                        copied = spare(backend)
                    except Exception as exc:  # a backend that cannot be copied
                        self.result["notes"]["reclaim_bulk"] = f"no copy: {exc}"
                        break
                    gc.collect()
                    c0, t0 = time.process_time_ns(), time.perf_counter_ns()
                    copied.reclaim(items, towns, dept, BULK_DAY)
                    bulk.append(time.perf_counter_ns() - t0)
                    cpu.append(time.process_time_ns() - c0)
                    on_copies += 1
                    del copied
            gc.collect()
            c0, t0 = time.process_time_ns(), time.perf_counter_ns()
            backend.reclaim(items, towns, dept, BULK_DAY)
            bulk.append(time.perf_counter_ns() - t0)
            cpu.append(time.process_time_ns() - c0)
            self.result["bulk_moves"] = moves
        if bulk:
            self.op("reclaim_bulk", one_shot(bulk), moves=self.result["bulk_moves"],
                    on_copies=on_copies, cpu=one_shot(cpu).to_dict())
            self.log(f"reclaim_bulk CPU time: median {fmt_ns(statistics.median(cpu))}")

    def _department(self, town: str) -> str:
        city = self.data.city_code(self.data.city_of(int(town[1:])))
        return f"{city}-zjj"

    def library_extras(self, backend: Library) -> None:
        kr = backend.kr
        check: Callable[..., Any] | None = getattr(kr, "check", None)
        if check is None:
            self.skip("check", "kr.check is not importable yet")
        else:
            gc.collect()
            before = rss()
            reset_peak()
            t0 = time.perf_counter_ns()
            report = check(backend.graph)
            elapsed = time.perf_counter_ns() - t0
            extra = peak_rss() - before
            violations = len(getattr(report, "violations", ()))
            del report
            samples = [elapsed, *repeat(lambda: check(backend.graph),
                                        cap_s=self.spec["whole_cap_s"],
                                        minimum=WHOLE_SAMPLES - 1)]
            self.op("check", one_shot(samples), extra_memory=extra, violations=violations)
        self.result["records"] = len(backend.graph.records())
        self.result["transfers"] = len(backend.graph.transfers())
        if not self.spec["json"]:
            self.skip("write_json", self.spec["json_skip_reason"])
            return
        path = Path(self.spec["json_path"])
        path.parent.mkdir(parents=True, exist_ok=True)
        gc.collect()
        before = rss()
        reset_peak()
        t0 = time.perf_counter_ns()
        kr.write_json(backend.graph, path)
        elapsed = time.perf_counter_ns() - t0
        extra = peak_rss() - before
        samples = [elapsed, *repeat(lambda: kr.write_json(backend.graph, path),
                                    cap_s=self.spec["whole_cap_s"],
                                    minimum=WHOLE_SAMPLES - 1)]
        self.op("write_json", one_shot(samples), bytes=path.stat().st_size,
                extra_memory=extra)

    def answers(self, backend: Any) -> None:
        """Primary units for fixed keys, compared across backends by the harness."""
        found: list[str | None] = []
        deadline = time.perf_counter() + 30
        pairs = zip(self.check_keys, self.check_past, strict=True)
        for (item, town), at in [(k, at) for both in pairs for k, at in
                                 ((both[0], None), (both[1], PAST))]:
            try:
                found.append(backend.primary(backend.owner(item, town, at)))
            except Exception:  # a missing answer is compared too
                found.append(None)
            if time.perf_counter() > deadline:
                break
        self.result["answers"] = found


def main(spec_path: str) -> int:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    run = Run(spec)
    name = spec["backend"]
    try:
        run.draw_keys()
        factory = BACKENDS[name]
        def make() -> Any:
            return factory(Path(spec["json_path"])) if name.endswith("-json") else factory()

        backend = make()
        run.result["notes"] = dict(backend.notes)
        run.build(backend)
        if isinstance(backend, CasbinFast):
            t0 = time.perf_counter()
            backend.build_secondary_indexes()
            run.log(f"secondary indexes in {time.perf_counter() - t0:.1f}s")
        if not name.endswith("-json"):
            run.run_ops(backend)
        run.result["peak_after_queries"] = peak_rss() - run.result["rss_before"]
        if name == "kunshan_rbac":
            run.library_extras(backend)
        run.answers(backend)
        del backend  # the first build is freed before the next is timed
        run.rebuild(make)
        run.result["ok"] = True
    except Exception as exc:  # the harness reports any failure in the table
        run.result["ok"] = False
        run.result["error"] = f"{type(exc).__name__}: {exc}"
        run.result["traceback"] = traceback.format_exc()
        run.log(run.result["traceback"])
    Path(spec["result_path"]).write_text(json.dumps(run.result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
