"""Tests of the CI formats: fingerprints, baselines, JSON, JUnit and SARIF documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import kunshan_rbac as kr
from fixtures_ci import sarif_schema
from kunshan_rbac._ci import check_text, render


def violation(item: str, **fields: Any) -> kr.Violation:
    """A has-basis warning on an item."""
    return kr.Violation("has-basis", "warning", "no basis; add one", item=item, **fields)


def test_fingerprints_ignore_record_ids_and_messages() -> None:
    """The fingerprint follows rule, place and period, not the record id or the message."""
    a = violation("B-1", record=3)
    assert kr.fingerprint(a) == kr.fingerprint(violation("B-1", record=9))
    assert kr.fingerprint(a) != kr.fingerprint(violation("B-2"))
    assert kr.fingerprint(a) != kr.fingerprint(violation("B-1", town="yushan"))


def test_baseline_counts_repeated_fingerprints(tmp_path: Path) -> None:
    """A baseline accepts as many violations of a fingerprint as it saw, no more."""
    known = kr.Report((violation("B-1"), violation("B-2")), None, ("has-basis",))
    path = tmp_path / "baseline.json"
    kr.Baseline.write(known, path)
    base = kr.Baseline.read(path)
    assert base.new(known) == ()
    later = kr.Report((violation("B-1"), violation("B-1"), violation("B-3")), None,
                      ("has-basis",))
    assert [v.item for v in base.new(later)] == ["B-1", "B-3"]


def test_a_wrong_baseline_would_be_caught() -> None:
    """Test of the test: a baseline keyed on the item alone would accept a new town."""
    known = kr.Report((violation("B-1", town="a"),), None, ("has-basis",))
    later = kr.Report((violation("B-1", town="b"),), None, ("has-basis",))
    assert len(kr.Baseline.of(known).new(later)) == 1


@pytest.mark.parametrize(
    ("text", "words"),
    [("{", "JSON written by --write-baseline"), ("[]", "a baseline"),
     ('{"violations": [{"x": 1}]}', "'fingerprint' string")],
)
def test_bad_baselines_are_located(tmp_path: Path, text: str, words: str) -> None:
    """A baseline that is not one raises LoadError naming the file."""
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(kr.LoadError, match=words):
        kr.Baseline.read(path)


def test_report_schema_is_valid() -> None:
    """The published report schema is a valid draft 2020-12 schema."""
    jsonschema.Draft202012Validator.check_schema(kr.report_schema())


def test_check_json_on_the_sample_follows_its_schema() -> None:
    """The check document of the sample is valid by the schema and fingerprints each entry."""
    report = kr.check(kr.load_sample())
    document = json.loads(render("check", "json", report, data=None))
    jsonschema.validate(document, kr.report_schema())
    assert len({v["fingerprint"] for v in document["violations"]}) == 41


def test_check_sarif_is_valid_by_the_official_schema() -> None:
    """The SARIF log of the sample validates against SARIF 2.1.0, one result per violation."""
    report = kr.check(kr.load_sample())
    log = json.loads(render("check", "sarif", report, data="lists.json"))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == 41
    first = results[0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "lists.json"
    assert first["locations"][0]["logicalLocations"][0] == {
        "name": "B-CJ-005", "kind": "item", "fullyQualifiedName": "item:B-CJ-005"}
    assert first["partialFingerprints"]["kunshanRbac/v1"] == kr.fingerprint(
        report.violations[0])


def test_problems_sarif_carries_file_sheet_row_and_column() -> None:
    """Spreadsheet problems keep their file and row as a region, sheet and column beside."""
    problems = [kr.Problem("玉山镇.xlsx", sheet="基本履职事项清单", row=7, column="事项名称",
                           value="", expected="a name")]
    log = json.loads(render("check", "sarif", problems))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["region"] == {"startLine": 7}
    assert location["properties"] == {"sheet": "基本履职事项清单", "column": "事项名称"}


def test_text_groups_hints_and_caps_lines() -> None:
    """A hint shared by several violations is printed once; --max caps the lines."""
    report = kr.Report((violation("B-1"), violation("B-2"), violation("B-3")), None,
                       ("has-basis",))
    text = check_text(report, limit=2)
    assert text.count("add one") == 1
    assert "... and 1 more" in text
    assert text.splitlines()[0] == report.summary()
