"""Normalising names so that the same item is recognised however it is typed."""

from __future__ import annotations

import unicodedata

__all__ = ["display_width", "normalize_name", "pad"]


def normalize_name(name: str) -> str:
    """Fold a name to the key under which it is looked up and compared.

    Full-width and half-width forms are unified (NFKC), letters are case-folded, and
    white space and punctuation (including 、,。《》“”() and their full-width forms)
    are removed.

    Args:
        name: a unit or item name as written.

    Returns:
        The comparison key; two names are the same name when their keys are equal.

    Examples:
        >>> normalize_name("市 住建局") == normalize_name("市住建局")
        True
        >>> normalize_name("《安全生产法》") == normalize_name("安全生产法")
        True
    """
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    kept = "".join(
        ch for ch in text if not (ch.isspace() or unicodedata.category(ch)[0] in "PZSC")
    )
    return unicodedata.normalize("NFKC", kept)


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad ``text`` with spaces to ``width`` terminal columns."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill
