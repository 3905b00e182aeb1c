"""Laws of the record store's bulk writes, checked against a plain model.

`rewrite_many` and `insert_runs` are the writes a transfer and a file reader use. Whatever
the records already stored, the ids the caller numbers (from `next_record_id` on, with or
without gaps) and whether the write happens inside a caller's batch:

* the records of every (item, town) end as the model says: changed records swapped in
  place, new ones after them, in order; the count, the unit index, the towns holding an
  item and the next id follow;
* a changed record that its (item, town) does not hold raises `KeyError` and nothing is
  stored, counted, indexed or numbered;
* readers holding the store's maps from before see none of the write until it is
  published as one step.
"""

from __future__ import annotations

import datetime

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac._catalogue import Catalogue
from kunshan_rbac._model import Record
from kunshan_rbac._store import RecordStore

D = datetime.date
DAY = D(2025, 7, 1)
TOWNS = ("t1", "t2", "t3")
UNITS = (*TOWNS, "d", "e")
ITEMS = ("I", "J")
KEYS = [(item, town) for item in ITEMS for town in TOWNS]

# The laws of one write are simpler than those of many: fewer examples do.
FEWER = settings(max_examples=min(settings.default.max_examples, 60))

Key = tuple[str, str]
Model = dict[Key, list[Record]]


def _store() -> RecordStore:
    catalogue = Catalogue()
    for town in TOWNS:
        catalogue.add_unit(kr.Town(town, f"{town}镇"))
    catalogue.add_unit(kr.Department("d", "市住建局"))
    catalogue.add_unit(kr.Department("e", "市执法局"))
    for item in ITEMS:
        catalogue.add_item(kr.Item(item, f"事项{item}"))
    return RecordStore(catalogue)


def _state(store: RecordStore) -> tuple[object, ...]:
    """Everything the store's public reads show about its records (reading changes
    nothing: no id is taken)."""
    return (
        {key: list(records) for key, records in store.groups()},
        store.record_count,
        store.next_record_id(),
        {u: sorted((s.item, s.town) for s in store.slots_of_unit(u)) for u in UNITS},
        {i: store.towns_holding(i) for i in ITEMS},
        {t: store.has_town(t) for t in TOWNS},
    )


def _expected(model: Model, next_id: int) -> tuple[object, ...]:
    """`_state` of a store holding ``model`` whose next id is ``next_id``."""
    held = {k: list(v) for k, v in model.items() if v}
    return (
        held,
        sum(len(v) for v in held.values()),
        next_id,
        {u: sorted(k for k, v in held.items() if any(r.unit == u for r in v)) for u in UNITS},
        {i: sorted(t for (j, t) in held if j == i) for i in ITEMS},
        {t: any(town == t for _, town in held) for t in TOWNS},
    )


def _record(record_id: int, unit: str, key: Key, start: D | None = None) -> Record:
    return Record(record_id, unit, key[0], key[1], kr.Role.PRIMARY, kr.ListKind.BASIC,
                  start, None)


@st.composite
def stores(draw: st.DrawFn) -> tuple[RecordStore, Model]:
    """A store with 0 to 3 records in some (item, town)s, ids with gaps, and its model."""
    store, model = _store(), {}
    next_id = 1
    for key in draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=len(KEYS))):
        for _ in range(draw(st.integers(1, 3))):
            next_id += draw(st.integers(0, 2))
            record = _record(next_id, draw(st.sampled_from(UNITS)), key)
            next_id += 1
            store.insert(record)
            model.setdefault(key, []).append(record)
    return store, model


@st.composite
def plans(draw: st.DrawFn, model: Model, next_id: int
          ) -> list[tuple[str, str, list[Record], list[Record]]]:
    """Rows for `rewrite_many`: distinct (item, town)s, each ending some of its stored
    records (in any order) and adding 0 to 2 records (at least one where none is
    stored) numbered from ``next_id``, with gaps or not; now and then a changed record
    the (item, town) does not hold."""
    rows = []
    for key in draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=4)):
        stored = model.get(key, [])
        chosen = draw(st.lists(st.sampled_from(stored), unique_by=lambda r: r.id)
                      if stored else st.just([]))
        changed = [attrs.evolve(r, end=DAY, closed_by=1) for r in chosen]
        if draw(st.integers(0, 9)) == 0:  # a record of another (item, town), or none
            stranger = draw(st.sampled_from(
                [r for k, v in model.items() if k != key for r in v] or [None]))
            changed.append(attrs.evolve(stranger or _record(10_000, "d", key),
                                        item=key[0], town=key[1], end=DAY))
        added = []
        for _ in range(draw(st.integers(0 if stored else 1, 2))):
            next_id += draw(st.integers(0, 1))
            added.append(_record(next_id, draw(st.sampled_from(UNITS)), key, DAY))
            next_id += 1
        rows.append((key[0], key[1], changed, added))
    return rows


def _apply(model: Model, rows: list[tuple[str, str, list[Record], list[Record]]],
           next_id: int) -> tuple[Model, int] | None:
    """The model after the rows, with the next id; None when a row changes a record
    its (item, town) does not hold."""
    out = {k: list(v) for k, v in model.items()}
    for item, town, changed, added in rows:
        records = out.get((item, town), [])
        ids = [r.id for r in records]
        for record in changed:
            if record.id not in ids:
                return None
            records[ids.index(record.id)] = record
        out[(item, town)] = [*records, *added]
        next_id = max([next_id, *(r.id + 1 for r in added)])
    return out, next_id


def _snapshot(store: RecordStore) -> dict[str, dict[str, object]]:
    return {town: dict(slots) for town, slots in store.by_town.items()}


@given(st.data(), stores(), st.booleans())
def test_rewrite_many_stores_the_rows_as_one_step(
    data: st.DataObject, made: tuple[RecordStore, Model], outer: bool,
) -> None:
    """rewrite_many swaps in each row's changed records and appends its new ones; the
    next id ends above every new id (one that starts at `next_record_id` included) and
    is unchanged without new records; inside a caller's batch it builds on what the
    batch already wrote and publishes nothing before the batch ends; a reader holding
    the town map (several towns) or a town's item map (several rows in it) from before
    sees none of it; a changed record its (item, town) does not hold raises KeyError
    and nothing is stored, counted, indexed or numbered."""
    store, model = made
    next_id = store.next_record_id()
    if outer and model:
        # The caller's batch first adds a record to one (item, town).
        key = data.draw(st.sampled_from(sorted(model)))
        extra = _record(next_id, "e", key, DAY)
        model[key].append(extra)
        next_id += 1
    rows = data.draw(plans(model, next_id))
    before_state = _state(store)
    expected = _apply(model, rows, next_id)
    before = store.town_maps()
    before_maps = _snapshot(store)
    held = {town: store.by_town.get(town) for _, town, _, _ in rows}
    held_maps = {t: dict(m) if m is not None else None for t, m in held.items()}
    with store.writing():
        try:
            if outer:
                with store.batch():
                    if model:
                        store.rewrite(extra.item, extra.town, [], [extra])
                    store.rewrite_many(rows)
                    assert _snapshot(store) == before_maps  # nothing published yet
            else:
                store.rewrite_many(rows)
        except KeyError:
            assert expected is None
            if not outer:
                assert _state(store) == before_state
            assert _snapshot(store) == before_maps
            return
    assert expected is not None
    assert _state(store) == _expected(*expected)
    if len(held) > 1:
        assert {t: dict(s) for t, s in before.items()} == before_maps
    if len(rows) > 1:
        assert {t: dict(m) if m is not None else None for t, m in held.items()} == held_maps


def test_rewrite_many_test_of_the_test() -> None:
    """Test of the test: the model refuses a changed record that is not stored and puts
    a changed record where the stored one was."""
    key = ("I", "t1")
    model = {key: [_record(1, "t1", key), _record(2, "d", key)]}
    ended = attrs.evolve(model[key][0], end=DAY)
    assert _apply(model, [("I", "t1", [_record(3, "d", key)], [])], 3) is None
    assert _apply(model, [("I", "t1", [ended], [])], 3) == (
        {key: [ended, model[key][1]]}, 3)


@FEWER
@given(stores(), st.data(), st.booleans())
def test_insert_runs_publishes_the_runs_and_numbers_above_them(
    made: tuple[RecordStore, Model], data: st.DataObject, batched: bool,
) -> None:
    """insert_runs appends each run to its (item, town) in order; the next id ends above
    every stored id (a run whose top id is the next id included); inside a batch
    nothing is published before the batch ends."""
    store, model = made
    next_id = store.next_record_id()
    runs = []
    for key in data.draw(st.lists(st.sampled_from(KEYS), max_size=5)):
        run = []
        for unit in data.draw(st.lists(st.sampled_from(UNITS), max_size=3)):
            next_id += data.draw(st.integers(0, 1))
            run.append(_record(next_id, unit, key))
            next_id += 1
        runs.append(run)
        model.setdefault(key, []).extend(run)
    top = max([store.next_record_id(), *(r.id + 1 for run in runs for r in run)])
    before = _snapshot(store)
    if batched:
        with store.batch():
            store.insert_runs(runs)
            assert _snapshot(store) == before
    else:
        store.insert_runs(runs)
    assert _state(store) == _expected(model, top)


@FEWER
@given(stores(), st.lists(st.sampled_from(UNITS), max_size=3), st.integers(0, 1))
def test_insert_run_numbers_above_the_run(
    made: tuple[RecordStore, Model], units: list[str], gap: int,
) -> None:
    """insert_run appends a run to its (item, town); the next id ends one above the
    run's highest id, also when that id is the next id itself."""
    store, model = made
    key = ("J", "t2")
    next_id = store.next_record_id()
    run = [_record(next_id + gap + i, unit, key) for i, unit in enumerate(units)]
    store.insert_run(run)
    model.setdefault(key, []).extend(run)
    assert _state(store) == _expected(model, run[-1].id + 1 if run else next_id)


@FEWER
@given(stores(), st.sampled_from(KEYS), st.sampled_from(UNITS), st.integers(0, 1))
def test_rewrite_numbers_above_a_new_record_of_its_own(
    made: tuple[RecordStore, Model], key: Key, unit: str, gap: int,
) -> None:
    """A record that rewrite stores with an id the caller chose (the next id, or one
    above it) moves the next id above it; outside a batch it is published at once."""
    store, model = made
    record = _record(store.next_record_id() + gap, unit, key, DAY)
    with store.writing():
        store.rewrite(key[0], key[1], [], [record])
    model.setdefault(key, []).append(record)
    assert _state(store) == _expected(model, record.id + 1)


def test_a_run_with_an_id_it_does_not_hold_is_refused_whole() -> None:
    """A row whose changed records are all stored but one (the one stored record
    changed, and a stranger) raises KeyError: no part of the row is stored."""
    store = _store()
    key = ("I", "t1")
    store.insert(_record(1, "t1", key))
    ended = attrs.evolve(store.records_of(*key)[0], end=DAY)
    with store.writing(), pytest.raises(KeyError):
        store.rewrite_many([("I", "t1", [ended, _record(5, "d", key)], [])])
    assert list(store.records_of(*key)) == [_record(1, "t1", key)]


WRITES = ("insert", "insert_run", "insert_runs", "rewrite", "rewrite_many")


@FEWER
@given(stores(), st.data(), st.sampled_from(WRITES))
def test_a_record_numbered_in_a_gap_leaves_the_next_id(
    made: tuple[RecordStore, Model], data: st.DataObject, write: str,
) -> None:
    """An id is never given twice, and no id is skipped for nothing: a record stored
    with an unused id below the next id (a gap a file left) is stored, and the next
    id stays where it was, whichever write stores it."""
    store, model = made
    next_id = store.next_record_id()
    used = {r.id for v in model.values() for r in v}
    gaps = [i for i in range(1, next_id) if i not in used]
    if not gaps:
        return
    key = data.draw(st.sampled_from(KEYS))
    record = _record(data.draw(st.sampled_from(gaps)), data.draw(st.sampled_from(UNITS)), key)
    with store.writing():
        if write == "insert":
            store.insert(record)
        elif write == "insert_run":
            store.insert_run([record])
        elif write == "insert_runs":
            store.insert_runs([[record]])
        elif write == "rewrite":
            store.rewrite(key[0], key[1], [], [record])
        else:
            store.rewrite_many([(key[0], key[1], [], [record])])
    model.setdefault(key, []).append(record)
    assert _state(store) == _expected(model, next_id)
