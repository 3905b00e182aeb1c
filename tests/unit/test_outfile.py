"""Streamed writes: every line written with its newline, across blocks, or the old file kept."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kunshan_rbac._outfile import replace_stream

_LINES = st.lists(st.text(st.characters(blacklist_characters="\n\r"), max_size=5), max_size=3000)


@given(_LINES)
def test_every_line_is_written_once_with_its_newline(lines: list[str]) -> None:
    """Whatever the number of lines (none, fewer than a block, several blocks, a block
    and one), the file holds each line in order, each followed by one newline."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "out.txt"
        replace_stream(path, iter(lines))
        assert path.read_text(encoding="utf-8") == "".join(f"{line}\n" for line in lines)


@pytest.mark.parametrize("count", [0, 1, 1023, 1024, 1025, 3073])
def test_block_edges(tmp_path: Path, count: int) -> None:
    """Counts at the edges of the thousand-line blocks lose and repeat no line."""
    lines = [f"line {n}" for n in range(count)]
    replace_stream(tmp_path / "out.txt", lines)
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").split("\n") == [*lines, ""]


def test_a_failing_generator_leaves_the_old_file(tmp_path: Path) -> None:
    """Lines that stop with an error after several blocks leave the old file as it was
    and no temporary file behind."""
    path = tmp_path / "out.txt"
    path.write_text("old\n", encoding="utf-8")

    def lines() -> Iterator[str]:
        for n in range(5000):
            yield f"line {n}"
        raise RuntimeError("export failed")

    with pytest.raises(RuntimeError, match="export failed"):
        replace_stream(path, lines())
    assert path.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_long_and_short_lines_mixed(tmp_path: Path) -> None:
    """Lines of a few bytes and of megabytes (blocks of many lines joined), in any mix,
    are written whole and in order while the number written at a time adapts."""
    lines = [f"line {n}" for n in range(3000)]
    lines[100] = lines[2500] = "x" * (5 << 20)
    lines[2000:2010] = ["é" * 300_000] * 10
    target = tmp_path / "out.txt"
    replace_stream(target, iter(lines))
    assert target.read_text(encoding="utf-8") == "".join(line + "\n" for line in lines)
