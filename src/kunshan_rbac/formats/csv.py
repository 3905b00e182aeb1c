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
from typing import Any

from .._atomic import atomic_write
from .._errors import Problem
from .._limits import DEFAULT_LIMITS, Limits
from .._mojibake import MIN_CHINESE, MIN_COMMON_SHARE, common_share, mojibake
from .cells import column_letter, guard_formula, unguard_formula
from .table import Table

__all__ = ["ENCODINGS", "decode", "decode_located", "read_csv", "write_csv"]

ENCODINGS = ("utf-8", "gb18030")
"""Encodings tried, in order, for a CSV file without a byte-order mark."""


def decode(data: bytes) -> str | None:
    """The text of a CSV file's bytes, or ``None`` when they are not text.

    ``None`` also when the bytes mix encodings or decode to implausible text
    (`decode_located` says why and where).

    Examples:
        >>> decode("序号,事项名称".encode("gb18030"))
        '序号,事项名称'
    """
    text = decode_located(data, "")
    return text if isinstance(text, str) else None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _failure(data: bytes, encoding: str) -> int | None:
    """The line at which ``data`` stops being ``encoding``, or ``None`` if it is."""
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        return _line_of(data, exc.start)
    return None


def decode_located(data: bytes, file: str) -> str | Problem:
    """The text of a CSV file's bytes, or the problem that stops decoding them, with its row.

    A byte-order mark decides the encoding (UTF-8 or UTF-16). Otherwise UTF-8 is tried,
    then GB18030. Bytes that decode as GB18030 but hold lines that are UTF-8 Chinese mix
    two encodings and are refused, naming both rows; so is a file whose text, once decoded,
    is implausible as Chinese (`kunshan_rbac._mojibake`), naming the row.
    """
    tried = "tried " + " and ".join(e.upper() for e in ENCODINGS)
    encodings: tuple[str, ...]
    if data.startswith(codecs.BOM_UTF8):
        payload, encodings = data[3:], ("utf-8",)
        tried = "UTF-8, as its byte-order mark says"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        payload, encodings = data, ("utf-16",)
        tried = "UTF-16, as its byte-order mark says"
    else:
        payload, encodings = data, ENCODINGS
        if b"\x00" in data:
            return Problem(file, row=_line_of(data, data.index(b"\x00")), value="NUL byte",
                           expected="a text file (this one holds NUL bytes: it is binary, "
                           "or UTF-16 without a byte-order mark)")
    text = None
    encoding = encodings[0]
    for encoding in encodings:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    if len(encodings) > 1:
        mixed = _mixed(payload)
        if mixed is not None:
            number, first, other, line = mixed
            return Problem(file, row=number, value=line[:40], expected=(
                f"one encoding for the whole file ({tried}): the rows before are "
                f"{first.upper()}, this row is {other.upper()}; save the file again as UTF-8"))
        if text is not None and encoding == "utf-8" and _rather_gb18030(text, payload):
            text, encoding = payload.decode("gb18030"), "gb18030"
    if text is None:
        rows = ", ".join(f"{e.upper()} fails at row {_failure(payload, e)}" for e in encodings)
        return Problem(file, row=_failure(payload, encodings[0]), expected=(
            f"text in one encoding ({tried}: {rows}); save the file again as UTF-8"))
    for number, line in enumerate(text.splitlines(), start=1):
        control = next((ch for ch in line if unicodedata.category(ch) == "Cc"
                        and ch not in "\t\n\r"), None)
        if control is not None:
            return Problem(file, row=number, value=control, expected="a text file without "
                           "control characters (this one is binary)")
        reason = mojibake(line)
        if reason is not None:
            return Problem(file, row=number, value=line[:40], expected=(
                f"text that reads as Chinese ({tried}; read as {encoding.upper()}, this row "
                f"has {reason}); save the file again as UTF-8"))
    return text


def _reading(line: bytes) -> str | None:
    """The one encoding in which a line of bytes reads as plausible text, if exactly one."""
    plausible = []
    for encoding in ENCODINGS:
        try:
            text = line.decode(encoding)
        except UnicodeDecodeError:
            continue
        if mojibake(text) is None:
            plausible.append(encoding)
    return plausible[0] if len(plausible) == 1 else None


def _mixed(data: bytes) -> tuple[int, str, str, str] | None:
    """The first line whose encoding differs from the lines before, if the file mixes them.

    Only lines that read plausibly in exactly one encoding count; ASCII lines and lines
    that read plausibly either way decide nothing.
    """
    first: str | None = None
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if raw.isascii():
            continue
        encoding = _reading(raw)
        if encoding is None:
            continue
        if first is None:
            first = encoding
        elif encoding != first:
            return number, first, encoding, raw.decode(encoding).strip()
    return None


def _rather_gb18030(text: str, data: bytes) -> bool:
    """Whether bytes valid as UTF-8 are really GB18030 Chinese (UTF-8 reads no Chinese)."""
    if text.isascii() or common_share(text)[1] > 0:
        return False
    try:
        other = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    share, count = common_share(other)
    return count >= MIN_CHINESE and share >= MIN_COMMON_SHARE and mojibake(other) is None


def read_csv(path: Path, file: str, limits: Limits = DEFAULT_LIMITS) -> Table | list[Problem]:
    """A CSV file as a table, or the one problem that stops reading it.

    Args:
        path: the file.
        file: how problems name it.
        limits: the limits to apply: ``csv_bytes`` for the file, ``rows`` (rows holding a
            value), ``columns`` and ``cell_chars``.
    """
    try:
        size = path.stat().st_size
        if size > limits.csv_bytes:
            return [Problem(file, value=f"{size:,} bytes", expected=(
                f"a CSV file of at most {limits.csv_bytes:,} bytes (Limits.csv_bytes)"))]
        with path.open("rb") as stream:
            data = stream.read(limits.csv_bytes + 1)
    except OSError as exc:
        return [Problem(file, expected=f"a readable file ({exc.strerror or exc})")]
    if len(data) > limits.csv_bytes:
        return [Problem(file, value=f"more than {limits.csv_bytes:,} bytes", expected=(
            f"a CSV file of at most {limits.csv_bytes:,} bytes (Limits.csv_bytes)"))]
    text = decode_located(data, file)
    if isinstance(text, Problem):
        return [text]
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Any]] = []
    counted = 0
    try:
        for row in reader:
            number = reader.line_num
            cells = [unguard_formula(cell) for cell in row]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                counted += 1
                problem = _over_limit(file, number, cells, counted, limits)
                if problem is not None:
                    return [problem]
            rows.append(cells if cells else [])
    except csv.Error as exc:
        if "field limit" in str(exc):
            return [Problem(file, row=reader.line_num, expected=(
                f"at most {limits.cell_chars:,} characters in a cell (Limits.cell_chars)"))]
        return [Problem(file, row=reader.line_num, expected=f"well-formed CSV ({exc})")]
    return Table(file, None, path.name, rows)


def _over_limit(file: str, number: int, cells: list[str], counted: int,
                limits: Limits) -> Problem | None:
    if counted > limits.rows:
        return Problem(file, row=number, value=f"more than {limits.rows:,} rows",
                       expected=f"at most {limits.rows:,} rows holding a value (Limits.rows)")
    if len(cells) > limits.columns:
        return Problem(file, row=number, column=column_letter(len(cells) - 1),
                       expected=f"at most {limits.columns:,} columns (Limits.columns)")
    for index, cell in enumerate(cells):
        if len(cell) > limits.cell_chars:
            return Problem(file, row=number, column=column_letter(index),
                           value=f"{len(cell):,} characters", expected=(
                               f"at most {limits.cell_chars:,} characters in a cell "
                               "(Limits.cell_chars)"))
    return None


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
