"""The record store under random writes, compared step by step with a plain model.

The model is a dict from (item, town) to its list of records in insertion order. Writes
are `insert`, `insert_run`, `replace`, and `rewrite` inside a batch that may touch
several (item, town)s in several towns, may be nested, and may fail (then nothing it
wrote is published). After every step every way of reading the store (records_of,
record, groups, all_records, the town and unit indexes, towns_holding, has_town,
record_count, by_town, the next id) must agree with the model.
"""

from __future__ import annotations

import datetime

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import kunshan_rbac as kr
from kunshan_rbac._catalogue import Catalogue
from kunshan_rbac._store import RecordStore

D = datetime.date
TOWNS = ("t1", "t2", "t3")
UNITS = (*TOWNS, "d")
ITEMS = ("I", "J")
keys = st.tuples(st.sampled_from(ITEMS), st.sampled_from(TOWNS))
units = st.sampled_from(UNITS)
days = st.none() | st.dates(D(2024, 1, 1), D(2026, 1, 1))


class Failed(Exception):
    """Raised inside a batch to abandon it."""


class StoreMachine(RuleBasedStateMachine):
    """Random writes against a store and a dict of lists."""

    def __init__(self) -> None:
        super().__init__()
        catalogue = Catalogue()
        for town in TOWNS:
            catalogue.add_unit(kr.Town(town, f"{town}镇"))
        catalogue.add_unit(kr.Department("d", "市住建局"))
        for item in ITEMS:
            catalogue.add_item(kr.Item(item, f"事项{item}"))
        self.store = RecordStore(catalogue)
        self.model: dict[tuple[str, str], list[kr.Record]] = {}
        self.top = 0  # the highest id stored
        # unit -> (item, town)s a failed batch was to give it records in
        self.abandoned: dict[str, set[tuple[str, str]]] = {}

    def _record(self, record_id: int, unit: str, key: tuple[str, str],
                start: D | None = None) -> kr.Record:
        return kr.Record(record_id, unit, key[0], key[1], kr.Role.PRIMARY,
                         kr.ListKind.BASIC, start, None)

    @rule(unit=units, key=keys, start=days)
    def insert_new(self, unit: str, key: tuple[str, str], start: D | None) -> None:
        """A record from new_record gets the next free id."""
        record = self.store.new_record(unit, key[0], key[1], kr.Role.PRIMARY,
                                       kr.ListKind.BASIC, start, None)
        assert record.id == self.top + 1
        self.store.insert(record)
        self.model.setdefault(key, []).append(record)
        self.top = record.id

    @rule(unit=units, key=keys, gap=st.integers(0, 3))
    def insert_with_id(self, unit: str, key: tuple[str, str], gap: int) -> None:
        """A record with its own id (as a file gives it), equal to or above the next."""
        record = self._record(self.top + 1 + gap, unit, key)
        self.store.insert(record)
        self.model.setdefault(key, []).append(record)
        self.top = record.id

    @rule(key=keys, data=st.data())
    def insert_a_run(self, key: tuple[str, str], data: st.DataObject) -> None:
        """insert_run stores a run of one (item, town) as insert would, one by one; an
        empty run stores nothing."""
        ids = data.draw(st.lists(st.integers(1, 3), max_size=3))
        run = []
        next_id = self.top
        for step in ids:
            next_id += step
            run.append(self._record(next_id, data.draw(units), key))
        self.store.insert_run(run)
        if run:
            self.model.setdefault(key, []).extend(run)
            self.top = max(self.top, max(r.id for r in run))

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data(), end=st.dates(D(2024, 1, 1), D(2026, 1, 1)))
    def replace_one(self, data: st.DataObject, end: D) -> None:
        """replace swaps one record in place, keeping the others and their order."""
        key = data.draw(st.sampled_from(sorted(self.model)))
        records = self.model[key]
        index = data.draw(st.integers(0, len(records) - 1))
        old = records[index]
        new = kr.Record(old.id, old.unit, old.item, old.town, old.role, old.list,
                        old.start, end, duty="ended")
        self.store.replace(new)
        records[index] = new

    @rule(key=keys)
    def replace_unknown(self, key: tuple[str, str]) -> None:
        """replace refuses an id the (item, town) does not hold, changing nothing."""
        with pytest.raises(KeyError):
            self.store.replace(self._record(self.top + 100, "d", key))

    @rule(data=st.data(), fail=st.booleans(), nested=st.booleans())
    def rewrite_in_a_batch(self, data: st.DataObject, fail: bool, nested: bool) -> None:
        """A batch of rewrites over several (item, town)s is published whole at its end
        (a reader that took the town maps before sees none of it, even in a nested
        batch), and not at all when its body fails."""
        chosen = data.draw(st.lists(keys, min_size=1, max_size=4, unique=True))
        town_map = self.store.by_town
        before = self.store.town_maps()
        before_slots = {t: dict(s) for t, s in before.items()}
        held = {t: before.get(t) for t in {key[1] for key in chosen}}
        held_slots = {t: dict(s) if s is not None else None for t, s in held.items()}
        planned: dict[tuple[str, str], list[kr.Record]] = {}
        top = self.top
        with self.store.writing():
            try:
                with self.store.batch():
                    for key in chosen:
                        records = list(self.model.get(key, []))
                        changed = []
                        if records and data.draw(st.booleans()):
                            old = records[0]
                            records[0] = kr.Record(old.id, old.unit, old.item, old.town,
                                                   old.role, old.list, old.start,
                                                   D(2025, 1, 1), closed_by=1)
                            changed.append(records[0])
                        added = [self.store.new_record(
                            data.draw(units), key[0], key[1], kr.Role.PRIMARY,
                            kr.ListKind.RECLAIMED, D(2025, 1, 1), None)]
                        if fail:
                            self.abandoned.setdefault(added[0].unit, set()).add(key)
                        top = added[0].id
                        if nested:
                            with self.store.batch():
                                self.store.rewrite(key[0], key[1], changed, added)
                        else:
                            self.store.rewrite(key[0], key[1], changed, added)
                        planned[key] = [*records, *added]
                    # Nothing is published before the batch ends.
                    assert {t: dict(s) for t, s in before.items()} == before_slots
                    for key in chosen:
                        assert list(self.store.records_of(*key)) == self.model.get(key, [])
                    if fail:
                        raise Failed
            except Failed:
                pass
        # A reader that read a town's item map before a batch of several slots, or
        # before one that failed, still sees the old version of it (a batch of one slot
        # is published in place: one assignment, seen whole or not at all); a reader
        # that took the town maps in one step before any batch still sees the old
        # version of every town (each changed town gets a new item map).
        if fail or len(chosen) > 1:
            assert {t: dict(s) if s is not None else None
                    for t, s in held.items()} == held_slots
            assert {t: dict(s) for t, s in before.items()} == before_slots
        if not fail and len(chosen) > 1:
            # Each changed town's new map is in the live town map, the old map untouched.
            for town, old_map in held.items():
                assert self.store.by_town[town] is not old_map
        if not fail:
            # The town map itself is never copied: a batch updates it in one step.
            assert self.store.by_town is town_map
        if not fail and len(chosen) == 1 and held[chosen[0][1]] is not None:
            # One slot: published in place; a reader holding its town's map sees it.
            ((item, town),) = chosen
            assert self.store.by_town[town] is held[town]
            assert list(held[town][item].records) == planned[item, town]
        self.top = top  # new_record's ids are used up either way
        if not fail:
            self.model.update(planned)

    @rule()
    def empty_batch(self) -> None:
        """A batch that writes nothing publishes nothing: the town map stays as it is."""
        town_map = self.store.by_town
        before = self.store.town_maps()
        before_slots = {t: dict(s) for t, s in before.items()}
        with self.store.writing(), self.store.batch():
            pass
        assert self.store.by_town is town_map
        assert {t: dict(s) for t, s in before.items()} == before_slots

    @rule(key=keys)
    def rewrite_unknown(self, key: tuple[str, str]) -> None:
        """rewrite refuses an id the (item, town) does not hold, changing nothing."""
        with self.store.writing(), pytest.raises(KeyError), self.store.batch():
            self.store.rewrite(key[0], key[1], [self._record(self.top + 100, "d", key)], [])

    @invariant()
    def reads_agree_with_the_model(self) -> None:
        """Every read of the store gives the model's records, once each, in order."""
        store, model = self.store, {k: v for k, v in self.model.items() if v}
        assert {k: list(v) for k, v in store.groups()} == model
        assert sorted(r.id for r in store.all_records()) == sorted(
            r.id for v in model.values() for r in v)
        assert store.record_count == sum(len(v) for v in model.values())
        for key in [(i, t) for i in ITEMS for t in TOWNS]:
            assert list(store.records_of(*key)) == model.get(key, [])
            slot = store.slot(*key)
            assert (slot is None) == (key not in model)
            if slot is not None:
                assert store.by_town[key[1]][key[0]] is slot
                assert (slot.item, slot.town) == key
            for record in model.get(key, []):
                assert store.record(key[0], key[1], record.id) == record
        for town in TOWNS:
            assert store.has_town(town) == any(t == town for _, t in model)
            assert sorted(s.item for s in store.slots_of_town(town)) == sorted(
                i for i, t in model if t == town)
        for unit in (*UNITS, "nobody"):
            # The unit index only grows: after a failed batch it may also name a slot
            # the unit was to get a record in (callers filter the records), never less.
            found = {(s.item, s.town) for s in store.slots_of_unit(unit)}
            holding = {k for k, v in model.items() if any(r.unit == unit for r in v)}
            assert holding <= found <= holding | (self.abandoned.get(unit, set()) & set(model))
            for s in store.slots_of_unit(unit):
                assert store.slot(s.item, s.town) is s
        for item in ITEMS:
            assert store.towns_holding(item) == sorted(t for i, t in model if i == item)

    @invariant()
    def the_next_id_is_above_every_stored_id(self) -> None:
        """new_record never reuses an id: the next id is one above the highest used."""
        assert self.store.new_record("d", "I", "t1", kr.Role.PRIMARY, kr.ListKind.BASIC,
                                     None, None).id == self.top + 1
        self.top += 1


StoreMachine.TestCase.settings = settings(
    settings.default, stateful_step_count=15,
    max_examples=min(settings.default.max_examples, 60),
)
TestStoreMachine = StoreMachine.TestCase
