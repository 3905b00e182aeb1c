"""Tests of ``kunshan-rbac test``: exit status 0/1/2 and every output format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

import kunshan_rbac as kr
from fixtures_ci import sarif_schema
from kunshan_rbac.cli import main

PASSING = """\
tests:
  - name: 住宅维修资金
    owner:
      - {item: B-CJ-043, town: 玉山镇, at: 2025-12-31, primary: 玉山镇}
"""
FAILING = PASSING + "      - {item: B-CJ-043, town: 玉山镇, at: 2024-12-31, primary: 玉山镇}\n"
BAD = "tests:\n  - name: x\n    owner:\n      - {item: B, town: t, at: 2025-02-30}\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """A passing, a failing and a bad assertion file."""
    paths = {}
    for name, text in (("passing", PASSING), ("failing", FAILING), ("bad", BAD)):
        path = tmp_path / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        paths[name] = str(path)
    return paths


def test_exit_status(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    """0 when all pass, 1 when one fails (with file:line), 2 when the file is bad."""
    assert main(["test", files["passing"]]) == 0
    assert "1 passed, 0 failed" in capsys.readouterr().out
    assert main(["test", files["failing"]]) == 1
    out = capsys.readouterr().out
    assert f"{files['failing']}:5: FAILED" in out
    assert main(["test", files["bad"]]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip().splitlines() == [
        f"kunshan-rbac: error: {files['bad']}, row 4, column tests[0].owner[0].at: cannot read "
        "'2025-02-30' as a date (day is out of range for month); write it as 2025-07-01, "
        "2025/7/1 or 2025年7月1日 (found '2025-02-30')"
    ]


@pytest.mark.parametrize("option", [["--json"], ["--format", "json"]])
def test_json_follows_the_published_schema(
    files: dict[str, str], capsys: pytest.CaptureFixture[str], option: list[str]
) -> None:
    """--json and --format json print the same versioned document, valid by its schema."""
    assert main(["test", files["failing"], *option]) == 1
    document = json.loads(capsys.readouterr().out)
    jsonschema.validate(document, kr.report_schema())
    assert document["version"] == 1
    assert document["failed"] == 1
    assert document["results"][1]["line"] == 5


def test_a_bad_file_under_json_still_prints_a_document(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A load failure under --format json writes the problems as JSON on stdout, exit 2."""
    assert main(["test", files["bad"], "--json"]) == 2
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    jsonschema.validate(document, kr.report_schema())
    assert document["ok"] is False
    assert document["problems"][0]["row"] == 4
    assert captured.err.count("\n") == 1


def test_junit(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    """JUnit XML: one suite per test, one case per expectation, the failure with its line."""
    assert main(["test", files["failing"], "--format", "junit"]) == 1
    root = ET.fromstring(capsys.readouterr().out)
    assert root.tag == "testsuites"
    assert root.get("tests") == "2"
    assert root.get("failures") == "1"
    failures = root.findall(".//failure")
    assert len(failures) == 1
    assert failures[0].text == f"{files['failing']}:5"


def test_sarif_points_at_the_line(files: dict[str, str], capsys: pytest.CaptureFixture[str]
                                  ) -> None:
    """SARIF 2.1.0 (valid by the official schema) with each failure at its file and line."""
    assert main(["test", files["failing"], "--format", "sarif"]) == 1
    log = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    (result,) = log["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]
    assert region["region"]["startLine"] == 5
    assert region["artifactLocation"]["uri"] == Path(files["failing"]).as_posix()


def test_bad_file_as_sarif(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    """A bad file under --format sarif is a valid log with the problem at its line."""
    assert main(["test", files["bad"], "--format", "sarif"]) == 2
    log = json.loads(capsys.readouterr().out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["region"]["startLine"] == 4
    assert location["properties"]["column"] == "tests[0].owner[0].at"


def test_data_option(tmp_path: Path, files: dict[str, str]) -> None:
    """--data runs the file against another data set (here an empty one: the owner fails)."""
    empty = tmp_path / "empty.json"
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("yushan", "玉山镇"))
    kr.write_json(g, empty)
    assert main(["test", files["passing"], "--data", str(empty)]) == 1


def test_the_pytest_helper(files: dict[str, str]) -> None:
    """kunshan_rbac.testing.assert_lists passes quietly or raises with every failure."""
    from kunshan_rbac.testing import assert_lists

    assert assert_lists(files["passing"]).ok
    with pytest.raises(AssertionError, match=":5: FAILED"):
        assert_lists(files["failing"])
