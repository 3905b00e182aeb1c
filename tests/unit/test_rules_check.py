"""Tests of `kr.check`: the types of rule ids, and the order of a report's violations."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import pytest

import kunshan_rbac as kr


@pytest.mark.parametrize("parameter", ["select", "ignore"])
@pytest.mark.parametrize("value", [[1], ["one-primary", None], (b"one-primary",)])
def test_a_rule_id_that_is_not_a_string_is_a_type_error(parameter: str, value: Any) -> None:
    """`select` and `ignore` take rule ids as strings: anything else among them is a
    `TypeError` naming the value, not an "unknown rule" error."""
    with pytest.raises(TypeError, match="rule ids are strings") as caught:
        kr.check(kr.ResponsibilityGraph(), **{parameter: value})
    assert not isinstance(caught.value, kr.UnknownRuleError)


def test_violations_are_ordered_by_rule_town_item_unit_period_and_record() -> None:
    """A report lists violations by rule (built-in ones first, then custom rules in the
    order given), then town, item, unit, period start and record, whatever order the
    rules produced them in; a missing town, item, unit, start or record sorts first (before
    record 0: a graph read from JSON may number its records from 0)."""
    day = datetime.date

    def v(message: str, **where: Any) -> kr.Violation:
        return kr.Violation("scrambled", kr.Severity.WARNING, message, **where)

    wanted = [
        v("no place at all"),
        v("no town", item="I1"),
        v("a town only", town="t1"),
        v("town, no item", town="t1", unit="u1"),
        v("town and item", town="t1", item="I1"),
        v("open start", town="t1", item="I1", unit="u1"),
        v("no record", town="t1", item="I1", unit="u1", start=day(2024, 1, 1)),
        v("a record 0", town="t1", item="I1", unit="u1", start=day(2024, 1, 1), record=0),
        v("record 1", town="t1", item="I1", unit="u1", start=day(2024, 1, 1), record=1),
        v("record 2", town="t1", item="I1", unit="u1", start=day(2024, 1, 1), record=2),
        v("later start", town="t1", item="I1", unit="u1", start=day(2025, 1, 1)),
        v("another unit", town="t1", item="I1", unit="u2"),
        v("another item", town="t1", item="I2"),
        v("another town", town="t2", item="I0"),
    ]

    @kr.rule("scrambled", severity="warning")
    def scrambled(graph: kr.ResponsibilityGraph, at: datetime.date | None
                  ) -> Iterable[kr.Violation]:
        return [*wanted[1::2], *reversed(wanted[0::2])]

    @kr.rule("first-said")
    def first_said(graph: kr.ResponsibilityGraph, at: datetime.date | None
                   ) -> Iterable[kr.Violation]:
        yield kr.Violation("first-said", kr.Severity.ERROR, "zz", town="a")

    report = kr.check(kr.ResponsibilityGraph(), rules=[first_said, scrambled])
    assert [x.message for x in report.violations] == ["zz", *(w.message for w in wanted)]
    report = kr.check(kr.ResponsibilityGraph(), rules=[scrambled, first_said])
    assert [x.message for x in report.violations] == [*(w.message for w in wanted), "zz"]


def test_the_deprecation_warning_for_a_positional_date_points_at_the_caller() -> None:
    """Passing the date positionally still works, with a `DeprecationWarning` reported at
    the caller's line (so that the user sees which of their calls to change), and
    gives the same report as ``at=``."""
    graph = kr.ResponsibilityGraph()
    with pytest.warns(DeprecationWarning, match=r"check\(graph, at=") as caught:
        report = kr.check(graph, "2025-07-01")  # type: ignore[call-arg]
    assert caught[0].filename == __file__
    assert report == kr.check(graph, at="2025-07-01")
