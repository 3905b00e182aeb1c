"""Wrong-typed arguments and empty transfers give the library's own errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import kunshan_rbac as kr

G = kr.load_sample()
ITEM = G.records()[0].item
TOWN = G.records()[0].town


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda g, v: g.owner(v, town=TOWN), "item"),
        (lambda g, v: g.owner(ITEM, town=v), "town"),
        (lambda g, v: g.owner(ITEM, town=TOWN, at=v), "at"),
        (lambda g, v: g.owner(v, town=TOWN, at="2025-07-01"), "item"),
        (lambda g, v: g.owner(ITEM, town=v, at="2025-07-01"), "town"),
        (lambda g, v: g.history(v, town=TOWN), "item"),
        (lambda g, v: g.explain(ITEM, town=v), "town"),
        (lambda g, v: g.duties(v), "unit"),
        (lambda g, v: g.duties(TOWN, role=v), "role"),
        (lambda g, v: g.items_on(v, town=TOWN), "list"),
        (lambda g, v: g.items_on("basic", town=v), "town"),
        (lambda g, v: g.records(unit=v), "unit"),
        (lambda g, v: g.history(ITEM, town=v), "town"),
        (lambda g, v: g.explain(ITEM, town=TOWN, at=v), "at"),
        (lambda g, v: g.duties(TOWN, at=v), "at"),
        (lambda g, v: g.duties(TOWN, list=v), "list"),
        (lambda g, v: g.items_on("basic", town=TOWN, at=v), "at"),
        (lambda g, v: g.transfers(item=v), "item"),
        (lambda g, v: g.unit(v), "name"),
        (lambda g, v: g.item(v), "name"),
        (lambda g, v: g.assign(v, town=TOWN, list="basic", primary=TOWN), "item"),
        (lambda g, v: g.assign(ITEM, town=TOWN, list="basic", primary=v), "primary"),
        (lambda g, v: g.reclaim(v, to="x", effective="2030-01-01"), "items"),
        (lambda g, v: g.reclaim(ITEM, towns=v, to="x", effective="2030-01-01"), "towns"),
        (lambda g, v: g.reclaim(ITEM, to="x", effective="2030-01-01", keep_secondary=v),
         "keep_secondary"),
        (lambda g, v: g.revert(v, effective="2030-01-01"), "transfer"),
    ],
)
@pytest.mark.parametrize("value", [["ZF-1"], {"a": 1}, 1.5, object()])
def test_a_wrong_typed_argument_names_its_parameter(
    call: Callable[[kr.ResponsibilityGraph, Any], object], parameter: str, value: object
) -> None:
    """Every public call refuses a wrong-typed argument with `InvalidArgumentError`
    naming the parameter (never a bare TypeError), and changes nothing."""
    graph = G  # nothing may change it
    if parameter in ("items", "towns") and value == ["ZF-1"]:
        value = ["ZF-1", 7]  # a list of names is right there: make one name wrong
    before = len(graph.records())
    with pytest.raises(kr.InvalidArgumentError) as caught:
        call(graph, value)
    assert caught.value.parameter == parameter
    assert isinstance(caught.value, TypeError)
    assert len(graph.records()) == before


@pytest.mark.parametrize("towns", [None, []])
def test_a_transfer_that_moves_nothing_is_refused(towns: list[str] | None) -> None:
    """`reclaim([])` (or no town) is a TransferError, and no empty transfer is logged."""
    graph = G
    logged = len(graph.transfers())
    items: list[str] = [] if towns is None else [ITEM]
    with pytest.raises(kr.TransferError, match="move nothing"):
        graph.reclaim(items, towns=towns, to=G.departments()[0].code, effective="2030-01-01")
    assert len(graph.transfers()) == logged
