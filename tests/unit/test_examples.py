"""Every script in examples/ runs, and the figures example matches the published ones."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The example's main() runs to the end and prints something."""
    namespace = runpy.run_path(str(path))
    namespace["main"]()
    assert capsys.readouterr().out.strip()


def test_kunshan_figures_match_the_published_ones(capsys: pytest.CaptureFixture[str]) -> None:
    """No figure computed from the sample differs from the published one."""
    namespace = runpy.run_path(str(EXAMPLES[0].parent / "kunshan_figures.py"))
    namespace["main"]()
    out = capsys.readouterr().out
    assert "differs" not in out
    assert out.count("\n") >= 7
