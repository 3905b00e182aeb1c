"""Opening one data set from a path: JSON, spreadsheets, or the sample."""

from __future__ import annotations

from pathlib import Path

import pytest

import kunshan_rbac as kr
from kunshan_rbac._open import load_data


def test_no_path_is_the_sample() -> None:
    """Without a path every command and the assertion runner work on the embedded sample."""
    assert load_data(None).records() == kr.load_sample().records()


def test_json_and_lists_are_read_by_their_suffix(tmp_path: Path) -> None:
    """A ``.json`` file is read as a data set and a ``.csv`` file as duty lists."""
    sample = kr.load_sample()
    kr.write_json(sample, tmp_path / "g.json")
    assert load_data(tmp_path / "g.json").records() == sample.records()
    kr.write_lists(sample, tmp_path / "lists.csv", at="2025-07-01")
    read = load_data(str(tmp_path / "lists.csv"))
    day = kr.parse_date("2025-07-01")
    in_force = {(r.unit, r.item, r.town) for r in sample.records() if r.holds_on(day)}
    assert {(r.unit, r.item, r.town) for r in read.records()} == in_force


def test_a_missing_path_is_a_located_load_error(tmp_path: Path) -> None:
    """A path that does not exist is a `LoadError` naming it, not an `OSError`."""
    missing = tmp_path / "nope.json"
    with pytest.raises(kr.LoadError) as caught:
        load_data(missing)
    assert caught.value.problems[0].file == str(missing)
    assert "existing file" in caught.value.problems[0].expected


def test_an_unknown_kind_of_file_is_refused_with_its_suffix(tmp_path: Path) -> None:
    """A file that is neither JSON nor a spreadsheet is refused, naming what was expected."""
    odd = tmp_path / "lists.txt"
    odd.write_text("x", encoding="utf-8")
    with pytest.raises(kr.LoadError) as caught:
        load_data(odd)
    problem = caught.value.problems[0]
    assert problem.value == ".txt"
    assert ".xlsx workbook" in problem.expected
