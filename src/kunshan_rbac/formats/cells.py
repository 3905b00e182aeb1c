"""Cell text: cleaning, splitting names and bases, formula guards, derived codes, power
types.

Everything here works on one cell's text and knows nothing of headers or lists.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import re
import unicodedata

from .._model import POWER_TYPES
from .._text import normalize_name as _normalize_name

__all__ = [
    "CODE_PREFIX",
    "FORMULA_TRIGGERS",
    "POWER_TYPE_NAMES",
    "cell_text",
    "column_letter",
    "derive_code",
    "guard_formula",
    "is_power_type",
    "normalize_name",
    "one_line",
    "split_basis",
    "split_names",
    "unguard_formula",
]

normalize_name = functools.lru_cache(maxsize=1 << 16)(_normalize_name)
"""`kunshan_rbac.normalize_name`, remembered: a list repeats the same names many times."""

CODE_PREFIX = "KR-"
"""Prefix of item codes derived from item names (`derive_code`)."""

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP's list)."""


def guard_formula(text: str) -> str:
    """Keep a CSV cell text from being read as a formula: prefix one apostrophe.

    A text is guarded when it starts with one of `FORMULA_TRIGGERS`, or when it starts
    with an apostrophe followed by a trigger or another apostrophe (so that
    `unguard_formula` gives it back unchanged). Other texts, including most that start
    with an apostrophe, are left as they are.

    Examples:
        >>> guard_formula("=1+1"), guard_formula("'=x"), guard_formula("'abc")
        ("'=1+1", "''=x", "'abc")
    """
    if text.startswith(FORMULA_TRIGGERS) or _guarded(text):
        return "'" + text
    return text


def unguard_formula(text: str) -> str:
    """Undo `guard_formula`: drop the apostrophe it added, and only that one.

    Examples:
        >>> unguard_formula("'=1+1"), unguard_formula("''=x"), unguard_formula("'abc")
        ('=1+1', "'=x", "'abc")
    """
    return text[1:] if _guarded(text) else text


def _guarded(text: str) -> bool:
    return len(text) > 1 and text[0] == "'" and (text[1] == "'" or text[1] in FORMULA_TRIGGERS)


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_LINES = re.compile(r"\r\n|\r|\n|\u2028|\u2029|\x0b")


def cell_text(value: object) -> str:
    """A cell's value as clean text: trimmed lines, no zero-width characters.

    Numbers lose a ``.0`` that a spreadsheet added, dates read as ``2025-07-01``, and line
    breaks inside the text are kept (one per line, each line trimmed, blank lines dropped).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    elif isinstance(value, datetime.datetime):
        text = value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    elif isinstance(value, datetime.date | datetime.time):
        text = value.isoformat()
    else:
        text = str(value)
    text = text.translate(_INVISIBLE)
    lines = [line.strip() for line in _LINES.split(text)]
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    """Join a wrapped name into one line (no space between CJK characters)."""
    parts = text.split("\n")
    joined = parts[0]
    for part in parts[1:]:
        gap = " " if joined[-1:].isascii() and joined[-1:].isalnum() and part[:1].isascii() \
            and part[:1].isalnum() else ""
        joined += gap + part
    return joined


_NAME_SPLIT = re.compile(r"[、,;/\n]+")
_NAME_SPLIT_INLINE = re.compile(r"[、,;/]+")


def split_names(text: str, *, lines: bool = True) -> list[str]:
    """Unit names from one cell: split on 、，,；; / and line breaks (any width).

    With ``lines=False`` line breaks do not split: a part may hold a name wrapped over
    several lines, for the caller to join or split.
    """
    folded = unicodedata.normalize("NFKC", text)
    pattern = _NAME_SPLIT if lines else _NAME_SPLIT_INLINE
    return [part.strip() for part in pattern.split(folded) if part.strip()]


_OPEN = "《【“‘「『（("
_CLOSE = "》】”’」』）)"
_DOCUMENT = re.compile(
    r"^\s*(?:[0-9一二三四五六七八九十]+\s*[、.．)）]\s*)?(?:[^，,。；;：:]{0,12}?[《【]"
    r"|[^，,。；;]{0,16}〔\d{4}〕)")


def split_basis(text: str) -> tuple[str, ...]:
    """Legal bases from one cell: one per line, or separated by ； between documents.

    A ； inside 《…》, 【…】 or quotation marks never splits, nor one followed by text that
    does not start a new document (a 《title》, a 【type】 or a document number such as
    农经发〔2019〕6号 near its start): a quoted article may hold ； of its own.

    Examples:
        >>> split_basis("《消防法》第三十二条；《安全生产法》第九条")
        ('《消防法》第三十二条', '《安全生产法》第九条')
        >>> len(split_basis("【法律】《城镇燃气管理条例》第四十五条 未取得许可的；责令停止"))
        1
    """
    bases: list[str] = []
    for line in re.split(r"[\n\r]+", text):
        parts: list[tuple[str, str]] = []
        depth = 0
        current, separator = "", ""
        for ch in line:
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE and depth:
                depth -= 1
            if ch in ";；" and depth == 0:
                parts.append((separator, current))
                current, separator = "", ch
                continue
            current += ch
        parts.append((separator, current))
        merged: list[str] = []
        for separator, part in parts:
            if merged and not _DOCUMENT.match(part):
                merged[-1] += separator + part
            else:
                merged.append(part)
        bases += [part.strip() for part in merged if part.strip()]
    return tuple(bases)


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 → ``A``, 26 → ``AA``.

    Examples:
        >>> column_letter(0), column_letter(27)
        ('A', 'AB')
    """
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def derive_code(name: str) -> str:
    """The stable code of an item known only by its name.

    ``KR-`` followed by the first 10 hexadecimal digits of the SHA-256 of the name's
    `normalize_name` key (UTF-8). The same name, however it is typed (full-width forms,
    spaces, punctuation), gets the same code in every town and every run.

    Examples:
        >>> derive_code("秸秆禁烧巡查") == derive_code(" 秸秆禁烧巡查。")
        True
        >>> derive_code("秸秆禁烧巡查")
        'KR-697d0bb5a2'
    """
    digest = hashlib.sha256(normalize_name(name).encode("utf-8")).hexdigest()
    return CODE_PREFIX + digest[:10]




POWER_TYPE_NAMES = (*POWER_TYPES, "非行政许可审批", "其他权力")
"""The power types a cell is recognised as where a 领域 is expected: the standard ones
(`kunshan_rbac.POWER_TYPES`) and the local variants lists use."""

_POWER_KEYS = frozenset(normalize_name(name) for name in POWER_TYPE_NAMES)


def is_power_type(text: str) -> bool:
    """Whether a cell's text is a power type (compared after `normalize_name`).

    Examples:
        >>> is_power_type("行政处罚"), is_power_type("行 政 许 可"), is_power_type("民生服务")
        (True, True, False)
    """
    return normalize_name(text) in _POWER_KEYS
