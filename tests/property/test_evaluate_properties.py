"""Laws of kr.evaluate, on random well-formed orders over the sample.

* every order is counted exactly once per dimension;
* a town's figures do not change when another town's orders are added;
* first-dispatch right agrees with ``g.owner`` on every order;
* on-time signing and completion agree with a day-by-day walk of the calendar.

A deliberately wrong "on time" (calendar days instead of working days) must be caught by
the same comparison: the test of the test.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kunshan_rbac as kr
from loop_reference import (
    CHINA,
    DomainDeadlines,
    Limit,
    done_due,
    order_facts,
    random_orders,
    sign_due,
)

G = kr.load_sample()
CAL = kr.WorkCalendar.china()
DEADLINES = DomainDeadlines({"城乡建设": Limit(2.0, 3), "生态环境": Limit(7.0, 10),
                             "交通": Limit(0.5, 1)})
TOWNS = sorted(t.code for t in G.towns())

seeds = st.integers(min_value=0, max_value=2**32 - 1)
sizes = st.integers(min_value=1, max_value=60)
PROPERTY = settings(max_examples=8)


def per_order(ev: kr.Evaluation) -> dict[str, dict[str, Any]]:
    """The per-order flags, by order id."""
    return {row["id"]: row for row in ev.per_order.to_pylist()}


@PROPERTY
@given(seeds, sizes)
def test_every_order_counted_once_per_dimension(seed: int, n: int) -> None:
    """In each dimension the rows' orders partition the orders evaluated."""
    orders = random_orders(G, seed, n)
    ev = kr.evaluate(G, orders, calendar=CAL, deadlines=DEADLINES)
    ids = sorted(o.id for o in orders)
    for dimension, rows in (("town", ev.towns), ("unit", ev.units), ("list", ev.lists),
                            ("item", ev.items), ("month", ev.months)):
        assert sum(r.orders for r in rows.values()) == len(ids), dimension
        behind = sorted(i for key in rows
                        for i in ev.orders_behind(**{dimension: key}).counted)
        assert behind == ids, dimension


@PROPERTY
@given(seeds, sizes, sizes, st.sampled_from(TOWNS))
def test_other_towns_orders_change_nothing(seed: int, n: int, m: int, town: str) -> None:
    """Adding other towns' orders leaves a town's row exactly as it was."""
    mine = random_orders(G, seed, n, towns=[town], prefix="M")
    others = random_orders(G, seed + 1, m, towns=[t for t in TOWNS if t != town], prefix="X")
    alone = kr.evaluate(G, mine, calendar=CAL, deadlines=DEADLINES)
    together = kr.evaluate(G, kr.Orders([*mine, *others]), calendar=CAL, deadlines=DEADLINES)
    assert alone.towns[town].to_dict() == together.towns[town].to_dict()


@PROPERTY
@given(seeds, sizes)
def test_first_dispatch_right_agrees_with_owner(seed: int, n: int) -> None:
    """Each order's first-dispatch flag is 'first unit == g.owner(item, town, date).primary'."""
    orders = random_orders(G, seed, n)
    flags = per_order(kr.evaluate(G, orders, calendar=CAL, deadlines=DEADLINES))
    for order in orders:
        row = flags[order.id]
        try:
            owner = G.owner(order.item, town=order.town, at=order.received.date())
        except (kr.NotAssignedError, kr.UnknownItemError):
            assert not row["fdr_n"], order
            continue
        assert row["fdr_n"] == bool(order.first_unit)
        if order.first_unit:
            assert row["fdr_hit"] == (order.first_unit == owner.primary.code)


def on_time_by_walk(order: kr.Order, calendar: Any = CAL) -> tuple[bool | None, bool | None]:
    """On-time signing and completion found by walking the calendar day by day."""
    facts = order_facts(G, order, calendar, DEADLINES)
    return facts["on_time_signed"], facts["on_time_done"]


@PROPERTY
@given(seeds, sizes)
def test_on_time_agrees_with_a_day_by_day_walk(seed: int, n: int) -> None:
    """Per order, on-time signing and completion equal the brute-force calendar walk."""
    orders = random_orders(G, seed, n)
    flags = per_order(kr.evaluate(G, orders, calendar=CAL, deadlines=DEADLINES))
    for order in orders:
        sign, done = on_time_by_walk(order)
        row = flags[order.id]
        assert (row["sign_hit"] if row["sign_n"] else None) == sign, order.id
        assert (row["done_hit"] if row["done_n"] else None) == done, order.id


@pytest.mark.parametrize("hours", [0.5, 2.0, 7.0, 9.5])
def test_the_walk_agrees_with_the_calendar_around_holidays(hours: float) -> None:
    """The reference walk matches WorkCalendar.add_working_hours across National Day 2025."""
    start = datetime.datetime(2025, 9, 26, 8, 0, tzinfo=CHINA)
    for step in range(0, 16 * 24 * 4):
        received = start + datetime.timedelta(minutes=15 * step)
        assert sign_due(CAL, received, hours) == CAL.add_working_hours(received, hours)
    assert done_due(CAL, datetime.datetime(2025, 9, 30, 10, tzinfo=CHINA), 1) == (
        datetime.datetime(2025, 10, 9, 17, 30, tzinfo=CHINA))


class CalendarDays:
    """A wrong calendar for the test of the test: every day is a working day."""

    office_hours = CAL.office_hours

    def is_working_day(self, d: Any) -> bool:
        """Every day works."""
        return True


def test_the_walk_comparison_catches_calendar_days() -> None:
    """Counting calendar days instead of working days is caught by the on-time comparison."""
    orders = random_orders(G, 5, 300)
    flags = per_order(kr.evaluate(G, orders, calendar=CAL, deadlines=DEADLINES))
    wrong = 0
    for order in orders:
        sign, done = on_time_by_walk(order, CalendarDays())
        row = flags[order.id]
        wrong += (row["sign_hit"] if row["sign_n"] else None) != sign
        wrong += (row["done_hit"] if row["done_n"] else None) != done
    assert wrong > 0
