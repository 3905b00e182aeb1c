"""Laws of `build_timeline` and `Timeline.at`, checked against a plain scan of the records."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac._dates import BEGINNING, FOREVER
from kunshan_rbac._timeline import Timeline, answer_of, build_timeline

BASE = datetime.date(2024, 1, 1)
FIRST, LAST = datetime.date.min, datetime.date.max

# Bounds: open, the calendar's first or last day, or a day near BASE (so that records
# meet, overlap, touch end to start and, sometimes, start and end on the same day).
bounds = st.one_of(
    st.none(),
    st.sampled_from([FIRST, LAST]),
    st.integers(0, 6).map(lambda n: BASE + datetime.timedelta(days=n)),
)


@st.composite
def histories(draw: st.DrawFn) -> list[kr.Record]:
    """Records of one (item, town): a few units, both roles, mostly one list."""
    records = []
    for rid in range(draw(st.integers(0, 5))):
        records.append(kr.Record(
            rid, draw(st.sampled_from(["t", "d", "e"])), "I", "t",
            draw(st.sampled_from([kr.Role.PRIMARY, kr.Role.PRIMARY, kr.Role.SECONDARY])),
            draw(st.sampled_from([kr.ListKind.BASIC] * 4 + [kr.ListKind.RECLAIMED])),
            draw(bounds), draw(bounds),
        ))
    return records


def _ordinal(day: datetime.date | None, open_end: int) -> int:
    return open_end if day is None else day.toordinal()


def _in_force(records: list[kr.Record], day: int) -> list[kr.Record]:
    return [r for r in records
            if _ordinal(r.start, BEGINNING) <= day < _ordinal(r.end, FOREVER)]


def _probe_days(records: list[kr.Record]) -> set[int]:
    """Every start and end, the days either side, and the two open ends."""
    days = {BEGINNING, FOREVER - 1, FOREVER}
    for r in records:
        for point in (_ordinal(r.start, BEGINNING), _ordinal(r.end, FOREVER)):
            days |= {point - 1, point, point + 1}
    return {d for d in days if BEGINNING - 1 <= d <= FOREVER}


@given(histories())
def test_at_agrees_with_the_records_in_force_on_every_edge(records: list[kr.Record]) -> None:
    """On every record's start and end, the day before and the day after, and at the open
    ends (day 1 of year 1 and 9999-12-31), `Timeline.at` gives the answer of exactly the
    records in force that day, and no segment where none is: a start is inside its
    period, an end is not, a record with start == end is never in force, and an
    open-ended record still holds on date.max."""
    timeline = build_timeline(records)
    for day in _probe_days(records):
        active = _in_force(records, day)
        found = timeline.at(day)
        if not active:
            assert found is None, day
            continue
        assert found is not None, day
        assert found.answer() == answer_of(active), day
        assert set(found.records) >= set(active), day


@given(histories())
def test_segments_are_ordered_disjoint_and_never_equal_neighbours(
    records: list[kr.Record],
) -> None:
    """Segments are sorted and disjoint, each longer than zero days, `starts` mirrors
    them, and two segments that touch never give the same answer (they are joined into
    one, however many segments come before)."""
    timeline = build_timeline(records)
    assert timeline.starts == tuple(s.start for s in timeline.segments)
    for segment in timeline.segments:
        assert segment.start < segment.end
    for left, right in zip(timeline.segments, timeline.segments[1:], strict=False):
        assert left.end <= right.start
        if left.end == right.start:
            assert left.answer() != right.answer()


@given(histories())
def test_every_segment_holds_the_records_in_force_in_it(records: list[kr.Record]) -> None:
    """A segment's records are the records in force on some day of it, each once: a
    joined segment keeps the records of both pieces without repeating one."""
    timeline = build_timeline(records)
    for segment in timeline.segments:
        assert len(set(segment.records)) == len(segment.records)
        expected = {r for day in (segment.start, segment.end - 1) for r in _in_force(records, day)}
        assert expected <= set(segment.records)
        for r in segment.records:
            assert _ordinal(r.start, BEGINNING) < segment.end
            assert _ordinal(r.end, FOREVER) > segment.start


def test_a_zero_length_record_takes_part_in_no_segment() -> None:
    """A record whose end is its start is never in force: alone it gives no segment,
    beside another record it changes nothing."""
    zero = kr.Record(1, "d", "I", "t", kr.Role.PRIMARY, kr.ListKind.BASIC, BASE, BASE)
    assert build_timeline([zero]) == Timeline((), ())
    lead = kr.Record(2, "t", "I", "t", kr.Role.PRIMARY, kr.ListKind.BASIC, None, None)
    assert build_timeline([lead, zero]) == build_timeline([lead])


def test_equal_neighbours_join_after_several_segments() -> None:
    """Back-to-back records of one unit are joined into one segment even when other
    segments come before them."""
    day = BASE.toordinal()

    def rec(rid: int, unit: str, start: int, end: int) -> kr.Record:
        return kr.Record(rid, unit, "I", "t", kr.Role.PRIMARY, kr.ListKind.BASIC,
                         datetime.date.fromordinal(start), datetime.date.fromordinal(end))

    records = [rec(1, "t", day, day + 2), rec(2, "d", day + 2, day + 4),
               rec(3, "t", day + 4, day + 6), rec(4, "t", day + 6, day + 8)]
    timeline = build_timeline(records)
    assert [(s.start - day, s.end - day, s.primary) for s in timeline.segments] == [
        (0, 2, "t"), (2, 4, "d"), (4, 8, "t"),
    ]
    assert timeline.segments[-1].records == (records[2], records[3])
