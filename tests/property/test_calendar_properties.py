"""Laws of `WorkCalendar`, checked against a brute-force day-by-day and minute-by-minute walk.

The reference model reads the shipped notices directly (holiday runs, adjusted working
days, Monday to Friday) and steps one day or one minute at a time; the calendar under
test answers from its own tables. A calendar that ignores 调休 must be caught.
"""

from __future__ import annotations

import datetime
import itertools
import math

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import kunshan_rbac as kr

CAL = kr.WorkCalendar.china()
FIRST, LAST = datetime.date(2020, 1, 1), datetime.date(2026, 12, 31)
ONE_DAY = datetime.timedelta(days=1)
ONE_MINUTE = datetime.timedelta(minutes=1)

_OFF = {day for year in CAL.calendar_years for h in year.holidays for day in h.days()}
_ON = {w.day for year in CAL.calendar_years for w in year.workdays}
_OFFICE = [(9 * 60, 12 * 60), (13 * 60 + 30, 17 * 60 + 30)]  # minutes of the day


def ref_working(day: datetime.date) -> bool:
    """The notices' rule, read literally."""
    return day in _ON or (day.weekday() < 5 and day not in _OFF)


def ref_add_days(start: datetime.date, n: int) -> datetime.date | None:
    """Step one day at a time; None when the walk leaves 2020–2026."""
    day, left = start, abs(n)
    step = ONE_DAY if n > 0 else -ONE_DAY
    while left:
        day += step
        if not FIRST <= day <= LAST:
            return None
        left -= ref_working(day)
    return day


def ref_between(a: datetime.date, b: datetime.date) -> int:
    lo, hi, sign = (a, b, 1) if a <= b else (b, a, -1)
    count, day = 0, lo + ONE_DAY
    while day <= hi:
        count += ref_working(day)
        day += ONE_DAY
    return sign * count


def ref_minute_worked(t: datetime.datetime) -> bool:
    """Whether the minute [t, t + 1 min) is an office minute of a working day."""
    minute = t.hour * 60 + t.minute
    return ref_working(t.date()) and any(a <= minute < b for a, b in _OFFICE)


def ref_hours_between(s: datetime.datetime, e: datetime.datetime) -> float:
    lo, hi, sign = (s, e, 1) if s <= e else (e, s, -1)
    minutes, t = 0, lo
    while t < hi:
        minutes += ref_minute_worked(t)
        t += ONE_MINUTE
    return sign * minutes / 60


def ref_add_minutes(s: datetime.datetime, minutes: int) -> datetime.datetime:
    """Earliest end (forward) or latest start (backward) covering ``minutes`` office minutes."""
    t, left = s, abs(minutes)
    while left:
        if minutes > 0:
            left -= ref_minute_worked(t)
            t += ONE_MINUTE
        else:
            t -= ONE_MINUTE
            left -= ref_minute_worked(t)
    return t


_EDGES = sorted(_ON | {h.start for y in CAL.calendar_years for h in y.holidays}
                | {h.end for y in CAL.calendar_years for h in y.holidays})
_EDGES = [d for d in _EDGES if FIRST + 5 * ONE_DAY <= d <= LAST - 5 * ONE_DAY]
days = st.one_of(st.dates(FIRST, LAST), st.sampled_from(_EDGES))
"""Any day, or the first or last day of a holiday, or a weekend day worked."""
steps = st.integers(-40, 40)
moments = st.builds(
    lambda day, minute: datetime.datetime.combine(day, datetime.time(), tzinfo=kr.CHINA_TZ)
    + datetime.timedelta(minutes=minute),
    st.dates(datetime.date(2020, 1, 15), datetime.date(2026, 12, 15)),
    st.integers(0, 24 * 60 - 1),
)
near_tiaoxiu = st.builds(
    lambda day, back, minute: datetime.datetime.combine(
        day - back * ONE_DAY, datetime.time(), tzinfo=kr.CHINA_TZ)
    + datetime.timedelta(minutes=minute),
    st.sampled_from(sorted(_ON)), st.integers(0, 3), st.integers(0, 24 * 60 - 1),
)
"""Moments a few days before a weekend day worked."""
probes = st.one_of(moments, near_tiaoxiu)


# ------------------------------------------------------------------ the laws, as functions

def law_add_days(cal: kr.WorkCalendar, start: datetime.date, n: int) -> None:
    expected = ref_add_days(start, n)
    if expected is None:
        with pytest.raises(kr.CalendarRangeError):
            cal.add_working_days(start, n)
    else:
        assert cal.add_working_days(start, n) == expected


def law_between(cal: kr.WorkCalendar, a: datetime.date, b: datetime.date) -> None:
    assert cal.working_days_between(a, b) == ref_between(a, b)


def law_hours_between(cal: kr.WorkCalendar, s: datetime.datetime, span: int) -> None:
    e = s + datetime.timedelta(minutes=span)
    assert math.isclose(cal.working_hours_between(s, e), ref_hours_between(s, e), abs_tol=1e-9)


def law_add_hours(cal: kr.WorkCalendar, s: datetime.datetime, minutes: int) -> None:
    assert cal.add_working_hours(s, minutes / 60) == ref_add_minutes(s, minutes)


# ------------------------------------------------------------------ the shipped calendar

@given(days, steps)
def test_add_working_days_agrees_with_a_day_walk(start: datetime.date, n: int) -> None:
    """add_working_days is the n-th working day after (before) start, start not counted."""
    law_add_days(CAL, start, n)


@given(days, st.integers(-60, 60))
def test_working_days_between_agrees_with_a_day_walk(a: datetime.date, offset: int) -> None:
    """working_days_between counts the working days d with a < d <= b (negated if b < a)."""
    b = min(max(a + datetime.timedelta(days=offset), FIRST), LAST)
    law_between(CAL, a, b)


@given(probes, st.integers(-3 * 24 * 60, 10 * 24 * 60))
def test_working_hours_between_agrees_with_a_minute_walk(
    s: datetime.datetime, span: int
) -> None:
    """Working hours are the office minutes of working days between two moments."""
    law_hours_between(CAL, s, span)


@given(probes, st.integers(-3 * 7 * 60, 6 * 7 * 60))
def test_add_working_hours_agrees_with_a_minute_walk(s: datetime.datetime, minutes: int) -> None:
    """add_working_hours gives the earliest (latest, going back) moment the walk reaches."""
    law_add_hours(CAL, s, minutes)


@given(days, steps)
def test_inverse_of_add_working_days(start: datetime.date, n: int) -> None:
    """working_days_between(a, add_working_days(a, n)) == n for a working a (any a if n >= 0)."""
    if ref_add_days(start, n) is None:
        return
    if n >= 0 or ref_working(start):
        assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@given(probes, st.integers(-2 * 7 * 60, 4 * 7 * 60))
def test_inverse_of_add_working_hours(s: datetime.datetime, minutes: int) -> None:
    """working_hours_between(s, add_working_hours(s, h)) == h."""
    end = CAL.add_working_hours(s, minutes / 60)
    assert math.isclose(CAL.working_hours_between(s, end), minutes / 60, abs_tol=1e-9)


@given(days, steps, steps)
def test_add_working_days_is_monotone(start: datetime.date, n1: int, n2: int) -> None:
    """More working days never give an earlier day; a later start never an earlier result."""
    n1, n2 = sorted((n1, n2))
    if ref_add_days(start, n1) is None or ref_add_days(start, n2) is None:
        return
    assert CAL.add_working_days(start, n1) <= CAL.add_working_days(start, n2)
    later = start + ONE_DAY
    if n1 != 0 and later <= LAST and ref_add_days(later, n1) is not None:
        assert CAL.add_working_days(start, n1) <= CAL.add_working_days(later, n1)


@given(probes, st.integers(0, 5 * 24 * 60), st.integers(0, 5 * 24 * 60))
def test_working_hours_between_is_monotone(s: datetime.datetime, m1: int, m2: int) -> None:
    """A later end never gives fewer working hours."""
    m1, m2 = sorted((m1, m2))
    e1, e2 = s + datetime.timedelta(minutes=m1), s + datetime.timedelta(minutes=m2)
    assert CAL.working_hours_between(s, e1) <= CAL.working_hours_between(s, e2)


# ------------------------------------------------------------------ a test of the tests

NO_TIAOXIU = kr.WorkCalendar(
    [attrs.evolve(year, workdays=()) for year in CAL.calendar_years], name="no 调休"
)
"""A wrong calendar: it keeps the holidays but forgets the weekend days worked (调休)."""

_HUNT = settings(max_examples=400, database=None, derandomize=True,
                 phases=[Phase.generate], suppress_health_check=list(HealthCheck))
"""Search without shrinking: the test needs a counterexample, not the smallest one."""



@pytest.mark.parametrize("law", ["add_days", "between", "hours_between", "add_hours"])
def test_the_laws_catch_a_calendar_that_ignores_tiaoxiu(law: str) -> None:
    """Each law, run against a calendar without 调休 workdays, finds a counterexample."""
    if law == "add_days":
        check = given(days, steps)(lambda a, n: law_add_days(NO_TIAOXIU, a, n))
    elif law == "between":
        check = given(days, st.integers(-60, 60))(
            lambda a, k: law_between(NO_TIAOXIU, a, min(max(a + k * ONE_DAY, FIRST), LAST)))
    elif law == "hours_between":
        check = given(near_tiaoxiu, st.integers(0, 5 * 24 * 60))(
            lambda s, k: law_hours_between(NO_TIAOXIU, s, k))
    else:
        check = given(near_tiaoxiu, st.integers(0, 4 * 7 * 60))(
            lambda s, k: law_add_hours(NO_TIAOXIU, s, k))
    with pytest.raises(AssertionError):
        _HUNT(check)()


# ------------------------------------------------------------------ periods and deadlines

@given(st.dates(datetime.date(1990, 1, 1), datetime.date(2090, 1, 1)), st.integers(0, 2000),
       st.sampled_from(["month", "quarter", "year"]))
def test_periods_tile_the_range(start: datetime.date, length: int, freq: str) -> None:
    """Periods are consecutive, cover [start, end) exactly, and cut at calendar boundaries."""
    end = start + datetime.timedelta(days=length)
    periods = CAL.periods(start, end, freq)
    if length == 0:
        assert periods == []
        return
    assert periods[0][0] == start
    assert periods[-1][1] == end
    months = {"month": 1, "quarter": 3, "year": 12}[freq]
    for (a, b), (c, _) in itertools.pairwise(periods):
        assert a < b == c
        assert b.day == 1
        assert (b.month - 1) % months == 0
    whole = CAL.periods(start, end, freq, clip=False)
    assert [max(a, start) for a, _ in whole] == [a for a, _ in periods]


limits = st.builds(kr.TimeLimit, st.integers(1, 4 * 60).map(lambda m: m / 60),
                   st.integers(0, 20), st.booleans())


@given(probes, limits)
def test_due_times_agree_with_the_walks(received: datetime.datetime, limit: kr.TimeLimit) -> None:
    """sign_due is sign_hours office hours on; done_due closes the done_days-th working day."""
    if ref_add_days(received.date(), max(limit.done_days, 1)) is None:
        return
    sign = kr.Deadlines.sign_due(received, limit, CAL)
    assert sign == ref_add_minutes(received, round(limit.sign_hours * 60))
    done = kr.Deadlines.done_due(received, limit, CAL)
    assert ref_working(done.date())
    assert done.time() == datetime.time(17, 30)
    day = received.date()
    if limit.done_days:
        assert done.date() == ref_add_days(day, limit.done_days)
    else:
        assert done.date() == (day if ref_working(day) else ref_add_days(day, 1))
    assert kr.Deadlines.late_by(done, done, CAL) == 0.0
