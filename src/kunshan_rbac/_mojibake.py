"""Whether decoded text is plausible as Chinese, or looks like mis-decoded bytes (mojibake).

A file's bytes can decode without error in the wrong encoding: UTF-8 Chinese read as
GB18030 gives text such as ``瀵硅繚娉曞缓璁剧殑澶勭綒`` (for 对违法建设的处罚). Such text is
made mostly of rare characters, because the lead bytes of common UTF-8 Chinese (0xE4-0xE9)
fall among the rare rows of GB2312 (level 2, 0xD8-0xF7) and of GBK's extension. Real
Chinese is the opposite: in every text of the Kunshan sample at least 93% of the Chinese
characters are among the 3,755 common characters of GB2312 level 1.

`mojibake` says why a text is implausible, or returns ``None``:

* a replacement character ``U+FFFD`` or a private-use character (``U+E000``-``U+F8FF``),
  which GB18030 gives for byte pairs that are not characters;
* the well-known traces of earlier damage: ``锟斤拷`` (U+FFFD written as UTF-8 and read as
  GBK), ``烫烫烫`` and ``屯屯屯`` (uninitialised memory);
* UTF-8 read as Latin-1 or Windows-1252 (``ä¸\xad``: a letter from ``Ã``-``ï`` followed
  by a character from the byte range 0x80-0xBF), twice or more;
* at least `MIN_CHINESE` Chinese characters of which less than `MIN_COMMON_SHARE` are
  common (GB2312 level 1).
"""

from __future__ import annotations

import functools
import re

__all__ = ["MIN_CHINESE", "MIN_COMMON_SHARE", "common_share", "mojibake"]

MIN_CHINESE = 4
"""Chinese characters a text needs before the share of common ones is judged."""

MIN_COMMON_SHARE = 0.6
"""The share of common characters below which a text is taken for mojibake."""

_CHINESE = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PRIVATE = re.compile("[\ue000-\uf8ff\ufffd]")
_TRACES = ("锟斤拷", "烫烫烫", "屯屯屯")
_LATIN = re.compile("[\u00c3-\u00ef][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d"
                    "\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026"
                    "\u2030\u2039\u203a\u20ac\u2122]")


@functools.cache
def _common() -> frozenset[str]:
    """The 3,755 characters of GB2312 level 1 (rows 16 to 55)."""
    chars = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def common_share(text: str) -> tuple[float, int]:
    """The share of common characters among the Chinese characters of ``text``, and their count.

    Examples:
        >>> common_share("对违法建设的处罚")
        (1.0, 8)
    """
    chinese = _CHINESE.findall(text)
    if not chinese:
        return 1.0, 0
    common = _common()
    return sum(ch in common for ch in chinese) / len(chinese), len(chinese)


def mojibake(text: str) -> str | None:
    """Why ``text`` looks like mis-decoded bytes, or ``None`` when it is plausible.

    Examples:
        >>> mojibake("对违法建设的处罚") is None
        True
        >>> print(mojibake("瀵硅繚娉曞缓璁剧殑澶勭綒"))  # doctest: +NORMALIZE_WHITESPACE
        mostly rare characters (3 of 12 Chinese characters are common), as when UTF-8 is read
        as GB18030
    """
    found = _PRIVATE.search(text)
    if found:
        return (f"the character U+{ord(found.group()):04X}, which a wrong decoding produces "
                "for bytes that are not text")
    for trace in _TRACES:
        if trace in text:
            return f"{trace!r}, the trace of text damaged by an earlier wrong decoding"
    if len(_LATIN.findall(text)) >= 2:
        return "letters such as 'ä¸', as when UTF-8 is read as Latin-1 or Windows-1252"
    share, count = common_share(text)
    if count >= MIN_CHINESE and share < MIN_COMMON_SHARE:
        common = round(share * count)
        return (f"mostly rare characters ({common} of {count} Chinese characters are common), "
                "as when UTF-8 is read as GB18030")
    return None
