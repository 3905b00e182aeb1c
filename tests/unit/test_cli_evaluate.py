"""``kunshan-rbac evaluate``: the table, JSON, located errors, and the HTML report (parsed,
and rendered in headless Chromium where it is installed)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kunshan_rbac.cli import main

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if os.path.exists("/usr/bin/chromium") else None)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML report of the sample orders' second half-year."""
    path = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["evaluate", "--from", "2025-07-01", "--to", "2025-12-31",
                 "--html", str(path)]) == 0
    return path


def test_table_ranking_and_findings(capsys: pytest.CaptureFixture[str]) -> None:
    """Without ORDERS the sample is evaluated: ten towns, a ranking, findings."""
    assert main(["evaluate", "--from", "2025-10-01", "--to", "2025-12-31"]) == 0
    out = capsys.readouterr().out
    assert "周市镇" in out
    assert "Ranking" in out
    assert " 1. " in out
    assert "10. " in out
    assert "Findings" in out


def test_json_holds_everything(capsys: pytest.CaptureFixture[str]) -> None:
    """--json gives the evaluation, the ranking and the findings."""
    assert main(["evaluate", "--from", "2025-12-01", "--to", "2025-12-31", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["evaluation"]["towns"]) == 10
    assert data["ranking"][0]["rank"] == 1
    assert isinstance(data["findings"], list)
    assert data["orders"] == sum(t["orders"] for t in data["evaluation"]["towns"])


def test_no_order_in_the_period_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """A period with no order is a negative answer: exit 1."""
    assert main(["evaluate", "--from", "2024-01-01", "--to", "2024-01-31"]) == 1


BAD = (
    "order,time,event,town,unit,item,text,detail\n"
    "A1,2025-07-01 09:00,received,火星镇,,,x,\n"
    "A2,2025-07-01 09:00,received,周市镇,,,x,\n"
    "A2,2025-07-01 08:00,done,,,,,\n"
    "A3,2025-07-01 09:00,rated,,,,,满意\n"
)


def test_bad_orders_exit_2_one_line_per_problem(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Unknown town, events out of order, an order never received: one located line each."""
    f = tmp_path / "bad.csv"
    f.write_text(BAD, encoding="utf-8")
    assert main(["evaluate", str(f)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 4
    assert all(line.startswith(f"kunshan-rbac: error: {f}") for line in err)
    assert any("row 2" in line and "火星镇" in line for line in err)


def test_bad_orders_in_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With --json every problem is in the output, located."""
    f = tmp_path / "bad.csv"
    f.write_text(BAD, encoding="utf-8")
    assert main(["evaluate", str(f), "--json"]) == 2
    problems = json.loads(capsys.readouterr().out)["problems"]
    assert {p["row"] for p in problems} == {2, 4, 5}
    assert all(p["file"] == str(f) for p in problems)


def test_bad_dates_and_reforms_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Unreadable --from, --to before --from and an unknown --reform town: exit 2."""
    assert main(["evaluate", "--from", "someday"]) == 2
    assert main(["evaluate", "--from", "2025-05-01", "--to", "2025-04-01"]) == 2
    assert main(["evaluate", "--to", "2025-01-31", "--reform", "火星镇=2025-01-01"]) == 2
    err = capsys.readouterr().err
    for option in ("--from", "--to", "--reform"):
        assert option in err
    assert "Traceback" not in err


def test_a_12345_export_evaluates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A one-row-per-order export is evaluated, with the reader's inference noted."""
    f = tmp_path / "export.csv"
    f.write_text(
        "工单编号,来电时间,诉求内容,所属镇街,承办单位,事项编码,办结时间,满意度评价\n"
        "K1,2025/7/1 9:00,路灯不亮,周市镇,周市镇,B-CJ-001,2025/7/2 10:00,满意\n",
        encoding="gb18030")
    assert main(["evaluate", str(f)]) == 0
    captured = capsys.readouterr()
    assert "1 orders" in captured.out
    assert "派单时间" in captured.err


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.links.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_is_self_contained_html(report: Path) -> None:
    """One file: tables, three inline SVG charts, no script, no outside resource."""
    parser = _Collector()
    parser.feed(report.read_text(encoding="utf-8"))
    assert parser.tags.count("svg") == 3
    assert "script" not in parser.tags
    assert parser.links == []
    assert parser.tags.count("table") == 2
    text = "".join(parser.text)
    for name in ("周市镇", "千灯镇", "排名", "发现的问题"):
        assert name in text
    assert "polyline" in parser.tags


def test_report_write_failure_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A report that cannot be written is a located error, and leaves nothing behind."""
    target = tmp_path / "missing-folder" / "report.html"
    assert main(["evaluate", "--to", "2025-01-31", "--html", str(target)]) == 2
    assert "report.html" in capsys.readouterr().err


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_report_renders_in_headless_chromium(report: Path, tmp_path: Path) -> None:
    """Chromium renders the report to a PNG that is large and not blank."""
    png = tmp_path / "report.png"
    profile = tempfile.mkdtemp()
    try:
        subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", f"--user-data-dir={profile}", "--window-size=1000,2600",
             f"--screenshot={png}", report.resolve().as_uri()],
            capture_output=True, timeout=180, check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (1000, 2600)
    # a blank page compresses to a few kilobytes; text, tables and charts do not
    assert len(data) > 100_000
