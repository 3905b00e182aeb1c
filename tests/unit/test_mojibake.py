"""Mojibake detection and the CSV reader's refusal of mixed or mis-decoded encodings.

The mojibake here is real: produced by encoding the sample's own texts and decoding them
with the wrong codec, as exporters and editors do, not typed in by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import kunshan_rbac as kr
from fixtures_lists import BASIC, BASIC_HEADER, BASIC_SHEET, csv_bytes, units_csv
from kunshan_rbac._mojibake import mojibake
from kunshan_rbac.formats.csv import decode, decode_located


def test_reported_example_is_mojibake() -> None:
    """The item name that loaded in silence is recognised as UTF-8 read as GB18030."""
    assert "对违法建设的处罚".encode().decode("gb18030") == "瀵硅繚娉曞缓璁剧殑澶勭綒"
    reason = mojibake("瀵硅繚娉曞缓璁剧殑澶勭綒")
    assert reason is not None
    assert "rare" in reason


def test_other_kinds_of_damage() -> None:
    """Replacement and private-use characters, 锟斤拷 and Latin-1 readings are mojibake."""
    assert mojibake("受理\ufffd申请") is not None
    assert mojibake("受理\ue1bd申请") is not None
    assert mojibake("锟斤拷受理") is not None
    assert mojibake("最低生活保障".encode().decode("latin-1")) is not None
    assert mojibake("最低生活保障".encode().decode("cp1252", "replace")) is not None


def test_plain_texts_are_plausible() -> None:
    """ASCII, short texts and ordinary Chinese with a few rare characters are plausible."""
    for text in ("", "abc, 123", "殡葬", "殡葬管理服务", "圩区防汛排涝", "Café ä", "ZJ-001"):
        assert mojibake(text) is None, text


def test_every_sample_text_is_plausible() -> None:
    """No name, duty text or basis of the Kunshan sample is taken for mojibake."""
    graph = kr.load_sample()
    texts = {i.name for i in graph.items()} | {u.name for u in graph.units()}
    texts |= {r.duty for r in graph.records()} | {b for i in graph.items() for b in i.basis}
    refused = [t for t in texts if mojibake(t) is not None]
    assert refused == []


def test_sample_texts_read_with_the_wrong_codec_are_mojibake() -> None:
    """Every sample text with 4+ Chinese characters, read as GB18030 from UTF-8, is refused."""
    graph = kr.load_sample()
    texts = {i.name for i in graph.items()} | {r.duty for r in graph.records()}
    garbled = []
    for text in texts:
        try:
            garbled.append(text.encode().decode("gb18030"))
        except UnicodeDecodeError:
            garbled.append(text.encode().decode("gb18030", "replace"))
    long_enough = [g for g, t in zip(garbled, texts, strict=True)
                   if sum("\u4e00" <= c <= "\u9fff" for c in t) >= 4]
    assert len(long_enough) > 100
    assert [g for g in long_enough if mojibake(g) is None] == []


def _rows() -> list[list[object]]:
    return [BASIC_HEADER, *[list(r) for r in BASIC]]


def test_mixed_gb18030_and_utf8_rows_are_refused(tmp_path: Path) -> None:
    """A CSV whose rows mix GB18030 and UTF-8 is refused at the UTF-8 row, with or without
    a catalogue, naming the encodings tried."""
    rows = _rows()
    data = csv_bytes(rows[:3], encoding="gb18030") + csv_bytes(rows[3:], encoding="utf-8")
    for catalogue in (True, False):
        folder = tmp_path / str(catalogue)
        folder.mkdir()
        if catalogue:
            units_csv(folder)
        (folder / f"玉山镇_{BASIC_SHEET}.csv").write_bytes(data)
        with pytest.raises(kr.LoadError) as caught:
            kr.read_lists(folder)
        (problem,) = [p for p in caught.value.problems if p.file.endswith(".csv")]
        assert problem.row == 4
        assert "GB18030" in problem.expected
        assert "UTF-8" in problem.expected


def test_utf8_file_holding_mojibake_is_refused(tmp_path: Path) -> None:
    """A UTF-8 file whose text was garbled before it was saved is refused at that row."""
    rows = _rows()
    rows[2][2] = str(rows[2][2]).encode().decode("gb18030", "replace")
    data = csv_bytes(rows, encoding="utf-8")
    problem = decode_located(data, "x.csv")
    assert isinstance(problem, kr.Problem)
    assert problem.row == 3


def test_each_clean_encoding_still_loads(tmp_path: Path) -> None:
    """The same list in UTF-8, UTF-8 with BOM, GB18030 and UTF-16 loads the same items."""
    names = None
    for encoding in ("utf-8", "utf-8-sig", "gb18030", "utf-16"):
        folder = tmp_path / encoding
        folder.mkdir()
        units_csv(folder)
        (folder / f"玉山镇_{BASIC_SHEET}.csv").write_bytes(csv_bytes(_rows(), encoding=encoding))
        found = sorted(i.name for i in kr.read_lists(folder).items())
        assert names is None or found == names
        names = found
    assert names == sorted(str(r[2]) for r in BASIC)


def test_decode_keeps_its_contract() -> None:
    """decode() gives the text, or None for mixed encodings and mojibake."""
    assert decode("序号,事项名称".encode("gb18030")) == "序号,事项名称"
    assert decode("序号".encode("gb18030") + b"\n" + "最低生活保障".encode()) is None
