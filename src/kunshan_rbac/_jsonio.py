"""The lossless JSON format: units, items, every record with its validity, every transfer.

The file is one JSON object, written canonically (keys sorted, one unit, item, record or
transfer per line, UTF-8), so that equal graphs give byte-equal files and diffs stay
readable. ``.json.gz`` paths are read and written gzip-compressed. Loading parses JSON
only: nothing in a file is ever evaluated.
"""

from __future__ import annotations

import datetime
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ._errors import KunshanRbacError, LoadError, Problem
from ._graph import ResponsibilityGraph
from ._model import Authority, Department, Item, ListKind, Record, Role, Town, Unit
from ._transfers import Move, Transfer, TransferKind

__all__ = ["FORMAT", "VERSION", "dumps", "loads", "read_json", "write_json"]

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


def _lines(graph: ResponsibilityGraph) -> Iterator[str]:
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    sections: list[tuple[str, list[dict[str, Any]]]] = [
        ("units", [_unit(u) for u in graph.units()]),
        ("items", [_item(i) for i in graph.items()]),
        ("records", [_record(r) for r in graph.records()]),
        ("transfers", [_transfer(t) for t in graph.transfers()]),
    ]
    yield "{"
    yield f'"format":{dump(FORMAT)},'
    yield f'"version":{VERSION},'
    for index, (name, rows) in enumerate(sections):
        yield f'"{name}":['
        for position, row in enumerate(rows):
            yield dump(row) + ("," if position < len(rows) - 1 else "")
        yield "]" + ("," if index < len(sections) - 1 else "")
    yield "}"


def dumps(graph: ResponsibilityGraph) -> str:
    """The graph in the JSON format, as a string (canonical: equal graphs, equal text)."""
    return "\n".join(_lines(graph)) + "\n"


def write_json(graph: ResponsibilityGraph, path: str | Path) -> None:
    """Write the graph to a JSON file (``.json.gz``: gzip-compressed).

    Args:
        graph: the graph.
        path: where to write.
    """
    target = Path(path)
    text = dumps(graph)
    if target.name.endswith(".gz"):
        with gzip.open(target, "wt", encoding="utf-8") as handle:
            handle.write(text)
    else:
        target.write_text(text, encoding="utf-8")


def _date(value: Any) -> datetime.date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO date string or null, found {value!r}")
    return datetime.date.fromisoformat(value)


def _read(data: Any, source: str) -> ResponsibilityGraph:
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
            fields = dict(row)
            kind = _UNIT_KINDS[fields.pop("kind")]
            fields["aliases"] = tuple(fields.get("aliases", ()))
            graph.add_unit(kind(**fields))
        attempt("units", index, row, add_unit)
    for index, row in enumerate(section("items")):
        def add_item(row: Any = row) -> None:
            fields = dict(row)
            fields["basis"] = tuple(fields.get("basis", ()))
            graph.add_item(Item(**fields))
        attempt("items", index, row, add_item)
    seen_ids: set[int] = set()
    for index, row in enumerate(section("records")):
        def add_record(row: Any = row, index: int = index) -> None:
            fields = dict(row)
            record = Record(
                fields.pop("id"),
                fields.pop("unit"),
                fields.pop("item"),
                fields.pop("town"),
                Role(fields.pop("role")),
                ListKind(fields.pop("list")),
                _date(fields.pop("start")),
                _date(fields.pop("end")),
                **fields,
            )
            if record.id in seen_ids:
                raise ValueError(f"record id {record.id} is used twice")
            for field, code in (("unit", record.unit), ("item", record.item)):
                known = graph._units if field == "unit" else graph._items
                if code not in known:
                    raise ValueError(f"{field} {code!r} is not in the catalogue")
            if not isinstance(graph._units.get(record.town), Town):
                raise ValueError(f"town {record.town!r} is not a town of the catalogue")
            seen_ids.add(record.id)
            graph._insert(record)
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
            graph._transfers.append(transfer)
        attempt("transfers", index, row, add_transfer)
    if problems:
        raise LoadError(problems)
    return graph


def loads(text: str, *, source: str = "<string>") -> ResponsibilityGraph:
    """Read a graph from JSON text in the kunshan-rbac format.

    Raises:
        LoadError: the text is not JSON, or not in the format; every problem is listed.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(
            [Problem(source, row=exc.lineno, column=str(exc.colno), expected=f"JSON: {exc.msg}")]
        ) from None
    return _read(data, source)


def read_json(path: str | Path) -> ResponsibilityGraph:
    """Read a graph written by `write_json` (``.json`` or ``.json.gz``).

    Args:
        path: the file.

    Returns:
        The graph, with every record and transfer as written.

    Raises:
        LoadError: the file cannot be read as the format; every problem is listed.
    """
    source = str(path)
    try:
        handle: IO[str]
        if source.endswith(".gz"):
            handle = gzip.open(path, "rt", encoding="utf-8")
        else:
            handle = open(path, encoding="utf-8")  # noqa: SIM115
        with handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise LoadError([Problem(source, expected=f"a readable UTF-8 file: {exc}")]) from None
    return loads(text, source=source)
