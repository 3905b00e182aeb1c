"""``kunshan-rbac import`` and ``export``: summaries, problems, exit codes, no tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

import kunshan_rbac as kr
from fixtures_lists import BASIC, BASIC_HEADER, BASIC_SHEET, town_book, units_csv, write_csv
from kunshan_rbac.cli import main


def _broken_folder(folder: Path) -> Path:
    units_csv(folder)
    rows = [BASIC_HEADER, *[list(r) for r in BASIC]]
    rows[2][4] = "市火星局"
    write_csv(folder / f"巴城镇_{BASIC_SHEET}.csv", rows)
    return folder


def test_import_writes_json_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """import PATH --to FILE.json saves the graph and prints one summary line."""
    town_book(tmp_path / "in")
    target = tmp_path / "out.json"
    assert main(["import", str(tmp_path / "in"), "--to", str(target),
                 "--effective", "2025-07-01"]) == 0
    out, err = capsys.readouterr()
    assert out.count("\n") == 1
    assert out.startswith("imported 3 towns")
    assert "0 problems" in out
    assert err == ""
    graph = kr.read_json(target)
    assert {r.start.isoformat() for r in graph.records() if r.start} == {"2025-07-01"}


def test_import_with_problems_writes_nothing_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Problems found: each is printed with its place, nothing is saved, status 2."""
    target = tmp_path / "out.json"
    assert main(["import", str(_broken_folder(tmp_path / "in")), "--to", str(target)]) == 2
    out, err = capsys.readouterr()
    assert "1 problem in 1 row" in out
    assert "row 3, column E" in err
    assert "Traceback" not in err
    assert not target.exists()


def test_import_collect_saves_the_good_rows_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--collect saves the rows without problems, says how many rows it skipped, lists
    the problems, and exits 1."""
    target = tmp_path / "out.json"
    assert main(["import", str(_broken_folder(tmp_path / "in")), "--to", str(target),
                 "--collect"]) == 1
    out, err = capsys.readouterr()
    assert out.count("\n") == 1
    assert out.rstrip().endswith(f"1 problem: skipped 1 row, not in {target}")
    assert "市火星局" in err
    assert len(kr.read_json(target).items()) == len(BASIC) - 1


def test_import_collect_counts_rows_and_unread_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two problems in one row are one skipped row; a file that cannot be read at all is
    counted apart; a clean import with --collect exits 0 and skips nothing."""
    folder = _broken_folder(tmp_path / "in")
    rows = [BASIC_HEADER, *[list(r) for r in BASIC]]
    rows[2][4] = "市火星局"
    rows[2][2] = ""
    write_csv(folder / f"巴城镇_{BASIC_SHEET}.csv", rows)
    (folder / "周市镇.xls").write_bytes(b"old excel")
    target = tmp_path / "out.json"
    assert main(["import", str(folder), "--to", str(target), "--collect"]) == 1
    out = capsys.readouterr().out
    assert "3 problems: skipped 1 row and 1 file" in out
    town_book(tmp_path / "clean")
    assert main(["import", str(tmp_path / "clean"), "--to", str(target), "--collect"]) == 0
    out = capsys.readouterr().out
    assert "skipped" not in out
    assert out.rstrip().endswith("0 problems")


def test_import_refuses_a_bad_target_or_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A target that is not .json, or a bad --effective date, is a one-line error."""
    town_book(tmp_path / "in")
    assert main(["import", str(tmp_path / "in"), "--to", str(tmp_path / "out.txt")]) == 2
    assert main(["import", str(tmp_path / "in"), "--to", str(tmp_path / "o.json"),
                 "--effective", "2025-02-30"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("kunshan-rbac: error") == 2


def _facts(graph: kr.ResponsibilityGraph) -> list[tuple[object, ...]]:
    """The records without their ids (which follow the order rows are read in)."""
    return sorted((r.unit, r.item, r.town, r.role.value, r.list.value, r.start, r.end, r.duty)
                  for r in graph.records())


def test_export_writes_the_lists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """export FILE.json --to FOLDER writes workbooks or CSV that import reads back."""
    graph = kr.read_lists(town_book(tmp_path / "in"))
    kr.write_json(graph, tmp_path / "g.json")
    for fmt, count in (("xlsx", 5), ("csv", 11)):
        folder = tmp_path / fmt
        assert main(["export", str(tmp_path / "g.json"), "--to", str(folder), "--format", fmt,
                     "--at", "2025-07-01"]) == 0
        out = capsys.readouterr().out
        assert out.count("\n") == 1
        assert f"{count} files" in out
        again = tmp_path / f"{fmt}.json"
        assert main(["import", str(folder), "--to", str(again)]) == 0
        assert _facts(kr.read_json(again)) == _facts(graph)
        capsys.readouterr()


def test_export_of_a_broken_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken or missing data set, or a bad date, exits 2 with the problems listed."""
    (tmp_path / "g.json").write_text('{"format": "kunshan-rbac", "version": 1, "units": [1]}',
                                     encoding="utf-8")
    assert main(["export", str(tmp_path / "g.json"), "--to", str(tmp_path / "out")]) == 2
    assert main(["export", str(tmp_path / "none.json"), "--to", str(tmp_path / "out")]) == 2
    kr.write_json(kr.ResponsibilityGraph(), tmp_path / "empty.json")
    assert main(["export", str(tmp_path / "empty.json"), "--to", str(tmp_path / "out"),
                 "--at", "someday"]) == 2
    err = capsys.readouterr().err
    assert "units, row 0" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_queries_accept_lists_as_the_data_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Other commands read a folder or workbook of lists where they take a data set."""
    path = town_book(tmp_path)
    assert main(["who-owns", "秸秆禁烧巡查", "--town", "玉山镇", "--at", "2025-07-01",
                 "--data", str(path), "--json"]) == 0
    assert '"玉山镇"' in capsys.readouterr().out


def test_export_defaults_to_the_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    """``export --to FOLDER`` without a data set writes the embedded sample's lists."""
    code = main(["export", "--to", str(tmp_path), "--format", "csv", "--at", "2025-12-31"])
    assert code == 0
    assert "exported the lists of 10 towns" in capsys.readouterr().out
    assert len(list(tmp_path.glob("*.csv"))) == 32
