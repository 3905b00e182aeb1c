"""Reading and writing orders: CSV (UTF-8, BOM, GB18030), xlsx, JSONL, 12345 export headers."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest

import kunshan_rbac as kr
from kunshan_rbac._orders_io import order_schema

EVENTS = """order,time,event,town,unit,item,text,detail
A1,2025-07-01 09:00,received,周市镇,,,路灯不亮好几天了,
A1,2025-07-01 09:05,dispatched,,周市镇,B-CJ-001,,
A1,2025-07-01 10:00,signed,,周市镇,,,
A1,2025-07-02 15:00,done,,周市镇,,,已修复
A1,2025-07-03 09:00,rated,,,,,满意
"""

EXPORT = "\n".join([
    "工单编号,来电时间,诉求内容,所属镇街,承办单位,派单时间,签收时间,办结时间,处置结果,"
    "满意度评价,诉求类型",
    "K1,2025/7/1 9:00,小区门口垃圾堆了三天没人清,周市镇,周市镇,2025/7/1 9:10,2025/7/1 9:40,"
    "2025/7/2 16:00,已清运,基本满意,投诉",
    "K2,2025/7/1 10:00,路灯不亮,千灯镇,千灯镇,2025/7/1 10:02,,,,,求助",
    "",
])


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    """The sample graph, to resolve names."""
    return kr.load_sample()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_events_csv_in_every_encoding(tmp_path: Path, encoding: str,
                                      g: kr.ResponsibilityGraph) -> None:
    """The canonical layout reads from UTF-8, UTF-8 with BOM and GB18030, names to codes."""
    f = tmp_path / "o.csv"
    f.write_bytes(EVENTS.encode(encoding))
    orders = kr.read_orders(f, graph=g)
    assert len(orders) == 1
    order = orders["A1"]
    assert order.town == "zhoushi"
    assert order.first_unit == "zhoushi"
    assert order.rating == "满意"
    assert [e.event for e in order.events] == [
        "received", "dispatched", "signed", "done", "rated"]


def test_one_row_per_order_export_becomes_events(tmp_path: Path,
                                                 g: kr.ResponsibilityGraph) -> None:
    """A 12345 export (工单编号, 来电时间, 承办单位, 办结时间, 满意度评价...) becomes events."""
    f = tmp_path / "export.csv"
    f.write_text(EXPORT, encoding="gb18030")
    orders = kr.read_orders(f, graph=g)
    k1 = orders["K1"]
    assert [e.event for e in k1.events] == [
        "received", "dispatched", "signed", "done", "rated"]
    assert k1.rating == "基本满意"
    assert k1.events[0].kind == "投诉"
    assert [e.event for e in orders["K2"].events] == ["received", "dispatched"]
    # the rating time was inferred from 办结时间, and the reader says so
    assert any("评价时间" in n for n in orders.notes)


def test_xlsx_export_read_only(tmp_path: Path, g: kr.ResponsibilityGraph) -> None:
    """An xlsx export is read with its sheet named in problems."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "工单"
    for line in EXPORT.strip().splitlines():
        sheet.append(line.split(","))
    sheet.append(["K3", "2025/7/1 11:00", "噪音", "火星镇", "", "", "", "", "", "", ""])
    f = tmp_path / "export.xlsx"
    book.save(f)
    orders = kr.read_orders(f, graph=g, on_error="collect")
    assert {o.id for o in orders} == {"K1", "K2"}
    (problem,) = orders.problems
    assert (problem.sheet, problem.row, problem.column, problem.value) == (
        "工单", 4, "所属镇街", "火星镇")
    with pytest.raises(kr.LoadError, match="火星镇"):
        kr.read_orders(f, graph=g)


def test_every_bad_cell_is_located(tmp_path: Path, g: kr.ResponsibilityGraph) -> None:
    """Unknown units and items, bad times, bad ratings, bad events: one located problem each."""
    f = tmp_path / "o.csv"
    f.write_text(
        "order,time,event,town,unit,item,text,detail\n"
        "A1,2025-07-01 09:00,received,周市镇,,,x,\n"
        "A1,2025-07-01 09:05,dispatched,,没有这个局,B-CJ-001,,\n"
        "A2,2025-07-01 09:00,received,周市镇,,不存在的事项,x,\n"
        "A3,2025-07-01,received,周市镇,,,x,\n"
        "A4,2025-07-01 09:00,received,周市镇,,,x,\n"
        "A4,2025-07-01 09:00,closed,,,,,\n"
        "A5,2025-07-01 09:00,received,周市镇,,,x,\n"
        "A5,2025-07-02 09:00,done,,,,,\n"
        "A5,2025-07-03 09:00,rated,,,,,还行\n",
        encoding="utf-8",
    )
    orders = kr.read_orders(f, graph=g, on_error="collect")
    places = {(p.row, p.column) for p in orders.problems}
    assert places == {(3, "unit"), (4, "item"), (5, "time"), (7, "event"), (10, "detail")}
    assert all(p.file == str(f) for p in orders.problems)


def test_sequence_problems_carry_the_row(tmp_path: Path) -> None:
    """A rating before done and an unknown order are located at their rows."""
    f = tmp_path / "o.jsonl"
    lines = [
        {"order": "A1", "time": "2025-07-01T09:00:00+08:00", "event": "received", "town": "周市镇"},
        {"order": "A1", "time": "2025-07-01T10:00:00+08:00", "event": "rated", "detail": "满意"},
        {"order": "Z9", "time": "2025-07-01T10:00:00+08:00", "event": "done"},
        {"order": "A2", "time": "2025-07-01T09:00:00+08:00", "event": "received", "town": "周市镇",
         "bogus": 1},
    ]
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    with pytest.raises(kr.LoadError) as info:
        kr.read_orders(f)
    rows = sorted((p.row, p.column) for p in info.value.problems)
    assert rows == [(2, "event"), (3, "event"), (4, None)]


def test_round_trip_jsonl_and_csv(tmp_path: Path, g: kr.ResponsibilityGraph) -> None:
    """What the writer writes reads back equal, and every JSONL line fits the schema."""
    f = tmp_path / "o.csv"
    f.write_text(EXPORT, encoding="utf-8")
    orders = kr.read_orders(f, graph=g)
    for name in ("back.jsonl", "back.jsonl.gz", "back.csv"):
        kr.write_orders(orders, tmp_path / name)
        again = kr.read_orders(tmp_path / name, graph=g)
        assert again.orders == orders.orders, name
    schema = order_schema()
    for line in (tmp_path / "back.jsonl").read_text(encoding="utf-8").splitlines():
        jsonschema.validate(json.loads(line), schema)


def test_writer_guards_formulas_and_leaves_no_temporary(tmp_path: Path) -> None:
    """A text starting with '=' survives a CSV round trip; no .part file stays behind."""
    f = tmp_path / "o.csv"
    f.write_text(EVENTS.replace("路灯不亮好几天了", "=1+1"), encoding="utf-8")
    orders = kr.read_orders(f)
    kr.write_orders(orders, tmp_path / "w.csv")
    assert kr.read_orders(tmp_path / "w.csv")["A1"].text == "=1+1"
    assert not list(tmp_path.glob("*.part"))
    with pytest.raises(ValueError, match="jsonl"):
        kr.write_orders(orders, tmp_path / "w.txt")


def test_unreadable_inputs_are_problems(tmp_path: Path) -> None:
    """A missing file, a wrong suffix and a header with no known columns: LoadError."""
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    for path in (tmp_path / "none.csv", tmp_path / "x.csv", tmp_path / "x.pdf"):
        if path.suffix == ".pdf":
            path.write_bytes(b"%PDF")
        with pytest.raises(kr.LoadError):
            kr.read_orders(path)
