"""Tests of the CI formats: fingerprints, baselines, JSON, JUnit and SARIF documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import kunshan_rbac as kr
from fixtures_ci import sarif_schema
from kunshan_rbac._ci import check_text, failed, render


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


def _partial() -> kr.Report:
    """A report with one warning, checked on lists of which one row was not read."""
    unread = kr.Problem("玉山镇.xlsx", "基本履职事项清单", 7, "E", "市火星局",
                        "a unit of the catalogue (单位)")
    return kr.Report((violation("B-1"),), None, ("has-basis",), problems=(unread,))


def test_partial_report_json_follows_its_schema() -> None:
    """A check of lists read in part is a full report plus its problems and unread counts,
    valid by the schema."""
    document = json.loads(render("check", "json", _partial(), data="玉山镇.xlsx"))
    jsonschema.validate(document, kr.report_schema())
    assert document["ok"] is False
    assert document["warnings"] == 1
    assert document["unread"] == {"rows": 1, "files": 0}
    assert document["problems"][0]["row"] == 7


def test_schema_refuses_a_partial_report_that_says_ok() -> None:
    """Test of the schema: a report with load problems that claims ok, or that lacks its
    unread counts, is invalid."""
    document = json.loads(render("check", "json", _partial(), data="玉山镇.xlsx"))
    claims_ok = {**document, "ok": True}
    no_counts = {key: value for key, value in document.items() if key != "unread"}
    for wrong in (claims_ok, no_counts):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(wrong, kr.report_schema())


def test_partial_report_fails_the_run_in_text_junit_and_sarif() -> None:
    """The load problem appears in every format at its place, and fails the run even with
    warnings allowed and everything in a baseline."""
    report = _partial()
    assert failed(report, kr.Severity.ERROR)
    assert failed(report, kr.Severity.ERROR, new=())
    text = check_text(report)
    assert "load problems (1 row not read): 1" in text
    assert "玉山镇.xlsx, 基本履职事项清单, row 7, column E" in text
    assert "no violations" not in text
    junit = render("check", "junit", report, fail_on=kr.Severity.ERROR)
    assert 'name="kunshan-rbac check: load" tests="1" failures="1"' in junit
    log = json.loads(render("check", "sarif", report, data="玉山镇.xlsx",
                            fail_on=kr.Severity.ERROR))
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["has-basis", "load-error"]
    load = run["results"][-1]
    assert (load["ruleId"], load["ruleIndex"], load["level"]) == ("load-error", 1, "error")
    assert load["locations"][0]["physicalLocation"]["region"] == {"startLine": 7}
    assert load["locations"][0]["properties"] == {"sheet": "基本履职事项清单", "column": "E"}


def test_clean_report_has_no_load_suite() -> None:
    """Without load problems the formats are as before: no load suite nor load rule."""
    report = kr.Report((violation("B-1"),), None, ("has-basis",))
    assert not failed(report, kr.Severity.ERROR)
    assert "load" not in render("check", "junit", report, fail_on=kr.Severity.ERROR)
    log = json.loads(render("check", "sarif", report, data="x.json",
                            fail_on=kr.Severity.ERROR))
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == ["has-basis"]
