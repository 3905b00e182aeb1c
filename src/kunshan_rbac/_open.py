"""One data set from a path: a JSON data set, duty lists in spreadsheets, or the sample."""

from __future__ import annotations

from pathlib import Path

from ._errors import LoadError, Problem
from ._graph import ResponsibilityGraph
from ._jsonio import read_json
from ._sample import load_sample
from .formats import read_lists

__all__ = ["load_data"]


def load_data(path: str | Path | None) -> ResponsibilityGraph:
    """The data set at ``path``, or the embedded sample when ``path`` is ``None``.

    ``path`` may be a JSON data set (``.json``, ``.json.gz``), or duty lists read with
    `kunshan_rbac.read_lists`: a ``.xlsx`` workbook, a ``.csv`` file or a folder.

    Raises:
        LoadError: the path does not exist or cannot be read; every problem is listed.
    """
    if path is None:
        return load_sample()
    target = Path(path)
    if not target.exists():
        raise LoadError([Problem(str(path), expected="an existing file or folder")])
    if target.is_file() and target.name.endswith((".json", ".json.gz")):
        return read_json(target)
    if target.is_dir() or target.suffix.lower() in (".xlsx", ".xlsm", ".csv"):
        return read_lists(target)
    raise LoadError([Problem(str(path), value=target.suffix or target.name,
                             expected="a .json or .json.gz data set, a .xlsx workbook, a .csv "
                             "list or a folder of lists")])
