"""The values of the consistency checks: severities, violations, rules and reports.

Nothing here looks at a graph; the built-in rules live in ``_builtin`` and the runner in
``_check``.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from .. import _frames
from .._dates import DateLike, parse_date
from .._display import table_html
from .._errors import InvalidRuleError, KunshanRbacError, Problem, UnknownRuleError
from .._model import _LabelledEnum
from .._text import display_width, pad
from .._unread import Unread

if TYPE_CHECKING:
    from .._graph import ResponsibilityGraph

__all__ = [
    "InvalidRuleError",
    "Report",
    "Rule",
    "RuleFunction",
    "Severity",
    "UnknownRuleError",
    "Violation",
    "rule",
]


class Severity(_LabelledEnum):
    """How bad a violation is.

    An ``ERROR`` breaks the reform's promise (no single clear owner, a town holding what
    is not its own); `Report.ok` is false when one is found. A ``WARNING`` is worth a
    look (no legal basis, an item on no list) but does not fail a check.

    Examples:
        >>> Severity.parse("警告") is Severity.WARNING
        True
    """

    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """The Chinese name: 错误 or 警告."""
        return "错误" if self is Severity.ERROR else "警告"

    def _names(self) -> tuple[str, ...]:
        return (*super()._names(), self.label)


def _to_severity(value: Severity | str) -> Severity:
    try:
        severity: Severity = Severity.parse(value)
    except KunshanRbacError:
        raise InvalidRuleError(
            f"{value!r} is not a severity; use Severity.ERROR or Severity.WARNING", rule=value
        ) from None
    return severity


_RULE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def _rule_id(_inst: object, _attribute: object, value: Any) -> None:
    if not isinstance(value, str) or not _RULE_ID.match(value):
        raise InvalidRuleError(
            f"{value!r} is not a rule id; write lower-case words joined by hyphens, "
            "e.g. 'my-rule'",
            rule=value,
        )


_optional_str = attrs.validators.optional(attrs.validators.instance_of(str))
_optional_date = attrs.validators.optional(attrs.validators.instance_of(datetime.date))


def _ids(value: Iterable[int]) -> tuple[int, ...]:
    return tuple(value)


def _violations(value: Iterable[Violation]) -> tuple[Violation, ...]:
    return tuple(value)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _problems(value: Iterable[Problem]) -> tuple[Problem, ...]:
    problems = tuple(value)
    for problem in problems:
        if not isinstance(problem, Problem):
            raise TypeError(f"problems= takes kr.Problem values (as read_lists(..., "
                            f"on_error='collect') returns them), not {problem!r}")
    return problems


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


@attrs.frozen
class Violation:
    """One place where the data break a rule.

    Locations are codes, so that a violation is plain data that a program can store,
    compare and send on. ``message`` says what is wrong and what to do, with the period
    concerned; it does not repeat the item, town and record, which have their own fields
    (``str()`` of a violation gives all of it on one line).

    Attributes:
        rule: the id of the rule broken.
        severity: `Severity.ERROR` or `Severity.WARNING` (or their names).
        message: what is wrong and how to fix it.
        item: code of the item concerned, if any.
        town: code of the town whose list is concerned, if any.
        unit: code of the unit concerned, if any.
        record: id of the record to correct, if one is at fault.
        start: first day of the period concerned (``None``: since always, or no period).
        end: first day after it (``None``: open-ended, or no period).
        records: ids of every record involved.

    Examples:
        >>> import kunshan_rbac as kr
        >>> v = kr.Violation("one-primary", kr.Severity.ERROR, "no primary unit",
        ...                  item="B-001", town="yushan")
        >>> print(v)
        one-primary (error): item B-001, town yushan: no primary unit
    """

    rule: str = attrs.field(validator=attrs.validators.instance_of(str))
    severity: Severity = attrs.field(converter=_to_severity)
    message: str = attrs.field(validator=attrs.validators.instance_of(str))
    item: str | None = attrs.field(default=None, validator=_optional_str)
    town: str | None = attrs.field(default=None, validator=_optional_str)
    unit: str | None = attrs.field(default=None, validator=_optional_str)
    record: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(int))
    )
    start: datetime.date | None = attrs.field(default=None, validator=_optional_date,
                                              kw_only=True)
    end: datetime.date | None = attrs.field(default=None, validator=_optional_date,
                                            kw_only=True)
    records: tuple[int, ...] = attrs.field(default=(), converter=_ids, kw_only=True)

    @property
    def place(self) -> str:
        """Where the violation is: ``item B-001, town yushan, record #3`` (what is known)."""
        parts = []
        if self.item is not None:
            parts.append(f"item {self.item}")
        if self.town is not None:
            parts.append(f"town {self.town}")
        if self.unit is not None:
            parts.append(f"unit {self.unit}")
        if self.record is not None:
            parts.append(f"record #{self.record}")
        return ", ".join(parts)

    def __str__(self) -> str:
        place = f"{self.place}: " if self.place else ""
        return f"{self.rule} ({self.severity.value}): {place}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: every field, dates as ISO strings, severity as its name."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "item": self.item,
            "town": self.town,
            "unit": self.unit,
            "record": self.record,
            "start": _day(self.start),
            "end": _day(self.end),
            "records": list(self.records),
        }


RuleFunction: TypeAlias = Callable[
    ["ResponsibilityGraph", datetime.date | None], Iterable[Violation]
]
"""What a rule runs: it takes the graph and the date checked (``None``: every date) and
yields `Violation` values."""


def _function_name(function: object) -> str:
    return str(getattr(function, "__qualname__", None) or repr(function))


@attrs.frozen
class Rule:
    """A named consistency check: the built-in ones are in ``kr.RULES``.

    Make custom rules with the `rule` decorator. Calling a rule runs it alone:
    ``rule(graph, at)`` returns its violations, with the rule's id and severity.

    Attributes:
        id: lower-case words joined by hyphens, e.g. ``"one-primary"``.
        severity: the severity of every violation the rule reports.
        description: one line saying what the rule requires.
        function: takes the graph and the date checked (``None``: every date in the
            history) and yields `Violation` values.

    Examples:
        >>> import kunshan_rbac as kr
        >>> kr.RULES[0].id, kr.RULES[0].severity
        ('one-primary', Severity.ERROR)
    """

    id: str = attrs.field(validator=_rule_id)
    severity: Severity = attrs.field(converter=_to_severity)
    description: str = attrs.field(validator=attrs.validators.instance_of(str))
    function: RuleFunction = attrs.field(
        validator=attrs.validators.is_callable(), repr=_function_name
    )

    def __call__(
        self, graph: ResponsibilityGraph, at: DateLike | None = None
    ) -> tuple[Violation, ...]:
        """Run this rule alone on ``graph``: on day ``at``, or on every date when ``None``.

        Built-in rules run with their defaults here; `kunshan_rbac.check` runs several
        rules at once, sharing the work, and takes their options.
        """
        day = parse_date(at) if at is not None else None
        return tuple(self.adopt(v) for v in self.function(graph, day))

    def adopt(self, violation: object) -> Violation:
        """Give a violation this rule's id and declared severity (they always win).

        Raises:
            TypeError: the value is not a `Violation`.
        """
        if not isinstance(violation, Violation):
            raise TypeError(
                f"rule {self.id!r} yielded {violation!r}; a rule must yield kr.Violation values"
            )
        if violation.rule == self.id and violation.severity is self.severity:
            return violation
        return attrs.evolve(violation, rule=self.id, severity=self.severity)


def rule(
    id: str, *, severity: Severity | str = Severity.ERROR, description: str | None = None
) -> Callable[[RuleFunction], Rule]:
    """Turn a function into a custom `Rule`, to pass to ``kr.check(rules=[...])``.

    The function takes the graph and the date being checked (``None`` when the whole
    history is checked) and yields `Violation` values. Whatever ``rule`` and
    ``severity`` those carry, the reported violations get this rule's id and declared
    severity, so that ``select`` and ``ignore`` and `Report.ok` always agree with the
    declaration.

    Args:
        id: the rule's id: lower-case words joined by hyphens; not a built-in id.
        severity: `Severity.ERROR` (the default) or `Severity.WARNING`.
        description: one line; by default the first line of the function's docstring.

    Returns:
        A decorator that returns the `Rule` (the decorated name holds the rule).

    Raises:
        InvalidRuleError: the id or the severity is malformed.

    Examples:
        >>> import kunshan_rbac as kr
        >>> @kr.rule("duty-text", severity=kr.Severity.WARNING)
        ... def duty_text(graph, at):
        ...     '''Every primary record says what the unit does.'''
        ...     for record in graph.records():
        ...         if record.role is kr.Role.PRIMARY and not record.duty:
        ...             yield kr.Violation("duty-text", kr.Severity.WARNING,
        ...                                "no duty text", item=record.item,
        ...                                town=record.town, record=record.id)
        >>> duty_text.description
        'Every primary record says what the unit does.'
    """
    _rule_id(None, None, id)
    level = _to_severity(severity)

    def decorate(function: RuleFunction) -> Rule:
        text = description
        if text is None:
            doc = (getattr(function, "__doc__", None) or "").strip()
            text = doc.splitlines()[0].strip() if doc else ""
        return Rule(id, level, text, function)

    return decorate


@attrs.frozen
class Report:
    """The result of `kunshan_rbac.check`: every violation found, in a stable order.

    Attributes:
        violations: the `Violation` values, ordered by rule (catalogue order, then
            custom rules), town, item, period and record.
        at: the day checked, or ``None`` when every date was.
        rules: the ids of the rules that ran, in order.
        names: display names of units by code, for ``str()`` (not compared).
        problems: the load problems of the data checked (`Problem` values, each with its
            file, sheet, row and column): rows the reader left out, so that the
            violations speak only for the rows read. Empty when everything was read.

    Examples:
        >>> import kunshan_rbac as kr
        >>> report = kr.check(kr.ResponsibilityGraph())
        >>> report.ok, len(report.violations)
        (True, 0)
        >>> unread = kr.Problem("巴城镇_基本履职事项清单.csv", "巴城镇_基本履职事项清单.csv",
        ...                     3, "E", "市火星局", "a unit of the catalogue (单位)")
        >>> report = kr.check(kr.ResponsibilityGraph(), problems=[unread])
        >>> report.ok
        False
        >>> report.summary().split(": ", 1)[1]
        '0 errors, 0 warnings in the rows read; 1 row not read (1 load problem)'
    """

    violations: tuple[Violation, ...] = attrs.field(converter=_violations)
    at: datetime.date | None = None
    rules: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    names: dict[str, str] = attrs.field(factory=dict, repr=False, eq=False, kw_only=True)
    problems: tuple[Problem, ...] = attrs.field(default=(), converter=_problems, kw_only=True)

    @property
    def ok(self) -> bool:
        """Whether no error-severity violation was found (warnings do not count) and every
        row of the data was read (no error among the load `problems`; a load warning,
        such as a column the reader does not know, does not count)."""
        return not any(p.is_error for p in self.problems) and not any(
            v.severity is Severity.ERROR for v in self.violations)

    @property
    def unread(self) -> Unread:
        """How many rows and files the load `problems` left unread (zero without them)."""
        return Unread.of(self.problems)

    @property
    def errors(self) -> tuple[Violation, ...]:
        """The violations of severity ``ERROR``."""
        return tuple(v for v in self.violations if v.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Violation, ...]:
        """The violations of severity ``WARNING``."""
        return tuple(v for v in self.violations if v.severity is Severity.WARNING)

    def by_rule(self) -> dict[str, tuple[Violation, ...]]:
        """The violations of each rule that ran, keyed by id in run order (empty ones too)."""
        grouped: dict[str, list[Violation]] = {r: [] for r in self.rules}
        for violation in self.violations:
            grouped.setdefault(violation.rule, []).append(violation)
        return {r: tuple(vs) for r, vs in grouped.items()}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: ``ok``, ``at``, counts, the rules run, every violation, and
        the load problems with the rows and files they left unread."""
        counts = {r: len(vs) for r, vs in self.by_rule().items()}
        return {
            "ok": self.ok,
            "at": _day(self.at),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "rules": [{"id": r, "violations": n} for r, n in counts.items()],
            "violations": [v.to_dict() for v in self.violations],
            "unread": self.unread.to_dict(),
            "problems": [p.to_dict() for p in self.problems],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """`to_dict` as JSON text, with Chinese kept readable (not ``\\u`` escaped)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def summary(self) -> str:
        """One line: what was checked and how many errors and warnings were found.

        With load `problems`, the counts are said to cover the rows read, followed by
        how many rows were not read: never "no violations" while rows are missing.
        """
        when = f"on {self.at.isoformat()}" if self.at is not None else "over all dates"
        errors, warnings = len(self.errors), len(self.warnings)
        found = (
            "no violations"
            if not self.violations and not self.problems
            else f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}"
        )
        count = len(self.rules)
        line = f"checked {count} rule{'s' if count != 1 else ''} {when}: {found}"
        if self.unread:
            problems = len(self.problems)
            line += (f" in the rows read; {self.unread} ({problems} load "
                     f"problem{'s' if problems != 1 else ''})")
        elif self.problems:
            problems = len(self.problems)
            line += f"; {problems} load warning{'s' if problems != 1 else ''}"
        return line

    def __str__(self) -> str:
        lines = [self.summary()]
        if self.problems:
            lines.append("")
            lines.append(f"load problems ({self.unread}): {len(self.problems)}" if self.unread
                         else f"load warnings: {len(self.problems)}")
            lines.extend(f"  {problem}" for problem in self.problems)
        for rule_id, found in self.by_rule().items():
            if not found:
                continue
            lines.append("")
            lines.append(f"{rule_id} ({found[0].severity.value}): {len(found)}")
            by_town: dict[str | None, list[Violation]] = {}
            for violation in found:
                by_town.setdefault(violation.town, []).append(violation)
            for town, group in by_town.items():
                header = f"{self.names.get(town, town)} ({town})" if town else "(no town)"
                lines.append(f"  {header}")
                rows = [_row(v) for v in group]
                widths = [max(display_width(r[i]) for r in rows) for i in range(2)]
                for *columns, message in rows:
                    cells = [pad(c, w) for c, w in zip(columns, widths, strict=True) if w]
                    lines.append("    " + "  ".join([*cells, message]))
        return "\n".join(lines)

    def to_arrow(self) -> Any:
        """Every violation as a ``pyarrow.Table``, one row each (the ``report`` columns
        of the reference: the day checked, rule, severity code and label, message,
        place with town and unit names, period and records).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("report", [self])

    def to_pandas(self) -> Any:
        """Every violation as a ``pandas.DataFrame`` (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())

    def _repr_html_(self) -> str:
        rows = (
            (v.rule, v.severity.label,
             f"{self.names.get(v.town, v.town)}" if v.town else "", v.item or v.unit or "",
             f"#{v.record}" if v.record is not None else "", v.message)
            for v in self.violations
        )
        return table_html(self.summary(), ("规则", "级别", "镇街", "事项/单位", "记录", "说明"),
                          rows, total=len(self.violations))


_frames.register(Report, "report")
_frames.register(Violation, "violation")


def _row(violation: Violation) -> tuple[str, str, str]:
    where = violation.item or violation.unit or ""
    record = f"#{violation.record}" if violation.record is not None else ""
    return where, record, violation.message
