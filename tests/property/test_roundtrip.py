"""Round trips on generated graphs with history: JSON keeps everything, lists keep the
owners of a date."""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac import _jsonio
from strategies import dates, graphs


@given(graphs())
def test_json_round_trip_is_exact(graph: kr.ResponsibilityGraph) -> None:
    """read_json(write_json(g)) has the same canonical text as g: every unit, item,
    record with its validity, and transfer."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.json"
        kr.write_json(graph, path)
        again = kr.read_json(path)
    assert _jsonio.dumps(again) == _jsonio.dumps(graph)
    assert again.transfers() == graph.transfers()


def _owners(graph: kr.ResponsibilityGraph, day: datetime.date) -> dict[tuple[str, str], object]:
    """(item name, town name) -> (list, primary name, secondary names) on ``day``."""
    found: dict[tuple[str, str], object] = {}
    for town in graph.towns():
        for kind in kr.ListKind:
            for item in graph.items_on(kind, town=town.code, at=day):
                answer = graph.owner(item.code, town=town.code, at=day)
                found[(item.name, town.name)] = (
                    answer.list, answer.primary.name, sorted(u.name for u in answer.secondary))
    return found


@given(graphs(), dates, st.sampled_from(["xlsx", "csv"]))
def test_lists_round_trip_on_a_date(graph: kr.ResponsibilityGraph, day: datetime.date,
                                    fmt: str) -> None:
    """read_lists(write_lists(g, at=d)) names the same list, primary and secondaries for
    every (item, town) on d, and keeps the unit and item catalogues."""
    with tempfile.TemporaryDirectory() as folder:
        kr.write_lists(graph, folder, format=fmt, at=day)
        again = kr.read_lists(folder)
    assert _owners(again, day) == _owners(graph, day)
    assert again.units() == graph.units()
    assert again.items() == graph.items()
