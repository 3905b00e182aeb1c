"""Tests of the graph's questions at their edges: today's answer, the order and the
filters of `records`, the table of ownerships."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

import kunshan_rbac as kr
from kunshan_rbac import _dates, _graph


@pytest.fixture
def g() -> kr.ResponsibilityGraph:
    """Two towns, a department, two items; records made in an order that interleaves the
    (item, town) pairs, so that record ids are not grouped by pair."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("yushan", "玉山镇"))
    graph.add_unit(kr.Town("bacheng", "巴城镇"))
    graph.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
    graph.add_item(kr.Item("A-001", "住宅专项维修资金使用受理"))
    graph.add_item(kr.Item("A-002", "配合开展燃气用户安全宣传"))
    graph.assign("A-002", town="yushan", list="basic", primary="yushan", start="2020-01-01",
                 end="2023-01-01")
    graph.assign("A-001", town="yushan", list="basic", primary="yushan", secondary=["zjj"],
                 start="2020-01-01")
    graph.assign("A-001", town="bacheng", list="basic", primary="bacheng", start="2020-01-01")
    graph.assign("A-002", town="yushan", list="cooperative", primary="zjj",
                 secondary=["yushan"], start="2023-01-01")
    return graph


def test_owner_without_a_date_is_todays_answer(g: kr.ResponsibilityGraph) -> None:
    """`owner(item, town=...)` with no date answers for today, by code and by name, the
    same as asking with today's date (the fast path for today returns the answer)."""
    today = datetime.date.today()
    expected = g.owner("A-001", town="yushan", at=today)
    assert expected.primary.code == "yushan"
    assert g.owner("A-001", town="yushan") == expected
    assert g.owner("A-001", town="yushan") == expected  # again, from what the first left
    assert g.owner("住宅专项维修资金使用受理", town="玉山镇") == expected
    assert g.owner("A-002", town="yushan") == g.owner("A-002", town="yushan", at=today)
    assert g.owner("A-002", town="yushan").primary.code == "zjj"


def test_owner_without_a_date_at_midnight_answers_for_the_new_day(
    g: kr.ResponsibilityGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`owner(item, town=...)` with no date asked at the very instant of the midnight
    that ends the kept day answers for the day that begins, not with the kept day's
    answer; a second earlier it still answers for the kept day. The owner changes at
    that midnight (the period at hand ends there, so no answer holds for good)."""
    today = datetime.date.today()
    tomorrow = today + datetime.timedelta(days=1)
    g.add_item(kr.Item("A-003", "配合开展燃气用户安全检查"))
    g.assign("A-003", town="bacheng", list="basic", primary="bacheng",
             start=today - datetime.timedelta(days=10), end=tomorrow)
    g.assign("A-003", town="bacheng", list="cooperative", primary="zjj",
             secondary=["bacheng"], start=tomorrow)
    assert g.owner("A-003", town="bacheng", at=today).primary.code == "bacheng"  # at hand
    midnight = datetime.datetime.combine(tomorrow, datetime.time()).timestamp()
    monkeypatch.setattr(_dates.TODAY, "day", today.toordinal())
    monkeypatch.setattr(_dates.TODAY, "until", midnight)

    def the_clock_says(seconds: float) -> None:
        # The graph's own reading and the one that finds the date (date.today() too).
        monkeypatch.setattr(_graph, "_clock", lambda: seconds)
        monkeypatch.setattr(_dates.time, "time", lambda: seconds)

    the_clock_says(midnight - 1.0)
    assert g.owner("A-003", town="bacheng").primary.code == "bacheng"
    the_clock_says(midnight)
    assert g.owner("A-003", town="bacheng").primary.code == "zjj"
    assert g.owner("A-003", town="bacheng") == g.owner("A-003", town="bacheng", at=tomorrow)


def test_records_of_a_town_or_unit_are_ordered_by_id(g: kr.ResponsibilityGraph) -> None:
    """`records(town=...)` and `records(unit=...)` list records in the order they were
    made (by id), not grouped by item, and hold only that town's or unit's records."""
    ids = [r.id for r in g.records(town="yushan")]
    assert ids == sorted(ids)
    assert [(r.item, r.unit) for r in g.records(town="玉山镇")] == [
        ("A-002", "yushan"), ("A-001", "yushan"), ("A-001", "zjj"), ("A-002", "zjj"),
        ("A-002", "yushan"),
    ]
    assert [(r.item, r.town) for r in g.records(unit="市住建局")] == [
        ("A-001", "yushan"), ("A-002", "yushan"),
    ]
    assert [r.town for r in g.records(item="A-001")] == ["yushan", "yushan", "bacheng"]
    assert [r.unit for r in g.records(item="A-001", town="bacheng")] == ["bacheng"]


def test_a_conflict_in_history_names_its_pair_and_first_day(g: kr.ResponsibilityGraph) -> None:
    """`history` raises for a period with no single primary, naming the item and town by
    code (whatever names were asked with) and the period's first day as ``at``."""
    g.assign("A-001", town="bacheng", list="basic", primary="zjj", start="2024-03-01")
    with pytest.raises(kr.OwnershipConflictError) as caught:
        g.history("住宅专项维修资金使用受理", town="巴城镇")
    error = caught.value
    assert (error.item, error.town, error.at) == ("A-001", "bacheng", datetime.date(2024, 3, 1))
    assert error.candidates == ("bacheng", "zjj")
    assert "2024-03-01" in str(error)


def test_a_conflict_open_at_its_start_is_dated_the_first_day_there_is(
    g: kr.ResponsibilityGraph,
) -> None:
    """A conflict in records with no start date holds from the beginning of time: the
    error's ``at`` is `datetime.date.min`, the first day a date can name."""
    g.assign("A-002", town="bacheng", list="basic", primary="bacheng")
    g.assign("A-002", town="bacheng", list="basic", primary="zjj")
    with pytest.raises(kr.OwnershipConflictError) as caught:
        g.history("A-002", town="bacheng")
    assert caught.value.at == datetime.date.min
    assert (caught.value.item, caught.value.town) == ("A-002", "bacheng")


def test_duties_raise_only_for_a_conflict_the_unit_is_part_of(
    g: kr.ResponsibilityGraph,
) -> None:
    """`duties(unit)` raises for an (item, town) with no single primary on that day only
    when one of the records in force then is the unit's; a conflict among other units in
    a pair the unit once held is left out, without error. The error names the pair and
    the day, and quotes only the records in force."""
    g.add_unit(kr.Department("scj", "市市场监督管理局"))
    g.assign("A-001", town="bacheng", list="basic", primary="zjj", start="2024-03-01")
    with pytest.raises(kr.OwnershipConflictError) as caught:
        g.duties("zjj", at="2024-05-01")
    error = caught.value
    assert (error.item, error.town, error.at) == ("A-001", "bacheng", datetime.date(2024, 5, 1))
    assert {r.unit for r in error.records} == {"bacheng", "zjj"}
    assert [(o.town.code, o.item.code) for o in g.duties("zjj", at="2024-02-29")] == [
        ("yushan", "A-001"), ("yushan", "A-002"),
    ]
    # scj once assisted A-002 in yushan; later two others conflict there.
    g.assign("A-002", town="bacheng", list="basic", primary="bacheng", secondary=["scj"],
             start="2020-01-01", end="2021-01-01")
    g.assign("A-002", town="bacheng", list="basic", primary="zjj", start="2022-01-01")
    g.assign("A-002", town="bacheng", list="basic", primary="yushan", start="2022-01-01")
    assert g.duties("scj", at="2022-06-01") == []
    assert [(o.item.code, o.town.code) for o in g.duties("scj", at="2020-06-01")] == [
        ("A-002", "bacheng")
    ]


def test_duties_are_ordered_by_town_then_item_and_filtered(g: kr.ResponsibilityGraph) -> None:
    """`duties` lists a unit's (item, town) pairs ordered by town code then item code,
    as primary and as secondary, and `role=` / `list=` keep only the matching ones."""
    g.assign("A-002", town="bacheng", list="cooperative", primary="zjj", start="2020-01-01")
    pairs = [(o.town.code, o.item.code) for o in g.duties("zjj", at="2024-01-01")]
    assert pairs == [("bacheng", "A-002"), ("yushan", "A-001"), ("yushan", "A-002")]
    primary = g.duties("zjj", at="2024-01-01", role="primary")
    assert [(o.town.code, o.item.code) for o in primary] == [
        ("bacheng", "A-002"), ("yushan", "A-002"),
    ]
    secondary = g.duties("zjj", at="2024-01-01", role=kr.Role.SECONDARY)
    assert [(o.town.code, o.item.code) for o in secondary] == [("yushan", "A-001")]
    basic = g.duties("zjj", at="2024-01-01", list="basic")
    assert [(o.town.code, o.item.code) for o in basic] == [("yushan", "A-001")]
    assert g.duties("zjj", at="2024-01-01", role="primary", list="basic") == []


def test_duties_by_name_or_alias_are_the_duties_by_code(g: kr.ResponsibilityGraph) -> None:
    """`duties(unit)` resolves a unit's name or alias to its code: asking by name, by
    alias or by code gives the same (item, town) answers."""
    by_code = g.duties("zjj", at="2024-01-01")
    assert [(o.town.code, o.item.code) for o in by_code] == [
        ("yushan", "A-001"), ("yushan", "A-002"),
    ]
    assert g.duties("市住房和城乡建设局", at="2024-01-01") == by_code
    assert g.duties("市住建局", at="2024-01-01") == by_code
    assert g.duties("玉山镇", at="2024-01-01") == g.duties("yushan", at="2024-01-01")


def test_the_day_todays_period_ends_is_answered_for_that_day(
    g: kr.ResponsibilityGraph,
) -> None:
    """`duties` and `items_on` on the first day after today's period answer for that
    day, not with today's answer (which the graph keeps at hand once worked out): the
    cooperative record ends, the basic one starts, on the same day."""
    today = datetime.date.today()
    end = today + datetime.timedelta(days=400)
    g.add_item(kr.Item("A-003", "配合开展燃气用户安全检查"))
    g.assign("A-003", town="bacheng", list="cooperative", primary="zjj",
             secondary=["bacheng"], start=today - datetime.timedelta(days=400), end=end)
    g.assign("A-003", town="bacheng", list="basic", primary="bacheng", start=end)
    last = end - datetime.timedelta(days=1)
    for day in (today, last, end):  # today's answer is at hand after the first
        duties = {(o.town.code, o.item.code): o.list for o in g.duties("zjj", at=day)}
        coop = [i.code for i in g.items_on("cooperative", town="bacheng", at=day)]
        basic = [i.code for i in g.items_on("basic", town="bacheng", at=day)]
        if day < end:
            assert duties.get(("bacheng", "A-003")) is kr.ListKind.COOPERATIVE
            assert ("A-003" in coop, "A-003" in basic) == (True, False)
        else:
            assert ("bacheng", "A-003") not in duties
            assert ("A-003" in coop, "A-003" in basic) == (False, True)


def test_the_ownerships_table_is_owner_on_a_day_and_every_period_without_one(
    g: kr.ResponsibilityGraph,
) -> None:
    """`to_arrow("ownerships", at=day)` has one row per (item, town) with a record in
    force that day, holding `owner`'s answer on that day; without `at` it has every
    period of `history` of every (item, town). Rows are ordered by town, then item."""
    pytest.importorskip("pyarrow")

    def rows(table: Any) -> list[tuple[Any, ...]]:
        return [(r["town"], r["item"], r["list"], r["primary"], r["start"], r["end"])
                for r in table.to_pylist()]

    def said(town: str, item: str, o: kr.Ownership) -> tuple[Any, ...]:
        return (town, item, o.list.value, o.primary.code, o.start, o.end)

    pairs = [("bacheng", "A-001"), ("yushan", "A-001"), ("yushan", "A-002")]
    assert rows(g.to_arrow("ownerships", at="2019-12-31")) == []
    for day in (datetime.date(2022, 12, 31), datetime.date(2023, 1, 1)):
        assert rows(g.to_arrow("ownerships", at=day)) == [
            said(t, i, g.owner(i, town=t, at=day)) for t, i in pairs]
    every = [said(t, i, o) for t, i in pairs for o in g.history(i, town=t)]
    assert len(every) == 4  # A-002 in yushan changed lists on 2023-01-01
    assert rows(g.to_arrow("ownerships")) == every
