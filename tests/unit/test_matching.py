"""The router's text matching: folding, filler, cue search and n-gram cosine."""

from __future__ import annotations

import pytest

from kunshan_rbac._matching import CueIndex, NgramIndex, char_ngrams, fold_text, strip_filler


def test_fold_text_drops_punctuation_space_and_width() -> None:
    """Spoken (no punctuation) and typed forms of an order fold to the same string."""
    assert fold_text("喂，你好！ 振新路　摆摊。") == fold_text("喂 你好 振新路 摆摊")
    assert fold_text("ＫＴＶ开到凌晨") == "ktv开到凌晨"


def test_fold_text_simplifies_common_traditional_characters() -> None:
    """A traditional 攤/煙 is read as 摊/烟."""
    assert fold_text("擺攤") == "摆摊"
    assert fold_text("油煙") == "油烟"


def test_strip_filler_removes_longest_first() -> None:
    """A long filler phrase is cut whole before a short one inside it."""
    filler = sorted(["我拍了照片和视频", "我拍了照片", "你好"], key=len, reverse=True)
    assert strip_filler("你好楼下油烟我拍了照片和视频", filler) == "楼下油烟"


def test_char_ngrams() -> None:
    """Bigrams in order; a text shorter than n has none."""
    assert char_ngrams("油烟味", 2) == ["油烟", "烟味"]
    assert char_ngrams("油", 2) == []


def test_cue_index_finds_each_cue_once_in_order() -> None:
    """Every cue found, once, in order of first occurrence, including one-character cues."""
    index = CueIndex(["摆摊", "油烟", "占道经营", "坟"])
    assert index.find("油烟很大还有人摆摊摆摊修坟") == ["油烟", "摆摊", "坟"]
    assert index.find("什么都没有") == []


def test_cue_index_maximal_drops_contained_cues() -> None:
    """房东 inside 二房东 is not reported by find_maximal, but find keeps both."""
    index = CueIndex(["房东", "二房东"])
    assert index.find("二房东隔成小间") == ["二房东", "房东"]
    assert index.find_maximal("二房东隔成小间") == ["二房东"]


def test_ngram_index_prefers_the_closer_document() -> None:
    """The label whose phrasings share more bigrams scores higher; cosine lies in [0, 1]."""
    index = NgramIndex({"oil": ["楼下饭店油烟太大"], "noise": ["工地半夜施工太吵"]})
    scores = index.scores("饭店的油烟熏得受不了")
    assert scores["oil"] > scores.get("noise", 0.0)
    assert all(0.0 <= v <= 1.0 + 1e-9 for v in scores.values())


def test_ngram_index_restricts_to_labels() -> None:
    """Only the labels asked for are scored."""
    index = NgramIndex({"oil": ["油烟太大"], "oil2": ["油烟很大"]})
    assert set(index.scores("油烟", labels={"oil"})) == {"oil"}


def test_ngram_index_ignores_grams_common_to_most_labels() -> None:
    """With max_df, a bigram every label has ("处罚") gives no score by itself."""
    docs = {f"L{i}": [f"对{i}的处罚"] for i in range(20)}
    index = NgramIndex(docs, max_df=0.5)
    assert index.scores("处罚") == {}


@pytest.mark.parametrize("text", ["", "。。。", "   "])
def test_empty_texts_score_nothing(text: str) -> None:
    """A text with no letters has no cue and no n-gram score."""
    folded = fold_text(text)
    assert CueIndex(["油烟"]).find(folded) == []
    assert NgramIndex({"a": ["油烟"]}).scores(folded) == {}


def test_ngram_index_max_postings_keeps_the_strongest_labels_per_group() -> None:
    """A capped index keeps, per n-gram, the labels it weighs most in, within each group."""
    docs = {"a": ["油烟油烟"], "b": ["油烟味道很大很大很大"], "=x": ["油烟"], "=y": ["油烟很大"]}
    full = NgramIndex(docs)
    capped = NgramIndex(docs, max_postings=1, group=lambda label: label[0] == "=")
    got = capped.scores("油烟")
    # One plain label and one "=" label survive for the bigram 油烟: the strongest of each.
    assert {k for k in got if k.startswith("=")} == {"=x"}
    assert {k for k in got if not k.startswith("=")} == {"a"}
    assert got["a"] == pytest.approx(full.scores("油烟")["a"])
    ungrouped = NgramIndex(docs, max_postings=1)
    assert len(ungrouped.scores("油烟")) == 1
