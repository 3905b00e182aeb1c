"""The supervision chain: findings from an evaluation and from kr.check, rectification
tasks with working-day deadlines, re-evaluation, and the JSON record."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest

import kunshan_rbac as kr
from kunshan_rbac._supervision import COOPERATIVE_RETURNS


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    """The sample graph."""
    return kr.load_sample()


@pytest.fixture(scope="module")
def ev(g: kr.ResponsibilityGraph) -> kr.Evaluation:
    """The sample orders' first quarter."""
    return kr.evaluate(g, kr.load_sample_orders(), start="2025-01-01", end="2025-03-31")


def test_findings_are_exactly_the_figures_beyond_their_thresholds(ev: kr.Evaluation) -> None:
    """A town is found for a metric iff its figure breaks the documented limit."""
    found = {(f.subject, f.metric) for f in kr.find_problems(ev) if f.subject in ev.towns}
    expected = set()
    for town, row in ev.towns.items():
        for metric, (direction, limit) in kr.THRESHOLDS.items():
            value = getattr(row, metric)
            if value is None or row.counted[metric] < 30:
                continue
            if (value < limit) if direction == ">=" else (value > limit):
                expected.add((town, metric))
    assert found == expected
    assert expected, "the sample's first quarter has towns below a limit"


def test_findings_name_orders_behind_them(ev: kr.Evaluation) -> None:
    """A finding's examples are orders of that town that miss the metric."""
    for finding in kr.find_problems(ev):
        if finding.subject not in ev.towns:
            continue
        behind = ev.orders_behind(town=finding.subject, metric=finding.metric)
        assert finding.examples
        assert set(finding.examples) <= set(behind.counted)


def test_departments_whose_cooperative_items_are_returned(ev: kr.Evaluation) -> None:
    """A department is found when over 15% of its cooperative-item orders are returned."""
    rows = [r for r in ev.per_order.to_pylist() if r["list"] == "cooperative" and r["ret_n"]]
    rates: dict[str, list[int]] = {}
    for r in rows:
        rates.setdefault(r["primary"], []).append(int(r["ret_hit"]))
    expected = {u for u, flags in rates.items()
                if len(flags) >= 30 and sum(flags) / len(flags) > COOPERATIVE_RETURNS}
    found = {f.subject for f in kr.find_problems(ev) if f.metric == "cooperative-returns"}
    assert found == expected


def test_check_violations_become_findings(g: kr.ResponsibilityGraph) -> None:
    """An error of kr.check is a finding for the unit or town it concerns."""
    broken = kr.load_sample()
    broken.assign("B-CJ-001", town="zhoushi", primary="zjj", list="basic",
                  start="2025-01-01")
    report = kr.check(broken)
    findings = kr.find_problems(report=report, found="2025-06-30")
    assert len(findings) == len(report.errors) > 0
    assert all(f.source == "check" and f.found == datetime.date(2025, 6, 30) for f in findings)
    assert len({f.id for f in findings}) == len(findings)


def test_tasks_have_working_day_deadlines_and_get_rechecked(
    g: kr.ResponsibilityGraph, ev: kr.Evaluation
) -> None:
    """Tasks are due 15 working days after opening; a recheck says fixed or not fixed."""
    findings = kr.find_problems(ev)
    record = kr.Supervision.open(findings, opened="2025-09-30")
    calendar = kr.WorkCalendar.china()
    assert all(t.due == calendar.add_working_days("2025-09-30", 15) for t in record.tasks)
    assert all(t.status == "open" and t.owner == f.subject
               for t, f in zip(record.tasks, record.findings, strict=True))
    later = kr.evaluate(g, kr.load_sample_orders(), start="2025-10-01", end="2025-12-31")
    rechecked = record.recheck(later, on="2026-01-05")
    for task, finding in zip(rechecked.tasks, record.findings, strict=True):
        assert task.checked == datetime.date(2026, 1, 5)
        now = kr.find_problems(later, found="2026-01-05")
        still = any(f.id == finding.id for f in now)
        assert task.status == ("not fixed" if still else "fixed") or task.status == "open"


def test_record_round_trips_through_json(ev: kr.Evaluation, tmp_path: Path) -> None:
    """write then read gives the same record, and the file fits the schema."""
    record = kr.Supervision.open(kr.find_problems(ev), opened="2025-04-01")
    record = record.recheck(ev, on="2025-05-01")
    path = tmp_path / "supervision.json"
    record.write(path)
    jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), kr.supervision_schema())
    assert kr.Supervision.read(path) == record
    assert not list(tmp_path.glob("*.part"))


def test_bad_records_are_located(tmp_path: Path) -> None:
    """A record that breaks the schema, or a task without its finding, is a LoadError."""
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "kunshan-rbac-supervision", "version": 1,
                                "findings": [], "tasks": [{"finding": "x"}]}), encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.Supervision.read(path)
    assert all(p.file == str(path) for p in info.value.problems)
    with pytest.raises(kr.LoadError):
        kr.Supervision.read(tmp_path / "missing.json")


def test_ranking_orders_towns_by_score(ev: kr.Evaluation) -> None:
    """rank_towns gives every town once, best score first, scores the mean of three."""
    ranking = kr.rank_towns(ev)
    assert sorted(s.town for s in ranking) == sorted(ev.towns)
    scores = [s.score for s in ranking]
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    for s in ranking:
        parts = [x for x in (s.quality, s.satisfaction, s.burden) if x is not None]
        assert s.score == pytest.approx(sum(parts) / len(parts))
        row = ev.towns[s.town]
        assert s.burden == pytest.approx(1 - row.off_list_burden / row.orders)
