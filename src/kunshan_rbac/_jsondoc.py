"""Reading a small JSON document a user gives (a work calendar, a deadlines table).

The readers of such files share one path: the bytes are read within `Limits.json_bytes`
(gzip-decompressed for a ``.gz`` name), decoded as UTF-8, parsed, and checked for nesting
deeper than `Limits.depth`; every failure is a `LoadError` naming the file and, where
there is one, the line and column. The caller then checks the document's format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ._errors import LoadError, Problem
from ._jsonfile import decode_utf8, depth_problems, read_bytes
from ._limits import DEFAULT_LIMITS, Limits

__all__ = ["load_document"]


def load_document(path: str | Path, limits: Limits | None = None) -> Any:
    """The parsed JSON document of a file, within ``limits``.

    Args:
        path: the file (``.gz``: gzip-compressed).
        limits: the limits to apply (`DEFAULT_LIMITS` if not given): ``json_bytes``
            bounds the text (after decompression), ``depth`` the nesting.

    Returns:
        The document, as dicts, lists and scalars.

    Raises:
        LoadError: the file is missing or unreadable, larger than ``json_bytes``, not
            UTF-8, not JSON, or nested deeper than ``depth``; the problem names the file
            and, where it can, the line and column.
    """
    limits = limits if limits is not None else DEFAULT_LIMITS
    source = str(path)
    text = decode_utf8(read_bytes(path, source, limits), source)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError([Problem(source, row=exc.lineno, column=str(exc.colno),
                                 expected=f"JSON: {exc.msg}")]) from None
    except RecursionError:
        raise LoadError([Problem(source, expected=f"JSON nested at most {limits.depth} deep "
                                 "(Limits.depth)")]) from None
    deep = depth_problems(data, source, limits.depth)
    if deep:
        raise LoadError(deep)
    return data
