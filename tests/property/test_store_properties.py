"""Laws of the record store's answers: every way of asking agrees with the records.

The store answers a question about (item, town) on a day in four ways: `lookup`,
`answer` (the answer at hand, else bisection), `search` (bisection) and the cached
`Entry.at`. Whatever the records and whatever day the clock says is today when the
cache is filled, each of them must give, on every day (the day before, on and after
every record's start and end, ``date.min`` and ``date.max`` included), what the records
in force on that day say, worked out here from the records alone.
"""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac import _dates
from kunshan_rbac._catalogue import Catalogue
from kunshan_rbac._dates import FOREVER, in_force
from kunshan_rbac._store import NEVER, RecordStore
from kunshan_rbac._timeline import Segment, answer_of

D = datetime.date
FIRST, LAST = D(2020, 1, 1), D(2030, 1, 1)
UNITS = ("t1", "d", "e")

record_rows = st.lists(
    st.tuples(
        st.sampled_from(UNITS),
        st.sampled_from([kr.Role.PRIMARY, kr.Role.SECONDARY]),
        st.sampled_from([kr.ListKind.BASIC, kr.ListKind.RECLAIMED]),
        st.none() | st.dates(FIRST, LAST),
        st.none() | st.dates(FIRST, LAST),
    ),
    min_size=1, max_size=6,
)


def _store() -> RecordStore:
    catalogue = Catalogue()
    catalogue.add_unit(kr.Town("t1", "玉山镇"))
    catalogue.add_unit(kr.Department("d", "市住建局"))
    catalogue.add_unit(kr.Department("e", "市市场监管局"))
    catalogue.add_item(kr.Item("I", "事项甲"))
    return RecordStore(catalogue)


def _expected(records: list[kr.Record], day: D) -> tuple[object, ...] | None:
    """What the records in force on ``day`` say: (list, primary, secondaries, problem)."""
    active = [r for r in records if in_force(r.start, r.end, day)]
    return answer_of(active) if active else None


def _said(answer: object) -> tuple[object, ...] | None:
    if answer is None:
        return None
    if isinstance(answer, kr.Ownership):
        return (answer.list, answer.primary.code, tuple(u.code for u in answer.secondary), "")
    assert isinstance(answer, Segment)
    return (answer.list, answer.primary, answer.secondary, answer.problem)


def _edge_days(records: list[kr.Record]) -> list[D]:
    days = {D.min, D.max, D.min + datetime.timedelta(days=1),
            D.max - datetime.timedelta(days=1)}
    for r in records:
        for point in (r.start, r.end):
            if point is not None:
                days |= {point - datetime.timedelta(days=1), point,
                         point + datetime.timedelta(days=1)}
    return sorted(days)


def _fill_on(store: RecordStore, today: D) -> None:
    """Fill every slot's cache as if the clock said ``today``."""
    saved = (_dates.TODAY.day, _dates.TODAY.until)
    _dates.TODAY.day, _dates.TODAY.until = today.toordinal(), float("inf")
    try:
        for slot in store.slots_of_town("t1"):
            store.entry(slot)
    finally:
        _dates.TODAY.day, _dates.TODAY.until = saved


def _today(data: st.DataObject, records: list[kr.Record]) -> D:
    """A day for the clock: any day, or one on an edge of the records."""
    return data.draw(st.dates(D(2019, 1, 1), D(2031, 1, 1))
                     | st.sampled_from(_edge_days(records)))


@given(record_rows, st.data())
def test_every_way_of_asking_gives_what_the_records_in_force_say(
    rows: list[tuple[str, kr.Role, kr.ListKind, D | None, D | None]], data: st.DataObject,
) -> None:
    """On every edge day (before, on and after each start and end; the first and last
    representable days), lookup, answer, search and Entry.at agree with the records in
    force that day: the answer before the first record and from the last end on is
    None, a record holds on its start day and not on its end day, a conflict is
    answered by its segment, and the cache filled on any day changes no answer."""
    store = _store()
    records = []
    for unit, role, kind, start, end in rows:
        record = store.new_record(unit, "I", "t1", role, kind, start, end)
        store.insert(record)
        records.append(record)
    _fill_on(store, _today(data, records))
    slot = store.slot("I", "t1")
    assert slot is not None
    entry = store.entry_of("I", "t1")
    for day in _edge_days(records):
        number = day.toordinal()
        expected = _expected(records, day)
        assert _said(store.lookup("I", "t1", number)) == expected, day
        assert _said(store.answer(slot, number)) == expected, day
        assert _said(store.search(slot, number)) == expected, day
        assert _said(entry.at(number)) == expected, day


@given(record_rows, st.data())
def test_the_answer_at_hand_is_todays_clean_answer_or_else_the_latest(
    rows: list[tuple[str, kr.Role, kr.ListKind, D | None, D | None]], data: st.DataObject,
) -> None:
    """Questions about today need no bisection: once the cache is filled, a clean answer
    in force today is the slot's answer at hand, over exactly its period; with none in
    force today, the latest period is at hand if it is clean; with neither, nothing is.
    The answer at hand holds for good (`since`) only when its period is open-ended."""
    store = _store()
    for unit, role, kind, start, end in rows:
        store.insert(store.new_record(unit, "I", "t1", role, kind, start, end))
    today = _today(data, list(store.all_records()))
    _fill_on(store, today)
    slot = store.slot("I", "t1")
    assert slot is not None
    timeline = store.entry_of("I", "t1").timeline
    answers = store.entry_of("I", "t1").answers
    number = today.toordinal()
    todays = [i for i, s in enumerate(timeline.segments) if s.start <= number < s.end]
    index = todays[0] if todays else len(answers) - 1
    if index >= 0 and isinstance(answers[index], kr.Ownership):
        segment = timeline.segments[index]
        assert (slot.lo, slot.hi) == (segment.start, segment.end)
        assert slot.only is answers[index]
        assert slot.since == (segment.start if segment.end == FOREVER else NEVER)
    else:
        assert slot.only is None
        assert slot.hi <= slot.lo
        assert slot.since == NEVER
