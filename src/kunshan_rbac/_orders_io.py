"""Reading and writing work orders: CSV, xlsx and JSONL, in two layouts.

* **Events** (the canonical layout): one row per event, with columns ``order, time, event,
  town, unit, item, text, detail`` (and optionally ``channel, by, kind, urgent``). The
  JSON Schema ``kunshan_rbac/data/orders.schema.json`` describes one event.
* **One row per order**, as 12345 systems export it (工单编号, 来电时间, 诉求内容, 所属镇街,
  承办单位, 办结时间, 满意度评价, 退单原因, 诉求类型...): each row becomes the events its
  filled cells record. Whatever the reader has to infer (a dispatch time taken from the
  reception time when the export has no 派单时间) is written to ``Orders.notes``.

Every problem is located (file, sheet, row, column, value, what was expected). With
``on_error="raise"`` they are raised together as one `LoadError`; with ``"collect"`` they
are returned in ``Orders.problems`` and the orders they concern are left out.
"""

from __future__ import annotations

import csv
import datetime
import gzip
import io
import json
import os
import warnings
from collections.abc import Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import attrs
import jsonschema
import openpyxl

from ._errors import AmbiguousNameError, LoadError, Problem, UnknownItemError, UnknownUnitError
from ._graph import ResponsibilityGraph
from ._orders import OrderEvent, Orders, parse_event, parse_rating, parse_time
from ._text import normalize_name
from .formats.cells import cell_text, guard_formula, unguard_formula
from .formats.csv import decode

__all__ = [
    "EVENT_COLUMNS",
    "ORDER_SCHEMA_FILE",
    "order_schema",
    "read_orders",
    "trusted_jsonl",
    "write_orders",
]

ORDER_SCHEMA_FILE = "orders.schema.json"
"""Name of the JSON Schema of one canonical event, inside the package's ``data`` folder."""

EVENT_COLUMNS: tuple[str, ...] = (
    "order", "time", "event", "town", "unit", "item", "text", "detail",
    "channel", "by", "kind", "urgent",
)
"""The canonical columns, in the order the writer puts them."""

_EVENT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "order": ("工单编号", "工单号", "热线单号", "平台单号", "单号", "order_id", "id"),
    "time": ("时间", "发生时间", "操作时间", "环节时间", "datetime", "timestamp"),
    "event": ("事件", "环节", "节点", "操作", "动作"),
    "town": ("所属镇街", "镇街", "镇", "事发区域名称", "事发区域", "所属区域"),
    "unit": ("承办单位", "处理单位", "受理部门名称", "办理单位", "市交办主办单位", "单位"),
    "item": ("事项", "事项编码", "履职事项", "事项名称"),
    "text": ("诉求内容", "内容", "来电内容"),
    "detail": ("说明", "详情", "备注", "处理意见"),
    "channel": ("诉求渠道", "渠道", "热线来源", "诉求方式", "来源"),
    "by": ("派单方式", "派单人"),
    "kind": ("诉求类型", "工单类型", "诉求性质"),
    "urgent": ("紧急程度", "是否紧急"),
}

# One row per order: column -> synonyms.
_WIDE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "order": _EVENT_SYNONYMS["order"],
    "received": ("来电时间", "受理时间", "工单时间", "登记时间", "创建时间", "来件时间"),
    "text": ("诉求内容", "内容", "来电内容", "工单内容"),
    "town": _EVENT_SYNONYMS["town"],
    "unit": ("承办单位", "处理单位", "受理部门名称", "办理单位", "市交办主办单位", "主办单位"),
    "item": _EVENT_SYNONYMS["item"],
    "dispatched": ("派单时间", "交办时间", "市交办时间", "转办时间"),
    "by": _EVENT_SYNONYMS["by"],
    "returned": ("退单时间",),
    "reason": ("退单原因", "退回原因"),
    "signed": ("签收时间", "接单时间"),
    "done": ("办结时间", "完成时间"),
    "reply": ("处置结果", "办理结果", "答复内容", "回复内容", "办结意见"),
    "rating": ("满意度评价", "满意度", "评价结果", "回访结果"),
    "rated": ("评价时间", "回访时间"),
    "reopened": ("重办时间",),
    "channel": _EVENT_SYNONYMS["channel"],
    "kind": _EVENT_SYNONYMS["kind"],
    "urgent": _EVENT_SYNONYMS["urgent"],
}

_TRUE = {"true", "1", "是", "紧急", "urgent", "yes", "特急", "加急"}
_FALSE = {"", "false", "0", "否", "一般", "普通", "no", "不紧急"}


def order_schema() -> dict[str, Any]:
    """The JSON Schema of one canonical event (a line of a ``.jsonl`` orders file)."""
    text = resources.files("kunshan_rbac").joinpath("data", ORDER_SCHEMA_FILE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@attrs.define
class _Rows:
    """Rows of one table as header -> cell, with their places."""

    file: str
    sheet: str | None
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]


def _lookup(header: Sequence[str], synonyms: dict[str, tuple[str, ...]]) -> dict[str, int]:
    keys = {normalize_name(h): i for i, h in enumerate(header) if h}
    found: dict[str, int] = {}
    for name, others in synonyms.items():
        for candidate in (name, *others):
            index = keys.get(normalize_name(candidate))
            if index is not None:
                found[name] = index
                break
    return found


class _Reader:
    """Turns rows into events, resolving names against a graph when one is given."""

    def __init__(self, graph: ResponsibilityGraph | None) -> None:
        self.graph = graph
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.events: list[OrderEvent] = []
        self.cache: dict[tuple[str, str], str | Exception] = {}

    def resolve(self, kind: str, text: str) -> str:
        """The code of a town, unit or item; raises the library's lookup errors."""
        if self.graph is None or not text:
            return text
        key = (kind, text)
        hit = self.cache.get(key)
        if hit is None:
            try:
                if kind == "town":
                    hit = self.graph.town(text).code
                elif kind == "unit":
                    hit = self.graph.unit(text).code
                else:
                    hit = self.graph.item(text).code
            except (UnknownUnitError, UnknownItemError, AmbiguousNameError) as exc:
                hit = exc
            self.cache[key] = hit
        if isinstance(hit, Exception):
            raise hit
        return hit

    def table(self, rows: _Rows) -> None:
        events = _lookup(rows.header, _EVENT_SYNONYMS)
        if "event" in events:
            missing = [c for c in ("order", "time", "event") if c not in events]
            if missing:
                self.problems.append(Problem(rows.file, rows.sheet, 1, None, rows.header,
                                             f"columns {', '.join(missing)} (events layout)"))
                return
            for number, cells in rows.rows:
                self.event_row(rows, events, number, cells)
            return
        wide = _lookup(rows.header, _WIDE_SYNONYMS)
        missing = [c for c in ("order", "received") if c not in wide]
        if missing:
            self.problems.append(Problem(
                rows.file, rows.sheet, 1, None, rows.header,
                "a header with order, time and event columns (one row per event), or with "
                "工单编号 and 来电时间 (one row per order)"))
            return
        if "dispatched" not in wide and "unit" in wide:
            self.notes.append(
                f"{rows.file}: no dispatch time column (派单时间); each order's dispatch to "
                "its 承办单位 is dated at its reception time")
        if "rated" not in wide and "rating" in wide:
            self.notes.append(
                f"{rows.file}: no rating time column (评价时间); each rating is dated at the "
                "order's 办结时间")
        for number, cells in rows.rows:
            self.order_row(rows, wide, number, cells)

    # ------------------------------------------------------------------ one row each

    def _cell(self, cells: list[Any], columns: dict[str, int], name: str) -> Any:
        index = columns.get(name)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    def _text(self, cells: list[Any], columns: dict[str, int], name: str) -> str:
        return cell_text(self._cell(cells, columns, name))

    def event_row(self, rows: _Rows, columns: dict[str, int], number: int,
                  cells: list[Any]) -> None:
        if all(cell_text(c) == "" for c in cells):
            return
        place = Problem(rows.file, rows.sheet, number)
        values: dict[str, Any] = {}
        ok = True

        def bad(column: str, value: object, expected: str) -> None:
            nonlocal ok
            ok = False
            self.problems.append(attrs.evolve(place, column=column, value=value,
                                              expected=expected))

        order = self._text(cells, columns, "order")
        if not order:
            bad("order", order or None, "an order id")
        raw_time = self._cell(cells, columns, "time")
        try:
            values["time"] = parse_time(raw_time if isinstance(raw_time, datetime.datetime)
                                        else cell_text(raw_time))
        except ValueError as exc:
            bad("time", cell_text(raw_time) or None, str(exc))
        try:
            event = parse_event(self._text(cells, columns, "event"))
        except ValueError as exc:
            bad("event", self._text(cells, columns, "event") or None, str(exc))
            event = ""
        for name in ("town", "unit", "item"):
            text = self._text(cells, columns, name)
            try:
                values[name] = self.resolve(name, text)
            except (UnknownUnitError, UnknownItemError, AmbiguousNameError) as exc:
                bad(name, text, f"a known {name} ({exc})")
        if event == "received" and not self._text(cells, columns, "town"):
            bad("town", None, "the town that received the order")
        detail = self._text(cells, columns, "detail")
        if event == "rated":
            try:
                detail = parse_rating(detail)
            except ValueError as exc:
                bad("detail", detail or None, f"a rating: {exc}")
        by = self._text(cells, columns, "by")
        if by not in ("router", "person", "", "智能派单", "自动", "人工", "人工派单"):
            bad("by", by, "router or person (智能派单 or 人工派单)")
        urgent_text = self._text(cells, columns, "urgent").lower()
        if urgent_text not in _TRUE | _FALSE:
            bad("urgent", urgent_text, "true or false (是/否)")
        if not ok:
            return
        self.events.append(OrderEvent(
            order, values["time"], event, values["town"], values["unit"], values["item"],
            self._text(cells, columns, "text"), detail, self._text(cells, columns, "channel"),
            _BY.get(by, by), self._text(cells, columns, "kind"), urgent_text in _TRUE,
            row=place,
        ))

    def order_row(self, rows: _Rows, columns: dict[str, int], number: int,
                  cells: list[Any]) -> None:
        if all(cell_text(c) == "" for c in cells):
            return
        place = Problem(rows.file, rows.sheet, number)
        found = len(self.problems)

        def bad(column: str, value: object, expected: str) -> None:
            self.problems.append(attrs.evolve(place, column=column, value=value,
                                              expected=expected))

        def header(name: str) -> str:
            return rows.header[columns[name]]

        def when(name: str) -> datetime.datetime | None:
            raw = self._cell(cells, columns, name)
            if cell_text(raw) == "":
                return None
            try:
                return parse_time(raw if isinstance(raw, datetime.datetime) else cell_text(raw))
            except ValueError as exc:
                bad(header(name), cell_text(raw), str(exc))
                return None

        order = self._text(cells, columns, "order")
        if not order:
            bad(header("order"), None, "an order id")
        codes: dict[str, str] = {}
        for name in ("town", "unit", "item"):
            text = self._text(cells, columns, name)
            try:
                codes[name] = self.resolve(name, text)
            except (UnknownUnitError, UnknownItemError, AmbiguousNameError) as exc:
                bad(header(name), text, f"a known {name} ({exc})")
        if "town" in columns and not codes.get("town") and not self._text(cells, columns, "town"):
            bad(header("town"), None, "the town that received the order")
        elif "town" not in columns:
            bad("所属镇街", None, "a town column (所属镇街)")
        received = when("received")
        if received is None and "received" in columns and not self._text(
            cells, columns, "received"
        ):
            bad(header("received"), None, "the time the order was received")
        times = {name: when(name) for name in
                 ("dispatched", "returned", "signed", "done", "rated", "reopened")
                 if name in columns}
        rating = self._text(cells, columns, "rating")
        if rating:
            try:
                rating = parse_rating(rating)
            except ValueError as exc:
                bad(header("rating"), rating, f"a rating: {exc}")
        urgent_text = self._text(cells, columns, "urgent").lower()
        if urgent_text not in _TRUE | _FALSE:
            bad(header("urgent"), urgent_text, "是 or 否 (紧急 or 一般)")
        by = self._text(cells, columns, "by")
        if len(self.problems) > found or received is None:
            return
        unit, item = codes.get("unit", ""), codes.get("item", "")
        reason = self._text(cells, columns, "reason")
        events = [OrderEvent(order, received, "received", codes.get("town", ""), "", item,
                             self._text(cells, columns, "text"), "",
                             self._text(cells, columns, "channel"), "",
                             self._text(cells, columns, "kind"), urgent_text in _TRUE,
                             row=place)]
        dispatched = times.get("dispatched") or (received if unit else None)
        if dispatched is not None:
            events.append(OrderEvent(order, dispatched, "dispatched", unit=unit, item=item,
                                     by=_BY.get(by, ""), row=place))
        if times.get("returned") is not None or reason:
            returned = times.get("returned")
            if returned is None:
                bad(header("reason"), reason, "a 退单时间 for the 退单原因")
                return
            events.append(OrderEvent(order, returned, "returned", unit=unit, detail=reason,
                                     row=place))
        if times.get("signed") is not None:
            events.append(OrderEvent(order, times["signed"], "signed",  # type: ignore[arg-type]
                                     unit=unit, row=place))
        done = times.get("done")
        if done is not None:
            events.append(OrderEvent(order, done, "done", unit=unit,
                                     detail=self._text(cells, columns, "reply"), row=place))
        if rating:
            rated = times.get("rated") or done
            if rated is None:
                bad(header("rating"), rating, "a 办结时间 or 评价时间 for the rating")
                return
            events.append(OrderEvent(order, rated, "rated", detail=rating, row=place))
        if times.get("reopened") is not None:
            events.append(OrderEvent(order, times["reopened"], "reopened",  # type: ignore[arg-type]
                                     row=place))
        self.events.extend(events)


_BY = {"智能派单": "router", "自动": "router", "人工": "person", "人工派单": "person"}


# ---------------------------------------------------------------------------- formats


def _csv_rows(path: Path, file: str) -> list[_Rows] | Problem:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Problem(file, expected=f"a readable file ({exc.strerror or exc})")
    if path.name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            return Problem(file, expected=f"a gzip file ({exc})")
    text = decode(data)
    if text is None:
        return Problem(file, expected="a text file in UTF-8 or GB18030")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        return Problem(file, expected=f"well-formed CSV ({exc})")
    if not rows:
        return Problem(file, expected="a header row")
    header = [cell_text(h) for h in rows[0]]
    body = ([unguard_formula(c) for c in r] for r in rows[1:])
    return [_Rows(file, None, header, ((n, r) for n, r in enumerate(body, start=2)))]


def _xlsx_rows(path: Path, file: str) -> list[_Rows] | Problem:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of error for a broken file
        return Problem(file, expected=f"a readable .xlsx workbook ({type(exc).__name__})")
    tables = []
    for sheet in book.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        start = next((i for i, r in enumerate(rows) if any(cell_text(c) for c in r)), None)
        if start is None:
            continue
        header = [cell_text(h) for h in rows[start]]
        body = rows[start + 1:]
        tables.append(_Rows(file, sheet.title, header,
                            ((n, r) for n, r in enumerate(body, start=start + 2))))
    book.close()
    return tables


def _jsonl(path: Path, file: str, reader: _Reader) -> None:
    try:
        data = path.read_bytes()
        if path.name.endswith(".gz"):
            data = gzip.decompress(data)
        text = data.decode("utf-8-sig")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        reader.problems.append(Problem(file, expected=f"a readable UTF-8 JSONL file ({exc})"))
        return
    validator = jsonschema.Draft202012Validator(order_schema())
    columns = {name: i for i, name in enumerate(EVENT_COLUMNS)}
    rows = _Rows(file, None, list(EVENT_COLUMNS), iter(()))
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            reader.problems.append(Problem(file, None, number, None, line[:60],
                                           f"one JSON object per line ({exc.msg})"))
            continue
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
        if errors:
            for error in errors:
                column = str(error.path[0]) if error.path else None
                reader.problems.append(Problem(
                    file, None, number, column,
                    error.instance if column else None, error.message))
            continue
        cells = [value.get(name, "") for name in EVENT_COLUMNS]
        cells[columns["urgent"]] = "true" if value.get("urgent") else ""
        reader.event_row(rows, columns, number, cells)


def trusted_jsonl(text: str, file: str) -> Orders:
    """Orders from canonical JSONL that the library wrote itself (its shipped sample).

    Lines are not checked against the schema, values not validated and names not
    resolved (the file's test checks all that); each order's sequence is still checked
    (`Orders.from_events`). Blank lines are not expected, so rows number the events.
    """
    rows = json.loads("[" + ",".join(line for line in text.splitlines() if line) + "]")
    fromiso = datetime.datetime.fromisoformat
    with attrs.validators.disabled():
        events = [
            OrderEvent(
                d["order"], fromiso(d["time"]), d["event"], d.get("town", ""),
                d.get("unit", ""), d.get("item", ""), d.get("text", ""), d.get("detail", ""),
                d.get("channel", ""), d.get("by", ""), d.get("kind", ""),
                bool(d.get("urgent", False)), row=Problem(file, None, number),
            )
            for number, d in enumerate(rows, start=1)
        ]
    return Orders.from_events(events, file=file)


def read_orders(
    path: str | os.PathLike[str],
    *,
    graph: ResponsibilityGraph | None = None,
    on_error: Literal["raise", "collect"] = "raise",
) -> Orders:
    """Read work orders from a CSV, xlsx or JSONL file.

    The layout is recognised from the header: one row per event (columns ``order, time,
    event, ...`` or their Chinese synonyms 工单编号, 时间, 环节...), or one row per order as
    12345 systems export it (工单编号, 来电时间, 诉求内容, 所属镇街, 承办单位, 派单时间,
    签收时间, 办结时间, 处置结果, 满意度评价, 退单原因, 退单时间, 诉求类型, 诉求渠道...).

    Args:
        path: a ``.csv`` (UTF-8 with or without BOM, or GB18030; ``.csv.gz`` too), ``.xlsx``
            (every sheet with a header is read) or ``.jsonl`` / ``.jsonl.gz`` file.
        graph: when given, towns, units and items are resolved to their codes (by code,
            name or alias) and unknown ones are problems.
        on_error: ``"raise"`` raises every problem at once; ``"collect"`` returns them in
            ``Orders.problems`` and leaves out the orders they concern.

    Returns:
        The `Orders`.

    Raises:
        LoadError: with ``on_error="raise"``, every problem found, each located.

    Examples:
        >>> import kunshan_rbac as kr, pathlib, tempfile
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "orders.csv"
        >>> rows = ["工单编号,来电时间,所属镇街,诉求内容", "A1,2025-07-01 09:00,周市镇,路灯不亮"]
        >>> _ = f.write_text("\\n".join(rows), encoding="utf-8")
        >>> len(kr.read_orders(f))
        1
    """
    if on_error not in ("raise", "collect"):
        raise ValueError(f"on_error must be 'raise' or 'collect', not {on_error!r}")
    target = Path(path)
    file = str(path)
    reader = _Reader(graph)
    name = target.name.lower()
    if not target.is_file():
        reader.problems.append(Problem(file, expected="an existing file"))
    elif name.endswith((".jsonl", ".jsonl.gz", ".ndjson")):
        _jsonl(target, file, reader)
    elif name.endswith((".csv", ".csv.gz", ".tsv", ".txt")):
        result = _csv_rows(target, file)
        if isinstance(result, Problem):
            reader.problems.append(result)
        else:
            for rows in result:
                reader.table(rows)
    elif name.endswith((".xlsx", ".xlsm")):
        books = _xlsx_rows(target, file)
        if isinstance(books, Problem):
            reader.problems.append(books)
        else:
            for rows in books:
                reader.table(rows)
    else:
        reader.problems.append(Problem(file, value=target.suffix,
                                       expected="a .csv, .xlsx or .jsonl file"))
    orders = Orders.from_events(reader.events, file=file, notes=reader.notes)
    problems = [*reader.problems, *orders.problems]
    if problems and on_error == "raise":
        raise LoadError(problems)
    return attrs.evolve(orders, problems=problems)


def write_orders(orders: Orders, path: str | os.PathLike[str]) -> None:
    """Write orders in the canonical format: JSONL (``.jsonl``, ``.jsonl.gz``) or CSV.

    The file is written beside ``path`` first and then moved in place, so a failed write
    leaves the old file.

    Args:
        orders: the orders.
        path: the file; its name chooses the format (``.csv`` gives UTF-8 with BOM).

    Raises:
        ValueError: the name ends in neither ``.jsonl``, ``.jsonl.gz`` nor ``.csv``.
    """
    target = Path(path)
    name = target.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        lines = "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n"
                        for e in orders.events())
        data = lines.encode("utf-8")
        if name.endswith(".gz"):
            data = gzip.compress(data, compresslevel=9, mtime=0)
    elif name.endswith(".csv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EVENT_COLUMNS)
        for e in orders.events():
            d = e.to_dict()
            writer.writerow([
                "true" if d.get(c) is True else guard_formula(str(d.get(c, "")))
                for c in EVENT_COLUMNS
            ])
        data = b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
    else:
        raise ValueError(f"write orders to a .jsonl, .jsonl.gz or .csv file, not {target.name}")
    temporary = target.with_name(target.name + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, target)
