"""A plain-Python evaluation of orders: the reference the DuckDB evaluation is checked against.

It walks each order, asks ``g.owner`` for the owner on the order's date, and finds
deadlines and working hours by walking the calendar day by day with nothing but
``is_working_day`` and the office hours (not the calendar's own arithmetic). Slow and
obvious on purpose. The benchmark uses it as its baseline.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from collections.abc import Iterable
from typing import Any

import attrs

import kunshan_rbac as kr

CHINA = datetime.timezone(datetime.timedelta(hours=8))
SHARES = ("first_dispatch_right", "returned", "on_time_signed", "on_time_done",
          "satisfaction", "reopened")


@attrs.frozen
class Limit:
    """A time limit, as the deadlines give it."""

    sign_hours: float
    done_days: int


@attrs.define
class WeekdayCalendar:
    """A small calendar for tests: weekends and the given holidays off, and 调休 days worked."""

    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()
    office_hours: tuple[tuple[datetime.time, datetime.time], ...] = (
        (datetime.time(9), datetime.time(12)), (datetime.time(13, 30), datetime.time(17, 30)))

    def is_working_day(self, d: Any) -> bool:
        """Weekdays, less holidays, plus adjusted working days."""
        day = kr.parse_date(d)
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_hours_between(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Office hours between two times, walking the days."""
        return working_seconds(self, start, end) / 3600


@attrs.define
class DomainDeadlines:
    """Deadlines for tests: a limit per item domain, shorter when urgent."""

    by_domain: dict[str, Limit] = attrs.field(factory=dict)
    default: Limit = Limit(4.0, 5)

    def limit_for(self, item: kr.Item | None, *, kind: str | None = None,
                  urgent: bool = False) -> Limit:
        """The limit of the item's domain (or the default); 咨询 same day; urgent halves it."""
        limit = self.by_domain.get(item.domain, self.default) if item else self.default
        if kind == "咨询":
            limit = Limit(limit.sign_hours, 0)
        if urgent:
            limit = Limit(limit.sign_hours / 2, max(1, limit.done_days // 2))
        return limit


def _office(calendar: Any, day: datetime.date) -> list[tuple[datetime.datetime,
                                                               datetime.datetime]]:
    if not calendar.is_working_day(day):
        return []
    return [(datetime.datetime.combine(day, a, CHINA), datetime.datetime.combine(day, b, CHINA))
            for a, b in calendar.office_hours]


def working_seconds(calendar: Any, start: datetime.datetime, end: datetime.datetime) -> float:
    """Office seconds in [start, end), walking the days."""
    total = 0.0
    day = start.astimezone(CHINA).date()
    while day <= end.astimezone(CHINA).date():
        for a, b in _office(calendar, day):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += (hi - lo).total_seconds()
        day += datetime.timedelta(days=1)
    return total


def sign_due(calendar: Any, received: datetime.datetime, hours: float) -> datetime.datetime:
    """The earliest moment by which ``hours`` office hours have passed since ``received``."""
    left = hours * 3600
    if left <= 0:
        return received
    day = received.astimezone(CHINA).date()
    while True:
        for a, b in _office(calendar, day):
            lo = max(a, received)
            if b <= lo:
                continue
            span = (b - lo).total_seconds()
            if span >= left:
                return lo + datetime.timedelta(seconds=left)
            left -= span
        day += datetime.timedelta(days=1)


def done_due(calendar: Any, received: datetime.datetime, days: int) -> datetime.datetime:
    """The close of office on the ``days``-th working day after the day of reception
    (0 days: that day, or the next working day when it is a day off)."""
    day = received.astimezone(CHINA).date()
    if days == 0 and not calendar.is_working_day(day):
        days = 1
    while days > 0:
        day += datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            days -= 1
    close = calendar.office_hours[-1][1]
    return datetime.datetime.combine(day, close, CHINA)


def order_facts(g: kr.ResponsibilityGraph, order: kr.Order, calendar: Any,
                deadlines: Any) -> dict[str, Any]:
    """Every flag of one order, worked out the slow way."""
    received = order.received
    try:
        own: kr.Ownership | None = g.owner(order.item, town=order.town, at=received.date())
    except (kr.NotAssignedError, kr.UnknownItemError, kr.UnknownUnitError):
        own = None
    try:
        item = g.item(order.item) if order.item else None
    except kr.UnknownItemError:
        item = None
    first = order.events[0]
    limit = deadlines.limit_for(item, kind=first.kind or None, urgent=first.urgent)
    events = order.events
    signed = next((e.time for e in events if e.event == "signed"), None)
    done = next((e.time for e in events if e.event == "done"), None)
    dispatches = [i for i, e in enumerate(events) if e.event == "dispatched"]
    returns = [i for i, e in enumerate(events) if e.event == "returned"]
    to_town = [i for i in dispatches if events[i].unit == order.town]
    facts: dict[str, Any] = {
        "id": order.id,
        "town": order.town,
        "unit": order.first_unit,
        "list": own.list.value if own else "",
        "item": order.item,
        "month": received.strftime("%Y-%m"),
        "first_dispatch_right": (
            (order.first_unit == own.primary.code) if (dispatches and own) else None),
        "returned": bool(returns) if dispatches else None,
        "on_time_signed": (
            signed <= sign_due(calendar, received, limit.sign_hours) if signed else None),
        "on_time_done": (done <= done_due(calendar, received, limit.done_days)
                         if done else None),
        "satisfaction": (order.rating in ("满意", "基本满意")) if order.rating else None,
        "reopened": any(e.event == "reopened" for e in events) if done else None,
        "hours": working_seconds(calendar, received, done) / 3600 if done else None,
        "off_list_burden": bool(to_town) and own is not None and own.primary.code != order.town,
        "reclaimed_pushed_back": bool(own and own.list is kr.ListKind.RECLAIMED and returns
                                      and any(i > returns[0] for i in to_town)),
        "reasons": [e.detail for e in events if e.event == "returned"],
    }
    return facts


def in_period(order: kr.Order, start: datetime.date | None, end: datetime.date | None) -> bool:
    """Whether the order was received within [start, end]."""
    day = order.received.date()
    return (start is None or start <= day) and (end is None or day <= end)


def reference_rows(facts: Iterable[dict[str, Any]], dimension: str) -> dict[str, dict[str, Any]]:
    """The figures of each row of a dimension, from per-order facts."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in facts:
        groups.setdefault(f[dimension], []).append(f)
    rows = {}
    for key, members in groups.items():
        row: dict[str, Any] = {"orders": len(members)}
        for metric in SHARES:
            values = [f[metric] for f in members if f[metric] is not None]
            row[metric] = sum(values) / len(values) if values else None
        hours = [f["hours"] for f in members if f["hours"] is not None]
        row["median_hours"] = statistics.median(hours) if hours else None
        row["off_list_burden"] = sum(f["off_list_burden"] for f in members)
        row["reclaimed_pushed_back"] = sum(f["reclaimed_pushed_back"] for f in members)
        reasons = Counter(r for f in members for r in f["reasons"])
        row["return_reasons"] = sorted(reasons.items(), key=lambda x: (-x[1], x[0]))[:3]
        rows[key] = row
    return rows


def reference_evaluation(g: kr.ResponsibilityGraph, orders: kr.Orders, calendar: Any,
                         deadlines: Any, *, start: datetime.date | None = None,
                         end: datetime.date | None = None) -> dict[str, dict[str, Any]]:
    """Rows per dimension ({"town": {key: figures}, ...}), the slow way."""
    facts = [order_facts(g, o, calendar, deadlines) for o in orders if in_period(o, start, end)]
    return {d: reference_rows(facts, d) for d in ("town", "unit", "list", "item", "month")}


REASONS = ("不属于本单位职责", "信息不全", "应由镇街办理", "已在其他渠道处理")


def random_orders(g: kr.ResponsibilityGraph, seed: int, n: int, *,
                  towns: Iterable[str] | None = None, prefix: str = "O",
                  year: int = 2025) -> kr.Orders:
    """``n`` random but well-formed orders on the sample's (item, town) pairs."""
    import random

    rng = random.Random(seed)
    wanted = set(towns) if towns is not None else None
    pairs = sorted({(r.item, r.town) for r in g.records()
                    if wanted is None or r.town in wanted})
    events: list[kr.OrderEvent] = []
    for i in range(n):
        item, town = rng.choice(pairs)
        received = datetime.datetime(year, rng.randint(1, 12), rng.randint(1, 28),
                                     rng.randint(0, 23), rng.randint(0, 59), tzinfo=CHINA)
        try:
            primary = g.owner(item, town=town, at=received.date()).primary.code
        except kr.NotAssignedError:
            primary = town
        oid = f"{prefix}{i}"
        t = received
        events.append(kr.OrderEvent(oid, t, "received", town=town, text="诉求",
                                    kind=rng.choice(["", "投诉", "咨询", "求助"]),
                                    urgent=rng.random() < 0.1))
        if rng.random() < 0.05:
            continue
        t += datetime.timedelta(minutes=rng.randint(0, 600))
        first = primary if rng.random() < 0.8 else rng.choice([town, "zjj", "sthj"])
        events.append(kr.OrderEvent(oid, t, "dispatched", unit=first,
                                    item=item if rng.random() < 0.95 else "",
                                    by=rng.choice(["router", "person"])))
        if rng.random() < 0.2:
            t += datetime.timedelta(minutes=rng.randint(1, 600))
            events.append(kr.OrderEvent(oid, t, "returned", unit=first,
                                        detail=rng.choice(REASONS)))
            t += datetime.timedelta(minutes=rng.randint(1, 600))
            events.append(kr.OrderEvent(oid, t, "dispatched",
                                        unit=rng.choice([town, primary])))
        if rng.random() < 0.9:
            t += datetime.timedelta(minutes=rng.choice([rng.randint(1, 3000), 0]))
            events.append(kr.OrderEvent(oid, t, "signed"))
            t += datetime.timedelta(minutes=rng.randint(1, 20000))
            events.append(kr.OrderEvent(oid, t, "done", detail="已办理"))
            if rng.random() < 0.7:
                t += datetime.timedelta(minutes=rng.randint(1, 3000))
                events.append(kr.OrderEvent(oid, t, "rated",
                                            detail=rng.choice(["满意", "基本满意", "不满意"])))
            if rng.random() < 0.05:
                t += datetime.timedelta(minutes=rng.randint(1, 3000))
                events.append(kr.OrderEvent(oid, t, "reopened"))
    return kr.Orders.from_events(events)
