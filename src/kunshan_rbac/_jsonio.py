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

`read_json` reads a file laid out as `write_json` lays it out one line at a time (the
records a block of lines at a time), so that memory holds the graph being built and never
the document; repeated codes, dates and texts become one object each, as in a graph built
through the API. Any other layout (the same
JSON indented, or on one line), and any file with a problem, is read whole, which finds
and places every problem exactly as `loads` does.
"""

from __future__ import annotations

import datetime
import functools
import gzip
import itertools
import json
import re
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ._atomic import atomic_write
from ._errors import KunshanRbacError, LoadError, Problem, WriteError
from ._jsonfile import Lines, decode_utf8, depth_problems, parse, read_bytes, read_lines
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
    _trusted_move,
    _trusted_record,
)
from ._pause import collection_paused
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

    whole = "integer" in names or "number" in names

    def check(value: Any) -> bool:
        if whole and type(value) is int:
            return True
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
        if type(value) is int:
            return value >= minimum
        return not _json_type(value, "number") or value >= minimum

    return check


def _object_check(required: tuple[str, ...], properties: dict[str, _Check],
                  additional: _Check) -> _Check:
    needed = frozenset(required)
    known = {name: _remembered(each) for name, each in properties.items()}
    if additional is _never:
        allowed = frozenset(properties)

        def closed(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            keys = value.keys()
            if not (keys >= needed and keys <= allowed):
                return False
            return all(known[name](item) for name, item in value.items())

        return closed

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        if not value.keys() >= needed:
            return False
        for name, item in value.items():
            each = known.get(name, additional)
            if not each(item):
                return False
        return True

    return check


_REMEMBERED = 1 << 16
"""How many distinct texts each field's check remembers its answer for."""


def _remembered(each: _Check) -> _Check:
    """``each``, answering again at once for ``None`` and for a text it has seen: a
    large file repeats its codes, dates and texts millions of times."""
    if each is _always or each is _never:
        return each
    if_none = each(None)
    seen: dict[str, bool] = {}

    def check(value: Any) -> bool:
        if value is None:
            return if_none
        if type(value) is str:
            answer = seen.get(value)
            if answer is None:
                answer = each(value)
                if len(seen) < _REMEMBERED:
                    seen[value] = answer
            return answer
        return each(value)

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


class _Ids:
    """The record ids seen so far: a bitmap for the dense ids a graph gives, a set for
    the rest (a file's ids may be anything from 0 up)."""

    def __init__(self) -> None:
        self._bits = bytearray(1 << 12)
        self._rest: set[int] = set()
        self._count = 0
        self._top = -1  # the largest whole id added (-1 before any)

    @property
    def next_fresh(self) -> int:
        """The smallest id greater than every whole id seen (0 before any): an id that
        is certainly new, as are the ones after it."""
        return self._top + 1

    def __contains__(self, number: int) -> bool:
        if type(number) is not int:
            number = _whole(number)
            if type(number) is not int:
                return number in self._rest
        if 0 <= number < len(self._bits) << 3 and self._bits[number >> 3] & (1 << (number & 7)):
            return True
        return number in self._rest

    def add(self, number: int) -> None:
        self._count += 1
        if type(number) is not int:
            number = _whole(number)
        if type(number) is not int or number < 0:
            self._rest.add(number)
            return
        if number > self._top:
            self._top = number
        size = len(self._bits) << 3
        if number >= size and number < 4 * self._count + (1 << 20):
            # Dense enough: grow the bitmap (doubling) rather than fill the set.
            self._bits.extend(bytes(max(len(self._bits), (number >> 3) + 1 - len(self._bits))))
            size = len(self._bits) << 3
        if number < size:
            self._bits[number >> 3] |= 1 << (number & 7)
        else:
            self._rest.add(number)


    def add_fresh(self, number: int) -> bool:
        """Add a non-negative ``int``; whether it was not there before (one call
        instead of ``in`` and `add`, for the reader's hot path)."""
        bits = self._bits
        if number >= 0 and number >> 3 < len(bits):
            mask = 1 << (number & 7)
            if bits[number >> 3] & mask or (self._rest and number in self._rest):
                return False
            bits[number >> 3] |= mask
            self._count += 1
            if number > self._top:
                self._top = number
            return True
        if number in self._rest:
            return False
        self.add(number)
        return True

    def add_range(self, first: int, stop: int) -> None:
        """Add the ids ``first`` to ``stop - 1``, none of which may have been seen:
        ``first`` is at least `next_fresh` (a reader's rows numbered one after another
        cost one call per thousand rows instead of one per row)."""
        if stop <= first:
            return
        if first < self.next_fresh:
            raise ValueError(f"ids from {first} may have been seen (next fresh id "
                             f"{self.next_fresh})")
        self._count += stop - first
        self._top = stop - 1
        bits = self._bits
        size = len(bits)
        if stop > size << 3:
            if stop >= 4 * self._count + (1 << 20):
                self._rest.update(range(first, stop))
                return
            bits.extend(bytes(max(size, ((stop + 7) >> 3) - size)))
        low, high = first >> 3, (stop - 1) >> 3
        if low == high:
            bits[low] |= ((1 << (stop - first)) - 1) << (first & 7)
            return
        bits[low] |= (0xFF << (first & 7)) & 0xFF
        bits[low + 1:high] = b"\xff" * (high - low - 1)
        bits[high] |= (1 << (((stop - 1) & 7) + 1)) - 1


def _whole(number: Any) -> Any:
    """``number`` as an ``int`` when it equals one (``1.0``, ``True``: a set holds them
    as ``1``)."""
    if isinstance(number, bool) or (isinstance(number, float) and number.is_integer()):
        return int(number)
    return number


class _Builder:
    """A graph built from the rows of a document, section by section, in file order.

    Each method takes one row (a dict that passed the schema) and adds it, or raises
    (`KunshanRbacError`, ``ValueError``, ``TypeError``, ``KeyError``) without adding it.
    Both readers use it: `loads` on the parsed document, `read_json` line by line.
    """

    def __init__(self) -> None:
        self.graph = ResponsibilityGraph()
        self.seen = _Ids()
        self._catalogue = catalogue_of(self.graph)
        self._store = store_of(self.graph)
        # One string object per distinct code and text, one int per distinct transfer
        # id: a national data set repeats them millions of times.
        self._shared: dict[str, str] | None = None
        self._numbers: dict[int, int] = {}
        self._roles = {r.value: r for r in Role}
        self._kinds = {k.value: k for k in ListKind}
        self._run: list[Record] = []

    def unit(self, row: dict[str, Any]) -> None:
        self.graph.add_unit(unit_from_dict(row))

    def item(self, row: dict[str, Any]) -> None:
        fields = dict(row)
        fields["basis"] = tuple(fields.get("basis", ()))
        self.graph.add_item(Item(**fields))

    def record(self, row: dict[str, Any]) -> None:
        self.add_record(
            row["id"], row["unit"], row["item"], row["town"], row["role"], row["list"],
            row.get("start"), row.get("end"), row.get("duty", ""), row.get("source", ""),
            row.get("grant", ""), row.get("opened_by"), row.get("closed_by"),
        )

    def add_record(self, record_id: int, unit: str, item: str, town: str, role: str,
                   kind: str, start: str | None, end: str | None, duty: str, source: str,
                   grant: str, opened: int | None, closed: int | None) -> None:
        """Add a record from the fields of its row (which passed the schema)."""
        # The schema has checked every field's type and form; what is left to check
        # is what it cannot see: dates that exist, ids used once, known codes.
        shared = self._shared_texts()
        units, items = self._catalogue.unit_map, self._catalogue.item_map
        unit = shared.get(unit, unit)
        item = shared.get(item, item)
        town = shared.get(town, town)
        if record_id in self.seen:
            raise ValueError(f"record id {record_id} is used twice")
        if unit not in units:
            raise ValueError(f"unit {unit!r} is not in the catalogue")
        if item not in items:
            raise ValueError(f"item {item!r} is not in the catalogue")
        if type(units.get(town)) is not Town:
            raise ValueError(f"town {town!r} is not a town of the catalogue")
        numbers = self._numbers
        record = _trusted_record(
            record_id, unit, item, town, self._roles[role], self._kinds[kind],
            _date(start), _date(end), shared.setdefault(duty, duty),
            shared.setdefault(source, source), shared.setdefault(grant, grant),
            numbers.setdefault(opened, opened) if opened is not None else None,
            numbers.setdefault(closed, closed) if closed is not None else None,
        )
        self.seen.add(record_id)
        run = self._run
        if run and (run[0].item is not item or run[0].town is not town):
            self.flush()
            run = self._run
        run.append(record)

    def plain_records(self, lines: Lines, closing: bytes, check: _Check) -> list[bytes]:
        """Add the rows of a records section laid out as `write_json` lays it out, one per
        line, up to its ``closing`` line; the lines read past it, which the caller reads
        next.

        What `record` does for each row, written out for the record rows `_ROWS` finds
        (every row `write_json` writes without escapes, but the last), a thousand lines
        at a time, with the records stored a few hundred (item, town) runs at a time:
        at national scale each microsecond per row is a quarter of a minute. Any other
        row is parsed, checked against the schema (``check``) and added by `record`.
        Anything out of place raises `_NotPlain`, or the error `add_record` would raise.
        """
        split_rows = _ROWS.findall
        decode = _ROW.decode
        end_line = closing.decode("utf-8")
        seen = self.seen
        fresh = seen.add_fresh
        # Ids one after another, each above every id seen, are new: they are added a
        # range at a time (``low`` to ``after - 1``); any other id is checked as it comes.
        low = after = seen.next_fresh
        catalogue = self._catalogue
        units = catalogue.unit_map
        unit_codes = {code: code for code in units}
        item_codes = {code: code for code in catalogue.item_map}
        texts = self._shared_texts()
        numbers = self._numbers
        roles, kinds = self._roles, self._kinds
        days: dict[str, datetime.date | None] = {"": None}
        make = _trusted_record
        insert = self._store.insert_runs
        self.flush()
        runs: list[list[Record]] = []
        run: list[Record] = []
        run_item = run_town = ""
        more = False  # whether the last row ended with a comma
        rows = 0
        while True:
            block = lines.block(_BLOCK)
            if not block:
                raise _NotPlain
            text = block.decode("utf-8")
            found = split_rows(text)
            if found[0][8] and rows and not more:  # a row after one without a comma
                raise _NotPlain
            matched = 0
            for (closed, duty, end, grant, number, item, kind, opened, role, source, start,
                 town, unit, _) in found:
                if not role:  # not a record row as `write_json` writes it
                    break
                matched += 1
                record_id = int(number)
                if record_id == after:
                    after += 1
                else:
                    seen.add_range(low, after)
                    if not fresh(record_id):
                        raise ValueError(f"record id {record_id} is used twice")
                    low = after = seen.next_fresh
                if item != run_item or town != run_town:
                    if run:
                        runs.append(run)
                        if len(runs) >= 256:
                            insert(runs)
                            runs = []
                        run = []
                    run_item = item_codes.get(item, "")
                    if not run_item:
                        raise ValueError(f"item {item!r} is not in the catalogue")
                    run_town = unit_codes.get(town, "")
                    if type(units.get(town)) is not Town:
                        raise ValueError(f"town {town!r} is not a town of the catalogue")
                code = unit_codes.get(unit)
                if code is None:
                    raise ValueError(f"unit {unit!r} is not in the catalogue")
                # A group the row does not use is "" (null): no date or number is empty.
                first = days.get(start)
                if first is None and start:
                    first = days[start] = _iso_date(start)
                last = days.get(end)
                if last is None and end:
                    last = days[end] = _iso_date(end)
                opened_by = closed_by = None
                if opened:
                    value = int(opened)
                    opened_by = numbers.setdefault(value, value)
                if closed:
                    value = int(closed)
                    closed_by = numbers.setdefault(value, value)
                run.append(make(
                    record_id, code, run_item, run_town, roles[role], kinds[kind], first,
                    last, texts.setdefault(duty, duty), texts.setdefault(source, source),
                    texts.setdefault(grant, grant), opened_by, closed_by,
                ))
            # Each matched row is one line, ending with a comma.
            if matched:
                rows += matched
                more = True
            seen.add_range(low, after)
            low = after = seen.next_fresh
            # The lines no row matched (each matched row is one line, so they follow
            # the first ``matched`` lines): the closing line, the last row (without its
            # comma), rows with escapes or out of place.
            *tail, final = text.split("\n")
            left = [f"{line}\n" for line in tail[matched:]]
            if final:  # the end of the file, without a newline
                left.append(final)
            for index, line in enumerate(left):
                if line == end_line:
                    if more:
                        raise _NotPlain
                    runs.append(run)
                    insert(runs)
                    return [after_line.encode("utf-8") for after_line in left[index + 1:]]
                if rows and not more:
                    raise _NotPlain
                rows += 1
                body = line[:-1] if line.endswith("\n") else line
                more = body.endswith(",")
                row = decode(body[:-1] if more else body)
                if type(row) is not dict or not check(row):
                    raise _NotPlain
                runs.append(run)
                insert(runs)
                runs, run, run_item, run_town = [], [], "", ""
                self.record(row)
                self.flush()
                low = after = seen.next_fresh

    def _shared_texts(self) -> dict[str, str]:
        """The one object of each distinct code and text read so far."""
        shared = self._shared
        if shared is None:
            shared = self._shared = {code: code for code in (*self._catalogue.unit_map,
                                                             *self._catalogue.item_map)}
        return shared

    def flush(self) -> None:
        """Store the records read so far (a file keeps each (item, town)'s records
        together, so they are stored a run at a time)."""
        if self._run:
            self._store.insert_run(self._run)
            self._run = []

    def transfer(self, row: dict[str, Any]) -> None:
        self.flush()
        fields = dict(row)
        moves = tuple(
            Move(
                m["item"], m["town"], m["from_unit"], m["to_unit"],
                ListKind(m["from_list"]), ListKind(m["to_list"]),
                tuple(m["closed"]), tuple(m["opened"]),
            )
            for m in fields.pop("moves")
        )
        number = fields.pop("id")
        transfer = Transfer(
            id=self._numbers.setdefault(number, number),
            kind=TransferKind(fields.pop("kind")),
            effective=_iso_date(fields.pop("effective")),
            moves=moves,
            **fields,
        )
        missing = [i for m in moves for i in (*m.closed, *m.opened) if i not in self.seen]
        if missing:
            raise ValueError(f"moves name records that do not exist: {missing[:5]}")
        self._store.log_transfer(transfer)

    def plain_transfer(self, text: str) -> bool:
        """Add a transfer row laid out as `write_json` lays it out (without its line's
        comma), as `transfer` would; ``False``, adding nothing, when the row is not
        such a row (the caller then parses and checks it in full).

        At national scale a file holds over half a million transfers; parsing each into
        dicts and checking them against the schema took about as long as a twentieth
        of the records.
        """
        head = _TRANSFER_HEAD.match(text)
        if head is None:
            return False
        effective, number, keep, kind = head.groups()
        position = head.end()
        found: list[tuple[str | Any, ...]] = []
        match_move = _MOVE.match
        while text.startswith("{", position):
            move = match_move(text, position)
            if move is None:
                return False
            found.append(move.groups())
            position = move.end()
            if text.startswith(",{", position):
                position += 1
        tail = _TRANSFER_TAIL.fullmatch(text, position)
        if tail is None:
            return False
        reason, ref, reverts = tail.groups()
        self.flush()
        kinds = self._kinds
        seen = self.seen
        moves = []
        for closed, from_list, from_unit, item, opened, to_list, to_unit, town in found:
            closed_ids = tuple(map(int, closed.split(","))) if closed else ()
            opened_ids = tuple(map(int, opened.split(","))) if opened else ()
            for record_id in (*closed_ids, *opened_ids):
                if record_id not in seen:
                    raise ValueError(f"moves name records that do not exist: {[record_id]}")
            moves.append(_trusted_move(item, town, from_unit, to_unit, kinds[from_list],
                                       kinds[to_list], closed_ids, opened_ids))
        value = int(number)
        self._store.log_transfer(Transfer(
            id=self._numbers.setdefault(value, value),
            kind=TransferKind(kind),
            effective=_iso_date(effective),
            moves=tuple(moves),
            ref=ref,
            reason=reason,
            keep_secondary=keep == "true",
            reverts=int(reverts) if reverts is not None else None,
        ))
        return True

    def finish(self) -> ResponsibilityGraph:
        self.flush()
        return self.graph


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
    builder = _Builder()

    def section(name: str) -> list[Any]:
        rows = data.get(name, [])
        if not isinstance(rows, list):
            problems.append(Problem(source, sheet=name, value=type(rows).__name__,
                                    expected="a list"))
            return []
        return rows

    def attempt(name: str, index: int, row: Any, action: Callable[[Any], None]) -> None:
        try:
            if not isinstance(row, dict):
                raise TypeError(f"expected an object, found {type(row).__name__}")
            action(row)
        except (KunshanRbacError, ValueError, TypeError, KeyError, AttributeError) as exc:
            field = getattr(exc, "field", None) or None
            if isinstance(exc, KeyError) and not isinstance(exc, KunshanRbacError):
                field, exc = str(exc.args[0]), ValueError("this field is missing")
            shown = row.get(field) if isinstance(row, dict) and field else None
            problems.append(Problem(source, sheet=name, row=index, column=field, value=shown,
                                    expected=str(exc)))

    for name, action in _actions(builder):
        for index, row in enumerate(section(name)):
            attempt(name, index, row, action)
    graph = builder.finish()
    if problems:
        raise LoadError(problems)
    return graph


def _actions(builder: _Builder) -> tuple[tuple[str, Callable[[Any], None]], ...]:
    """Each section's name with the builder's method that adds one of its rows."""
    return (("units", builder.unit), ("items", builder.item), ("records", builder.record),
            ("transfers", builder.transfer))


class _NotPlain(Exception):
    """A file that `_stream` does not read: not laid out line by line as `write_json`
    writes it, or with a problem somewhere. `read_json` then reads it whole, which
    finds and places every problem."""


def _no_float(_text: str) -> float:
    raise _NotPlain


def _single_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    row = dict(pairs)
    if len(row) != len(pairs):
        raise _NotPlain
    return row


_ROW = json.JSONDecoder(object_pairs_hook=_single_keys, parse_float=_no_float)
"""Reads one row of a plain file: a key given twice or a decimal number is not plain."""

_HEAD = (b"{\n", b'"format":"kunshan-rbac",\n', b'"version":1,\n')

# Possessive repeats (``*+``, ``++``): what follows each can never be part of it, so
# the matcher need not keep its places to backtrack to (a few per cent of a national read).
_TEXT = r'"([^"\\\x00-\x1f]*+)"'
_CODE = r'"([^"\\\s\x00-\x1f]++)"'
_DAY = r'(?:"([0-9]{4}-[0-9]{2}-[0-9]{2})"|null)'
_NUMBER = r'(0|[1-9][0-9]{0,17}+)'
_RECORD = re.compile(
    r'\{"closed_by":(?:' + _NUMBER + r'|null),"duty":' + _TEXT + r',"end":' + _DAY
    + r',"grant":' + _TEXT + r',"id":' + _NUMBER + r',"item":' + _CODE
    + r',"list":"(basic|cooperative|reclaimed)","opened_by":(?:' + _NUMBER
    + r'|null),"role":"(primary|secondary)","source":' + _TEXT + r',"start":' + _DAY
    + r',"town":' + _CODE + r',"unit":' + _CODE + r'\}'
)
"""A record row exactly as `write_json` writes it, with texts that need no escape: a row
that matches has the schema's shape and means what `json.loads` reads in it (keys once,
in order, whole numbers, no escapes), so it is read without building a dict. Any other
row is parsed and checked in full."""

_ROWS = re.compile(f"(?:{_RECORD.pattern},\n)|([^\n]*)\n?")
"""Every line of a block of record rows, in order (``findall`` gives one tuple per line):
a record row as `_RECORD` reads it, with the comma and the end of its line (every row of
the section but the last), as its groups with the last one empty; or any other line, as
the last group with the others empty."""

_BLOCK = 1 << 18
"""Bytes of record rows read and matched at a time (about a thousand rows)."""

_IDS = r'\[((?:' + _NUMBER[1:-1] + r')(?:,(?:' + _NUMBER[1:-1] + r'))*)?\]'
_LIST = r'"(basic|cooperative|reclaimed)"'
_TRANSFER_HEAD = re.compile(
    r'\{"effective":"([0-9]{4}-[0-9]{2}-[0-9]{2})","id":' + _NUMBER
    + r',"keep_secondary":(true|false),"kind":"(reclaim|delegate|revert)","moves":\['
)
_MOVE = re.compile(
    r'\{"closed":' + _IDS + r',"from_list":' + _LIST + r',"from_unit":' + _CODE
    + r',"item":' + _CODE + r',"opened":' + _IDS + r',"to_list":' + _LIST
    + r',"to_unit":' + _CODE + r',"town":' + _CODE + r'\}'
)
_TRANSFER_TAIL = re.compile(
    r'\],"reason":' + _TEXT + r',"ref":' + _TEXT + r',"reverts":(?:' + _NUMBER + r'|null)\}'
)
"""A transfer row exactly as `write_json` writes it (without the line's comma), in three
parts: its fields up to the moves, each move, and the fields after them. A row they match
has the schema's shape and means what `json.loads` reads in it, as for `_RECORD`."""


@functools.cache
def _row_checks() -> dict[str, _Check]:
    """The schema's fast check of one row of each section."""
    root = _schema()
    cache: dict[str, _Check] = {}
    return {name: _compile(root["properties"][name]["items"], root, cache)
            for name in _SECTIONS}


def _stream(source: Lines) -> ResponsibilityGraph:
    """The graph of a file written by `write_json`, read one line at a time.

    The lines must be exactly as `write_json` lays them out (the head, then each section
    opened on its own line with one row per line and closed by ``]``). Each row is
    parsed, checked against the schema and added as `loads` would; the first thing out
    of place, or any problem, raises `_NotPlain`.
    """
    lines: Iterator[bytes] = source
    for expected in _HEAD:
        if next(lines, None) != expected:
            raise _NotPlain
    builder = _Builder()
    checks = _row_checks()
    decode = _ROW.decode
    actions = _actions(builder)
    for position, (name, action) in enumerate(actions):
        if next(lines, None) != f'"{name}":[\n'.encode():
            raise _NotPlain
        check = checks[name]
        closing = b"]\n" if position == len(actions) - 1 else b"],\n"
        if name == "records":
            try:
                # Nothing was read ahead of ``source`` yet: the records are read from
                # it a block of lines at a time.
                after = builder.plain_records(source, closing, check)
            except (KunshanRbacError, ValueError, TypeError, KeyError, AttributeError,
                    RecursionError) as exc:
                raise _NotPlain from exc
            lines = itertools.chain(after, lines)
            continue
        plain = builder.plain_transfer if name == "transfers" else None
        more = False  # whether the last row ended with a comma
        for rows, line in enumerate(lines):
            if line == closing:
                if more:
                    raise _NotPlain
                break
            if rows and not more:
                raise _NotPlain
            body = line[:-1] if line.endswith(b"\n") else line
            more = body.endswith(b",")
            try:
                text = (body[:-1] if more else body).decode("utf-8")
                if plain is not None and plain(text):
                    continue
                row = decode(text)
                if type(row) is not dict or not check(row):
                    raise _NotPlain
                action(row)
            except (KunshanRbacError, ValueError, TypeError, KeyError, AttributeError,
                    RecursionError) as exc:
                raise _NotPlain from exc
        else:
            raise _NotPlain
    if next(lines, None) not in (b"}\n", b"}") or next(lines, None) is not None:
        raise _NotPlain
    return builder.finish()


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

    A file laid out as `write_json` writes it (one unit, item, record or transfer per
    line) is read line by line: the document is never held in memory, only the graph
    built from it. Other layouts of the same JSON are read whole, and so is a file with a
    problem, so that every problem is reported with its place whatever the layout.

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
    # A file as `write_json` lays it out is read line by line, never held whole; any
    # other layout, and any file with a problem, is read whole, so that every problem
    # is found and placed as `loads` places it.
    try:
        with collection_paused(), read_lines(path, source, limits) as lines:
            return _stream(lines)
    except _NotPlain:
        pass
    text = decode_utf8(read_bytes(path, source, limits), source)
    return loads(text, source=source, limits=limits)
