"""The embedded sample orders: current with their generator, well-formed, and calibrated so
that kr.evaluate reproduces Kunshan's published figures."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

import kunshan_rbac as kr
from kunshan_rbac._orders import EVENT_KINDS
from kunshan_rbac._orders_io import order_schema
from kunshan_rbac._sample_orders import ROUTING_LIVE

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    """The sample graph."""
    return kr.load_sample()


@pytest.fixture(scope="module")
def orders() -> kr.Orders:
    """The sample orders."""
    return kr.load_sample_orders()


def test_shipped_file_matches_its_generator() -> None:
    """Regenerating the orders with tools/make_sample_orders.py gives the shipped file."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_sample_orders.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_every_line_fits_the_schema_and_names_resolve(g: kr.ResponsibilityGraph) -> None:
    """Every event meets the schema's constraints (the first 2,000 through jsonschema
    itself, all of them field by field); every town, unit and item code is the graph's."""
    raw = resources.files("kunshan_rbac").joinpath("data", "orders-2025.jsonl.gz").read_bytes()
    schema = order_schema()
    validator = jsonschema.Draft202012Validator(schema)
    fields = schema["properties"]
    towns, units, items = set(), set(), set()
    for number, line in enumerate(gzip.decompress(raw).decode("utf-8").splitlines()):
        event = json.loads(line)
        if number < 2000:
            assert not list(validator.iter_errors(event)), event
        assert set(schema["required"]) <= set(event) <= set(fields), event
        for key, value in event.items():
            expected = bool if fields[key]["type"] == "boolean" else str
            assert isinstance(value, expected), event
        assert event.get("by", "") in fields["by"]["enum"]
        assert event["event"] in EVENT_KINDS
        towns.add(event.get("town", ""))
        units.add(event.get("unit", ""))
        items.add(event.get("item", ""))
    assert towns - {""} == {t.code for t in g.towns()}
    known = {u.code for u in g.units()}
    assert units - {""} <= known
    assert {g.item(i).code for i in items - {""}} == items - {""}


def test_a_year_for_ten_towns(orders: kr.Orders) -> None:
    """24,000 orders received in 2025 in all ten towns, with no problem."""
    assert len(orders) == 24_000
    assert not orders.problems
    assert {o.received.year for o in orders} == {2025}
    assert len({o.town for o in orders}) == 10


def test_zhoushi_first_dispatch_right_97_after_routing(g: kr.ResponsibilityGraph,
                                                     orders: kr.Orders) -> None:
    """周市镇, from routing's go-live on: first-dispatch right 97%."""
    ev = kr.evaluate(g, orders, start=ROUTING_LIVE)
    assert round(ev.towns["周市镇"].first_dispatch_right * 100) == 97


def test_zhoushi_handling_18_minutes_shorter(g: kr.ResponsibilityGraph,
                                            orders: kr.Orders) -> None:
    """周市镇's median handling time is 18 minutes shorter after routing went live."""
    before = kr.evaluate(g, orders, end="2025-06-30").towns["周市镇"].median_hours
    after = kr.evaluate(g, orders, start=ROUTING_LIVE).towns["周市镇"].median_hours
    assert before is not None
    assert after is not None
    assert round((before - after) * 60) == 18


def test_qiandeng_98_percent_satisfied_on_its_52_hot_spots(g: kr.ResponsibilityGraph,
                                                           orders: kr.Orders) -> None:
    """千灯镇's satisfaction on its 52 most frequent items is 98%."""
    ev = kr.evaluate(g, kr.Orders([o for o in orders if o.town == "qiandeng"]))
    hot = sorted(ev.items.values(), key=lambda r: (-r.orders, r.key))[:52]
    rated = sum(r.counted["satisfaction"] for r in hot)
    satisfied = sum(len(ev.orders_behind(item=r.key, metric="satisfaction").hits) for r in hot)
    assert round(satisfied / rated * 100) == 98
    # the hot spots stand clear of the other items: the 53rd is rarer than the 52nd
    ranked = sorted(ev.items.values(), key=lambda r: -r.orders)
    assert ranked[51].orders > ranked[52].orders
