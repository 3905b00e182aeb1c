"""Tests of kunshan_rbac._dates: reading dates strictly."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr


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
