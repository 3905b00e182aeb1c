"""The command line on hostile files: exit status 2 and one located line, never a traceback.

Each file is made in the test (see ``tests/hostile.py``) and given to ``kunshan-rbac``
through its entry point `kunshan_rbac.cli.main`, as ``report PATH`` (any data set) and as
``import PATH --to FILE`` (lists); one case also runs the installed module in a separate
process, to show that nothing reaches the terminal as a traceback.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from fixtures_lists import BASIC, BASIC_HEADER, BASIC_SHEET, csv_bytes, units_csv
from hostile import (
    declared_bomb,
    deep_json,
    entity_workbook,
    gzip_declaring,
    kr_dumps,
    lying_zip,
    small_graph,
    workbook,
)
from kunshan_rbac.cli import main


def _json_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _rows() -> list[list[object]]:
    return [BASIC_HEADER, *[list(r) for r in BASIC]]


def _csv_folder(folder: Path, data: bytes) -> Path:
    folder.mkdir()
    units_csv(folder)
    (folder / f"玉山镇_{BASIC_SHEET}.csv").write_bytes(data)
    return folder


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "gzip bomb": lambda d: gzip_declaring(d / "g.json.gz", kr_dumps(small_graph()), 3 << 30),
    "deep nesting": lambda d: _json_file(d, "g.json", deep_json(990)),
    "very deep nesting": lambda d: _json_file(d, "g.json", deep_json(50_000, inside=False)),
    "duplicate key": lambda d: _json_file(
        d, "g.json", kr_dumps(small_graph()).replace('"duty":', '"duty":"x","duty":', 1)),
    "id 1.0": lambda d: _json_file(d, "g.json", _float_id(kr_dumps(small_graph()))),
    "truncated json": lambda d: _json_file(d, "g.json", kr_dumps(small_graph())[:300]),
    "zip bomb": lambda d: declared_bomb(workbook(d / "clean"), d / "玉山镇.xlsx", 4_000_000_000),
    "lying zip": lambda d: lying_zip(workbook(d / "clean"), d / "玉山镇.xlsx"),
    "entity expansion": lambda d: entity_workbook(workbook(d / "clean"), d / "玉山镇.xlsx",
                                                  "xl/worksheets/sheet1.xml"),
    "truncated workbook": lambda d: _truncated(workbook(d / "clean"), d / "玉山镇.xlsx"),
    "mixed encodings": lambda d: _csv_folder(
        d / "lists", csv_bytes(_rows()[:2], encoding="gb18030")
        + csv_bytes(_rows()[2:], encoding="utf-8")),
    "mojibake": lambda d: _csv_folder(
        d / "lists", csv_bytes(_rows(), encoding="utf-8").decode().encode().decode(
            "gb18030", "replace").encode("utf-8")),
    "nul bytes": lambda d: _csv_folder(d / "lists", b"\x00" + csv_bytes(_rows())),
}


def _float_id(text: str) -> str:
    """The JSON text with the first record's id written as ``N.0``."""
    start = text.index('"records":[')
    match = re.compile(r'"id":(\d+),').search(text, start)
    assert match is not None
    return text[:match.start()] + f'"id":{match.group(1)}.0,' + text[match.end():]


def _truncated(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes()[:2000])
    return target


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_report_on_a_hostile_file_exits_2_with_one_line(
        kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``report PATH`` on each hostile file exits 2 with one located line on stderr."""
    path = HOSTILE[kind](tmp_path)
    assert main(["report", str(path)]) == 2
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("kunshan-rbac: error: ")
    assert str(path) in lines[0]
    assert "Traceback" not in err + out


@pytest.mark.parametrize("kind", ["mixed encodings", "mojibake", "entity expansion",
                                  "zip bomb", "truncated workbook"])
def test_import_of_hostile_lists_exits_2_and_writes_nothing(
        kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``import`` of hostile lists exits 2, one line per problem, and writes no file."""
    path = HOSTILE[kind](tmp_path)
    target = tmp_path / "out.json"
    assert main(["import", str(path), "--to", str(target)]) == 2
    _out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0]
    assert not target.exists()


def test_no_traceback_reaches_the_terminal(tmp_path: Path) -> None:
    """Run as a process, the command prints one line and exits 2 on a deep JSON file."""
    path = HOSTILE["very deep nesting"](tmp_path)
    done = subprocess.run([sys.executable, "-m", "kunshan_rbac", "report", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
