"""``kunshan-rbac route``: exit codes, JSON lines and CSV files, located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kunshan_rbac.cli import main


def test_routed_order_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """A routed order prints the unit and template and exits 0."""
    code = main(["route", "楼下饭店油烟太大，熏得没法开窗", "--town", "玉山镇",
                 "--at", "2025-07-01"])
    out = capsys.readouterr().out
    assert code == 0
    assert "ROUTED to 玉山镇" in out
    assert "time limit" in out


def test_declined_order_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """A declined order prints the reason and exits 1."""
    code = main(["route", "表扬一下环卫工师傅", "--town", "玉山镇", "--at", "2025-07-01",
                 "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data["declined"] is True
    assert data["decline_class"] == "praise"


def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown town or a bad date is one line on stderr and exit 2, no traceback."""
    assert main(["route", "油烟", "--town", "火星镇", "--at", "2025-07-01"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kunshan-rbac: error:")
    assert "Traceback" not in err
    assert main(["route", "油烟", "--town", "玉山镇", "--at", "2025-13-45"]) == 2
    assert main(["route", "油烟"]) == 2


def test_file_of_json_lines_writes_one_route_per_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--file with the example-order format writes JSON lines, ids kept, in order."""
    source = tmp_path / "orders.jsonl"
    rows = [{"id": "a", "text": "楼下饭店油烟太大", "town": "玉山镇", "at": "2025-07-01"},
            {"id": "b", "text": "我们这片又停电了", "town": "周市镇", "at": "2025-07-01"}]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                      encoding="utf-8")
    out = tmp_path / "routes.jsonl"
    assert main(["route", "--file", str(source), "--out", str(out)]) == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert lines[0]["primary"] == "yushan"
    assert lines[1]["declined"] is True


def test_csv_with_chinese_headers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CSV columns 工单编号, 诉求内容, 所属镇街, 来电时间 (date and time) are read."""
    source = tmp_path / "orders.csv"
    source.write_text("工单编号,诉求内容,所属镇街,来电时间\n"
                      "1,楼下饭店油烟太大,玉山镇,2025-07-01 10:22:00\n", encoding="utf-8")
    assert main(["route", "--file", str(source)]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["id"] == "1"
    assert line["at"] == "2025-07-01"


def test_every_bad_line_is_located_and_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each bad line is reported with its row and column; no output file appears."""
    source = tmp_path / "orders.jsonl"
    source.write_text('{"text": "油烟", "town": "玉山镇", "at": "2025-13-01"}\n'
                      "not json\n"
                      '{"text": "", "town": "玉山镇"}\n'
                      '{"text": "油烟", "town": "火星镇"}\n', encoding="utf-8")
    out = tmp_path / "routes.jsonl"
    assert main(["route", "--file", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    for place in ("row 1, column at", "row 2", "row 3, column text", "row 4, column town"):
        assert place in err
    assert not out.exists()


def test_csv_without_a_text_column_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CSV with no 诉求内容/工单内容 column is exit 2 naming the header."""
    source = tmp_path / "orders.csv"
    source.write_text("标题,镇\n油烟,玉山镇\n", encoding="utf-8")
    assert main(["route", "--file", str(source)]) == 2
    assert "诉求内容" in capsys.readouterr().err
