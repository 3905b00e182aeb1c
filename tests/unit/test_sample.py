"""The embedded Kunshan sample reproduces the published figures, and its file is current."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

import kunshan_rbac as kr

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    """The sample, loaded once for this module (tests must not change it)."""
    return kr.load_sample()


def test_ten_towns_and_their_names(g: kr.ResponsibilityGraph) -> None:
    """The sample has Kunshan's ten towns."""
    assert sorted(t.name for t in g.towns()) == sorted(
        ["玉山镇", "巴城镇", "周市镇", "陆家镇", "花桥镇", "淀山湖镇", "张浦镇", "周庄镇", "千灯镇",
         "锦溪镇"]
    )


def test_published_figures(g: kr.ResponsibilityGraph) -> None:
    """Means of 140 and 80, 347 reclaimed items, 338 from 玉山镇, 周庄镇 674 -> 278."""
    s = kr.stats(g, at="2025-12-31")
    assert s.mean(kr.ListKind.BASIC) == 140.0
    assert s.mean(kr.ListKind.COOPERATIVE) == 80.0
    assert s.distinct(kr.ListKind.RECLAIMED) == 347
    yushan = g.items_on(kr.ListKind.RECLAIMED, town="玉山镇", at="2025-12-31")
    assert sum(i.is_enforcement for i in yushan) == 338
    assert kr.power_counts(g, town="周庄镇", at="2025-03-31")["行政处罚"] == 674
    assert kr.power_counts(g, town="周庄镇", at="2025-04-01")["行政处罚"] == 278


def test_towns_differ_one_town_one_policy(g: kr.ResponsibilityGraph) -> None:
    """Towns' lists differ in size (一镇一策)."""
    s = kr.stats(g, at="2025-12-31")
    assert len({s.per_town[t.code][kr.ListKind.BASIC] for t in g.towns()}) > 3


def test_pilots_reformed_in_2024_others_in_2025(g: kr.ResponsibilityGraph) -> None:
    """巴城 and 锦溪 adopted their lists in 2024, the other eight towns in 2025."""
    years = {t.code: min(x.effective for x in g.transfers(town=t.code)).year for t in g.towns()}
    assert {c for c, y in years.items() if y == 2024} == {"bacheng", "jinxi"}
    assert {c for c, y in years.items() if y == 2025} == set(years) - {"bacheng", "jinxi"}


def test_towns_held_far_more_before_the_reform(g: kr.ResponsibilityGraph) -> None:
    """Before its reform each town was primary for more than twice what it is after."""
    for town in g.towns():
        reform = min(x.effective for x in g.transfers(town=town.code))
        eve = reform - datetime.timedelta(days=1)
        before = len(g.duties(town.code, at=eve, role=kr.Role.PRIMARY))
        after = len(g.duties(town.code, at=reform, role=kr.Role.PRIMARY))
        assert before > 2 * after, town


def test_the_reform_is_recorded_as_transfers(g: kr.ResponsibilityGraph) -> None:
    """history() shows when a reclaimed item moved, and by which transfer."""
    periods = g.history("R-ZJ-002", town="玉山镇")
    assert [(p.list, p.start) for p in periods] == [
        (kr.ListKind.BASIC, datetime.date(2021, 1, 1)),
        (kr.ListKind.RECLAIMED, datetime.date(2025, 4, 1)),
    ]
    assert {t.kind for t in g.transfers()} == {kr.TransferKind.RECLAIM, kr.TransferKind.DELEGATE}


def test_shipped_file_matches_its_build_script() -> None:
    """Rebuilding the sample from tools/ gives the shipped file, byte for byte in content."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_sample.py"), "--check"],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr


def test_shipped_file_passes_the_schema() -> None:
    """The embedded file, loaded without the schema check, passes it."""
    import gzip
    import json
    from importlib import resources

    from kunshan_rbac._jsonio import _schema_problems

    raw = resources.files("kunshan_rbac").joinpath("data", "kunshan.json.gz").read_bytes()
    assert _schema_problems(json.loads(gzip.decompress(raw)), "kunshan.json.gz") == []
