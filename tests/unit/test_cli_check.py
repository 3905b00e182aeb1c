"""Tests of ``kunshan-rbac check``: exit status, text and JSON output, rule selection and
errors that end in one line on standard error."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

import kunshan_rbac as kr
from fixtures_ci import sarif_schema
from fixtures_lists import BASIC, BASIC_HEADER, BASIC_SHEET, town_book, units_csv, write_csv
from kunshan_rbac._sample import SAMPLE_FILE
from kunshan_rbac.cli import main

SAMPLE_PRESENT = resources.files("kunshan_rbac").joinpath("data", SAMPLE_FILE).is_file()


def base() -> kr.ResponsibilityGraph:
    """A town, two departments and three items with a basis."""
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("yushan", "玉山镇"))
    g.add_unit(kr.Department("zjj", "市住房和城乡建设局"))
    g.add_unit(kr.Department("scj", "市市场监督管理局"))
    g.add_item(kr.Item("B-001", "住宅专项维修资金使用受理、审核和日常管理", basis="《办法》"))
    g.add_item(kr.Item("C-001", "配合开展燃气用户安全宣传和隐患排查", basis="《条例》"))
    g.add_item(kr.Item("R-001", "对未取得施工许可证擅自施工的处罚", power_type="行政处罚",
                       basis="《建筑法》"))
    return g


def clean() -> kr.ResponsibilityGraph:
    """Every item on the right list with the right roles."""
    g = base()
    g.assign("B-001", town="yushan", list="basic", primary="yushan", secondary="zjj",
             start="2024-01-01")
    g.assign("C-001", town="yushan", list="cooperative", primary="zjj", secondary="yushan",
             start="2024-01-01")
    g.assign("R-001", town="yushan", list="reclaimed", primary="zjj", start="2024-01-01")
    return g


def broken() -> kr.ResponsibilityGraph:
    """A department leading a basic item from 2025, and a penalty item without a grant."""
    g = base()
    g.assign("B-001", town="yushan", list="basic", primary="yushan", start="2024-01-01",
             end="2025-01-01")
    g.assign("B-001", town="yushan", list="basic", primary="zjj", start="2025-01-01")
    g.assign("C-001", town="yushan", list="cooperative", primary="zjj", secondary="yushan")
    g.assign("R-001", town="yushan", list="basic", primary="yushan")
    return g


@pytest.fixture
def clean_file(tmp_path: Path) -> str:
    """A clean data set on disk."""
    path = tmp_path / "clean.json"
    kr.write_json(clean(), path)
    return str(path)


@pytest.fixture
def broken_file(tmp_path: Path) -> str:
    """A data set with one error and one warning, gzip-compressed."""
    path = tmp_path / "broken.json.gz"
    kr.write_json(broken(), path)
    return str(path)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the CLI; return the exit status, standard output and standard error."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_data_exit_zero(capsys: pytest.CaptureFixture[str], clean_file: str) -> None:
    """No violation: exit 0 and a one-line summary."""
    code, out, err = run(capsys, "check", clean_file)
    assert code == 0
    assert out == "checked 12 rules over all dates: no violations\n"
    assert err == ""


def test_errors_exit_one_with_a_table(
    capsys: pytest.CaptureFixture[str], broken_file: str
) -> None:
    """Errors: exit 1, with the rule, the town and the offending record."""
    code, out, _ = run(capsys, "check", broken_file)
    assert code == 1
    assert out.startswith("checked 12 rules over all dates: 1 error, 1 warning\n")
    assert "basic-primary-is-town (error): 1" in out
    assert "  玉山镇 (yushan)" in out
    assert "town-capacity (warning): 1" in out


def test_warnings_alone_exit_zero(
    capsys: pytest.CaptureFixture[str], broken_file: str
) -> None:
    """Warnings do not fail the check."""
    code, out, _ = run(capsys, "check", broken_file, "--ignore", "basic-primary-is-town")
    assert code == 0
    assert "town-capacity" in out


def test_at_checks_one_day(capsys: pytest.CaptureFixture[str], broken_file: str) -> None:
    """``--at`` checks that day only: before the bad record, only the warning remains."""
    code, out, _ = run(capsys, "check", broken_file, "--at", "2024年6月1日")
    assert code == 0
    assert out.startswith("checked 12 rules on 2024-06-01: 0 errors, 1 warning")


def test_select_several_ids(capsys: pytest.CaptureFixture[str], broken_file: str) -> None:
    """``--select`` takes ids separated by commas, spaces allowed."""
    code, out, _ = run(capsys, "check", broken_file, "--select",
                       "one-primary, town-capacity")
    assert code == 0
    assert out.startswith("checked 2 rules")


def test_json_output(capsys: pytest.CaptureFixture[str], broken_file: str) -> None:
    """``--format json`` prints the report's ``to_dict`` as JSON."""
    code, out, _ = run(capsys, "check", broken_file, "--format", "json")
    assert code == 1
    data = json.loads(out)
    expected = kr.check(kr.read_json(broken_file)).to_dict()
    for violation, fingerprinted in zip(expected["violations"], data["violations"], strict=True):
        violation["fingerprint"] = fingerprinted["fingerprint"]
    assert {k: data[k] for k in expected} == expected
    assert data["version"] == 1
    assert data["ok"] is False
    assert [v["rule"] for v in data["violations"]] == ["basic-primary-is-town",
                                                       "town-capacity"]


def test_data_option_is_accepted(capsys: pytest.CaptureFixture[str], clean_file: str) -> None:
    """``--data PATH`` works like PATH, as for ``report``; both at once must agree."""
    assert run(capsys, "check", "--data", clean_file)[0] == 0
    code, _, err = run(capsys, "check", clean_file, "--data", clean_file + ".other")
    assert code == 2
    assert "not both" in err


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    """``--list-rules`` prints each rule id with its severity and description."""
    code, out, _ = run(capsys, "check", "--list-rules")
    assert code == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [r.id for r in kr.RULES]
    assert lines[0].split()[1] == "error"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--select", "one-primry"], "unknown rule id 'one-primry'; did you mean one-primary?"),
        (["--ignore", "nope"], "known rules: one-primary"),
        (["--select", " , "], "--select names no rule"),
        (["--at", "2025-02-30"], "cannot read '2025-02-30' as a date"),
    ],
    ids=["unknown-select", "unknown-ignore", "empty-select", "bad-date"],
)
def test_usage_errors_exit_two_on_one_line(
    capsys: pytest.CaptureFixture[str], clean_file: str, argv: list[str], expected: str
) -> None:
    """A wrong option value: exit 2 and one line on standard error, no traceback."""
    code, out, err = run(capsys, "check", clean_file, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("kunshan-rbac: error: ")
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_load_errors_exit_two(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A missing or broken file: exit 2 with the file named on standard error."""
    code, _, err = run(capsys, "check", str(tmp_path / "missing.json"))
    assert code == 2
    assert "missing.json" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = run(capsys, "check", str(bad))
    assert code == 2
    assert "bad.json" in err
    assert "Traceback" not in err


def test_bad_format_is_an_argparse_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown ``--format`` is refused by argparse with status 2."""
    with pytest.raises(SystemExit) as info:
        main(["check", "--format", "xml"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_entry_point_runs_as_a_module(clean_file: str) -> None:
    """``python -m kunshan_rbac.cli check`` works end to end, with its exit status."""
    result = subprocess.run(
        [sys.executable, "-m", "kunshan_rbac.cli", "check", clean_file, "--format", "json"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["ok"] is True


@pytest.mark.skipif(not SAMPLE_PRESENT, reason="the sample data file is not built yet")
def test_the_embedded_sample_has_no_errors(capsys: pytest.CaptureFixture[str]) -> None:
    """``kunshan-rbac check`` with no PATH checks the embedded sample: no errors."""
    code, out, _ = run(capsys, "check")
    assert code == 0, out
    assert kr.check(kr.load_sample()).ok


def test_json_flag_is_format_json(capsys: pytest.CaptureFixture[str], broken_file: str) -> None:
    """``check --json`` is accepted and prints the same document as ``--format json``."""
    _, by_flag, _ = run(capsys, "check", broken_file, "--json")
    _, by_format, _ = run(capsys, "check", broken_file, "--format", "json")
    assert by_flag == by_format


def test_fail_on_warning(capsys: pytest.CaptureFixture[str], broken_file: str) -> None:
    """``--fail-on warning`` exits 1 when only warnings are found."""
    args = ("check", broken_file, "--ignore", "basic-primary-is-town")
    assert run(capsys, *args)[0] == 0
    assert run(capsys, *args, "--fail-on", "warning")[0] == 1


def test_baseline_fails_only_on_new_violations(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, clean_file: str, broken_file: str
) -> None:
    """A baseline written today accepts today's violations; a new one fails the run."""
    baseline = str(tmp_path / "baseline.json")
    code, _, err = run(capsys, "check", broken_file, "--write-baseline", baseline)
    assert code == 1
    assert "saved 2 violations" in err
    assert run(capsys, "check", broken_file, "--baseline", baseline,
               "--fail-on", "warning")[0] == 0
    g = broken()
    g.assign("C-001", town="yushan", list="basic", primary="zjj", start="2026-01-01")
    worse = str(tmp_path / "worse.json")
    kr.write_json(g, worse)
    code, out, _ = run(capsys, "check", worse, "--baseline", baseline, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["new"] == sum(1 for v in data["violations"] if v["new"])
    assert data["new"] >= 1


def test_load_failure_under_json_prints_a_document(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A data set that cannot load still gives a JSON document with its problems, exit 2."""
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, out, err = run(capsys, "check", str(bad), "--format", "json")
    assert code == 2
    document = json.loads(out)
    assert document["ok"] is False
    assert document["problems"][0]["file"] == str(bad)
    assert err.startswith("kunshan-rbac: error: ")


def test_max_caps_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    """``--max 2`` shows two violation lines of the sample and says how many are left."""
    code, out, _ = run(capsys, "check", "--max", "2")
    assert code == 0
    assert "... and 39 more (--max 2 shown)" in out
    assert out.count("add the law") == 1


def _lists_with_an_unread_row(folder: Path) -> Path:
    """A folder of lists whose basic list names an unknown unit on its third row (row 3 of
    the CSV file, column E): that row cannot be read, the other three can."""
    units_csv(folder)
    rows = [BASIC_HEADER, *[list(r) for r in BASIC]]
    rows[2][4] = "市火星局"
    write_csv(folder / f"巴城镇_{BASIC_SHEET}.csv", rows)
    return folder


def _place(problem: dict[str, object]) -> tuple[object, ...]:
    return problem["sheet"], problem["row"], problem["column"]


def test_lists_with_an_unread_row_fail_with_the_row_located(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Lists with a row that cannot be read are checked on the other rows, and the text
    report says which row was not read instead of "no violations"; exit 1."""
    folder = str(_lists_with_an_unread_row(tmp_path / "lists"))
    for argv in (["check", folder], ["check", "--data", folder]):
        code, out, _ = run(capsys, *argv)
        assert code == 1
        assert "no violations" not in out
        summary = out.splitlines()[0]
        assert summary.endswith("in the rows read; 1 row not read (1 load problem)")
        assert "row 3, column E" in out
        assert "市火星局" in out


def test_lists_with_an_unread_row_fail_in_every_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """JSON (valid by the report schema), JUnit and SARIF each carry the load problem with
    its file, row and column (a CSV file has no sheet), and the run exits 1 whatever the
    format."""
    folder = str(_lists_with_an_unread_row(tmp_path / "lists"))
    sheet = f"巴城镇_{BASIC_SHEET}.csv"
    code, out, _ = run(capsys, "check", folder, "--format", "json")
    assert code == 1
    document = json.loads(out)
    jsonschema.validate(document, kr.report_schema())
    assert document["ok"] is False
    assert document["unread"] == {"rows": 1, "files": 0}
    assert [_place(p) for p in document["problems"]] == [(None, 3, "E")]
    assert document["problems"][0]["file"].endswith(sheet)
    assert "violations" in document
    code, out, _ = run(capsys, "check", folder, "--format", "junit")
    assert code == 1
    assert 'name="kunshan-rbac check: load"' in out
    assert "row 3, column E" in out
    code, out, _ = run(capsys, "check", folder, "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    loads = [r for r in log["runs"][0]["results"] if r["ruleId"] == "load-error"]
    assert len(loads) == 1
    location = loads[0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"].endswith(sheet)
    assert location["physicalLocation"]["region"] == {"startLine": 3}
    assert location["properties"] == {"sheet": None, "column": "E"}


def test_a_baseline_does_not_accept_unread_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A baseline written on partly read lists still fails the next run: rows that were
    not read are not violations a baseline can accept."""
    folder = str(_lists_with_an_unread_row(tmp_path / "lists"))
    baseline = str(tmp_path / "baseline.json")
    assert run(capsys, "check", folder, "--write-baseline", baseline)[0] == 1
    assert run(capsys, "check", folder, "--baseline", baseline)[0] == 1


def test_clean_lists_still_pass(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Lists read whole are checked as before: no load problem, exit 0."""
    town_book(tmp_path)
    code, out, _ = run(capsys, "check", str(tmp_path / "玉山镇.xlsx"), "--json")
    assert code == 0, out
    document = json.loads(out)
    assert document["ok"] is True
    assert document["problems"] == []
    assert document["unread"] == {"rows": 0, "files": 0}


def test_lists_of_which_nothing_reads_are_a_load_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """When not one row of the lists can be read, it is a load error as before: exit 2,
    one line per problem on standard error."""
    folder = tmp_path / "lists"
    units_csv(folder)
    write_csv(folder / f"巴城镇_{BASIC_SHEET}.csv",
              [BASIC_HEADER, [1, "民生服务", "临时救助", "受理", "市火星局", ""]])
    code, out, err = run(capsys, "check", str(folder))
    assert code == 2
    assert out == ""
    assert err.startswith("kunshan-rbac: error: ")
    assert "row 2, column E" in err


def test_import_collect_then_check_is_not_silent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """``import --collect`` says how many rows it skipped, and ``check`` on the lists
    themselves reports them: neither says everything is fine."""
    folder = str(_lists_with_an_unread_row(tmp_path / "lists"))
    saved = str(tmp_path / "saved.json")
    code, out, _ = run(capsys, "import", folder, "--to", saved, "--collect")
    assert code == 1
    assert "skipped 1 row" in out
    code, out, _ = run(capsys, "check", folder)
    assert code == 1
    assert "1 row not read" in out


LAYOUTS = Path(__file__).resolve().parent.parent / "fixtures" / "layouts"


def test_a_column_the_reader_does_not_know_is_a_load_warning_in_check(
    capsys: pytest.CaptureFixture[str]
) -> None:
    """A list whose rows all read but which has a column the reader does not know
    (千灯镇's 工作要求): ``check`` shows the column as a load warning, not as unread rows;
    it passes by default and fails with ``--fail-on warning``; its notes (inferences)
    stay out of the report."""
    lists = str(LAYOUTS / "千灯镇_配合履职事项清单.csv")
    code, out, _ = run(capsys, "check", lists)
    assert code == 0
    assert "1 load warning" in out
    assert "not read" not in out.splitlines()[0]
    assert "'工作要求'" in out
    code, _, _ = run(capsys, "check", lists, "--fail-on", "warning")
    assert code == 1
    code, out, _ = run(capsys, "check", lists, "--format", "json")
    document = json.loads(out)
    assert document["unread"] == {"rows": 0, "files": 0}
    assert [p["severity"] for p in document["problems"]] == ["warning"]
    code, out, _ = run(capsys, "check", lists, "--format", "sarif")
    levels = [r["level"] for r in json.loads(out)["runs"][0]["results"]
              if r["ruleId"] == "load-error"]
    assert levels == ["warning"]


def test_warnings_and_notes_leave_no_row_unread() -> None:
    """`Unread` counts only problems that stopped a row being read."""
    error = kr.Problem("a.csv", "a.csv", 3, "E", "市火星局", "a unit")
    warning = kr.Problem("a.csv", "a.csv", 1, "F", "工作要求", "a column", severity="warning")
    note = kr.Problem("a.csv", "a.csv", 4, "B", "", "carried down", severity="note")
    assert kr.Unread.of([warning, note]) == kr.Unread(0, 0)
    assert kr.Unread.of([error, warning, note]) == kr.Unread(1, 0)
    assert not kr.check(kr.ResponsibilityGraph(), problems=[warning]).unread
    assert kr.check(kr.ResponsibilityGraph(), problems=[warning]).ok
    assert not kr.check(kr.ResponsibilityGraph(), problems=[error]).ok
