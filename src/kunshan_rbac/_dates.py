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
from typing import Any, TypeAlias

from dateutil.parser import isoparse

from ._errors import InvalidDateError

__all__ = ["DateLike", "parse_date", "parse_optional_date", "today_ordinal"]

DateLike: TypeAlias = datetime.date | datetime.datetime | str
"""What every ``at=``, ``start=``, ``end=`` and ``effective=`` parameter takes."""

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

    Example:
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
    if not isinstance(value, str):
        raise InvalidDateError(value, f"expected a date or a string, not {type(value).__name__}")
    return _parse_text(value)


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


_today: list[Any] = [0, -1.0]
"""[ordinal of today, time.time() at the next local midnight]."""


def today_ordinal() -> int:
    """Today's date as a day number, read from the clock at most once a day.

    ``date.today()`` asks the operating system for the local time on every call; the
    day changes only at midnight, so the answer is kept until then.
    """
    now = time.time()
    if now >= _today[1]:
        today = datetime.date.today()
        midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
        _today[0] = today.toordinal()
        _today[1] = midnight.timestamp()
    return int(_today[0])
