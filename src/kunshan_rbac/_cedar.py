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

from ._authz import Period, answers, duty_id, grants, probe_dates
from ._graph import ResponsibilityGraph
from ._model import Role
from ._outfile import replace_stream, replace_text

__all__ = ["NAMESPACE", "CedarExport", "to_cedar"]

NAMESPACE = "KunshanRbac"
ACTIONS = ("primary", "secondary", "responsible")


def _uid(kind: str, code: str) -> dict[str, str]:
    return {"type": f"{NAMESPACE}::{kind}", "id": code}


def _day(value: datetime.date) -> str:
    return value.isoformat()


def _periods_of(graph: ResponsibilityGraph) -> tuple[list[Period], dict[str, dict[int, dict[
        str, list[str]]]], dict[str, tuple[str, str, str]]]:
    """The distinct periods, and for each duty the holders of each role in each period."""
    index: dict[Period, int] = {}
    holders: dict[str, dict[int, dict[str, list[str]]]] = {}
    duties: dict[str, tuple[str, str, str]] = {}
    for grant in grants(graph):
        duty = duty_id(grant.item, grant.town, grant.list)
        duties.setdefault(duty, (grant.item, grant.town, grant.list.value))
        for period in grant.periods:
            k = index.setdefault(period, len(index))
            slot = holders.setdefault(duty, {}).setdefault(
                k, {Role.PRIMARY.value: [], Role.SECONDARY.value: []})
            slot[grant.role.value].append(grant.unit)
    return list(index), holders, duties


@attrs.frozen
class CedarExport:
    """The lists as Cedar schema, policies and entities; made by `to_cedar`.

    Attributes:
        periods: the distinct validity periods, in the order of their names ``p0``, ``p1``...
        schema: the schema in Cedar's JSON schema format.
        schema_text: the same schema in Cedar's human-readable format.
        policies: the policy set, as Cedar text.
    """

    graph: ResponsibilityGraph = attrs.field(repr=False, eq=False)
    periods: tuple[Period, ...]
    holders: dict[str, dict[int, dict[str, list[str]]]] = attrs.field(repr=False, eq=False)
    duties: dict[str, tuple[str, str, str]] = attrs.field(repr=False, eq=False)

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
        for unit in self.graph.units():
            parents = [_uid("Unit", unit.parent)] if unit.parent is not None else []
            yield {"uid": _uid("Unit", unit.code), "attrs": {"name": unit.name},
                   "parents": parents}
        for item in self.graph.items():
            parents = [_uid("Item", item.parent)] if item.parent is not None else []
            yield {"uid": _uid("Item", item.code), "attrs": {"name": item.name},
                   "parents": parents}
        for duty, (item_code, town, kind) in self.duties.items():
            attributes: dict[str, Any] = {"item": {"__entity": _uid("Item", item_code)},
                                          "town": {"__entity": _uid("Unit", town)},
                                          "list": kind}
            for k, slot in sorted(self.holders[duty].items()):
                attributes[f"p{k}"] = {role: [{"__entity": _uid("Unit", u)} for u in units]
                                       for role, units in slot.items()}
            yield {"uid": _uid("Duty", duty), "attrs": attributes, "parents": []}

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
            OSError: the folder cannot be written.
        """
        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        written = [out / "schema.cedarschema", out / "schema.cedarschema.json",
                   out / "policies.cedar", out / "entities.json"]
        replace_text(written[0], self.schema_text)
        replace_text(written[1], json.dumps(self.schema, indent=2) + "\n")
        replace_text(written[2], self.policies)
        replace_stream(written[3], _array(self.entities()))
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
        The `CedarExport`.

    Raises:
        ExportError: some (item, town) has no single primary in some period.

    Examples:
        >>> import kunshan_rbac as kr
        >>> export = kr.to_cedar(kr.load_sample())
        >>> start, end = min(export.periods, key=str)
        >>> len(export.periods), start.isoformat(), end
        (5, '2021-01-01', None)
    """
    periods, holders, duties = _periods_of(graph)
    return CedarExport(graph, tuple(periods), holders, duties)
