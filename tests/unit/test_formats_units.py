"""One name resolver: the spreadsheet reader and `ResponsibilityGraph.unit` find the same
unit for every name, and make the same suggestions when they find none."""

from __future__ import annotations

import functools

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
