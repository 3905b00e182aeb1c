"""Tests of the output options every command shares: ``--format text|json`` and ``--json``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kunshan_rbac as kr
from kunshan_rbac.cli import main
from kunshan_rbac.cli._common import JSON_VERSION, versioned

COMMANDS = {
    "report": ["report", "--at", "2025-12-31"],
    "who-owns": ["who-owns", "B-CJ-043", "--town", "玉山镇", "--at", "2025-12-31"],
    "who-owns (not held)": ["who-owns", "B-CJ-043", "--town", "玉山镇", "--at", "1999-01-01"],
    "duties": ["duties", "市住建局", "--at", "2025-12-31", "--list", "cooperative"],
    "history": ["history", "B-CJ-043", "--town", "玉山镇"],
    "diff": ["diff", "--from", "2024-12-31", "--to", "2025-12-31", "--town", "玉山镇"],
    "route": ["route", "楼上漏水到我家了物业不管", "--town", "周市镇", "--at", "2025-10-01"],
    "evaluate (no order)": ["evaluate", "--from", "2024-01-01", "--to", "2024-01-31"],
}
"""A question for each command that prints a result, on the sample."""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the command line; its exit code and standard output."""
    code = main(argv)
    return code, capsys.readouterr().out


@pytest.mark.parametrize("argv", COMMANDS.values(), ids=COMMANDS.keys())
def test_every_command_takes_format_and_json(argv: list[str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """``--format json`` and ``--json`` print the same versioned JSON document;
    ``--format text`` prints what the command prints by default, which is not JSON; the
    exit code does not depend on the format."""
    default = run(argv, capsys)
    text = run([*argv, "--format", "text"], capsys)
    as_json = run([*argv, "--format", "json"], capsys)
    synonym = run([*argv, "--json"], capsys)
    assert text == default
    assert as_json == synonym
    assert as_json[0] == default[0]
    document = json.loads(as_json[1])
    assert next(iter(document)) == "version"
    assert document["version"] == JSON_VERSION
    with pytest.raises(json.JSONDecodeError):
        json.loads(default[1])


@pytest.mark.parametrize("argv", [COMMANDS["who-owns"], COMMANDS["route"]],
                         ids=["who-owns", "route"])
def test_unknown_format_and_both_options_are_refused(
        argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown format, or ``--format`` given beside ``--json``, exits 2 with a usage
    error."""
    for extra in (["--format", "xml"], ["--format", "json", "--json"]):
        with pytest.raises(SystemExit) as caught:
            main([*argv, *extra])
        assert caught.value.code == 2
        assert "--format" in capsys.readouterr().err


def test_duties_json_lists_the_duties_under_a_key(capsys: pytest.CaptureFixture[str]) -> None:
    """A command whose result is a list puts it under a key beside the version."""
    code, out = run([*COMMANDS["duties"], "--format", "json"], capsys)
    document = json.loads(out)
    assert code == 0
    assert set(document) == {"version", "duties"}
    assert document["duties"]
    assert all(d["list"] == "cooperative" for d in document["duties"])


def test_evaluate_problems_in_json_are_versioned(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Bad input under ``--format json`` is still a versioned JSON document (exit 2);
    ``--html`` cannot be asked for with ``--format``."""
    orders = tmp_path / "orders.jsonl"
    orders.write_text('{"id": 1}\n', encoding="utf-8")
    code, out = run(["evaluate", str(orders), "--format", "json"], capsys)
    assert code == 2
    document = json.loads(out)
    assert document["version"] == JSON_VERSION
    assert document["problems"]
    with pytest.raises(SystemExit):
        main(["evaluate", "--format", "json", "--html", str(tmp_path / "r.html")])


def test_export_authz_reports_its_files(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """``export-authz --format json`` lists the engine, folder and files written; text
    output is the one line it always printed."""
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("a", "甲镇"))
    g.add_item(kr.Item("I", "某事项"))
    g.assign("I", town="a", list="basic", primary="a", start="2024-01-01")
    data = tmp_path / "city.json"
    kr.write_json(g, data)
    out = tmp_path / "cedar"
    argv = ["export-authz", "cedar", str(out), "--data", str(data), "--no-tests"]
    code, text = run(argv, capsys)
    assert code == 0
    assert text == f"wrote schema.cedarschema, schema.cedarschema.json, policies.cedar, " \
        f"entities.json into {out}\n"
    code, synonym = run([*argv, "--json"], capsys)
    document = json.loads(synonym)
    assert code == 0
    assert document == {"version": JSON_VERSION, "engine": "cedar", "folder": str(out),
                        "files": [str(out / name) for name in (
                            "schema.cedarschema", "schema.cedarschema.json", "policies.cedar",
                            "entities.json")]}
    assert run([*argv, "--format", "json"], capsys) == (0, synonym)


def test_versioned_puts_the_version_first() -> None:
    """A dict gets the version added in front; a list goes under the key given."""
    assert list(versioned({"a": 1})) == ["version", "a"]
    assert versioned([1, 2], "items") == {"version": JSON_VERSION, "items": [1, 2]}
