"""Laws of the exports' one-pass walk: the same periods and grants as `history()`."""

from __future__ import annotations

import contextlib
import datetime
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac._authz import Grant, OwnedPeriod, grants, owned_periods
from kunshan_rbac._errors import Problem
from strategies import graphs, messy_graphs

Walk = Callable[..., Iterator[OwnedPeriod]]
Periods = dict[tuple[str, str], list[tuple[object, ...]]]


def by_history(graph: kr.ResponsibilityGraph) -> tuple[Periods, dict[tuple[str, str], str]]:
    """Reference: ``history()`` of every (item, town) that some record names, as codes;
    and, for those it refuses, the first day it names."""
    found: Periods = {}
    refused: dict[tuple[str, str], str] = {}
    for item, town in sorted({(r.item, r.town) for r in graph.records()}):
        try:
            history = graph.history(item, town=town)
        except kr.OwnershipConflictError as exc:
            refused[item, town] = exc.at.isoformat()
            continue
        if history:
            found[item, town] = [(o.list, o.start, o.end, o.primary.code,
                                  tuple(u.code for u in o.secondary)) for o in history]
    return found, refused


def by_walk(graph: kr.ResponsibilityGraph, walk: Walk = owned_periods
            ) -> tuple[Periods, dict[tuple[str, str], str], list[tuple[str, str]]]:
    """The walk's periods grouped by (item, town), the places it refused, and its order."""
    problems: list[Problem] = []
    found: Periods = {}
    order = []
    for own in walk(graph, problems=problems):
        order.append((own.town, own.item))
        found.setdefault((own.item, own.town), []).append(
            (own.list, own.start, own.end, own.primary, own.secondary))
    refused = {(str(p.column), str(p.sheet)): str(p.value) for p in problems}
    return found, refused, order


def differences(graph: kr.ResponsibilityGraph, walk: Walk = owned_periods) -> list[str]:
    """Where a walk and ``history()`` disagree (empty when they agree)."""
    wanted, wanted_refused = by_history(graph)
    found, refused, order = by_walk(graph, walk)
    wrong = [f"{key}: history {wanted.get(key)}, walk {found.get(key)}"
             for key in sorted(wanted.keys() | found.keys()) if wanted.get(key) != found.get(key)]
    if refused != wanted_refused:
        wrong.append(f"refused: history {wanted_refused}, walk {refused}")
    if order != sorted(order):
        wrong.append("periods not ordered by town, item and start")
    return wrong


def reference_grants(graph: kr.ResponsibilityGraph) -> list[Grant]:
    """Grants as they were computed before the walk: from ``history()``, key by key."""
    result = []
    wanted, _ = by_history(graph)
    for item, town in sorted(wanted, key=lambda k: (k[1], k[0])):
        held: dict[tuple[kr.ListKind, str, kr.Role], list[tuple[object, object]]] = {}
        for kind, start, end, primary, secondary in wanted[item, town]:
            held.setdefault((kind, primary, kr.Role.PRIMARY), []).append((start, end))  # type: ignore[arg-type]
            for unit in secondary:  # type: ignore[attr-defined]
                held.setdefault((kind, unit, kr.Role.SECONDARY), []).append((start, end))  # type: ignore[arg-type]
        for (kind, unit, role), spans in sorted(held.items(), key=lambda e: (
                e[0][0].value, e[0][1], e[0][2].value)):
            spans.sort(key=lambda p: p[0] or datetime.date.min)  # type: ignore[arg-type,return-value]
            joined: list[tuple[object, object]] = []
            for start, end in spans:
                if joined and joined[-1][1] is not None and joined[-1][1] == start:
                    joined[-1] = (joined[-1][0], end)
                else:
                    joined.append((start, end))
            result.append(Grant(item, town, kind, unit, role, tuple(joined)))  # type: ignore[arg-type]
    return result


def _warm(graph: kr.ResponsibilityGraph, data: st.DataObject) -> None:
    """Ask ``owner`` about some keys first, so that the walk meets cached timelines too."""
    for record in graph.records():
        if data.draw(st.booleans()):
            with contextlib.suppress(kr.NotAssignedError, kr.OwnershipConflictError):
                graph.owner(record.item, town=record.town, at=record.start or "2024-01-01")


@given(st.data())
def test_walk_gives_the_periods_of_history(data: st.DataObject) -> None:
    """On consistent graphs with transfers, some timelines cached: the same periods."""
    graph = data.draw(graphs())
    _warm(graph, data)
    assert differences(graph) == []


@given(st.data())
def test_walk_refuses_where_history_does(data: st.DataObject) -> None:
    """On messy graphs: the same periods, and the same places and days refused."""
    graph = data.draw(messy_graphs())
    _warm(graph, data)
    assert differences(graph) == []


@given(messy_graphs())
def test_walk_without_problems_raises_what_history_raises(graph: kr.ResponsibilityGraph) -> None:
    """With nowhere to put problems, the first refused (item, town) raises history's error."""
    _, refused = by_history(graph)
    if not refused:
        list(owned_periods(graph))
        return
    with pytest.raises(kr.OwnershipConflictError) as caught:
        list(owned_periods(graph))
    first = min(refused, key=lambda k: (k[1], k[0]))
    assert (caught.value.item, caught.value.town) == first


@given(graphs())
def test_grants_are_those_of_history(graph: kr.ResponsibilityGraph) -> None:
    """The grants built from the walk are those built from ``history()``."""
    assert list(grants(graph)) == reference_grants(graph)


FEWER = settings(max_examples=max(10, settings.default.max_examples // 10))
"""Each example writes two exports: a tenth of the profile's examples."""


@FEWER
@given(graphs())
def test_written_text_is_the_json_of_the_values(graph: kr.ResponsibilityGraph) -> None:
    """The OpenFGA tuples and Cedar entities written as text, a town at a time, are
    the JSON of the tuples and entities as dicts, line for line. (The grants that both
    read are those of ``history()``: `test_grants_are_those_of_history`.)"""
    export = kr.to_openfga(graph)
    dumped = [json.dumps(t, ensure_ascii=True, separators=(",", ":")) for t in export.tuples()]
    assert list(export.tuple_lines()) == ["[", *dumped[:1], *("," + d for d in dumped[1:]), "]"]
    cedar = kr.to_cedar(graph)
    with tempfile.TemporaryDirectory() as folder:
        cedar.write(folder, requests=False)
        lines = (Path(folder) / "entities.json").read_text(encoding="utf-8").splitlines()
    dumped = [json.dumps(e, ensure_ascii=False, separators=(",", ":")) for e in cedar.entities()]
    assert lines == ["[", *dumped[:1], *("," + d for d in dumped[1:]), "]"]


def test_a_wrong_walk_is_caught() -> None:
    """Test of the test: a walk that drops secondaries, or moves ends by a day, disagrees
    with ``history()``."""
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("t", "玉山镇"))
    g.add_unit(kr.Department("d", "市住建局"))
    g.add_item(kr.Item("I", "事项"))
    g.add_item(kr.Item("J", "事项二"))
    g.assign("I", town="t", list="basic", primary="t", secondary=["d"], start="2021-01-01")
    g.assign("J", town="t", list="basic", primary="t", start="2021-01-01", end="2024-01-01")
    g.assign("J", town="t", list="basic", primary="t", secondary=["d"], start="2024-01-01")

    def drops_secondaries(graph: kr.ResponsibilityGraph, **kw: list[Problem]
                          ) -> Iterator[OwnedPeriod]:
        for own in owned_periods(graph, **kw):
            yield own._replace(secondary=())

    def shifts_ends(graph: kr.ResponsibilityGraph, **kw: list[Problem]
                    ) -> Iterator[OwnedPeriod]:
        for own in owned_periods(graph, **kw):
            yield own._replace(end=own.end + datetime.timedelta(days=1) if own.end else None)

    assert differences(g) == []
    assert differences(g, drops_secondaries) != []
    assert differences(g, shifts_ends) != []
