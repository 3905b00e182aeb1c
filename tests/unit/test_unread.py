"""Tests of `Unread`: how many rows and files load problems leave unread."""

from __future__ import annotations

import kunshan_rbac as kr


def test_rows_are_counted_once_per_place() -> None:
    """Two problems in one row count one row; the same row number in another sheet or file
    counts again."""
    problems = [kr.Problem("a.xlsx", "基本", 3, "C"), kr.Problem("a.xlsx", "基本", 3, "E"),
                kr.Problem("a.xlsx", "配合", 3, "C"), kr.Problem("b.csv", None, 3, "C")]
    assert kr.Unread.of(problems) == kr.Unread(rows=3, files=0)
    assert str(kr.Unread.of(problems)) == "3 rows not read"


def test_problems_without_a_row_count_files() -> None:
    """A problem that names no row stands for a file (or sheet) not read."""
    problems = [kr.Problem("a.xls", expected="a .xlsx workbook"),
                kr.Problem("a.xls", expected="another reason"),
                kr.Problem("b.xlsx", "说明"), kr.Problem("c.csv", None, 2, "A")]
    unread = kr.Unread.of(problems)
    assert unread == kr.Unread(rows=1, files=2)
    assert str(unread) == "1 row and 2 files not read"
    assert unread.to_dict() == {"rows": 1, "files": 2}


def test_nothing_unread() -> None:
    """No problem: nothing unread, and the value is false."""
    unread = kr.Unread.of([])
    assert not unread
    assert unread.counted == "0 rows"
    assert kr.Unread.of([kr.Problem("x.csv")])
    assert kr.Unread.of([kr.Problem("x.csv")]).counted == "1 file"
