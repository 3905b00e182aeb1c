"""Reading JSON from outside safely: bounded bytes, strict parsing, located problems.

`read_bytes` reads a file (``.gz``: gzip-decompressed while streaming) and stops as soon as
it holds more than the limit, so a gzip bomb costs at most the limit; `read_lines` gives the
same bytes line by line under the same limit, without holding the file. `parse` reads JSON
text strictly: a key given twice in one object, a number written with a decimal point
(the format has only whole numbers), nesting deeper than the limit, and a document too
large for memory are each a `Problem` with its place, never a silent choice or a
``RecursionError``. Nothing here knows the format's sections beyond naming places.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from ._errors import LoadError, Problem
from ._limits import Limits

__all__ = ["Lines", "decode_utf8", "depth_problems", "parse", "read_bytes", "read_lines"]

_CHUNK = 1 << 20


def _too_large(source: str, limit: int, what: str) -> LoadError:
    return LoadError([Problem(
        source, value=f"more than {limit:,} bytes{what}",
        expected=f"at most {limit:,} bytes of JSON (Limits.json_bytes; pass "
        "limits=kr.Limits(json_bytes=...) to read a larger file you trust)")])


def read_bytes(path: str | Path, source: str, limits: Limits) -> bytes:
    """The bytes of a JSON file, gzip-decompressed for a ``.gz`` name, within the limit.

    Raises:
        LoadError: the file is missing, unreadable, a broken gzip file, or larger than
            ``limits.json_bytes`` (decompressed); the problem names the file.
    """
    limit = limits.json_bytes
    packed = str(path).endswith(".gz")
    try:
        with open(path, "rb") as raw:
            if not packed:
                # Asked for the file's size (not the limit, which may be far larger than
                # memory), then for more in case the file grew meanwhile.
                size = os.fstat(raw.fileno()).st_size
                parts = [raw.read(min(size, limit) + 1)]
                total = len(parts[0])
                while total <= limit:
                    part = raw.read(min(_CHUNK, limit + 1 - total))
                    if not part:
                        break
                    parts.append(part)
                    total += len(part)
                if total > limit:
                    raise _too_large(source, limit, "")
                return parts[0] if len(parts) == 1 else b"".join(parts)
            declared = _declared_size(raw)
            if declared > limit:
                raise _too_large(source, limit, " once decompressed (as its gzip trailer says)")
            chunks: list[bytes] = []
            total = 0
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                while True:
                    chunk = stream.read(min(_CHUNK, limit + 1 - total))
                    if not chunk:
                        break
                    chunks.append(chunk)
                    total += len(chunk)
                    if total > limit:
                        raise _too_large(source, limit, " once decompressed")
            return b"".join(chunks)
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise LoadError([Problem(source, expected=f"a complete gzip file ({type(exc).__name__}: "
                                 f"{exc})")]) from None
    except OSError as exc:
        raise LoadError([Problem(source, expected=f"a readable file ({exc.strerror or exc})")]
                        ) from None
    except MemoryError:
        raise LoadError([Problem(source, expected="a file that fits in memory")]) from None


@contextmanager
def read_lines(path: str | Path, source: str, limits: Limits) -> Iterator[Lines]:
    """The lines of a JSON file (each with its ``\\n``), gzip-decompressed for a ``.gz``
    name, read as they are asked for: the file is never held whole.

    The lines are the bytes `read_bytes` gives, and every refusal is the one it makes
    (missing or unreadable file, broken gzip file, more than ``limits.json_bytes``),
    raised when the reading reaches it. Use as ``with read_lines(...) as lines:``.

    Raises:
        LoadError: as `read_bytes`, with the same problems.
    """
    limit = limits.json_bytes
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise LoadError([Problem(source, expected=f"a readable file ({exc.strerror or exc})")]
                        ) from None
    with raw:
        if str(path).endswith(".gz"):
            with _readable(source):
                declared = _declared_size(raw)
            if declared > limit:
                raise _too_large(source, limit, " once decompressed (as its gzip trailer says)")
            with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
                yield Lines(stream, source, limit, " once decompressed")
        else:
            yield Lines(raw, source, limit, "")


class Lines:
    """The lines of a stream, each with its ``\\n``, under a limit on their total size: an
    iterator of lines, and `block` for many whole lines in one bytes object.

    Args:
        stream: the bytes to read.
        source: the file's name, for problems.
        limit: the most bytes the lines may hold together.
        what: words after the limit in its problem (`` once decompressed``).
    """

    __slots__ = ("_limit", "_read", "_readline", "_source", "_total", "_what")

    def __init__(self, stream: BinaryIO | gzip.GzipFile, source: str, limit: int,
                 what: str) -> None:
        self._read = stream.read
        self._readline = stream.readline
        self._source = source
        self._limit = limit
        self._what = what
        self._total = 0

    def __iter__(self) -> Lines:
        return self

    def __next__(self) -> bytes:
        line = self._take(self._readline)
        if not line:
            raise StopIteration
        return line

    def block(self, size: int) -> bytes:
        """The next whole lines, about ``size`` bytes of them (at least one line), as one
        bytes object; ``b""`` at the end. The last line lacks its ``\\n`` only where the
        stream ends without one."""
        data = self._take(self._read, size)
        if data and not data.endswith(b"\n"):
            data += self._take(self._readline)
        return data

    def _take(self, read: Any, size: int | None = None) -> bytes:
        """``read`` at most ``size`` bytes, and never more than one past the limit; a
        refusal once the lines hold more than it."""
        room = self._limit + 1 - self._total
        try:
            data: bytes = read(room if size is None or size > room else size)
        except (EOFError, zlib.error, gzip.BadGzipFile, OSError, MemoryError) as exc:
            with _readable(self._source):
                raise exc from None
        self._total += len(data)
        if self._total > self._limit:
            raise _too_large(self._source, self._limit, self._what)
        return data


@contextmanager
def _readable(source: str) -> Iterator[None]:
    """Reading errors as the problems `read_bytes` gives for them."""
    try:
        yield
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise LoadError([Problem(source, expected=f"a complete gzip file ({type(exc).__name__}: "
                                 f"{exc})")]) from None
    except OSError as exc:
        raise LoadError([Problem(source, expected=f"a readable file ({exc.strerror or exc})")]
                        ) from None
    except MemoryError:
        raise LoadError([Problem(source, expected="a file that fits in memory")]) from None


def _declared_size(raw: BinaryIO) -> int:
    """The size a gzip file's trailer declares (modulo 4 GiB), leaving the file at its start.

    Only a quick first refusal for honest files: the trailer can lie, so the
    decompression is bounded as well.
    """
    raw.seek(0, io.SEEK_END)
    end = raw.tell()
    if end < 4:
        raw.seek(0)
        return 0
    raw.seek(end - 4)
    declared = int.from_bytes(raw.read(4), "little")
    raw.seek(0)
    return declared


def decode_utf8(data: bytes, source: str) -> str:
    """UTF-8 bytes as text.

    Raises:
        LoadError: the bytes are not UTF-8; the problem gives the line and column.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError([Problem(source, row=line, column=str(column),
                                 value=data[exc.start:exc.start + 4],
                                 expected=f"UTF-8 text ({exc.reason})")]) from None


class _Duplicated(dict[str, Any]):
    """An object in which some key appeared more than once (the last value is kept)."""

    duplicates: tuple[str, ...] = ()


class _Findings:
    """What the parser's hooks saw: objects with repeated keys, numbers with decimals."""

    def __init__(self) -> None:
        self.duplicates = False
        self.floats = False

    def pairs(self, items: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        self.duplicates = True
        seen: set[str] = set()
        repeated = [k for k, _v in items if k in seen or seen.add(k)]  # type: ignore[func-returns-value]
        marked = _Duplicated(obj)
        marked.duplicates = tuple(dict.fromkeys(repeated))
        return marked

    def number(self, text: str) -> float:
        self.floats = True
        return float(text)


def parse(text: str, source: str, limits: Limits) -> tuple[Any, list[Problem]]:
    """Parse JSON text strictly.

    Returns:
        The document, as dicts, lists and scalars, with the problems of a document that
        parsed: each key given twice in one object, each number written with a decimal
        point or exponent (the caller adds them to its own problems).

    Raises:
        LoadError: the text is not JSON, nests deeper than the parser holds, or is too
            large for memory; the problem has its place.
    """
    findings = _Findings()
    try:
        data = json.loads(text, object_pairs_hook=findings.pairs, parse_float=findings.number)
    except json.JSONDecodeError as exc:
        raise LoadError(
            [Problem(source, row=exc.lineno, column=str(exc.colno), expected=f"JSON: {exc.msg}")]
        ) from None
    except RecursionError:
        raise LoadError(_text_depth(text, source, limits.depth)) from None
    except MemoryError:
        raise LoadError([Problem(source, expected="JSON that fits in memory")]) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise LoadError([Problem(source, expected=f"JSON this reader can hold: {exc}")]
                        ) from None
    if findings.duplicates or findings.floats:
        return data, list(_marked(data, source))
    return data, []


def _place(source: str, path: list[str | int], value: Any, expected: str) -> Problem:
    """A problem at a path in the document: section, index in it, then the field path."""
    sheet: str | None = None
    row: int | None = None
    rest = list(path)
    if len(rest) > 1 and isinstance(rest[0], str):
        sheet = str(rest.pop(0))
        if rest and isinstance(rest[0], int):
            row = int(rest.pop(0))
    column = ".".join(str(p) for p in rest) or None
    return Problem(source, sheet, row, column, value, expected)


def _walk(data: Any) -> Iterator[tuple[list[str | int], Any, int]]:
    """Every value with its path and depth, without recursion."""
    stack: list[tuple[list[str | int], Any, int]] = [([], data, 0)]
    while stack:
        path, value, depth = stack.pop()
        yield path, value, depth
        if isinstance(value, dict):
            stack.extend(([*path, k], v, depth + 1) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(([*path, i], v, depth + 1)
                         for i, v in reversed(list(enumerate(value))))


def _marked(data: Any, source: str) -> Iterator[Problem]:
    for path, value, _depth in _walk(data):
        if isinstance(value, _Duplicated):
            for key in value.duplicates:
                yield _place(source, [*path, key], key, "each key once in an object; this "
                             "key is given more than once (which one was meant is unknown)")
        elif isinstance(value, float):
            yield _place(source, path, value, "a whole number written without a decimal "
                         "point or exponent (ids and counts are integers)")


def depth_problems(data: Any, source: str, limit: int) -> list[Problem]:
    """The first place where the document nests deeper than ``limit``, if any.

    Checked with an explicit stack, so any depth that parsed can be checked.
    """
    for path, value, depth in _walk(data):
        if depth > limit and isinstance(value, dict | list):
            return [_place(source, path[:8], None, f"JSON nested at most {limit} deep "
                           "(Limits.depth); this value is nested deeper")]
    return []


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', re.DOTALL)


def _text_depth(text: str, source: str, limit: int) -> list[Problem]:
    """Where text nests deeper than ``limit`` (for a document the parser could not hold)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                start = match.start()
                line = text.count("\n", 0, start) + 1
                column = start - (text.rfind("\n", 0, start) + 1) + 1
                return [Problem(source, row=line, column=str(column),
                                expected=f"JSON nested at most {limit} deep (Limits.depth); "
                                "it is nested deeper here")]
        elif token in "]}":
            depth -= 1
    return [Problem(source, expected=f"JSON nested at most {limit} deep (Limits.depth)")]
