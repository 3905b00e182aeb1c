"""`RecordStore.rewrite_many`: many (item, town) rewritten as `rewrite` does one, in
one published step."""

from __future__ import annotations

import datetime

import attrs
import pytest

import kunshan_rbac as kr
from kunshan_rbac._catalogue import Catalogue
from kunshan_rbac._store import RecordStore

D = datetime.date
PRIMARY, SECONDARY = kr.Role.PRIMARY, kr.Role.SECONDARY
BASIC, RECLAIMED = kr.ListKind.BASIC, kr.ListKind.RECLAIMED
DAY = D(2025, 7, 1)


def _store() -> RecordStore:
    """Two towns leading two items each, one with an assisting department."""
    catalogue = Catalogue()
    for town in ("t1", "t2"):
        catalogue.add_unit(kr.Town(town, f"{town}镇"))
    catalogue.add_unit(kr.Department("d", "市住建局"))
    catalogue.add_unit(kr.Department("e", "市执法局"))
    for item in ("I", "J"):
        catalogue.add_item(kr.Item(item, f"事项{item}"))
    store = RecordStore(catalogue)
    for item in ("I", "J"):
        for town in ("t1", "t2"):
            store.insert(store.new_record(town, item, town, PRIMARY, BASIC, D(2021, 1, 1), None))
    store.insert(store.new_record("d", "J", "t2", SECONDARY, BASIC, D(2021, 1, 1), None))
    return store


def _rows(store: RecordStore) -> list[tuple[str, str, list[kr.Record], list[kr.Record]]]:
    """Each (item, town) led by its town moves to "e" on DAY: its records ended, one new."""
    rows = []
    next_id = store.next_record_id()
    for item, town in (("I", "t1"), ("J", "t2"), ("I", "t2")):
        ended = [attrs.evolve(r, end=DAY, closed_by=1) for r in store.records_of(item, town)]
        opened = [kr.Record(next_id, "e", item, town, PRIMARY, RECLAIMED, DAY, None,
                            opened_by=1)]
        next_id += 1
        rows.append((item, town, ended, opened))
    return rows


def test_rewrite_many_does_what_rewrite_does_for_each_row() -> None:
    """Records, counts, the next id and the unit index end as with one `rewrite` per
    row."""
    one, many = _store(), _store()
    rows = _rows(many)
    with one.writing(), one.batch():
        for row in _rows(one):
            one.rewrite(*row)
    with many.writing():
        many.rewrite_many(rows)
    assert [list(s) for _, s in many.groups()] == [list(s) for _, s in one.groups()]
    assert many.record_count == one.record_count == 8
    assert many.next_record_id() == one.next_record_id() == 9
    assert sorted((s.item, s.town) for s in many.slots_of_unit("e")) == [
        ("I", "t1"), ("I", "t2"), ("J", "t2")]
    assert many.lookup("J", "t2", DAY.toordinal()).primary.code == "e"  # type: ignore[union-attr]
    assert many.lookup("J", "t1", DAY.toordinal()).primary.code == "t1"  # type: ignore[union-attr]


def test_rewrite_many_publishes_new_item_maps_in_one_step() -> None:
    """Readers that took the town maps before see none of the rows; every changed town
    gets a new item map, put into the town map itself (which is not copied)."""
    store = _store()
    town_map = store.by_town
    before = store.town_maps()
    with store.writing():
        store.rewrite_many(_rows(store))
    assert store.by_town is town_map
    assert all(store.by_town[town] is not before[town] for town in ("t1", "t2"))
    assert all(len(s.records) in (1, 2) for slots in before.values() for s in slots.values())
    assert [r.end for r in before["t1"]["I"].records] == [None]
    assert [r.end for r in store.by_town["t1"]["I"].records] == [DAY, None]


def test_a_changed_record_that_is_not_stored_changes_nothing() -> None:
    """A row whose changed record is not among its (item, town)'s records raises
    KeyError, and no row is stored, counted or indexed."""
    store = _store()
    rows = _rows(store)
    stranger = attrs.evolve(rows[0][2][0], id=999)
    rows[-1] = (rows[-1][0], rows[-1][1], [stranger], rows[-1][3])
    before = [list(s) for _, s in store.groups()]
    with store.writing(), pytest.raises(KeyError):
        store.rewrite_many(rows)
    assert [list(s) for _, s in store.groups()] == before
    assert store.record_count == 5
    assert store.next_record_id() == 6
    assert list(store.slots_of_unit("e")) == []


def test_no_old_answer_is_freed_while_the_towns_are_updated() -> None:
    """A batch over several towns updates the town map in one step: the old item maps
    are freed only once every town is updated, so code that runs when an old answer is
    freed (a weak reference's callback) already sees every town's new records."""
    import weakref

    store = _store()
    day = D(2024, 1, 1).toordinal()
    answers = [store.lookup("I", town, day) for town in ("t1", "t2")]
    seen: list[list[int]] = []

    def freed(_: object) -> None:
        seen.append([len(store.by_town[town]["I"].records) for town in ("t1", "t2")])

    watch = [weakref.ref(answer, freed) for answer in answers]
    del answers
    with store.writing():
        store.rewrite_many(_rows(store))
    assert len(seen) == 2, watch
    assert seen == [[2, 2], [2, 2]]


def test_a_batch_of_one_slot_is_published_in_place() -> None:
    """A batch that changes one (item, town) stores its new slot into the town's item
    map itself (one assignment): a reader holding that map sees it, and the map is not
    replaced by a copy."""
    store = _store()
    held = store.by_town["t1"]
    (row,) = [row for row in _rows(store) if row[:2] == ("I", "t1")]
    with store.writing(), store.batch():
        store.rewrite(*row)
    assert store.by_town["t1"] is held
    assert [r.end for r in held["I"].records] == [DAY, None]
