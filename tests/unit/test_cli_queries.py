"""Tests of the report, who-owns, duties, history and diff commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kunshan_rbac as kr
from kunshan_rbac.cli import main


@pytest.fixture
def data(tmp_path: Path) -> str:
    """A small data set saved as JSON."""
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Town("a", "甲镇"))
    graph.add_unit(kr.Department("d", "市某局", aliases=("某局",)))
    graph.add_item(kr.Item("I", "某事项"))
    graph.assign("I", town="a", list="basic", primary="a", secondary="d", start="2024-01-01")
    graph.reclaim("I", towns="a", to="d", effective="2025-01-01")
    path = tmp_path / "city.json"
    kr.write_json(graph, path)
    return str(path)


def test_report_on_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    """The main job prints the per-town table of the sample."""
    assert main(["report", "--at", "2025-12-31"]) == 0
    out = capsys.readouterr().out
    assert "玉山镇 (yushan)" in out
    assert "140.0" in out
    assert "347" in out


def test_report_json(data: str, capsys: pytest.CaptureFixture[str]) -> None:
    """report --json gives machine-readable counts."""
    assert main(["report", data, "--at", "2025-06-01", "--json"]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert parsed["towns"] == [{"code": "a", "name": "甲镇", "basic": 0, "cooperative": 0,
                                "reclaimed": 1}]


def test_who_owns(data: str, capsys: pytest.CaptureFixture[str]) -> None:
    """who-owns explains the answer, or exits 1 with the explanation when none."""
    assert main(["who-owns", "I", "--town", "甲镇", "--at", "2024-06-01", "--data", data]) == 0
    assert "基本履职事项清单" in capsys.readouterr().out
    assert main(["who-owns", "I", "--town", "a", "--at", "2020-01-01", "--data", data]) == 1
    assert "no owner" in capsys.readouterr().out
    assert main(["who-owns", "I", "--town", "a", "--at", "2025年1月1日", "--data", data,
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["primary"] == {"code": "d", "name": "市某局"}


def test_duties(data: str, capsys: pytest.CaptureFixture[str]) -> None:
    """duties lists what a unit answers for."""
    assert main(["duties", "某局", "--at", "2025-06-01", "--data", data]) == 0
    out = capsys.readouterr().out
    assert "1 duties" in out
    assert "收回" in out
    assert main(["duties", "d", "--at", "2024-06-01", "--role", "primary", "--json",
                 "--data", data]) == 0
    assert json.loads(capsys.readouterr().out) == {"version": 1, "duties": []}


def test_history_and_diff(data: str, capsys: pytest.CaptureFixture[str]) -> None:
    """history lists periods and transfers; diff lists moves."""
    assert main(["history", "I", "--town", "a", "--data", data]) == 0
    out = capsys.readouterr().out
    assert "2024-01-01 – 2025-01-01" in out
    assert "transfer #1 reclaim" in out
    assert main(["diff", "--from", "2024-12-31", "--to", "2025-01-01", "--data", data]) == 0
    assert "moved   I 某事项 [甲镇]: 基本/甲镇 → 收回/市某局" in capsys.readouterr().out
    assert main(["diff", "--from", "2024-12-31", "--to", "2025-01-01", "--data", data,
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changes"][0]["kind"] == "moved"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["who-owns", "I", "--town", "上海"], "unknown town '上海'"),
        (["who-owns", "I", "--town", "a", "--at", "2025-13-01"], "cannot read '2025-13-01'"),
        (["who-owns", "NOPE", "--town", "a"], "unknown item 'NOPE'"),
        (["duties", "nobody"], "unknown unit 'nobody'"),
        (["history", "I", "--town", "d"], "d is a department"),
        (["diff", "--from", "soon", "--to", "2025-01-01"], "cannot read 'soon'"),
    ],
)
def test_user_errors_give_one_line_and_status_2(
    data: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad input prints one clear line on stderr and exits 2, without a traceback."""
    assert main([*argv, "--data", data]) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.startswith("kunshan-rbac: error:")
    assert "Traceback" not in captured.err


def test_missing_or_foreign_data_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    """A missing file or a file that is not a data set is a located load error."""
    assert main(["report", str(tmp_path / "none.json")]) == 2
    assert "none.json" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert main(["report", str(broken)]) == 2
    assert "broken.json" in capsys.readouterr().err


def test_report_refuses_two_data_sets(data: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Giving PATH and --data that differ is a usage error."""
    assert main(["report", data, "--data", data + ".other"]) == 2
    assert "not both" in capsys.readouterr().err
