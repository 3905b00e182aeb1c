"""Tests of kunshan_rbac.formats.write: what would not read back as written is refused,
never written to be misread."""

from __future__ import annotations

from pathlib import Path

import pytest

import kunshan_rbac as kr


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_item_whose_domain_is_a_power_type_is_not_written(tmp_path: Path, fmt: str) -> None:
    """A 领域 that is a power type would read back as the item's 事项类型, so the lists are
    not written: the export error names the item and its 领域, and no file is left."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("yushan", "玉山镇"))
    graph.add_item(kr.Item("I1", "秸秆禁烧巡查", domain="行政检查"))
    graph.assign("I1", town="yushan", list="basic", primary="yushan")
    with pytest.raises(kr.ExportError) as caught:
        kr.write_lists(graph, tmp_path, format=fmt, at="2025-07-01")
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.value) == ("事项", "行政检查")
    assert "I1" in problem.expected
    assert list(tmp_path.iterdir()) == []
