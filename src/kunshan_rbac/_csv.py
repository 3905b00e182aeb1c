"""CSV files: one list (or catalogue) per file, to a table and back.

Reading accepts what government systems export: UTF-8 with or without a byte-order mark,
GB18030 (which covers GBK and GB2312), and UTF-16 with a byte-order mark (Excel's "Unicode
text"); commas or tabs between cells. A file that is not text (NUL bytes, control
characters) is one `Problem` for the file.

Writing uses UTF-8 with a byte-order mark and CRLF line ends, so that Excel opens it with
the Chinese intact. A cell that a spreadsheet would take for a formula gets one leading
apostrophe (`guard_formula`), and reading removes exactly the apostrophes that writing
added (`unguard_formula`).
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from ._atomic import atomic_write
from ._errors import Problem
from ._tables import Table, guard_formula, unguard_formula

__all__ = ["ENCODINGS", "decode", "read_csv", "write_csv"]

ENCODINGS = ("utf-8", "gb18030")
"""Encodings tried, in order, for a CSV file without a byte-order mark."""

_MAX_BYTES = 50_000_000


def decode(data: bytes) -> str | None:
    """The text of a CSV file's bytes, or ``None`` when they are not text.

    Example:
        >>> decode("序号,事项名称".encode("gb18030"))
        '序号,事项名称'
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates: Sequence[tuple[bytes, str]] = ((data[3:], "utf-8"),)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ((data, "utf-16"),)
    elif b"\x00" in data:
        return None
    else:
        candidates = tuple((data, encoding) for encoding in ENCODINGS)
    for payload, encoding in candidates:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in text):
            return None
        return text
    return None


def read_csv(path: Path, file: str) -> Table | list[Problem]:
    """A CSV file as a table, or the one problem that stops reading it.

    Args:
        path: the file.
        file: how problems name it.
    """
    try:
        size = path.stat().st_size
        if size > _MAX_BYTES:
            return [Problem(file, value=size, expected=f"a CSV file under {_MAX_BYTES} bytes")]
        data = path.read_bytes()
    except OSError as exc:
        return [Problem(file, expected=f"a readable file ({exc.strerror or exc})")]
    text = decode(data)
    if text is None:
        return [Problem(file, expected="a text file in UTF-8, GB18030 or UTF-16 (this one is "
                        "binary, or mixes encodings)")]
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    try:
        rows = [
            [unguard_formula(cell) for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as exc:
        return [Problem(file, expected=f"well-formed CSV ({exc})")]
    return Table(file, None, path.name, rows)


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Write one table as CSV (UTF-8 with BOM, CRLF), guarding formula-like cells.

    The file is written beside ``path`` first, then moved in place.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([guard_formula(text) for text in header])
    for row in rows:
        writer.writerow([guard_formula(text) for text in row])
    data = codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
    with atomic_write(path) as file:
        file.write(data)
