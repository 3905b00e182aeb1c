"""Tests of kunshan_rbac._jsondoc: a user's small JSON document read within the limits."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import kunshan_rbac as kr
from kunshan_rbac._jsondoc import load_document


def test_a_document_within_the_limits_is_parsed(tmp_path: Path) -> None:
    """Plain and gzip-compressed files give the same document."""
    plain = tmp_path / "d.json"
    plain.write_text('{"a": [1, {"b": "二"}]}', encoding="utf-8")
    packed = tmp_path / "d.json.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert load_document(plain) == load_document(packed) == {"a": [1, {"b": "二"}]}


def test_each_limit_and_each_broken_file_is_a_located_load_error(tmp_path: Path) -> None:
    """Too many bytes (also once decompressed), nesting past the limit or past what the
    parser holds, bad UTF-8, bad JSON and a missing file: each a LoadError naming the
    file, never a RecursionError or an OSError."""
    big = tmp_path / "big.json"
    big.write_text('{"a": "' + "x" * 200 + '"}', encoding="utf-8")
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b'{"a": "' + b"x" * 10_000 + b'"}'))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 10 + "]" * 10, encoding="utf-8")
    abyss = tmp_path / "abyss.json"
    abyss.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"a": "é"}'.encode("latin-1"))
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "a": ', encoding="utf-8")
    small = kr.Limits(json_bytes=100, depth=5)
    cases = [(big, small, "Limits.json_bytes"), (bomb, small, "Limits.json_bytes"),
             (deep, small, "Limits.depth"), (abyss, None, "Limits.depth"),
             (latin, None, "UTF-8"), (broken, None, "JSON"),
             (tmp_path / "missing.json", None, "readable")]
    for path, limits, expected in cases:
        with pytest.raises(kr.LoadError) as info:
            load_document(path, limits)
        [problem] = info.value.problems
        assert problem.file == str(path), path
        assert expected in problem.expected, (path, problem)
    with pytest.raises(kr.LoadError) as info:
        load_document(broken)
    assert info.value.problems[0].row == 2
