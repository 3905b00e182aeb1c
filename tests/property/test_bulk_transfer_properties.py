"""The one-pass reclaim planner gives what the pair-by-pair planner gives.

A reclaim whose every (item, town) is led by its town is planned in one pass
(`_transfers._Reclaims`); any other is planned pair by pair, as every reclaim was
before. On generated graphs both must leave the same graph: the same records with the
same ids, the same transfer, the same explanations, the same next record id, or the
same refusal with the same reasons.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from hypothesis import event, given, settings
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac import _transfers
from kunshan_rbac._jsonio import dumps
from kunshan_rbac._timeline import answer_of
from strategies import EPOCH, LAST_DAY, graphs

LATE = LAST_DAY + datetime.timedelta(days=1)
EXAMPLES = max(10, settings.default.max_examples // 6)
"""Each example applies the reclaim twice and explains every key: a sixth of the
profile's count keeps the ``ci`` run to a few seconds."""


@contextmanager
def _pair_by_pair() -> Iterator[None]:
    """Turn the one-pass planner off: every reclaim is planned pair by pair."""
    with mock.patch.object(_transfers._Reclaims, "plan", return_value=False):
        yield


@contextmanager
def _spied(used: list[bool]) -> Iterator[None]:
    """Record whether each reclaim was planned in one pass."""
    real = _transfers._Reclaims.plan

    def plan(self: Any, *args: Any) -> bool:
        used.append(real(self, *args))
        return used[-1]

    with mock.patch.object(_transfers._Reclaims, "plan", plan):
        yield


def _outcome(graph: kr.ResponsibilityGraph, args: dict[str, Any]) -> tuple[object, ...]:
    """Apply the reclaim; what it returned or why it was refused, then the whole graph:
    its dump, every explanation on three days and the id the next record takes."""
    try:
        result: object = graph.reclaim(**args)
    except kr.TransferError as error:
        result = ("refused", error.reasons)
    days = (EPOCH, args["effective"], LATE + datetime.timedelta(days=30))
    explained = [
        repr(graph.explain(i.code, town=t.code, at=day))
        for i in graph.items() for t in graph.towns() for day in days
    ]
    probe = graph.assign(graph.items()[0].code, town=graph.towns()[0].code,
                         list=kr.ListKind.BASIC, primary=graph.towns()[0].code,
                         start=LATE + datetime.timedelta(days=400))
    return result, dumps(graph), explained, [r.id for r in probe]


def _differences(graph: kr.ResponsibilityGraph, args: dict[str, Any],
                 used: list[bool]) -> list[str]:
    """Where the reclaim as the library plans it differs from the pair-by-pair plan."""
    with _spied(used):
        fast = _outcome(copy.deepcopy(graph), args)
    with _pair_by_pair():
        slow = _outcome(copy.deepcopy(graph), args)
    names = ("result", "dump", "explanations", "next record id")
    return [name for name, a, b in zip(names, fast, slow, strict=True) if a != b]


@st.composite
def reclaims(draw: st.DrawFn, graph: kr.ResponsibilityGraph) -> dict[str, Any]:
    """A reclaim on the graph, mostly of pairs the towns lead (so that it can apply)."""
    items = [i.code for i in graph.items()]
    towns = [t.code for t in graph.towns()]
    led = [
        (i, t) for i in items for t in towns
        if (own := graph.explain(i, town=t, at=LATE).ownership) is not None
        and own.primary.code == t
    ]
    departments = [d.code for d in graph.departments()]
    if led and draw(st.integers(0, 3)):
        # Items one town leads, in every town that leads them all: the one-pass case.
        first = draw(st.sampled_from(sorted({t for _, t in led})))
        mine = sorted({i for i, t in led if t == first})
        named_items = draw(st.lists(st.sampled_from(mine), min_size=1, unique=True))
        named_towns: list[str] | None = [
            t for t in towns if all((i, t) in led for i in named_items)
        ]
        if draw(st.booleans()):
            named_towns = None
        effective: datetime.date = LATE
        to = draw(st.sampled_from(departments))
    else:
        named_items = draw(st.lists(st.sampled_from(items), min_size=1, max_size=3))
        named_towns = draw(st.none() | st.lists(st.sampled_from(towns), min_size=1,
                                                max_size=3))
        effective = draw(st.just(LATE) | st.dates(EPOCH, LAST_DAY))
        to = draw(st.sampled_from(departments + towns[:1]))
    return {
        "items": named_items,
        "towns": named_towns,
        "to": to,
        "effective": effective,
        "keep_secondary": draw(st.booleans()),
        "duty": draw(st.sampled_from(["", "负责查处"])),
        "secondary_duty": draw(st.sampled_from(["", "发现上报"])),
        "ref": draw(st.sampled_from(["", "昆政发〔2025〕3号"])),
        "reason": "专业性强",
    }


@settings(max_examples=EXAMPLES)
@given(st.data())
def test_a_reclaim_planned_in_one_pass_equals_the_pair_by_pair_plan(
    data: st.DataObject,
) -> None:
    """The one-pass planner and the pair-by-pair planner leave identical graphs (or
    refuse with identical reasons) for any reclaim on any generated graph."""
    graph = data.draw(graphs(max_items=4))
    args = data.draw(reclaims(graph))
    used: list[bool] = []
    assert _differences(graph, args, used) == []
    event("planned in one pass" if used and used[0] else "planned pair by pair")


def _led_graph() -> kr.ResponsibilityGraph:
    """Three towns leading four items each; two items also assisted by a department."""
    graph = kr.ResponsibilityGraph()
    for t in range(3):
        graph.add_unit(kr.Town(f"t{t}", f"{t}镇"))
    graph.add_unit(kr.Department("d0", "市甲局"))
    graph.add_unit(kr.Department("d1", "市乙局"))
    for i in range(4):
        graph.add_item(kr.Item(f"I{i}", f"事项{i}"))
        for t in range(3):
            graph.assign(f"I{i}", town=f"t{t}", list=kr.ListKind.BASIC, primary=f"t{t}",
                         secondary=["d1"] if i < 2 else [], start="2021-01-01")
    return graph


def test_the_one_pass_planner_takes_a_reclaim_of_led_items() -> None:
    """A reclaim of items every named town leads, with assisting departments on some,
    is planned in one pass, and equals the pair-by-pair plan."""
    used: list[bool] = []
    args = {"items": ["I3", "I0", "I2", "I1"], "towns": ["t2", "t0", "t1"], "to": "d0",
            "effective": "2025-07-01", "keep_secondary": True, "duty": "负责",
            "secondary_duty": "上报", "ref": "文1", "reason": ""}
    assert _differences(_led_graph(), args, used) == []
    assert used == [True]


def test_the_comparison_catches_a_planner_that_forgets_keep_secondary() -> None:
    """Test of the test: a one-pass planner that never keeps the town secondary is
    caught by the comparison."""
    args = {"items": ["I0"], "towns": ["t0", "t1"], "to": "d0", "effective": "2025-07-01",
            "keep_secondary": True, "duty": "", "secondary_duty": "", "ref": "",
            "reason": ""}
    with mock.patch.object(_transfers._Reclaims, "_opened",
                           lambda self, town, carried: (*self.opened, *carried)):
        found = _differences(_led_graph(), args, [])
    assert "dump" in found


def test_the_comparison_catches_a_planner_that_misreads_a_later_change() -> None:
    """Test of the test: a one-pass planner that takes records starting after the
    effective date as in force is caught (the pair-by-pair plan refuses)."""
    graph = _led_graph()
    graph.reclaim(["I0"], towns=["t0"], to="d0", effective="2026-01-01")
    args = {"items": ["I0"], "towns": ["t0"], "to": "d0", "effective": "2025-07-01",
            "keep_secondary": False, "duty": "", "secondary_duty": "", "ref": "",
            "reason": ""}

    def blind(records: Any, day: datetime.date) -> Any:
        active = tuple(r for r in records if r.holds_on(day))  # later changes unseen
        kind, primary, secondary, _ = answer_of(active)
        return (kind, primary, secondary, active) if primary is not None else None

    with mock.patch.object(_transfers, "_state", blind):
        found = _differences(graph, args, [])
    assert "result" in found
