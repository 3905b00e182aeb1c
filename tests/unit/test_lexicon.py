"""The router's lexicon: the shipped data, its file format, extension and located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kunshan_rbac as kr
from kunshan_rbac._lexicon import validate_lexicon


def test_sample_lexicon_validates_against_its_schema() -> None:
    """The shipped lexicon file passes the schema it documents."""
    doc = kr.Lexicon.sample().to_dict()
    assert validate_lexicon(doc, "<sample>") == []


def test_sample_lexicon_names_only_items_of_the_sample() -> None:
    """Every item code in the shipped lexicon is a top-level item of the sample."""
    g = kr.load_sample()
    top = {i.code for i in g.items() if i.parent is None}
    assert set(kr.Lexicon.sample().entries) <= top


def test_sample_lexicon_covers_citizen_phrases() -> None:
    """Everyday words (摆摊, 油烟, 半夜施工, 楼上漏水, 不交接) are cues of their items."""
    lex = kr.Lexicon.sample()
    assert "摆摊" in lex.entry("B-CJ-020").strong
    assert "油烟" in lex.entry("B-ST-020").strong
    assert "半夜施工" in lex.entry("B-ST-017").strong
    assert "楼上漏水" in lex.entry("B-PA-001").strong
    assert "不交接" in lex.entry("B-CJ-004").strong


def test_near_twins_carry_negative_cues() -> None:
    """Night construction is pushed away by factory words; cooking fumes by industrial ones."""
    lex = kr.Lexicon.sample()
    assert "工厂" in lex.entry("B-ST-017").negative
    assert "工厂" in lex.entry("B-ST-020").negative


def test_with_phrasings_returns_a_new_lexicon() -> None:
    """Adding words makes a new lexicon and leaves the old one unchanged."""
    lex = kr.Lexicon.sample()
    mine = lex.with_phrasings("B-CJ-020", ["夜市小吃车占了半条街"], keywords=["小吃车停"])
    assert "小吃车停" in mine.entry("B-CJ-020").keywords
    assert "夜市小吃车占了半条街" in mine.entry("B-CJ-020").phrasings
    assert "小吃车停" not in lex.entry("B-CJ-020").keywords
    assert "摆摊" in mine.entry("B-CJ-020").strong  # nothing removed


def test_extend_adds_new_items_and_decline_classes() -> None:
    """extend() merges entries, filler and decline classes of another lexicon."""
    other = kr.Lexicon({"B-XX-001": kr.LexiconEntry(strong=("新词",))}, ("嗯嗯",),
                       (kr.DeclineClass("weather", "weather questions", ("天气预报",)),))
    merged = kr.Lexicon.sample().extend(other)
    assert merged.entry("B-XX-001").strong == ("新词",)
    assert "嗯嗯" in merged.filler
    assert "weather" in {d.name for d in merged.decline}


def test_lexicon_round_trips_through_a_file(tmp_path: Path) -> None:
    """write() then load() gives an equal lexicon."""
    lex = kr.Lexicon.sample().with_phrasings("B-CJ-020", ["小吃车"])
    path = tmp_path / "lexicon.json"
    lex.write(path)
    again = kr.Lexicon.load(path)
    assert again.entries == lex.entries
    assert again.filler == lex.filler
    assert again.decline == lex.decline


def test_bad_json_is_located_by_line(tmp_path: Path) -> None:
    """A syntax error names the file and the line."""
    path = tmp_path / "bad.json"
    path.write_text('{\n "format": "kunshan-rbac-lexicon",\n "items": {,}\n}', encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.Lexicon.load(path)
    problem = info.value.problems[0]
    assert problem.file == str(path)
    assert problem.row == 3


def test_schema_errors_are_located_by_field_path(tmp_path: Path) -> None:
    """A wrong value names its field path (items.CODE.field[i]) and what was expected."""
    doc = {"format": "kunshan-rbac-lexicon", "version": 1,
           "items": {"B-CJ-020": {"strong": ["摆摊", 3], "colour": ["red"]}}}
    path = tmp_path / "lex.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.Lexicon.load(path)
    places = {p.column for p in info.value.problems}
    assert "items.B-CJ-020.strong[1]" in places
    assert "items.B-CJ-020" in places  # the unknown field "colour"
    assert all(p.file == str(path) for p in info.value.problems)


def test_blank_words_are_refused() -> None:
    """A blank phrase would match every text: it is refused with its place."""
    with pytest.raises(kr.LoadError) as info:
        kr.Lexicon.sample().with_phrasings("B-CJ-020", ["   "])
    assert info.value.problems[0].column == "items.B-CJ-020.phrasings[0]"


def test_missing_file_is_a_load_error(tmp_path: Path) -> None:
    """A missing file is a LoadError naming it, not a FileNotFoundError."""
    with pytest.raises(kr.LoadError, match="no-such"):
        kr.Lexicon.load(tmp_path / "no-such.json")


def test_sample_adds_the_shipped_example_orders_to_the_hand_written_words() -> None:
    """Lexicon.sample() holds the hand-written phrasings plus the example orders; examples=False
    only the former."""
    hand = kr.Lexicon.sample(examples=False)
    full = kr.Lexicon.sample()
    count = lambda lex: sum(len(e.phrasings) for e in lex.entries.values())  # noqa: E731
    assert count(full) > count(hand)
    for code, entry in hand.entries.items():
        assert set(entry.phrasings) <= set(full.entry(code).phrasings)
    assert any(d.phrasings for d in full.decline)
    assert not any(d.phrasings for d in hand.decline)


def test_decline_phrasings_round_trip_and_merge(tmp_path: Path) -> None:
    """A decline class's phrasings survive write/load, and extend() merges a class of the same
    name instead of dropping it."""
    extra = kr.Lexicon({}, (), (kr.DeclineClass("praise", "ignored", ("夸夸",), ("师傅真好",)),))
    lex = kr.Lexicon.sample(examples=False).extend(extra)
    praise = next(d for d in lex.decline if d.name == "praise")
    assert "夸夸" in praise.cues
    assert praise.phrasings == ("师傅真好",)
    assert praise.reason != "ignored"
    path = tmp_path / "lex.json"
    lex.write(path)
    again = kr.Lexicon.load(path)
    assert next(d for d in again.decline if d.name == "praise").phrasings == ("师傅真好",)
