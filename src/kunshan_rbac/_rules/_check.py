"""`check`: run the built-in and custom rules over a graph and collect a `Report`."""

from __future__ import annotations

import datetime
import functools
import warnings
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from .._dates import DateLike, parse_date
from .._errors import Problem
from .._graph import ResponsibilityGraph
from ._builtin import IMPLEMENTATIONS, RULES, SPECIALIST_POWER_TYPES, _Context
from ._values import InvalidRuleError, Report, Rule, UnknownRuleError, Violation

__all__ = ["check"]


def _id_list(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    names = [value] if isinstance(value, str) else list(value)
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"rule ids are strings, not {name!r}")
    return names


def _available(custom: Iterable[Rule] | None) -> list[Rule]:
    available = list(RULES)
    taken = {r.id: r for r in RULES}
    for extra in custom or ():
        if not isinstance(extra, Rule):
            raise TypeError(
                f"rules= takes kr.Rule values (decorate the function with @kr.rule), "
                f"not {extra!r}"
            )
        known = taken.get(extra.id)
        if known is extra:
            continue
        if known is not None:
            owner = "a built-in rule" if known in RULES else "another custom rule"
            raise InvalidRuleError(
                f"rule id {extra.id!r} is already used by {owner}; give the custom rule "
                "another id",
                rule=extra.id,
            )
        taken[extra.id] = extra
        available.append(extra)
    return available


def _specialist(value: str | Iterable[str] | None) -> frozenset[str]:
    if value is None:
        return SPECIALIST_POWER_TYPES
    names = {value} if isinstance(value, str) else set(value)
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise InvalidRuleError(
                f"specialist_power_types holds power types such as '行政处罚', not {name!r}",
                rule="town-capacity",
            )
    return frozenset(names)


def _order(rank: dict[str, int]) -> Callable[[Violation], tuple[Any, ...]]:
    def key(v: Violation) -> tuple[Any, ...]:
        return (
            rank[v.rule],
            v.town or "",
            v.item or "",
            v.unit or "",
            v.start or datetime.date.min,
            v.record if v.record is not None else -1,
            v.message,
        )

    return key


_F = TypeVar("_F", bound=Callable[..., Any])


def _at_by_keyword(function: _F) -> _F:
    """Accept ``at`` as the second positional argument for one more release, with a
    `DeprecationWarning`; the signature shown and type-checked is keyword-only."""

    @functools.wraps(function)
    def wrapper(graph: ResponsibilityGraph, *args: Any, **kwargs: Any) -> Any:
        if args:
            if len(args) > 1 or "at" in kwargs:
                raise TypeError(
                    f"{function.__name__}() takes the graph positionally and everything "
                    "else by keyword"
                )
            warnings.warn(
                f"passing the date positionally to {function.__name__}() is deprecated "
                f"and will stop working in the next release; write "
                f"{function.__name__}(graph, at=...)",
                DeprecationWarning,
                stacklevel=2,
            )
            kwargs["at"] = args[0]
        return function(graph, **kwargs)

    return cast(_F, wrapper)


@_at_by_keyword
def check(
    graph: ResponsibilityGraph,
    *,
    at: DateLike | None = None,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    rules: Iterable[Rule] | None = None,
    specialist_power_types: str | Iterable[str] | None = None,
    problems: Iterable[Problem] = (),
) -> Report:
    """Check a graph against the consistency rules and report every violation.

    The graph may hold any data (a messy spreadsheet loads so that its problems can be
    found here); nothing is changed. Each offending record or period is reported once,
    with its dates, however many days it spans; checking every date costs time linear
    in the number of records.

    Args:
        graph: the graph to check.
        at: ``None`` (the default) checks every date in the graph's history; a date
            checks that day only (what is in force then, plus the date-free rules:
            cycles, duplicate names, records that are never in force). Pass it by
            keyword: passing it positionally still works in this release, with a
            `DeprecationWarning`.
        select: only these rule ids (one id or several); default every rule.
        ignore: leave out these rule ids.
        rules: custom rules (made with `kunshan_rbac.rule`) to run after the built-in
            ones; ``select`` and ``ignore`` take their ids too.
        specialist_power_types: the power types for which ``town-capacity`` wants a
            grant; default `SPECIALIST_POWER_TYPES` (行政处罚 and 行政强制).
        problems: the load problems of the graph's data, as
            ``read_lists(path, on_error="collect")`` returns them: they go into the
            report (`Report.problems`), which then is not ok, since rows were not read.

    Returns:
        The `Report`; ``report.ok`` is true when no error-severity violation was found
        and no load problem was given.

    Raises:
        UnknownRuleError: ``select`` or ``ignore`` names an unknown id.
        InvalidRuleError: a custom rule reuses a taken id, or ``specialist_power_types``
            is malformed.
        InvalidDateError: ``at`` cannot be read.
        TypeError: ``rules`` holds something that is not a `Rule`, a rule yields
            something that is not a `Violation`, or ``problems`` holds something that is
            not a `Problem`.

    Examples:
        >>> import kunshan_rbac as kr
        >>> g = kr.ResponsibilityGraph()
        >>> g.add_unit(kr.Town("yushan", "玉山镇"))
        >>> g.add_unit(kr.Department("zjj", "市住房和城乡建设局"))
        >>> g.add_item(kr.Item("B-001", "住宅专项维修资金使用受理、审核和日常管理",
        ...                    basis="《住宅专项维修资金管理办法》"))
        >>> _ = g.assign("B-001", town="yushan", list="basic", primary="zjj",
        ...              start="2024-06-01")
        >>> report = kr.check(g)
        >>> report.ok
        False
        >>> print(report.violations[0].rule)
        basic-primary-is-town
    """
    day = parse_date(at) if at is not None else None
    available = _available(rules)
    known = [r.id for r in available]
    selected = _id_list(select)
    ignored = _id_list(ignore)
    unknown = [i for i in (*(selected or ()), *(ignored or ())) if i not in known]
    if unknown:
        raise UnknownRuleError(list(dict.fromkeys(unknown)), known)
    chosen = [
        r
        for r in available
        if (selected is None or r.id in selected) and (ignored is None or r.id not in ignored)
    ]
    context = _Context(graph, day, _specialist(specialist_power_types))
    found: list[Violation] = []
    for rule in chosen:
        builtin = IMPLEMENTATIONS.get(rule.id)
        if builtin is not None and builtin[0] is rule:
            produced = builtin[1](context)
        else:
            produced = rule.function(graph, day)
        found.extend(rule.adopt(v) for v in produced)
    rank = {r.id: n for n, r in enumerate(chosen)}
    found.sort(key=_order(rank))
    return Report(
        tuple(found),
        day,
        tuple(r.id for r in chosen),
        names={code: unit.name for code, unit in context.units.items()},
        problems=problems,
    )
