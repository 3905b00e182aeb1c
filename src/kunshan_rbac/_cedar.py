"""Export to Cedar: a schema, policies and entities, with dates through Cedar's ``datetime``.

"Unit U acts as primary (or secondary, or either: responsible) on item X in town T on date
D" is the Cedar request ``principal = KunshanRbac::Unit::"U"``, ``action =
KunshanRbac::Action::"primary"``, ``resource = KunshanRbac::Duty::"X|T|list"`` with
``context = {"at": datetime("D")}``.

Cedar has no quantifier over a set of records, so a policy cannot say "some period of
this unit contains the date". The export therefore names each distinct validity period
``p0``, ``p1``...: a duty entity has an optional attribute per period in which it has
holders (``{primary: Set<Unit>, secondary: Set<Unit>}``), and one policy per period and
action compares the date with that period's bounds. A unit that holds a duty in several
periods is simply listed under each. Policies and schema grow with the number of distinct
periods (the dates transfers took effect), not with the number of records.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from ._authz import VALUES, DutyRow, Period, answers, duty_id, encode, probe_dates, town_duties
from ._errors import ExportError, Problem
from ._graph import ResponsibilityGraph
from ._model import ListKind, Role
from ._outfile import replace_stream, replace_text

__all__ = ["NAMESPACE", "CedarExport", "to_cedar"]

NAMESPACE = "KunshanRbac"
ACTIONS = ("primary", "secondary", "responsible")


def _uid(kind: str, code: str) -> dict[str, str]:
    return {"type": f"{NAMESPACE}::{kind}", "id": code}


def _day(value: datetime.date) -> str:
    return value.isoformat()


Holders = dict[int, dict[str, list[str]]]
"""A duty's holders: by period number, the units of each role."""


def _duties(towns: Iterable[tuple[str, list[DutyRow]]], index: dict[Period, int]
            ) -> Iterator[tuple[str, tuple[str, str, str], Holders]]:
    """Each duty with its (item, town, list) and its holders, periods numbered by
    ``index``; a period not in it is added with the next number, so ``index`` ends
    holding every period in the order first met."""
    ids: dict[str, str] = {}  # each code's encoded id, made once
    for town, duties in towns:
        town_id = ids.get(town)
        if town_id is None:
            town_id = ids[town] = encode(town)
        for item, kind, grants in duties:
            item_id = ids.get(item)
            if item_id is None:
                item_id = ids[item] = encode(item)
            holders: Holders = {}
            for unit, role, spans in grants:
                held = "primary" if role is Role.PRIMARY else "secondary"
                for period in spans:
                    k = index.get(period)
                    if k is None:
                        k = index[period] = len(index)
                    slot = holders.get(k)
                    if slot is None:
                        slot = holders[k] = {"primary": [], "secondary": []}
                    slot[held].append(unit)
            value = VALUES[kind]
            yield f"{item_id}|{town_id}|{value}", (item, town, value), holders


def _catalogue(graph: ResponsibilityGraph) -> Iterator[dict[str, Any]]:
    """The entities of the units and items, with their parents."""
    for unit in graph.units():
        parents = [_uid("Unit", unit.parent)] if unit.parent is not None else []
        yield {"uid": _uid("Unit", unit.code), "attrs": {"name": unit.name}, "parents": parents}
    for item in graph.items():
        parents = [_uid("Item", item.parent)] if item.parent is not None else []
        yield {"uid": _uid("Item", item.code), "attrs": {"name": item.name}, "parents": parents}


@attrs.frozen
class CedarExport:
    """The lists as Cedar schema, policies and entities; made by `to_cedar`.

    The graph is read once to write the files: ``write`` numbers the periods as it
    meets them while it streams ``entities.json``, then writes the schema and policies,
    which name them. Reading `periods` (or `schema`, `policies`) before writing takes a
    pass of its own; the numbering is the same either way.

    Attributes:
        periods: the distinct validity periods, in the order of their names ``p0``, ``p1``...
            (given, or read from the graph when first asked for).
        schema: the schema in Cedar's JSON schema format.
        schema_text: the same schema in Cedar's human-readable format.
        policies: the policy set, as Cedar text.
        holders: ``None`` (the duties are read from the graph as the entities are
            written); a map of duty id to holders by period number, to export those
            instead.
        duties: ``None``, or with ``holders``, each duty id's (item, town, list).
    """

    graph: ResponsibilityGraph = attrs.field(repr=False, eq=False)
    _given_periods: tuple[Period, ...] | None = attrs.field(default=None, alias="periods",
                                                           repr=False)
    holders: dict[str, Holders] | None = attrs.field(default=None, repr=False, eq=False)
    duties: dict[str, tuple[str, str, str]] | None = attrs.field(default=None, repr=False,
                                                                  eq=False)
    _known: list[tuple[Period, ...]] = attrs.field(factory=list, init=False, repr=False,
                                                  eq=False)
    """Empty, or the periods read by the first full pass over the graph."""

    @property
    def periods(self) -> tuple[Period, ...]:
        """The distinct validity periods, in the order of their names ``p0``, ``p1``...

        Raises:
            ExportError: read from the graph, some (item, town) has no single primary
                in some period.
        """
        if self._given_periods is not None:
            return self._given_periods
        if not self._known:
            index: dict[Period, int] = {}
            for _ in _duties(town_duties(self.graph), index):
                pass
            self._known.append(tuple(index))
        return self._known[0]

    def _index(self) -> dict[Period, int]:
        """The period numbers to write the duties with: the given or known ones, or an
        empty map that the pass fills in the order it meets them (the same numbers)."""
        if self._given_periods is not None:
            return {period: k for k, period in enumerate(self._given_periods)}
        return {period: k for k, period in enumerate(self._known[0])} if self._known else {}

    def _read(self, index: dict[Period, int]) -> None:
        """Keep the periods of a full pass that numbered them in ``index``.

        Raises:
            ExportError: the periods were given and the graph has some they lack (the
                policies would not cover them).
        """
        if self._given_periods is not None:
            if len(index) != len(self._given_periods):
                missing = [f"{s or 'always'} to {e or 'open'}"
                           for s, e in list(index)[len(self._given_periods):]]
                raise ExportError([Problem(
                    "cedar export", column="periods", value=", ".join(missing[:5]),
                    expected=f"only the {len(self._given_periods)} validity periods given "
                    "to CedarExport")])
        elif not self._known:
            self._known.append(tuple(index))

    @property
    def schema(self) -> dict[str, Any]:
        """The Cedar schema (JSON format)."""
        unit = {"type": "Entity", "name": "Unit"}
        holders = {"type": "Record", "attributes": {
            "primary": {"type": "Set", "element": unit},
            "secondary": {"type": "Set", "element": unit}}}
        duty: dict[str, Any] = {
            "item": {"type": "Entity", "name": "Item"},
            "town": unit,
            "list": {"type": "String"},
        }
        for k in range(len(self.periods)):
            duty[f"p{k}"] = {"type": "Holders", "required": False}
        named = {"type": "Record", "attributes": {"name": {"type": "String"}}}
        context = {"type": "Record", "attributes": {"at": {"type": "Extension",
                                                            "name": "datetime"}}}
        return {NAMESPACE: {
            "commonTypes": {"Holders": holders},
            "entityTypes": {
                "Unit": {"memberOfTypes": ["Unit"], "shape": named},
                "Item": {"memberOfTypes": ["Item"], "shape": named},
                "Duty": {"shape": {"type": "Record", "attributes": duty}},
            },
            "actions": {a: {"appliesTo": {"principalTypes": ["Unit"],
                                          "resourceTypes": ["Duty"], "context": context}}
                        for a in ACTIONS},
        }}

    @property
    def schema_text(self) -> str:
        """The Cedar schema in the human-readable format."""
        attributes = "".join(f",\n    p{k}?: Holders" for k in range(len(self.periods)))
        return (
            f"namespace {NAMESPACE} {{\n"
            "  type Holders = { primary: Set<Unit>, secondary: Set<Unit> };\n"
            "  entity Unit in [Unit] = { name: String };\n"
            "  entity Item in [Item] = { name: String };\n"
            "  entity Duty = {\n    item: Item,\n    town: Unit,\n    list: String"
            f"{attributes}\n  }};\n"
            f"  action {', '.join(ACTIONS)} appliesTo {{\n"
            "    principal: Unit,\n    resource: Duty,\n    context: { at: datetime }\n  };\n"
            "}\n"
        )

    @property
    def policies(self) -> str:
        """One policy per period and action: the date within the period, the unit among
        that period's holders."""
        blocks = []
        for k, (start, end) in enumerate(self.periods):
            bounds = []
            if start is not None:
                bounds.append(f'context.at >= datetime("{_day(start)}")')
            if end is not None:
                bounds.append(f'context.at < datetime("{_day(end)}")')
            within = "".join(f" &&\n  {b}" for b in bounds)
            for action in ACTIONS:
                held = (f"resource.p{k}.{action}.contains(principal)" if action != "responsible"
                        else f"(resource.p{k}.primary.contains(principal) || "
                        f"resource.p{k}.secondary.contains(principal))")
                blocks.append(
                    f'@id("p{k}-{action}")\n'
                    f'permit (principal, action == {NAMESPACE}::Action::"{action}", '
                    f"resource is {NAMESPACE}::Duty)\n"
                    f"when {{\n  resource has p{k}{within} &&\n  {held}\n}};"
                )
        header = "".join(
            f"// p{k}: {_day(s) if s else 'always'} to {_day(e) if e else 'open'}\n"
            for k, (s, e) in enumerate(self.periods))
        return header + "\n" + "\n\n".join(blocks) + "\n"

    def entities(self) -> Iterator[dict[str, Any]]:
        """Every unit and item (with its parent) and every duty with its holders."""
        yield from _catalogue(self.graph)
        index = self._index()
        if self.holders is not None and self.duties is not None:
            given: Iterable[tuple[str, tuple[str, str, str], Holders]] = (
                (duty, key, self.holders[duty]) for duty, key in self.duties.items())
        else:
            given = _duties(town_duties(self.graph), index)
        for duty, (item_code, town, kind), holders in given:
            attributes: dict[str, Any] = {"item": {"__entity": _uid("Item", item_code)},
                                          "town": {"__entity": _uid("Unit", town)},
                                          "list": kind}
            for k, slot in sorted(holders.items()):
                attributes[f"p{k}"] = {role: [{"__entity": _uid("Unit", u)} for u in units]
                                       for role, units in slot.items()}
            yield {"uid": _uid("Duty", duty), "attrs": attributes, "parents": []}
        if self.holders is None or self.duties is None:
            self._read(index)

    def _entity_lines(self) -> Iterator[str]:
        """`entities` as the lines of ``entities.json``, the duties written out as text
        (the same JSON as ``json.dumps`` gives, without building the dicts), a town's
        duties joined into one block."""
        if self.holders is not None:
            yield from _array(self.entities())
            return
        yield "["
        first = True
        for entity in _catalogue(self.graph):
            text = json.dumps(entity, ensure_ascii=False, separators=(",", ":"))
            yield text if first else "," + text
            first = False
        refs: dict[str, str] = {}  # each unit's reference, made once

        def unit_ref(code: str) -> str:
            found = refs.get(code)
            if found is None:
                found = refs[code] = (f'{{"__entity":{{"type":"{NAMESPACE}::Unit","id":'
                                      f'{json.dumps(code, ensure_ascii=False)}}}}}')
            return found

        index = self._index()
        # The text of each duty line before and after its town: its uid's head, the
        # item reference (each made once per item).
        heads: dict[str, tuple[str, str]] = {}
        kinds = [(kind, VALUES[kind]) for kind in ListKind]
        primary = Role.PRIMARY
        for town, duties in town_duties(self.graph):
            # A town's lines as one block, each but the very first with its comma.
            town_id = encode(town)
            ref = unit_ref(town)
            mids = {kind: f"|{town_id}|{value}" for kind, value in kinds}
            tails = {kind: f',"town":{ref},"list":"{value}"' for kind, value in kinds}
            lines: list[str] = []
            add = lines.append
            last: ListKind | None = None
            mid = tail = ""
            for item, kind, grants in duties:
                if kind is not last:  # (enums are slow to hash; a town's items come by list)
                    last, mid, tail = kind, mids[kind], tails[kind]
                head = heads.get(item)
                if head is None:
                    head = heads[item] = (
                        f',{{"uid":{{"type":"{NAMESPACE}::Duty","id":"{encode(item)}',
                        f'"}},"attrs":{{"item":{{"__entity":{{"type":"{NAMESPACE}::Item",'
                        f'"id":{json.dumps(item, ensure_ascii=False)}}}}}')
                if len(grants) == 1 and len(grants[0][2]) == 1:
                    # The usual case: one unit over one period.
                    unit, role, (period,) = grants[0]
                    k = index.get(period)
                    if k is None:
                        k = index[period] = len(index)
                    held = (f',"p{k}":{{"primary":[{unit_ref(unit)}],"secondary":[]}}'
                            if role is primary else
                            f',"p{k}":{{"primary":[],"secondary":[{unit_ref(unit)}]}}')
                else:
                    slots: dict[int, tuple[list[str], list[str]]] = {}
                    for unit, role, spans in grants:
                        for period in spans:
                            k = index.get(period)
                            if k is None:
                                k = index[period] = len(index)
                            slot = slots.get(k)
                            if slot is None:
                                slot = slots[k] = ([], [])
                            slot[0 if role is primary else 1].append(unit_ref(unit))
                    held = "".join([f',"p{k}":{{"primary":[{",".join(leads)}],'
                                    f'"secondary":[{",".join(helpers)}]}}'
                                    for k, (leads, helpers) in sorted(slots.items())])
                add(f'{head[0]}{mid}{head[1]}{tail}{held}}},"parents":[]}}')
            if lines:
                if first:
                    lines[0] = lines[0][1:]
                    first = False
                yield "\n".join(lines)
        self._read(index)
        yield "]"

    def requests(self, dates: Iterable[datetime.date]
                 ) -> Iterator[tuple[dict[str, Any], bool]]:
        """The library's answers as Cedar requests, each with the decision expected
        (``True``: allow) for every unit that ever holds a role on an (item, town), on
        each of its lists, each action, on each date."""
        for answer in answers(self.graph, dates):
            base = {
                "principal": _uid("Unit", answer.unit),
                "resource": _uid("Duty", duty_id(answer.item, answer.town, answer.list)),
                "context": {"at": {"__extn": {"fn": "datetime", "arg": _day(answer.at)}}},
            }
            expected = {"primary": answer.primary, "secondary": answer.secondary,
                        "responsible": answer.primary or answer.secondary}
            for action in ACTIONS:
                yield ({**base, "action": _uid("Action", action)},
                       expected[action])

    def write(self, folder: str | Path, *, dates: Iterable[datetime.date] | None = None,
              requests: bool = True) -> list[Path]:
        """Write ``schema.cedarschema`` (and ``.json``), ``policies.cedar``,
        ``entities.json`` and (unless ``requests`` is false) ``requests.jsonl``, each line
        a request with its expected ``decision``, into ``folder``.

        Raises:
            ExportError: some (item, town) has no single primary in some period; no file
                is written.
            OSError: the folder cannot be written.
        """
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "schema.cedarschema", out / "schema.cedarschema.json",
                   out / "policies.cedar", out / "entities.json"]
        # The entities first: their one pass over the graph numbers the periods that the
        # schema and policies name.
        replace_stream(written[3], self._entity_lines())
        replace_text(written[0], self.schema_text)
        replace_text(written[1], json.dumps(self.schema, indent=2) + "\n")
        replace_text(written[2], self.policies)
        if requests:
            chosen = probe_dates(self.graph) if dates is None else tuple(dates)
            written.append(out / "requests.jsonl")
            replace_stream(written[4], (
                json.dumps({**r, "decision": "Allow" if allow else "Deny"}, ensure_ascii=False)
                for r, allow in self.requests(chosen)))
        return written


def _array(values: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield "["
    first = True
    for value in values:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        yield text if first else "," + text
        first = False
    yield "]"


def to_cedar(graph: ResponsibilityGraph) -> CedarExport:
    """The lists as a Cedar schema, policies and entities.

    Args:
        graph: the graph to export.

    Returns:
        The `CedarExport`. Nothing is read from the graph until its files, entities or
        periods are asked for; those raise `ExportError` when some (item, town) has no
        single primary in some period.

    Examples:
        >>> import kunshan_rbac as kr
        >>> export = kr.to_cedar(kr.load_sample())
        >>> start, end = min(export.periods, key=str)
        >>> len(export.periods), start.isoformat(), end
        (5, '2021-01-01', None)
    """
    return CedarExport(graph)
