"""The work-order sets in benchmarks/route_orders/ are built from their sources, never by hand.

These tests protect the sets' honesty: the committed ``heldout.jsonl`` and ``devB.jsonl`` are
exactly what ``build_heldout.py`` makes from ``heldout_source.jsonl`` and ``devB_source.jsonl``,
every expected answer is what ``g.owner()`` says on that town and date, and the build refuses a
source it cannot trust.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import kunshan_rbac as kr

FOLDER = Path(__file__).resolve().parents[2] / "benchmarks" / "route_orders"
SCRIPT = FOLDER / "build_heldout.py"
SOURCE = FOLDER / "heldout_source.jsonl"
HELDOUT = FOLDER / "heldout.jsonl"
DEVB_SOURCE = FOLDER / "devB_source.jsonl"
DEVB = FOLDER / "devB.jsonl"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def graph() -> kr.ResponsibilityGraph:
    return kr.load_sample()


@pytest.fixture(scope="module")
def orders() -> list[dict[str, Any]]:
    with HELDOUT.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_committed_set_equals_a_fresh_build(tmp_path: Path) -> None:
    """Building the source in a temporary folder gives the committed heldout.jsonl byte for byte."""
    out = tmp_path / "heldout.jsonl"
    done = _run("--source", str(SOURCE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == HELDOUT.read_bytes()


def test_build_is_deterministic(tmp_path: Path) -> None:
    """Two builds of the same source write the same bytes."""
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert _run("--out", str(first)).returncode == 0
    assert _run("--out", str(second)).returncode == 0
    assert first.read_bytes() == second.read_bytes()


def test_in_list_expectations_equal_owner_on_that_date(
    orders: list[dict[str, Any]], graph: kr.ResponsibilityGraph
) -> None:
    """Every in-list or ambiguous order's expect is g.owner(item, town, at): item, unit, list."""
    checked = 0
    for order in orders:
        expect = order["expect"]
        if order["kind"] == "out_of_list":
            assert expect == {"item": None, "primary": None, "list": None, "secondary": []}
            continue
        own = graph.owner(expect["item"], town=order["town"], at=order["at"])
        assert expect["primary"] == own.primary.code, order["id"]
        assert expect["list"] == own.list.value, order["id"]
        assert expect["secondary"] == [unit.code for unit in own.secondary], order["id"]
        checked += 1
    assert checked >= 400


def test_ambiguous_accepts_equal_owner_on_that_date(
    orders: list[dict[str, Any]], graph: kr.ResponsibilityGraph
) -> None:
    """Each reading an ambiguous order accepts is held by the town on that date, as g.owner says."""
    ambiguous = [order for order in orders if order["kind"] == "ambiguous"]
    assert ambiguous
    for order in ambiguous:
        assert order["accept"][0]["item"] == order["expect"]["item"]
        for reading in order["accept"]:
            own = graph.owner(reading["item"], town=order["town"], at=order["at"])
            assert reading["primary"] == own.primary.code, order["id"]
            assert reading["list"] == own.list.value, order["id"]


def test_reform_pairs_change_owner(orders: list[dict[str, Any]]) -> None:
    """A reform pair is one text on two dates whose expected primary units differ."""
    pairs: dict[str, list[dict[str, Any]]] = {}
    for order in orders:
        if "pair" in order:
            pairs.setdefault(order["pair"], []).append(order)
    assert sum(len(members) // 2 for members in pairs.values()) >= 30
    for key, members in pairs.items():
        for first, second in zip(members[0::2], members[1::2], strict=True):
            assert first["text"] == second["text"], key
            assert first["at"] < second["at"], key
            assert first["expect"]["primary"] != second["expect"]["primary"], key


def _source_line(**fields: Any) -> str:
    base: dict[str, Any] = {
        "id": "t-1",
        "text": "楼下饭店的油烟直接冲进我家窗户。",
        "town": "玉山镇",
        "at": "2025-06-01",
        "item": "B-ST-020",
        "kind": "in_list",
        "tags": [],
        "note": "single",
    }
    base.update(fields)
    return json.dumps(base, ensure_ascii=False) + "\n"


def test_bad_source_is_refused_with_located_messages(tmp_path: Path) -> None:
    """Unknown town or item, an item not held on that date, a duplicate id and a bad date are all
    reported at once, each with file and line, and the old output is left in place."""
    source = tmp_path / "src.jsonl"
    source.write_text(
        _source_line(id="ok")
        + _source_line(id="ok")  # duplicate id
        + _source_line(id="town", town="某某镇")
        + _source_line(id="item", item="B-XX-999")
        + _source_line(id="held", item="C-CJ-003", town="周市镇", at="2024-05-01")
        + _source_line(id="date", at="2025-02-30")
        + _source_line(id="range", at="2023-12-31")
        + "{not json\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    done = _run("--source", str(source), "--out", str(out))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert any(line.startswith("src.jsonl:2:") and "duplicate id" in line for line in lines)
    assert any(line.startswith("src.jsonl:3:") and "unknown town" in line for line in lines)
    assert any(line.startswith("src.jsonl:4:") and "unknown item" in line for line in lines)
    assert any(
        line.startswith("src.jsonl:5:") and "does not hold C-CJ-003 on 2024-05-01" in line
        for line in lines
    )
    assert any(line.startswith("src.jsonl:6:") and "calendar date" in line for line in lines)
    assert any(line.startswith("src.jsonl:7:") and "outside" in line for line in lines)
    assert any(line.startswith("src.jsonl:8:") and "not valid JSON" in line for line in lines)
    assert out.read_text(encoding="utf-8") == "old\n"


def test_pair_without_owner_change_is_refused(tmp_path: Path) -> None:
    """A reform pair whose owner is the same on both dates is refused: it would test nothing."""
    source = tmp_path / "src.jsonl"
    pair = {"pair": "B-ST-020@yushan", "tags": ["reform_pair"]}
    source.write_text(
        _source_line(id="p1", at="2024-06-01", **pair) + _source_line(id="p2", **pair),
        encoding="utf-8",
    )
    done = _run("--source", str(source), "--out", str(tmp_path / "out.jsonl"))
    assert done.returncode == 2
    assert "a reform pair must change it" in done.stderr


def test_check_reports_a_stale_set(tmp_path: Path) -> None:
    """--check exits 1 when the output differs from a fresh build and 0 when it matches."""
    out = tmp_path / "heldout.jsonl"
    assert _run("--out", str(out)).returncode == 0
    assert _run("--check", "--out", str(out)).returncode == 0
    out.write_text(out.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _run("--check", "--out", str(out)).returncode == 1


def test_readme_composition_is_the_printed_one() -> None:
    """The composition on the folder's README is exactly what build_heldout.py --stats prints."""
    done = _run("--stats", "--check")
    assert done.returncode == 0, done.stderr
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- stats:begin -->")[1].split("<!-- stats:end -->")[0]
    shown = block.strip().removeprefix("```text").removesuffix("```").strip()
    assert shown == done.stdout.strip()


@pytest.fixture(scope="module")
def devb_orders() -> list[dict[str, Any]]:
    with DEVB.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_development_set_b_equals_a_fresh_build(tmp_path: Path) -> None:
    """Building devB_source.jsonl in a temporary folder gives the committed devB.jsonl exactly."""
    out = tmp_path / "devB.jsonl"
    done = _run("--source", str(DEVB_SOURCE), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == DEVB.read_bytes()


def test_development_set_b_expectations_equal_owner_on_that_date(
    devb_orders: list[dict[str, Any]], graph: kr.ResponsibilityGraph
) -> None:
    """Every development-set-B expectation, and every reading an ambiguous order accepts, is
    g.owner(item, town, at) on the order's town and date; out-of-list orders expect nothing."""
    checked = 0
    for order in devb_orders:
        expect = order["expect"]
        if order["kind"] == "out_of_list":
            assert expect == {"item": None, "primary": None, "list": None, "secondary": []}
            continue
        own = graph.owner(expect["item"], town=order["town"], at=order["at"])
        assert expect["primary"] == own.primary.code, order["id"]
        assert expect["list"] == own.list.value, order["id"]
        assert expect["secondary"] == [unit.code for unit in own.secondary], order["id"]
        for reading in order.get("accept", []):
            own = graph.owner(reading["item"], town=order["town"], at=order["at"])
            assert reading["primary"] == own.primary.code, order["id"]
            assert reading["list"] == own.list.value, order["id"]
        checked += 1
    assert checked >= 650


def test_development_set_b_reform_pairs_change_owner(devb_orders: list[dict[str, Any]]) -> None:
    """Each development-set-B reform pair is one text on two dates whose primary units differ."""
    pairs: dict[str, list[dict[str, Any]]] = {}
    for order in devb_orders:
        if "pair" in order:
            pairs.setdefault(order["pair"], []).append(order)
    assert sum(len(members) // 2 for members in pairs.values()) >= 40
    for key, members in pairs.items():
        for first, second in zip(members[0::2], members[1::2], strict=True):
            assert first["text"] == second["text"], key
            assert first["at"] < second["at"], key
            assert first["expect"]["primary"] != second["expect"]["primary"], key


def test_readme_development_set_b_composition_is_the_printed_one() -> None:
    """The README's composition of development set B is what build_heldout.py --stats prints."""
    done = _run("--source", str(DEVB_SOURCE), "--out", str(DEVB), "--stats", "--check")
    assert done.returncode == 0, done.stderr
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- devB-stats:begin -->")[1].split("<!-- devB-stats:end -->")[0]
    shown = block.strip().removeprefix("```text").removesuffix("```").strip()
    assert shown == done.stdout.strip()


SOURCE2 = FOLDER / "heldout2_source.jsonl"
HELDOUT2 = FOLDER / "heldout2.jsonl"


@pytest.fixture(scope="module")
def orders2() -> list[dict[str, Any]]:
    with HELDOUT2.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_second_set_equals_a_fresh_build(tmp_path: Path) -> None:
    """Building heldout2_source.jsonl in a temporary folder gives the committed heldout2.jsonl
    byte for byte, so nobody edits the second held-out set by hand."""
    out = tmp_path / "heldout2.jsonl"
    done = _run("--source", str(SOURCE2), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == HELDOUT2.read_bytes()


def test_second_set_expectations_equal_owner_on_that_date(
    orders2: list[dict[str, Any]], graph: kr.ResponsibilityGraph
) -> None:
    """Every expectation of the second set, and every reading its ambiguous orders accept, is
    what g.owner(item, town, at) says on the order's town and date; out-of-list orders are null."""
    checked = 0
    for order in orders2:
        expect = order["expect"]
        if order["kind"] == "out_of_list":
            assert expect == {"item": None, "primary": None, "list": None, "secondary": []}
            continue
        own = graph.owner(expect["item"], town=order["town"], at=order["at"])
        assert expect["primary"] == own.primary.code, order["id"]
        assert expect["list"] == own.list.value, order["id"]
        assert expect["secondary"] == [unit.code for unit in own.secondary], order["id"]
        for reading in order.get("accept", []):
            other = graph.owner(reading["item"], town=order["town"], at=order["at"])
            assert reading["primary"] == other.primary.code, order["id"]
            assert reading["list"] == other.list.value, order["id"]
        checked += 1
    assert checked >= 400
    assert len(orders2) >= 500


def test_second_set_reform_pairs_change_owner(orders2: list[dict[str, Any]]) -> None:
    """Each reform pair of the second set is one text on two dates whose primary units differ."""
    pairs: dict[str, list[dict[str, Any]]] = {}
    for order in orders2:
        if "pair" in order:
            pairs.setdefault(order["pair"], []).append(order)
    assert sum(len(members) // 2 for members in pairs.values()) >= 30
    for key, members in pairs.items():
        for first, second in zip(members[0::2], members[1::2], strict=True):
            assert first["text"] == second["text"], key
            assert first["at"] < second["at"], key
            assert first["expect"]["primary"] != second["expect"]["primary"], key


def test_second_set_shares_no_text_with_the_first() -> None:
    """The two held-out sets are independent: no order text appears in both."""
    first = {json.loads(line)["text"] for line in HELDOUT.open(encoding="utf-8")}
    second = {json.loads(line)["text"] for line in HELDOUT2.open(encoding="utf-8")}
    assert not first & second


def test_readme_composition_of_the_second_set_is_the_printed_one() -> None:
    """The second set's composition on the folder's README is what --stats prints for it."""
    done = _run("--stats", "--check", "--source", str(SOURCE2), "--out", str(HELDOUT2))
    assert done.returncode == 0, done.stderr
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- stats2:begin -->")[1].split("<!-- stats2:end -->")[0]
    shown = block.strip().removeprefix("```text").removesuffix("```").strip()
    assert shown == done.stdout.strip()
def test_shipped_example_orders_come_from_the_development_sets_only() -> None:
    """router_examples.json is exactly what mine_examples.py makes from the development sets
    (so it holds nothing else, and is not stale)."""
    bench = FOLDER.parent
    sys.path.insert(0, str(bench))
    try:
        import mine_examples
    finally:
        sys.path.remove(str(bench))
    if not mine_examples.SETS[3].exists():
        pytest.skip("dev_example.jsonl is not beside the repository")
    shipped = json.loads((Path(kr.__file__).parent / "data" / "router_examples.json")
                         .read_text(encoding="utf-8"))
    assert shipped == mine_examples.examples_doc(mine_examples.read_orders(mine_examples.SETS))
