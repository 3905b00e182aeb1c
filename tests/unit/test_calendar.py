"""Tests of kunshan_rbac._calendar: working days, 调休, office hours and calendar files."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import chinese_calendar
import pytest

import kunshan_rbac as kr

D = datetime.date
CAL = kr.WorkCalendar.china()


def test_national_day_2025_example() -> None:
    """One working day after 30 September 2025 is 9 October 2025 (1–8 October off)."""
    assert CAL.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert CAL.is_working_day("2025-09-28")  # Sunday worked
    assert CAL.is_working_day("2025-10-11")  # Saturday worked
    assert not any(CAL.is_working_day(D(2025, 10, day)) for day in range(1, 9))


# (last working day before, first working day after), read from each year's notice.
EDGES = {
    "2020 春节 (extended)": (D(2020, 1, 23), D(2020, 2, 3)),
    "2020 国庆节、中秋节": (D(2020, 9, 30), D(2020, 10, 9)),
    "2021 春节": (D(2021, 2, 10), D(2021, 2, 18)),
    "2021 国庆节": (D(2021, 9, 30), D(2021, 10, 8)),
    "2022 春节": (D(2022, 1, 30), D(2022, 2, 7)),
    "2022 国庆节": (D(2022, 9, 30), D(2022, 10, 8)),
    "2023 春节": (D(2023, 1, 20), D(2023, 1, 28)),
    "2023 中秋节、国庆节": (D(2023, 9, 28), D(2023, 10, 7)),
    "2024 春节": (D(2024, 2, 9), D(2024, 2, 18)),
    "2024 国庆节": (D(2024, 9, 30), D(2024, 10, 8)),
    "2025 春节": (D(2025, 1, 27), D(2025, 2, 5)),
    "2025 国庆节、中秋节": (D(2025, 9, 30), D(2025, 10, 9)),
    "2026 春节": (D(2026, 2, 14), D(2026, 2, 24)),
    "2026 国庆节": (D(2026, 9, 30), D(2026, 10, 8)),
}


@pytest.mark.parametrize(("before", "after"), EDGES.values(), ids=EDGES.keys())
def test_spring_festival_and_national_day_edges(before: D, after: D) -> None:
    """Each year's long holidays: the working days on either side, nothing worked between."""
    assert CAL.is_working_day(before)
    assert CAL.is_working_day(after)
    assert CAL.add_working_days(before, 1) == after
    assert CAL.add_working_days(after, -1) == before
    assert CAL.working_days_between(before, after) == 1
    day = before + datetime.timedelta(days=1)
    while day < after:
        assert not CAL.is_working_day(day), day
        day += datetime.timedelta(days=1)


def test_2020_spring_festival_extension_cancels_the_saturday_workday() -> None:
    """1 February 2020 was to be worked; the extension to 2 February made it a day off."""
    assert not CAL.is_working_day("2020-02-01")
    assert CAL.is_working_day("2020-01-19")
    assert [n.number for n in CAL.calendar_year(2020).notices] == [
        "国办发明电〔2019〕16号", "国办发明电〔2020〕1号"]


def test_2025_rules_add_a_day_to_spring_festival_and_labour_day() -> None:
    """From 2025 除夕 and 2 May are public holidays; the 2025 notice is 国办发明电〔2024〕12号."""
    year = CAL.calendar_year(2025)
    assert year.notices[0].number == "国办发明电〔2024〕12号"
    assert not CAL.is_working_day("2025-01-28")  # 除夕, a Tuesday
    assert any("2025" in note and "劳动节" in note for note in year.notes)


def test_each_year_has_its_notice() -> None:
    """Every shipped year names a State Council General Office notice with a 文号."""
    for year in CAL.calendar_years:
        assert year.notices, year.year
        for notice in year.notices:
            assert notice.number.startswith("国办发明电〔"), notice
            assert notice.title.startswith("国务院办公厅关于"), notice
            assert notice.issued is not None


def test_2023_new_year_begins_in_2022() -> None:
    """The 2023 notice puts 31 December 2022 into 元旦; the 2022 year still covers it."""
    assert "元旦" in CAL.describe("2022-12-31")
    assert not CAL.is_working_day("2023-01-02")


def test_zero_negative_and_holiday_starts() -> None:
    """n = 0 returns start; negative n counts back; a holiday start is not counted."""
    assert CAL.add_working_days("2025-10-03", 0) == D(2025, 10, 3)
    assert CAL.add_working_days("2025-10-03", 1) == D(2025, 10, 9)
    assert CAL.add_working_days("2025-10-03", -1) == D(2025, 9, 30)
    assert CAL.add_working_days("2025-10-09", -2) == D(2025, 9, 29)
    assert CAL.add_working_days("2025-10-10", 1) == D(2025, 10, 11)  # the Saturday worked
    assert CAL.working_days_between("2025-10-09", "2025-09-30") == -1
    assert CAL.working_days_between("2025-10-01", "2025-10-08") == 0


def test_datetimes_count_by_their_day_in_china() -> None:
    """An aware datetime is converted to China time before its day is taken."""
    late_utc = datetime.datetime(2025, 9, 30, 17, 0, tzinfo=datetime.UTC)  # 01:00 on 1 Oct
    assert not CAL.is_working_day(late_utc)
    assert CAL.is_working_day(datetime.datetime(2025, 9, 30, 17, 0))  # naive: China time


def test_out_of_range_years_raise() -> None:
    """A day in a year without a notice raises CalendarRangeError, with .day and .years."""
    with pytest.raises(kr.CalendarRangeError) as info:
        CAL.is_working_day("2027-01-04")
    assert isinstance(info.value, ValueError)
    assert info.value.day == D(2027, 1, 4)
    assert info.value.years == tuple(range(2020, 2027))
    with pytest.raises(kr.CalendarRangeError) as info:
        CAL.add_working_days("2026-12-30", 5)
    assert info.value.day == D(2027, 1, 1)
    with pytest.raises(kr.CalendarRangeError):
        CAL.add_working_days("2020-01-02", -5)
    with pytest.raises(kr.CalendarRangeError):
        CAL.working_days_between("2019-12-31", "2020-01-10")
    with pytest.raises(kr.CalendarRangeError):
        CAL.working_hours_between("2026-12-31T10:00", "2027-01-04T10:00")


def test_with_year_adds_a_notice_and_a_gap_year_is_refused() -> None:
    """with_year adds a year; counting across a year that is still missing raises."""
    cal = CAL.with_year(2028, holidays=[("2028-01-01", "2028-01-03")], workdays=[],
                        notice="国办发明电〔2027〕X号")
    assert cal.years[-1] == 2028
    assert not cal.is_working_day("2028-01-03")
    assert cal.calendar_year(2028).notices[0].number == "国办发明电〔2027〕X号"
    with pytest.raises(kr.CalendarRangeError) as info:
        cal.add_working_days("2026-12-31", 3)
    assert info.value.day.year == 2027
    with pytest.raises(kr.CalendarRangeError):
        cal.working_days_between("2026-06-01", "2028-06-01")
    full = cal.with_year(2027, holidays=["2027-01-01"])
    assert full.working_days_between("2026-12-31", "2027-01-04") == 1  # Fri 1 Jan off


def test_with_year_refuses_weekday_and_clashing_workdays() -> None:
    """An adjusted working day must be a weekend day and no day off at once."""
    with pytest.raises(kr.LoadError) as info:
        CAL.with_year(2027, holidays=[("2027-02-06", "2027-02-13")],
                      workdays=["2027-02-10", "2027-02-13"])
    text = str(info.value)
    assert "2027-02-10" in text
    assert "Saturday or Sunday" in text
    assert "2027-02-13" in text
    assert "no holiday covers" in text


def test_load_round_trips_and_reports_located_problems(tmp_path: Path) -> None:
    """A written calendar loads back equal; a broken file lists each problem's place."""
    good = tmp_path / "cal.json"
    good.write_text(json.dumps(CAL.to_dict(), ensure_ascii=False), encoding="utf-8")
    assert kr.WorkCalendar.load(good) == CAL
    data = CAL.to_dict()
    data["years"][5]["workdays"][0]["date"] = "2025-13-01"
    data["years"][6]["holidays"].append({"name": "x"})
    data["years"][1]["workdays"].append({"date": "2021-03-03", "name": "春节"})
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.WorkCalendar.load(bad)
    places = {(p.row, p.column) for p in info.value.problems}
    assert (5, "workdays[0].date") in places
    assert (6, "holidays[7]") in places
    assert all(p.file == str(bad) for p in info.value.problems)
    # the schema problems come first; the weekday workday is reported once they are fixed
    data["years"][5]["workdays"][0]["date"] = "2025-01-26"
    data["years"][6]["holidays"].pop()
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.WorkCalendar.load(bad)
    [problem] = info.value.problems
    assert (problem.row, problem.column, problem.value) == (1, "workdays[7].date", "2021-03-03")
    data["years"][1]["workdays"].pop()
    data["years"][2]["holidays"][0]["to"] = "2022-02-30"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.WorkCalendar.load(bad)
    [problem] = info.value.problems
    assert (problem.sheet, problem.column, problem.value) == (
        "year 2022", "holidays[0].to", "2022-02-30")
    broken = tmp_path / "broken.json"
    broken.write_text("{\n  \"format\": ", encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.WorkCalendar.load(broken)
    assert info.value.problems[0].row == 2


def test_load_applies_the_limits(tmp_path: Path) -> None:
    """A calendar file over Limits.json_bytes, or nested deeper than Limits.depth, is a
    LoadError naming the limit; the shipped calendar loads within the defaults."""
    good = tmp_path / "cal.json"
    good.write_text(json.dumps(kr.WorkCalendar.china().to_dict(), ensure_ascii=False),
                    encoding="utf-8")
    assert kr.WorkCalendar.load(good).years == kr.WorkCalendar.china().years
    with pytest.raises(kr.LoadError) as info:
        kr.WorkCalendar.load(good, limits=kr.Limits(json_bytes=1_000))
    assert "Limits.json_bytes" in info.value.problems[0].expected
    deep = tmp_path / "deep.json"
    deep.write_text('{"format": ' + "[" * 100 + "]" * 100 + "}", encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.WorkCalendar.load(deep)
    assert "Limits.depth" in info.value.problems[0].expected


def test_working_hours_examples() -> None:
    """Office hours 09:00–12:00 and 13:30–17:30 on working days only."""
    assert CAL.hours_per_day == 7.0
    assert CAL.working_hours_between("2025-09-30T16:30", "2025-10-09T10:00") == 2.0
    assert CAL.working_hours_between("2025-10-09T10:00", "2025-09-30T16:30") == -2.0
    assert CAL.working_hours_between("2025-10-09T11:00", "2025-10-09T14:00") == 1.5
    assert CAL.working_hours_between("2025-10-09T12:10", "2025-10-09T13:20") == 0.0
    assert CAL.working_hours_between("2025-10-09T00:00", "2025-10-10T00:00") == 7.0
    assert CAL.add_working_hours("2025-10-09T11:00", 1).isoformat() == "2025-10-09T12:00:00+08:00"
    assert CAL.add_working_hours("2025-10-09T12:00", 0.5).isoformat() == "2025-10-09T14:00:00+08:00"
    assert CAL.add_working_hours("2025-10-04T20:00", 7).isoformat() == "2025-10-09T17:30:00+08:00"
    assert CAL.add_working_hours("2025-10-09T10:00", -2).isoformat() == "2025-09-30T16:30:00+08:00"
    assert CAL.add_working_hours("2025-10-09T09:00", -7).isoformat() == "2025-09-30T09:00:00+08:00"
    utc = datetime.datetime(2025, 10, 9, 1, 0, tzinfo=datetime.UTC)  # 09:00 in China
    expected = datetime.datetime(2025, 10, 9, 10, 0, tzinfo=kr.CHINA_TZ)
    assert CAL.add_working_hours(utc, 1) == expected


def test_office_hours_are_configurable_and_checked() -> None:
    """Other office hours change the hour counts; malformed periods are refused."""
    cal = CAL.with_office_hours([("08:30", "12:00"), ("14:00", "17:30")])
    assert cal.hours_per_day == 7.0
    assert cal.working_hours_between("2025-10-09T08:00", "2025-10-09T09:00") == 0.5
    assert cal.closing_time("2025-10-09").hour == 17
    overlapping = [("09:00", "12:00"), ("11:00", "13:00")]
    for bad in ([], [("12:00", "09:00")], overlapping, [("9h", "10h")]):
        with pytest.raises(ValueError):  # noqa: PT011 - the messages differ by case
            CAL.with_office_hours(bad)


def test_periods() -> None:
    """Months, quarters and years as half-open ranges, clipped unless asked not to."""
    assert CAL.periods("2025-01-15", "2025-03-01") == [
        (D(2025, 1, 15), D(2025, 2, 1)), (D(2025, 2, 1), D(2025, 3, 1))]
    assert CAL.periods("2025-01-15", "2025-03-02", "month", clip=False)[-1] == (
        D(2025, 3, 1), D(2025, 4, 1))
    assert CAL.periods("2024-11-30", "2026-01-01", "year") == [
        (D(2024, 11, 30), D(2025, 1, 1)), (D(2025, 1, 1), D(2026, 1, 1))]
    assert len(CAL.periods("2025-01-01", "2026-01-01", "quarter")) == 4
    assert CAL.periods("2025-03-01", "2025-03-01") == []
    with pytest.raises(ValueError, match="freq"):
        CAL.periods("2025-01-01", "2025-02-01", "week")


def test_describe_says_why() -> None:
    """describe() names the holiday or 调休 and the notice behind it."""
    assert "国办发明电〔2024〕12号" in CAL.describe("2025-10-11")
    assert CAL.describe("2025-10-10").endswith("working day")
    assert CAL.describe("2025-10-12").endswith("weekend")


def test_schema_is_shipped() -> None:
    """The calendar file format's JSON Schema is in the package and describes the data."""
    schema = kr.calendar_schema()
    assert schema["properties"]["format"]["const"] == "kunshan-rbac-calendar"


# ------------------------------------------------------------------ cross-check

#: Days that chinese-calendar names as part of a holiday and this data does not; each is
#: explained in the notes of the data file.
NAMED_DIFFERENTLY = {D(2023, 12, 30), D(2023, 12, 31)}


def test_data_agrees_with_chinese_calendar_day_by_day() -> None:
    """Every day 2020–2026: the same working status as the chinese-calendar package.

    chinese-calendar (a test-only dependency) is an independent compilation of the same
    notices. Days whose holiday naming differs must be explained in the data's notes.
    """
    compared = 0
    status: list[D] = []
    named: set[D] = set()
    ours = {day for year in CAL.calendar_years for h in year.holidays for day in h.days()}
    day = D(2020, 1, 1)
    while day <= D(2026, 12, 31):
        compared += 1
        if CAL.is_working_day(day) != chinese_calendar.is_workday(day):
            status.append(day)
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if (on_holiday and name is not None) != (day in ours):
            named.add(day)
        day += datetime.timedelta(days=1)
    assert compared == 2557
    assert status == []
    assert named == NAMED_DIFFERENTLY
    notes = " ".join(n for year in CAL.calendar_years for n in year.notes)
    for day in named:
        assert f"{day.day} December {day.year}" in notes or day.isoformat() in notes, day


def test_explanation_lists_each_years_notices() -> None:
    """The notices table in docs/explanation/calendar.md names exactly the data's 文号."""
    page = Path(__file__).resolve().parents[2] / "docs" / "explanation" / "calendar.md"
    shown: dict[int, list[str]] = {}
    for line in page.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| (20\d\d) \| (.*?) \|", line)
        if match:
            shown[int(match.group(1))] = re.findall(r"国办发明电〔\d{4}〕\d+号", match.group(2))
    assert shown == {y.year: [n.number for n in y.notices] for y in CAL.calendar_years}
