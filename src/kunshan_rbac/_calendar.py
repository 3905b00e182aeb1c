"""Working days and working hours in mainland China: public holidays, 调休 and office hours.

Which days are worked in China is fixed year by year by a notice of the State Council
General Office (国务院办公厅关于某年部分节假日安排的通知), published late in the year
before. It names the holidays (放假) and the weekend days that become working days to
make the holidays longer (调休上班). A day is a **working day** when

* it is listed as an adjusted working day (调休上班), or
* it is Monday to Friday and lies in no holiday.

`WorkCalendar.china` ships these notices for 2020 through 2026
(``kunshan_rbac/data/calendar_cn.json``). A day in a year without a notice raises
`CalendarRangeError`: nothing is guessed. Add a year with `WorkCalendar.with_year`, or
load a file of your own with `WorkCalendar.load` (the format is described by the JSON
Schema ``kunshan_rbac/data/calendar.schema.json``, `calendar_schema`).

Counting follows the rule of the Civil Code for periods (《民法典》第二百零一条): the day
on which a period starts is not counted. ``add_working_days(d, n)`` is the *n*-th working
day after ``d``; ``working_days_between(a, b)`` counts the working days ``x`` with
``a < x <= b``. Working hours count the office hours (`WorkCalendar.office_hours`) of
working days. All times are in China's time zone `CHINA_TZ` (UTC+8, no daylight saving):
naive datetimes are read as China time, aware ones are converted to it.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

import attrs
from dateutil.parser import isoparse
from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, rrule

from ._dates import DateLike, parse_date
from ._errors import CalendarRangeError, InvalidDateError, LoadError, Problem
from ._jsondoc import load_document
from ._limits import Limits

__all__ = [
    "CHINA_TZ",
    "FORMAT",
    "VERSION",
    "AdjustedWorkday",
    "CalendarYear",
    "DateTimeLike",
    "Holiday",
    "Notice",
    "WorkCalendar",
    "calendar_schema",
    "to_china_time",
]

CHINA_TZ = datetime.timezone(datetime.timedelta(hours=8), "Asia/Shanghai")
"""China's time zone: UTC+8 all year (China has no daylight saving time)."""

FORMAT = "kunshan-rbac-calendar"
VERSION = 1

DateTimeLike: TypeAlias = datetime.datetime | str
"""A moment: a ``datetime`` (naive means China time) or an ISO string such as
``2025-09-30T16:00`` or ``2025-09-30T08:00:00+00:00``."""

_DAY_US = 24 * 3600 * 1_000_000
_WEEKDAYS = "一二三四五六日"


def to_china_time(value: DateTimeLike) -> datetime.datetime:
    """Read a moment as an aware datetime in China's time zone.

    Args:
        value: a ``datetime`` (naive ones are taken as China time) or an ISO 8601 string.

    Returns:
        The same moment, with ``tzinfo`` `CHINA_TZ`.

    Raises:
        InvalidDateError: a string that is not an ISO date-time.

    Examples:
        >>> to_china_time("2025-09-30T08:00:00+00:00").isoformat()
        '2025-09-30T16:00:00+08:00'
    """
    if isinstance(value, str):
        try:
            value = isoparse(value.strip())
        except (ValueError, OverflowError) as exc:
            raise InvalidDateError(value, str(exc)) from None
    if not isinstance(value, datetime.datetime):
        raise InvalidDateError(value, "expected a datetime or an ISO date-time string")
    if value.tzinfo is None:
        return value.replace(tzinfo=CHINA_TZ)
    return value.astimezone(CHINA_TZ)


def _day(value: DateLike) -> datetime.date:
    """The China-time day of a date, a datetime or a date string."""
    if isinstance(value, datetime.datetime):
        return to_china_time(value).date()
    return parse_date(value)


def _weekday(day: datetime.date) -> str:
    return "星期" + _WEEKDAYS[day.weekday()]


@attrs.frozen(cache_hash=True)
class Notice:
    """A State Council General Office notice that fixes a year's holidays.

    Attributes:
        number: the document number (文号), e.g. ``"国办发明电〔2024〕12号"``.
        title: the title, e.g. ``"国务院办公厅关于2025年部分节假日安排的通知"``.
        issued: the day it was issued, if known.
    """

    number: str = attrs.field(validator=attrs.validators.instance_of(str))
    title: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    issued: datetime.date | None = attrs.field(default=None)

    def __str__(self) -> str:
        return self.number or self.title


@attrs.frozen(cache_hash=True)
class Holiday:
    """A run of days off (放假), first and last day included.

    Attributes:
        name: the festival, e.g. ``"国庆节、中秋节"``.
        start: the first day off.
        end: the last day off (``>= start``).
        note: anything worth knowing about it (an extension, a special rule).
    """

    name: str
    start: datetime.date
    end: datetime.date
    note: str = ""

    def days(self) -> Iterator[datetime.date]:
        """Every day of the holiday, in order."""
        for ordinal in range(self.start.toordinal(), self.end.toordinal() + 1):
            yield datetime.date.fromordinal(ordinal)


@attrs.frozen(cache_hash=True)
class AdjustedWorkday:
    """A Saturday or Sunday that is worked to make a holiday longer (调休上班).

    Attributes:
        day: the day worked.
        name: the holiday it makes up for.
    """

    day: datetime.date
    name: str


def _notices(value: Iterable[Notice]) -> tuple[Notice, ...]:
    return tuple(value)


def _holidays(value: Iterable[Holiday]) -> tuple[Holiday, ...]:
    return tuple(value)


def _workdays(value: Iterable[AdjustedWorkday]) -> tuple[AdjustedWorkday, ...]:
    return tuple(value)


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen(cache_hash=True)
class CalendarYear:
    """One year of the calendar: its notices, holidays and adjusted working days.

    Attributes:
        year: the year the notices are for.
        notices: the notices, in order of issue (2020 has two: the plan and the Spring
            Festival extension).
        holidays: the runs of days off.
        workdays: the adjusted working days.
        notes: remarks on the year (changes of rules, local measures not recorded).
        sources: where the notices' texts were read.
    """

    year: int
    notices: tuple[Notice, ...] = attrs.field(converter=_notices)
    holidays: tuple[Holiday, ...] = attrs.field(converter=_holidays)
    workdays: tuple[AdjustedWorkday, ...] = attrs.field(converter=_workdays, default=())
    notes: tuple[str, ...] = attrs.field(converter=_texts, default=())
    sources: tuple[str, ...] = attrs.field(converter=_texts, default=())


Period: TypeAlias = tuple[datetime.time, datetime.time]

DEFAULT_OFFICE_HOURS: tuple[Period, ...] = (
    (datetime.time(9, 0), datetime.time(12, 0)),
    (datetime.time(13, 30), datetime.time(17, 30)),
)
"""09:00–12:00 and 13:30–17:30: seven office hours a working day (a default, not a rule;
offices differ by place and season)."""


def _time(value: object) -> datetime.time:
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, str):
        try:
            return datetime.time.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"expected a time such as '09:00', found {value!r}")


def _office_hours(value: Iterable[Any]) -> tuple[Period, ...]:
    periods: list[Period] = []
    for pair in value:
        if not isinstance(pair, Sequence) or isinstance(pair, str) or len(pair) != 2:
            raise ValueError(f"expected (start, end) pairs of times, found {pair!r}")
        start, end = _time(pair[0]), _time(pair[1])
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("office hours are wall-clock times in China; give naive times")
        if not start < end:
            raise ValueError(f"an office period must end after it starts: {start}–{end}")
        if periods and start < periods[-1][1]:
            raise ValueError("office periods must be in order and must not overlap")
        periods.append((start, end))
    if not periods:
        raise ValueError("a working day needs at least one office period")
    return tuple(periods)


def _us(t: datetime.time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


class _Index:
    """Day-by-day lookup tables for a tuple of calendar years (built once, then shared)."""

    def __init__(self, years: tuple[CalendarYear, ...]) -> None:
        self.years = tuple(sorted(y.year for y in years))
        self.covered = frozenset(self.years)
        self.first = datetime.date(self.years[0], 1, 1).toordinal() if self.years else 1
        self.last = datetime.date(self.years[-1], 12, 31).toordinal() if self.years else 0
        off: dict[int, tuple[Holiday, CalendarYear]] = {}
        on: dict[int, tuple[AdjustedWorkday, CalendarYear]] = {}
        for year in years:
            for holiday in year.holidays:
                for day in holiday.days():
                    off[day.toordinal()] = (holiday, year)
            for workday in year.workdays:
                on[workday.day.toordinal()] = (workday, year)
        self.off, self.on = off, on
        size = max(self.last - self.first + 1, 0)
        work = bytearray(size)
        cum = [0] * (size + 1)
        ordinals: list[int] = []
        for i in range(size):
            ordinal = self.first + i
            day = datetime.date.fromordinal(ordinal)
            if day.year in self.covered and (
                ordinal in on or (day.weekday() < 5 and ordinal not in off)
            ):
                work[i] = 1
                ordinals.append(ordinal)
            cum[i + 1] = cum[i] + work[i]
        self.work, self.cum, self.ordinals = bytes(work), cum, ordinals
        self.contiguous = len(self.years) == (self.years[-1] - self.years[0] + 1 if years else 0)

    def check(self, low: int, high: int) -> None:
        """Raise unless every year from ``low``'s to ``high``'s (ordinals) is covered."""
        if low > high:
            low, high = high, low
        if self.contiguous and self.first <= low and high <= self.last:
            return
        first_year = datetime.date.fromordinal(max(low, 1)).year
        last_year = datetime.date.fromordinal(high).year
        for year in range(first_year, last_year + 1):
            if year not in self.covered:
                day = max(datetime.date(year, 1, 1), datetime.date.fromordinal(max(low, 1)))
                raise CalendarRangeError(day, self.years)

    def is_working(self, ordinal: int) -> bool:
        self.check(ordinal, ordinal)
        return bool(self.work[ordinal - self.first])

    def count(self, a: int, b: int) -> int:
        """Working days x with a < x <= b (both covered, a <= b)."""
        return self.cum[b - self.first + 1] - self.cum[a - self.first + 1]

    def beyond(self, forward: bool) -> datetime.date:
        return datetime.date.fromordinal(self.last + 1 if forward else self.first - 1)


@functools.lru_cache(maxsize=64)
def _index(years: tuple[CalendarYear, ...]) -> _Index:
    """Tables shared by every calendar with these years (whatever its office hours)."""
    return _Index(years)


def _problems(years: Sequence[CalendarYear], source: str) -> list[Problem]:
    """What a JSON Schema cannot check: ranges, weekend workdays, clashes, duplicates."""
    problems: list[Problem] = []
    seen: dict[int, int] = {}
    off: dict[datetime.date, int] = {}
    for row, year in enumerate(years):
        sheet = f"year {year.year}"
        if year.year in seen:
            problems.append(Problem(source, sheet, row, "year", year.year,
                                    f"each year once (also at years[{seen[year.year]}])"))
        seen[year.year] = row
        allowed = range(year.year - 1, year.year + 2)
        for h, holiday in enumerate(year.holidays):
            if holiday.end < holiday.start:
                problems.append(Problem(
                    source, sheet, row, f"holidays[{h}].to", holiday.end.isoformat(),
                    f"a last day on or after the first ({holiday.start})"))
            for field, day in (("from", holiday.start), ("to", holiday.end)):
                if day.year not in allowed:
                    problems.append(Problem(source, sheet, row, f"holidays[{h}].{field}",
                                            day.isoformat(), f"a day in or next to {year.year}"))
            for day in holiday.days():
                off[day] = year.year
        for w, workday in enumerate(year.workdays):
            column = f"workdays[{w}].date"
            if workday.day.weekday() < 5:
                problems.append(Problem(
                    source, sheet, row, column, workday.day.isoformat(),
                    f"a Saturday or Sunday (it is a {_weekday(workday.day)}; weekdays are "
                    "worked anyway)"))
            if workday.day.year not in allowed:
                problems.append(Problem(source, sheet, row, column, workday.day.isoformat(),
                                        f"a day in or next to {year.year}"))
    for row, year in enumerate(years):
        for w, workday in enumerate(year.workdays):
            if workday.day in off:
                problems.append(Problem(
                    source, f"year {year.year}", row, f"workdays[{w}].date",
                    workday.day.isoformat(),
                    "a day that no holiday covers (it is also a day off in the "
                    f"holidays of {off[workday.day]})"))
    return problems


def _holiday_arg(value: Any) -> tuple[datetime.date, datetime.date]:
    if isinstance(value, Holiday):
        return value.start, value.end
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(f"expected a day or a (first, last) pair, found {value!r}")
        return _day(value[0]), _day(value[1])
    day = _day(value)
    return day, day


def _by_year(years: Iterable[CalendarYear]) -> tuple[CalendarYear, ...]:
    return tuple(sorted(years, key=lambda y: y.year))


@attrs.frozen(cache_hash=True, repr=False, slots=False)
class WorkCalendar:
    """Working days and hours: weekends, public holidays and 调休, office hours.

    Build one with `china` (mainland China 2020–2026, from the State Council's notices),
    `load` (a calendar file) or `with_year` (add or replace a year's notice). Values are
    immutable: ``with_*`` methods return a new calendar.

    Attributes:
        calendar_years: the years known, each with its notices, holidays and adjusted
            working days, in order.
        office_hours: the office periods of a working day, as ``(start, end)`` times in
            China; default 09:00–12:00 and 13:30–17:30.
        name: a short label (``"china"`` for the shipped calendar).

    Examples:
        >>> cal = WorkCalendar.china()
        >>> cal.add_working_days("2025-09-30", 1)
        datetime.date(2025, 10, 9)
        >>> cal.is_working_day("2025-09-28")
        True
    """

    calendar_years: tuple[CalendarYear, ...] = attrs.field(converter=_by_year)
    office_hours: tuple[Period, ...] = attrs.field(
        default=DEFAULT_OFFICE_HOURS, converter=_office_hours
    )
    name: str = ""

    def __repr__(self) -> str:
        hours = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in self.office_hours)
        label = f"{self.name!r}, " if self.name else ""
        return f"<WorkCalendar {label}years {_span(self.years)}, office hours {hours}>"

    # ----------------------------------------------------------------- construction

    @classmethod
    def china(cls) -> WorkCalendar:
        """Mainland China's calendar, 2020 through 2026, as shipped with the library.

        Each year comes from the State Council General Office's notice for it (see
        `calendar_year` for the notice, its number and notes).

        Examples:
            >>> WorkCalendar.china().years
            (2020, 2021, 2022, 2023, 2024, 2025, 2026)
        """
        return _china()

    @classmethod
    def load(cls, path: str | Path, *, limits: Limits | None = None) -> WorkCalendar:
        """Read a calendar file (the format of ``kunshan_rbac/data/calendar_cn.json``).

        Args:
            path: a UTF-8 JSON file described by `calendar_schema` (``.gz``:
                gzip-compressed).
            limits: the limits to apply (`DEFAULT_LIMITS` if not given):
                ``json_bytes`` bounds the text, ``depth`` the nesting.

        Returns:
            The calendar.

        Raises:
            LoadError: the file cannot be read, is over a limit or breaks the format;
                every problem is listed with its place (the year, its index in ``years``
                as the row, the field, the value).
        """
        return cls.from_dict(load_document(path, limits), source=str(path))

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<calendar>") -> WorkCalendar:
        """Build a calendar from the parsed JSON of a calendar file.

        Args:
            data: the parsed document.
            source: how to name it in problems.

        Returns:
            The calendar.

        Raises:
            LoadError: the document breaks the format; every problem is listed.
        """
        import jsonschema  # a core dependency; imported here only to keep start-up light

        validator = jsonschema.Draft202012Validator(calendar_schema())
        problems: list[Problem] = []
        for error in sorted(validator.iter_errors(data), key=_path_key):
            path = list(error.absolute_path)
            sheet = row = None
            if len(path) >= 2 and path[0] == "years" and isinstance(path[1], int):
                row = path[1]
                entry = data["years"][row]
                year = entry.get("year") if isinstance(entry, dict) else None
                sheet = f"year {year}"
                path = path[2:]
            column = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in path) or None
            if column:
                column = column.replace(".[", "[")
            value = error.instance if not isinstance(error.instance, dict | list) else None
            problems.append(Problem(source, sheet, row, column, value, error.message))
        if problems:
            raise LoadError(problems)
        problems = _impossible_dates(data["years"], source)
        if problems:
            raise LoadError(problems)
        years = [_year_from_dict(y) for y in data["years"]]
        problems = _problems(years, source)
        if problems:
            raise LoadError(problems)
        hours = data.get("office_hours", DEFAULT_OFFICE_HOURS)
        try:
            return cls(years, hours, name=str(data.get("name", "")))
        except ValueError as exc:
            raise LoadError([Problem(source, column="office_hours", value=hours,
                                     expected=str(exc))]) from None

    def to_dict(self) -> dict[str, Any]:
        """The calendar as a document of the calendar file format (`load` reads it back)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "name": self.name,
            "office_hours": [[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in self.office_hours],
            "years": [_year_to_dict(y) for y in self.calendar_years],
        }

    def with_year(
        self,
        year: int,
        *,
        holidays: Iterable[DateLike | tuple[DateLike, DateLike] | Holiday],
        workdays: Iterable[DateLike | AdjustedWorkday] = (),
        notice: str = "",
        title: str = "",
        name: str = "假日",
    ) -> WorkCalendar:
        """A calendar that also knows ``year`` (replacing what it knew of it).

        Args:
            year: the year the notice is for.
            holidays: the days off: single days, ``(first, last)`` pairs (both included)
                or `Holiday` values.
            workdays: the Saturdays and Sundays worked (调休上班).
            notice: the notice's number (文号), e.g. ``"国办发明电〔2026〕X号"``.
            title: the notice's title.
            name: the holiday name given to days and pairs (`Holiday` values keep theirs).

        Returns:
            The new calendar.

        Raises:
            LoadError: a workday that is a weekday or is also a day off, or days far
                from ``year``; every problem is listed.

        Examples:
            >>> cal = WorkCalendar.china().with_year(
            ...     2027, holidays=[("2027-02-06", "2027-02-14")], workdays=["2027-02-20"],
            ...     notice="国办发明电〔2026〕X号")
            >>> cal.is_working_day("2027-02-08"), cal.is_working_day("2027-02-20")
            (False, True)
        """
        runs = []
        for value in holidays:
            start, end = _holiday_arg(value)
            runs.append(value if isinstance(value, Holiday) else Holiday(name, start, end))
        days = [w if isinstance(w, AdjustedWorkday) else AdjustedWorkday(_day(w), name)
                for w in workdays]
        title = title or f"国务院办公厅关于{year}年部分节假日安排的通知"
        entry = CalendarYear(year, (Notice(notice, title),), runs, days)
        years = [y for y in self.calendar_years if y.year != year] + [entry]
        problems = _problems(years, f"WorkCalendar.with_year({year})")
        if problems:
            raise LoadError(problems)
        return attrs.evolve(self, calendar_years=years)

    def with_office_hours(self, periods: Iterable[tuple[Any, Any]]) -> WorkCalendar:
        """A calendar with other office hours.

        Args:
            periods: ``(start, end)`` pairs of ``datetime.time`` or ``"HH:MM"`` strings,
                in order, not overlapping.

        Raises:
            ValueError: periods out of order, overlapping, empty or inverted.

        Examples:
            >>> cal = WorkCalendar.china().with_office_hours(
            ...     [("08:30", "12:00"), ("14:00", "17:30")])
            >>> cal.hours_per_day
            7.0
        """
        return attrs.evolve(self, office_hours=periods)

    # ----------------------------------------------------------------- questions

    @property
    def years(self) -> tuple[int, ...]:
        """The years the calendar has notices for, in order."""
        return tuple(y.year for y in self.calendar_years)

    @property
    def hours_per_day(self) -> float:
        """Office hours in a working day."""
        return sum(_us(b) - _us(a) for a, b in self.office_hours) / 3.6e9

    def calendar_year(self, year: int) -> CalendarYear:
        """The notices, holidays and adjusted working days of ``year``.

        Raises:
            CalendarRangeError: the calendar has no notice for that year.
        """
        for entry in self.calendar_years:
            if entry.year == year:
                return entry
        raise CalendarRangeError(datetime.date(year, 1, 1), self.years)

    @functools.cached_property
    def _idx(self) -> _Index:
        return _index(self.calendar_years)

    @functools.cached_property
    def _office(self) -> tuple[tuple[tuple[int, int], ...], int]:
        """Office periods as microseconds of the day, and their total."""
        periods = tuple((_us(a), _us(b)) for a, b in self.office_hours)
        return periods, sum(b - a for a, b in periods)

    def is_working_day(self, day: DateLike) -> bool:
        """Whether ``day`` is a working day (a datetime counts by its day in China).

        Raises:
            CalendarRangeError: the day's year has no notice.
            InvalidDateError: ``day`` cannot be read.
        """
        return self._idx.is_working(_day(day).toordinal())

    def describe(self, day: DateLike) -> str:
        """Say what kind of day ``day`` is, and by which notice.

        Examples:
            >>> what, notice = WorkCalendar.china().describe("2025-09-28").split(", by ")
            >>> what
            '2025-09-28 (星期日): adjusted working day (调休上班) for 国庆节、中秋节'
            >>> notice
            '国办发明电〔2024〕12号'
        """
        date = _day(day)
        ordinal = date.toordinal()
        index = self._idx
        index.check(ordinal, ordinal)
        head = f"{date.isoformat()} ({_weekday(date)}): "
        if ordinal in index.on:
            workday, year = index.on[ordinal]
            by = ", ".join(str(n) for n in year.notices)
            return f"{head}adjusted working day (调休上班) for {workday.name}, by {by}"
        if ordinal in index.off:
            holiday, year = index.off[ordinal]
            by = ", ".join(str(n) for n in year.notices)
            return f"{head}holiday ({holiday.name}, {holiday.start} to {holiday.end}), by {by}"
        return head + ("working day" if date.weekday() < 5 else "weekend")

    def add_working_days(self, start: DateLike, n: int) -> datetime.date:
        """The ``n``-th working day after ``start`` (before it when ``n`` is negative).

        ``start`` itself is never counted, whether it is a working day or not (the Civil
        Code's rule for periods): one working day after Tuesday 30 September 2025 is
        Thursday 9 October 2025, since 1–8 October are off; one working day after a
        holiday is the first working day after it. ``n = 0`` returns ``start`` as it is,
        even on a holiday. For ``n < 0`` the result is the ``|n|``-th working day before
        ``start``.

        Args:
            start: a date (a datetime counts by its day in China).
            n: how many working days.

        Returns:
            The day.

        Raises:
            CalendarRangeError: a day on the way lies in a year without a notice.

        Examples:
            >>> WorkCalendar.china().add_working_days("2025-10-09", -1)
            datetime.date(2025, 9, 30)
        """
        date = _day(start)
        if n == 0:
            self._idx.check(date.toordinal(), date.toordinal())
            return date
        index = self._idx
        s = date.toordinal()
        index.check(s, s)
        if n > 0:
            position = bisect.bisect_right(index.ordinals, s) + n - 1
            if position >= len(index.ordinals):
                raise CalendarRangeError(index.beyond(True), index.years)
        else:
            position = bisect.bisect_left(index.ordinals, s) + n
            if position < 0:
                raise CalendarRangeError(index.beyond(False), index.years)
        result = index.ordinals[position]
        index.check(s, result)
        return datetime.date.fromordinal(result)

    def working_days_between(self, a: DateLike, b: DateLike) -> int:
        """How many working days ``d`` have ``a < d <= b`` (negated when ``b < a``).

        So ``working_days_between(a, add_working_days(a, n)) == n`` for ``n >= 0``, and
        for any ``n`` when ``a`` is a working day.

        Raises:
            CalendarRangeError: a day between them lies in a year without a notice.

        Examples:
            >>> WorkCalendar.china().working_days_between("2025-09-30", "2025-10-09")
            1
        """
        x, y = _day(a).toordinal(), _day(b).toordinal()
        index = self._idx
        index.check(x, y)
        return index.count(x, y) if x <= y else -index.count(y, x)

    # ----------------------------------------------------------------- hours

    @staticmethod
    def _worked(periods: tuple[tuple[int, int], ...], t: int) -> int:
        """Office microseconds of a working day before time-of-day ``t``."""
        total = 0
        for a, b in periods:
            if t <= a:
                break
            total += (t if t < b else b) - a
        return total

    def working_hours_between(self, start: DateTimeLike, end: DateTimeLike) -> float:
        """Working hours from ``start`` to ``end``: office hours of working days only.

        Negative when ``end`` is before ``start``.

        Raises:
            CalendarRangeError: a day between them lies in a year without a notice.

        Examples:
            >>> WorkCalendar.china().working_hours_between(
            ...     "2025-09-30T16:30", "2025-10-09T10:00")
            2.0
        """
        s, e = to_china_time(start), to_china_time(end)
        if e < s:
            return -self.working_hours_between(e, s)
        return self._between_us(s, e) / 3.6e9

    def _between_us(self, s: datetime.datetime, e: datetime.datetime) -> int:
        index = self._idx
        periods, day_len = self._office
        so, eo = s.toordinal(), e.toordinal()
        index.check(so, eo)
        s_working = index.work[so - index.first]
        ws = self._worked(periods, _clock(s)) if s_working else 0
        we = self._worked(periods, _clock(e)) if index.work[eo - index.first] else 0
        if so == eo:
            return we - ws
        head = (day_len - ws) if s_working else 0
        middle = index.count(so, eo - 1) * day_len
        return head + middle + we

    def add_working_hours(self, start: DateTimeLike, hours: float) -> datetime.datetime:
        """The moment ``hours`` working hours after ``start`` (before it if negative).

        For ``hours > 0`` the answer is the earliest moment ``t`` with
        ``working_hours_between(start, t) == hours``, so a limit that ends with the
        morning's office period ends at 12:00, not at 13:30. For ``hours < 0`` it is the
        latest moment ``t`` with ``working_hours_between(t, start) == -hours``. Zero
        returns ``start``. Hours are counted to the microsecond.

        Raises:
            CalendarRangeError: a day on the way lies in a year without a notice.

        Examples:
            >>> WorkCalendar.china().add_working_hours("2025-09-30T17:00", 2).isoformat()
            '2025-10-09T10:30:00+08:00'
        """
        s = to_china_time(start)
        amount = round(hours * 3.6e9)
        index = self._idx
        so = s.date().toordinal()
        index.check(so, so)
        if amount == 0:
            return s
        periods, day_len = self._office
        working = index.work[so - index.first]
        done = self._worked(periods, _clock(s)) if working else 0
        if amount > 0:
            left_today = day_len - done if working else 0
            if amount <= left_today:
                return _at(so, _earliest(periods, done + amount))
            rest = amount - left_today
            skip = (rest - 1) // day_len
            day = self.add_working_days(s.date(), skip + 1)
            return _at(day.toordinal(), _earliest(periods, rest - skip * day_len))
        amount = -amount
        if amount <= done:
            return _at(so, _latest(periods, done - amount))
        rest = amount - done
        skip = (rest - 1) // day_len
        day = self.add_working_days(s.date(), -(skip + 1))
        return _at(day.toordinal(), _latest(periods, day_len - (rest - skip * day_len)))

    def closing_time(self, day: DateLike) -> datetime.datetime:
        """The end of the last office period of ``day``, in China time.

        Examples:
            >>> WorkCalendar.china().closing_time("2025-10-09").isoformat()
            '2025-10-09T17:30:00+08:00'
        """
        date = _day(day)
        return datetime.datetime.combine(date, self.office_hours[-1][1], tzinfo=CHINA_TZ)

    # ----------------------------------------------------------------- periods

    def periods(
        self, start: DateLike, end: DateLike, freq: str = "month", *, clip: bool = True
    ) -> list[tuple[datetime.date, datetime.date]]:
        """Calendar months, quarters or years that meet ``[start, end)``, half-open.

        Built with ``dateutil.rrule``; holidays play no part, so any dates work.

        Args:
            start: first day (included).
            end: last day (excluded).
            freq: ``"month"``, ``"quarter"`` or ``"year"``.
            clip: cut the first and last period to ``[start, end)`` (default); with
                ``False`` whole periods are returned.

        Returns:
            ``(first, after_last)`` pairs in order; empty when ``end <= start``.

        Raises:
            ValueError: an unknown ``freq``.

        Examples:
            >>> for a, b in WorkCalendar.china().periods("2025-02-15", "2025-07-01", "quarter"):
            ...     print(a, b)
            2025-02-15 2025-04-01
            2025-04-01 2025-07-01
        """
        months = {"month": 1, "quarter": 3, "year": 12}.get(freq)
        if months is None:
            raise ValueError(f"freq must be 'month', 'quarter' or 'year', not {freq!r}")
        a, b = _day(start), _day(end)
        if b <= a:
            return []
        first_month = (a.month - 1) // months * months + 1
        anchor = datetime.datetime(a.year, first_month, 1)
        until = datetime.datetime.combine(b, datetime.time())
        result = []
        for begin in rrule(MONTHLY, interval=months, dtstart=anchor, until=until):
            lo = begin.date()
            if lo >= b:
                break
            hi = lo + relativedelta(months=months)
            result.append((max(lo, a), min(hi, b)) if clip else (lo, hi))
        return result


def _clock(moment: datetime.datetime) -> int:
    """Microseconds since midnight of a moment."""
    return ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1_000_000 + (
        moment.microsecond
    )


def _at(ordinal: int, t: int) -> datetime.datetime:
    day = datetime.date.fromordinal(ordinal)
    return datetime.datetime.combine(day, datetime.time(), tzinfo=CHINA_TZ) + datetime.timedelta(
        microseconds=t
    )


def _earliest(periods: tuple[tuple[int, int], ...], target: int) -> int:
    """Earliest time of day by which ``target`` (> 0) office microseconds have passed."""
    done = 0
    for a, b in periods:
        if target <= done + (b - a):
            return a + (target - done)
        done += b - a
    raise AssertionError("target beyond the office day")  # pragma: no cover


def _latest(periods: tuple[tuple[int, int], ...], target: int) -> int:
    """Latest time of day before which exactly ``target`` (< day length) have passed."""
    done = 0
    for a, b in periods:
        if target < done + (b - a):
            return a + (target - done)
        done += b - a
    raise AssertionError("target beyond the office day")  # pragma: no cover


def _span(years: Sequence[int]) -> str:
    if not years:
        return "none"
    if list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return ", ".join(map(str, years))


def _path_key(error: Any) -> list[tuple[int, str]]:
    """Sort key for schema errors: by place, list indexes numerically."""
    return [(p, "") if isinstance(p, int) else (-1, str(p)) for p in error.absolute_path]


def _impossible_dates(rows: list[dict[str, Any]], source: str) -> list[Problem]:
    """Dates that match the schema's pattern but name no real day (2025-02-30)."""
    problems = []
    for index, row in enumerate(rows):
        fields = [(f"notices[{i}].issued", n.get("issued")) for i, n in enumerate(row["notices"])]
        for i, h in enumerate(row["holidays"]):
            fields += [(f"holidays[{i}].from", h["from"]), (f"holidays[{i}].to", h["to"])]
        workdays = row.get("workdays", [])
        fields += [(f"workdays[{i}].date", w["date"]) for i, w in enumerate(workdays)]
        for column, value in fields:
            if value is None:
                continue
            try:
                datetime.date.fromisoformat(value)
            except ValueError as exc:
                problems.append(Problem(source, f"year {row['year']}", index, column, value,
                                        f"a real day ({exc})"))
    return problems


def _year_from_dict(row: dict[str, Any]) -> CalendarYear:
    iso = datetime.date.fromisoformat
    return CalendarYear(
        row["year"],
        [Notice(n["number"], n.get("title", ""), iso(n["issued"]) if n.get("issued") else None)
         for n in row["notices"]],
        [Holiday(h["name"], iso(h["from"]), iso(h["to"]), h.get("note", ""))
         for h in row["holidays"]],
        [AdjustedWorkday(iso(w["date"]), w["name"]) for w in row.get("workdays", [])],
        row.get("notes", []),
        row.get("sources", []),
    )


def _year_to_dict(year: CalendarYear) -> dict[str, Any]:
    def notice(n: Notice) -> dict[str, Any]:
        out: dict[str, Any] = {"number": n.number, "title": n.title}
        if n.issued:
            out["issued"] = n.issued.isoformat()
        return out

    def holiday(h: Holiday) -> dict[str, Any]:
        out = {"name": h.name, "from": h.start.isoformat(), "to": h.end.isoformat()}
        if h.note:
            out["note"] = h.note
        return out

    return {
        "year": year.year,
        "notices": [notice(n) for n in year.notices],
        "holidays": [holiday(h) for h in year.holidays],
        "workdays": [{"date": w.day.isoformat(), "name": w.name} for w in year.workdays],
        "notes": list(year.notes),
        "sources": list(year.sources),
    }


@functools.lru_cache(maxsize=1)
def _calendar_schema_text() -> str:
    return resources.files("kunshan_rbac").joinpath("data", "calendar.schema.json").read_text(
        "utf-8"
    )


def calendar_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of calendar files, as a fresh dict.

    Examples:
        >>> calendar_schema()["title"]
        'kunshan_rbac work calendar'
    """
    return json.loads(_calendar_schema_text())  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def _china() -> WorkCalendar:
    text = resources.files("kunshan_rbac").joinpath("data", "calendar_cn.json").read_text("utf-8")
    return WorkCalendar.from_dict(json.loads(text), source="kunshan_rbac/data/calendar_cn.json")
