"""Tests of kunshan_rbac._dates: reading dates strictly."""

from __future__ import annotations

import datetime
import subprocess
import sys
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac import _dates
from kunshan_rbac._dates import (
    BEGINNING,
    FOREVER,
    date_of,
    day_number,
    in_force,
    span,
    today_ordinal,
)


@pytest.mark.parametrize(
    "text",
    ["2025-07-01", "2025-7-1", "2025/7/1", "2025.07.01", "20250701", "2025年7月1日",
     "2025年07月01日", "２０２５年７月１日", " 2025-07-01 ", "2025-07-01T08:30:00",
     "2025年7月1号"],
)
def test_accepted_forms(text: str) -> None:
    """Each documented form reads as 1 July 2025."""
    assert kr.parse_date(text) == datetime.date(2025, 7, 1)


@pytest.mark.parametrize(
    "value", ["2025", "2025-07", "2025年7月", "July 1 2025", "2025-02-30", "", "明天", 20250701,
              "2025-07-01T25:00:00"],
)
def test_incomplete_or_impossible_dates_are_refused(value: object) -> None:
    """A date that is incomplete, impossible or not text is refused, never completed."""
    with pytest.raises(kr.InvalidDateError) as info:
        kr.parse_date(value)  # type: ignore[arg-type]
    assert isinstance(info.value, ValueError)
    assert info.value.value == value


def test_none_is_today_and_datetimes_are_cut_to_their_day() -> None:
    """None stands for today; a datetime gives its date."""
    assert kr.parse_date(None) == datetime.date.today()
    assert kr.parse_date(None, today=datetime.date(2020, 1, 1)) == datetime.date(2020, 1, 1)
    assert kr.parse_date(datetime.datetime(2025, 7, 1, 23, 59)) == datetime.date(2025, 7, 1)


@given(st.dates())
def test_iso_and_chinese_forms_round_trip(day: datetime.date) -> None:
    """Every date reads back from its ISO and its Chinese form."""
    assert kr.parse_date(day.isoformat()) == day
    assert kr.parse_date(f"{day.year:04d}年{day.month}月{day.day}日") == day
    assert kr.parse_date(day) == day


# ---------------------------------------------------------------- day numbers and validity


@pytest.mark.parametrize(
    "value",
    [datetime.date(2025, 7, 1), datetime.datetime(2025, 7, 1, 23, 59), "2025-07-01",
     "2025年7月1日", "20250701"],
)
def test_day_number_reads_every_form(value: kr.DateLike) -> None:
    """day_number gives the date's ordinal for every form parse_date reads."""
    assert day_number(value) == datetime.date(2025, 7, 1).toordinal()


def test_day_number_of_none_is_today() -> None:
    """None stands for today, as for parse_date."""
    before = datetime.date.today().toordinal()
    assert day_number(None) in {before, datetime.date.today().toordinal()}
    assert day_number(None) == today_ordinal()


def test_day_number_refuses_what_parse_date_refuses() -> None:
    """A bad date raises the library's error, not a raw one."""
    with pytest.raises(kr.InvalidDateError):
        day_number("2025-02-30")
    with pytest.raises(kr.InvalidDateError):
        day_number(20250701)  # type: ignore[arg-type]


def test_today_is_read_again_after_midnight(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the clock passes the cached midnight, today is read from the clock again."""
    today_ordinal()
    monkeypatch.setattr(_dates.TODAY, "until", -1.0)
    monkeypatch.setattr(_dates.TODAY, "day", 1)
    assert day_number(None) == datetime.date.today().toordinal()
    assert _dates.TODAY.day == datetime.date.today().toordinal()
    assert _dates.TODAY.until > 0


JUNE1, JULY1 = datetime.date(2024, 6, 1), datetime.date(2024, 7, 1)


@pytest.mark.parametrize(
    ("start", "end", "day", "holds"),
    [
        (JUNE1, JULY1, JUNE1 - datetime.timedelta(days=1), False),
        (JUNE1, JULY1, JUNE1, True),
        (JUNE1, JULY1, JULY1 - datetime.timedelta(days=1), True),
        (JUNE1, JULY1, JULY1, False),
        (None, JULY1, datetime.date.min, True),
        (None, JULY1, JULY1, False),
        (JUNE1, None, datetime.date.max, True),
        (None, None, JUNE1, True),
        (JULY1, JUNE1, JUNE1, False),
    ],
)
def test_in_force_is_half_open(start: datetime.date | None, end: datetime.date | None,
                               day: datetime.date, holds: bool) -> None:
    """in_force holds from the start (included) to the end (excluded); None is open,
    and a validity that ends before it starts never holds. Record.holds_on and span
    agree with it."""
    assert in_force(start, end, day) is holds
    assert kr.Record(1, "u", "I", "t", kr.Role.PRIMARY, kr.ListKind.BASIC, start,
                     end).holds_on(day) is holds
    low, high = span(start, end)
    assert (low <= day.toordinal() < high) is holds


def test_span_and_date_of_use_the_open_markers() -> None:
    """Open ends are BEGINNING and FOREVER, outside every real day, and date_of maps
    them back to None."""
    assert span(None, None) == (BEGINNING, FOREVER)
    assert datetime.date.min.toordinal() > BEGINNING
    assert datetime.date.max.toordinal() < FOREVER
    assert date_of(BEGINNING) is None
    assert date_of(FOREVER) is None
    assert date_of(JUNE1.toordinal()) == JUNE1
    assert span(JUNE1, JULY1) == (JUNE1.toordinal(), JULY1.toordinal())


@given(st.dates(), st.dates(), st.dates())
def test_in_force_agrees_with_day_numbers(a: datetime.date, b: datetime.date,
                                          day: datetime.date) -> None:
    """On any dates, in_force on dates and the comparison of day numbers agree."""
    low, high = span(a, b)
    assert in_force(a, b, day) == (low <= day_number(day) < high)


# ---------------------------------------------------------------- open ends and the clock


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
def test_an_empty_optional_date_is_an_open_end(value: str | None) -> None:
    """parse_optional_date reads None and blank text (a spreadsheet's empty cell) as an
    open end, never as today."""
    assert _dates.parse_optional_date(value) is None


@pytest.mark.parametrize(
    ("value", "day"),
    [("2025-07-01", datetime.date(2025, 7, 1)), (" 2025年7月1日 ", datetime.date(2025, 7, 1)),
     (datetime.date(2024, 6, 1), datetime.date(2024, 6, 1))],
)
def test_a_given_optional_date_is_read_as_parse_date_reads_it(value: kr.DateLike,
                                                              day: datetime.date) -> None:
    """A non-blank optional date is read like any other date, and refused likewise."""
    assert _dates.parse_optional_date(value) == day
    with pytest.raises(kr.InvalidDateError):
        _dates.parse_optional_date("2025-02-30")


@pytest.mark.parametrize("text", ["2025-W27-2", "2025-182", "2025-0701", "2025-07-1x"])
def test_other_iso_forms_without_a_time_are_refused(text: str) -> None:
    """Only the documented forms are read: an ISO week date, an ordinal date or other
    text that merely starts like an ISO date is refused rather than read as some day."""
    with pytest.raises(kr.InvalidDateError):
        kr.parse_date(text)


def test_an_impossible_time_is_refused_with_its_reason() -> None:
    """A date with an impossible time of day is refused, and the message says what is
    wrong with it, not only that it cannot be read."""
    with pytest.raises(kr.InvalidDateError, match=r"hour must be in 0\.\.23"):
        kr.parse_date("2025-07-01T25:00:00")
    with pytest.raises(kr.InvalidDateError, match="day is out of range for month"):
        kr.parse_date("2025年2月30日")


@pytest.mark.parametrize("text", ["2025-07-01T", "2025-07-01T8", "2025-07-01 8"])
def test_a_cut_off_time_is_refused_with_its_reason(text: str) -> None:
    """A date followed by the start of a time that breaks off is read as an ISO date
    with a time, and refused with the reason: the time is too short."""
    with pytest.raises(kr.InvalidDateError, match="ISO time too short"):
        kr.parse_date(text)


def test_the_last_representable_day_is_before_forever() -> None:
    """FOREVER is the day after date.max: an open-ended validity holds on date.max, and
    the day before FOREVER is date.max itself."""
    assert date_of(FOREVER - 1) == datetime.date.max
    assert span(datetime.date.max, None) == (FOREVER - 1, FOREVER)
    assert in_force(datetime.date.max, None, datetime.date.max)
    assert date_of(BEGINNING + 1) == datetime.date.min


def _the_clock_says(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    monkeypatch.setattr(_dates.time, "time", lambda: seconds)


def test_at_the_cached_midnight_the_day_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Today is kept only while the clock is before the midnight it was read for: at
    that midnight exactly the day is read from the clock again."""
    today_ordinal()
    midnight = _dates.TODAY.until
    # Restore the real day afterwards (the clock below also moves date.today()).
    monkeypatch.setattr(_dates.TODAY, "until", midnight)
    monkeypatch.setattr(_dates.TODAY, "day", 1)  # a day that is not today
    _the_clock_says(monkeypatch, midnight - 1.0)
    assert day_number(None) == 1  # still within the cached day
    _the_clock_says(monkeypatch, midnight)
    assert day_number(None) == datetime.date.today().toordinal()
    monkeypatch.setattr(_dates.TODAY, "day", 1)
    monkeypatch.setattr(_dates.TODAY, "until", midnight)
    assert today_ordinal() == datetime.date.today().toordinal()


def test_before_the_cached_midnight_the_kept_day_is_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """today_ordinal reads the clock at most once a day: until the cached midnight it
    answers the day it kept, without asking the clock for the date again."""
    today_ordinal()
    midnight = _dates.TODAY.until
    monkeypatch.setattr(_dates.TODAY, "until", midnight)
    monkeypatch.setattr(_dates.TODAY, "day", 1)  # a day that is not today
    _the_clock_says(monkeypatch, midnight - 1.0)
    assert today_ordinal() == 1
    assert day_number(None) == 1


def test_today_is_kept_until_the_next_midnight_and_no_longer() -> None:
    """After reading the clock, the day is good from now until the coming local
    midnight: later than the present moment, at most a day ahead, and on a midnight."""
    today_ordinal()
    now = time.time()
    until = _dates.TODAY.until
    assert now < until <= now + 86400 + 3600  # a day, and a daylight-saving hour
    moment = datetime.datetime.fromtimestamp(until)
    assert moment.time() == datetime.time()
    assert moment.date() == datetime.date.today() + datetime.timedelta(days=1)


def test_the_first_question_in_a_fresh_process_is_answered() -> None:
    """The very first owner() of a new interpreter, before any question has read the
    clock, answers for today: the cached day is filled when the module is loaded."""
    script = (
        "import kunshan_rbac as kr\n"
        "g = kr.ResponsibilityGraph()\n"
        "g.add_unit(kr.Town('t1', '玉山镇'))\n"
        "g.add_item(kr.Item('I', '事项甲'))\n"
        "g.assign('I', town='t1', list='basic', primary='t1')\n"
        "print(g.owner('I', town='t1').primary.code)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "t1"
