"""Laws of the line-by-line JSON reader: it gives what the whole-document reader gives.

`read_json` reads a file laid out as `write_json` writes it one line at a time; every
other file, and every file with a problem, is read whole. These laws pin that the two
agree: the same graph for every written file, the same located problems (or the same
graph) for every file with one line changed, and record rows read without a dict mean
what `json.loads` reads in them.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac import _jsonfile, _jsonio
from strategies import graphs


def _streamed(path: Path) -> kr.ResponsibilityGraph:
    """The graph the line reader alone gives (raises `_NotPlain` where it gives none)."""
    with _jsonfile.read_lines(path, str(path), kr.DEFAULT_LIMITS) as lines:
        return _jsonio._stream(lines)


def _same(left: kr.ResponsibilityGraph, right: kr.ResponsibilityGraph) -> None:
    assert _jsonio.dumps(left) == _jsonio.dumps(right)
    assert left.records() == right.records()
    assert left.transfers() == right.transfers()
    assert left.units() == right.units()
    assert left.items() == right.items()


@given(graphs(), st.sampled_from(["g.json", "g.json.gz"]))
def test_written_files_stream_to_the_same_graph(graph: kr.ResponsibilityGraph,
                                                name: str) -> None:
    """Every file write_json writes is read line by line (never falling back), into the
    graph the whole-document reader makes of the same text."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        kr.write_json(graph, path)
        streamed = _streamed(path)
    _same(streamed, _jsonio.loads(_jsonio.dumps(graph)))
    _same(streamed, graph)


def test_the_sample_streams_to_the_same_graph(tmp_path: Path) -> None:
    """The Kunshan sample, written and read line by line, is the sample."""
    sample = kr.load_sample()
    kr.write_json(sample, tmp_path / "sample.json.gz")
    _same(_streamed(tmp_path / "sample.json.gz"), sample)


def test_streamed_records_share_their_texts(tmp_path: Path) -> None:
    """Codes, dates and texts repeated in the file are one object each in the loaded
    graph, as in a graph built through the API."""
    kr.write_json(kr.load_sample(), tmp_path / "sample.json")
    records = kr.read_json(tmp_path / "sample.json").records()
    for field in ("unit", "item", "town", "start", "duty", "source", "grant"):
        values = [getattr(r, field) for r in records if getattr(r, field) is not None]
        assert len({id(v) for v in values}) == len(set(values)), field


_CHANGES = [
    ("drop the trailing comma", lambda line: line.rstrip(",")),
    ("add a trailing comma", lambda line: line + ","),
    ("repeat the first key", lambda line: line.replace("{", '{"id":7,', 1)
     if line.startswith("{") else line + "x"),
    ("write a number with a decimal point",
     lambda line: re.sub(r":(\d+)", r":\1.0", line, count=1)),
    ("put text where a number was", lambda line: re.sub(r":(\d+)", r':"\1"', line, count=1)),
    ("add a field", lambda line: line.replace("{", '{"zz":1,', 1)),
    ("cut the line short", lambda line: line[: len(line) // 2]),
    ("escape a character", lambda line: line.replace('"', '"\\u0041', 2)),
    ("name an unknown code", lambda line: line.replace('"unit":"', '"unit":"no-such-', 1)),
    ("give an impossible date", lambda line: re.sub(r'"(\d{4})-\d\d-\d\d"', r'"\1-02-30"',
                                                    line, count=1)),
    ("indent the line", lambda line: "  " + line),
    ("remove the line", lambda line: None),
    ("duplicate the line", lambda line: line + "\n" + line),
    ("put a NUL byte in a text", lambda line: line.replace(':"', ':"\x00', 1)),
]


def _outcome(read: Any) -> tuple[str, Any]:
    try:
        graph = read()
    except kr.LoadError as exc:
        return "problems", [(p.sheet, p.row, p.column, p.value, p.expected)
                            for p in exc.problems]
    return "graph", _jsonio.dumps(graph)


@given(graphs(), st.data())
def test_a_changed_line_gives_what_the_whole_reader_gives(graph: kr.ResponsibilityGraph,
                                                         data: Any) -> None:
    """Change one line of a written file in one of many ways: read_json reports the
    problems, each with its place, that the whole-document reader reports for the same
    text, or loads the same graph when the change is harmless."""
    text = _jsonio.dumps(graph)
    lines = text.split("\n")[:-1]
    index = data.draw(st.integers(0, len(lines) - 1), label="line")
    _name, change = data.draw(st.sampled_from(_CHANGES), label="change")
    changed = change(lines[index])
    lines = [*lines[:index], *([changed] if changed is not None else []), *lines[index + 1:]]
    broken = "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.json"
        path.write_text(broken, encoding="utf-8")
        streamed = _outcome(lambda: kr.read_json(path))
    assert streamed == _outcome(lambda: _jsonio.loads(broken, source=str(path)))


# ------------------------------------------------------------------ record rows

_FIELDS = {
    "id": st.integers(0, 10**20),
    "unit": st.text(min_size=1, max_size=6),
    "item": st.text(min_size=1, max_size=6),
    "town": st.text(min_size=1, max_size=6),
    "role": st.sampled_from(["primary", "secondary", "owner"]),
    "list": st.sampled_from(["basic", "cooperative", "reclaimed", "other"]),
    "start": st.one_of(st.none(), st.dates().map(str), st.text(max_size=12)),
    "end": st.one_of(st.none(), st.dates().map(str), st.text(max_size=12)),
    "duty": st.text(max_size=8),
    "source": st.text(max_size=8),
    "grant": st.text(max_size=8),
    "opened_by": st.one_of(st.none(), st.integers(-3, 10**20)),
    "closed_by": st.one_of(st.none(), st.integers(-3, 10**20)),
}
_KEYS = ("closed_by", "duty", "end", "grant", "id", "item", "list", "opened_by", "role",
         "source", "start", "town", "unit")


def _disagreement(pattern: re.Pattern[str], line: str) -> str | None:
    """How a record row read with ``pattern`` differs from what json.loads and the
    schema make of it (``None``: they agree, or the pattern leaves the row alone)."""
    match = pattern.fullmatch(line)
    if match is None:
        return None
    row = json.loads(line)
    if not _jsonio._row_checks()["records"](row):
        return "matched a row that the schema refuses"
    for key, value in zip(_KEYS, match.groups(), strict=True):
        expected = row[key]
        got: Any = int(value) if value is not None and key in (
            "id", "opened_by", "closed_by") else value
        if got != expected or type(got) is not type(expected):
            return f"{key}: read {got!r}, json.loads reads {expected!r}"
    return None


@given(st.fixed_dictionaries(_FIELDS))
@example({"id": 1, "unit": "a", "item": "b", "town": "c", "role": "primary",
          "list": "basic", "start": None, "end": None, "duty": 'say "hi"\\', "source": "",
          "grant": "\u2028", "opened_by": None, "closed_by": None})
def test_plain_record_rows_read_as_json_reads_them(fields: dict[str, Any]) -> None:
    """A record row that the plain-row pattern takes has the schema's shape and the
    values json.loads reads in it, whatever its texts hold (quotes, backslashes,
    controls, spaces, any script)."""
    line = _jsonio._ENCODER.encode(fields)
    assert _disagreement(_jsonio._RECORD, line) is None


def test_the_record_law_catches_a_pattern_that_ignores_escapes() -> None:
    """Test of the test: a pattern that lets a text hold escapes is caught reading
    ``\\"`` as two characters."""
    wrong = re.compile(_jsonio._RECORD.pattern.replace(r'[^"\\\x00-\x1f]*', r'(?:[^"\\]|\\.)*'))
    assert wrong.pattern != _jsonio._RECORD.pattern
    line = _jsonio._ENCODER.encode({
        "id": 1, "unit": "a", "item": "b", "town": "c", "role": "primary", "list": "basic",
        "start": None, "end": None, "duty": 'say "hi"', "source": "", "grant": "",
        "opened_by": None, "closed_by": None})
    assert _disagreement(wrong, line) is not None


def _read_lines(lines: _jsonfile.Lines) -> None:
    for _line in lines:
        pass


def _read_blocks(lines: _jsonfile.Lines) -> None:
    while lines.block(64):
        pass


@pytest.mark.parametrize("read", [_read_lines, _read_blocks], ids=["lines", "blocks"])
@pytest.mark.parametrize("limit", [10, 5000])
def test_lines_stop_at_the_limit_as_the_whole_reader_does(
    tmp_path: Path, limit: int, read: Callable[[_jsonfile.Lines], None],
) -> None:
    """A file over ``json_bytes`` is refused by the line reader, read line by line or a
    block at a time, with the problem the whole-file reader gives, plain or gzip; and
    `read_json` gives the same."""
    graph = kr.load_sample()
    for name in ("g.json", "g.json.gz"):
        path = tmp_path / name
        kr.write_json(graph, path)
        limits = kr.Limits(json_bytes=limit)
        with pytest.raises(kr.LoadError) as whole:
            _jsonfile.read_bytes(path, str(path), limits)
        with pytest.raises(kr.LoadError) as lines, _jsonfile.read_lines(
                path, str(path), limits) as each:
            read(each)
        assert lines.value.problems == whole.value.problems
        with pytest.raises(kr.LoadError) as loaded:
            kr.read_json(path, limits=limits)
        assert loaded.value.problems == whole.value.problems


@given(st.lists(st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"")), max_size=30),
       st.booleans(), st.lists(st.integers(1, 100), min_size=1, max_size=10),
       st.lists(st.booleans(), min_size=1, max_size=10))
def test_blocks_and_lines_give_the_file_line_by_line(
    rows: list[bytes], newline_at_end: bool, sizes: list[int], by_block: list[bool],
) -> None:
    """Reading by blocks and by lines, in any mix, gives every byte of the file once, in
    order; a block is whole lines (ending with a newline but at the end of a file
    without one) and holds at least one line."""
    data = b"\n".join(rows) + (b"\n" if newline_at_end and rows else b"")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.json"
        path.write_bytes(data)
        pieces = []
        with _jsonfile.read_lines(path, str(path), kr.DEFAULT_LIMITS) as lines:
            step = 0
            while True:
                if by_block[step % len(by_block)]:
                    piece = lines.block(sizes[step % len(sizes)])
                    if piece and not piece.endswith(b"\n"):
                        assert len(b"".join(pieces)) + len(piece) == len(data)
                else:
                    piece = next(lines, b"")
                    assert piece.count(b"\n") <= 1
                if not piece:
                    break
                pieces.append(piece)
                step += 1
    assert b"".join(pieces) == data


@given(st.lists(st.one_of(st.integers(-5, 1 << 22), st.integers(), st.floats(-10, 1e7),
                          st.booleans()), max_size=60),
       st.lists(st.one_of(st.integers(-5, 1 << 22), st.floats(-10, 1e7)), max_size=20))
def test_seen_ids_behave_as_a_set(added: list[Any], asked: list[Any]) -> None:
    """The record ids a reader has seen answer `in` exactly as a set of them does, for
    dense, sparse, negative and huge ids, and for numbers such as ``1.0`` that a file
    with a problem may hold."""
    seen, reference = _jsonio._Ids(), set()
    for number in added:
        seen.add(number)
        reference.add(number)
    for number in [*added, *asked]:
        assert (number in seen) == (number in reference), number


@given(st.lists(st.integers(0, 1 << 16), max_size=80), st.lists(st.integers(0, 1 << 22),
                                                                max_size=20))
def test_fresh_ids_behave_as_a_set(added: list[int], sparse: list[int]) -> None:
    """add_fresh answers whether an id is new exactly as a set does, and leaves the ids
    seen as `add` does, with ids in the bitmap, past it and in the set of the rest."""
    seen, reference = _jsonio._Ids(), set()
    for number in sparse:
        seen.add(number)
        reference.add(number)
    for number in added:
        assert seen.add_fresh(number) == (number not in reference), number
        reference.add(number)
    for number in [*added, *sparse]:
        assert number in seen


@given(st.lists(st.one_of(
    st.tuples(st.just("add"), st.one_of(st.integers(-3, 1 << 16), st.integers(0, 1 << 40))),
    st.tuples(st.just("fresh"), st.integers(0, 1 << 16)),
    st.tuples(st.just("range"), st.integers(0, 9000), st.integers(0, 40)),
    st.tuples(st.just("far"), st.integers(1 << 21, 1 << 40), st.integers(0, 40)),
), max_size=40), st.lists(st.integers(-3, 1 << 17), max_size=30))
def test_ids_added_a_range_at_a_time_behave_as_a_set(steps: list[tuple[Any, ...]],
                                                     asked: list[int]) -> None:
    """A reader adds ids numbered one after another a range at a time, starting at
    `next_fresh`: afterwards exactly those ids, and the ones added one by one, are seen,
    and `next_fresh` stays above every whole id seen (so the next range cannot hide a
    duplicate), whether the range fits the bitmap, grows it or lies far beyond it."""
    seen, reference = _jsonio._Ids(), set()
    for step in steps:
        if step[0] == "add":
            seen.add(step[1])
            reference.add(step[1])
        elif step[0] == "fresh":
            assert seen.add_fresh(step[1]) == (step[1] not in reference)
            reference.add(step[1])
        else:
            first = seen.next_fresh + step[1]
            seen.add_range(first, first + step[2])
            reference.update(range(first, first + step[2]))
        assert seen.next_fresh == max((n for n in reference if n >= 0), default=-1) + 1
    for number in [*reference, *asked, *(n + 1 for n in reference), *(n - 1 for n in reference)]:
        assert (number in seen) == (number in reference), number


def test_a_range_below_the_next_fresh_id_is_refused() -> None:
    """A range that could overlap ids already seen is refused rather than added in
    silence (it would hide a record id used twice)."""
    seen = _jsonio._Ids()
    seen.add(5)
    with pytest.raises(ValueError, match="may have been seen"):
        seen.add_range(3, 8)
    assert 4 not in seen


# ------------------------------------------------------------------ bulk rows



def _sample_lines() -> list[str]:
    return _jsonio.dumps(kr.load_sample()).split("\n")[:-1]


@pytest.mark.parametrize(("offset", "change"), [
    (1, "escape a character"),        # the first row
    (1024, "escape a character"),     # the last row of a block of lines
    (1025, "duplicate the line"),     # the first row of the next block
    (2049, "drop the trailing comma"),
    (5000, "name an unknown code"),
    (-1, "add a trailing comma"),     # the last row
    (-1, "escape a character"),
])
def test_rows_across_blocks_read_as_the_whole_reader_reads_them(
        tmp_path: Path, offset: int, change: str) -> None:
    """The records section is read a block of lines at a time: a row with escapes, or
    one with a problem, at the edges of a block or at the ends of the section gives the
    graph, or the located problems, that the whole-document reader gives."""
    lines = _sample_lines()
    first = lines.index('"records":[')
    last = lines.index('"transfers":[') - 2
    assert last - first > 5000  # the sample spans several blocks
    index = last if offset < 0 else first + offset
    changed = dict(_CHANGES)[change](lines[index])
    lines[index] = changed
    text = "\n".join(lines) + "\n"
    path = tmp_path / "g.json"
    path.write_text(text, encoding="utf-8")
    outcome = _outcome(lambda: kr.read_json(path))
    assert outcome == _outcome(lambda: _jsonio.loads(text, source=str(path)))
    if change == "escape a character" and outcome[0] == "graph":
        # A row with escapes is read in place, without falling back to the whole reader.
        _same(_streamed(path), _jsonio.loads(text))


def _renumbered(line: str, number: int) -> str:
    return re.sub(r'"id":\d+', f'"id":{number}', line, count=1)


@pytest.mark.parametrize(("at", "like"), [
    (700, 10),      # an earlier id, in the same block of lines
    (1500, 10),     # an earlier id, in an earlier block
    (30, "jump"),   # an id far ahead, which a later row of the run then reaches
])
def test_an_id_used_twice_is_found_wherever_the_rows_stand(
        tmp_path: Path, at: int, like: int | str) -> None:
    """Rows numbered one after another are read a range of ids at a time: a row that
    repeats an earlier id, or jumps ahead to an id that the run of rows then reaches,
    is still reported as the whole-document reader reports it."""
    lines = _sample_lines()
    first = lines.index('"records":[')
    ids = [int(m.group(1)) for line in lines[first + 1:first + 2000]
           if (m := re.search(r'"id":(\d+)', line))]
    assert ids == list(range(ids[0], ids[0] + len(ids)))  # numbered one after another
    number = ids[like] if isinstance(like, int) else ids[at] + 100
    lines[first + 1 + at] = _renumbered(lines[first + 1 + at], number)
    text = "\n".join(lines) + "\n"
    path = tmp_path / "g.json"
    path.write_text(text, encoding="utf-8")
    outcome = _outcome(lambda: kr.read_json(path))
    assert outcome[0] == "problems"
    assert any("used twice" in problem[4] for problem in outcome[1]), outcome
    assert outcome == _outcome(lambda: _jsonio.loads(text, source=str(path)))


# ------------------------------------------------------------------ transfer rows

_MOVE_FIELDS = {
    "item": st.text(min_size=1, max_size=5),
    "town": st.text(min_size=1, max_size=5),
    "from_unit": st.text(min_size=1, max_size=5),
    "to_unit": st.text(min_size=1, max_size=5),
    "from_list": st.sampled_from(["basic", "cooperative", "reclaimed", "other"]),
    "to_list": st.sampled_from(["basic", "cooperative", "reclaimed"]),
    "closed": st.lists(st.integers(-2, 40), max_size=3),
    "opened": st.lists(st.integers(0, 40), max_size=3),
}
_TRANSFER_FIELDS = {
    "id": st.integers(-1, 10**20),
    "kind": st.sampled_from(["reclaim", "delegate", "revert", "move"]),
    "effective": st.one_of(st.dates().map(str), st.text(max_size=10),
                           st.just("2025-02-30")),
    "moves": st.lists(st.fixed_dictionaries(_MOVE_FIELDS), max_size=3),
    "ref": st.text(max_size=6),
    "reason": st.text(max_size=6),
    "keep_secondary": st.booleans(),
    "reverts": st.one_of(st.none(), st.integers(-1, 50)),
}


def _read_transfer(line: str, plain: bool) -> Any:
    """What a builder whose records have ids 0 to 30 logs for a transfer row: read
    as a plain row (``None`` when the plain reader leaves it alone), or parsed and
    checked against the schema (``"refused"`` when the schema refuses it); an error
    either raises is given as its type."""
    builder = _jsonio._Builder()
    for number in range(31):
        builder.seen.add(number)
    try:
        if plain:
            if not builder.plain_transfer(line):
                return None
        else:
            row = json.loads(line)
            if not _jsonio._row_checks()["transfers"](row):
                return "refused"
            builder.transfer(row)
    except (kr.KunshanRbacError, ValueError, TypeError, KeyError) as exc:
        return type(exc).__name__
    return builder.graph.transfers()


@given(st.fixed_dictionaries(_TRANSFER_FIELDS))
@example({"id": 1, "kind": "reclaim", "effective": "2025-01-01", "moves": [],
          "ref": 'say "hi"\\', "reason": "\u2028", "keep_secondary": True, "reverts": None})
def test_plain_transfer_rows_read_as_json_reads_them(fields: dict[str, Any]) -> None:
    """A transfer row that the plain reader takes is one the schema accepts, and it
    logs the transfer (or fails as) the parsed and checked row does, whatever its
    texts, codes, ids and dates hold."""
    line = _jsonio._ENCODER.encode(fields)
    plain = _read_transfer(line, plain=True)
    if plain is not None:
        assert plain == _read_transfer(line, plain=False)


def test_written_transfer_rows_are_read_as_plain_rows() -> None:
    """Every transfer row of the written sample is one the plain reader takes (the
    law above would hold of a reader that took none)."""
    lines = _sample_lines()
    first = lines.index('"transfers":[') + 1
    rows = [line.removesuffix(",") for line in lines[first:lines.index("]", first)]]
    assert rows
    builder = _jsonio._Builder()
    for number in range(100_000):
        builder.seen.add(number)
    assert all(builder.plain_transfer(row) for row in rows)
    assert builder.graph.transfers() == kr.load_sample().transfers()


def test_the_transfer_law_catches_a_tail_that_ignores_escapes() -> None:
    """Test of the test: a plain reader whose texts may hold escapes reads ``\\"`` as
    two characters, and the law sees it."""
    line = _jsonio._ENCODER.encode({
        "id": 1, "kind": "reclaim", "effective": "2025-01-01", "moves": [],
        "ref": 'say "hi"', "reason": "", "keep_secondary": False, "reverts": None})
    right = _read_transfer(line, plain=True)
    wrong_tail = re.compile(_jsonio._TRANSFER_TAIL.pattern.replace(
        r'[^"\\\x00-\x1f]*', r'(?:[^"\\]|\\.)*'))
    assert wrong_tail.pattern != _jsonio._TRANSFER_TAIL.pattern
    original = _jsonio._TRANSFER_TAIL
    try:
        _jsonio._TRANSFER_TAIL = wrong_tail
        wrong = _read_transfer(line, plain=True)
    finally:
        _jsonio._TRANSFER_TAIL = original
    assert right is None  # the real reader leaves a row with escapes alone
    assert wrong is not None
    assert wrong != _read_transfer(line, plain=False)
