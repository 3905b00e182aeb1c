"""The lossless JSON format: its shipped schema, located problems, nothing evaluated."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr
from kunshan_rbac import _jsonio
from strategies import graphs


def _graph() -> kr.ResponsibilityGraph:
    graph = kr.ResponsibilityGraph()
    graph.add_unit(kr.Authority("kunshan", "昆山市", level="县级市"))
    graph.add_unit(kr.Town("yushan", "玉山镇", aliases=("玉山",), parent="kunshan"))
    graph.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
    graph.add_item(kr.Item("ZJ-1", "对未取得施工许可证擅自施工的处罚", domain="城乡建设",
                           power_type="行政处罚", basis=("《建筑法》第六十四条",)))
    graph.assign("ZJ-1", town="yushan", list="basic", primary="yushan", start="2021-01-01")
    graph.reclaim("ZJ-1", to="zjj", effective="2025-07-01", keep_secondary=True,
                  secondary_duty="发现上报", ref="昆编〔2025〕1号")
    return graph


def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(_jsonio.dumps(_graph()))
    return loaded


def _problems(document: Any) -> list[kr.Problem]:
    with pytest.raises(kr.LoadError) as caught:
        _jsonio.loads(json.dumps(document, ensure_ascii=False), source="data.json")
    return caught.value.problems


def test_round_trip_keeps_everything(tmp_path: Path) -> None:
    """read_json(write_json(g)) writes the same canonical text, plain or gzip."""
    graph = _graph()
    for name in ("g.json", "g.json.gz"):
        kr.write_json(graph, tmp_path / name)
        assert _jsonio.dumps(kr.read_json(tmp_path / name)) == _jsonio.dumps(graph)
    assert gzip.decompress((tmp_path / "g.json.gz").read_bytes()).decode() == _jsonio.dumps(graph)


def test_schema_ships_and_describes_the_output() -> None:
    """The packaged schema is draft 2020-12, is itself valid, and accepts what we write."""
    schema = _jsonio.schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(_document())


def test_schema_problems_are_located() -> None:
    """Schema violations give the section as sheet, the index as row, the field as column."""
    document = _document()
    document["records"][1]["role"] = "boss"
    document["records"][2]["start"] = "2025/07/01"
    del document["units"][0]["name"]
    document["items"][0]["colour"] = "red"
    problems = _problems(document)
    places = {(p.sheet, p.row, p.column) for p in problems}
    assert places == {("records", 1, "role"), ("records", 2, "start"), ("units", 0, "name"),
                      ("items", 0, "colour")}
    role = next(p for p in problems if p.column == "role")
    assert role.value == "boss"
    assert '"primary"' in role.expected
    assert all(p.file == "data.json" for p in problems)


def test_wrong_types_and_versions_are_problems() -> None:
    """Wrong types, a wrong version and non-object documents are located problems."""
    document = _document()
    document["records"][0]["id"] = "1"
    document["transfers"][0]["moves"][0]["closed"] = [1.5]
    problems = _problems(document)
    assert {(p.sheet, p.row, p.column) for p in problems} == {
        ("records", 0, "id"), ("transfers", 0, "moves.0.closed.0")}
    assert _problems({**_document(), "version": 2})[0].column == "version"
    assert _problems([1, 2])[0].column == "format"


def test_reference_problems_after_the_schema() -> None:
    """What a schema cannot check (a record of an unknown unit) is still a problem."""
    document = _document()
    document["records"][0]["unit"] = "nobody"
    problem, *_then = _problems(document)  # the transfer that names the record follows
    assert (problem.sheet, problem.row) == ("records", 0)
    assert "nobody" in problem.expected


def test_optional_fields_may_be_left_out() -> None:
    """A hand-written file may leave out optional fields; defaults are taken."""
    document = {
        "format": "kunshan-rbac", "version": 1,
        "units": [{"kind": "town", "code": "yushan", "name": "玉山镇"}],
        "items": [{"code": "I1", "name": "秸秆禁烧巡查"}],
        "records": [{"id": 1, "unit": "yushan", "item": "I1", "town": "yushan",
                     "role": "primary", "list": "basic"}],
    }
    graph = _jsonio.loads(json.dumps(document))
    assert graph.owner("I1", town="yushan", at="2025-01-01").primary.code == "yushan"


@pytest.mark.parametrize("data", [b"", b"{\"format\": \"kunshan-rbac\", \"ver",
                                  b"\x80\x04\x95pickle", b"[" * 100_000, b"1" * 5000])
def test_broken_files_are_one_problem(tmp_path: Path, data: bytes) -> None:
    """Empty, truncated, binary (a pickle), deeply nested or huge-number files raise
    LoadError, and nothing else."""
    path = tmp_path / "broken.json"
    path.write_bytes(data)
    with pytest.raises(kr.LoadError) as caught:
        kr.read_json(path)
    assert caught.value.problems


def test_text_that_looks_like_code_stays_text() -> None:
    """Names that look like code are kept as text: loading evaluates nothing."""
    document = _document()
    document["items"][0]["name"] = "__import__('os').system('echo hi')"
    graph = _jsonio.loads(json.dumps(document))
    assert graph.item("ZJ-1").name == "__import__('os').system('echo hi')"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats(allow_nan=False)
    | st.text(max_size=4),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6),
                                                                       children, max_size=3),
    max_leaves=6,
)
_FIELDS = ["kind", "code", "name", "aliases", "parent", "level", "id", "unit", "item", "town",
           "role", "list", "start", "end", "moves", "closed", "effective", "power_type", "basis"]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


@given(graphs(), st.data())
def test_fast_check_agrees_with_jsonschema(graph: kr.ResponsibilityGraph, data: Any) -> None:
    """The compiled fast check says yes exactly when jsonschema does, on mutated files."""
    document = json.loads(_jsonio.dumps(graph))
    validator = jsonschema.Draft202012Validator(_jsonio.schema())
    for _ in range(data.draw(st.integers(0, 3))):
        mutated = copy.deepcopy(document)
        path = data.draw(st.sampled_from(_paths(mutated)))
        if not path:
            continue
        parent = mutated
        for step in path[:-1]:
            parent = parent[step]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = data.draw(_JSON)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[data.draw(st.sampled_from(_FIELDS))] = data.draw(_JSON)
        document = mutated
        assert _jsonio._fast_check()(document) == validator.is_valid(document)


def test_a_large_limit_is_not_allocated(tmp_path: Path) -> None:
    """A limit far above memory (1 TiB) reads an ordinary file, in the line-by-line
    layout and in another one: the readers ask for what the file holds, not the limit."""
    graph = _graph()
    kr.write_json(graph, tmp_path / "g.json")
    (tmp_path / "indented.json").write_text(
        json.dumps(json.loads(_jsonio.dumps(graph)), indent=2, ensure_ascii=False),
        encoding="utf-8")
    limits = kr.Limits(json_bytes=1 << 40)
    for name in ("g.json", "indented.json"):
        assert _jsonio.dumps(kr.read_json(tmp_path / name, limits=limits)) == \
            _jsonio.dumps(graph)
