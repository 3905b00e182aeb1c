"""Timing and memory helpers shared by the harness and its child processes."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["PER_CALL_SAMPLES", "WHOLE_SAMPLES", "Timing", "fmt_ns", "measure", "one_shot",
           "peak_rss", "reset_peak", "rss"]


PER_CALL_SAMPLES = 15
"""Fewest timed samples (batches of 100 calls, or single calls) behind a per-call figure."""
WHOLE_SAMPLES = 7
"""Fewest timed calls behind the figure of a whole operation (a bulk reclaim, check())."""


@dataclass
class Timing:
    """Per-call times of one operation, in nanoseconds.

    ``median``, ``min`` and ``max`` are over the ``n`` timed samples: batch means for fast
    calls (``batch`` calls each), single calls otherwise; ``p10`` and ``p90`` likewise.
    ``calls`` counts the timed calls (``n * batch``).
    """

    median: float
    min: float
    max: float
    p10: float
    p90: float
    n: int
    calls: int
    batch: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def spread(self) -> str:
        """``n=15, min … max`` as printed beside a median."""
        unit = f"batches of {self.batch}" if self.batch > 1 else "calls"
        return f"n={self.n} {unit}, min {fmt_ns(self.min)}, max {fmt_ns(self.max)}"


def fmt_ns(value: float) -> str:
    """Nanoseconds in the unit that reads best, to three figures."""
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value:.0f} ns"


def _status(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def rss() -> int:
    """This process's resident set size in bytes (0 where /proc is missing)."""
    return _status("VmRSS") or 0


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux ≥ 4.0), so that `peak_rss` reads the peak
    from now on. Returns whether it worked."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return True


def peak_rss() -> int:
    """Peak RSS in bytes since the last `reset_peak` (``ru_maxrss`` where /proc is missing)."""
    return _status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def measure(
    call: Callable[..., object],
    args: Sequence[tuple[Any, ...]],
    *,
    budget: float,
    warmup: int = 3,
    min_samples: int = PER_CALL_SAMPLES,
    keywords: tuple[str, ...] = (),
    cold: bool = False,
) -> Timing:
    """Time ``call(*a)`` over ``args``, after ``warmup`` untimed calls.

    Fast calls (under 20 µs when probed) are timed in batches of 100 and the median is taken
    over batch means, so the timer's own cost stays out; slower calls are timed one by one.
    Timing stops after ``budget`` seconds once ``min_samples`` samples (batches or single
    calls) are timed. Warm calls (``cold`` false) go round ``args`` again when it holds
    fewer samples than that; first calls (``cold``) are never repeated, so their count is
    at most ``len(args)``. The garbage collector stays on: its pauses are part of what a
    caller pays.

    With ``keywords`` (e.g. ``("town", "at")``), the first argument is passed by position
    and the others by those names, as in ``graph.owner(item, town=town)``, so that a
    keyword-only API is timed without an adapter function around it.
    """
    run = _runner(call, keywords, len(args[0]))
    if warmup:
        run(args[:warmup])
    probe = time.perf_counter_ns()
    run(args[:1])
    single = time.perf_counter_ns() - probe
    batch = 100 if single < 20_000 and len(args) >= 1_000 else 1
    starts = list(range(0, len(args) - batch + 1, batch))
    if not cold and len(starts) < min_samples:
        starts = (starts * (min_samples // len(starts) + 1))[:min_samples]
    samples: list[float] = []
    deadline = time.perf_counter() + budget
    clock = time.perf_counter_ns
    for start in starts:
        chunk = args[start : start + batch]
        t0 = clock()
        run(chunk)
        samples.append((clock() - t0) / len(chunk))
        if len(samples) >= min_samples and time.perf_counter() > deadline:
            break
    return _summary(samples, batch)


def _runner(call: Callable[..., object], keywords: tuple[str, ...],
            width: int) -> Callable[[Sequence[tuple[Any, ...]]], None]:
    """A loop calling ``call`` on each tuple of a chunk, unpacked as plainly as possible."""
    if keywords == ("town",) and width == 2:
        def run(chunk: Sequence[tuple[Any, ...]]) -> None:
            for a, b in chunk:
                call(a, town=b)
    elif keywords == ("town", "at") and width == 3:
        def run(chunk: Sequence[tuple[Any, ...]]) -> None:
            for a, b, c in chunk:
                call(a, town=b, at=c)
    elif keywords:
        raise ValueError(f"no loop for keywords {keywords} and {width} arguments")
    elif width == 2:
        def run(chunk: Sequence[tuple[Any, ...]]) -> None:
            for a, b in chunk:
                call(a, b)
    elif width == 3:
        def run(chunk: Sequence[tuple[Any, ...]]) -> None:
            for a, b, c in chunk:
                call(a, b, c)
    else:
        def run(chunk: Sequence[tuple[Any, ...]]) -> None:
            for a in chunk:
                call(*a)
    return run


def one_shot(samples: Sequence[float]) -> Timing:
    """A `Timing` from calls already timed one by one."""
    return _summary(list(samples), 1)


def _summary(samples: list[float], batch: int) -> Timing:
    ordered = sorted(samples)
    n = len(ordered)
    return Timing(
        median=statistics.median(ordered),
        min=ordered[0],
        max=ordered[-1],
        p10=ordered[int(0.1 * (n - 1))],
        p90=ordered[int(0.9 * (n - 1))],
        n=n,
        calls=n * batch,
        batch=batch,
    )
