"""Tests of the explain command and who-owns --explain: the explanation with each
record's origin, in text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kunshan_rbac.cli import main

LAYOUT = Path(__file__).resolve().parent.parent / "fixtures" / "layouts" / \
    "玉山镇-配合-分组表头.xlsx"
ITEM = "乡村建设规划许可申请受理、初审、报送"


def test_explain_prints_where_each_record_was_read_from(
        capsys: pytest.CaptureFixture[str]) -> None:
    """On a workbook, the text ends with the row the records came from and what the
    reader inferred there."""
    assert main(["explain", ITEM, "--town", "玉山镇", "--at", "2025-07-01",
                 "--data", str(LAYOUT)]) == 0
    out = capsys.readouterr().out
    assert "read from:" in out
    assert "配合履职事项清单, row 6" in out
    assert "header built from rows 3–4" in out


def test_explain_json_gives_each_record_its_origin(capsys: pytest.CaptureFixture[str]) -> None:
    """--json: the versioned explanation, each record with its origin."""
    assert main(["explain", ITEM, "--town", "玉山镇", "--at", "2025-07-01",
                 "--data", str(LAYOUT), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1
    assert {r["origin"]["row"] for r in data["records"]} == {6}
    assert data["records"][0]["origin"]["inferences"][0]["text"] == "header built from rows 3–4"


def test_explain_exits_1_without_an_owner(capsys: pytest.CaptureFixture[str]) -> None:
    """An item on no list on that date: the explanation still prints, status 1."""
    assert main(["explain", "B-CJ-001", "--town", "玉山镇", "--at", "2019-01-01"]) == 1
    assert "no owner" in capsys.readouterr().out
    assert main(["explain", "B-CJ-001", "--town", "玉山镇", "--at", "2025-12-31", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert all(r["origin"] is None for r in data["records"])


def test_who_owns_json_adds_the_explanation_on_request(
        capsys: pytest.CaptureFixture[str]) -> None:
    """who-owns --json --explain: the answer's fields, and the explanation under its key;
    without --explain the JSON is the answer alone."""
    args = ["who-owns", ITEM, "--town", "玉山镇", "--at", "2025-07-01", "--data", str(LAYOUT),
            "--json"]
    assert main(args) == 0
    assert "explanation" not in json.loads(capsys.readouterr().out)
    assert main([*args, "--explain"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["primary"]["code"] == "zrzy"
    assert data["explanation"]["records"][0]["origin"]["row"] == 6
    assert main(["who-owns", "B-CJ-001", "--town", "玉山镇", "--at", "2019-01-01", "--json",
                 "--explain"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["owner"] is None
    assert data["explanation"]["ownership"] is None
