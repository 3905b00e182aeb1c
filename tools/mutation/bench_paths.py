"""Time the fast paths of `_timeline` and `_dates` before and after a change, in one run.

The "before" module is the source of ``--before`` (a git revision), loaded beside the
working tree's module; both are timed alternately with ``timeit``, and each figure is the
median per call over ``--repeat`` repetitions with the spread (min/max).

    python tools/mutation/bench_paths.py --before 620b9a0 --repeat 15
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import statistics
import subprocess
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "src"))

import kunshan_rbac as kr  # noqa: E402
from kunshan_rbac import _dates, _timeline  # noqa: E402


def _load(name: str, revision: str) -> ModuleType:
    source = subprocess.run(
        ["git", "show", f"{revision}:src/kunshan_rbac/{name}.py"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    spec = importlib.util.spec_from_loader(f"kunshan_rbac.{name}_before", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "kunshan_rbac"
    sys.modules[spec.name] = module
    exec(compile(source, f"{revision}:{name}.py", "exec"), module.__dict__)
    return module


def _time(call: Callable[[], object], number: int) -> float:
    return timeit.timeit(call, number=number) / number * 1e9  # ns per call


def _cases(dates: ModuleType, timeline: ModuleType) -> dict[str, Callable[[], object]]:
    g = kr.load_sample()
    records = sorted(g.records(), key=lambda r: (r.item, r.town))
    by_key: dict[tuple[str, str], list[kr.Record]] = {}
    for r in records:
        by_key.setdefault((r.item, r.town), []).append(r)
    one = next(rs for rs in by_key.values() if len(rs) == 1)
    shared = next(
        rs for rs in by_key.values()
        if len(rs) > 1 and len({(r.start, r.end) for r in rs}) == 1
    )
    staggered = next(
        (rs for rs in by_key.values() if len({(r.start, r.end) for r in rs}) > 1), None
    )
    day = datetime.date(2025, 7, 1)
    moment = datetime.datetime(2025, 7, 1, 8, 30)
    built = timeline.build_timeline(staggered or shared)
    inside = built.starts[-1]
    cases: dict[str, Callable[[], object]] = {
        "day_number(None)": lambda: dates.day_number(None),
        "day_number(date)": lambda: dates.day_number(day),
        "day_number(datetime)": lambda: dates.day_number(moment),
        "day_number(str)": lambda: dates.day_number("2025-07-01"),
        "today_ordinal()": dates.today_ordinal,
        "answer_of(1 record)": lambda: timeline.answer_of(one),
        f"answer_of({len(shared)} records)": lambda: timeline.answer_of(shared),
        "build_timeline(1 record)": lambda: timeline.build_timeline(one),
        f"build_timeline({len(shared)} records, one period)":
            lambda: timeline.build_timeline(shared),
        "Timeline.at": lambda: built.at(inside),
    }
    if staggered is not None:
        cases[f"build_timeline({len(staggered)} records, staggered)"] = (
            lambda: timeline.build_timeline(staggered)
        )
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git revision of the baseline")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--number", type=int, default=20000, help="calls per repetition")
    parser.add_argument("--only", help="time only the cases whose name contains this")
    args = parser.parse_args()
    old = _cases(_load("_dates", args.before), _load("_timeline", args.before))
    new = _cases(_dates, _timeline)
    print(f"median ns per call over {args.repeat} repetitions of {args.number} calls "
          f"[min-max]; before = {args.before}, after = working tree")
    for name in new:
        if args.only and args.only not in name:
            continue
        times: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(args.repeat):  # alternate, so that load changes hit both alike
            times["before"].append(_time(old[name], args.number))
            times["after"].append(_time(new[name], args.number))
        b, a = times["before"], times["after"]
        print(f"{name:45} before {statistics.median(b):8.0f} [{min(b):.0f}-{max(b):.0f}]"
              f"   after {statistics.median(a):8.0f} [{min(a):.0f}-{max(a):.0f}]"
              f"   after/before {statistics.median(a) / statistics.median(b):.2f}")
    if not args.only or "variant" in args.only:
        _variant(args.repeat, args.number)
    return 0


def _through_today_ordinal(at: kr.DateLike | None) -> int:
    """`day_number` with its ``None`` case a call of `today_ordinal` (not kept)."""
    if at is None:
        return _dates.today_ordinal()
    return _dates.day_number(at)


def _variant(repeat: int, number: int) -> None:
    """Each fast path against the general path it saves, in this run: ``day_number(None)``
    as written (the cached day read in place) against a call of `today_ordinal`; one
    record's answer and timeline by their own case against the general helpers."""
    g = kr.load_sample()
    one = [next(iter(g.records()))]

    def general_timeline(records: list[kr.Record]) -> object:
        """`build_timeline` with every case sent to the general path."""
        spans = [(*_dates.span(r.start, r.end), r) for r in records]
        return _timeline._cut(spans, [*{(start, end) for start, end, _ in spans}])

    cases: dict[str, Callable[[], object]] = {
        "day_number(None), written out": lambda: _dates.day_number(None),
        "day_number(None), today_ordinal() call": lambda: _through_today_ordinal(None),
        "answer_of(1 record), its own case": lambda: _timeline.answer_of(one),
        "answer_of(1 record), general path": lambda: _timeline._answer_of_several(one),
        "build_timeline(1 record), its own case": lambda: _timeline.build_timeline(one),
        "build_timeline(1 record), general path": lambda: general_timeline(one),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        for name, call in cases.items():
            times[name].append(_time(call, number))
    for name, t in times.items():
        print(f"variant: {name:40} {statistics.median(t):8.0f} [{min(t):.0f}-{max(t):.0f}]")


if __name__ == "__main__":
    raise SystemExit(main())
