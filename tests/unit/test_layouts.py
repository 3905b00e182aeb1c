"""The layout corpus: lists laid out as governments publish them read as a careful person
reads them, with every inference noted and everything unread reported.

Each file under ``tests/fixtures/layouts/`` has a hand-written ``.expected.json`` beside
it: the records it holds, and the problems (errors and warnings exactly; notes at least).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

import kunshan_rbac as kr

FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / "layouts"
LAYOUTS = sorted(p for p in FOLDER.iterdir() if p.suffix in (".csv", ".xlsx"))
DAY = "2025-07-01"


def _records(graph: kr.ResponsibilityGraph) -> list[dict[str, Any]]:
    records = []
    for town in graph.towns():
        for kind in kr.ListKind:
            for item in graph.items_on(kind, town=town.code, at=DAY):
                answer = graph.owner(item.code, town=town.code, at=DAY)
                if answer.list is not kind:
                    continue
                records.append({
                    "town": town.name, "item": item.name, "list": kind.value,
                    "primary": answer.primary.name,
                    "secondary": sorted(u.name for u in answer.secondary),
                    "domain": item.domain, "basis": list(item.basis),
                    "power_type": item.power_type,
                })
    return sorted(records, key=lambda r: (r["town"], r["item"]))


def _fits(expected: dict[str, Any], problem: kr.Problem) -> bool:
    return (problem.severity == expected["severity"] and problem.row == expected["row"]
            and problem.column == expected["column"] and expected["says"] in problem.expected)


def test_the_corpus_covers_every_layout_with_an_expected_reading() -> None:
    """Every layout file has its expected reading, and every expected reading its file."""
    expected = sorted(p for p in FOLDER.iterdir() if p.name.endswith(".expected.json"))
    assert [p.name.removesuffix(".expected.json") for p in expected] == [p.name for p in LAYOUTS]
    assert len(LAYOUTS) >= 6


@pytest.mark.parametrize("path", LAYOUTS, ids=lambda p: p.name)
def test_a_layout_reads_as_expected(path: Path) -> None:
    """The layout gives exactly the expected records, exactly the expected errors and
    warnings, and at least the expected notes (what the reader inferred)."""
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    graph, problems = kr.read_lists(path, effective=DAY, on_error="collect")
    for record in expected["records"]:
        record["secondary"] = sorted(record["secondary"])
    assert _records(graph) == sorted(expected["records"], key=lambda r: (r["town"], r["item"]))
    loud = [p for p in problems if p.severity != "note"]
    wanted = [e for e in expected["problems"] if e["severity"] != "note"]
    assert len(loud) == len(wanted), [str(p) for p in loud]
    for entry in wanted:
        assert any(_fits(entry, p) for p in loud), (entry, [str(p) for p in loud])
    notes = [p for p in problems if p.severity == "note"]
    for entry in (e for e in expected["problems"] if e["severity"] == "note"):
        assert any(_fits(entry, p) for p in notes), (entry, [str(p) for p in notes])


def test_the_corpus_script_rebuilds_the_csv_layouts(tmp_path: Path) -> None:
    """``tools/make_layouts.py`` writes the CSV layouts exactly as stored, and a workbook
    for each stored workbook, so the corpus can be rebuilt."""
    script = Path(__file__).resolve().parents[2] / "tools" / "make_layouts.py"
    spec = importlib.util.spec_from_file_location("make_layouts", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == [p.name for p in LAYOUTS]
    for path in LAYOUTS:
        if path.suffix == ".csv":
            assert (tmp_path / path.name).read_bytes() == path.read_bytes()
