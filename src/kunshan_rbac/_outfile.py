"""Writing a file so that a failed write leaves the old one: a temporary file, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["replace_stream", "replace_text"]

_BLOCK = 1 << 20
"""About how many characters `replace_stream` writes at a time."""


def replace_text(path: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder.

    The temporary file is renamed over ``path`` only once it is complete, so a reader
    sees either the old file or the new one, never half of it.

    Raises:
        OSError: the folder cannot be written; ``path`` is left as it was.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def replace_stream(path: str | Path, lines: Iterable[str]) -> None:
    """Write ``lines`` (each followed by a newline) like `replace_text`, one at a time.

    The lines may come from a generator: the text is never held whole in memory. If the
    generator raises, the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            # About a mebibyte at a time: one write per block rather than two per line
            # (an export at national scale writes tens of millions of lines), and no
            # more than that held, however long the lines (a writer may give many lines
            # joined as one).
            block: list[str] = []
            size = 0
            for line in lines:
                block.append(line)
                size += len(line)
                if size >= _BLOCK:
                    block.append("")
                    out.write("\n".join(block))
                    block.clear()
                    size = 0
            if block:
                block.append("")
                out.write("\n".join(block))
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
