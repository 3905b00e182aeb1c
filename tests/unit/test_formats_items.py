"""Tests of kunshan_rbac.formats.items: a list row names an item of the catalogue exactly
as `ResponsibilityGraph.item` finds it, with the same suggestions on a miss and the same
refusal of a name that fits several items."""

from __future__ import annotations

from pathlib import Path

import pytest

import kunshan_rbac as kr

CATALOGUE = (
    "编码,事项名称\n"
    "ZJ-1,对未取得施工许可证擅自施工的处罚\n"
    "ZJ-2,对未组织竣工验收擅自交付使用的处罚\n"
    "MZ-1,临时救助\n"
    "MZ-2,临时救助。\n"
)
NAMES = [
    "对未取得施工许可证擅自施工的处罚",  # as written
    "对未取得施工许可证擅自施工的处罚。",  # folded: trailing punctuation
    "对 未取得施工许可证 擅自施工的处罚",  # folded: spaces
    "ZJ-2",  # a code
    "对未取得施工许可擅自施工的处罚",  # a miss close to ZJ-1: suggested
    "临时救助",  # exact for MZ-1, although MZ-2 folds to the same key
    "临时 救助",  # folded: fits MZ-1 and MZ-2
    "不存在的事项",  # a miss without suggestions
]


def _graph_answer(graph: kr.ResponsibilityGraph, name: str) -> tuple[str, tuple[str, ...]]:
    try:
        return "found", (graph.item(name).code,)
    except kr.UnknownItemError as exc:
        return "unknown", tuple(exc.suggestions)
    except kr.AmbiguousNameError as exc:
        return "ambiguous", tuple(exc.candidates)


def _reader_answer(tmp_path: Path, name: str) -> tuple[str, tuple[str, ...]]:
    (tmp_path / "事项.csv").write_text(CATALOGUE, encoding="utf-8")
    (tmp_path / "周庄镇_上级部门收回事项清单.csv").write_text(
        f"序号,事项名称,承接部门\n1,{name},市住建局\n", encoding="utf-8")
    graph, problems = kr.read_lists(tmp_path, effective="2025-07-01", on_error="collect")
    errors = [p for p in problems if p.is_error]
    if not errors:
        (item,) = graph.items_on("reclaimed", town="周庄镇", at="2025-07-01")
        return "found", (item.code,)
    (error,) = errors
    assert (error.row, error.column) == (2, "B")
    if "it fits" in error.expected:
        fits = error.expected.split("it fits ")[1].split(";")[0]
        return "ambiguous", tuple(fits.split(", "))
    assert "this name is not in it" in error.expected
    meant = error.expected.partition("did you mean ")[2].rstrip("?")
    return "unknown", tuple(meant.split(", ")) if meant else ()


@pytest.mark.parametrize("name", NAMES)
def test_reader_and_graph_find_an_item_name_alike(tmp_path: Path, name: str) -> None:
    """The reader finds the item ``g.item()`` finds, or refuses the name as it does, with
    the same suggestions or the same candidates."""
    (tmp_path / "事项.csv").write_text(CATALOGUE, encoding="utf-8")
    graph, _problems = kr.read_lists(tmp_path / "事项.csv", on_error="collect")
    assert len(graph.items()) == 4
    assert _reader_answer(tmp_path, name) == _graph_answer(graph, name)


def test_the_names_cover_every_answer(tmp_path: Path) -> None:
    """The compared names include hits, misses with and without suggestions and an
    ambiguous name, so the comparison above is not vacuous."""
    (tmp_path / "事项.csv").write_text(CATALOGUE, encoding="utf-8")
    graph, _problems = kr.read_lists(tmp_path / "事项.csv", on_error="collect")
    assert len(graph.items()) == 4
    answers = [_graph_answer(graph, name) for name in NAMES]
    assert {kind for kind, _found in answers} == {"found", "unknown", "ambiguous"}
    assert ("unknown", ()) in answers
    assert any(kind == "unknown" and found for kind, found in answers)


def test_a_catalogue_column_the_reader_does_not_know_is_reported(tmp_path: Path) -> None:
    """A column of the 事项 catalogue that is not read is a warning naming it, as on the
    lists, never dropped in silence."""
    (tmp_path / "事项.csv").write_text(CATALOGUE.replace("事项名称\n", "事项名称,办理时限\n", 1),
                                      encoding="utf-8")
    _graph, problems = kr.read_lists(tmp_path / "事项.csv", on_error="collect")
    (warning,) = [p for p in problems if p.severity == "warning"]
    assert (warning.row, warning.column, warning.value) == (1, "C", "办理时限")
    assert "this column is not read" in warning.expected
