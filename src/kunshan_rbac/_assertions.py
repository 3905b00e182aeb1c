"""Assertion files: expectations about the lists, written as YAML and checked in CI.

An assertion file names a data set (or none: the embedded sample) and a list of tests, each
holding ``owner``, ``duties``, ``check`` and ``route`` expectations. `run_assertions` reads
the file, checks it against the shipped JSON Schema (``assertions_schema()``), runs every
expectation and returns an `AssertionReport` whose results say, for each expectation, its
file and line, what was expected and what was found.

A file that cannot be read (bad YAML, a field the schema does not know, a date that is not
a date, an unknown rule id) raises `LoadError`, each `Problem` with the file, the line (as
``row``) and the field (as ``column``).
"""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Callable, Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

import attrs
import jsonschema
import yaml

from . import _frames
from ._dates import parse_date
from ._errors import KunshanRbacError, LoadError, NotAssignedError, Problem
from ._graph import ResponsibilityGraph
from ._model import ListKind, Role
from ._open import load_data
from ._rules import RULES, Report, check

__all__ = [
    "AssertionReport",
    "AssertionResult",
    "assertions_schema",
    "run_assertions",
]

_Path: TypeAlias = tuple[str | int, ...]
KINDS = ("owner", "duties", "check", "route")
"""The kinds of expectation, in the order a test's results are reported."""


@cache
def _schema_text() -> str:
    return resources.files("kunshan_rbac").joinpath("data", "assertions.schema.json").read_text(
        encoding="utf-8"
    )


def assertions_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an assertion file, as shipped with the package.

    Examples:
        >>> import kunshan_rbac as kr
        >>> schema = kr.assertions_schema()
        >>> ", ".join(sorted(schema["properties"]))
        'data, tests'
    """
    schema: dict[str, Any] = json.loads(_schema_text())
    return schema


@attrs.frozen
class AssertionResult:
    """The outcome of one expectation of an assertion file.

    Attributes:
        test: the name of the test that holds the expectation.
        kind: ``"owner"``, ``"duties"``, ``"check"`` or ``"route"``.
        file: the assertion file.
        line: the line of the expectation in the file (1-based).
        passed: whether what was found is what was expected.
        expected: what the file expects, as text.
        found: what the data answer, as text (the error, when the question failed).
    """

    test: str
    kind: str
    file: str
    line: int
    passed: bool
    expected: str
    found: str

    def __str__(self) -> str:
        status = "ok" if self.passed else "FAILED"
        text = f"{self.file}:{self.line}: {status}: {self.test} ({self.kind}): {self.expected}"
        return text if self.passed else f"{text}; found {self.found}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of every field."""
        return attrs.asdict(self)


def _results(values: Iterable[AssertionResult]) -> tuple[AssertionResult, ...]:
    return tuple(values)


@attrs.frozen
class AssertionReport:
    """Every expectation of an assertion file with its outcome, in file order.

    Attributes:
        file: the assertion file.
        data: the data set the expectations ran against (``None``: the embedded sample).
        results: one `AssertionResult` per expectation.

    Examples:
        >>> import kunshan_rbac as kr
        >>> report = kr.AssertionReport("lists.yaml", None, ())
        >>> report.ok, report.summary()
        (True, 'lists.yaml: 0 expectations in 0 tests: 0 passed, 0 failed')
    """

    file: str
    data: str | None
    results: tuple[AssertionResult, ...] = attrs.field(converter=_results)

    def to_arrow(self) -> Any:
        """Every expectation's result, one row each, as a ``pyarrow.Table`` (the
        ``assertion`` columns).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("assertion", [self])

    def to_pandas(self) -> Any:
        """Every expectation's result, one row each, as a ``pandas.DataFrame`` (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())

    @property
    def ok(self) -> bool:
        """Whether every expectation passed."""
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> tuple[AssertionResult, ...]:
        """The expectations that failed."""
        return tuple(r for r in self.results if not r.passed)

    @property
    def tests(self) -> tuple[str, ...]:
        """The names of the tests, in file order."""
        return tuple(dict.fromkeys(r.test for r in self.results))

    def summary(self) -> str:
        """One line: how many expectations in how many tests, passed and failed."""
        count, failed = len(self.results), len(self.failures)
        tests = len(self.tests)
        return (
            f"{self.file}: {count} expectation{'s' if count != 1 else ''} in {tests} "
            f"test{'s' if tests != 1 else ''}: {count - failed} passed, {failed} failed"
        )

    def __str__(self) -> str:
        return "\n".join([*(str(r) for r in self.failures), self.summary()])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: the file, the data set, ``ok``, counts and every result."""
        return {
            "file": self.file,
            "data": self.data,
            "ok": self.ok,
            "passed": len(self.results) - len(self.failures),
            "failed": len(self.failures),
            "results": [r.to_dict() for r in self.results],
        }


# ---------------------------------------------------------------------------- reading


def _plain(node: yaml.Node, path: _Path, lines: dict[_Path, int], source: str,
           problems: list[Problem]) -> Any:
    """The value of a YAML node, recording each node's line; scalars stay as written.

    Only integers, booleans and nulls are converted: dates, codes and names keep their
    text, so that ``0012`` or ``2025-07-01`` are never turned into something else.
    """
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                problems.append(Problem(source, row=key_node.start_mark.line + 1,
                                        column=_dotted(path), expected="a plain key"))
                continue
            if key in result:
                problems.append(Problem(source, row=key_node.start_mark.line + 1,
                                        column=_dotted((*path, key)), value=key,
                                        expected="each key once in a mapping"))
                continue
            result[key] = _plain(value_node, (*path, key), lines, source, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v, (*path, n), lines, source, problems) for n, v in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    if node.style is None:  # plain (unquoted) scalars are resolved; quoted ones are text
        if node.tag == "tag:yaml.org,2002:int":
            try:
                return int(node.value.replace("_", ""), 0)
            except ValueError:
                return node.value
        if node.tag == "tag:yaml.org,2002:bool":
            return node.value.lower() in ("true", "yes", "on", "y")
        if node.tag == "tag:yaml.org,2002:null":
            return None
    return node.value


def _dotted(path: _Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top)"


def _line(lines: dict[_Path, int], path: _Path) -> int:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(assertions_schema())


def _read(path: Path) -> tuple[Any, dict[_Path, int], list[Problem]]:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError([Problem(source, expected=f"a readable UTF-8 YAML file: {exc}")]) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        raise LoadError([Problem(source, row=mark.line + 1 if mark else None,
                                 expected=f"valid YAML ({reason})")]) from None
    if node is None:
        raise LoadError([Problem(source, expected="a mapping with a 'tests' list")])
    lines: dict[_Path, int] = {}
    problems: list[Problem] = []
    document = _plain(node, (), lines, source, problems)
    for error in sorted(_validator().iter_errors(document), key=lambda e: list(e.path)):
        where: _Path = tuple(error.absolute_path)
        problems.append(Problem(source, row=_line(lines, where), column=_dotted(where),
                                value=_shown(error.instance), expected=_said(error)))
    return document, lines, problems


def _shown(value: Any) -> Any:
    return value if isinstance(value, str | int | bool) or value is None else None


def _said(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return f"only the fields the schema knows ({error.message})"
    if error.validator == "anyOf" and isinstance(error.schema, dict):
        options = [o.get("required", [""])[0] for o in error.schema.get("anyOf", [])
                   if isinstance(o, dict)]
        return f"at least one of {', '.join(options)}"
    if error.validator == "not":
        return "assigned: false without primary, secondary or list"
    if error.validator == "type":
        hint = " (quote it to keep it as text)" if error.validator_value == "string" else ""
        return f"a {error.validator_value}{hint}"
    return error.message


# ---------------------------------------------------------------------------- running


@attrs.frozen
class _Expectation:
    test: str
    kind: str
    line: int
    fields: dict[str, Any]


def _each(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of a list with their index (what is not a mapping the schema reports)."""
    if not isinstance(value, list):
        return []
    return [(n, v) for n, v in enumerate(value) if isinstance(v, dict)]


def _expectations(document: Any, lines: dict[_Path, int], source: str,
                  problems: list[Problem]) -> list[_Expectation]:
    """Every expectation in file order; dates, lists, roles and rule ids are read here.

    The walk tolerates a document that broke the schema, so that every problem of the
    file is reported at once.
    """
    found: list[_Expectation] = []
    known_rules = {r.id for r in RULES}
    flagged = {p.column for p in problems}
    tests = document.get("tests") if isinstance(document, dict) else None
    for t, test in _each(tests):
        for kind in KINDS:
            for n, fields in _each(test.get(kind)):
                path: _Path = ("tests", t, kind, n)
                read = dict(fields)
                for name, value in fields.items():
                    if _dotted((*path, name)) in flagged:
                        continue
                    try:
                        if name == "at":
                            read[name] = parse_date(value)
                        elif name == "list":
                            read[name] = ListKind.parse(value)
                        elif name == "role":
                            read[name] = Role.parse(value)
                    except KunshanRbacError as exc:
                        problems.append(Problem(source, row=_line(lines, (*path, name)),
                                                column=_dotted((*path, name)), value=value,
                                                expected=str(exc)))
                rule = fields.get("rule")
                if kind == "check" and isinstance(rule, str) and rule not in known_rules:
                    problems.append(Problem(
                        source, row=_line(lines, (*path, "rule")), column=_dotted((*path, "rule")),
                        value=rule,
                        expected="a rule id: " + ", ".join(r.id for r in RULES)))
                if kind == "route" and _router_factory() is None:
                    problems.append(Problem(
                        source, row=_line(lines, path), column=_dotted(path),
                        expected="route assertions need the dispatcher (kr.Router), which "
                        "this version of kunshan_rbac does not have"))
                found.append(_Expectation(str(test.get("name")), kind, _line(lines, path),
                                          read))
    return found


def _router_factory() -> Any:
    """``kunshan_rbac.Router`` when this version of the library has the dispatcher, else None.

    It is looked up on the package at run time, so that assertion files work with or
    without it.
    """
    return getattr(sys.modules.get(__name__.rpartition(".")[0]), "Router", None)


class _Runner:
    """Runs expectations against one graph, sharing the check reports between them."""

    def __init__(self, graph: ResponsibilityGraph) -> None:
        self.graph = graph
        self.reports: dict[datetime.date | None, Report] = {}
        self.router: Any = None

    def unit(self, name: str) -> str:
        return self.graph.unit(name).code

    def owner(self, f: dict[str, Any]) -> tuple[bool, str, str]:
        wanted = []
        if f.get("assigned") is False:
            wanted.append("on no list")
        if "list" in f:
            wanted.append(f"list {f['list'].value}")
        if "primary" in f:
            wanted.append(f"primary {f['primary']}")
        if "secondary" in f:
            wanted.append(f"secondary [{', '.join(f['secondary'])}]")
        expected = (f"{f['item']} in {f['town']} on {f['at'].isoformat()}: "
                    + (", ".join(wanted) or "on a list"))
        try:
            own = self.graph.owner(f["item"], town=f["town"], at=f["at"])
        except NotAssignedError as exc:
            return f.get("assigned") is False, expected, str(exc)
        secondary = sorted(u.code for u in own.secondary)
        found = (f"list {own.list.value}, primary {own.primary.name} ({own.primary.code}), "
                 f"secondary [{', '.join(f'{u.name} ({u.code})' for u in own.secondary)}], "
                 f"period {own.period}")
        ok = f.get("assigned", True) is not False
        if "list" in f:
            ok = ok and own.list is f["list"]
        if "primary" in f:
            ok = ok and self.unit(f["primary"]) == own.primary.code
        if "secondary" in f:
            ok = ok and sorted(self.unit(u) for u in f["secondary"]) == secondary
        return ok, expected, found

    def duties(self, f: dict[str, Any]) -> tuple[bool, str, str]:
        role = f.get("role")
        kind = f.get("list")
        scope = "".join([
            f" as {role.value}" if role is not None else "",
            f" on the {kind.value} list" if kind is not None else "",
            f" in {f['town']}" if "town" in f else "",
        ])
        wanted = []
        if "includes" in f:
            wanted.append(f"includes [{', '.join(f['includes'])}]")
        if "excludes" in f:
            wanted.append(f"excludes [{', '.join(f['excludes'])}]")
        if "count" in f:
            wanted.append(f"{f['count']} duties")
        expected = (f"{f['unit']}{scope} on {f['at'].isoformat()}: "
                    + (", ".join(wanted) or "any duties"))
        answers = self.graph.duties(f["unit"], at=f["at"], role=role, list=kind)
        if "town" in f:
            town = self.graph.town(f["town"]).code
            answers = [o for o in answers if o.town.code == town]
        held = {o.item.code for o in answers}
        missing = [n for n in f.get("includes", ()) if self.graph.item(n).code not in held]
        extra = [n for n in f.get("excludes", ()) if self.graph.item(n).code in held]
        ok = not missing and not extra and f.get("count", len(answers)) == len(answers)
        parts = [f"{len(answers)} duties"]
        if missing:
            parts.append(f"missing [{', '.join(missing)}]")
        if extra:
            parts.append(f"holds excluded [{', '.join(extra)}]")
        return ok, expected, ", ".join(parts)

    def check(self, f: dict[str, Any]) -> tuple[bool, str, str]:
        day = f.get("at")
        report = self.reports.get(day)
        if report is None:
            report = self.reports[day] = check(self.graph, at=day)
        count = len(report.by_rule().get(f["rule"], ()))
        bounds = []
        if "count" in f:
            bounds.append(f"exactly {f['count']}")
        if "min" in f:
            bounds.append(f"at least {f['min']}")
        if "max" in f:
            bounds.append(f"at most {f['max']}")
        when = f"on {day.isoformat()}" if day is not None else "over all dates"
        expected = f"{f['rule']} {when}: {' and '.join(bounds)} violations"
        ok = (f.get("count", count) == count and f.get("min", count) <= count
              and count <= f.get("max", count))
        return ok, expected, f"{count} violations"

    def route(self, f: dict[str, Any]) -> tuple[bool, str, str]:
        wanted = []
        if f.get("declined") is not None:
            wanted.append("declined" if f["declined"] else "not declined")
        if "item" in f:
            wanted.append(f"item {f['item']}")
        if "primary" in f:
            wanted.append(f"primary {f['primary']}")
        where = "".join([f" in {f['town']}" if "town" in f else "",
                         f" on {f['at'].isoformat()}" if "at" in f else ""])
        expected = f"{f['text']!r}{where}: {', '.join(wanted) or 'routed'}"
        if self.router is None:
            factory = _router_factory()
            assert factory is not None  # files with routes are refused without one
            self.router = factory(self.graph)
        router = self.router
        options = {k: f[k] for k in ("town", "at") if k in f}
        route = router.route(f["text"], **options)
        declined = bool(getattr(route, "declined", False))
        item = getattr(route, "item", None)
        item_code = getattr(item, "code", item)
        ownership = getattr(route, "ownership", None)
        primary = getattr(getattr(ownership, "primary", None), "code", None)
        found = ("declined" if declined
                 else f"item {item_code}, primary {primary if primary is not None else '-'}")
        ok = f.get("declined", declined) == declined
        if "item" in f:
            ok = ok and not declined and item_code == self.graph.item(f["item"]).code
        if "primary" in f:
            ok = ok and primary is not None and primary == self.unit(f["primary"])
        return ok, expected, found

    def run(self, expectation: _Expectation, source: str) -> AssertionResult:
        method: Callable[[dict[str, Any]], tuple[bool, str, str]] = getattr(
            self, expectation.kind)
        try:
            ok, expected, found = method(expectation.fields)
        except KunshanRbacError as exc:
            ok, expected, found = False, _fields_text(expectation.fields), str(exc)
        return AssertionResult(expectation.test, expectation.kind, source, expectation.line,
                               ok, expected, found)


def _fields_text(fields: dict[str, Any]) -> str:
    def text(value: Any) -> str:
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, ListKind | Role):
            return str(value.value)
        if isinstance(value, list):
            return "[" + ", ".join(str(v) for v in value) + "]"
        return str(value)

    return ", ".join(f"{k}: {text(v)}" for k, v in fields.items())


def run_assertions(path: str | Path, *, data: str | Path | None = None) -> AssertionReport:
    """Run the expectations of an assertion file and report each one's outcome.

    Args:
        path: the YAML assertion file (its schema: `assertions_schema`).
        data: the data set to test, overriding the file's ``data:`` (which is read
            relative to the file); the embedded sample when neither is given.

    Returns:
        The `AssertionReport`; ``report.ok`` is true when every expectation passed.

    Raises:
        LoadError: the file (or the data set) cannot be read; each problem has the file,
            the line (``row``) and the field (``column``).

    Examples:
        >>> import kunshan_rbac as kr, tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "lists.yaml").write_text('''
        ... tests:
        ...   - name: the pilots reclaimed their enforcement items
        ...     owner:
        ...       - {item: B-CJ-043, town: 玉山镇, at: 2025-12-31, primary: 玉山镇}
        ... ''', encoding="utf-8")
        >>> report = kr.run_assertions(folder / "lists.yaml")
        >>> report.ok, len(report.results)
        (True, 1)
    """
    file = Path(path)
    source = str(path)
    document, lines, problems = _read(file)
    expectations = _expectations(document, lines, source, problems)
    if problems:
        raise LoadError(sorted(problems, key=lambda p: p.row or 0))
    if data is not None:
        chosen: str | None = str(data)
    elif "data" in document:
        chosen = str(file.parent / document["data"])
    else:
        chosen = None
    runner = _Runner(load_data(chosen))
    return AssertionReport(source, chosen, tuple(runner.run(e, source) for e in expectations))


_frames.register(AssertionResult, "assertion")
_frames.register(AssertionReport, "assertion")
