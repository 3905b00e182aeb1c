"""The exception tree of kunshan_rbac.

Every error the library raises on purpose derives from `KunshanRbacError`, and each
subclass also derives from the built-in exception it resembles, so that code written
against ``KeyError`` or ``ValueError`` keeps working::

    KunshanRbacError
    ├── InvalidDateError           (ValueError)   a date that cannot be read
    ├── InvalidRecordError         (ValueError)   a malformed unit, item or record
    ├── DuplicateCodeError         (ValueError)   a code added twice with other content
    ├── UnknownUnitError           (KeyError)     no unit has that code, name or alias
    ├── UnknownItemError           (KeyError)     no item has that code or name
    ├── AmbiguousNameError         (LookupError)  a name fits more than one unit or item
    ├── NotAssignedError           (LookupError)  no list of the town holds the item then
    ├── OwnershipConflictError     (LookupError)  the data name no single primary then
    ├── TransferError              (ValueError)   a transfer that cannot apply, with every reason
    ├── UnknownRuleError           (ValueError)   a rule id that select/ignore cannot find
    ├── InvalidRuleError           (ValueError)   a custom rule that is malformed or clashes
    ├── LoadError                  (ValueError)   a file that cannot load, with every `Problem`
    ├── ExportError                (ValueError)   lists that cannot be written, with every `Problem`
    ├── CalendarRangeError         (ValueError)   a day in a year the calendar has no notice for
    ├── MissingExtraError          (ImportError)  an optional dependency is not installed
    └── WriteError                 (OSError)      a file that cannot be written; the old one is kept

Errors carry their facts as attributes (``.item``, ``.town``, ``.at``, ``.candidates``...),
and their messages say what to do about them.
"""

from __future__ import annotations

import datetime
import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ._model import Record

__all__ = [
    "AmbiguousNameError",
    "CalendarRangeError",
    "DuplicateCodeError",
    "ExportError",
    "InvalidDateError",
    "InvalidRecordError",
    "InvalidRuleError",
    "KunshanRbacError",
    "LoadError",
    "MissingExtraError",
    "NotAssignedError",
    "OwnershipConflictError",
    "Problem",
    "TransferError",
    "UnknownItemError",
    "UnknownRuleError",
    "UnknownUnitError",
    "WriteError",
]


class KunshanRbacError(Exception):
    """Root of every error kunshan_rbac raises on purpose.

    Catch this to handle any problem with the data or the question asked, while
    letting programming errors (a ``TypeError`` from a wrong call) pass.
    """

    def __str__(self) -> str:
        # KeyError's own __str__ quotes the message; every subclass reads plainly.
        return str(self.args[0]) if self.args else self.__class__.__name__


class InvalidDateError(KunshanRbacError, ValueError):
    """A date could not be read.

    Accepted forms are ``datetime.date``, ``datetime.datetime``, ISO strings such as
    ``2025-07-01``, ``2025/7/1`` and ``2025.7.1``, ``20250701``, and Chinese forms such as
    ``2025年7月1日``. Pass one of those.

    Attributes:
        value: what was given.
    """

    def __init__(self, value: object, detail: str = "") -> None:
        self.value = value
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"cannot read {value!r} as a date{extra}; "
            "write it as 2025-07-01, 2025/7/1 or 2025年7月1日"
        )


class InvalidRecordError(KunshanRbacError, ValueError):
    """A unit, item or responsibility record is malformed.

    Attributes:
        field: the offending field.
        value: what was given.
    """

    def __init__(self, message: str, *, field: str = "", value: object = None) -> None:
        self.field = field
        self.value = value
        super().__init__(message)


class InvalidArgumentError(InvalidRecordError, TypeError):
    """A parameter of a call has the wrong type (a list where a name goes, say).

    It is also an `InvalidRecordError` (as such arguments were reported before) and a
    `TypeError`.

    Attributes:
        parameter: the parameter's name.
        value: what was given.
        expected: what the parameter takes.
    """

    def __init__(self, parameter: str, value: object, expected: str) -> None:
        self.parameter = parameter
        self.expected = expected
        super().__init__(
            f"{parameter} must be {expected}, not {type(value).__name__} {value!r}",
            field=parameter,
            value=value,
        )


class DuplicateCodeError(KunshanRbacError, ValueError):
    """A unit or item code was added twice with different content.

    Adding the very same value again is allowed and does nothing; a different value under
    a code already in use is refused, since records refer to units and items by code.

    Attributes:
        code: the code in use.
        existing: the value that holds it.
        new: the value that was refused.
    """

    def __init__(self, code: str, existing: object, new: object) -> None:
        self.code = code
        self.existing = existing
        self.new = new
        super().__init__(
            f"code {code!r} is already used by {existing!r}; pick another code for {new!r}"
        )


def _suggest(suggestions: Sequence[str]) -> str:
    return f"; did you mean {', '.join(suggestions)}?" if suggestions else ""


class UnknownUnitError(KunshanRbacError, KeyError):
    """No town or department has that code, name or alias.

    Attributes:
        unit: what was asked for.
        suggestions: the closest known codes and names, if any.
    """

    def __init__(
        self, unit: str, suggestions: Sequence[str] = (), *, kind: str = "unit", note: str = ""
    ) -> None:
        self.unit = unit
        self.suggestions = tuple(suggestions)
        self.kind = kind
        detail = f" ({note})" if note else ""
        super().__init__(
            f"unknown {kind} {unit!r}: no {kind} has this code, name or alias{detail}"
            + _suggest(self.suggestions)
        )


class UnknownItemError(KunshanRbacError, KeyError):
    """No item has that code or name.

    Attributes:
        item: what was asked for.
        suggestions: the closest known codes and names, if any.
    """

    def __init__(self, item: str, suggestions: Sequence[str] = ()) -> None:
        self.item = item
        self.suggestions = tuple(suggestions)
        super().__init__(
            f"unknown item {item!r}: no item has this code or name" + _suggest(self.suggestions)
        )


class AmbiguousNameError(KunshanRbacError, LookupError):
    """A name or alias fits more than one unit or item; nothing is picked.

    Ask again by code: the candidates list every code the name fits.

    Attributes:
        name: the name given.
        candidates: the codes it fits.
        kind: ``"unit"``, ``"town"``, ``"department"`` or ``"item"``.
    """

    def __init__(self, name: str, candidates: Sequence[str], *, kind: str) -> None:
        self.name = name
        self.candidates = tuple(candidates)
        self.kind = kind
        super().__init__(
            f"{kind} name {name!r} fits {len(self.candidates)} {kind}s "
            f"({', '.join(self.candidates)}); ask by code instead"
        )


class NotAssignedError(KunshanRbacError, LookupError):
    """No list of the town holds the item on that date.

    Attributes:
        item: the item code.
        town: the town code.
        at: the date asked about.
        searched: the lists that were searched.
        held: the periods in which some list of this town did hold the item, as
            ``(start, end)`` pairs (``None`` for open ends); empty if never.
    """

    def __init__(
        self,
        item: str,
        town: str,
        at: datetime.date,
        searched: Sequence[str],
        held: Sequence[tuple[datetime.date | None, datetime.date | None]] = (),
    ) -> None:
        self.item = item
        self.town = town
        self.at = at
        self.searched = tuple(searched)
        self.held = tuple(held)
        if held:
            spans = ", ".join(
                f"{s.isoformat() if s else '…'} to {e.isoformat() if e else 'open'}"
                for s, e in held
            )
            when = f"; it is held {spans}"
        else:
            when = "; no list of this town has ever held it"
        super().__init__(
            f"item {item!r} is on no list of town {town!r} on {at.isoformat()} "
            f"(searched {', '.join(self.searched)}){when}"
        )


class OwnershipConflictError(KunshanRbacError, LookupError):
    """The records name no single primary for the item and town on that date.

    The data hold either no primary, several primaries, or records on several lists at
    once. Nothing is picked: fix the records (``kr.check`` lists all such places).

    Attributes:
        item: the item code.
        town: the town code.
        at: the date asked about.
        records: the records in force on that date.
        candidates: the primary units among them.
    """

    def __init__(
        self, item: str, town: str, at: datetime.date, records: Sequence[Record], problem: str
    ) -> None:
        self.item = item
        self.town = town
        self.at = at
        self.records = tuple(records)
        self.candidates = tuple(sorted({r.unit for r in records if r.role.value == "primary"}))
        self.problem = problem
        ids = ", ".join(f"#{r.id}" for r in self.records)
        super().__init__(
            f"item {item!r} in town {town!r} on {at.isoformat()}: {problem} "
            f"(records {ids}; primary candidates: {', '.join(self.candidates) or 'none'}); "
            "correct the records so that exactly one primary holds the item"
        )


class TransferError(KunshanRbacError, ValueError):
    """A transfer cannot apply; the graph is left exactly as it was.

    Attributes:
        kind: the transfer kind that was attempted.
        reasons: every reason it cannot apply, one string each.
    """

    def __init__(self, kind: str, reasons: Sequence[str]) -> None:
        self.kind = kind
        self.reasons = tuple(reasons)
        listed = "\n".join(f"  - {r}" for r in self.reasons)
        super().__init__(
            f"{kind} cannot apply ({len(self.reasons)} "
            f"problem{'s' if len(self.reasons) != 1 else ''}); nothing was changed:\n{listed}"
        )


class UnknownRuleError(KunshanRbacError, ValueError):
    """A rule id given to ``select`` or ``ignore`` names no rule.

    Use one of the ids in ``known`` (``kr.RULES`` lists the built-in ones; custom rules
    count only when passed with ``rules=``).

    Attributes:
        rules: the unknown ids.
        known: every id that could have been used, in catalogue order.
    """

    def __init__(self, rules: Sequence[str], known: Sequence[str]) -> None:
        self.rules = tuple(rules)
        self.known = tuple(known)
        close = sorted({m for r in self.rules for m in difflib.get_close_matches(r, known, n=1)})
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        super().__init__(
            f"unknown rule id{'s' if len(self.rules) != 1 else ''} "
            f"{', '.join(repr(r) for r in self.rules)}{hint} "
            f"(known rules: {', '.join(self.known)})"
        )


class InvalidRuleError(KunshanRbacError, ValueError):
    """A custom rule is malformed, or its id is already taken.

    Rule ids are lower-case words joined by hyphens (``my-rule``), and each id names one
    rule: pick an id that no built-in rule and no other custom rule uses.

    Attributes:
        rule: the offending id (or value).
    """

    def __init__(self, message: str, *, rule: object = None) -> None:
        self.rule = rule
        super().__init__(message)


SEVERITIES = ("error", "warning", "note")
"""How serious a `Problem` is, from worst to mildest."""


@attrs.frozen
class Problem:
    """One problem found while loading a file, with its place.

    Attributes:
        file: the file (path as given).
        sheet: the sheet, CSV file or JSON section, if any.
        row: the row as the spreadsheet numbers it (1-based), or the index in a JSON list.
        column: the column header or JSON field, if known.
        value: what was found there.
        expected: what should have been there.
        severity: ``"error"`` (the row or file was not read), ``"warning"`` (something
            was read but may not be what the file means, or was left unread: a column the
            reader does not know) or ``"note"`` (something the reader inferred, such as a
            领域 carried down from the row above). Only errors make a load fail.
    """

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str = ""
    severity: str = attrs.field(default="error", validator=attrs.validators.in_(SEVERITIES),
                                kw_only=True)

    @property
    def is_error(self) -> bool:
        """Whether the problem stopped something from being read."""
        return self.severity == "error"

    @property
    def place(self) -> str:
        """``file, sheet, row N, column C``: as much of the place as is known."""
        parts = [self.file]
        if self.sheet is not None:
            parts.append(self.sheet)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def __str__(self) -> str:
        found = "" if self.value is None else f" (found {self.value!r})"
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.place}: {label}{self.expected}{found}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: the place, the value (when it is a plain value), what was
        expected, the severity, and the whole message."""
        value = self.value
        plain = isinstance(value, str | int | float | bool) or value is None
        return {"file": self.file, "sheet": self.sheet, "row": self.row, "column": self.column,
                "value": value if plain else None, "expected": self.expected,
                "severity": self.severity, "message": str(self)}


class LoadError(KunshanRbacError, ValueError):
    """A file could not be loaded; every problem found is listed, each with its place.

    Attributes:
        problems: the `Problem` values, in file order.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        count = len(self.problems)
        if count == 1:
            super().__init__(str(self.problems[0]))
        else:
            super().__init__(f"{count} problems found:\n{shown}{more}")


class ExportError(KunshanRbacError, ValueError):
    """The graph holds data that the lists cannot show; nothing was written.

    Each problem names the file and sheet it would go to. Most come from data that break
    the consistency rules on the date asked (``kr.check`` lists them): an item with no
    single primary, a basic-list item led by someone other than the town. Fix the data,
    or write the lossless JSON format instead (`write_json`).

    Attributes:
        problems: the `Problem` values, one per thing that cannot be written.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(
            f"cannot write the lists ({len(self.problems)} problem"
            f"{'s' if len(self.problems) != 1 else ''}); nothing was written:\n{shown}{more}"
        )


class MissingExtraError(KunshanRbacError, ImportError):
    """An optional dependency is not installed.

    Install the extra named in the message, e.g. ``pip install 'kunshan-rbac[analytics]'``.

    Attributes:
        module: the module that could not be imported.
        extra: the extra that provides it.
    """

    def __init__(self, module: str, extra: str) -> None:
        self.module = module
        self.extra = extra
        super().__init__(
            f"{module} is not installed; install it with pip install 'kunshan-rbac[{extra}]'"
        )


class CalendarRangeError(KunshanRbacError, ValueError):
    """A day falls in a year for which the work calendar has no holiday notice.

    Which days are worked depends on each year's State Council notice (holidays and
    adjusted working days), published late in the year before; nothing is guessed for a
    year without one. Add the year's notice (``WorkCalendar.with_year`` or
    ``WorkCalendar.load``), or ask about a day inside ``years``.

    Attributes:
        day: the first day that was needed and is not covered.
        years: the years the calendar knows, in order.
    """

    def __init__(self, day: datetime.date, years: Sequence[int]) -> None:
        self.day = day
        self.years = tuple(years)
        known = (
            f"it knows {self.years[0]}–{self.years[-1]}"
            if self.years and list(self.years) == list(range(self.years[0], self.years[-1] + 1))
            else f"it knows {', '.join(map(str, self.years)) or 'no year'}"
        )
        super().__init__(
            f"the work calendar has no holiday notice for {day.year} (needed for "
            f"{day.isoformat()}; {known}); add that year's notice with "
            "WorkCalendar.with_year() or WorkCalendar.load()"
        )


class WriteError(KunshanRbacError, OSError):
    """A file could not be written; the file that was there before is left as it was.

    Writes go to a temporary file beside the target, which replaces the target only once it
    is complete and flushed to disk, so a failure (a full disk, a folder where a file was
    expected, a text that cannot be encoded, an interrupt) never leaves a half-written file.

    Attributes:
        path: the file (or folder) that could not be written.
        reason: what went wrong, and what to do about it.
        record: the record, unit, item or transfer whose text could not be written
            (``"records #12"``), if that was the cause.
        field: its field (``"duty"``), if known.
    """

    def __init__(self, path: object, reason: str, *, record: str | None = None,
                 field: str | None = None, errno: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.record = record
        self.field = field
        where = ", ".join(filter(None, [record, f"field {field}" if field else None]))
        super().__init__(
            f"cannot write {self.path}: {where + ': ' if where else ''}{reason}; "
            "the file there before, if any, was left unchanged"
        )
        self.errno = errno
        self.filename = self.path
