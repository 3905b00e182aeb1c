"""Execute the docs' notebooks in place, so that the site shows current outputs.

Run after changing a notebook or what it prints:

    python tools/run_notebooks.py

tests/unit/test_notebooks.py executes them again and fails when a cell errors or when a
stored output no longer matches what the cell prints.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "docs" / "notebooks").glob("*.ipynb"))


def run(path: Path, workdir: str) -> nbformat.NotebookNode:
    """The notebook at ``path``, executed in ``workdir`` (raises on a failing cell)."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": workdir}})
    client.execute()
    return notebook


def main() -> int:
    for path in NOTEBOOKS:
        with tempfile.TemporaryDirectory() as workdir:
            notebook = run(path, workdir)
        nbformat.write(notebook, path)
        print(f"executed {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
