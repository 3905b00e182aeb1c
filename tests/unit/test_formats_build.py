"""Tests of kunshan_rbac.formats.build: the primary of a cooperative or reclaimed row when
its unit cell names several departments, by their markers."""

from __future__ import annotations

from pathlib import Path

import pytest

import kunshan_rbac as kr

DAY = "2025-07-01"


def _read(tmp_path: Path, units: str) -> tuple[kr.ResponsibilityGraph, list[kr.Problem]]:
    path = tmp_path / "玉山镇_配合履职事项清单.csv"
    path.write_text(f'序号,事项名称,对应上级部门\n1,配合开展燃气安全宣传,"{units}"\n',
                    encoding="utf-8")
    return kr.read_lists(path, effective=DAY, on_error="collect")


def _roles(graph: kr.ResponsibilityGraph) -> tuple[str, list[str]]:
    answer = graph.owner("配合开展燃气安全宣传", town="玉山镇", at=DAY)
    return answer.primary.code, sorted(u.code for u in answer.secondary)


@pytest.mark.parametrize("marker", ["（牵头）", "（主责）", "(主办)", "（ 牵头 ）"])
def test_a_lead_marker_names_the_primary(tmp_path: Path, marker: str) -> None:
    """（牵头）, （主责） and （主办）, in either bracket width, make their unit primary and
    the others secondary, with a note and an inference."""
    graph, problems = _read(tmp_path, f"市民政局、市住建局{marker}")
    assert [p for p in problems if p.severity != "note"] == []
    assert _roles(graph) == ("zjj", ["mzj", "yushan"])
    assert any("read as the lead" in p.expected for p in problems)


@pytest.mark.parametrize("marker", ["（配合）", "（协办）"])
def test_helpers_marked_leave_the_one_unmarked_unit_primary(tmp_path: Path, marker: str) -> None:
    """When every unit but one is marked as a helper, the unmarked one is primary."""
    graph, problems = _read(tmp_path, f"市民政局{marker}、市住建局")
    assert [p for p in problems if p.severity != "note"] == []
    assert _roles(graph) == ("zjj", ["mzj", "yushan"])
    assert any("read as a helper" in p.expected for p in problems)
    assert any("'市住建局' read as the lead: every other unit is marked as a helper"
               in p.expected for p in problems)


@pytest.mark.parametrize("units", ["市民政局、市住建局", "市民政局（配合）、市住建局、市农业农村局",
                                   "市民政局（牵头）、市住建局（主办）", "市民政局（配合）"])
def test_no_single_lead_is_an_error(tmp_path: Path, units: str) -> None:
    """Several unmarked units, two leads, or only a helper name no primary: the row is
    reported, not read."""
    graph, problems = _read(tmp_path, units)
    (error,) = [p for p in problems if p.is_error]
    assert (error.row, error.column) == (2, "C")
    assert "exactly one department" in error.expected
    assert graph.records() == []
