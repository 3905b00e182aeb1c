"""Tests of what each built-in rule reports: the violation's message, period, place and
records, on the smallest graphs that show it.

The graphs are written as raw records (read through the JSON format, as a messy file
would be), so that a secondary may stand alone, ids may come in any order and a record
may end before it starts. Each rule is run through `kunshan_rbac.check` over all dates
and on single days: on a day inside the broken period it reports that period, on a day
outside it nothing.
"""

from __future__ import annotations

import datetime
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

import kunshan_rbac as kr

Graph = kr.ResponsibilityGraph
day = datetime.date

UNITS = [
    {"code": "kunshan", "kind": "authority", "name": "昆山市", "parent": None},
    {"code": "yushan", "kind": "town", "name": "玉山镇", "parent": "kunshan"},
    {"code": "bacheng", "kind": "town", "name": "巴城镇", "parent": "kunshan"},
    {"code": "zjj", "kind": "department", "name": "市住房和城乡建设局", "parent": "kunshan"},
    {"code": "scj", "kind": "department", "name": "市市场监督管理局", "parent": "kunshan"},
]
ITEMS = [
    {"code": "B-001", "name": "住宅专项维修资金使用受理",
     "basis": ["《住宅专项维修资金管理办法》"]},
    {"code": "C-001", "name": "燃气用户安全宣传", "basis": ["《城镇燃气管理条例》"]},
    {"code": "R-001", "name": "对未取得施工许可证擅自施工的处罚", "basis": ["《建筑法》"],
     "power_type": "行政处罚"},
]
TOWN_OF = {"B-001": "yushan", "C-001": "yushan", "R-001": "yushan"}
LIST_OF = {"B-001": "basic", "C-001": "cooperative", "R-001": "reclaimed"}


def rec(id: int, item: str, unit: str, role: str = "primary", start: str | None = None,
        end: str | None = None, **extra: Any) -> dict[str, Any]:
    """A raw record of ``item`` on yushan's list that holds it (unless told otherwise)."""
    return {"id": id, "item": item, "town": TOWN_OF[item], "list": LIST_OF[item],
            "unit": unit, "role": role, "start": start, "end": end, "duty": "", "source": "",
            "grant": "", "opened_by": None, "closed_by": None, **extra}


def graph(*records: dict[str, Any], units: list[dict[str, Any]] | None = None,
          items: list[dict[str, Any]] | None = None) -> Graph:
    """A graph of the units, items and raw records given, read through JSON."""
    data = {
        "format": "kunshan-rbac", "version": 1,
        "units": [{"aliases": [], **u} for u in (UNITS if units is None else units)],
        "items": [{"domain": "", "parent": None, "power_type": None, **i}
                  for i in (ITEMS if items is None else items)],
        "records": list(records), "transfers": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "graph.json")
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return kr.read_json(path)


def found(g: Graph, rule: str, at: str | None = None) -> tuple[kr.Violation, ...]:
    """What ``rule`` reports on ``g`` (over all dates, or on day ``at``)."""
    return kr.check(g, at=at, select=rule).violations


def where(v: kr.Violation) -> tuple[Any, ...]:
    """A violation's place, period and records."""
    return (v.item, v.town, v.unit, v.record, v.start, v.end, v.records)


# ---------------------------------------------------------------- one-primary


def test_one_primary_names_the_lists_of_an_item_on_several_at_once() -> None:
    """An item on two lists of a town at once is one violation for the overlap, naming
    the lists and every record involved, on the item and town."""
    g = graph(rec(1, "B-001", "yushan", start="2024-01-01", end="2025-01-01"),
              rec(2, "B-001", "zjj", start="2024-06-01", list="reclaimed"))
    (v,) = found(g, "one-primary")
    assert where(v) == ("B-001", "yushan", None, None, day(2024, 6, 1), day(2025, 1, 1),
                        (1, 2))
    assert v.message == (
        "on several lists at once (basic, reclaimed) from 2024-06-01 until 2025-01-01 "
        "(records #1, #2); an item sits on one list of a town at a time: end the records "
        "of all lists but one")


def test_one_primary_reports_a_period_without_a_primary() -> None:
    """A secondary alone, from its start on, is "no primary unit" for that period."""
    g = graph(rec(1, "B-001", "yushan", start="2024-01-01", end="2025-01-01"),
              rec(2, "B-001", "zjj", "secondary", start="2025-01-01"))
    (v,) = found(g, "one-primary")
    assert where(v) == ("B-001", "yushan", None, None, day(2025, 1, 1), None, (2,))
    assert v.message == (
        "no primary unit from 2025-01-01 on (records #2); name exactly one unit as primary "
        "(主责)")


def test_one_primary_counts_the_primary_units_of_an_overlap() -> None:
    """Two primary units at once are named in code order, with the records of the
    period, since always when the records have no start; once one of them ends, the
    item is clean."""
    g = graph(rec(3, "C-001", "zjj", end="2025-01-01"), rec(1, "C-001", "scj"),
              rec(2, "C-001", "yushan", "secondary"))
    (v,) = found(g, "one-primary")
    assert where(v) == ("C-001", "yushan", None, None, None, day(2025, 1, 1), (1, 2, 3))
    assert v.message == (
        "2 primary units (scj, zjj) until 2025-01-01 (records #1, #2, #3); end the primary "
        "records of all units but one")
    assert found(g, "one-primary", at="2024-12-31") == (v,)
    assert found(g, "one-primary", at="2025-01-01") == ()


def test_one_primary_at_all_times() -> None:
    """Two open-ended primary records without dates conflict at all times."""
    g = graph(rec(1, "C-001", "zjj"), rec(2, "C-001", "scj"))
    (v,) = found(g, "one-primary")
    assert (v.start, v.end, v.records) == (None, None, (1, 2))
    assert "2 primary units (scj, zjj) at all times (records #1, #2)" in v.message


def test_one_primary_on_a_day_reports_only_the_conflict_in_force() -> None:
    """On a day, only the conflicting period holding that day is reported; on a day
    with no record at all, nothing."""
    g = graph(rec(1, "C-001", "zjj", start="2024-01-01", end="2024-03-01"),
              rec(2, "C-001", "scj", start="2024-01-01", end="2024-02-01"),
              rec(3, "C-001", "scj", start="2024-05-01", end="2024-06-01"),
              rec(4, "C-001", "zjj", start="2024-05-01", end="2024-07-01"))
    assert [(v.start, v.end) for v in found(g, "one-primary")] == [
        (day(2024, 1, 1), day(2024, 2, 1)), (day(2024, 5, 1), day(2024, 6, 1))]
    (v,) = found(g, "one-primary", at="2024-05-15")
    assert (v.start, v.end, v.records) == (day(2024, 5, 1), day(2024, 6, 1), (3, 4))
    assert found(g, "one-primary", at="2024-02-15") == ()
    assert found(g, "one-primary", at="2024-04-01") == ()
    assert found(g, "one-primary", at="2024-06-01") == ()


# ---------------------------------------------------------------- primary-not-secondary


def test_primary_not_secondary_names_both_records_and_the_overlap() -> None:
    """A unit primary and secondary at once is reported on its secondary record, for
    the overlap only, naming both records, whichever has the lower id."""
    g = graph(rec(1, "C-001", "zjj", "secondary", start="2024-06-01", end="2025-01-01"),
              rec(2, "C-001", "zjj", start="2024-01-01"),
              rec(3, "C-001", "yushan", "secondary", start="2024-01-01"))
    (v,) = found(g, "primary-not-secondary")
    assert where(v) == ("C-001", "yushan", "zjj", 1, day(2024, 6, 1), day(2025, 1, 1), (2, 1))
    assert v.message == (
        "zjj is both primary (record #2) and secondary (record #1) from 2024-06-01 until "
        "2025-01-01; a unit answers either fully or as an assistant: end its secondary "
        "record")
    assert found(g, "primary-not-secondary", at="2024-06-01") == (v,)
    assert found(g, "primary-not-secondary", at="2024-05-31") == ()
    assert found(g, "primary-not-secondary", at="2025-01-01") == ()


def test_primary_not_secondary_when_the_primary_record_has_the_lower_id() -> None:
    """With the primary record first, the secondary is still the one to end."""
    g = graph(rec(1, "C-001", "zjj", start="2024-01-01"),
              rec(2, "C-001", "zjj", "secondary", start="2024-01-01"),
              rec(3, "C-001", "yushan", "secondary", start="2024-01-01"))
    (v,) = found(g, "primary-not-secondary")
    assert (v.unit, v.record, v.records, v.start, v.end) == (
        "zjj", 2, (1, 2), day(2024, 1, 1), None)
    assert v.message.startswith(
        "zjj is both primary (record #1) and secondary (record #2) from 2024-01-01 on;")


def test_a_unit_holding_one_role_twice_is_not_primary_and_secondary() -> None:
    """Two secondary records of one unit, or a unit's roles one after the other, are
    not this rule's violation."""
    g = graph(rec(1, "C-001", "zjj"), rec(2, "C-001", "yushan", "secondary"),
              rec(3, "C-001", "yushan", "secondary", start="2024-01-01"))
    assert found(g, "primary-not-secondary") == ()
    g = graph(rec(1, "C-001", "zjj", end="2024-01-01"),
              rec(2, "C-001", "zjj", "secondary", start="2024-01-01"),
              rec(3, "C-001", "scj", start="2024-01-01"),
              rec(4, "C-001", "yushan", "secondary"))
    assert found(g, "primary-not-secondary") == ()


def test_primary_not_secondary_of_a_unit_among_three_records() -> None:
    """A unit with a primary record and two secondary ones is reported for each
    secondary record that overlaps the primary one."""
    g = graph(rec(1, "C-001", "zjj", start="2024-01-01"),
              rec(2, "C-001", "zjj", "secondary", start="2024-01-01", end="2024-06-01"),
              rec(3, "C-001", "zjj", "secondary", start="2024-06-01"),
              rec(4, "C-001", "yushan", "secondary", start="2024-01-01"))
    assert [(v.record, v.records, v.start, v.end) for v in found(g, "primary-not-secondary")] == [
        (2, (1, 2), day(2024, 1, 1), day(2024, 6, 1)), (3, (1, 3), day(2024, 6, 1), None)]


# ---------------------------------------------------------------- the three lists


def test_basic_primary_is_town_names_the_unit_and_the_town_to_make_primary() -> None:
    """A department or the city primary on the basic list is reported on its record,
    with its kind, period and the town to make primary; a department as secondary is
    fine."""
    g = graph(rec(1, "B-001", "zjj", start="2024-01-01", end="2025-01-01"),
              rec(2, "B-001", "yushan", "secondary", start="2024-01-01", end="2025-01-01"),
              rec(3, "B-001", "kunshan", start="2025-01-01"),
              rec(4, "B-001", "zjj", "secondary", start="2025-01-01"))
    second, first = found(g, "basic-primary-is-town")  # ordered by unit
    assert where(first) == ("B-001", "yushan", "zjj", 1, day(2024, 1, 1), day(2025, 1, 1),
                            (1,))
    assert first.message == (
        "department zjj is primary on the basic list from 2024-01-01 until 2025-01-01; on "
        "the basic list the town itself is primary: make yushan primary, or move the item "
        "to the cooperative list if a department leads it")
    assert second.message.startswith(
        "authority kunshan is primary on the basic list from 2025-01-01 on;")
    assert found(g, "basic-primary-is-town", at="2025-06-01") == (second,)
    assert found(g, "basic-primary-is-town", at="2023-06-01") == ()


def test_cooperative_roles_names_a_primary_that_is_not_a_department() -> None:
    """The town or the city primary on the cooperative list is reported on its record;
    the town as secondary with a department primary is the rule kept."""
    g = graph(rec(1, "C-001", "yushan", start="2024-01-01"),
              rec(2, "C-001", "zjj", "secondary", start="2024-01-01"))
    gap, primary = found(g, "cooperative-roles")  # the one without a unit first
    assert where(primary) == ("C-001", "yushan", "yushan", 1, day(2024, 1, 1), None, (1,))
    assert primary.message == (
        "town yushan is primary on the cooperative list from 2024-01-01 on; a department "
        "leads a cooperative item and the town assists: make the leading department "
        "primary, or move the item to the basic list if the town leads it")
    assert where(gap) == ("C-001", "yushan", None, None, day(2024, 1, 1), None, (1, 2))
    g = graph(rec(1, "C-001", "kunshan"), rec(2, "C-001", "yushan", "secondary"))
    (v,) = found(g, "cooperative-roles")
    assert v.message.startswith("authority kunshan is primary on the cooperative list at all")


def test_cooperative_roles_reports_the_period_the_town_does_not_assist() -> None:
    """When the town stops being secondary, the gap is reported from that day, with
    only the records in force during it (not the ones that ended on its first day or
    start on the day after its end)."""
    g = graph(rec(1, "C-001", "zjj", start="2024-01-01", end="2025-01-01"),
              rec(2, "C-001", "yushan", "secondary", start="2024-01-01", end="2025-01-01"),
              rec(3, "C-001", "zjj", start="2025-01-01", end="2026-01-01"),
              rec(4, "C-001", "scj", "secondary", start="2025-01-01", end="2026-01-01"),
              rec(5, "C-001", "zjj", start="2026-01-01"),
              rec(6, "C-001", "yushan", "secondary", start="2026-01-01"))
    (v,) = found(g, "cooperative-roles")
    assert where(v) == ("C-001", "yushan", None, None, day(2025, 1, 1), day(2026, 1, 1),
                        (3, 4))
    assert v.message == (
        "the town is not secondary on its cooperative list from 2025-01-01 until "
        "2026-01-01 (records #3, #4); the town assists with a cooperative item: add yushan "
        "as secondary with its part (镇街配合职责), or move the item to the reclaimed list "
        "if the town no longer takes part")
    assert found(g, "cooperative-roles", at="2025-01-01") == (v,)
    assert found(g, "cooperative-roles", at="2024-12-31") == ()
    assert found(g, "cooperative-roles", at="2026-01-01") == ()


def test_cooperative_roles_gaps_between_and_around_the_towns_part() -> None:
    """The town assisting only in the middle of the item's time leaves a gap before
    and a gap after, until the last record of the list ends; another town assisting on
    the list does not count."""
    g = graph(rec(1, "C-001", "zjj", start="2024-01-01", end="2027-01-01"),
              rec(2, "C-001", "yushan", "secondary", start="2025-01-01", end="2026-01-01"),
              rec(3, "C-001", "bacheng", "secondary", start="2024-01-01"))
    assert [(v.start, v.end, v.records) for v in found(g, "cooperative-roles")
            if v.record is None] == [
        (day(2024, 1, 1), day(2025, 1, 1), (1, 3)), (day(2026, 1, 1), None, (1, 3))]


def test_cooperative_roles_a_hand_over_between_departments_is_one_gap() -> None:
    """Departments handing the item over the day one ends, with the town never assisting,
    leave one gap from the first start on (not one per department); a town record that is
    never in force neither fills the gap nor is named in it."""
    g = graph(rec(1, "C-001", "zjj", start="2024-01-01", end="2025-01-01"),
              rec(2, "C-001", "scj", start="2025-01-01"),
              rec(3, "C-001", "yushan", "secondary", start="2024-06-01", end="2024-06-01"))
    (v,) = found(g, "cooperative-roles")
    assert where(v) == ("C-001", "yushan", None, None, day(2024, 1, 1), None, (1, 2))
    assert v.message.startswith(
        "the town is not secondary on its cooperative list from 2024-01-01 on (records #1, #2);")


def test_cooperative_roles_a_gap_ends_where_the_list_stops() -> None:
    """A gap ends on the day the item leaves the cooperative list, even when it comes
    back later with the town assisting: the time off the list is no gap."""
    g = graph(rec(1, "C-001", "zjj", start="2024-01-01", end="2025-01-01"),
              rec(2, "C-001", "zjj", start="2026-01-01"),
              rec(3, "C-001", "yushan", "secondary", start="2026-01-01"))
    (v,) = found(g, "cooperative-roles")
    assert (v.start, v.end, v.records) == (day(2024, 1, 1), day(2025, 1, 1), (1,))
    assert found(g, "cooperative-roles", at="2025-06-01") == ()


def test_reclaimed_upward_names_who_is_primary_instead_of_a_department() -> None:
    """On the reclaimed list the town itself, or another unit, as primary is reported
    on its record; a department primary with the town secondary is the rule kept."""
    g = graph(rec(1, "R-001", "yushan", start="2024-01-01", end="2025-01-01"),
              rec(2, "R-001", "kunshan", start="2025-01-01", end="2026-01-01"),
              rec(3, "R-001", "zjj", start="2026-01-01"),
              rec(4, "R-001", "yushan", "secondary", start="2026-01-01"))
    city, town = found(g, "reclaimed-upward")  # ordered by unit
    assert where(town) == ("R-001", "yushan", "yushan", 1, day(2024, 1, 1), day(2025, 1, 1),
                           (1,))
    assert town.message == (
        "the town itself is primary on the reclaimed list from 2024-01-01 until 2025-01-01; "
        "a reclaimed item is led by the department that took it back: make that department "
        "primary (the town may stay secondary), or move the item back to the basic list "
        "if it was never taken back")
    assert city.message.startswith(
        "authority kunshan is primary on the reclaimed list from 2025-01-01 until 2026-01-01;")
    assert found(g, "reclaimed-upward", at="2026-06-01") == ()


def test_own_town_only_names_the_other_town_and_its_role() -> None:
    """A town holding a role on another town's list is reported on its record, with the
    role, the list and the town whose list it is."""
    g = graph(rec(1, "B-001", "yushan", start="2024-01-01"),
              rec(2, "B-001", "bacheng", "secondary", start="2024-01-01", end="2025-01-01"))
    (v,) = found(g, "own-town-only")
    assert where(v) == ("B-001", "yushan", "bacheng", 2, day(2024, 1, 1), day(2025, 1, 1),
                        (2,))
    assert v.message == (
        "town bacheng is secondary on the basic list of another town from 2024-01-01 until "
        "2025-01-01; a town answers only for its own lists: give this role to yushan or to "
        "a department")
    assert found(g, "own-town-only", at="2025-01-01") == ()
    g = graph(rec(1, "C-001", "bacheng"), rec(2, "C-001", "yushan", "secondary"))
    (v,) = found(g, "own-town-only")
    assert v.message.startswith("town bacheng is primary on the cooperative list")


# ---------------------------------------------------------------- valid-interval


def test_valid_interval_reports_a_record_that_is_never_in_force_on_any_day() -> None:
    """A record that starts on its end day, or ends before it starts, is reported with
    its dates whatever the day checked; it does not count as in force for the others."""
    g = graph(rec(1, "B-001", "yushan", start="2024-06-01", end="2024-06-01"),
              rec(2, "B-001", "yushan", start="2025-01-01", end="2024-01-01"),
              rec(3, "B-001", "yushan", start="2024-01-01"))
    same, backwards = found(g, "valid-interval")
    assert where(same) == ("B-001", "yushan", "yushan", 1, day(2024, 6, 1), day(2024, 6, 1),
                           (1,))
    assert same.message == (
        "starts and ends on 2024-06-01, so it is never in force; the end is the first day "
        "no longer in force and must come after the start: correct the dates")
    assert backwards.message.startswith(
        "starts on 2025-01-01 but ends on 2024-01-01, before it starts; the end is")
    assert found(g, "valid-interval", at="2030-01-01") == (same, backwards)
    assert kr.check(g).errors == (same, backwards)


def test_valid_interval_reports_overlapping_records_of_a_unit_in_one_role() -> None:
    """Two records of one unit in one role that overlap are one violation on the later
    record, for the overlap, naming both; other roles and units do not count."""
    g = graph(rec(4, "B-001", "yushan", start="2024-01-01", end="2025-01-01"),
              rec(2, "B-001", "yushan", start="2024-06-01"),
              rec(3, "B-001", "zjj", "secondary", start="2024-01-01"))
    (v,) = found(g, "valid-interval")
    assert where(v) == ("B-001", "yushan", "yushan", 4, day(2024, 6, 1), day(2025, 1, 1),
                        (2, 4))
    assert v.message == (
        "records #2 and #4 of yushan as primary overlap from 2024-06-01 until 2025-01-01; "
        "end the earlier record before the later one starts, or remove the duplicate")
    assert found(g, "valid-interval", at="2024-06-01") == (v,)
    assert found(g, "valid-interval", at="2024-05-31") == ()
    assert found(g, "valid-interval", at="2025-01-01") == ()


def test_valid_interval_checks_every_pair_of_a_units_records() -> None:
    """Three records of a unit in one role: each overlapping pair is reported, and
    records that only touch (one ends the day the next starts) are not."""
    g = graph(rec(1, "C-001", "zjj", "secondary", start="2024-01-01", end="2024-06-01"),
              rec(2, "C-001", "zjj", "secondary", start="2024-06-01", end="2025-01-01"),
              rec(3, "C-001", "zjj", "secondary", start="2024-03-01", end="2024-09-01"),
              rec(4, "C-001", "scj", start="2024-01-01", end="2025-01-01"),
              rec(5, "C-001", "yushan", "secondary", start="2024-01-01", end="2025-01-01"))
    assert [(v.records, v.start, v.end) for v in found(g, "valid-interval")] == [
        ((1, 3), day(2024, 3, 1), day(2024, 6, 1)), ((2, 3), day(2024, 6, 1), day(2024, 9, 1))]


def test_two_records_are_enough_to_break_the_pair_rules() -> None:
    """An (item, town) with just two records, of one unit, is checked like any other:
    primary and secondary at once, or the same role twice at once."""
    (v,) = found(graph(rec(1, "C-001", "zjj"), rec(2, "C-001", "zjj", "secondary")),
                 "primary-not-secondary")
    assert (v.record, v.records) == (2, (1, 2))
    (v,) = found(graph(rec(1, "B-001", "yushan", start="2024-01-01"),
                       rec(2, "B-001", "yushan", start="2024-06-01")), "valid-interval")
    assert (v.record, v.records, v.start, v.end) == (2, (1, 2), day(2024, 6, 1), None)


# ---------------------------------------------------------------- a clean history


def test_a_clean_history_of_hand_overs_breaks_no_rule_on_any_day() -> None:
    """Batches that follow one another (a town's basic item, then reclaimed to a
    department) break no rule, over all dates or on the day of the hand-over."""
    g = graph(rec(1, "B-001", "yushan", start="2024-01-01", end="2025-01-01"),
              rec(2, "B-001", "zjj", "secondary", start="2024-01-01", end="2025-01-01"),
              rec(3, "B-001", "zjj", start="2025-01-01", list="reclaimed"),
              rec(4, "B-001", "yushan", "secondary", start="2025-01-01", list="reclaimed"),
              items=ITEMS[:1])
    for at in (None, "2024-12-31", "2025-01-01"):
        assert kr.check(g, at=at).violations == (), at


@pytest.mark.parametrize("at", [None, "2024-06-01"])
def test_a_rule_reports_only_the_item_and_town_it_concerns(at: str | None) -> None:
    """A clean (item, town) beside a broken one is not reported, and each violation
    carries its own item and town."""
    g = graph(rec(1, "B-001", "yushan", start="2024-01-01"),
              rec(2, "C-001", "zjj", start="2024-01-01"),
              rec(3, "C-001", "scj", start="2024-01-01"),
              rec(4, "C-001", "yushan", "secondary", start="2024-01-01"))
    (v,) = found(g, "one-primary", at=at)
    assert (v.item, v.town, v.records) == ("C-001", "yushan", (2, 3, 4))


# ---------------------------------------------------------------- the hierarchy


def units_with(*extra: tuple[str, str | None]) -> list[dict[str, Any]]:
    """The usual units plus departments ``(code, parent)``."""
    return UNITS + [{"code": code, "kind": "department", "name": f"{code}局", "parent": parent}
                    for code, parent in extra]


def test_a_unit_cycle_reached_through_a_chain_is_named_from_its_smallest_code() -> None:
    """A cycle entered from a unit outside it is reported once, on its smallest code,
    listing only the units in the cycle, from that code round to it again."""
    g = graph(rec(1, "B-001", "yushan"),
              units=units_with(("a", "x"), ("x", "w"), ("w", "x"), ("y", "a")))
    (v,) = found(g, "acyclic-hierarchy")
    assert (v.unit, v.item, v.town, v.record) == ("w", None, None, None)
    assert v.message == (
        "parent links among units form a cycle: w → x → w; remove or correct one of these "
        "parent links")


def test_two_cycles_and_an_unknown_parent() -> None:
    """Each cycle is reported once, in code order; a parent code that names no unit
    ends a chain without a cycle."""
    g = graph(rec(1, "B-001", "yushan"),
              units=units_with(("b", "c"), ("c", "b"), ("d", "nowhere"), ("e", "d"),
                               ("f", "g"), ("g", "h"), ("h", "f")))
    assert [v.message.split("; ")[0] for v in found(g, "acyclic-hierarchy")] == [
        "parent links among units form a cycle: b → c → b",
        "parent links among units form a cycle: f → g → h → f",
    ]


def item(code: str, parent: str | None = None, basis: tuple[str, ...] = (), name: str = "",
         power_type: str | None = None) -> dict[str, Any]:
    return {"code": code, "name": name or f"事项{code}", "parent": parent,
            "basis": list(basis), "power_type": power_type}


def listed(id: int, code: str, *, unit: str = "yushan", start: str | None = None,
           end: str | None = None, grant: str = "") -> dict[str, Any]:
    """A basic-list primary record of ``code`` in yushan."""
    return {"id": id, "item": code, "town": "yushan", "list": "basic", "unit": unit,
            "role": "primary", "start": start, "end": end, "duty": "", "source": "",
            "grant": grant, "opened_by": None, "closed_by": None}


def test_an_item_cycle_is_reported_on_its_smallest_code_and_other_rules_still_end() -> None:
    """A cycle of item parents is one error on the item with the smallest code; the
    rules that walk parents (has-basis, orphan-item) stop at the cycle."""
    g = graph(listed(1, "I3"),
              items=[item("I3", "I2"), item("I2", "I4"), item("I4", "I2"), item("I1", "I4")])
    report = kr.check(g)
    (cycle,) = report.errors
    assert (cycle.rule, cycle.item, cycle.unit) == ("acyclic-hierarchy", "I2", None)
    assert cycle.message.startswith("parent links among items form a cycle: I2 → I4 → I2;")
    assert [(v.rule, v.item) for v in report.warnings] == [
        ("has-basis", "I3"), ("orphan-item", "I1")]


# ---------------------------------------------------------------- the catalogue


def test_has_basis_looks_up_every_ancestor_and_names_the_item_without_one() -> None:
    """An item on a list is grounded by its own basis or any ancestor's (a grandparent
    too); one without is one warning on the item, whatever its parent code names."""
    g = graph(listed(1, "A-2"), listed(2, "B-1"), listed(3, "C-1"),
              items=[item("A", basis=("《法》",)), item("A-1", "A"), item("A-2", "A-1"),
                     item("B", "nowhere"), item("B-1", "B"), item("C-1", "nowhere")])
    violations = found(g, "has-basis")
    assert [(v.item, v.town, v.record, v.severity) for v in violations] == [
        ("B-1", None, None, kr.Severity.WARNING), ("C-1", None, None, kr.Severity.WARNING)]
    assert violations[0].message == (
        "is on a list but cites no legal or policy basis (依据); add the law, regulation or "
        "policy document that grounds the duty to the item's basis")
    assert found(g, "has-basis", at="2030-01-01") == violations


def test_orphan_item_reaches_the_ancestors_and_descendants_of_held_items() -> None:
    """An item counts as held when an item above or below it is held, however many
    levels away (P above the held P-1; P-1-1 and P-1-1-1 below it); a held item's
    siblings and the items of another branch are orphans, each named once, in code
    order."""
    g = graph(listed(1, "P-1"),
              items=[item("P", basis=("x",)), item("P-1", "P"), item("P-1-1", "P-1"),
                     item("P-1-1-1", "P-1-1"), item("P-2", "P"), item("Q", basis=("x",)),
                     item("Q-1", "Q")])
    violations = found(g, "orphan-item")
    assert [(v.item, v.severity) for v in violations] == [
        ("P-2", kr.Severity.WARNING), ("Q", kr.Severity.WARNING), ("Q-1", kr.Severity.WARNING)]
    assert violations[0].message == (
        "is on no list of any town at any date; put it on the list of the towns that do "
        "it, or remove it from the catalogue if no one does")


def test_town_capacity_wants_a_grant_from_a_town_primary_of_a_specialist_power() -> None:
    """A town primary for a penalty item without a grant (blank counts as none) is one
    warning on its record; with a grant, or for another power type, nothing."""
    g = graph(listed(1, "R-1", end="2025-01-01"), listed(2, "R-2", grant="  "),
              listed(3, "R-3", grant="苏政发〔2020〕91号"), listed(4, "L-1"),
              items=[item("R-1", basis=("x",), power_type="行政处罚"),
                     item("R-2", basis=("x",), power_type="行政强制"),
                     item("R-3", basis=("x",), power_type="行政处罚"),
                     item("L-1", basis=("x",), power_type="行政许可")])
    first, second = found(g, "town-capacity")
    assert where(first) == ("R-1", "yushan", "yushan", 1, None, day(2025, 1, 1), (1,))
    assert first.message == (
        "town yushan is primary of a 行政处罚 item until 2025-01-01 without a grant (赋权文号); "
        "record the document that empowered the town (grant=), or reclaim the item to the "
        "department able to exercise it")
    assert (second.item, second.record) == ("R-2", 2)
    assert found(g, "town-capacity", at="2025-06-01") == (second,)


def test_duplicate_names_are_reported_on_the_smallest_code_with_the_name() -> None:
    """Items with the same normalised name, added in any order, are one warning on the
    smallest code, listing the codes in order and the name compared."""
    g = graph(listed(1, "D-3"), listed(2, "D-1"), listed(3, "D-2"),
              items=[item("D-3", basis=("x",), name="秸秆禁烧 巡查"),
                     item("D-2", basis=("x",), name="露天焚烧巡查"),
                     item("D-1", basis=("x",), name="秸秆禁烧巡查。")])
    (v,) = found(g, "duplicate-name")
    assert (v.item, v.severity) == ("D-1", kr.Severity.WARNING)
    assert v.message == (
        "items D-1, D-3 have the same name once width, case, spaces and punctuation are "
        "ignored ('秸秆禁烧巡查'); merge them into one item, or rename them so that their names "
        "tell them apart")


def test_a_built_in_rule_is_named_after_its_id_and_runs_alone_on_a_day() -> None:
    """Each built-in rule's function is named after its id, and calling the rule with a
    day checks that day only."""
    assert [repr(r).rsplit("function=", 1)[1] for r in kr.RULES] == [
        r.id.replace("-", "_") + ")" for r in kr.RULES]
    g = graph(rec(1, "C-001", "zjj", end="2025-01-01"), rec(2, "C-001", "scj"),
              rec(3, "C-001", "yushan", "secondary"))
    one_primary = kr.RULES[0]
    assert one_primary(g, "2025-06-01") == ()
    assert one_primary(g, "2024-06-01") == found(g, "one-primary")
