"""Tests of kunshan_rbac._store: records in slots, ids, cached timelines, the transfer log."""

from __future__ import annotations

import copy
import datetime
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac import _dates
from kunshan_rbac._catalogue import Catalogue
from kunshan_rbac._dates import FOREVER
from kunshan_rbac._store import NEVER, RecordStore

D = datetime.date
PRIMARY, SECONDARY = kr.Role.PRIMARY, kr.Role.SECONDARY
BASIC, RECLAIMED = kr.ListKind.BASIC, kr.ListKind.RECLAIMED
JAN25, JAN26 = D(2025, 1, 1), D(2026, 1, 1)


@pytest.fixture
def store() -> RecordStore:
    """Two towns, a department and two items; no records."""
    catalogue = Catalogue()
    catalogue.add_unit(kr.Town("t1", "玉山镇"))
    catalogue.add_unit(kr.Town("t2", "巴城镇"))
    catalogue.add_unit(kr.Department("d", "市住建局"))
    catalogue.add_item(kr.Item("I", "事项甲"))
    catalogue.add_item(kr.Item("J", "事项乙"))
    return RecordStore(catalogue)


def new(store: RecordStore, unit: str, item: str, town: str, role: kr.Role = PRIMARY,
        kind: kr.ListKind = BASIC, start: D | None = None, end: D | None = None) -> kr.Record:
    record = store.new_record(unit, item, town, role, kind, start, end)
    store.insert(record)
    return record


def test_ids_are_allocated_in_order_and_above_any_inserted_id(store: RecordStore) -> None:
    """new_record numbers from 1; an inserted record with a higher id moves the next id
    past it; new_record alone stores nothing."""
    first = new(store, "t1", "I", "t1")
    assert first.id == 1
    store.insert(kr.Record(10, "d", "J", "t1", PRIMARY, BASIC))
    unstored = store.new_record("t2", "I", "t2", PRIMARY, BASIC, None, None)
    assert unstored.id == 11
    assert store.record_count == 2
    assert store.records_of("I", "t2") == ()


def test_records_are_kept_per_item_and_town_in_insertion_order(store: RecordStore) -> None:
    """records_of, record, groups, all_records and the indexes see every record once."""
    a = new(store, "t1", "I", "t1", end=JAN25)
    b = new(store, "d", "I", "t1", kind=RECLAIMED, start=JAN25)
    c = new(store, "t1", "I", "t1", SECONDARY, RECLAIMED, start=JAN25)
    d = new(store, "t2", "J", "t2")
    assert list(store.records_of("I", "t1")) == [a, b, c]
    assert store.record("I", "t1", b.id) == b
    with pytest.raises(KeyError):
        store.record("I", "t1", d.id)
    assert {k: list(v) for k, v in store.groups()} == {("I", "t1"): [a, b, c], ("J", "t2"): [d]}
    assert sorted(r.id for r in store.all_records()) == [1, 2, 3, 4]
    assert {(s.item, s.town) for s in store.slots_of_unit("t1")} == {("I", "t1")}
    assert {(s.item, s.town) for s in store.slots_of_unit("d")} == {("I", "t1")}
    assert [s.item for s in store.slots_of_town("t2")] == ["J"]
    assert list(store.slots_of_town("nowhere")) == []
    assert store.towns_holding("I") == ["t1"]
    assert store.has_town("t2")
    assert not store.has_town("d")
    assert store.by_town["t1"]["I"] is store.slot("I", "t1")
    assert store.slot("J", "t1") is None


def test_answers_are_resolved_values(store: RecordStore) -> None:
    """lookup gives an Ownership with catalogue values, or None outside the records."""
    new(store, "d", "I", "t1", kind=RECLAIMED, start=JAN25, end=JAN26)
    new(store, "t1", "I", "t1", SECONDARY, RECLAIMED, start=JAN25, end=JAN26)
    own = store.lookup("I", "t1", JAN25.toordinal())
    assert isinstance(own, kr.Ownership)
    assert own.primary == kr.Department("d", "市住建局")
    assert [u.code for u in own.secondary] == ["t1"]
    assert (own.start, own.end) == (JAN25, JAN26)
    assert store.lookup("I", "t1", JAN26.toordinal()) is None
    assert store.lookup("J", "t1", JAN25.toordinal()) is None


def test_a_conflict_is_answered_by_its_segment(store: RecordStore) -> None:
    """Two primaries give the Segment that says so, not an Ownership."""
    new(store, "t1", "I", "t1")
    new(store, "d", "I", "t1")
    answer = store.lookup("I", "t1", JAN25.toordinal())
    assert not isinstance(answer, kr.Ownership)
    assert answer is not None
    assert answer.problem == "2 primary units"


def test_the_timeline_is_cached_until_the_records_change(store: RecordStore) -> None:
    """entry_of returns the same entry until an insert or replace drops it; the answer
    then follows the new records."""
    first = new(store, "t1", "I", "t1")
    entry = store.entry_of("I", "t1")
    assert store.entry_of("I", "t1") is entry
    store.replace(kr.Record(first.id, "t1", "I", "t1", PRIMARY, BASIC, None, JAN25,
                            closed_by=1))
    assert store.entry_of("I", "t1") is not entry
    assert store.lookup("I", "t1", JAN25.toordinal()) is None
    new(store, "d", "I", "t1", kind=RECLAIMED, start=JAN25)
    own = store.lookup("I", "t1", JAN25.toordinal())
    assert isinstance(own, kr.Ownership)
    assert own.primary.code == "d"
    with pytest.raises(KeyError):
        store.replace(kr.Record(99, "t1", "I", "t1", PRIMARY, BASIC))


def test_the_answer_at_hand_agrees_with_the_timeline(store: RecordStore) -> None:
    """A slot's fast range (lo, hi, only) holds the answer its timeline gives there."""
    new(store, "t1", "I", "t1", end=JAN25)
    new(store, "d", "I", "t1", kind=RECLAIMED, start=JAN25)
    slot = store.slot("I", "t1")
    assert slot is not None
    entry = store.entry(slot)
    assert slot.hi > slot.lo
    assert slot.only is not None
    for day in (slot.lo, slot.hi - 1):
        assert entry.at(day) == slot.only
        assert store.answer(slot, day) is slot.only


def test_since_is_set_only_when_the_answer_at_hand_holds_for_good(store: RecordStore) -> None:
    """`since` is the start of an open-ended answer at hand; a slot whose answer at hand
    ends (a later change is recorded) keeps `NEVER`, so owner() reads the clock for it."""
    new(store, "t1", "I", "t1", end=JAN25)
    new(store, "d", "I", "t1", kind=RECLAIMED, start=JAN25)
    later = datetime.date.today() + datetime.timedelta(days=30)
    new(store, "t2", "J", "t2", end=later)
    new(store, "d", "J", "t2", kind=RECLAIMED, start=later)
    open_ended, ending = store.slot("I", "t1"), store.slot("J", "t2")
    assert open_ended is not None
    assert ending is not None
    assert open_ended.since == NEVER
    assert ending.since == NEVER
    store.entry(open_ended)
    store.entry(ending)
    assert open_ended.hi == FOREVER
    assert open_ended.since == open_ended.lo == JAN25.toordinal()
    assert ending.hi == later.toordinal()
    assert ending.since == NEVER


def test_the_graph_answers_today_by_the_clock_when_a_change_is_ahead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """owner() today takes the answer at hand without the clock only when it holds for
    good: with a reclaim ahead, today's answer is the town, and once the clock reaches
    the reclaim's day the department, although the answer at hand is still the town's."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("t1", "玉山镇"))
    graph.add_unit(kr.Department("d", "市住建局"))
    graph.add_item(kr.Item("I", "事项甲"))
    graph.assign("I", town="t1", list="basic", primary="t1", start=JAN25)
    ahead = datetime.date.today() + datetime.timedelta(days=3)
    graph.reclaim("I", towns="t1", to="d", effective=ahead)
    assert graph.owner("I", town="t1").primary.code == "t1"  # fills the answer at hand
    monkeypatch.setattr(_dates.TODAY, "day", ahead.toordinal())  # the clock, 3 days on
    monkeypatch.setattr(_dates.TODAY, "until", float("inf"))
    assert graph.owner("I", town="t1").primary.code == "d"


def test_rewrite_swaps_changed_records_and_adds_new_ones_in_one_slot(
    store: RecordStore,
) -> None:
    """rewrite replaces records by id and appends the new ones as one new slot, keeps
    the count and indexes, and refuses an id the slot does not hold, changing nothing."""
    a = new(store, "t1", "I", "t1")
    ended = kr.Record(a.id, "t1", "I", "t1", PRIMARY, BASIC, None, JAN25)
    b = store.new_record("d", "I", "t1", PRIMARY, RECLAIMED, JAN25, None)
    before = store.slot("I", "t1")
    with store.writing(), store.batch():
        store.rewrite("I", "t1", [ended], [b])
    after = store.slot("I", "t1")
    assert after is not before
    assert after is not None
    assert list(after.records) == [ended, b]
    assert store.record_count == 2
    assert ("I", "t1") in {(s.item, s.town) for s in store.slots_of_unit("d")}
    stranger = kr.Record(99, "t1", "I", "t1", PRIMARY, BASIC)
    with pytest.raises(KeyError), store.writing(), store.batch():
        store.rewrite("I", "t1", [stranger], [])
    assert store.slot("I", "t1") is after


@given(st.lists(st.tuples(st.sampled_from(["t1", "d"]), st.booleans(),
                          st.none() | st.dates(D(2020, 1, 1), D(2030, 1, 1)),
                          st.none() | st.dates(D(2020, 1, 1), D(2030, 1, 1))), max_size=6),
       st.dates(D(2019, 1, 1), D(2031, 1, 1)))
def test_answer_equals_a_fresh_timeline(records: list[tuple[str, bool, D | None, D | None]],
                                        day: D) -> None:
    """Whatever the records, the store's (cached, fast) answer equals the answer of a
    timeline built afresh from the same records."""
    catalogue = Catalogue()
    catalogue.add_unit(kr.Town("t1", "玉山镇"))
    catalogue.add_unit(kr.Department("d", "市住建局"))
    catalogue.add_item(kr.Item("I", "事项甲"))
    store = RecordStore(catalogue)
    for unit, primary, start, end in records:
        new(store, unit, "I", "t1", PRIMARY if primary else SECONDARY, BASIC, start, end)
    store.lookup("I", "t1", datetime.date.today().toordinal())  # fill the cache first
    fresh = RecordStore(catalogue)
    for record in store.all_records():
        fresh.insert(record)
    expected = fresh.entry_of("I", "t1").at(day.toordinal())
    assert store.lookup("I", "t1", day.toordinal()) == expected


def test_the_transfer_log(store: RecordStore) -> None:
    """Transfers are numbered from 1 in the order they are logged and found by id."""
    assert store.next_transfer_id() == 1
    assert store.transfer(1) is None
    transfer = kr.Transfer(1, kr.TransferKind.RECLAIM, JAN25, ())
    store.log_transfer(transfer)
    assert store.next_transfer_id() == 2
    assert store.transfer(1) is transfer
    assert list(store.transfers()) == [transfer]


def test_an_ending_answer_is_never_taken_for_today_even_on_the_last_day(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An answer at hand that ends is never taken for today without reading the clock,
    whatever day the clock says, date.max included: its `since` is after every day."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("t1", "玉山镇"))
    graph.add_item(kr.Item("I", "事项甲"))
    graph.assign("I", town="t1", list="basic", primary="t1", start=JAN25, end=D(2030, 1, 1))
    assert graph.owner("I", town="t1").primary.code == "t1"  # fills the answer at hand
    monkeypatch.setattr(_dates.TODAY, "day", D.max.toordinal())  # the clock's last day
    monkeypatch.setattr(_dates.TODAY, "until", float("inf"))
    with pytest.raises(kr.NotAssignedError):
        graph.owner("I", town="t1")


def test_an_item_and_town_without_records_has_an_empty_timeline(store: RecordStore) -> None:
    """entry_of and lookup of an (item, town) with no records give an empty timeline and
    no answer, also when the town has records of other items."""
    new(store, "t1", "J", "t1")
    for town in ("t1", "t2"):
        entry = store.entry_of("I", town)
        assert entry.timeline.segments == ()
        assert entry.at(JAN25.toordinal()) is None
        assert store.lookup("I", town, JAN25.toordinal()) is None
    assert store.entry_of("J", "t1").timeline.segments != ()


def test_a_copied_store_is_a_store_of_its_own(store: RecordStore) -> None:
    """A pickled or deep-copied store answers as the original, can be written to (it has
    locks of its own), and writing to it leaves the original unchanged."""
    first = new(store, "t1", "I", "t1", end=JAN25)
    store.lookup("I", "t1", JAN25.toordinal())  # a filled cache is copied too
    for copied in (pickle.loads(pickle.dumps(store)), copy.deepcopy(store)):
        assert list(copied.records_of("I", "t1")) == [first]
        day = (JAN25 - datetime.timedelta(days=1)).toordinal()
        assert copied.lookup("I", "t1", day) == store.lookup("I", "t1", day) is not None
        with copied.writing(), copied.batch():
            copied.insert(copied.new_record("d", "I", "t1", PRIMARY, RECLAIMED, JAN25, None))
            copied.insert(copied.new_record("d", "J", "t2", PRIMARY, RECLAIMED, JAN25, None))
        assert copied.record_count == 3
        assert isinstance(copied.lookup("I", "t1", JAN25.toordinal()), kr.Ownership)
        copied.log_transfer(kr.Transfer(1, kr.TransferKind.RECLAIM, JAN25, ()))
    assert store.record_count == 1
    assert store.slot("J", "t2") is None
    assert store.transfers() == []
    assert store.lookup("I", "t1", JAN25.toordinal()) is None


def test_a_failed_batch_stores_and_counts_nothing(store: RecordStore) -> None:
    """When the body of a batch fails, nothing it wrote is published and the record
    count stays as it was: a transfer that fails half-way leaves no trace."""
    new(store, "t1", "I", "t1")

    def fail_half_way() -> None:
        with store.writing(), store.batch():
            for item, town in (("J", "t1"), ("I", "t2")):
                store.rewrite(item, town, [], [store.new_record(
                    "d", item, town, PRIMARY, RECLAIMED, JAN25, None)])
            raise RuntimeError("half-way")

    with pytest.raises(RuntimeError):
        fail_half_way()
    assert store.record_count == 1
    assert store.slot("J", "t1") is None
    assert store.slot("I", "t2") is None
    assert not store.has_town("t2")
    assert [k for k, _ in store.groups()] == [("I", "t1")]


def test_replace_keeps_the_other_records_and_their_order(store: RecordStore) -> None:
    """Replacing the first, middle or last of several records changes only that one."""
    records = [new(store, unit, "I", "t1", SECONDARY) for unit in ("t1", "d", "t2")]
    for index in range(3):
        old = records[index]
        records[index] = kr.Record(old.id, old.unit, "I", "t1", SECONDARY, BASIC, None,
                                   JAN25)
        store.replace(records[index])
        assert list(store.records_of("I", "t1")) == records
    assert store.record_count == 3


def test_on_the_day_a_period_ends_the_latest_period_is_at_hand(
    store: RecordStore, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On the very day a period ends, with nothing in force that day and a later period
    after a gap, the later period is the answer at hand, not the one that has ended."""
    new(store, "t1", "I", "t1", start=JAN25, end=D(2025, 6, 1))
    new(store, "d", "I", "t1", kind=RECLAIMED, start=JAN26)
    monkeypatch.setattr(_dates.TODAY, "day", D(2025, 6, 1).toordinal())
    monkeypatch.setattr(_dates.TODAY, "until", float("inf"))
    slot = store.slot("I", "t1")
    assert slot is not None
    store.entry(slot)
    assert (slot.lo, slot.hi) == (JAN26.toordinal(), FOREVER)
    assert slot.only is not None
    assert slot.only.primary.code == "d"
    assert store.lookup("I", "t1", D(2025, 6, 1).toordinal()) is None


def test_a_store_copied_during_a_batch_is_in_no_batch(store: RecordStore) -> None:
    """A copy taken while a writer's batch is open (a reader pickling or deep-copying
    the graph meanwhile) holds what was published, not the batch's unpublished writes,
    and its own writes are published at once; the batch still publishes in the
    original."""
    new(store, "t1", "I", "t1")
    with store.writing(), store.batch():
        store.insert(store.new_record("d", "J", "t1", PRIMARY, RECLAIMED, JAN25, None))
        for copied in (pickle.loads(pickle.dumps(store)), copy.deepcopy(store)):
            assert copied.slot("J", "t1") is None
            copied.insert(copied.new_record("d", "I", "t2", PRIMARY, RECLAIMED, JAN25, None))
            assert [r.unit for r in copied.records_of("I", "t2")] == ["d"]
    assert [r.unit for r in store.records_of("J", "t1")] == ["d"]
    assert store.slot("I", "t2") is None
