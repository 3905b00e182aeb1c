"""Reports in the formats CI systems read: versioned JSON, JUnit XML and SARIF 2.1.0.

The consistency report of `kunshan_rbac.check`, the `AssertionReport` of an assertion file,
and the problems of a file that could not load each become one document per format. A
report checked on a data set that loaded only in part (`Report.problems`) carries its load
problems in every format, each at its file, sheet, row and column, and fails the run.
Violations get a stable fingerprint (`fingerprint`), so that a `Baseline` of today's known
violations lets a pipeline fail only on new ones.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import attrs

from ._assertions import AssertionReport
from ._errors import LoadError, Problem
from ._outfile import replace_text
from ._rules import RULES, Report, Severity, Violation

__all__ = [
    "FORMATS",
    "REPORT_VERSION",
    "Baseline",
    "fingerprint",
    "render",
    "report_schema",
]

FORMATS = ("text", "json", "junit", "sarif")
"""The output formats of ``check`` and ``test``."""

REPORT_VERSION = 1
"""The version of the JSON documents; it changes only when a field changes meaning."""

SCHEMA_URI = "urn:kunshan-rbac:report:1"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL = "kunshan-rbac"
_INFO_URI = "https://pypi.org/project/kunshan-rbac/"


@cache
def _schema_text() -> str:
    return resources.files("kunshan_rbac").joinpath("data", "report.schema.json").read_text(
        encoding="utf-8"
    )


def report_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the ``--format json`` documents of ``check``/``test``.

    Examples:
        >>> import kunshan_rbac as kr
        >>> schema = kr.report_schema()
        >>> schema["$id"]
        'urn:kunshan-rbac:report:1'
    """
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


def fingerprint(violation: Violation) -> str:
    """A stable identity for a violation, for baselines and code-scanning tools.

    It hashes the rule, the item, the town, the unit and the period, not the record id
    nor the message: a data set read again, or a reworded message, keeps its fingerprints.

    Examples:
        >>> import kunshan_rbac as kr
        >>> v = kr.Violation("has-basis", "warning", "no basis", item="B-001")
        >>> kr.fingerprint(v) == kr.fingerprint(kr.Violation("has-basis", "warning", "other",
        ...                                                 item="B-001", record=7))
        True
    """
    parts = [violation.rule, violation.item or "", violation.town or "", violation.unit or "",
             violation.start.isoformat() if violation.start else "",
             violation.end.isoformat() if violation.end else ""]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


@attrs.frozen
class Baseline:
    """Violations accepted as known: only those beyond it count as new.

    A baseline holds fingerprints with a count, so that a third violation with the same
    fingerprint as two known ones is new.

    Attributes:
        counts: how many violations of each fingerprint are known.

    Examples:
        >>> import kunshan_rbac as kr
        >>> report = kr.check(kr.load_sample())
        >>> base = kr.Baseline.of(report)
        >>> base.new(report)
        ()
    """

    counts: dict[str, int] = attrs.field(factory=dict)

    @classmethod
    def of(cls, report: Report) -> Baseline:
        """The baseline that accepts every violation of ``report``."""
        return cls(dict(Counter(fingerprint(v) for v in report.violations)))

    def new(self, report: Report) -> tuple[Violation, ...]:
        """The violations of ``report`` that the baseline does not accept, in report order."""
        left = Counter(self.counts)
        fresh = []
        for violation in report.violations:
            key = fingerprint(violation)
            if left[key] > 0:
                left[key] -= 1
            else:
                fresh.append(violation)
        return tuple(fresh)

    @classmethod
    def read(cls, path: str | Path) -> Baseline:
        """Read a baseline written by `write` (or by ``check --write-baseline``).

        Raises:
            LoadError: the file cannot be read or is not a baseline.
        """
        source = str(path)
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise LoadError([Problem(source, expected=f"a readable baseline file: {exc}")]
                            ) from None
        except json.JSONDecodeError as exc:
            raise LoadError([Problem(source, row=exc.lineno,
                                     expected=f"JSON written by --write-baseline ({exc.msg})")]
                            ) from None
        entries = data.get("violations") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise LoadError([Problem(source, column="violations",
                                     expected="a baseline: an object with a 'violations' list")])
        counts: Counter[str] = Counter()
        problems = []
        for index, entry in enumerate(entries):
            key = entry.get("fingerprint") if isinstance(entry, dict) else None
            if not isinstance(key, str) or not key:
                problems.append(Problem(source, sheet="violations", row=index,
                                        column="fingerprint", value=_short(entry),
                                        expected="an entry with a 'fingerprint' string"))
                continue
            counts[key] += 1
        if problems:
            raise LoadError(problems)
        return cls(dict(counts))

    @staticmethod
    def write(report: Report, path: str | Path) -> None:
        """Save every violation of ``report`` as the accepted baseline (atomically).

        Each entry keeps the rule, place and message next to its fingerprint, so that a
        reviewer can read what was accepted.
        """
        document = {
            "version": REPORT_VERSION,
            "tool": TOOL,
            "violations": [
                {"fingerprint": fingerprint(v), "rule": v.rule, "severity": v.severity.value,
                 "item": v.item, "town": v.town, "unit": v.unit, "message": v.message}
                for v in report.violations
            ],
        }
        replace_text(path, json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _short(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else None


# ---------------------------------------------------------------------------- JSON


def _violation(v: Violation, fresh: set[int] | None) -> dict[str, Any]:
    entry = v.to_dict()
    entry["fingerprint"] = fingerprint(v)
    if fresh is not None:
        entry["new"] = id(v) in fresh
    return entry


def _problem(p: Problem) -> dict[str, Any]:
    return p.to_dict()


def check_document(report: Report, *, data: str | None, new: Sequence[Violation] | None = None
                   ) -> dict[str, Any]:
    """The ``check --format json`` document: versioned, with fingerprints, and with the
    load problems (and the rows they left unread) when the data loaded only in part."""
    fresh = {id(v) for v in new} if new is not None else None
    body = report.to_dict()
    body["violations"] = [_violation(v, fresh) for v in report.violations]
    problems = body.pop("problems")
    return {"version": REPORT_VERSION, "$schema": SCHEMA_URI, "kind": "check", "data": data,
            **body, "new": len(new) if new is not None else None, "problems": problems}


def test_document(report: AssertionReport) -> dict[str, Any]:
    """The ``test --format json`` document."""
    return {"version": REPORT_VERSION, "$schema": SCHEMA_URI, "kind": "test",
            **report.to_dict(), "problems": []}


def problems_document(kind: str, problems: Sequence[Problem], *, file: str | None = None,
                      data: str | None = None) -> dict[str, Any]:
    """The JSON document of a run that could not load its input."""
    document: dict[str, Any] = {"version": REPORT_VERSION, "$schema": SCHEMA_URI, "kind": kind,
                                "ok": False}
    if kind == "test":
        document["file"] = file
    document["data"] = data
    document["problems"] = [_problem(p) for p in problems]
    return document


# ---------------------------------------------------------------------------- JUnit


def _junit(suites: list[tuple[str, list[tuple[str, str, str | None, str]]]]) -> str:
    """JUnit XML from suites of (case name, class name, failure message or None, detail)."""
    root = ET.Element("testsuites", name=TOOL)
    total = failed = 0
    for suite_name, cases in suites:
        failures = sum(1 for c in cases if c[2] is not None)
        suite = ET.SubElement(root, "testsuite", name=suite_name, tests=str(len(cases)),
                              failures=str(failures), errors="0", skipped="0")
        total += len(cases)
        failed += failures
        for name, classname, failure, detail in cases:
            case = ET.SubElement(suite, "testcase", name=name, classname=classname)
            if failure is not None:
                element = ET.SubElement(case, "failure", message=failure, type="failure")
                element.text = detail
    root.set("tests", str(total))
    root.set("failures", str(failed))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def check_junit(report: Report, *, fail_on: Severity, new: Sequence[Violation] | None = None
                ) -> str:
    """One test case per rule that ran, failed when it found violations that fail the run;
    with load problems, a second suite with one failed test case per problem."""
    counted = _failing(report, fail_on, new)
    cases = []
    for rule_id, found in report.by_rule().items():
        failing = [v for v in found if id(v) in counted]
        message = (f"{len(failing)} violation{'s' if len(failing) != 1 else ''}"
                   if failing else None)
        detail = "\n".join(str(v) for v in failing)
        cases.append((rule_id, f"{TOOL}.check", message, detail))
    suites = [(f"{TOOL} check", cases)]
    if report.problems:
        suites.append((f"{TOOL} check: load", _problem_cases("check", report.problems)))
    return _junit(suites)


def test_junit(report: AssertionReport) -> str:
    """One test suite per test of the file, one test case per expectation."""
    suites: dict[str, list[tuple[str, str, str | None, str]]] = {}
    for r in report.results:
        name = f"{r.kind} line {r.line}: {r.expected}"
        failure = None if r.passed else f"expected {r.expected}; found {r.found}"
        suites.setdefault(r.test, []).append(
            (name, f"{TOOL}.test", failure, f"{r.file}:{r.line}" if failure else ""))
    return _junit(list(suites.items()))


def _problem_cases(kind: str, problems: Sequence[Problem]
                   ) -> list[tuple[str, str, str | None, str]]:
    return [(p.place, f"{TOOL}.{kind}", p.expected, str(p)) for p in problems]


def problems_junit(kind: str, problems: Sequence[Problem]) -> str:
    """One failed test case per problem of a file that could not load."""
    return _junit([(f"{TOOL} {kind}: load", _problem_cases(kind, problems))])


# ---------------------------------------------------------------------------- SARIF


def _sarif(rules: list[dict[str, Any]], results: list[dict[str, Any]],
           artifacts: Iterable[str]) -> str:
    files = list(dict.fromkeys(artifacts))
    try:
        version = metadata.version("kunshan-rbac")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        version = "unknown"
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL, "version": version, "informationUri": _INFO_URI,
                                "rules": rules}},
            "artifacts": [{"location": {"uri": _uri(f)}} for f in files],
            "results": results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def _uri(path: str) -> str:
    return Path(path).as_posix()


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _physical(file: str, line: int | None = None, *, sheet: str | None = None,
              column: str | None = None) -> dict[str, Any]:
    location: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
    if line is not None and line >= 1:
        location["region"] = {"startLine": line}
    physical: dict[str, Any] = {"physicalLocation": location}
    if sheet is not None or column is not None:
        physical["properties"] = {"sheet": sheet, "column": column}
    return physical


_LOAD_RULE = {"id": "load-error", "shortDescription": {"text": "the input can be read"},
              "defaultConfiguration": {"level": "error"}}


def _load_results(problems: Sequence[Problem], index: int) -> list[dict[str, Any]]:
    """One error result per load problem, at its file and row (sheet and column as
    properties of the location), under the ``load-error`` rule at ``index``."""
    return [{
        "ruleId": "load-error",
        "ruleIndex": index,
        "level": "error" if p.is_error else "warning" if p.severity == "warning" else "note",
        "message": {"text": str(p)},
        "locations": [_physical(p.file, p.row, sheet=p.sheet, column=p.column)],
    } for p in problems]


def check_sarif(report: Report, *, data: str | None, fail_on: Severity,
                new: Sequence[Violation] | None = None) -> str:
    """SARIF 2.1.0 for a consistency report.

    Violations name places in the data (item, town, unit, record), not lines of a file:
    each result points at the data file and carries the place as a logical location.
    Load problems (`Report.problems`) follow as ``load-error`` results, each at its own
    file and row, with its sheet and column.
    """
    file = data or "kunshan_rbac/data/kunshan.json.gz"
    catalogue = {r.id: r for r in RULES}
    ran = list(report.rules) + [v.rule for v in report.violations if v.rule not in report.rules]
    ran = list(dict.fromkeys(ran))
    rules = []
    for rule_id in ran:
        known = catalogue.get(rule_id)
        severity = known.severity if known is not None else Severity.ERROR
        entry: dict[str, Any] = {"id": rule_id,
                                 "defaultConfiguration": {"level": _level(severity)}}
        if known is not None:
            entry["shortDescription"] = {"text": known.description}
        rules.append(entry)
    index = {r: n for n, r in enumerate(ran)}
    fresh = {id(v) for v in new} if new is not None else None
    results = []
    for v in report.violations:
        logical = [{"name": name, "kind": kind, "fullyQualifiedName": f"{kind}:{name}"}
                   for kind, name in (("item", v.item), ("town", v.town), ("unit", v.unit))
                   if name is not None]
        location = _physical(file)
        location["logicalLocations"] = logical
        result: dict[str, Any] = {
            "ruleId": v.rule,
            "ruleIndex": index[v.rule],
            "level": _level(v.severity),
            "message": {"text": str(v)},
            "locations": [location],
            "partialFingerprints": {"kunshanRbac/v1": fingerprint(v)},
            "properties": {"record": v.record, "records": list(v.records),
                           "start": v.start.isoformat() if v.start else None,
                           "end": v.end.isoformat() if v.end else None},
        }
        if fresh is not None:
            result["baselineState"] = "new" if id(v) in fresh else "unchanged"
        results.append(result)
    if report.problems:
        rules.append(_LOAD_RULE)
        results += _load_results(report.problems, len(rules) - 1)
    return _sarif(rules, results, [file, *(p.file for p in report.problems)])


def test_sarif(report: AssertionReport) -> str:
    """SARIF 2.1.0 for an assertion file: one result per failed expectation, at its line."""
    kinds = sorted({r.kind for r in report.results})
    rules = [{"id": f"assertion-{k}", "shortDescription": {"text": f"a {k} expectation holds"},
              "defaultConfiguration": {"level": "error"}} for k in kinds]
    index = {k: n for n, k in enumerate(kinds)}
    results = [{
        "ruleId": f"assertion-{r.kind}",
        "ruleIndex": index[r.kind],
        "level": "error",
        "message": {"text": f"{r.test}: expected {r.expected}; found {r.found}"},
        "locations": [_physical(r.file, r.line)],
    } for r in report.failures]
    return _sarif(rules, results, [report.file])


def problems_sarif(kind: str, problems: Sequence[Problem]) -> str:
    """SARIF 2.1.0 for a file that could not load: one error per problem, at its place."""
    return _sarif([_LOAD_RULE], _load_results(problems, 0), [p.file for p in problems])


# ---------------------------------------------------------------------------- text


def _failing(report: Report, fail_on: Severity, new: Sequence[Violation] | None) -> set[int]:
    pool = report.violations if new is None else tuple(new)
    return {id(v) for v in pool
            if v.severity is Severity.ERROR or fail_on is Severity.WARNING}


def failed(report: Report, fail_on: Severity, new: Sequence[Violation] | None = None) -> bool:
    """Whether the run fails: an error (or, with ``fail_on`` warning, any violation) counts,
    among the new violations only when a baseline is used; a load problem always fails
    (no baseline accepts rows that were not read); a load warning (such as a column the
    reader does not know) fails the run with ``fail_on`` warning."""
    load = any(p.is_error or (p.severity == "warning" and fail_on is Severity.WARNING)
               for p in report.problems)
    return load or bool(_failing(report, fail_on, new))


def check_text(report: Report, *, limit: int | None = None,
               new: Sequence[Violation] | None = None) -> str:
    """The report as text, grouped by rule and town, each repeated hint said once.

    A message is split at its first ``"; "`` into what is wrong and what to do; when
    several violations of a rule share the hint, it is printed once under the rule.
    ``limit`` caps the violation lines; the first line is the one-line summary. Load
    problems, if any, come next, one per line with its place, all of them (``limit``
    does not hide a row that was not read).
    """
    fresh = {id(v) for v in new} if new is not None else None
    lines: list[str] = []
    shown = 0
    hidden = 0
    for rule_id, found in report.by_rule().items():
        if not found:
            continue
        hints = Counter(_split(v.message)[1] for v in found)
        shared = {h for h, n in hints.items() if h and n > 1}
        lines.append(f"{rule_id} ({found[0].severity.value}): {len(found)}")
        for hint in sorted(shared):
            lines.append(f"  hint: {hint}")
        town = object()
        for v in found:
            if limit is not None and shown >= limit:
                hidden += 1
                continue
            if v.town != town:
                town = v.town
                lines.append(f"  {report.names.get(v.town, v.town)} ({v.town})" if v.town
                             else "  (no town)")
            what, hint = _split(v.message)
            text = what if hint in shared else v.message
            place = " ".join(p for p in (v.item or v.unit or "",
                                         f"#{v.record}" if v.record is not None else "") if p)
            mark = "new " if fresh is not None and id(v) in fresh else ""
            lines.append(f"    {mark}{place}  {text}".rstrip())
            shown += 1
    if hidden:
        lines.append(f"... and {hidden} more (--max {limit} shown)")
    summary = report.summary()
    if new is not None:
        summary += f"; {len(new)} new beyond the baseline"
    blocks = [summary]
    if report.problems:
        blocks.append("\n".join([f"load problems ({report.unread}): {len(report.problems)}",
                                 *(f"  {p}" for p in report.problems)]))
    if lines:
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _split(message: str) -> tuple[str, str]:
    what, _, hint = message.partition("; ")
    return what, hint


def render(document_kind: str, fmt: str, value: Report | AssertionReport | Sequence[Problem],
           **options: Any) -> str:
    """Render a check report, an assertion report or load problems in one of `FORMATS`."""
    if isinstance(value, Report):
        fail_on = options.get("fail_on", Severity.ERROR)
        new = options.get("new")
        if fmt == "json":
            return json.dumps(check_document(value, data=options.get("data"), new=new),
                              ensure_ascii=False, indent=2)
        if fmt == "junit":
            return check_junit(value, fail_on=fail_on, new=new)
        if fmt == "sarif":
            return check_sarif(value, data=options.get("data"), fail_on=fail_on, new=new)
        return check_text(value, limit=options.get("limit"), new=new)
    if isinstance(value, AssertionReport):
        if fmt == "json":
            return json.dumps(test_document(value), ensure_ascii=False, indent=2)
        if fmt == "junit":
            return test_junit(value)
        if fmt == "sarif":
            return test_sarif(value)
        return str(value)
    problems = list(value)
    if fmt == "json":
        return json.dumps(problems_document(document_kind, problems, file=options.get("file"),
                                            data=options.get("data")),
                          ensure_ascii=False, indent=2)
    if fmt == "junit":
        return problems_junit(document_kind, problems)
    if fmt == "sarif":
        return problems_sarif(document_kind, problems)
    return "\n".join(str(p) for p in problems)
