"""Time limits for work orders: sign within N working hours, finish within N working days.

A `Deadlines` table gives a limit (`LimitRule`) at four levels, the most specific first:

1. the **item** (by code; a sub-item without a rule of its own uses its parent's),
2. the item's **domain** (领域),
3. the **kind** of order (咨询, 求助, 投诉, 举报, 意见建议, 表扬),
4. the **default**.

Each rule also says how much shorter **urgent** orders are. `Deadlines.default` ships a
documented table (``kunshan_rbac/data/deadlines.json``): its figures are *defaults*
chosen to be plausible for a county-level 12345 hotline, not published rules; put your
own with `Deadlines.with_item`, `Deadlines.with_domain`, `Deadlines.with_kind`,
`Deadlines.with_default` or `Deadlines.load`.

Due times follow the Civil Code's rules for periods (《民法典》第二百零一条、第二百零三条):
the day of receipt is not counted, and a period in days ends when business stops on its
last day, so "finish within 5 working days" ends at the close of office on the 5th working
day after the day of receipt. Hours are office hours of working days (`WorkCalendar`).
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs

from ._calendar import DateTimeLike, WorkCalendar, to_china_time
from ._errors import LoadError, Problem
from ._jsondoc import load_document
from ._limits import Limits
from ._model import Item

__all__ = ["FORMAT", "ORDER_KINDS", "VERSION", "Deadlines", "LimitRule", "TimeLimit",
           "deadlines_schema"]

FORMAT = "kunshan-rbac-deadlines"
VERSION = 1

ORDER_KINDS = ("咨询", "求助", "投诉", "举报", "意见建议", "表扬")
"""The kinds of 12345 orders (诉求类型) that the shipped defaults give limits for."""


def _hours(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{attribute.name} must be a positive number of hours, not {value!r}")


def _days(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{attribute.name} must be a whole number of days >= 0, not {value!r}")


@attrs.frozen
class TimeLimit:
    """The limit that applies to one order, and where it came from.

    Attributes:
        sign_hours: working hours allowed from receipt to signing (签收).
        done_days: working days allowed to finish (办结), not counting the day of receipt.
        urgent: whether this is the urgent limit.
        source: the rule that gave it: ``"item B-CJ-043"``, ``"domain 城乡建设"``,
            ``"kind 投诉"`` or ``"default"``.
    """

    sign_hours: float = attrs.field(validator=_hours)
    done_days: int = attrs.field(validator=_days)
    urgent: bool = False
    source: str = "default"


@attrs.frozen
class LimitRule:
    """One row of a `Deadlines` table.

    Attributes:
        sign_hours: working hours to sign an ordinary order.
        done_days: working days to finish an ordinary order.
        urgent_sign_hours: working hours to sign an urgent order; ``None`` takes the
            shorter of ``sign_hours`` and the default rule's urgent figure.
        urgent_done_days: working days to finish an urgent order; ``None`` likewise.
        note: why this limit (shown in docs and data, never used in reckoning).
    """

    sign_hours: float = attrs.field(validator=_hours)
    done_days: int = attrs.field(validator=_days)
    urgent_sign_hours: float | None = attrs.field(default=None, validator=_hours)
    urgent_done_days: int | None = attrs.field(default=None, validator=_days)
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if self.urgent_sign_hours is not None and self.urgent_sign_hours > self.sign_hours:
            raise ValueError("urgent_sign_hours must not be longer than sign_hours")
        if self.urgent_done_days is not None and self.urgent_done_days > self.done_days:
            raise ValueError("urgent_done_days must not be longer than done_days")

    def to_dict(self) -> dict[str, Any]:
        """The rule as in a deadlines file (absent values left out)."""
        out: dict[str, Any] = {"sign_hours": self.sign_hours, "done_days": self.done_days}
        if self.urgent_sign_hours is not None:
            out["urgent_sign_hours"] = self.urgent_sign_hours
        if self.urgent_done_days is not None:
            out["urgent_done_days"] = self.urgent_done_days
        if self.note:
            out["note"] = self.note
        return out


Rules = tuple[tuple[str, LimitRule], ...]


def _rules(value: Mapping[str, LimitRule] | Rules) -> Rules:
    pairs = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted(((str(k), v) for k, v in pairs), key=lambda kv: kv[0]))


def _default_rule(_inst: object, _attribute: object, value: LimitRule) -> None:
    if value.urgent_sign_hours is None or value.urgent_done_days is None:
        raise ValueError("the default rule must give urgent_sign_hours and urgent_done_days")


@attrs.frozen(slots=False)
class Deadlines:
    """Time limits by item, domain and kind of order, with a default.

    Build it with `default` (the shipped table) or `load`; change it with the ``with_*``
    methods, which return a new table.

    Attributes:
        fallback: the default rule (it must give urgent figures).
        kinds: rules by kind of order, as sorted ``(kind, rule)`` pairs.
        domains: rules by domain (领域).
        items: rules by item code.

    Examples:
        >>> import kunshan_rbac as kr
        >>> dl = kr.Deadlines.default().with_item("B-CJ-043", sign_hours=1, done_days=3)
        >>> item = kr.load_sample().item("B-CJ-043")
        >>> dl.limit_for(item, kind="投诉").source
        'item B-CJ-043'
    """

    fallback: LimitRule = attrs.field(validator=_default_rule)
    kinds: Rules = attrs.field(default=(), converter=_rules)
    domains: Rules = attrs.field(default=(), converter=_rules)
    items: Rules = attrs.field(default=(), converter=_rules)

    @functools.cached_property
    def _tables(self) -> tuple[dict[str, LimitRule], dict[str, LimitRule], dict[str, LimitRule]]:
        return dict(self.items), dict(self.domains), dict(self.kinds)

    # ----------------------------------------------------------------- building

    @classmethod
    def default(cls) -> Deadlines:
        """The shipped defaults (``kunshan_rbac/data/deadlines.json``).

        They are plausible figures, documented as defaults, not published rules: ordinary
        orders are signed within 2 working hours and finished within 2 to 7 working days
        by kind, complex domains take 10, urgent orders take at most 1 hour to sign.
        """
        return _shipped()

    @classmethod
    def load(cls, path: str | Path, *, limits: Limits | None = None) -> Deadlines:
        """Read a deadlines file (the format of ``kunshan_rbac/data/deadlines.json``).

        Args:
            path: a UTF-8 JSON file described by `deadlines_schema` (``.gz``:
                gzip-compressed).
            limits: the limits to apply (`DEFAULT_LIMITS` if not given):
                ``json_bytes`` bounds the text, ``depth`` the nesting.

        Raises:
            LoadError: the file cannot be read, is over a limit or breaks the format;
                every problem is listed with its place (section, key, field).
        """
        return cls.from_dict(load_document(path, limits), source=str(path))

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<deadlines>") -> Deadlines:
        """Build a table from the parsed JSON of a deadlines file.

        Raises:
            LoadError: every problem, located by section (``kinds``, ``domains``,
                ``items``, ``default``), key and field.
        """
        import jsonschema  # a core dependency; imported here only to keep start-up light

        validator = jsonschema.Draft202012Validator(deadlines_schema())
        problems: list[Problem] = []
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path))):
            path = [str(p) for p in error.absolute_path]
            sheet = path[0] if path else None
            column = ".".join(path[1:]) or None
            value = error.instance if not isinstance(error.instance, dict | list) else None
            problems.append(Problem(source, sheet, None, column, value, error.message))
        if problems:
            raise LoadError(problems)

        def rule(section: str, key: str | None, row: dict[str, Any]) -> LimitRule | None:
            try:
                return LimitRule(row["sign_hours"], row["done_days"],
                                 row.get("urgent_sign_hours"), row.get("urgent_done_days"),
                                 row.get("note", ""))
            except ValueError as exc:
                problems.append(Problem(source, section, None, key, None, str(exc)))
                return None

        fallback = rule("default", None, data["default"])
        tables: dict[str, dict[str, LimitRule]] = {}
        for section in ("kinds", "domains", "items"):
            tables[section] = {}
            for key, row in data.get(section, {}).items():
                found = rule(section, key, row)
                if found is not None:
                    tables[section][key] = found
        if fallback is not None and (
            fallback.urgent_sign_hours is None or fallback.urgent_done_days is None
        ):
            problems.append(Problem(source, "default", None, None, None,
                                    "urgent_sign_hours and urgent_done_days in the default"))
        if problems or fallback is None:
            raise LoadError(problems)
        return cls(fallback, tables["kinds"], tables["domains"], tables["items"])

    def to_dict(self) -> dict[str, Any]:
        """The table as a deadlines file (`load` and `from_dict` read it back)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "default": self.fallback.to_dict(),
            "kinds": {k: r.to_dict() for k, r in self.kinds},
            "domains": {k: r.to_dict() for k, r in self.domains},
            "items": {k: r.to_dict() for k, r in self.items},
        }

    def with_item(self, code: str, *, sign_hours: float, done_days: int,
                  urgent_sign_hours: float | None = None,
                  urgent_done_days: int | None = None, note: str = "") -> Deadlines:
        """A table in which the item ``code`` (and its sub-items) has this limit.

        Raises:
            ValueError: hours not positive, days negative, or urgent longer than normal.
        """
        rule = LimitRule(sign_hours, done_days, urgent_sign_hours, urgent_done_days, note)
        return attrs.evolve(self, items={**dict(self.items), code: rule})

    def with_domain(self, domain: str, *, sign_hours: float, done_days: int,
                    urgent_sign_hours: float | None = None,
                    urgent_done_days: int | None = None, note: str = "") -> Deadlines:
        """A table in which items of ``domain`` (领域) have this limit, unless their own
        item rule says otherwise.

        Raises:
            ValueError: as for `with_item`.
        """
        rule = LimitRule(sign_hours, done_days, urgent_sign_hours, urgent_done_days, note)
        return attrs.evolve(self, domains={**dict(self.domains), domain: rule})

    def with_kind(self, kind: str, *, sign_hours: float, done_days: int,
                  urgent_sign_hours: float | None = None,
                  urgent_done_days: int | None = None, note: str = "") -> Deadlines:
        """A table in which orders of ``kind`` (e.g. ``"投诉"``) have this limit, unless
        an item or domain rule applies.

        Raises:
            ValueError: as for `with_item`.
        """
        rule = LimitRule(sign_hours, done_days, urgent_sign_hours, urgent_done_days, note)
        return attrs.evolve(self, kinds={**dict(self.kinds), kind: rule})

    def with_default(self, *, sign_hours: float, done_days: int, urgent_sign_hours: float,
                     urgent_done_days: int, note: str = "") -> Deadlines:
        """A table with another default rule.

        Raises:
            ValueError: as for `with_item`.
        """
        rule = LimitRule(sign_hours, done_days, urgent_sign_hours, urgent_done_days, note)
        return attrs.evolve(self, fallback=rule)

    # ----------------------------------------------------------------- questions

    def rule_for(
        self, item: Item | str | None, *, kind: str | None = None
    ) -> tuple[LimitRule, str]:
        """The rule that applies, and its source (``"item …"``, ``"domain …"``...).

        Precedence: the item's code, then its parent's code, then its domain, then the
        kind of order, then the default. Given a bare code instead of an `Item`, only
        the code's own rule can match (parent and domain are not known). A kind without
        a rule falls to the default, and the source says so.
        """
        items, domains, kinds = self._tables
        if item is not None:
            code = item if isinstance(item, str) else item.code
            if code in items:
                return items[code], f"item {code}"
            if isinstance(item, Item):
                if item.parent is not None and item.parent in items:
                    return items[item.parent], f"item {item.parent} (parent of {code})"
                if item.domain and item.domain in domains:
                    return domains[item.domain], f"domain {item.domain}"
        if kind is not None:
            if kind in kinds:
                return kinds[kind], f"kind {kind}"
            return self.fallback, f"default (no rule for kind {kind!r})"
        return self.fallback, "default"

    def limit_for(
        self, item: Item | str | None, *, kind: str | None = None, urgent: bool = False
    ) -> TimeLimit:
        """The time limit for an order on ``item`` of ``kind``.

        Args:
            item: the item the order is about (an `Item`, or its code), or ``None`` when
                the order matches no item.
            kind: the kind of order (诉求类型), e.g. ``"投诉"``.
            urgent: whether the order is urgent.

        Returns:
            The limit, with its ``source``.

        Examples:
            >>> Deadlines.default().limit_for(None, kind="咨询")
            TimeLimit(sign_hours=2.0, done_days=2, urgent=False, source='kind 咨询')
            >>> Deadlines.default().limit_for(None, kind="咨询", urgent=True).sign_hours
            0.5
        """
        rule, source = self.rule_for(item, kind=kind)
        if not urgent:
            return TimeLimit(float(rule.sign_hours), rule.done_days, False, source)
        base = self.fallback  # its urgent figures are set (checked when it is built)
        sign = rule.urgent_sign_hours
        if sign is None:
            sign = min(rule.sign_hours, base.urgent_sign_hours or rule.sign_hours)
        days = rule.urgent_done_days
        if days is None:
            days = min(rule.done_days, base.urgent_done_days or 0)
        return TimeLimit(float(sign), days, True, source)

    @staticmethod
    def sign_due(
        received: DateTimeLike, limit: TimeLimit, calendar: WorkCalendar
    ) -> datetime.datetime:
        """When an order received at ``received`` must be signed: ``limit.sign_hours``
        working hours later.

        Examples:
            >>> cal = WorkCalendar.china()
            >>> Deadlines.sign_due("2025-09-30T17:00", TimeLimit(2, 5), cal).isoformat()
            '2025-10-09T10:30:00+08:00'
        """
        return calendar.add_working_hours(received, limit.sign_hours)

    @staticmethod
    def done_due(
        received: DateTimeLike, limit: TimeLimit, calendar: WorkCalendar
    ) -> datetime.datetime:
        """When an order must be finished: close of office on the ``limit.done_days``-th
        working day after the day of receipt (that day itself not counted).

        With ``done_days = 0`` (same day) it is the close of office on the day of receipt,
        or on the next working day when the order came in on a day off.

        Examples:
            >>> cal = WorkCalendar.china()
            >>> Deadlines.done_due("2025-09-30T10:00", TimeLimit(2, 1), cal).isoformat()
            '2025-10-09T17:30:00+08:00'
        """
        day = to_china_time(received).date()
        if limit.done_days > 0:
            last = calendar.add_working_days(day, limit.done_days)
        elif calendar.is_working_day(day):
            last = day
        else:
            last = calendar.add_working_days(day, 1)
        return calendar.closing_time(last)

    @staticmethod
    def late_by(due: DateTimeLike, actual: DateTimeLike, calendar: WorkCalendar) -> float:
        """How late ``actual`` is after ``due``, in working hours (0.0 when on time).

        An action after ``due`` but before the next office period is late by 0.0 working
        hours; compare the times themselves to tell "late at all".

        Examples:
            >>> cal = WorkCalendar.china()
            >>> Deadlines.late_by("2025-09-30T17:30", "2025-10-09T11:00", cal)
            2.0
        """
        return max(0.0, calendar.working_hours_between(due, actual))


@functools.lru_cache(maxsize=1)
def _schema_text() -> str:
    return resources.files("kunshan_rbac").joinpath("data", "deadlines.schema.json").read_text(
        "utf-8"
    )


def deadlines_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of deadlines files, as a fresh dict."""
    return json.loads(_schema_text())  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def _shipped() -> Deadlines:
    text = resources.files("kunshan_rbac").joinpath("data", "deadlines.json").read_text("utf-8")
    return Deadlines.from_dict(json.loads(text), source="kunshan_rbac/data/deadlines.json")
