"""The docs' notebooks run top to bottom, draw their charts and show current outputs.

Executing a notebook needs a Jupyter kernel (nbclient and ipykernel, from the ``docs``
extra) and the ``analytics`` extra; without them the tests are skipped. ``.ci/run`` runs
them in its docs step, where both are installed. ``python tools/run_notebooks.py``
refreshes the stored outputs.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
MACHINE_DEPENDENT = ("find_cjk_font", "tempfile")


def _runner() -> Any:
    for module in ("nbclient", "ipykernel", "matplotlib"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is needed to execute the notebooks")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import run_notebooks
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return run_notebooks


def shown(cell: Any) -> list[str]:
    """The text a code cell shows: printed streams and result values, in order."""
    out = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream" and output["name"] == "stdout":
            out.append(output["text"])
        elif output["output_type"] == "execute_result":
            out.append(output["data"].get("text/plain", ""))
    return out


def images(cell: Any) -> int:
    """How many PNG images a code cell displays."""
    return sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def stale_cells(stored: Any, executed: Any) -> list[int]:
    """Indexes of the code cells whose stored text outputs differ from a fresh run's."""
    stale = []
    for number, (old, new) in enumerate(zip(stored.cells, executed.cells, strict=True)):
        if old.cell_type != "code" or any(m in old.source for m in MACHINE_DEPENDENT):
            continue
        if shown(old) != shown(new) or images(old) != images(new):
            stale.append(number)
    return stale


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_and_its_stored_outputs_are_current(
    path: Path, tmp_path: Path
) -> None:
    """Every cell runs without error, each plot cell draws a chart, every code cell
    has stored outputs, and those outputs are what the cells print today."""
    run_notebooks = _runner()
    import nbformat

    stored = nbformat.read(path, as_version=4)
    executed = run_notebooks.run(path, str(tmp_path))
    for cell in executed.cells:
        if cell.cell_type == "code" and "kr.plot." in cell.source and "ax =" in cell.source:
            assert images(cell) == 1, cell.source
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert code
    assert all(c.get("outputs") for c in code), "run python tools/run_notebooks.py"
    assert stale_cells(stored, executed) == [], "run python tools/run_notebooks.py"


def test_stale_cells_notices_a_changed_output() -> None:
    """A stored output that differs from a fresh one is reported; an equal one is not."""
    import json
    from types import SimpleNamespace

    def cell(text: str) -> dict[str, Any]:
        return {"cell_type": "code", "source": "print(1)",
                "outputs": [{"output_type": "stream", "name": "stdout", "text": text}]}

    class Cell(dict[str, Any]):
        def __getattr__(self, name: str) -> Any:
            return self[name]

    def notebook(*texts: str) -> Any:
        return SimpleNamespace(cells=[Cell(json.loads(json.dumps(cell(t)))) for t in texts])

    assert stale_cells(notebook("1\n", "2\n"), notebook("1\n", "2\n")) == []
    assert stale_cells(notebook("1\n", "2\n"), notebook("1\n", "3\n")) == [1]
