"""Finding a font that draws Chinese, for the plots.

matplotlib's default font (DejaVu Sans) has no CJK glyphs: Chinese labels come out as
empty boxes. The plots look for an installed font that covers the characters they draw
(Noto Sans CJK, Source Han Sans, WenQuanYi and the system fonts of Windows and macOS
first, then any installed font that covers them); when none is found they label with
codes and warn with `MissingFontWarning`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from ._analytics import require

__all__ = ["PREFERRED_FONTS", "MissingFontWarning", "covers", "find_cjk_font", "font_file"]

#: Font families tried first, in order, before any other installed font.
PREFERRED_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
)

#: Characters a font must draw to be used: town, department, list and power-type names.
PROBE = "玉山镇周庄昆山市住房和城乡建设局综合行政执法基本配合上级部门收回履职事项清单处罚强制"


class MissingFontWarning(UserWarning):
    """No installed font draws Chinese (or the font asked for does not): labels show codes.

    Install a CJK font (``apt-get install fonts-noto-cjk`` on Debian and Ubuntu) or name
    one that is installed with ``font=``.
    """


@functools.cache
def covers(path: str, text: str = PROBE) -> bool:
    """Whether the font file at ``path`` has a glyph for every character of ``text``."""
    ft2font = require("matplotlib.ft2font")
    try:
        charmap = ft2font.FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(c) in charmap for c in text if not c.isspace())


def font_file(family: str) -> str | None:
    """The file matplotlib draws ``family`` from, or ``None`` when it has no such font."""
    font_manager = require("matplotlib.font_manager")
    try:
        path: str = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
    except ValueError:
        return None
    return path


def find_cjk_font(
    families: Iterable[tuple[str, str]] | None = None, *, text: str = PROBE
) -> str | None:
    """The family name of an installed font that draws ``text``, or ``None``.

    Args:
        families: (family name, file) pairs to choose from (default: the fonts matplotlib
            knows). The `PREFERRED_FONTS` among them are tried first, in that order.
        text: the characters the font must draw.

    Returns:
        A family name to pass to matplotlib, or ``None`` when no font covers ``text``.
    """
    if families is None:
        font_manager = require("matplotlib.font_manager")
        families = [(f.name, f.fname) for f in font_manager.fontManager.ttflist]
    known: dict[str, str] = {}
    for name, path in families:
        known.setdefault(name, path)
    rank = {name: i for i, name in enumerate(PREFERRED_FONTS)}
    for name in sorted(known, key=lambda n: (rank.get(n, len(rank)), n)):
        if covers(known[name], text):
            return name
    return None
