"""Export to SpiceDB: a schema with caveats for the dates, relationships, a validation file.

The same shape as the OpenFGA export: ``unit`` and ``item`` with their parents, one
``duty`` per (item, town, list) with ``primary`` and ``secondary`` relations and the
``responsible`` permission. A relationship holds over its periods through a caveat:
``in_period`` (``start``, ``end``) for one period, ``in_periods`` (maps of starts and
ends) where the same unit holds the same relation on the same duty in several periods,
since SpiceDB keys a relationship by resource, relation and subject, not by its caveat.
Checks pass ``current_date`` as caveat context.

SpiceDB object ids allow letters, digits and ``/_|-=+``: other characters of a code are
written as ``=XX`` per UTF-8 byte (``=`` itself included), which is reversible.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from ._authz import VALUES, Period, answers, probe_dates, town_duties
from ._graph import ResponsibilityGraph
from ._model import Item, ListKind, Role, Unit
from ._openfga import timestamp
from ._outfile import replace_stream, replace_text

__all__ = ["SCHEMA", "SpiceDBExport", "spicedb_id", "to_spicedb"]

SCHEMA = """\
caveat in_period(current_date timestamp, start timestamp, end timestamp) {
  current_date >= start && current_date < end
}

caveat in_periods(current_date timestamp, starts map<timestamp>, ends map<timestamp>) {
  starts.exists(k, current_date >= starts[k] && current_date < ends[k])
}

definition unit {
  relation parent: unit
}

definition item {
  relation parent: item
}

definition duty {
  relation item: item
  relation town: unit
  relation primary: unit with in_period | unit with in_periods
  relation secondary: unit with in_period | unit with in_periods
  permission responsible = primary + secondary
}
"""
"""The SpiceDB schema."""

_PLAIN = re.compile(r"[A-Za-z0-9_-]")


def spicedb_id(code: str) -> str:
    """A SpiceDB object id for a code: ``=XX`` for each byte outside letters, digits, ``_-``.

    Examples:
        >>> spicedb_id("B-CJ-043"), spicedb_id("镇A")
        ('B-CJ-043', '=E9=95=87A')
    """
    return "".join(c if _PLAIN.match(c) else "".join(f"={b:02X}" for b in c.encode("utf-8"))
                   for c in code)


def duty(item: str, town: str, kind: ListKind) -> str:
    """The duty object of an item on a town's list."""
    return f"duty:{spicedb_id(item)}|{spicedb_id(town)}|{kind.value}"


def _caveat(periods: tuple[Period, ...], stamps: dict[tuple[Period, ...], str]) -> str:
    """The caveat of a relationship held over ``periods``; ``stamps`` keeps the text of
    each set of periods met so far (a national export has a few dozen)."""
    found = stamps.get(periods)
    if found is not None:
        return found
    if len(periods) == 1:
        start, end = periods[0]
        context: dict[str, Any] = {"start": timestamp(start), "end": timestamp(end, end=True)}
        found = f"in_period:{json.dumps(context, separators=(',', ':'))}"
    else:
        context = {
            "starts": {str(n): timestamp(s) for n, (s, _) in enumerate(periods)},
            "ends": {str(n): timestamp(e, end=True) for n, (_, e) in enumerate(periods)},
        }
        found = f"in_periods:{json.dumps(context, separators=(',', ':'))}"
    if len(stamps) < 100_000:
        stamps[periods] = found
    return found


def _parent(kind: str, value: Unit | Item) -> str | None:
    parent = getattr(value, "parent", None)
    if parent is None:
        return None
    return f"{kind}:{spicedb_id(value.code)}#parent@{kind}:{spicedb_id(parent)}"


@attrs.frozen
class SpiceDBExport:
    """The lists as SpiceDB schema and relationships; made by `to_spicedb`.

    Attributes:
        graph: the graph exported.
        schema: the schema text.
    """

    graph: ResponsibilityGraph = attrs.field(repr=False, eq=False)
    schema: str = SCHEMA

    def relationships(self) -> Iterator[str]:
        """Every relationship, one per line, in SpiceDB's text form (caveat in brackets).

        Raises:
            ExportError: after the last one, when some (item, town) has no single primary.
        """
        for block in self._blocks():
            yield from block.split("\n")

    def _blocks(self) -> Iterator[str]:
        """`relationships`, each town's lines joined into one block (as `write` writes
        them).

        Raises:
            ExportError: as `relationships`.
        """
        for unit in self.graph.units():
            line = _parent("unit", unit)
            if line is not None:
                yield line
        for item in self.graph.items():
            line = _parent("item", item)
            if line is not None:
                yield line
        ids: dict[str, str] = {}
        stamps: dict[tuple[Period, ...], str] = {}
        leads: dict[str, str] = {}
        helpers: dict[str, str] = {}
        kinds = [(kind, VALUES[kind]) for kind in ListKind]
        primary = Role.PRIMARY
        for town, duties in town_duties(self.graph):
            town_id = ids.get(town) or ids.setdefault(town, spicedb_id(town))
            tails = {kind: f"|{town_id}|{value}" for kind, value in kinds}
            town_line = f"#town@unit:{town_id}"
            lines: list[str] = []
            add = lines.append
            last: ListKind | None = None
            tail = ""
            for item_code, kind, holders in duties:
                if kind is not last:  # (enums are slow to hash; a town's items come by list)
                    last, tail = kind, tails[kind]
                item_id = ids.get(item_code) or ids.setdefault(item_code, spicedb_id(item_code))
                resource = f"duty:{item_id}{tail}"
                add(f"{resource}#item@item:{item_id}")
                add(f"{resource}{town_line}")
                for holder, role, periods in holders:
                    known = leads if role is primary else helpers
                    head = known.get(holder)
                    if head is None:
                        unit_id = ids.get(holder) or ids.setdefault(holder, spicedb_id(holder))
                        head = known[holder] = f"#{VALUES[role]}@unit:{unit_id}["
                    caveat = stamps.get(periods) or _caveat(periods, stamps)
                    add(f"{resource}{head}{caveat}]")
            if lines:
                yield "\n".join(lines)

    def assertions(self, dates: Iterable[datetime.date]) -> tuple[list[str], list[str]]:
        """The library's answers as ``assertTrue`` and ``assertFalse`` lines."""
        true: list[str] = []
        false: list[str] = []
        for answer in answers(self.graph, dates):
            resource = duty(answer.item, answer.town, answer.list)
            context = json.dumps({"current_date": timestamp(answer.at)})
            subject = f"unit:{spicedb_id(answer.unit)}"
            for relation, holds in (("primary", answer.primary),
                                    ("secondary", answer.secondary),
                                    ("responsible", answer.primary or answer.secondary)):
                line = f"{resource}#{relation}@{subject} with {context}"
                (true if holds else false).append(line)
        return true, false

    def validation_file(self, dates: Iterable[datetime.date]) -> Iterator[str]:
        """The lines of a ``zed validate`` file: schema, relationships and assertions."""
        yield "schema: |-"
        for line in self.schema.rstrip("\n").splitlines():
            yield f"  {line}" if line else ""
        yield "relationships: |-"
        for line in self.relationships():
            yield f"  {line}"
        true, false = self.assertions(dates)
        yield "assertions:"
        for name, lines in (("assertTrue", true), ("assertFalse", false)):
            yield f"  {name}:"
            for line in lines:
                yield f"    - {json.dumps(line)}"

    def write(self, folder: str | Path, *, dates: Iterable[datetime.date] | None = None,
              tests: bool = True) -> list[Path]:
        """Write ``schema.zed``, ``relationships.txt`` and (unless ``tests`` is false)
        ``validation.yaml`` into ``folder``, each through a temporary file."""
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "schema.zed", out / "relationships.txt"]
        replace_text(written[0], self.schema)
        replace_stream(written[1], self._blocks())
        if tests:
            chosen = probe_dates(self.graph) if dates is None else tuple(dates)
            written.append(out / "validation.yaml")
            replace_stream(written[2], self.validation_file(chosen))
        return written


def to_spicedb(graph: ResponsibilityGraph) -> SpiceDBExport:
    """The lists as a SpiceDB schema with date caveats and relationships.

    SpiceDB cannot run here, so the export's text is tested for its structure only.

    Examples:
        >>> import kunshan_rbac as kr
        >>> first = next(r for r in kr.to_spicedb(kr.load_sample()).relationships()
        ...              if "#primary@" in r)
        >>> "in_period:" in first
        True
    """
    return SpiceDBExport(graph)
