"""Export to OpenFGA: an authorization model, its tuples with dated conditions, store tests.

Units and items are objects (``unit:yushan``, ``item:B-CJ-043``) with their parents; each
(item, town, list) is a ``duty`` object (``duty:B-CJ-043|yushan|basic``) with the relations
``primary``, ``secondary`` and ``responsible`` (either). A unit's role holds over its
validity periods through a condition on the tuple: ``in_period`` with ``start`` and
``end`` timestamps for one period, ``in_periods`` with a map of them where the same unit
holds the same role on the same duty in several periods (OpenFGA refuses a second tuple
with the same user, relation and object). Requests pass ``current_date``, the day asked
about at midnight UTC.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from ._authz import (
    VALUES,
    GrantRow,
    Period,
    answers,
    duty_id,
    encode,
    grant_rows,
    probe_dates,
    town_duties,
)
from ._graph import ResponsibilityGraph
from ._model import Item, ListKind, Role, Unit
from ._outfile import replace_stream, replace_text

__all__ = ["MODEL_DSL", "OpenFGAExport", "timestamp", "to_openfga"]

MODEL_DSL = """\
model
  schema 1.1

type unit
  relations
    define parent: [unit]

type item
  relations
    define parent: [item]

type duty
  relations
    define item: [item]
    define town: [unit]
    define primary: [unit with in_period, unit with in_periods]
    define secondary: [unit with in_period, unit with in_periods]
    define responsible: primary or secondary

condition in_period(current_date: timestamp, start: timestamp, end: timestamp) {
  current_date >= start && current_date < end
}

condition in_periods(current_date: timestamp, starts: map<timestamp>, ends: map<timestamp>) {
  starts.exists(k, current_date >= starts[k] && current_date < ends[k])
}
"""
"""The authorization model in OpenFGA's DSL (schema 1.1)."""

_TIMESTAMP = {"type_name": "TYPE_NAME_TIMESTAMP"}
_TIMESTAMPS = {"type_name": "TYPE_NAME_MAP", "generic_types": [_TIMESTAMP]}
_DATED = [{"type": "unit", "condition": "in_period"}, {"type": "unit", "condition": "in_periods"}]


def _type(name: str, relations: dict[str, Any], users: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        "type": name,
        "relations": relations,
        "metadata": {"relations": {r: {"directly_related_user_types": u} if u else {}
                                   for r, u in users.items()}},
    }


MODEL: dict[str, Any] = {
    "schema_version": "1.1",
    "type_definitions": [
        _type("unit", {"parent": {"this": {}}}, {"parent": [{"type": "unit"}]}),
        _type("item", {"parent": {"this": {}}}, {"parent": [{"type": "item"}]}),
        _type(
            "duty",
            {
                "item": {"this": {}},
                "town": {"this": {}},
                "primary": {"this": {}},
                "secondary": {"this": {}},
                "responsible": {"union": {"child": [
                    {"computedUserset": {"relation": "primary"}},
                    {"computedUserset": {"relation": "secondary"}},
                ]}},
            },
            {"item": [{"type": "item"}], "town": [{"type": "unit"}], "primary": _DATED,
             "secondary": _DATED, "responsible": []},
        ),
    ],
    "conditions": {
        "in_period": {
            "name": "in_period",
            "expression": "current_date >= start && current_date < end",
            "parameters": {"current_date": _TIMESTAMP, "start": _TIMESTAMP,
                           "end": _TIMESTAMP},
        },
        "in_periods": {
            "name": "in_periods",
            "expression": "starts.exists(k, current_date >= starts[k] && current_date < ends[k])",
            "parameters": {"current_date": _TIMESTAMP, "starts": _TIMESTAMPS,
                           "ends": _TIMESTAMPS},
        },
    },
}
"""The same model in OpenFGA's JSON form (what ``fga model transform`` gives)."""

_SINCE_ALWAYS = "0001-01-01T00:00:00Z"
_FOREVER = "9999-12-31T23:59:59Z"


def timestamp(day: datetime.date | None, *, end: bool = False) -> str:
    """A date as the timestamp the conditions compare: midnight UTC; an open end far away.

    Examples:
        >>> timestamp(datetime.date(2025, 4, 1))
        '2025-04-01T00:00:00Z'
    """
    if day is None:
        return _FOREVER if end else _SINCE_ALWAYS
    return f"{day.isoformat()}T00:00:00Z"


def _condition(periods: tuple[Period, ...]) -> dict[str, Any]:
    if len(periods) == 1:
        start, end = periods[0]
        return {"name": "in_period",
                "context": {"start": timestamp(start), "end": timestamp(end, end=True)}}
    return {"name": "in_periods", "context": {
        "starts": {str(n): timestamp(s) for n, (s, _) in enumerate(periods)},
        "ends": {str(n): timestamp(e, end=True) for n, (_, e) in enumerate(periods)},
    }}


class _Texts:
    """Ids and timestamps, each made once per export: a national export names the same
    few hundred thousand units and few dozen dates millions of times."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.starts: dict[datetime.date | None, str] = {}
        self.ends: dict[datetime.date | None, str] = {}

    def id(self, code: str) -> str:
        found = self.ids.get(code)
        if found is None:
            found = self.ids[code] = encode(code)
        return found

    def start(self, day: datetime.date | None) -> str:
        found = self.starts.get(day)
        if found is None:
            found = self.starts[day] = timestamp(day)
        return found

    def end(self, day: datetime.date | None) -> str:
        found = self.ends.get(day)
        if found is None:
            found = self.ends[day] = timestamp(day, end=True)
        return found


def _condition_json(periods: tuple[Period, ...], texts: _Texts) -> str:
    """`_condition` as compact JSON, written out: ids and timestamps need no escaping."""
    if len(periods) == 1:
        start, end = periods[0]
        return (f'{{"name":"in_period","context":{{"start":"{texts.start(start)}",'
                f'"end":"{texts.end(end)}"}}}}')
    starts = ",".join(f'"{n}":"{texts.start(s)}"' for n, (s, _) in enumerate(periods))
    ends = ",".join(f'"{n}":"{texts.end(e)}"' for n, (_, e) in enumerate(periods))
    return f'{{"name":"in_periods","context":{{"starts":{{{starts}}},"ends":{{{ends}}}}}}}'


def _parent(kind: str, value: Unit | Item) -> dict[str, Any] | None:
    parent = getattr(value, "parent", None)
    if parent is None:
        return None
    return {"user": f"{kind}:{encode(parent)}", "relation": "parent",
            "object": f"{kind}:{encode(value.code)}"}


@attrs.frozen
class OpenFGAExport:
    """The lists as an OpenFGA store: model, tuples and tests, written by `write`.

    Made by `to_openfga`. Tuples and tests are generated when asked for, so a national
    data set streams to disk without being held in memory.

    Attributes:
        graph: the graph exported.
        model_dsl: the model in the DSL.
        model: the model as JSON (a dict).
    """

    graph: ResponsibilityGraph = attrs.field(repr=False, eq=False)
    model_dsl: str = MODEL_DSL
    model: dict[str, Any] = attrs.field(factory=lambda: json.loads(json.dumps(MODEL)),
                                        repr=False)

    def tuples(self) -> Iterator[dict[str, Any]]:
        """Every tuple: parents of units and items, each duty's item and town, and each
        unit's dated role on each duty (one tuple per user, relation and object).

        Raises:
            ExportError: after the last tuple, when some (item, town) has no single
                primary in some period; a file being written is then not kept.
        """
        yield from self._parent_tuples()
        for row, duty, new in _duties(grant_rows(self.graph), _Texts()):
            item, town, _, unit, role, periods = row
            if new:
                yield {"user": f"item:{encode(item)}", "relation": "item", "object": duty}
                yield {"user": f"unit:{encode(town)}", "relation": "town", "object": duty}
            yield {"user": f"unit:{encode(unit)}", "relation": role.value,
                   "object": duty, "condition": _condition(periods)}

    def tuple_lines(self) -> Iterator[str]:
        """`tuples` as the lines of ``tuples.json`` (a JSON array, one tuple a line),
        written out without building the dicts.

        Raises:
            ExportError: as `tuples`.
        """
        for block in self._tuple_blocks():
            yield from block.split("\n")

    def _tuple_blocks(self) -> Iterator[str]:
        """`tuple_lines` joined into blocks (a town's lines in one), as `write` writes them.

        Raises:
            ExportError: as `tuples`.
        """
        yield "["
        first = True
        for value in self._parent_tuples():
            text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
            yield text if first else "," + text
            first = False
        texts = _Texts()
        ident = texts.id
        conditions: dict[tuple[Period, ...], str] = {}  # each distinct one written once
        # The text before the duty id of each item's line and each unit's role lines.
        item_heads: dict[str, tuple[str, str]] = {}
        leads: dict[str, str] = {}
        helpers: dict[str, str] = {}
        kinds = [(kind, VALUES[kind]) for kind in ListKind]
        primary = Role.PRIMARY
        for town, duties in town_duties(self.graph):
            # A town's lines as one block, each but the very first with its comma.
            town_id = ident(town)
            town_head = f',{{"user":"unit:{town_id}","relation":"town","object":"'
            tails = {kind: f"|{town_id}|{value}" for kind, value in kinds}
            lines: list[str] = []
            add = lines.append
            last: ListKind | None = None
            tail = ""
            for item, kind, holders in duties:
                if kind is not last:  # (enums are slow to hash; a town's items come by list)
                    last, tail = kind, tails[kind]
                found = item_heads.get(item)
                if found is None:
                    item_id = ident(item)
                    found = item_heads[item] = (
                        f',{{"user":"item:{item_id}","relation":"item","object":"duty:{item_id}',
                        f"duty:{item_id}")
                add(f'{found[0]}{tail}"}}')
                duty = f'{found[1]}{tail}"'
                add(f"{town_head}{duty}}}")
                for unit, role, periods in holders:
                    condition = conditions.get(periods)
                    if condition is None:
                        condition = conditions[periods] = _condition_json(periods, texts)
                    known = leads if role is primary else helpers
                    head = known.get(unit)
                    if head is None:
                        head = known[unit] = (f',{{"user":"unit:{ident(unit)}",'
                                              f'"relation":"{VALUES[role]}","object":"')
                    add(f'{head}{duty},"condition":{condition}}}')
            if lines:
                if first:
                    lines[0] = lines[0][1:]
                    first = False
                yield "\n".join(lines)
        yield "]"

    def _parent_tuples(self) -> Iterator[dict[str, Any]]:
        """The parent tuples of units and items (the first of `tuples`)."""
        for unit in self.graph.units():
            entry = _parent("unit", unit)
            if entry is not None:
                yield entry
        for item in self.graph.items():
            entry = _parent("item", item)
            if entry is not None:
                yield entry

    def checks(
        self, dates: Iterable[datetime.date]
    ) -> Iterator[tuple[datetime.date, dict[str, Any]]]:
        """The library's answers as OpenFGA check assertions, with their date.

        For every unit that ever holds a role on an (item, town), on each of its lists,
        on each date: whether it is primary, secondary and responsible (true or false).
        """
        for answer in answers(self.graph, dates):
            yield answer.at, {
                "user": f"unit:{encode(answer.unit)}",
                "object": f"duty:{duty_id(answer.item, answer.town, answer.list)}",
                "context": {"current_date": timestamp(answer.at)},
                "assertions": {Role.PRIMARY.value: answer.primary,
                               Role.SECONDARY.value: answer.secondary,
                               "responsible": answer.primary or answer.secondary},
            }

    def store_file(self, dates: Iterable[datetime.date], *, model_file: str = "model.fga",
                   tuple_file: str = "tuples.json") -> Iterator[str]:
        """The lines of a ``.fga.yaml`` store file whose test is the library's answers on
        ``dates`` (``fga model test --tests FILE`` runs it).

        All checks are in one test: ``fga model test`` loads the tuples once per test.
        """
        days = tuple(dates)
        yield "name: kunshan-rbac duty lists"
        yield f"model_file: {model_file}"
        yield f"tuple_file: {tuple_file}"
        yield "tests:"
        yield f"  - name: the library's answers on {len(days)} dates"
        yield "    check:"
        for _, check in self.checks(days):
            yield "      - " + json.dumps(check, ensure_ascii=True, separators=(", ", ": "))

    def write(self, folder: str | Path, *, dates: Iterable[datetime.date] | None = None,
              tests: bool = True) -> list[Path]:
        """Write ``model.fga``, ``model.json``, ``tuples.json`` and (unless ``tests`` is
        false) ``store.fga.yaml`` into ``folder``, each through a temporary file.

        Args:
            folder: where to write (created if missing).
            dates: the dates of the tests; default `probe_dates` (every record boundary,
                the day before each, and 10 random dates).
            tests: whether to write the store file with tests.

        Returns:
            The paths written.

        Raises:
            ExportError: the data name no single primary somewhere; nothing is replaced.
            OSError: the folder cannot be written.
        """
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "model.fga", out / "model.json", out / "tuples.json"]
        replace_text(written[0], self.model_dsl)
        replace_text(written[1], json.dumps(self.model, indent=2) + "\n")
        replace_stream(written[2], self._tuple_blocks())
        if tests:
            chosen = probe_dates(self.graph) if dates is None else tuple(dates)
            written.append(out / "store.fga.yaml")
            replace_stream(written[3], self.store_file(chosen))
        return written


def _duties(rows: Iterable[GrantRow], texts: _Texts
            ) -> Iterator[tuple[GrantRow, str, bool]]:
    """Each grant with its duty object, and whether it is the duty's first grant (the
    grants of a duty come one after another, so no set of every duty is kept)."""
    duty = last_item = last_town = ""
    last_kind: ListKind | None = None
    for row in rows:
        item, town, kind = row[0], row[1], row[2]
        if item != last_item or town != last_town or kind is not last_kind:
            duty = f"duty:{texts.id(item)}|{texts.id(town)}|{VALUES[kind]}"
            last_item, last_town, last_kind = item, town, kind
            yield row, duty, True
        else:
            yield row, duty, False


def to_openfga(graph: ResponsibilityGraph) -> OpenFGAExport:
    """The lists as an OpenFGA authorization model with dated tuples.

    Args:
        graph: the graph to export.

    Returns:
        The `OpenFGAExport`: ``model_dsl``, ``model``, ``tuples()``, ``store_file(dates)``
        and ``write(folder)``.

    Examples:
        >>> import kunshan_rbac as kr
        >>> export = kr.to_openfga(kr.load_sample())
        >>> dated = next(t for t in export.tuples() if "condition" in t)
        >>> dated.get("condition").get("name")
        'in_period'
    """
    return OpenFGAExport(graph)
