"""Tests of what the built-in rules share in one check: the window, the groups of records,
and the quick proof that spares clean groups the full examination.

A national graph has millions of (item, town) groups, nearly all written by ``assign`` and
the transfers in clean batches; the rules examine in full (a timeline, every overlapping
pair) only the groups `_plainly_clean` cannot clear. These tests state what the shared
`_Context` gives the rules and which groups the quick proof clears.
"""

from __future__ import annotations

import datetime
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

import kunshan_rbac as kr
from kunshan_rbac._dates import BEGINNING, FOREVER
from kunshan_rbac._rules._builtin import _Context, _plainly_clean

P, S = kr.Role.PRIMARY, kr.Role.SECONDARY
BASIC, RECLAIMED = kr.ListKind.BASIC, kr.ListKind.RECLAIMED
Spanned = tuple[int, int, kr.Record]


def spanned(id: int, unit: str, role: kr.Role, start: int, end: int,
            kind: kr.ListKind = BASIC) -> Spanned:
    """A record of item I in town yushan with its period as day numbers."""
    return (start, end, kr.Record(id, unit, "I", "yushan", role, kind))


# ---------------------------------------------------------------- the quick proof


@pytest.mark.parametrize("spans", [
    pytest.param([spanned(1, "yushan", P, BEGINNING, FOREVER)], id="one primary at all times"),
    pytest.param([spanned(1, "yushan", P, 10, 20), spanned(2, "zjj", S, 10, 20),
                  spanned(3, "scj", S, 10, 20)], id="one batch"),
    pytest.param([spanned(1, "yushan", P, BEGINNING, 100), spanned(2, "zjj", S, BEGINNING, 100),
                  spanned(3, "zjj", P, 100, FOREVER, RECLAIMED),
                  spanned(4, "yushan", S, 100, FOREVER, RECLAIMED)],
                 id="a hand-over the day one batch ends"),
    pytest.param([spanned(1, "yushan", P, 10, 20), spanned(2, "zjj", P, 30, 40)],
                 id="batches with a gap between them"),
])
def test_batches_written_by_assign_and_transfers_are_plainly_clean(
    spans: list[Spanned],
) -> None:
    """Groups as ``assign`` and the transfers write them (batches of one period that
    follow one another, each on one list with one primary and no unit twice) are cleared
    without the full examination, whatever their open ends."""
    assert _plainly_clean(spans) is True


@pytest.mark.parametrize("spans", [
    pytest.param([spanned(1, "zjj", S, BEGINNING, FOREVER)], id="a secondary alone"),
    pytest.param([spanned(1, "yushan", P, 10, 100), spanned(2, "zjj", P, 50, 200)],
                 id="batches that overlap"),
    pytest.param([spanned(1, "yushan", P, 10, 100), spanned(2, "zjj", P, 20, 50)],
                 id="a batch inside another"),
    pytest.param([spanned(1, "yushan", P, 10, 20), spanned(2, "zjj", S, 10, 20, RECLAIMED)],
                 id="one batch on two lists"),
    pytest.param([spanned(1, "yushan", P, 10, 20), spanned(2, "zjj", P, 10, 20)],
                 id="two primaries"),
    pytest.param([spanned(1, "yushan", P, 5, 10), spanned(2, "zjj", S, 10, 20),
                  spanned(3, "scj", S, 10, 20)], id="a batch without a primary"),
    pytest.param([spanned(1, "zjj", P, 10, 20), spanned(2, "zjj", S, 10, 20)],
                 id="a unit twice in a batch"),
])
def test_a_group_that_may_break_a_rule_is_not_plainly_clean(spans: list[Spanned]) -> None:
    """A group with any batch that overlaps another, mixes lists, has not exactly one
    primary or names a unit twice is not cleared: it goes to the full examination."""
    assert _plainly_clean(spans) is False


# ---------------------------------------------------------------- the shared context

UNITS = [
    {"code": "kunshan", "kind": "authority", "name": "昆山市", "parent": None},
    {"code": "yushan", "kind": "town", "name": "玉山镇", "parent": "kunshan"},
    {"code": "zjj", "kind": "department", "name": "市住房和城乡建设局", "parent": "kunshan"},
]


def rec(id: int, item: str, unit: str, role: str = "primary", start: str | None = None,
        end: str | None = None) -> dict[str, Any]:
    """A raw record of ``item`` on yushan's basic list."""
    return {"id": id, "item": item, "town": "yushan", "list": "basic", "unit": unit,
            "role": role, "start": start, "end": end, "duty": "", "source": "", "grant": "",
            "opened_by": None, "closed_by": None}


def graph(*records: dict[str, Any]) -> kr.ResponsibilityGraph:
    """A graph of the raw records (in the order given), read through JSON."""
    data = {
        "format": "kunshan-rbac", "version": 1,
        "units": [{"aliases": [], **u} for u in UNITS],
        "items": [{"code": code, "name": f"事项{code}", "basis": ["x"], "domain": "",
                   "parent": None, "power_type": None} for code in ("A", "B", "C", "D")],
        "records": list(records), "transfers": [],
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "graph.json")
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return kr.read_json(path)


def n(text: str) -> int:
    """A date's day number."""
    return datetime.date.fromisoformat(text).toordinal()


def test_covers_is_a_real_period_holding_the_day_checked() -> None:
    """Over all dates, any period of a day or more is in the window and an empty one is
    not; on a day, only a period holding that day (its start, not its end)."""
    g = graph()
    every = _Context(g, None)
    assert every.covers(n("2024-01-01"), n("2024-01-02")) is True
    assert every.covers(BEGINNING, FOREVER) is True
    assert every.covers(n("2024-01-01"), n("2024-01-01")) is False
    one = _Context(g, datetime.date(2024, 6, 1))
    assert one.covers(n("2024-06-01"), n("2024-06-02")) is True
    assert one.covers(n("2024-01-01"), n("2024-06-01")) is False
    assert one.covers(n("2024-06-02"), FOREVER) is False
    assert one.covers(n("2024-06-01"), n("2024-06-01")) is False


def test_groups_hold_the_records_in_force_in_id_order() -> None:
    """Each (item, town) comes with its records in id order, whatever order the file
    lists them in, without the records never in force; an (item, town) with none in
    force is left out."""
    g = graph(rec(5, "A", "yushan", start="2024-01-01"),
              rec(3, "A", "zjj", "secondary", start="2024-01-01"),
              rec(4, "A", "zjj", "secondary", start="2024-03-01", end="2024-03-01"),
              rec(1, "A", "zjj", "secondary", start="2023-01-01", end="2024-01-01"),
              rec(2, "B", "yushan", start="2024-05-01", end="2024-04-01"))
    groups = dict(_Context(g, None).groups())
    assert list(groups) == [("A", "yushan")]
    assert [(s, e, r.id) for s, e, r in groups["A", "yushan"]] == [
        (n("2023-01-01"), n("2024-01-01"), 1), (n("2024-01-01"), FOREVER, 3),
        (n("2024-01-01"), FOREVER, 5)]


def test_groups_on_a_day_are_those_with_a_record_in_force_that_day() -> None:
    """On a day, an (item, town) whose records all start that day is checked; one whose
    records all end that day, or start later, is not."""
    g = graph(rec(1, "A", "yushan", start="2024-06-01"),
              rec(2, "B", "yushan", end="2024-06-01"),
              rec(3, "C", "yushan", start="2024-06-02"),
              rec(4, "D", "yushan", start="2024-01-01", end="2024-06-01"),
              rec(5, "D", "yushan", start="2024-06-01", end="2024-06-02"))
    assert [key for key, _ in _Context(g, datetime.date(2024, 6, 1)).groups()] == [
        ("A", "yushan"), ("D", "yushan")]


def test_only_groups_the_quick_proof_cannot_clear_are_examined_in_full() -> None:
    """The groups examined in full are the ones that are not plainly clean; the records
    in force are those of every group."""
    g = graph(rec(1, "A", "yushan"), rec(2, "A", "zjj", "secondary"),
              rec(3, "B", "yushan"), rec(4, "B", "zjj"))
    ctx = _Context(g, None)
    assert list(ctx.tangled) == [("B", "yushan")]
    assert sorted(r.id for r in ctx.live) == [1, 2, 3, 4]


def test_records_never_in_force_come_in_id_order_with_their_dates() -> None:
    """The records that start on or after their end are given in id order, with their
    start and end; open-ended records are never among them."""
    g = graph(rec(7, "A", "yushan", start="2024-06-01", end="2024-06-01"),
              rec(2, "A", "yushan", start="2025-01-01", end="2024-01-01"),
              rec(3, "A", "yushan", end="2024-01-01"), rec(4, "A", "yushan", start="2024-01-01"))
    assert [(r.id, s, e) for r, s, e in _Context(g, None).never_in_force()] == [
        (2, datetime.date(2025, 1, 1), datetime.date(2024, 1, 1)),
        (7, datetime.date(2024, 6, 1), datetime.date(2024, 6, 1))]
