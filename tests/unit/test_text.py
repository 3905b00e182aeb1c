"""Tests of kunshan_rbac._text: name normalisation and terminal widths."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kunshan_rbac import normalize_name
from kunshan_rbac._text import display_width, pad


def test_full_width_spaces_and_punctuation_fold_away() -> None:
    """Full-width forms, spaces and punctuation do not make names differ."""
    assert normalize_name("对未取得施工许可证擅自施工的处罚") == normalize_name(
        "对未取得施工许可证 擅自施工的处罚。"
    )
    assert normalize_name("《安全生产法》第九条") == normalize_name("<安全生产法>第九条")
    assert normalize_name("ＡＢＣ　１２３") == "abc123"


def test_different_words_stay_different() -> None:
    """Normalisation does not merge names that differ in words."""
    assert normalize_name("秸秆禁烧巡查") != normalize_name("秸秆综合利用")


@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    """Normalising twice gives the same key as once."""
    assert normalize_name(normalize_name(text)) == normalize_name(text)


def test_wide_characters_take_two_columns() -> None:
    """CJK characters count double when padding tables."""
    assert display_width("玉山镇") == 6
    assert pad("玉山镇", 8) == "玉山镇  "
    assert pad("7", 3, right=True) == "  7"
