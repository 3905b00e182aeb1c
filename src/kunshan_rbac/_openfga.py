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

from ._authz import Grant, answers, duty_id, encode, grants, probe_dates
from ._graph import ResponsibilityGraph
from ._model import Item, Role, Unit
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


def _condition(grant: Grant) -> dict[str, Any]:
    if len(grant.periods) == 1:
        start, end = grant.periods[0]
        return {"name": "in_period",
                "context": {"start": timestamp(start), "end": timestamp(end, end=True)}}
    return {"name": "in_periods", "context": {
        "starts": {str(n): timestamp(s) for n, (s, _) in enumerate(grant.periods)},
        "ends": {str(n): timestamp(e, end=True) for n, (_, e) in enumerate(grant.periods)},
    }}


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
        for unit in self.graph.units():
            entry = _parent("unit", unit)
            if entry is not None:
                yield entry
        for item in self.graph.items():
            entry = _parent("item", item)
            if entry is not None:
                yield entry
        seen: set[str] = set()
        for grant in grants(self.graph):
            duty = f"duty:{duty_id(grant.item, grant.town, grant.list)}"
            if duty not in seen:
                seen.add(duty)
                yield {"user": f"item:{encode(grant.item)}", "relation": "item", "object": duty}
                yield {"user": f"unit:{encode(grant.town)}", "relation": "town", "object": duty}
            yield {"user": f"unit:{encode(grant.unit)}", "relation": grant.role.value,
                   "object": duty, "condition": _condition(grant)}

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
        replace_stream(written[2], _json_array(self.tuples()))
        if tests:
            chosen = probe_dates(self.graph) if dates is None else tuple(dates)
            written.append(out / "store.fga.yaml")
            replace_stream(written[3], self.store_file(chosen))
        return written


def _json_array(values: Iterable[dict[str, Any]]) -> Iterator[str]:
    first = True
    yield "["
    for value in values:
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
        yield text if first else "," + text
        first = False
    yield "]"


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
