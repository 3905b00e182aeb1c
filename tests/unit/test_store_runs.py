"""RecordStore.insert_runs: a reader's bulk load stores what insert_run stores run by run."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac._catalogue import Catalogue
from kunshan_rbac._model import Record
from kunshan_rbac._store import RecordStore

_UNITS = ("t1", "t2", "d")
_ITEMS = ("I", "J")


def _store() -> RecordStore:
    catalogue = Catalogue()
    catalogue.add_unit(kr.Town("t1", "玉山镇"))
    catalogue.add_unit(kr.Town("t2", "巴城镇"))
    catalogue.add_unit(kr.Department("d", "市住建局"))
    catalogue.add_item(kr.Item("I", "事项甲"))
    catalogue.add_item(kr.Item("J", "事项乙"))
    return RecordStore(catalogue)


def _state(store: RecordStore) -> tuple[object, ...]:
    """Everything the store's public calls show about its records."""
    return (
        {key: list(records) for key, records in store.groups()},
        sorted(r.id for r in store.all_records()),
        store.record_count,
        store.new_record("t1", "I", "t1", kr.Role.PRIMARY, kr.ListKind.BASIC, None, None).id,
        {u: sorted((s.item, s.town) for s in store.slots_of_unit(u)) for u in _UNITS},
        {i: store.towns_holding(i) for i in _ITEMS},
    )


_RUNS = st.lists(st.tuples(st.sampled_from(_ITEMS), st.sampled_from(("t1", "t2")),
                           st.lists(st.sampled_from(_UNITS), max_size=4)), max_size=12)


@given(_RUNS, st.booleans())
def test_insert_runs_stores_what_insert_run_stores(runs: list[tuple[str, str, list[str]]],
                                                   batched: bool) -> None:
    """Runs given to insert_runs at once (inside a batch or not, empty ones included)
    leave the store as insert_run does given them one by one: the same records in the
    same order per (item, town), the same indexes, count and next id."""
    one, bulk = _store(), _store()
    number = 0
    made: list[list[Record]] = []
    for item, town, units in runs:
        run = []
        for unit in units:
            number += 3
            run.append(Record(number, unit, item, town, kr.Role.PRIMARY, kr.ListKind.BASIC))
        made.append(run)
    for run in made:
        one.insert_run(run)
    if batched:
        with bulk.batch():
            bulk.insert_runs(made)
    else:
        bulk.insert_runs(made)
    assert _state(bulk) == _state(one)


def test_insert_runs_test_of_the_test() -> None:
    """Test of the test: a store that kept only each run's first record is told apart."""
    one, other = _store(), _store()
    run = [Record(1, "t1", "I", "t1", kr.Role.PRIMARY, kr.ListKind.BASIC),
           Record(2, "d", "I", "t1", kr.Role.SECONDARY, kr.ListKind.BASIC)]
    one.insert_runs([run])
    other.insert_runs([run[:1]])
    assert _state(one) != _state(other)
    assert _state(pickle.loads(pickle.dumps(one))) == _state(one)
