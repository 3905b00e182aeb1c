"""kr.evaluate: DuckDB's figures equal the plain-Python reference's, row by row."""

from __future__ import annotations

import datetime
import json
import math
import sys
from typing import Any

import attrs
import pytest

import kunshan_rbac as kr
from loop_reference import (
    DomainDeadlines,
    Limit,
    random_orders,
    reference_evaluation,
)

CAL = kr.WorkCalendar.china()
DEADLINES = DomainDeadlines({"城乡建设": Limit(2.0, 3), "生态环境": Limit(8.0, 10)})


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    """The sample graph."""
    return kr.load_sample()


@pytest.fixture(scope="module")
def orders(g: kr.ResponsibilityGraph) -> kr.Orders:
    """400 random well-formed orders over 2025."""
    orders = random_orders(g, 11, 400)
    assert not orders.problems
    return orders


@pytest.fixture(scope="module")
def ev(g: kr.ResponsibilityGraph, orders: kr.Orders) -> kr.Evaluation:
    """The evaluation of those orders."""
    return kr.evaluate(g, orders, calendar=CAL, deadlines=DEADLINES)


def same(expected: Any, got: Any) -> bool:
    """Equal, with floats compared to 1e-9."""
    if isinstance(expected, float) and isinstance(got, float):
        return math.isclose(expected, got, rel_tol=1e-9, abs_tol=1e-9)
    return bool(expected == got)


def assert_agrees(ev: kr.Evaluation, reference: dict[str, dict[str, Any]]) -> None:
    """Every row and figure of the reference appears, equal, in the evaluation."""
    for dimension, rows in (("town", ev.towns), ("unit", ev.units), ("list", ev.lists),
                            ("item", ev.items), ("month", ev.months)):
        assert set(rows) == set(reference[dimension]), dimension
        for key, figures in reference[dimension].items():
            row = rows[key]
            for metric, value in figures.items():
                got = getattr(row, metric)
                if metric == "return_reasons":
                    got = [list(x) for x in got]
                    value = [list(x) for x in value]
                assert same(value, got), (dimension, key, metric, value, got)


def test_agrees_with_the_plain_python_reference(
    g: kr.ResponsibilityGraph, orders: kr.Orders, ev: kr.Evaluation
) -> None:
    """Every figure of every row equals the slow reference's (owner, calendar walk)."""
    assert_agrees(ev, reference_evaluation(g, orders, CAL, DEADLINES))


def test_period_limits_the_orders(g: kr.ResponsibilityGraph, orders: kr.Orders) -> None:
    """start/end keep the orders received between them (both days included)."""
    ev = kr.evaluate(g, orders, start="2025-03-01", end="2025-05-31", calendar=CAL,
                     deadlines=DEADLINES)
    assert set(ev.months) == {"2025-03", "2025-04", "2025-05"}
    reference = reference_evaluation(g, orders, CAL, DEADLINES,
                                     start=datetime.date(2025, 3, 1),
                                     end=datetime.date(2025, 5, 31))
    assert_agrees(ev, reference)
    assert ev.start == datetime.date(2025, 3, 1)


def test_rows_by_name_or_code(ev: kr.Evaluation) -> None:
    """ev.towns["周市镇"] and ev.towns["zhoushi"] are the same row; lists by Chinese name."""
    row = ev.towns["周市镇"]
    assert row is ev.towns["zhoushi"]
    assert isinstance(row.orders, int)
    assert row.name == "周市镇"
    for metric in ("first_dispatch_right", "returned", "on_time_signed", "on_time_done",
                   "satisfaction", "reopened"):
        value = getattr(row, metric)
        assert value is None or 0 <= value <= 1
    assert isinstance(row.off_list_burden, int)
    assert ev.lists["配合履职事项清单"] is ev.lists["cooperative"]
    assert ev.units["市住房和城乡建设局"] is ev.units["zjj"]
    with pytest.raises(KeyError, match="火星镇"):
        ev.towns["火星镇"]


def test_orders_behind_match_the_counts(ev: kr.Evaluation) -> None:
    """Each share's counted orders are its denominator and its hits give the share."""
    for town, row in ev.towns.items():
        for metric, n in row.counted.items():
            behind = ev.orders_behind(town=town, metric=metric)
            assert len(behind.counted) == n
            value = getattr(row, metric)
            if metric != "median_hours" and n:
                assert same(len(behind.hits) / n, value)
        burden = ev.orders_behind(town=town, metric="off_list_burden")
        assert len(burden.hits) == row.off_list_burden
        assert len(ev.orders_behind(town=town).counted) == row.orders
    with pytest.raises(ValueError, match="unknown metric"):
        ev.orders_behind(metric="happiness")


def test_to_dict_and_json(ev: kr.Evaluation) -> None:
    """to_dict holds every row with every metric; to_json is that as JSON."""
    data = ev.to_dict()
    assert len(data["towns"]) == len(ev.towns)
    assert set(kr.METRICS) <= set(data["towns"][0])
    assert json.loads(ev.to_json()) == data
    assert "周市镇" in ev.to_json()


def test_town_month_rows_add_up(ev: kr.Evaluation) -> None:
    """The town-month rows of a town add up to the town's orders."""
    for town, row in ev.towns.items():
        assert sum(r.orders for r in ev.town_months if r.key == town) == row.orders


def test_arrow_table_and_parquet_inputs(g: kr.ResponsibilityGraph, orders: kr.Orders,
                                        ev: kr.Evaluation, tmp_path: Any) -> None:
    """An events table, with a zoned time column, and a Parquet file give the same rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kunshan_rbac._evaluate import events_table

    table = events_table(orders).drop_columns(["seq"])
    zoned = table.set_column(1, "time", table["time"].cast(pa.timestamp("us", "+08:00")))
    # a zone-aware column holds UTC instants; casting a naive one labels it, so shift back
    shifted = pa.compute.subtract(zoned["time"], pa.scalar(datetime.timedelta(hours=8)))
    zoned = zoned.set_column(1, "time", shifted.cast(pa.timestamp("us", "UTC")))
    for given in (table, zoned):
        other = kr.evaluate(g, given, calendar=CAL, deadlines=DEADLINES)
        assert other.to_dict() == ev.to_dict()
    for name, given in (("naive.parquet", table), ("zoned.parquet", zoned)):
        pq.write_table(given, tmp_path / name)
        other = kr.evaluate(g, tmp_path / name, calendar=CAL, deadlines=DEADLINES)
        assert other.to_dict() == ev.to_dict(), name


def test_missing_duckdb_names_the_extra(g: kr.ResponsibilityGraph, orders: kr.Orders,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without duckdb, the error names kunshan-rbac[analytics]."""
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(kr.MissingExtraError, match=r"\[analytics\]"):
        kr.evaluate(g, orders, calendar=CAL, deadlines=DEADLINES)


def test_default_deadlines_agree_with_their_due_times(g: kr.ResponsibilityGraph) -> None:
    """With the shipped calendar and deadlines, on-time flags equal Deadlines.sign_due and
    Deadlines.done_due, order by order."""
    orders = kr.Orders(list(kr.load_sample_orders())[:3000])
    ev = kr.evaluate(g, orders)
    flags = {row["id"]: row for row in ev.per_order.to_pylist()}
    deadlines = kr.Deadlines.default()
    checked = 0
    for order in orders:
        first = order.events[0]
        item = g.item(order.item) if order.item else None
        limit = deadlines.limit_for(item, kind=first.kind or None, urgent=first.urgent)
        signed = next((e.time for e in order.events if e.event == "signed"), None)
        done = next((e.time for e in order.events if e.event == "done"), None)
        row = flags[order.id]
        if signed is not None:
            assert row["sign_hit"] == (signed <= deadlines.sign_due(order.received, limit, CAL))
            checked += 1
        if done is not None:
            assert row["done_hit"] == (done <= deadlines.done_due(order.received, limit, CAL))
    assert checked > 2000


def test_names_resolve_and_unknowns_are_located(g: kr.ResponsibilityGraph,
                                                orders: kr.Orders) -> None:
    """Orders naming towns by name evaluate as by code; unknown names raise LoadError."""
    import pyarrow as pa

    from kunshan_rbac._evaluate import events_table

    renamed = kr.Orders([kr.Order(o.id, [
        attrs.evolve(e, town=g.town(e.town).name) if e.town else e for e in o.events])
        for o in orders])
    assert (kr.evaluate(g, renamed, calendar=CAL, deadlines=DEADLINES).to_dict()
            == kr.evaluate(g, orders, calendar=CAL, deadlines=DEADLINES).to_dict())
    first = orders.orders[0]
    place = kr.Problem("orders.csv", None, 7)
    mars = kr.Orders([kr.Order(first.id, [attrs.evolve(first.events[0], town="火星镇",
                                                       row=place)])])
    with pytest.raises(kr.LoadError) as info:
        kr.evaluate(g, mars, calendar=CAL, deadlines=DEADLINES)
    (problem,) = info.value.problems
    assert (problem.file, problem.row, problem.column, problem.value) == (
        "orders.csv", 7, "town", "火星镇")
    table = events_table(renamed).drop_columns(["seq"])
    assert isinstance(table, pa.Table)
    with pytest.raises(kr.LoadError, match="code"):
        kr.evaluate(g, table, calendar=CAL, deadlines=DEADLINES)
