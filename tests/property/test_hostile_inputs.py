"""Hostile inputs: every reader loads what it is given faithfully, or refuses it with LoadError.

Each example builds one hostile file in a fresh folder (nothing is committed: bombs and
damaged workbooks are made from the clean fixtures) and reads it with `read_json` or
`read_lists` under small limits, so that bombs are cheap to make and to refuse:

* JSON: gzip bombs, deep nesting, duplicate keys, numbers with decimals, NUL bytes,
  truncation, a flipped byte, random bytes;
* CSV: every accepted encoding, mixed encodings, mojibake, NUL bytes, huge cells, rows
  around the limit, truncation, random bytes;
* workbooks: zip bombs, lying zip directories, entity expansion, truncation, a flipped
  byte, random bytes, rows around the limit, a formatted cell at the last row, huge cells.

Two laws hold for every example. No foreign exception: anything raised that is not a
`KunshanRbacError` fails the test. No silent garbling: inputs that cannot be right must be
refused, and whatever loads must hold exactly what the file holds (the same records as
the clean file, the exact names and texts, names that are plausible text). The module
counts the outcomes and prints them (``pytest -s``); the ``thorough`` profile runs at
least 10,000 inputs (``KUNSHAN_RBAC_PROFILE=thorough``).
"""

from __future__ import annotations

import functools
import gzip
import json
import os
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import PatternFill

import kunshan_rbac as kr
from fixtures_lists import BASIC, BASIC_HEADER, BASIC_SHEET, UNITS, UNITS_HEADER, csv_bytes
from hostile import (
    deep_json,
    entity_workbook,
    gzip_bomb,
    kr_dumps,
    lying_zip,
    small_graph,
    workbook,
    zip_bomb,
)
from kunshan_rbac import normalize_name
from kunshan_rbac._mojibake import mojibake

LIMITS = kr.Limits(json_bytes=1 << 20, workbook_bytes=1 << 20, csv_bytes=1 << 20, rows=60,
                   columns=40, cell_chars=3000, depth=64)
"""Small limits: every bomb passes them by a little, so examples stay fast."""

COUNTS: Counter[tuple[str, str]] = Counter()
"""Outcomes by kind of input: ``(kind, "loaded" | "refused")``."""

THOROUGH = os.environ.get("KUNSHAN_RBAC_PROFILE") == "thorough"
EXAMPLES = {"max_examples": 10_000} if THOROUGH else {}


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    loaded = sum(n for (_k, outcome), n in COUNTS.items() if outcome == "loaded")
    refused = sum(n for (_k, outcome), n in COUNTS.items() if outcome == "refused")
    print(f"\nhostile inputs: {loaded + refused} tried, {loaded} loaded, {refused} refused "
          "with LoadError, 0 foreign exceptions, 0 silently garbled")
    for kind in sorted({k for k, _o in COUNTS}):
        print(f"  {kind:<22} {COUNTS[kind, 'loaded']:>6} loaded {COUNTS[kind, 'refused']:>6} "
              "refused")


@attrs.frozen
class Case:
    """One hostile input: its kind and what varies (repr replays it)."""

    kind: str
    data: dict[str, Any]


def _case(kind: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Case]:
    return st.fixed_dictionaries(fields).map(lambda data: Case(kind, data))


_ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")
_XML_PARTS = ("xl/worksheets/sheet1.xml", "xl/workbook.xml", "[Content_Types].xml",
              "xl/styles.xml", "_rels/.rels", "xl/_rels/workbook.xml.rels")

cases = st.one_of(
    _case("json_gzip_bomb", factor=st.floats(1.01, 3.0)),
    _case("json_deep", depth=st.integers(65, 3000), inside=st.booleans()),
    _case("json_duplicate_key", record=st.integers(0, 5)),
    _case("json_float_number", record=st.integers(0, 5)),
    _case("json_nul", at=st.integers(0, 10**6)),
    _case("json_truncated", at=st.integers(0, 10**6), packed=st.booleans()),
    _case("json_flipped_byte", at=st.integers(0, 10**6), bit=st.integers(0, 7)),
    _case("json_random_bytes", data=st.binary(max_size=400), packed=st.booleans()),
    _case("csv_encoding", encoding=st.sampled_from(_ENCODINGS), catalogue=st.booleans(),
          names=st.lists(st.integers(0, 10**6), min_size=1, max_size=6)),
    _case("csv_mixed", first=st.sampled_from(("utf-8", "gb18030")), split=st.integers(1, 4),
          catalogue=st.booleans()),
    _case("csv_mojibake", row=st.integers(1, 4), errors=st.sampled_from(("replace", "ignore")),
          catalogue=st.booleans()),
    _case("csv_nul", at=st.integers(0, 10**6)),
    _case("csv_huge_cell", length=st.integers(2990, 3010) | st.integers(1, 200_000)),
    _case("csv_rows", count=st.integers(55, 65)),
    _case("csv_truncated", at=st.integers(0, 10**6)),
    _case("csv_random_bytes", data=st.binary(max_size=600), catalogue=st.booleans()),
    _case("xlsx_zip_bomb", factor=st.floats(1.01, 3.0)),
    _case("xlsx_lying_zip", part=st.sampled_from(_XML_PARTS[:2])),
    _case("xlsx_entity", part=st.sampled_from(_XML_PARTS)),
    _case("xlsx_truncated", at=st.integers(0, 10**6)),
    _case("xlsx_flipped_byte", at=st.integers(0, 10**6), bit=st.integers(0, 7)),
    _case("xlsx_random_bytes", data=st.binary(max_size=600)),
    _case("xlsx_rows", count=st.integers(55, 65)),
    _case("xlsx_formatted_far", row=st.integers(100, 1_048_576), column=st.integers(1, 16_384)),
    _case("xlsx_huge_cell", length=st.integers(2990, 3010) | st.integers(1, 30_000)),
)


# ------------------------------------------------------------------------ the clean inputs


@functools.cache
def _clean_json() -> str:
    return kr_dumps(small_graph())


@functools.cache
def _clean_workbook() -> bytes:
    """The clean workbook, byte for byte the same in every run (fixed times), so that a
    failing example replays."""
    with tempfile.TemporaryDirectory() as folder:
        made = workbook(Path(folder))
        fixed = Path(folder) / "fixed.xlsx"
        with zipfile.ZipFile(made) as old, zipfile.ZipFile(fixed, "w",
                                                           zipfile.ZIP_DEFLATED) as new:
            for info in old.infolist():
                data = old.read(info.filename)
                if info.filename == "docProps/core.xml":
                    data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"2025-01-01T00:00:00Z",
                                  data)
                new.writestr(zipfile.ZipInfo(info.filename, (2025, 1, 1, 0, 0, 0)), data,
                             zipfile.ZIP_DEFLATED)
        return fixed.read_bytes()


@functools.cache
def _sample_names() -> tuple[str, ...]:
    taken = {normalize_name(str(r[2])) for r in BASIC}
    return tuple(sorted({i.name for i in kr.load_sample().items()
                         if i.name == i.name.strip() and "\n" not in i.name
                         and normalize_name(i.name) not in taken}))


def _list_rows(names: list[str] | None = None) -> list[list[Any]]:
    rows = [list(r) for r in BASIC]
    for name in names or []:
        rows.append([len(rows) + 1, "综合", name, "受理", "市民政局", ""])
    return [BASIC_HEADER, *rows]


def _folder_with_units(folder: Path, catalogue: bool) -> None:
    if catalogue:
        (folder / "单位.csv").write_bytes(csv_bytes([UNITS_HEADER, *UNITS]))


def _names(graph: kr.ResponsibilityGraph) -> set[str]:
    return {i.name for i in graph.items()}


def _rows_of(document: Any) -> dict[str, list[str]]:
    return {section: sorted(json.dumps(row, sort_keys=True, ensure_ascii=False)
                            for row in document.get(section, []))
            for section in ("units", "items", "records", "transfers")}


# ------------------------------------------------------------------------ building a case

Read = Callable[[], kr.ResponsibilityGraph]
Law = Callable[[kr.ResponsibilityGraph | None], None]
"""Checks the outcome: the graph that loaded, or None when the input was refused."""


def _refused(graph: kr.ResponsibilityGraph | None) -> None:
    assert graph is None, "this input must be refused, but it loaded"


def _anything(_graph: kr.ResponsibilityGraph | None) -> None:
    return None


def _json_case(case: Case, folder: Path) -> tuple[Read, Law]:
    data = case.data
    text = _clean_json()
    path = folder / "g.json"
    law: Law = _refused
    if case.kind == "json_gzip_bomb":
        path = gzip_bomb(folder / "g.json.gz", int(LIMITS.json_bytes * data["factor"]))
    elif case.kind == "json_deep":
        path.write_text(deep_json(data["depth"], inside=data["inside"]), encoding="utf-8")
    elif case.kind in ("json_duplicate_key", "json_float_number"):
        lines = text.split("\n")
        first = next(i for i, line in enumerate(lines) if line.startswith('"records"'))
        index = first + 1 + data["record"] % len(small_graph().records())
        row = lines[index]
        if case.kind == "json_duplicate_key":
            lines[index] = row.replace('"duty":', '"duty":"重复",' + '"duty":', 1)
        else:
            record_id = json.loads(row.rstrip(","))["id"]
            lines[index] = row.replace(f'"id":{record_id},', f'"id":{record_id}.0,', 1)
        path.write_text("\n".join(lines), encoding="utf-8")
    elif case.kind == "json_nul":
        raw = text.encode()
        at = data["at"] % (len(raw) + 1)
        path.write_bytes(raw[:at] + b"\x00" + raw[at:])
    elif case.kind == "json_truncated":
        raw = text.encode()
        at = data["at"] % len(raw)
        cut = raw[:at]
        if data["packed"]:
            packed = gzip.compress(raw)
            path = folder / "g.json.gz"
            path.write_bytes(packed[:data["at"] % len(packed)])
        else:
            path.write_bytes(cut)
            law = _faithful_json(cut)
    elif case.kind == "json_flipped_byte":
        raw = bytearray(text.encode())
        at = data["at"] % len(raw)
        raw[at] ^= 1 << data["bit"]
        path.write_bytes(bytes(raw))
        law = _faithful_json(bytes(raw))
    else:
        path = folder / ("g.json.gz" if data["packed"] else "g.json")
        path.write_bytes(data["data"])
        law = _anything
    return (lambda: kr.read_json(path, limits=LIMITS)), law


def _faithful_json(raw: bytes) -> Law:
    """A graph that loads from damaged JSON holds exactly the rows of the file."""
    def law(graph: kr.ResponsibilityGraph | None) -> None:
        if graph is None:
            return
        document = json.loads(raw.decode("utf-8"))
        assert _rows_of(json.loads(kr_dumps(graph))) == _rows_of(document)

    return law


def _csv_case(case: Case, folder: Path) -> tuple[Read, Law]:
    data = case.data
    path = folder / f"玉山镇_{BASIC_SHEET}.csv"
    catalogue = data.get("catalogue", True)
    _folder_with_units(folder, catalogue)
    rows = _list_rows()
    law: Law = _refused
    if case.kind == "csv_encoding":
        pool = _sample_names()
        names = list({normalize_name(name): name
                  for name in (pool[n % len(pool)] for n in data["names"])}.values())
        rows = _list_rows(names)
        path.write_bytes(csv_bytes(rows, encoding=data["encoding"]))
        expected = {str(r[2]) for r in rows[1:]}

        def exact(graph: kr.ResponsibilityGraph | None) -> None:
            assert graph is not None, "a clean list in an accepted encoding must load"
            assert _names(graph) == expected

        law = exact
    elif case.kind == "csv_mixed":
        other = "gb18030" if data["first"] == "utf-8" else "utf-8"
        split = data["split"]
        path.write_bytes(csv_bytes(rows[:split], encoding=data["first"])
                         + csv_bytes(rows[split:], encoding=other))
    elif case.kind == "csv_mojibake":
        text = csv_bytes(rows, encoding="utf-8").decode()
        lines = text.split("\r\n")
        row = data["row"]
        lines[row] = lines[row].encode().decode("gb18030", data["errors"])
        path.write_bytes("\r\n".join(lines).encode("utf-8"))
    elif case.kind == "csv_nul":
        raw = csv_bytes(rows, encoding="utf-8")
        at = data["at"] % (len(raw) + 1)
        path.write_bytes(raw[:at] + b"\x00" + raw[at:])
    elif case.kind == "csv_huge_cell":
        duty = ("受理申请，入户调查。" * (data["length"] // 10 + 1))[:data["length"]]
        rows[1][3] = duty
        path.write_bytes(csv_bytes(rows, encoding="utf-8"))
        law = _refused if len(duty) > LIMITS.cell_chars else _duty_kept(duty)
    elif case.kind == "csv_rows":
        names = [f"事项{n}号受理" for n in range(data["count"] - len(BASIC))]
        rows = _list_rows(names)
        path.write_bytes(csv_bytes(rows, encoding="utf-8"))
        law = _refused if len(rows) > LIMITS.rows else _names_are({str(r[2]) for r in rows[1:]})
    elif case.kind == "csv_truncated":
        raw = csv_bytes(rows, encoding="utf-8")
        path.write_bytes(raw[:data["at"] % len(raw)])
        law = _prefixes_of({str(r[2]) for r in rows[1:]})
    else:
        path.write_bytes(data["data"])
        law = _plausible
    return (lambda: kr.read_lists(folder, limits=LIMITS)), law


def _duty_kept(duty: str) -> Law:
    def law(graph: kr.ResponsibilityGraph | None) -> None:
        assert graph is not None, "a cell within the limit must load"
        assert duty in {r.duty for r in graph.records()}

    return law


def _names_are(names: set[str]) -> Law:
    def law(graph: kr.ResponsibilityGraph | None) -> None:
        assert graph is not None, "a list within the row limit must load"
        assert _names(graph) == names

    return law


def _prefixes_of(names: set[str]) -> Law:
    """What loads from a truncated file holds the names, or a cut-off last one."""
    def law(graph: kr.ResponsibilityGraph | None) -> None:
        if graph is not None:
            for name in _names(graph):
                assert any(full.startswith(name) for full in names), name

    return law


def _plausible(graph: kr.ResponsibilityGraph | None) -> None:
    """Whatever loads from random bytes has names that are plausible text."""
    if graph is not None:
        for name in _names(graph):
            assert mojibake(name) is None, name
            assert name.isprintable(), name


def _xlsx_case(case: Case, folder: Path) -> tuple[Read, Law]:
    data = case.data
    clean = folder / "clean" / "玉山镇.xlsx"
    clean.parent.mkdir()
    clean.write_bytes(_clean_workbook())
    path = folder / "玉山镇.xlsx"
    law: Law = _refused
    if case.kind == "xlsx_zip_bomb":
        zip_bomb(clean, path, int(LIMITS.workbook_bytes * data["factor"]))
    elif case.kind == "xlsx_lying_zip":
        lying_zip(clean, path, data["part"])
    elif case.kind == "xlsx_entity":
        entity_workbook(clean, path, data["part"])
    elif case.kind == "xlsx_truncated":
        raw = clean.read_bytes()
        path.write_bytes(raw[:data["at"] % len(raw)])
    elif case.kind == "xlsx_flipped_byte":
        raw = bytearray(clean.read_bytes())
        raw[data["at"] % len(raw)] ^= 1 << data["bit"]
        path.write_bytes(bytes(raw))
        law = _same_as_clean(clean)
    elif case.kind == "xlsx_random_bytes":
        path.write_bytes(data["data"])
    else:
        book = openpyxl.load_workbook(clean)
        sheet = book[BASIC_SHEET]
        if case.kind == "xlsx_rows":
            for n in range(data["count"] - sheet.max_row):
                sheet.append([n + 10, "综合", f"事项{n}号受理", "受理", "市民政局"])
            counted = sheet.max_row
            law = _refused if counted > LIMITS.rows else _loads
        elif case.kind == "xlsx_formatted_far":
            sheet.cell(data["row"], data["column"]).fill = PatternFill("solid",
                                                                      fgColor="FFFF00")
            law = _same_as_clean(clean, required=True)
        else:
            duty = ("受理申请，入户调查。" * (data["length"] // 10 + 1))[:data["length"]]
            sheet.cell(2, 4).value = duty
            law = _refused if len(duty) > LIMITS.cell_chars else _duty_kept(duty)
        book.save(path)
    return (lambda: kr.read_lists(path, limits=LIMITS)), law


def _loads(graph: kr.ResponsibilityGraph | None) -> None:
    assert graph is not None, "a workbook within the limits must load"


def _same_as_clean(clean: Path, *, required: bool = False) -> Law:
    def law(graph: kr.ResponsibilityGraph | None) -> None:
        if graph is None:
            assert not required, "this workbook must load like the clean one"
            return
        assert graph.records() == kr.read_lists(clean, limits=LIMITS).records()

    return law


def _attempt(read: Read) -> tuple[kr.ResponsibilityGraph | None, kr.LoadError | None]:
    """The graph read, or the LoadError; any other exception propagates and fails the test."""
    try:
        return read(), None
    except kr.LoadError as error:
        return None, error


def _build(case: Case, folder: Path) -> tuple[Read, Law]:
    family = case.kind.partition("_")[0]
    if family == "json":
        return _json_case(case, folder)
    if family == "csv":
        return _csv_case(case, folder)
    return _xlsx_case(case, folder)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
          **EXAMPLES)
@given(cases)
def test_hostile_inputs_load_faithfully_or_raise_load_error(case: Case) -> None:
    """Every hostile input loads exactly what it holds, or raises LoadError; nothing else."""
    with tempfile.TemporaryDirectory() as name:
        read, law = _build(case, Path(name))
        graph, error = _attempt(read)
        if error is not None:
            assert error.problems, "a LoadError lists its problems"
            assert all(p.expected for p in error.problems)
        law(graph)
        COUNTS[case.kind, "refused" if graph is None else "loaded"] += 1


def test_the_laws_catch_a_reader_that_loads_garbled_text() -> None:
    """Test of the test: the laws fail on what a careless reader would return."""
    rows = _list_rows()
    data = csv_bytes(rows[:2], encoding="gb18030") + csv_bytes(rows[2:], encoding="utf-8")
    careless = kr.ResponsibilityGraph()
    careless.add_unit(kr.Town("yushan", "玉山镇"))
    for line in data.decode("gb18030", "replace").split("\r\n")[2:4]:
        name = line.split(",")[2]
        careless.add_item(kr.Item(f"X-{len(careless.items())}", name))
    with pytest.raises(AssertionError):
        _plausible(careless)
    with pytest.raises(AssertionError):
        _refused(careless)
    with pytest.raises(AssertionError):
        _names_are({str(r[2]) for r in rows[1:]})(careless)
    with pytest.raises(AssertionError):
        _prefixes_of({str(r[2]) for r in rows[1:]})(careless)
