"""Reading dates the way government documents write them.

Only unambiguous, complete dates are read: a bare year or month is refused rather
than completed with today's day, since a silently changed date would give a wrong owner.
"""

from __future__ import annotations

import datetime
import functools
import re
import time
import unicodedata
from typing import TypeAlias

from dateutil.parser import isoparse

from ._errors import InvalidDateError

__all__ = [
    "BEGINNING",
    "FOREVER",
    "TODAY",
    "DateLike",
    "date_of",
    "day_number",
    "in_force",
    "parse_date",
    "parse_optional_date",
    "span",
    "today_ordinal",
]

DateLike: TypeAlias = datetime.date | datetime.datetime | str
"""What every ``at=``, ``start=``, ``end=`` and ``effective=`` parameter takes."""

BEGINNING = 0
"""Day number standing for an open start (before ``date.min``)."""
FOREVER = datetime.date.max.toordinal() + 1
"""Day number standing for an open end (after ``date.max``): the one "open-ended" marker.

A record's ``end`` of ``None`` is this day number wherever validity is computed on day
numbers (timelines, the rules, overlap tests of the list readers).
"""

_CHINESE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*$")
_SEPARATED = re.compile(r"^\s*(\d{4})[/.](\d{1,2})[/.](\d{1,2})\s*$")
_ISO_LOOSE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


def _build(value: object, year: str, month: str, day: str) -> datetime.date:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError as exc:
        raise InvalidDateError(value, str(exc)) from None


def parse_date(value: DateLike | None, *, today: datetime.date | None = None) -> datetime.date:
    """Read a date given as a ``date``, a ``datetime`` or a string.

    Args:
        value: ``None`` for today; a ``datetime.date``; a ``datetime.datetime`` (its date
            is taken); or a string: ISO ``2025-07-01`` (with or without a time),
            ``2025/7/1``, ``2025.7.1``, ``20250701``, or Chinese ``2025年7月1日``.
            Full-width digits are read too.
        today: the date that ``None`` stands for; the system date when omitted.

    Returns:
        The date.

    Raises:
        InvalidDateError: the value is not one of the forms above, or names no real day.

    Examples:
        >>> parse_date("2025年7月1日")
        datetime.date(2025, 7, 1)
        >>> parse_date("2024/6/1")
        datetime.date(2024, 6, 1)
    """
    if value is None:
        return today if today is not None else datetime.date.fromordinal(today_ordinal())
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return _read(value)


def _read(value: object) -> datetime.date:
    """The date of a value that is neither ``None`` nor a ``date``: a string in one of the
    forms `parse_date` reads."""
    if isinstance(value, str):
        return _parse_text(value)
    raise InvalidDateError(value, f"expected a date or a string, not {type(value).__name__}")


@functools.lru_cache(maxsize=4096)
def _parse_text(value: str) -> datetime.date:
    """Parse a date string (cached: lists repeat the same few dates, which then share one
    ``date`` object)."""
    text = unicodedata.normalize("NFKC", value)
    for pattern in (_CHINESE, _SEPARATED, _ISO_LOOSE, _COMPACT):
        match = pattern.match(text)
        if match:
            return _build(value, *match.groups())
    stripped = text.strip()
    if len(stripped) > 10 and stripped[4:5] == "-":
        try:
            return isoparse(stripped).date()
        except (ValueError, OverflowError) as exc:
            raise InvalidDateError(value, str(exc)) from None
    raise InvalidDateError(value)


def parse_optional_date(value: DateLike | None) -> datetime.date | None:
    """Read a date where ``None`` means an open end rather than today.

    Args:
        value: as for `parse_date`, or ``None`` or ``""``.

    Returns:
        The date, or ``None`` for an open end.

    Raises:
        InvalidDateError: the value cannot be read.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return parse_date(value)


def day_number(at: DateLike | None) -> int:
    """The day number (``date.toordinal()``) of any ``at=`` value: the one way in.

    Args:
        at: ``None`` for today, a ``date``, a ``datetime`` (its date) or a string in one
            of the forms `parse_date` reads.

    Returns:
        The day number.

    Raises:
        InvalidDateError: the value cannot be read.

    Examples:
        >>> day_number("2025-07-01") == datetime.date(2025, 7, 1).toordinal()
        True
    """
    if at is None:
        # `today_ordinal`, written out: a function call less on the commonest call.
        if time.time() < TODAY.until:
            return TODAY.day
        return TODAY.read()
    if isinstance(at, datetime.date):  # a datetime's day number is its date's
        return at.toordinal()
    return _read(at).toordinal()


def span(start: datetime.date | None, end: datetime.date | None) -> tuple[int, int]:
    """A half-open validity ``[start, end)`` as day numbers, open ends as `BEGINNING` and
    `FOREVER`. A period holds on day number ``d`` when ``low <= d < high``."""
    return (
        BEGINNING if start is None else start.toordinal(),
        FOREVER if end is None else end.toordinal(),
    )


def in_force(start: datetime.date | None, end: datetime.date | None, day: datetime.date) -> bool:
    """Whether a half-open validity ``[start, end)`` holds on ``day`` (``None``: open).

    Examples:
        >>> in_force(datetime.date(2024, 6, 1), None, datetime.date(2024, 6, 1))
        True
        >>> in_force(None, datetime.date(2024, 6, 1), datetime.date(2024, 6, 1))
        False
    """
    return (start is None or start <= day) and (end is None or day < end)


def date_of(number: int) -> datetime.date | None:
    """The date of a day number, or ``None`` for the open ends `BEGINNING` and `FOREVER`."""
    return None if number in (BEGINNING, FOREVER) else datetime.date.fromordinal(number)


class _Today:
    """Today's day number and the ``time.time()`` until which it is today.

    Both are read from the clock when the module is loaded, so ``day`` is always a day
    that has been today (it never runs ahead of the clock).
    """

    __slots__ = ("day", "until")

    def __init__(self) -> None:
        self.read()

    def read(self) -> int:
        """Read today from the clock and keep it until the coming midnight.

        The day is written before the time it is good until, so a reader on another
        thread that sees the new limit also sees the new day.

        Returns:
            Today's day number.
        """
        today = datetime.date.today()
        midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
        day = today.toordinal()
        self.day = day
        self.until = midnight.timestamp()
        return day


TODAY = _Today()
"""Today's day number as the clock was last read (``TODAY.day``), good while
``time.time() < TODAY.until``. Only `today_ordinal` and `day_number` read the clock again.

This is the first step of `day_number`; a caller whose whole cost is a few hundred
nanoseconds (`ResponsibilityGraph.owner`) may take that step itself rather than pay for
a function call, and must call `day_number` otherwise.
"""


def today_ordinal() -> int:
    """Today's date as a day number, read from the clock at most once a day.

    ``date.today()`` asks the operating system for the local time on every call; the
    day changes only at midnight, so the answer is kept until then. Threads may call
    this together: a reader that sees an old limit reads the clock itself.
    """
    if time.time() < TODAY.until:
        return TODAY.day
    return TODAY.read()
