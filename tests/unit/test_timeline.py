"""Tests of kunshan_rbac._timeline: segments of constant answer and lookups in them."""

from __future__ import annotations

import datetime

import pytest

import kunshan_rbac as kr
from kunshan_rbac._dates import BEGINNING, FOREVER
from kunshan_rbac._timeline import Segment, Timeline, answer_of, build_timeline

D = datetime.date
PRIMARY, SECONDARY = kr.Role.PRIMARY, kr.Role.SECONDARY
BASIC, RECLAIMED = kr.ListKind.BASIC, kr.ListKind.RECLAIMED


def record(rid: int, unit: str, role: kr.Role, start: D | None, end: D | None,
           kind: kr.ListKind = BASIC) -> kr.Record:
    return kr.Record(rid, unit, "I", "t", role, kind, start, end)


def days(timeline: Timeline) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in timeline.segments]


# A town leads until 2025-01-01, then a department with the town as secondary until
# 2026-01-01, then nothing; a gap, then the town again from 2027-01-01, open-ended.
JAN25, JAN26, JAN27 = D(2025, 1, 1), D(2026, 1, 1), D(2027, 1, 1)
HISTORY = [
    record(1, "t", PRIMARY, None, JAN25),
    record(2, "d", PRIMARY, JAN25, JAN26, RECLAIMED),
    record(3, "t", SECONDARY, JAN25, JAN26, RECLAIMED),
    record(4, "t", PRIMARY, JAN27, None),
]


def test_segments_follow_the_records() -> None:
    """Each period of constant answer is one segment; the gap between them is none."""
    timeline = build_timeline(HISTORY)
    assert days(timeline) == [
        (BEGINNING, JAN25.toordinal()),
        (JAN25.toordinal(), JAN26.toordinal()),
        (JAN27.toordinal(), FOREVER),
    ]
    assert [s.primary for s in timeline.segments] == ["t", "d", "t"]
    assert timeline.segments[1].secondary == ("t",)
    assert timeline.starts == tuple(s.start for s in timeline.segments)


EDGES = [
    # (day, primary expected or None)
    (JAN25 - datetime.timedelta(days=1), "t"),
    (JAN25, "d"),
    (JAN25 + datetime.timedelta(days=1), "d"),
    (JAN26 - datetime.timedelta(days=1), "d"),
    (JAN26, None),
    (JAN26 + datetime.timedelta(days=1), None),
    (JAN27 - datetime.timedelta(days=1), None),
    (JAN27, "t"),
    (JAN27 + datetime.timedelta(days=1), "t"),
    (D(1, 1, 1), "t"),
    (D(9999, 12, 31), "t"),
]


@pytest.mark.parametrize(("day", "primary"), EDGES, ids=[str(d) for d, _ in EDGES])
def test_at_before_on_and_after_every_edge(day: D, primary: str | None) -> None:
    """Timeline.at gives the segment in force the day before, on and after each start
    and end: a start is inside its segment, an end is not."""
    found = build_timeline(HISTORY).at(day.toordinal())
    assert (found.primary if found is not None else None) == primary


def test_at_on_the_open_ends() -> None:
    """Day numbers at the open ends: the first segment holds from BEGINNING, the last
    one up to (not on) FOREVER."""
    timeline = build_timeline(HISTORY)
    first = timeline.at(BEGINNING)
    assert first is not None
    assert first.primary == "t"
    assert timeline.at(BEGINNING - 1) is None
    assert timeline.at(FOREVER) is None
    last = timeline.at(FOREVER - 1)
    assert last is not None
    assert last.end == FOREVER


def test_an_empty_timeline_has_no_answer() -> None:
    """No records, or only records never in force, give no segment."""
    assert build_timeline([]).at(JAN25.toordinal()) is None
    never = record(1, "t", PRIMARY, JAN26, JAN25)
    assert build_timeline([never]).segments == ()


def test_neighbouring_pieces_with_one_answer_are_joined() -> None:
    """Two records of one unit back to back make one segment, holding both records."""
    records = [record(1, "t", PRIMARY, None, JAN25), record(2, "t", PRIMARY, JAN25, None)]
    timeline = build_timeline(records)
    assert days(timeline) == [(BEGINNING, FOREVER)]
    assert timeline.segments[0].records == tuple(records)


def test_a_conflict_is_its_own_segment() -> None:
    """Two primaries at once give a segment without a primary, saying why."""
    records = [record(1, "t", PRIMARY, None, None), record(2, "d", PRIMARY, JAN25, JAN26)]
    timeline = build_timeline(records)
    middle = timeline.at(JAN25.toordinal())
    assert middle is not None
    assert middle.primary is None
    assert middle.problem == "2 primary units"
    assert [s.primary for s in timeline.segments] == ["t", None, "t"]


def test_segment_dates_map_open_ends_to_none() -> None:
    """A segment's start_date and end_date are None at the open ends."""
    segment = Segment(BEGINNING, FOREVER, (), BASIC, "t", ())
    assert (segment.start_date, segment.end_date) == (None, None)
    closed = Segment(JAN25.toordinal(), JAN26.toordinal(), (), BASIC, "t", ())
    assert (closed.start_date, closed.end_date) == (JAN25, JAN26)


def test_answer_of_names_the_problem() -> None:
    """answer_of: one clean answer, or what is wrong with the records in force."""
    assert answer_of([HISTORY[0]]) == (BASIC, "t", (), "")
    assert answer_of(HISTORY[1:3]) == (RECLAIMED, "d", ("t",), "")
    assert answer_of([HISTORY[2]])[1:] == (None, ("t",), "no primary unit")
    mixed = answer_of([HISTORY[0], HISTORY[1]])
    assert mixed[0] is None
    assert "several lists" in mixed[3]
