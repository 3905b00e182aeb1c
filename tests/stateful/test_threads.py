"""Threads: readers against one writer, and reads interleaved with transfers.

The model (docs: explanation/model.md, "Threads"): any number of readers and one writer;
a reader sees the graph wholly before or wholly after each transfer, never half of one,
and no cache keeps an older answer once a transfer is published.

The stress test runs four reader threads against a writer doing reclaim/revert cycles on
a small graph (4 towns x 10 items). Every `owner` answer must be one of the two answers
valid before or after the transfer in flight, every `duties` answer of the department
must hold all or none of the 40 (item, town) (a transfer is published in one step), and
after the threads stop every key must answer as a graph that replayed the same transfers
alone. It is bounded by counts (cycles), never by time, and asserts nothing about speed.
A deliberately broken store (publishing slots one by one) must be caught.
"""

from __future__ import annotations

import contextlib
import datetime
import sys
import threading
from collections.abc import Callable, Iterator

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

import kunshan_rbac as kr
from kunshan_rbac import _store

TOWNS = [f"t{i}" for i in range(4)]
ITEMS = [f"I-{i:02d}" for i in range(10)]
KEYS = [(item, town) for item in ITEMS for town in TOWNS]
ASK = datetime.date(2100, 1, 1)
FIRST = datetime.date(2030, 1, 1)
CYCLES = 40


def _graph() -> kr.ResponsibilityGraph:
    graph = kr.ResponsibilityGraph()
    for town in TOWNS:
        graph.add_unit(kr.Town(town, f"{town}镇"))
    graph.add_unit(kr.Department("d", "市某局"))
    for item in ITEMS:
        graph.add_item(kr.Item(item, f"事项{item}"))
        for town in TOWNS:
            graph.assign(item, town=town, list=kr.ListKind.BASIC, primary=town,
                         start="2020-01-01")
    return graph


def _cycle(graph: kr.ResponsibilityGraph, n: int) -> None:
    """Reclaim every item from every town, then revert it, on the n-th pair of days."""
    day = FIRST + datetime.timedelta(days=2 * n)
    transfer = graph.reclaim(ITEMS, towns=TOWNS, to="d", effective=day)
    graph.revert(transfer, effective=day + datetime.timedelta(days=1))


def _answer(owner: kr.Ownership) -> tuple[str, str]:
    return owner.primary.code, owner.list.value


def _town_cycle(graph: kr.ResponsibilityGraph, n: int) -> None:
    """Reclaim every item from one town, then revert it, on the n-th pair of days: each
    transfer stays within one town."""
    day = FIRST + datetime.timedelta(days=2 * n)
    transfer = graph.reclaim(ITEMS, towns=TOWNS[n % len(TOWNS)], to="d", effective=day)
    graph.revert(transfer, effective=day + datetime.timedelta(days=1))


def _stress(graph: kr.ResponsibilityGraph, cycle: Callable[[kr.ResponsibilityGraph, int], None]
            = _cycle, whole: int = len(KEYS)) -> dict[str, int]:
    """Run the readers against the writer doing ``cycle``; the counts of what was checked
    and wrong. ``whole``: how many (item, town) one transfer gives the department."""
    counts = {"owner": 0, "duties": 0, "wrong_owner": 0, "half_transfer": 0, "errors": 0}
    done = threading.Event()
    lock = threading.Lock()

    def read(offset: int) -> None:
        mine = dict.fromkeys(counts, 0)
        i = offset
        while not done.is_set():
            item, town = KEYS[i % len(KEYS)]
            i += 1
            try:
                valid = {(town, "basic"), ("d", "reclaimed")}
                if _answer(graph.owner(item, town=town, at=ASK)) not in valid:
                    mine["wrong_owner"] += 1
                if _answer(graph.owner(item, town=town)) != (town, "basic"):
                    mine["wrong_owner"] += 1
                mine["owner"] += 2
                if i % 10 == 0:
                    held = len(graph.duties("d", at=ASK))
                    mine["duties"] += 1
                    if held not in (0, whole):
                        mine["half_transfer"] += 1
            except Exception:
                mine["errors"] += 1
        with lock:
            for key, value in mine.items():
                counts[key] += value

    readers = [threading.Thread(target=read, args=(k * 7,)) for k in range(4)]
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, to interleave them finely
    try:
        for reader in readers:
            reader.start()
        try:
            for n in range(CYCLES):
                cycle(graph, n)
        finally:
            done.set()
            for reader in readers:
                reader.join()
    finally:
        sys.setswitchinterval(old)
    return counts


def _settled(graph: kr.ResponsibilityGraph, cycle: Callable[[kr.ResponsibilityGraph, int], None]
             = _cycle) -> list[str]:
    """Keys whose answers differ from a graph that replayed the same transfers alone."""
    fresh = _graph()
    for n in range(CYCLES):
        cycle(fresh, n)
    wrong = []
    for item, town in KEYS:
        for at in (ASK, None, FIRST + datetime.timedelta(days=2 * CYCLES - 2)):
            if graph.owner(item, town=town, at=at) != fresh.owner(item, town=town, at=at):
                wrong.append(f"{item}/{town}@{at}")
    return wrong


def test_readers_see_each_transfer_wholly_before_or_after() -> None:
    """Four readers against one writer: no wrong answer, no half transfer, no error,
    and every cached answer is right once the threads have stopped."""
    graph = _graph()
    counts = _stress(graph)
    print(f"stress counts: {counts}")
    assert counts["owner"] > 0
    assert counts["duties"] > 0
    assert counts["wrong_owner"] == counts["half_transfer"] == counts["errors"] == 0, counts
    assert _settled(graph) == []


def test_readers_see_each_transfer_within_one_town_wholly_before_or_after() -> None:
    """The same with transfers that stay within one town (published as that town's new
    index): `duties` of the department holds all ten items of the town or none."""
    graph = _graph()
    counts = _stress(graph, _town_cycle, len(ITEMS))
    print(f"one-town stress counts: {counts}")
    assert counts["owner"] > 0
    assert counts["duties"] > 0
    assert counts["wrong_owner"] == counts["half_transfer"] == counts["errors"] == 0, counts
    assert _settled(graph, _town_cycle) == []


_SLOTS_OF_UNIT = _store.RecordStore.slots_of_unit


def _slots_read_key_by_key(self: _store.RecordStore, unit: str) -> list[_store.Slot]:
    found = []
    for known in _SLOTS_OF_UNIT(self, unit):
        for _ in range(200):  # a reader slow enough to be overtaken between two keys
            pass
        slot = self.slot(known.item, known.town)  # the town's index read again per key
        if slot is not None:
            found.append(slot)
    return found


def test_the_stress_test_catches_a_town_index_read_key_by_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Test of the test: a reader of a unit's slots that reads the town's index again for
    every key sees half of a transfer within one town."""
    monkeypatch.setattr(_store.RecordStore, "slots_of_unit", _slots_read_key_by_key)
    graph = _graph()
    counts = _stress(graph, _town_cycle, len(ITEMS))
    print(f"key-by-key stress counts: {counts}")
    assert counts["half_transfer"] > 0, counts


def _slots_read_town_by_town(self: _store.RecordStore, unit: str) -> list[_store.Slot]:
    towns: dict[str, object] = {}
    for known in _SLOTS_OF_UNIT(self, unit):
        if known.town not in towns:
            for _ in range(10_000):  # a reader slow enough to be overtaken between towns
                pass
            towns[known.town] = self.by_town.get(known.town)
    found = []
    for known in _SLOTS_OF_UNIT(self, unit):
        slots = towns[known.town]
        slot = slots.get(known.item) if isinstance(slots, dict) else None
        if slot is not None:
            found.append(slot)
    return found


def test_the_stress_test_catches_towns_read_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Test of the test: a reader of a unit's slots that reads each town's item map once,
    but one town after another from the live town map, sees half of a transfer over
    several towns (a transfer updates the town map in place, in one step)."""
    monkeypatch.setattr(_store.RecordStore, "slots_of_unit", _slots_read_town_by_town)
    graph = _graph()
    counts = _stress(graph)
    print(f"town-by-town stress counts: {counts}")
    assert counts["half_transfer"] > 0, counts


@contextlib.contextmanager
def _no_batch(self: _store.RecordStore) -> Iterator[None]:
    yield  # publishes every slot as soon as it changes, one by one


def test_the_stress_test_catches_slots_published_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Test of the test: with transfers published slot by slot, readers see half
    transfers."""
    monkeypatch.setattr(_store.RecordStore, "batch", _no_batch)
    graph = _graph()
    counts = _stress(graph)
    print(f"broken-store stress counts: {counts}")
    assert counts["half_transfer"] > 0, counts


class ReadsAndTransfers(RuleBasedStateMachine):
    """Reads (which fill caches) interleaved with reclaims and reverts of random
    subsets; after every step each key answers as a graph rebuilt from scratch with
    the same transfers."""

    def __init__(self) -> None:
        super().__init__()
        self.graph = _graph()
        self.steps: list[tuple[str, list[str], list[str], int]] = []
        self.day = FIRST
        self.open: list[kr.Transfer] = []

    @rule(key=st.sampled_from(KEYS), at=st.sampled_from([None, ASK, FIRST]))
    def read(self, key: tuple[str, str], at: datetime.date | None) -> None:
        self.graph.owner(key[0], town=key[1], at=at)

    @rule(items=st.sets(st.sampled_from(ITEMS), min_size=1, max_size=3),
          towns=st.sets(st.sampled_from(TOWNS), min_size=1, max_size=2))
    def reclaim(self, items: set[str], towns: set[str]) -> None:
        self.day += datetime.timedelta(days=1)
        try:
            self.graph.reclaim(sorted(items), towns=sorted(towns), to="d", effective=self.day)
        except kr.TransferError:
            return
        self.steps.append(("reclaim", sorted(items), sorted(towns), self.day.toordinal()))

    @rule()
    def revert_last(self) -> None:
        mine = [t for t in self.graph.transfers() if t.kind is kr.TransferKind.RECLAIM]
        if not mine:
            return
        self.day += datetime.timedelta(days=1)
        try:
            self.graph.revert(mine[-1], effective=self.day)
        except kr.TransferError:
            return
        self.steps.append(("revert", [], [], self.day.toordinal()))

    @invariant()
    def answers_match_a_fresh_graph(self) -> None:
        fresh = _graph()
        for kind, items, towns, ordinal in self.steps:
            day = datetime.date.fromordinal(ordinal)
            if kind == "reclaim":
                fresh.reclaim(items, towns=towns, to="d", effective=day)
            else:
                last = [t for t in fresh.transfers() if t.kind is kr.TransferKind.RECLAIM][-1]
                fresh.revert(last, effective=day)
        for item, town in KEYS:
            for at in (None, ASK, self.day):
                assert self.graph.owner(item, town=town, at=at) == fresh.owner(
                    item, town=town, at=at)


def test_reads_interleaved_with_transfers() -> None:
    """Reads between transfers never leave a stale cached answer."""
    run_state_machine_as_test(
        ReadsAndTransfers, settings=settings(max_examples=10, stateful_step_count=12)
    )
