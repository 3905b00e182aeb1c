"""One name resolver: the spreadsheet reader and `ResponsibilityGraph.unit` find the same
unit for every name, and make the same suggestions when they find none."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import kunshan_rbac as kr
from kunshan_rbac.formats.read import embedded_units
from kunshan_rbac.formats.units import read_units

NAMES = [
    "zjj", "昆山市住房和城乡建设局", "市住建局", "昆山市住建局", "住建局", "市住房和城乡建设局",
    "市住建局 ", "ＺＪＪ", "玉山镇", "玉山", "昆山市玉山镇", "市自然资源和规划局", "市资规局",
    "昆山生态环境局", "市生态环境局", "市消防大队", "市委组织部", "昆山市委组织部",
    "市住建", "住房城乡建设局", "玉山街道", "市民证局", "不存在的单位", "市", "昆山市",
]


@functools.cache
def _sample() -> kr.ResponsibilityGraph:
    return kr.load_sample()


def _answer(find: object, name: str) -> tuple[str, object]:
    try:
        return "found", find(name)  # type: ignore[operator]
    except kr.UnknownUnitError as exc:
        return "unknown", tuple(exc.suggestions)
    except kr.AmbiguousNameError as exc:
        return "ambiguous", tuple(exc.candidates)


@pytest.mark.parametrize("name", NAMES)
def test_reader_and_graph_resolve_a_unit_name_alike(name: str) -> None:
    """The reader's unit lookup and ``g.unit()`` give the same unit, or the same refusal
    with the same suggestions, for names with and without the authority's prefix."""
    units = read_units([], embedded_units())
    graph = _sample()
    assert _answer(units.unit_code, name) == _answer(lambda n: graph.unit(n).code, name)


def test_the_names_cover_hits_misses_and_prefixes() -> None:
    """The compared names include found names, prefixed names and misses with
    suggestions, so the comparison above is not vacuous."""
    graph = _sample()
    kinds = {_answer(lambda n: graph.unit(n).code, name)[0] for name in NAMES}
    assert kinds >= {"found", "unknown"}
    assert graph.unit("昆山市住建局").code == "zjj"


@pytest.mark.parametrize(("cell", "units"), [
    ("昆山市住房\n和城乡建设局", ["zjj"]),  # one name wrapped: rejoined
    ("市住建局\n市民政局", ["mzj", "zjj"]),  # two names on two lines: joined they name none
    ("昆山市民政\n局/市住建局", ["mzj", "zjj"]),  # a wrapped name, then a separator
    ("市住建局、\n市民政局", ["mzj", "zjj"]),  # a separator before the line break
])
def test_wrapped_names_are_rejoined_only_when_they_name_one_unit(
        tmp_path: Path, cell: str, units: list[str]) -> None:
    """The lines of a cell are joined when together they name one known unit, else each
    line is a name; 、，,；/ always separate names."""
    path = tmp_path / "玉山镇_基本履职事项清单.csv"
    path.write_text(f'序号,事项名称,协同部门\n1,秸秆禁烧巡查,"{cell}"\n', encoding="utf-8")
    graph, problems = kr.read_lists(path, on_error="collect")
    assert [p for p in problems if p.severity != "note"] == []
    secondary = sorted(r.unit for r in graph.records() if r.role is kr.Role.SECONDARY)
    assert secondary == units


def test_a_unit_catalogue_column_the_reader_does_not_know_is_reported(tmp_path: Path) -> None:
    """A column of the 单位 catalogue that is not read is a warning naming it."""
    (tmp_path / "单位.csv").write_text(
        "编码,名称,类型,联系电话\nyushan,玉山镇,镇,0512-0000\n", encoding="utf-8")
    (tmp_path / "玉山镇_基本履职事项清单.csv").write_text(
        "序号,事项名称\n1,秸秆禁烧巡查\n", encoding="utf-8")
    _graph, problems = kr.read_lists(tmp_path, on_error="collect")
    (warning,) = [p for p in problems if p.severity == "warning"]
    assert (warning.file.endswith("单位.csv"), warning.column, warning.value) == (
        True, "D", "联系电话")
