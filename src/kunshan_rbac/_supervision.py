"""The supervision chain: 发现问题 — 督促整改 — 结果评价 (find, rectify, re-evaluate).

Findings come from an `Evaluation` (a town below a documented threshold, a department
whose cooperative items keep being returned) and from ``kr.check`` violations. Each
finding gets a rectification task with an owner unit, a deadline in working days and a
status; a later re-evaluation says whether it was fixed. All of it is data: `Supervision`
reads and writes JSON (schema ``kunshan_rbac/data/supervision.schema.json``).

Thresholds (`THRESHOLDS`), judged only when at least `MIN_COUNTED` orders were counted:

=====================  ======  ==========================================================
metric                 limit   why
=====================  ======  ==========================================================
first_dispatch_right   ≥ 0.85  below it, one order in seven goes to the wrong unit first
returned               ≤ 0.15  more returns than that mean the lists are not followed
on_time_signed         ≥ 0.90  signing is a formality; missing it means orders lie idle
on_time_done           ≥ 0.80  the 12345 centres' usual bar for finishing in time
satisfaction           ≥ 0.90  Jiangsu's towns report 90%+ 满意率; below it is an outlier
reopened               ≤ 0.05  a reopened order was closed without being solved
=====================  ======  ==========================================================

A department is found when more than `COOPERATIVE_RETURNS` of the orders on cooperative
items it leads were returned (with at least `MIN_COUNTED` such orders).
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import jsonschema

from . import _frames
from ._analytics import require
from ._calendar import WorkCalendar
from ._dates import DateLike, parse_date
from ._errors import LoadError, Problem
from ._evaluate import Evaluation
from ._rules import Report

__all__ = [
    "COOPERATIVE_RETURNS",
    "MIN_COUNTED",
    "RECTIFICATION_DAYS",
    "THRESHOLDS",
    "Finding",
    "Rectification",
    "Supervision",
    "find_problems",
    "supervision_schema",
]

THRESHOLDS: dict[str, tuple[str, float]] = {
    "first_dispatch_right": (">=", 0.85),
    "returned": ("<=", 0.15),
    "on_time_signed": (">=", 0.90),
    "on_time_done": (">=", 0.80),
    "satisfaction": (">=", 0.90),
    "reopened": ("<=", 0.05),
}
"""Per metric, the direction and the limit a town must meet."""

MIN_COUNTED = 30
"""Orders a figure must count before it is judged (fewer say too little)."""

COOPERATIVE_RETURNS = 0.15
"""The return rate above which a department's cooperative items make a finding."""

RECTIFICATION_DAYS = 15
"""Working days a unit has to rectify a finding, by default."""

STATUSES = ("open", "fixed", "not fixed")


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _meets(value: float, rule: tuple[str, float]) -> bool:
    direction, limit = rule
    return value >= limit if direction == ">=" else value <= limit


def _date_text(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


@attrs.frozen
class Finding:
    """One problem found: a figure beyond its threshold, or a rule violation.

    Attributes:
        id: a stable id, ``source:subject:metric``.
        source: ``"evaluation"`` or ``"check"``.
        subject: the code of the unit concerned (a town or a department).
        name: the unit's name, if known.
        metric: the metric (or the rule id, for a violation).
        value: the figure found (``None`` for a violation).
        threshold: the limit it broke (``None`` for a violation).
        found: the day the finding was made.
        start: first day of the period evaluated, if limited.
        end: last day of the period evaluated, if limited.
        detail: what is wrong, in words.
        examples: up to ten order ids behind the figure (or records, for a violation).
    """

    id: str
    source: str = attrs.field(validator=attrs.validators.in_(("evaluation", "check")))
    subject: str
    name: str
    metric: str
    value: float | None
    threshold: float | None
    found: datetime.date
    start: datetime.date | None = None
    end: datetime.date | None = None
    detail: str = ""
    examples: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data."""
        data = attrs.asdict(self)
        for key in ("found", "start", "end"):
            data[key] = _date_text(data[key])
        data["examples"] = list(self.examples)
        return data


@attrs.frozen
class Rectification:
    """A rectification task (整改任务) for one finding.

    Attributes:
        finding: the finding's id.
        owner: the code of the unit that must rectify.
        opened: the day the task was set.
        due: the last day to rectify (``days`` working days after ``opened``).
        status: ``"open"``, ``"fixed"`` or ``"not fixed"``.
        checked: the day of the re-evaluation that set the status, if any.
        value: the figure at that re-evaluation, if any.
        note: what the re-evaluation found.
    """

    finding: str
    owner: str
    opened: datetime.date
    due: datetime.date
    status: str = attrs.field(default="open", validator=attrs.validators.in_(STATUSES))
    checked: datetime.date | None = None
    value: float | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The task as JSON-ready data."""
        data = attrs.asdict(self)
        for key in ("opened", "due", "checked"):
            data[key] = _date_text(data[key])
        return data


def find_problems(
    ev: Evaluation | None = None,
    report: Report | None = None,
    *,
    found: DateLike | None = None,
    thresholds: dict[str, tuple[str, float]] | None = None,
) -> list[Finding]:
    """The findings of an evaluation and of a consistency report.

    Args:
        ev: an evaluation; each town's figures are held to ``thresholds`` and each
            department's returns on cooperative items to `COOPERATIVE_RETURNS`.
        report: a ``kr.check`` report; each error-level violation is a finding for the
            unit (or town) it concerns.
        found: the day of the findings (default: the evaluation's end, else today).
        thresholds: per metric, ``(">=" or "<=", limit)``; default `THRESHOLDS`.

    Returns:
        The findings, evaluation first, each group ordered by subject and metric.

    Examples:
        >>> import kunshan_rbac as kr
        >>> ev = kr.evaluate(kr.load_sample(), kr.load_sample_orders(),
        ...                  start="2025-01-01", end="2025-03-31")
        >>> all(f.source == "evaluation" for f in kr.find_problems(ev))
        True
    """
    rules = THRESHOLDS if thresholds is None else thresholds
    day = parse_date(found if found is not None else (ev.end if ev and ev.end else None))
    findings: list[Finding] = []
    if ev is not None:
        for row in ev.towns.values():
            for metric, rule in rules.items():
                value = getattr(row, metric)
                if value is None or row.counted.get(metric, 0) < MIN_COUNTED:
                    continue
                if _meets(value, rule):
                    continue
                behind = ev.orders_behind(town=row.key, metric=metric)
                bad = (behind.hits if rule[0] == "<=" else
                       tuple(i for i in behind.counted if i not in set(behind.hits)))
                findings.append(Finding(
                    f"evaluation:{row.key}:{metric}", "evaluation", row.key, row.name, metric,
                    value, rule[1], day, ev.start, ev.end,
                    f"{row.name}: {metric} {value:.1%} (limit {rule[0]} {rule[1]:.0%}) over "
                    f"{row.counted[metric]} orders", bad[:10]))
        findings.extend(_cooperative_returns(ev, day))
    if report is not None:
        for v in report.errors:
            subject = v.unit or v.town or ""
            findings.append(Finding(
                f"check:{subject}:{v.rule}:{v.item or ''}:{_date_text(v.start) or ''}",
                "check", subject, "", v.rule, None, None, day, detail=v.message,
                examples=tuple(f"record {r}" for r in v.records[:10])))
    return findings


def _department_returns(ev: Evaluation) -> dict[str, tuple[int, int, list[str]]]:
    """Per department leading cooperative items: orders dispatched, returned, returned ids."""
    pc = require("pyarrow.compute")
    table = ev.per_order
    coop = table.filter(pc.and_(pc.equal(table["list"], "cooperative"), table["ret_n"]))
    result: dict[str, tuple[int, int, list[str]]] = {}
    for row in coop.select(["id", "primary", "ret_hit"]).to_pylist():
        counted, returned, ids = result.get(row["primary"], (0, 0, []))
        if row["ret_hit"]:
            ids.append(row["id"])
        result[row["primary"]] = (counted + 1, returned + bool(row["ret_hit"]), ids)
    return result


def _cooperative_returns(ev: Evaluation, day: datetime.date) -> list[Finding]:
    findings = []
    for unit, (counted, returned, ids) in sorted(_department_returns(ev).items()):
        if not unit or counted < MIN_COUNTED or returned / counted <= COOPERATIVE_RETURNS:
            continue
        name = ev.units[unit].name if unit in ev.units else unit
        findings.append(Finding(
            f"evaluation:{unit}:cooperative-returns", "evaluation", unit, name,
            "cooperative-returns", returned / counted, COOPERATIVE_RETURNS, day, ev.start,
            ev.end, f"{name}: {returned} of {counted} orders on the cooperative items it leads "
            f"were returned ({returned / counted:.1%}, limit {COOPERATIVE_RETURNS:.0%})",
            tuple(ids[:10])))
    return findings


def _findings(value: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(value)


def _tasks(value: Iterable[Rectification]) -> tuple[Rectification, ...]:
    return tuple(value)


@attrs.frozen
class Supervision:
    """Findings and their rectification tasks: the record of the supervision chain.

    Attributes:
        findings: the findings.
        tasks: one rectification task per finding.
    """

    findings: tuple[Finding, ...] = attrs.field(default=(), converter=_findings)
    tasks: tuple[Rectification, ...] = attrs.field(default=(), converter=_tasks)

    def to_arrow(self) -> Any:
        """The findings, one row each with its rectification task, as a
        ``pyarrow.Table`` (the ``finding`` columns).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("finding", [self])

    def to_pandas(self) -> Any:
        """The findings, one row each with its rectification task, as a
        ``pandas.DataFrame`` (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())

    @classmethod
    def open(
        cls,
        findings: Iterable[Finding],
        *,
        opened: DateLike,
        days: int = RECTIFICATION_DAYS,
        calendar: WorkCalendar | None = None,
    ) -> Supervision:
        """Set a rectification task for each finding, owned by the unit concerned.

        Args:
            findings: the findings.
            opened: the day the tasks are set.
            days: working days to rectify (default `RECTIFICATION_DAYS`).
            calendar: the working-day calendar (default ``kr.WorkCalendar.china()``).
        """
        cal = calendar or WorkCalendar.china()
        start = parse_date(opened)
        due = cal.add_working_days(start, days)
        found = tuple(findings)
        return cls(found, tuple(Rectification(f.id, f.subject, start, due) for f in found))

    def recheck(
        self,
        ev: Evaluation | None = None,
        report: Report | None = None,
        *,
        on: DateLike,
        thresholds: dict[str, tuple[str, float]] | None = None,
    ) -> Supervision:
        """Re-evaluate: each task becomes ``fixed`` or ``not fixed``.

        An evaluation finding is fixed when the unit's figure now meets its limit; when
        the later evaluation counts fewer than `MIN_COUNTED` orders for it, the task stays
        ``open`` and its note says why. A violation is fixed when ``report`` no longer
        lists it. Tasks whose source was not given (no ``ev``, or no ``report``) are left
        as they were.

        Args:
            ev: the later evaluation.
            report: the later ``kr.check`` report.
            on: the day of the re-evaluation.
            thresholds: as for `find_problems`.
        """
        rules = THRESHOLDS if thresholds is None else thresholds
        day = parse_date(on)
        later = {f.id: f for f in find_problems(ev, report, found=day, thresholds=rules)}
        by_id = {f.id: f for f in self.findings}
        tasks = []
        for task in self.tasks:
            finding = by_id[task.finding]
            if (finding.source == "evaluation" and ev is None) or (
                    finding.source == "check" and report is None):
                tasks.append(task)
                continue
            again = later.get(finding.id)
            value = _current(ev, finding) if finding.source == "evaluation" else None
            if again is not None:
                status, note = "not fixed", again.detail
            elif finding.source == "evaluation" and value is None:
                status, note = "open", "too few orders counted to judge"
            else:
                status = "fixed"
                note = "meets the limit" if value is not None else "no longer found"
            tasks.append(attrs.evolve(task, status=status, checked=day, value=value, note=note))
        return attrs.evolve(self, tasks=tuple(tasks))

    def to_dict(self) -> dict[str, Any]:
        """The record as JSON-ready data (see `supervision_schema`)."""
        return {"format": "kunshan-rbac-supervision", "version": 1,
                "findings": [f.to_dict() for f in self.findings],
                "tasks": [t.to_dict() for t in self.tasks]}

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "<supervision>") -> Supervision:
        """Read a record from its JSON data.

        Raises:
            LoadError: the data do not fit the schema; every problem is listed.
        """
        validator = jsonschema.Draft202012Validator(supervision_schema())
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        if errors:
            raise LoadError([
                Problem(source, None, None, "/".join(str(p) for p in e.path) or None,
                        e.instance if e.path else None, e.message) for e in errors])

        def day(text: str | None) -> datetime.date | None:
            return parse_date(text) if text else None

        findings = [Finding(
            f["id"], f["source"], f["subject"], f["name"], f["metric"], f["value"],
            f["threshold"], parse_date(f["found"]), day(f["start"]), day(f["end"]),
            f["detail"], tuple(f["examples"])) for f in data["findings"]]
        tasks = [Rectification(
            t["finding"], t["owner"], parse_date(t["opened"]), parse_date(t["due"]),
            t["status"], day(t["checked"]), t["value"], t["note"]) for t in data["tasks"]]
        known = {f.id for f in findings}
        missing = [t.finding for t in tasks if t.finding not in known]
        if missing:
            raise LoadError([Problem(source, None, None, "tasks", m,
                                     "a task for a finding in the record") for m in missing])
        return cls(findings, tasks)

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the record as JSON (beside the target first, then moved in place)."""
        target = Path(path)
        temporary = target.with_name(target.name + ".part")
        temporary.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
        os.replace(temporary, target)

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Supervision:
        """Read a record written by `write`.

        Raises:
            LoadError: the file cannot be read or does not fit the schema.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LoadError([Problem(str(path), expected=f"a readable JSON file ({exc})")]) \
                from None
        return cls.from_dict(data, source=str(path))


def _current(ev: Evaluation | None, finding: Finding) -> float | None:
    """The finding's figure in a later evaluation (``None``: too few orders to judge)."""
    if ev is None:
        return None
    if finding.metric == "cooperative-returns":
        counted, returned, _ids = _department_returns(ev).get(finding.subject, (0, 0, []))
        return returned / counted if counted >= MIN_COUNTED else None
    if finding.subject not in ev.towns:
        return None
    row = ev.towns[finding.subject]
    if row.counted.get(finding.metric, 0) < MIN_COUNTED:
        return None
    value: float | None = getattr(row, finding.metric)
    return value


def supervision_schema() -> dict[str, Any]:
    """The JSON Schema of a supervision record."""
    text = resources.files("kunshan_rbac").joinpath("data", "supervision.schema.json")
    schema: dict[str, Any] = json.loads(text.read_text("utf-8"))
    return schema


_frames.register(Finding, "finding")
_frames.register(Supervision, "finding")
