"""Finding a font that draws Chinese for the plots."""

from __future__ import annotations

import pytest

from kunshan_rbac import plot

font_manager = pytest.importorskip("matplotlib.font_manager")


def _file(family: str) -> str:
    return str(font_manager.findfont(font_manager.FontProperties(family=family)))


def test_no_font_with_chinese_glyphs_gives_none() -> None:
    """Among fonts without CJK glyphs (matplotlib's DejaVu), none is chosen."""
    dejavu = _file("DejaVu Sans")
    assert plot.find_cjk_font([("DejaVu Sans", dejavu), ("Other", dejavu)]) is None
    assert plot.find_cjk_font([]) is None


def test_a_font_with_chinese_glyphs_is_found_and_preferred_first() -> None:
    """A CJK font is chosen over one without glyphs, and a preferred family first."""
    found = plot.find_cjk_font()
    if found is None:
        pytest.skip("no CJK font installed")
    cjk = _file(found)
    dejavu = _file("DejaVu Sans")
    assert plot.find_cjk_font([("A Sans", dejavu), ("Z CJK", cjk)]) == "Z CJK"
    assert plot.find_cjk_font([("A CJK", cjk), ("Noto Sans CJK SC", cjk)]) == "Noto Sans CJK SC"


def test_covers_checks_every_character() -> None:
    """A font covers a text only when it has every character's glyph."""
    dejavu = _file("DejaVu Sans")
    assert plot.covers(dejavu, "abc")
    assert not plot.covers(dejavu, "abc镇")
    assert not plot.covers("/no/such/font.ttf", "abc")
