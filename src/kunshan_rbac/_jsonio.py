"""The lossless JSON format: units, items, every record with its validity, every transfer.

The file is one JSON object, written canonically (keys sorted, one unit, item, record or
transfer per line, UTF-8), so that equal graphs give byte-equal files and diffs stay
readable. ``.json.gz`` paths are read and written gzip-compressed. Loading parses JSON
only: nothing in a file is ever evaluated.

The format is described by a JSON Schema (draft 2020-12) shipped in the package as
``kunshan_rbac/data/schema.json`` (`schema`). Reading validates against it first, and
reports every violation as a `Problem` whose ``sheet`` is the section (``units``,
``items``, ``records``, ``transfers``), ``row`` the index in it and ``column`` the field;
then it checks what a schema cannot (references between sections, unique codes and ids).
"""

from __future__ import annotations

import datetime
import functools
import gzip
import json
import re
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ._atomic import atomic_write
from ._errors import KunshanRbacError, LoadError, Problem, WriteError
from ._jsonfile import decode_utf8, depth_problems, parse, read_bytes
from ._limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    import jsonschema
from ._graph import ResponsibilityGraph, catalogue_of, store_of
from ._model import (
    Authority,
    Department,
    Item,
    ListKind,
    Record,
    Role,
    Town,
    Unit,
    _trusted_record,
)
from ._transfers import Move, Transfer, TransferKind

__all__ = ["FORMAT", "VERSION", "dumps", "loads", "read_json", "schema", "unit_from_dict",
           "write_json"]

FORMAT = "kunshan-rbac"
VERSION = 1

_UNIT_KINDS: dict[str, type[Town] | type[Department] | type[Authority]] = {
    "town": Town,
    "department": Department,
    "authority": Authority,
}


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _unit(unit: Unit) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": unit.kind,
        "code": unit.code,
        "name": unit.name,
        "aliases": list(unit.aliases),
        "parent": unit.parent,
    }
    if isinstance(unit, Authority):
        data["level"] = unit.level
    return data


def _item(item: Item) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "domain": item.domain,
        "power_type": item.power_type,
        "basis": list(item.basis),
        "parent": item.parent,
    }


def _record(record: Record) -> dict[str, Any]:
    return {
        "id": record.id,
        "unit": record.unit,
        "item": record.item,
        "town": record.town,
        "role": record.role.value,
        "list": record.list.value,
        "start": _day(record.start),
        "end": _day(record.end),
        "duty": record.duty,
        "source": record.source,
        "grant": record.grant,
        "opened_by": record.opened_by,
        "closed_by": record.closed_by,
    }


def _transfer(transfer: Transfer) -> dict[str, Any]:
    return {
        "id": transfer.id,
        "kind": transfer.kind.value,
        "effective": transfer.effective.isoformat(),
        "ref": transfer.ref,
        "reason": transfer.reason,
        "keep_secondary": transfer.keep_secondary,
        "reverts": transfer.reverts,
        "moves": [
            {
                "item": m.item,
                "town": m.town,
                "from_unit": m.from_unit,
                "to_unit": m.to_unit,
                "from_list": m.from_list.value,
                "to_list": m.to_list.value,
                "closed": list(m.closed),
                "opened": list(m.opened),
            }
            for m in transfer.moves
        ],
    }


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
"""One encoder for every line (``json.dumps`` with options builds a new one per call)."""


def _lines(graph: ResponsibilityGraph) -> Iterator[str]:
    dump = _ENCODER.encode
    sections: list[tuple[str, Callable[[Any], dict[str, Any]], list[Any]]] = [
        ("units", _unit, graph.units()),
        ("items", _item, graph.items()),
        ("records", _record, graph.records()),
        ("transfers", _transfer, graph.transfers()),
    ]
    yield "{"
    yield f'"format":{dump(FORMAT)},'
    yield f'"version":{VERSION},'
    for index, (name, convert, rows) in enumerate(sections):
        yield f'"{name}":['
        last = len(rows) - 1
        for position, row in enumerate(rows):
            yield dump(convert(row)) + ("," if position < last else "")
        yield "]" + ("," if index < len(sections) - 1 else "")
    yield "}"


def dumps(graph: ResponsibilityGraph) -> str:
    """The graph in the JSON format, as a string (canonical: equal graphs, equal text)."""
    return "\n".join(_lines(graph)) + "\n"


def write_json(graph: ResponsibilityGraph, path: str | Path) -> None:
    """Write the graph to a JSON file (``.json.gz``: gzip-compressed), atomically.

    The file is written beside ``path`` first and replaces it only when complete and
    flushed to disk: whatever goes wrong, the file that was there before is kept.

    Args:
        graph: the graph.
        path: where to write.

    Raises:
        WriteError: a text cannot be written as UTF-8 (a lone surrogate such as
            ``'\\ud800'``; the error names the record and field), ``path`` is a folder or
            its folder is missing, or the system refused the write (a full disk...).
    """
    target = Path(path)
    with atomic_write(target) as raw:
        # mtime=0 and no file name in a gzip header: equal graphs give equal bytes.
        packed = (
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
            if target.name.endswith(".gz")
            else None
        )
        sink: IO[bytes] | gzip.GzipFile = packed if packed is not None else raw
        section = ""
        index = -1
        batch: list[bytes] = []
        # Streamed line by line: the whole document is never held in memory.
        for line in _lines(graph):
            if line.endswith(":[") and line.startswith('"'):
                section, index = line[1:line.index('"', 1)], -1
            else:
                index += 1
            try:
                batch.append(line.encode("utf-8"))
            except UnicodeEncodeError:
                raise _unencodable(target, section, index, line) from None
            batch.append(b"\n")
            if len(batch) >= 2048:
                sink.write(b"".join(batch))
                batch.clear()
        sink.write(b"".join(batch))
        if packed is not None:
            packed.close()


def _unencodable(path: Path, section: str, index: int, line: str) -> WriteError:
    """The error for a line of `write_json` that UTF-8 cannot encode, naming its field."""
    reason = "a text with a lone surrogate (such as '\\ud800') cannot be written as UTF-8; " \
             "correct the text"
    try:
        row = json.loads(line.rstrip(","))
    except ValueError:
        return WriteError(path, reason)
    if not isinstance(row, dict):
        return WriteError(path, reason)
    field = next((name for name, value in row.items()
                  if _SURROGATE.search(json.dumps(value, ensure_ascii=False))), None)
    key = row.get("id", row.get("code", index))
    what = f"{section} #{key}" if section in ("records", "transfers") else f"{section} {key}"
    return WriteError(path, reason, record=what, field=field)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _date(value: Any) -> datetime.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date string or null, found {value!r}")
    return _iso_date(value)


@functools.lru_cache(maxsize=4096)
def _iso_date(value: str) -> datetime.date:
    """An ISO date, parsed once per distinct string so that equal dates share one object."""
    return datetime.date.fromisoformat(value)


def unit_from_dict(row: dict[str, Any]) -> Unit:
    """A unit from its JSON object (as `write_json` writes it; not validated here)."""
    fields = dict(row)
    kind = _UNIT_KINDS[fields.pop("kind")]
    fields["aliases"] = tuple(fields.get("aliases", ()))
    return kind(**fields)


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the format, as shipped in the package.

    Examples:
        >>> schema()["$schema"]
        'https://json-schema.org/draft/2020-12/schema'
    """
    return json.loads(json.dumps(_schema()))  # type: ignore[no-any-return]


@functools.cache
def _schema() -> dict[str, Any]:
    text = resources.files("kunshan_rbac").joinpath("data", "schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # only needed to explain a document that failed the fast check

    return jsonschema.Draft202012Validator(_schema())


_Check = Callable[[Any], bool]
_ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description", "then", "else"}
"""Keywords that constrain nothing by themselves (then / else belong to if)."""


_PLAIN_TYPES: dict[str, type] = {
    "string": str, "object": dict, "array": list, "boolean": bool, "null": type(None),
}


def _json_type(value: Any, name: str) -> bool:
    if name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _PLAIN_TYPES[name])


def _json_equal(left: Any, right: Any) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    return bool(left == right)


def _compile(schema: Any, root: dict[str, Any], cache: dict[str, _Check]) -> _Check:
    """A fast yes/no check equivalent to the schema, for the keywords the schema uses.

    `read_json` runs it first and asks jsonschema for the located reasons only when it
    says no. A keyword it does not know raises ``ValueError``, so that a change of the
    schema cannot silently weaken the check; a test compares both on many documents.
    """
    if schema is True:
        return _always
    if schema is False:
        return _never
    unknown = set(schema) - _ANNOTATIONS - _KEYWORDS
    if unknown:
        raise ValueError(f"schema keywords {sorted(unknown)} are not supported by the fast check")
    checks: list[_Check] = []
    if "$ref" in schema:
        checks.append(_reference(schema["$ref"], root, cache))
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        checks.append(_type_check(names))
    if "const" in schema:
        checks.append(_enum_check([schema["const"]]))
    if "enum" in schema:
        checks.append(_enum_check(schema["enum"]))
    if "pattern" in schema:
        checks.append(_pattern_check(re.compile(schema["pattern"])))
    if "minimum" in schema:
        checks.append(_minimum_check(schema["minimum"]))
    if {"required", "properties", "additionalProperties"} & set(schema):
        checks.append(_object_check(
            tuple(schema.get("required", ())),
            {k: _compile(v, root, cache) for k, v in schema.get("properties", {}).items()},
            _compile(schema.get("additionalProperties", True), root, cache),
        ))
    if "items" in schema:
        checks.append(_array_check(_compile(schema["items"], root, cache)))
    if "anyOf" in schema:
        checks.append(_any_check([_compile(s, root, cache) for s in schema["anyOf"]]))
    if "if" in schema:
        checks.append(_if_check(*(_compile(schema.get(k, True), root, cache)
                                  for k in ("if", "then", "else"))))
    return _all_check(checks)


_KEYWORDS = {"$ref", "type", "const", "enum", "pattern", "minimum", "required", "properties",
             "additionalProperties", "items", "anyOf", "if"}


def _always(_value: Any) -> bool:
    return True


def _never(_value: Any) -> bool:
    return False


def _all_check(checks: list[_Check]) -> _Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda value: first(value) and second(value)

    def check(value: Any) -> bool:
        return all(each(value) for each in checks)

    return check


def _type_check(names: list[str]) -> _Check:
    if all(name in _PLAIN_TYPES for name in names):
        types = tuple(_PLAIN_TYPES[name] for name in names)
        return lambda value: isinstance(value, types)

    def check(value: Any) -> bool:
        return any(_json_type(value, name) for name in names)

    return check


def _enum_check(choices: list[Any]) -> _Check:
    if all(isinstance(choice, str) for choice in choices):
        texts = frozenset(choices)
        return lambda value: isinstance(value, str) and value in texts

    def check(value: Any) -> bool:
        return any(_json_equal(value, choice) for choice in choices)

    return check


def _pattern_check(regex: re.Pattern[str]) -> _Check:
    def check(value: Any) -> bool:
        return not isinstance(value, str) or regex.search(value) is not None

    return check


def _minimum_check(minimum: float) -> _Check:
    def check(value: Any) -> bool:
        return not _json_type(value, "number") or value >= minimum

    return check


def _object_check(required: tuple[str, ...], properties: dict[str, _Check],
                  additional: _Check) -> _Check:
    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name in required:
            if name not in value:
                return False
        for name, item in value.items():
            each = properties.get(name, additional)
            if not each(item):
                return False
        return True

    return check


def _array_check(each: _Check) -> _Check:
    def check(value: Any) -> bool:
        return not isinstance(value, list) or all(each(item) for item in value)

    return check


def _any_check(options: list[_Check]) -> _Check:
    def check(value: Any) -> bool:
        return any(option(value) for option in options)

    return check


def _if_check(condition: _Check, then: _Check, otherwise: _Check) -> _Check:
    def check(value: Any) -> bool:
        return then(value) if condition(value) else otherwise(value)

    return check


def _reference(pointer: str, root: dict[str, Any], cache: dict[str, _Check]) -> _Check:
    if not pointer.startswith("#/"):
        raise ValueError(f"only local references are supported, not {pointer!r}")
    if pointer not in cache:
        target: Any = root
        for part in pointer[2:].split("/"):
            target = target[part]
        cache[pointer] = _never  # a reference cycle would fail closed, never loop
        cache[pointer] = _compile(target, root, cache)
    return cache[pointer]


@functools.cache
def _fast_check() -> _Check:
    return _compile(_schema(), _schema(), {})


_SECTIONS = ("units", "items", "records", "transfers")
_SCALARS = (str, int, float, bool, type(None))


def _schema_problems(data: Any, source: str) -> list[Problem]:
    """Every violation of the schema, as located problems in document order."""
    if _fast_check()(data):
        return []
    problems = []
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p).zfill(12)
                                                                   for p in e.absolute_path])
    for error in errors:
        path = list(error.absolute_path)
        sheet: str | None = None
        row: int | None = None
        if path and path[0] in _SECTIONS:
            sheet = str(path.pop(0))
            if path and isinstance(path[0], int):
                row = path.pop(0)
        instance = error.instance
        column = ".".join(str(p) for p in path) or None
        value = instance if isinstance(instance, _SCALARS) else None
        rule = error.validator
        if rule == "required" and isinstance(instance, dict):
            missing = [k for k in error.validator_value if k not in instance]
            column = ".".join(filter(None, [column, missing[0] if missing else None]))
            expected = "this field, which is required"
        elif rule == "additionalProperties" and isinstance(instance, dict):
            known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            extra = sorted(k for k in instance if k not in known)
            column = ".".join(filter(None, [column, extra[0] if extra else None]))
            value = None
            expected = "no such field (the format does not have it; check the spelling)"
        elif error.schema is False:
            expected = "no such field here"
        elif rule == "type":
            expected = f"a value of type {error.validator_value}"
        elif rule == "enum":
            expected = "one of " + ", ".join(json.dumps(v) for v in error.validator_value)
        elif rule == "const":
            expected = json.dumps(error.validator_value, ensure_ascii=False)
        elif isinstance(error.schema, dict) and "description" in error.schema:
            expected = str(error.schema["description"])
        else:
            expected = error.message
        problems.append(Problem(source, sheet, row, column, value, expected))
    return problems


_TEXTS = ("duty", "source", "grant")


def _read(data: Any, source: str, *, validate: bool = True) -> ResponsibilityGraph:
    problems: list[Problem] = []
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise LoadError(
            [Problem(source, column="format", value=found,
                     expected=f'an object with "format": "{FORMAT}"')]
        )
    if data.get("version") != VERSION:
        raise LoadError(
            [Problem(source, column="version", value=data.get("version"),
                     expected=f"version {VERSION}")]
        )
    invalid = _schema_problems(data, source) if validate else []
    if invalid:
        raise LoadError(invalid)
    graph = ResponsibilityGraph()

    def section(name: str) -> list[Any]:
        rows = data.get(name, [])
        if not isinstance(rows, list):
            problems.append(Problem(source, sheet=name, value=type(rows).__name__,
                                    expected="a list"))
            return []
        return rows

    def attempt(name: str, index: int, row: Any, action: Any) -> None:
        try:
            if not isinstance(row, dict):
                raise TypeError(f"expected an object, found {type(row).__name__}")
            action()
        except (KunshanRbacError, ValueError, TypeError, KeyError, AttributeError) as exc:
            field = getattr(exc, "field", None) or None
            if isinstance(exc, KeyError) and not isinstance(exc, KunshanRbacError):
                field, exc = str(exc.args[0]), ValueError("this field is missing")
            shown = row.get(field) if isinstance(row, dict) and field else None
            problems.append(Problem(source, sheet=name, row=index, column=field, value=shown,
                                    expected=str(exc)))

    for index, row in enumerate(section("units")):
        def add_unit(row: Any = row) -> None:
            graph.add_unit(unit_from_dict(row))
        attempt("units", index, row, add_unit)
    for index, row in enumerate(section("items")):
        def add_item(row: Any = row) -> None:
            fields = dict(row)
            fields["basis"] = tuple(fields.get("basis", ()))
            graph.add_item(Item(**fields))
        attempt("items", index, row, add_item)
    seen_ids: set[int] = set()
    # One string object per distinct code and text, and one date object per distinct
    # date: a national data set repeats them millions of times.
    catalogue, store = catalogue_of(graph), store_of(graph)
    units, items = catalogue.unit_map, catalogue.item_map
    shared: dict[str, str] = {code: code for code in (*units, *items)}
    roles = {r.value: r for r in Role}
    kinds = {k.value: k for k in ListKind}
    for index, row in enumerate(section("records")):
        def add_record(row: Any = row) -> None:
            # The schema has checked every field's type and form; what is left to check
            # is what it cannot see: dates that exist, ids used once, known codes.
            record_id = row["id"]
            unit = shared.get(row["unit"], row["unit"])
            item = shared.get(row["item"], row["item"])
            town = shared.get(row["town"], row["town"])
            if record_id in seen_ids:
                raise ValueError(f"record id {record_id} is used twice")
            if unit not in units:
                raise ValueError(f"unit {unit!r} is not in the catalogue")
            if item not in items:
                raise ValueError(f"item {item!r} is not in the catalogue")
            if type(units.get(town)) is not Town:
                raise ValueError(f"town {town!r} is not a town of the catalogue")
            duty, source, grant = (
                shared.setdefault(t, t) for t in (row.get(f, "") for f in _TEXTS)
            )
            record = _trusted_record(
                record_id, unit, item, town, roles[row["role"]], kinds[row["list"]],
                _date(row.get("start")), _date(row.get("end")), duty, source, grant,
                row.get("opened_by"), row.get("closed_by"),
            )
            seen_ids.add(record_id)
            store.insert(record)
        attempt("records", index, row, add_record)
    for index, row in enumerate(section("transfers")):
        def add_transfer(row: Any = row) -> None:
            fields = dict(row)
            moves = tuple(
                Move(
                    m["item"], m["town"], m["from_unit"], m["to_unit"],
                    ListKind(m["from_list"]), ListKind(m["to_list"]),
                    tuple(m["closed"]), tuple(m["opened"]),
                )
                for m in fields.pop("moves")
            )
            transfer = Transfer(
                id=fields.pop("id"),
                kind=TransferKind(fields.pop("kind")),
                effective=datetime.date.fromisoformat(fields.pop("effective")),
                moves=moves,
                **fields,
            )
            missing = [i for m in moves for i in (*m.closed, *m.opened) if i not in seen_ids]
            if missing:
                raise ValueError(f"moves name records that do not exist: {missing[:5]}")
            store.log_transfer(transfer)
        attempt("transfers", index, row, add_transfer)
    if problems:
        raise LoadError(problems)
    return graph


def loads(text: str, *, source: str = "<string>",
          limits: Limits | None = None) -> ResponsibilityGraph:
    """Read a graph from JSON text in the kunshan-rbac format.

    Args:
        text: the JSON text.
        source: how problems name the text.
        limits: the limits to apply (`DEFAULT_LIMITS` if not given).

    Raises:
        LoadError: the text is not JSON, or not in the format; every problem is listed.
    """
    limits = limits if limits is not None else DEFAULT_LIMITS
    if len(text) > limits.json_bytes:
        raise LoadError([Problem(source, value=f"{len(text):,} characters", expected=(
            f"at most {limits.json_bytes:,} characters of JSON (Limits.json_bytes)"))])
    data, strict = parse(text, source, limits)
    # A document that passes the fast check has the schema's shape, hence its depth;
    # only one that fails it is walked (without recursion) before it is explained.
    valid = _fast_check()(data)
    if not valid:
        deep = depth_problems(data, source, limits.depth)
        if deep:
            raise LoadError(strict + deep)
    try:
        graph = _read(data, source, validate=not valid)
    except RecursionError:
        raise LoadError(strict + (depth_problems(data, source, limits.depth) or [
            Problem(source, expected="JSON nested less deeply")])) from None
    except LoadError as exc:
        if not strict:
            raise
        places = {(p.sheet, p.row, p.column) for p in strict}
        raise LoadError(strict + [p for p in exc.problems
                                  if (p.sheet, p.row, p.column) not in places]) from None
    if strict:
        raise LoadError(strict)
    return graph


def read_json(path: str | Path, *, limits: Limits | None = None) -> ResponsibilityGraph:
    """Read a graph written by `write_json` (``.json`` or ``.json.gz``).

    Args:
        path: the file.
        limits: the limits to apply (`DEFAULT_LIMITS` if not given): ``json_bytes`` bounds
            the text (for ``.json.gz``, once decompressed; decompression stops there) and
            ``depth`` the nesting.

    Returns:
        The graph, with every record and transfer as written.

    Raises:
        LoadError: the file cannot be read as the format, or exceeds a limit; every
            problem is listed with its place.
    """
    limits = limits if limits is not None else DEFAULT_LIMITS
    source = str(path)
    text = decode_utf8(read_bytes(path, source, limits), source)
    return loads(text, source=source, limits=limits)
