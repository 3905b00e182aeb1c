"""Order values: times in China time, event names, ratings, and sequence checks."""

from __future__ import annotations

import datetime

import pytest

import kunshan_rbac as kr
from kunshan_rbac._orders import check_sequence, parse_event, parse_rating, parse_time


def t(hour: int, day: int = 1) -> datetime.datetime:
    return datetime.datetime(2025, 7, day, hour, 0, tzinfo=kr.CHINA_TZ)


def ev(kind: str, hour: int, **kw: str) -> kr.OrderEvent:
    return kr.OrderEvent("A1", t(hour), kind, **kw)  # type: ignore[arg-type]


def test_naive_times_are_china_time_and_offsets_convert() -> None:
    """A naive time is China time; an aware one is converted to +08:00, not relabelled."""
    assert parse_time("2025-07-01 09:30") == t(9).replace(minute=30)
    assert parse_time("2025-07-01T01:30:00+00:00") == t(9).replace(minute=30)
    assert parse_time("2025年7月1日 9时30分").hour == 9
    assert parse_time(datetime.datetime(2025, 7, 1, 9)).tzinfo is not None


@pytest.mark.parametrize("bad", ["2025-07-01", "yesterday", "2025-13-01 09:00", ""])
def test_dates_without_a_time_or_impossible_are_refused(bad: str) -> None:
    """Hours are measured, so a bare date or an impossible date is an error."""
    with pytest.raises(ValueError, match=r"time|date"):
        parse_time(bad)


def test_event_and_rating_synonyms() -> None:
    """Chinese event and rating names read as the canonical ones; others are refused."""
    assert parse_event("办结") == "done"
    assert parse_event("Dispatched") == "dispatched"
    assert parse_rating("比较满意") == "基本满意"
    with pytest.raises(ValueError, match="received"):
        parse_event("closed")
    with pytest.raises(ValueError, match="满意"):
        parse_rating("ok")


def test_a_clean_order_has_no_problems_and_answers_questions() -> None:
    """A full loop passes the checks and the order reports its facts."""
    events = [ev("received", 9, town="zhoushi", text="路灯不亮"),
              ev("dispatched", 10, unit="zhoushi", item="B-CJ-001"),
              ev("returned", 11, unit="zhoushi", detail="不属于本单位"),
              ev("dispatched", 12, unit="zjj"), ev("signed", 13, unit="zjj"),
              ev("done", 15, unit="zjj", detail="已修复"), ev("rated", 16, detail="满意")]
    assert check_sequence(events) == []
    order = kr.Order("A1", events)
    assert (order.town, order.item, order.first_unit, order.rating) == (
        "zhoushi", "B-CJ-001", "zhoushi", "满意")
    assert order.return_reasons == ("不属于本单位",)


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ([ev("dispatched", 9, unit="x")], "never received"),
        ([ev("received", 9, town="a"), ev("done", 12), ev("rated", 11, detail="满意")],
         "time order"),
        ([ev("received", 9, town="a"), ev("rated", 10, detail="满意")], "done before rated"),
        ([ev("received", 9, town="a"), ev("signed", 10)], "dispatched before signed"),
        ([ev("received", 9, town="a"), ev("received", 10, town="a")], "unique order id"),
        ([ev("received", 9, town="a"), ev("reopened", 10)], "done before reopened"),
    ],
)
def test_sequence_faults_are_located_problems(events: list[kr.OrderEvent], expected: str) -> None:
    """Out-of-order events, ratings before done, duplicates: problems, never fixed."""
    problems = check_sequence(events, file="f.csv")
    assert problems, events
    assert any(expected in p.expected for p in problems), problems
    assert all(p.file == "f.csv" for p in problems)


def test_impossible_times_are_problems() -> None:
    """Times before 2000 or in the future are problems."""
    old = kr.OrderEvent("A1", datetime.datetime(1999, 1, 1, tzinfo=kr.CHINA_TZ), "received",
                        town="a")
    future = kr.OrderEvent("A2", datetime.datetime.now(kr.CHINA_TZ) + datetime.timedelta(days=9),
                           "received", town="a")
    assert check_sequence([old])
    assert check_sequence([future])


def test_events_must_be_in_china_time() -> None:
    """An event built with a naive or foreign-zone time is refused at construction."""
    with pytest.raises(ValueError, match="China time"):
        kr.OrderEvent("A1", datetime.datetime(2025, 7, 1, 9), "received")
    with pytest.raises(ValueError, match="received"):
        kr.OrderEvent("A1", t(9), "closed")


def test_orders_from_events_keeps_bad_orders_out_but_reports_them() -> None:
    """Orders with problems are left out of `orders` and reported in `problems`."""
    good = [kr.OrderEvent("G", t(9), "received", town="a")]
    bad = [kr.OrderEvent("B", t(9), "rated", detail="满意")]
    orders = kr.Orders.from_events([*good, *bad])
    assert [o.id for o in orders] == ["G"]
    assert orders.problems
    assert all("'B'" in p.expected for p in orders.problems)
    assert "G" in orders
    assert orders["G"].town == "a"
