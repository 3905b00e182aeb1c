"""Tests of kunshan_rbac._deadlines: time limits, their precedence, due times and lateness."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

import kunshan_rbac as kr

CAL = kr.WorkCalendar.china()
DL = kr.Deadlines.default()
G = kr.load_sample()


def _at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=kr.CHINA_TZ)


def test_precedence_item_domain_kind_default() -> None:
    """The item's rule beats its domain's, which beats the kind's, which beats the default."""
    fund = G.item("B-CJ-043")  # 城乡建设, with an item rule
    building = G.item("B-CJ-002")  # 城乡建设, no item rule
    welfare = G.item("B-MS-001")  # 民生服务, no domain rule
    assert DL.limit_for(fund, kind="咨询").source == "item B-CJ-043"
    assert DL.limit_for(building, kind="咨询").source == "domain 城乡建设"
    assert DL.limit_for(welfare, kind="咨询").source == "kind 咨询"
    assert DL.limit_for(welfare).source == "default"
    assert DL.limit_for(None).source == "default"
    assert DL.limit_for("B-CJ-043").source == "item B-CJ-043"


def test_sub_items_use_their_parents_rule() -> None:
    """A sub-item without its own rule takes its parent item's rule, and says so."""
    dl = DL.with_item("R-ZJ-039", sign_hours=1, done_days=4)
    limit = dl.limit_for(G.item("R-ZJ-039-01"))
    assert limit.done_days == 4
    assert limit.source == "item R-ZJ-039 (parent of R-ZJ-039-01)"


def test_unknown_kind_falls_to_the_default_and_says_so() -> None:
    """A kind with no rule gets the default, and the source names the kind."""
    limit = DL.limit_for(None, kind="催办")
    assert limit.done_days == DL.fallback.done_days
    assert "催办" in limit.source


def test_shipped_defaults_cover_every_kind_and_fit_the_published_range() -> None:
    """Each kind has a rule; ordinary items take 2–7 working days, complex ones at most 15."""
    kinds = dict(DL.kinds)
    assert set(kinds) == set(kr.ORDER_KINDS)
    assert all(2 <= r.done_days <= 7 for r in kinds.values())
    assert all(r.done_days <= 15 for _, r in DL.domains + DL.items)
    domains = {i.domain for i in G.items()}
    assert {d for d, _ in DL.domains} <= domains
    assert all(G.item(code) for code, _ in DL.items)


def test_urgent_limits_are_never_longer() -> None:
    """Urgent limits are at most the ordinary ones, and fall back to the default's urgent."""
    for item in (None, G.item("B-CJ-043"), G.item("B-CJ-002"), G.item("B-MS-001")):
        for kind in (None, *kr.ORDER_KINDS):
            normal = DL.limit_for(item, kind=kind)
            urgent = DL.limit_for(item, kind=kind, urgent=True)
            assert urgent.urgent
            assert not normal.urgent
            assert urgent.sign_hours <= normal.sign_hours
            assert urgent.done_days <= normal.done_days
            assert urgent.source == normal.source
    praise = DL.limit_for(None, kind="表扬", urgent=True)  # no urgent figures of its own
    assert (praise.sign_hours, praise.done_days) == (0.5, 1)


def test_overrides_return_new_tables() -> None:
    """with_* leave the original alone and change only what they name."""
    dl = (DL.with_domain("民生服务", sign_hours=3, done_days=6)
            .with_kind("投诉", sign_hours=1, done_days=4, urgent_done_days=2)
            .with_default(sign_hours=2, done_days=5, urgent_sign_hours=1, urgent_done_days=1))
    assert dl.limit_for(G.item("B-MS-001"), kind="投诉").source == "domain 民生服务"
    assert dl.limit_for(None, kind="投诉", urgent=True).done_days == 2
    assert DL.limit_for(G.item("B-MS-001"), kind="投诉").source == "kind 投诉"
    with pytest.raises(ValueError, match="urgent"):
        DL.with_item("X", sign_hours=1, done_days=2, urgent_done_days=3)
    with pytest.raises(ValueError, match="positive"):
        DL.with_item("X", sign_hours=0, done_days=2)


def test_sign_and_done_due_over_national_day_2025() -> None:
    """Due times skip 1–8 October 2025; the day of receipt is not counted."""
    limit = kr.TimeLimit(sign_hours=2, done_days=1)
    assert DL.sign_due("2025-09-30T17:00", limit, CAL) == _at("2025-10-09T10:30")
    assert DL.done_due("2025-09-30T10:00", limit, CAL) == _at("2025-10-09T17:30")
    assert DL.done_due("2025-10-03T10:00", limit, CAL) == _at("2025-10-09T17:30")
    five = kr.TimeLimit(sign_hours=2, done_days=5)
    # Sunday 28 September is worked: 28, 29, 30 September, 9 and 10 October
    assert DL.done_due("2025-09-26T09:00", five, CAL) == _at("2025-10-10T17:30")
    same_day = kr.TimeLimit(sign_hours=1, done_days=0)
    assert DL.done_due("2025-10-03T10:00", same_day, CAL) == _at("2025-10-09T17:30")
    assert DL.done_due("2025-10-10T10:00", same_day, CAL) == _at("2025-10-10T17:30")


def test_late_by_counts_working_hours() -> None:
    """Lateness is in working hours after the due time, 0.0 when on time."""
    due = _at("2025-09-30T17:30")
    assert DL.late_by(due, "2025-09-30T17:00", CAL) == 0.0
    assert DL.late_by(due, "2025-10-09T11:00", CAL) == 2.0
    assert DL.late_by(due, "2025-10-09T14:00", CAL) == 3.5
    assert DL.late_by(due, "2025-10-05T14:00", CAL) == 0.0  # late, but no office hour passed


def test_load_round_trips_and_reports_problems(tmp_path: Path) -> None:
    """A written table loads back equal; bad figures are listed with their place."""
    good = tmp_path / "dl.json"
    good.write_text(json.dumps(DL.to_dict(), ensure_ascii=False), encoding="utf-8")
    assert kr.Deadlines.load(good) == DL
    data = DL.to_dict()
    data["kinds"]["投诉"]["done_days"] = -1
    data["items"]["B-CJ-043"]["urgent_done_days"] = 9
    data["default"].pop("urgent_sign_hours")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.Deadlines.load(bad)
    assert [(p.sheet, p.column) for p in info.value.problems] == [("kinds", "投诉.done_days")]
    data["kinds"]["投诉"]["done_days"] = 5
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.Deadlines.load(bad)
    assert {(p.sheet, p.column) for p in info.value.problems} == {
        ("items", "B-CJ-043"), ("default", None)}
    (tmp_path / "x.json").write_text("{", encoding="utf-8")
    with pytest.raises(kr.LoadError):
        kr.Deadlines.load(tmp_path / "x.json")


def test_load_applies_the_limits(tmp_path: Path) -> None:
    """A deadlines file over Limits.json_bytes, or nested deeper than Limits.depth, is a
    LoadError naming the limit; the shipped table loads within the defaults."""
    good = tmp_path / "deadlines.json"
    good.write_text(json.dumps(DL.to_dict(), ensure_ascii=False), encoding="utf-8")
    assert kr.Deadlines.load(good) == DL
    with pytest.raises(kr.LoadError) as info:
        kr.Deadlines.load(good, limits=kr.Limits(json_bytes=100))
    assert "Limits.json_bytes" in info.value.problems[0].expected
    deep = tmp_path / "deep.json"
    deep.write_text('{"kinds": ' + "[" * 100 + "]" * 100 + "}", encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.Deadlines.load(deep)
    assert "Limits.depth" in info.value.problems[0].expected


def test_schema_is_shipped() -> None:
    """The deadlines file format's JSON Schema is in the package."""
    assert kr.deadlines_schema()["properties"]["format"]["const"] == "kunshan-rbac-deadlines"


def test_explanation_table_matches_the_shipped_defaults() -> None:
    """The defaults table in docs/explanation/calendar.md shows the data file's figures."""
    page = Path(__file__).resolve().parents[2] / "docs" / "explanation" / "calendar.md"
    tables = {"kind": dict(DL.kinds), "domain": dict(DL.domains), "item": dict(DL.items)}
    rows = 0
    for line in page.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or cells[0] not in {"default", *tables}:
            continue
        level, key, sign, done, urgent, _why = cells
        rule = DL.fallback if level == "default" else tables[level][key]
        assert (float(sign), int(done)) == (rule.sign_hours, rule.done_days), line
        limit = DL.limit_for(key if level == "item" else None,
                             kind=key if level == "kind" else None, urgent=True)
        if level == "domain":
            assert rule.urgent_sign_hours is not None
            limit = kr.TimeLimit(rule.urgent_sign_hours, rule.urgent_done_days or 0, True)
        shown = urgent.strip("()").split(" / ")
        assert (float(shown[0]), int(shown[1])) == (limit.sign_hours, limit.done_days), line
        assert urgent.startswith("(") == (level == "kind" and rule.urgent_sign_hours is None)
        rows += 1
    assert rows == 1 + len(DL.kinds) + len(DL.domains) + len(DL.items)
