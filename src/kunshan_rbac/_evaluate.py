"""The per-town evaluation of the closed loop, computed with DuckDB over Arrow tables.

Each order is joined to the ownership in force on the day it was received (from
`ownership_table`), to its time limits (from a deadlines object) and to a calendar table
of working days and cumulative working seconds (from a working-day calendar), so that
every metric is a SQL aggregate rather than a Python loop. The result, an `Evaluation`,
has one row per town, unit, list, item and month, and can say which orders stand behind
each figure (`Evaluation.orders_behind`).

The metrics (see the explanation page of the documentation for why each one):

* ``orders``: orders received in the period.
* ``first_dispatch_right``: of the orders dispatched whose item is on a list of their town
  that day, the share whose first dispatch went to the primary unit ``g.owner`` names.
* ``returned``: of the orders dispatched, the share returned (退单) at least once.
* ``on_time_signed``: of the orders signed, the share signed by the sign-by time
  (``add_working_hours(received, limit.sign_hours)``).
* ``on_time_done``: of the orders done, the share done by the close of office on the
  ``limit.done_days``-th working day after the day of reception (with 0 days: that day,
  or the next working day when it came in on a day off).
* ``satisfaction``: of the orders rated, the share whose last rating is 满意 or 基本满意.
* ``reopened``: of the orders done, the share reopened (重办) at least once.
* ``median_hours``: the median, over orders done, of working hours from reception to the
  first ``done``.
* ``off_list_burden``: orders dispatched to their own town although the lists give the
  item to another unit that day.
* ``reclaimed_pushed_back``: orders on a reclaimed item that went back to their town
  after a return.
"""

from __future__ import annotations

import datetime
import json
import os
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Protocol

import attrs

from . import _frames
from ._analytics import require
from ._calendar import CHINA_TZ, WorkCalendar
from ._dates import DateLike, parse_date
from ._deadlines import Deadlines
from ._display import table_html
from ._errors import (
    AmbiguousNameError,
    LoadError,
    Problem,
    UnknownItemError,
    UnknownUnitError,
)
from ._graph import ResponsibilityGraph
from ._model import Item, ListKind
from ._orders import OrderEvent, Orders
from ._ownership_table import ownership_table

__all__ = [
    "DIMENSIONS",
    "METRICS",
    "Evaluation",
    "EvaluationRow",
    "OrdersBehind",
    "evaluate",
    "events_table",
]

METRICS: tuple[str, ...] = (
    "orders", "first_dispatch_right", "returned", "on_time_signed", "on_time_done",
    "satisfaction", "reopened", "median_hours", "off_list_burden", "reclaimed_pushed_back",
)
"""The figures of an `EvaluationRow`, in the order tables show them."""

DIMENSIONS: tuple[str, ...] = ("town", "unit", "list", "item", "month")
"""What rows are grouped by: the order's town, the unit of its first dispatch, the list
holding its item on its date, its item, and the month it was received."""

# metric -> (column counted, column hit) in the per-order table
_SHARES: dict[str, tuple[str, str]] = {
    "first_dispatch_right": ("fdr_n", "fdr_hit"),
    "returned": ("ret_n", "ret_hit"),
    "on_time_signed": ("sign_n", "sign_hit"),
    "on_time_done": ("done_n", "done_hit"),
    "satisfaction": ("sat_n", "sat_hit"),
    "reopened": ("reo_n", "reo_hit"),
}
_COUNTS = {"off_list_burden": "burden", "reclaimed_pushed_back": "pushed"}


class CalendarLike(Protocol):
    """What `evaluate` needs of a working-day calendar (`kr.WorkCalendar` offers it)."""

    def is_working_day(self, d: DateLike) -> bool: ...

    def working_hours_between(
        self, start: datetime.datetime, end: datetime.datetime
    ) -> float: ...


class LimitLike(Protocol):
    """What `evaluate` needs of a time limit (`kr.TimeLimit` offers it)."""

    @property
    def sign_hours(self) -> float: ...

    @property
    def done_days(self) -> int: ...


class DeadlinesLike(Protocol):
    """What `evaluate` needs of deadlines (`kr.Deadlines` offers it)."""

    def limit_for(
        self, item: Item | None, *, kind: str | None = None, urgent: bool = False
    ) -> LimitLike: ...


@attrs.frozen
class EvaluationRow:
    """One row of an evaluation: the figures of one town, unit, list, item or month.

    Shares are in [0, 1], or ``None`` when no order was counted for them.

    Attributes:
        dimension: ``"town"``, ``"unit"``, ``"list"``, ``"item"``, ``"month"`` or
            ``"town-month"``.
        key: the code (town, unit, item), the list value, or the month ``YYYY-MM``;
            ``""`` for orders that have none (never dispatched, item on no list...).
        name: a readable name.
        orders: orders received.
        first_dispatch_right: share first dispatched to the primary unit.
        returned: share returned at least once.
        on_time_signed: share signed in time.
        on_time_done: share done in time.
        satisfaction: share rated 满意 or 基本满意.
        reopened: share reopened.
        median_hours: median working hours from reception to done.
        off_list_burden: orders the town handled although the lists give them to another unit.
        reclaimed_pushed_back: orders on reclaimed items pushed back to the town.
        return_reasons: the most frequent return reasons, with their counts.
        counted: for each share, how many orders it was computed over.
        month: the month, for ``"town-month"`` rows.
    """

    dimension: str
    key: str
    name: str
    orders: int
    first_dispatch_right: float | None
    returned: float | None
    on_time_signed: float | None
    on_time_done: float | None
    satisfaction: float | None
    reopened: float | None
    median_hours: float | None
    off_list_burden: int
    reclaimed_pushed_back: int
    return_reasons: tuple[tuple[str, int], ...] = ()
    counted: Mapping[str, int] = attrs.field(factory=dict, eq=False)
    month: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        data: dict[str, Any] = {"key": self.key, "name": self.name}
        if self.month:
            data["month"] = self.month
        for metric in METRICS:
            data[metric] = getattr(self, metric)
        data["return_reasons"] = [{"reason": r, "orders": n} for r, n in self.return_reasons]
        data["counted"] = dict(self.counted)
        return data

    def to_arrow(self) -> Any:
        """The row as a one-row ``pyarrow.Table`` (the ``evaluation`` columns).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("evaluation_row", [self])

    def to_pandas(self) -> Any:
        """The row as a one-row ``pandas.DataFrame`` (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())


class Rows(Mapping[str, EvaluationRow]):
    """Rows by key, also found by name or alias (``ev.towns["周市镇"]``)."""

    def __init__(self, rows: list[EvaluationRow], aliases: Mapping[str, str]) -> None:
        self._rows = {row.key: row for row in rows}
        self._aliases = dict(aliases)

    def __getitem__(self, key: str) -> EvaluationRow:
        row = self._rows.get(key)
        if row is None:
            code = self._aliases.get(key)
            if code is None or code not in self._rows:
                known = ", ".join(list(self._rows)[:12])
                raise KeyError(f"no row {key!r} in this evaluation (rows: {known})")
            row = self._rows[code]
        return row

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"<Rows {list(self._rows)}>"


@attrs.frozen
class OrdersBehind:
    """The orders behind one figure: those it was computed over, and those it counts.

    Attributes:
        metric: the metric.
        counted: ids of the orders the figure was computed over (its denominator).
        hits: ids of the orders that count for it (its numerator); for ``median_hours``,
            the same as ``counted``.
    """

    metric: str
    counted: tuple[str, ...]
    hits: tuple[str, ...]


@attrs.frozen
class Evaluation:
    """The evaluation of a set of orders against the lists in force on each order's date.

    Attributes:
        towns: a row per town (by code, or by name or alias).
        units: a row per unit of first dispatch (``""``: never dispatched).
        lists: a row per list (``"basic"``, ``"cooperative"``, ``"reclaimed"``, or ``""``
            for items on no list of the town; also by Chinese name).
        items: a row per item (``""``: not classified).
        months: a row per month ``YYYY-MM``.
        town_months: a row per town and month.
        start: first day of the period, if limited.
        end: last day of the period, if limited.
        per_order: one row per order, as a ``pyarrow.Table``: its keys (``id``, ``town``,
            ``unit``, ``list``, ``item``, ``month``, ``received``, ``primary``), each
            share's flags (``fdr_n``/``fdr_hit``, ``ret_n``/``ret_hit``, ``sign_n``/
            ``sign_hit``, ``done_n``/``done_hit``, ``sat_n``/``sat_hit``, ``reo_n``/
            ``reo_hit``), ``hours``, ``burden`` and ``pushed``.
    """

    towns: Rows
    units: Rows
    lists: Rows
    items: Rows
    months: Rows
    town_months: tuple[EvaluationRow, ...]
    start: datetime.date | None
    end: datetime.date | None
    per_order: Any = attrs.field(repr=False, eq=False)

    def __repr__(self) -> str:
        orders = sum(row.orders for row in self.towns.values())
        period = (f"{self.start.isoformat() if self.start else '…'} to "
                  f"{self.end.isoformat() if self.end else '…'}")
        return (f"<Evaluation of {orders} orders, {period}: {len(self.towns)} towns, "
                f"{len(self.units)} units, {len(self.items)} items, {len(self.months)} months>")

    def _repr_html_(self) -> str:
        def share(value: float | None) -> str:
            return "" if value is None else f"{value:.1%}"

        rows = [(row.name or row.key, row.orders, share(row.first_dispatch_right),
                 share(row.on_time_done), share(row.satisfaction), share(row.reopened),
                 row.off_list_burden) for row in self.towns.values()]
        return table_html(
            "工单评价（按镇街）", ("镇（街道）", "工单", "首派准确", "按时办结", "满意", "重办",
                            "清单外负担"),
            rows, total=len(rows), footer=[repr(self)[1:-1]])

    def orders_behind(
        self,
        *,
        metric: str = "orders",
        town: str | None = None,
        unit: str | None = None,
        list: str | None = None,
        item: str | None = None,
        month: str | None = None,
    ) -> OrdersBehind:
        """Which orders a figure counted.

        Args:
            metric: one of `METRICS`.
            town: the town's row (by code, name or alias); ``None``: any town.
            unit: the unit's row (by code, name or alias); ``None``: any unit.
            list: the list's row (``basic``... or its Chinese name); ``None``: any list.
            item: the item's row (by code or name); ``None``: any item.
            month: the month's row (``YYYY-MM``); ``None``: any month. Several of these
                narrow the selection together.

        Returns:
            The `OrdersBehind`.

        Raises:
            ValueError: an unknown metric.
            KeyError: a row that is not in the evaluation.

        Examples:
            >>> import kunshan_rbac as kr
            >>> ev = kr.evaluate(kr.load_sample(), kr.load_sample_orders(),
            ...                  start="2025-03-01", end="2025-03-31")
            >>> behind = ev.orders_behind(town="周市镇", metric="satisfaction")
            >>> len(behind.counted) == ev.towns["周市镇"].counted["satisfaction"]
            True
        """
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")
        pc = require("pyarrow.compute")
        table = self.per_order
        mask = None
        for column, rows, value in (("town", self.towns, town), ("unit", self.units, unit),
                                    ("list", self.lists, list), ("item", self.items, item),
                                    ("month", self.months, month)):
            if value is None:
                continue
            key = rows[value].key
            condition = pc.equal(table[column], key)
            mask = condition if mask is None else pc.and_(mask, condition)
        if mask is not None:
            table = table.filter(mask)
        if metric == "orders":
            counted = hits = table["id"]
        elif metric == "median_hours":
            counted = hits = table.filter(pc.is_valid(table["hours"]))["id"]
        elif metric in _COUNTS:
            counted = table["id"]
            hits = table.filter(table[_COUNTS[metric]])["id"]
        else:
            n, hit = _SHARES[metric]
            counted = table.filter(table[n])["id"]
            hits = table.filter(table[hit])["id"]
        return OrdersBehind(metric, tuple(counted.to_pylist()), tuple(hits.to_pylist()))

    def to_dict(self) -> dict[str, Any]:
        """Every row, as JSON-ready data."""
        return {
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "metrics": list(METRICS),
            "towns": [r.to_dict() for r in self.towns.values()],
            "units": [r.to_dict() for r in self.units.values()],
            "lists": [r.to_dict() for r in self.lists.values()],
            "items": [r.to_dict() for r in self.items.values()],
            "months": [r.to_dict() for r in self.months.values()],
            "town_months": [r.to_dict() for r in self.town_months],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """`to_dict` as JSON text, with Chinese kept readable."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_arrow(self) -> Any:
        """Every row of every dimension as one ``pyarrow.Table`` (the ``evaluation``
        columns of the reference; the ``dimension`` column says which: town, unit,
        list, item, month, then town-month). The per-order table is `per_order`.

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("evaluation", [self])

    def to_pandas(self) -> Any:
        """Every row as one ``pandas.DataFrame`` (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())


_frames.register(EvaluationRow, "evaluation_row")
_frames.register(Evaluation, "evaluation")


# ---------------------------------------------------------------------------- inputs


def events_table(orders: Orders, g: ResponsibilityGraph | None = None) -> Any:
    """The events of some orders as a ``pyarrow.Table`` in the canonical columns.

    ``time`` is a timestamp without a zone holding China wall-clock time; ``seq`` keeps
    the events' order. With a graph, towns, units and items given by name or alias are
    replaced by their codes.

    Raises:
        LoadError: with a graph, a town, unit or item it does not know (each located at
            the first event that names it).
    """
    pa = require("pyarrow")
    events = list(orders.events())
    codes = _Codes(g) if g is not None else None
    columns: dict[str, list[Any]] = {
        "order": [e.order for e in events],
        # event times are in China time already (OrderEvent checks it): keep the wall clock
        "time": [e.time.replace(tzinfo=None) for e in events],
        "event": [e.event for e in events],
        "town": [codes.code("town", e.town, e) if codes else e.town for e in events],
        "unit": [codes.code("unit", e.unit, e) if codes else e.unit for e in events],
        "item": [codes.code("item", e.item, e) if codes else e.item for e in events],
        "detail": [e.detail for e in events],
        "kind": [e.kind for e in events],
        "urgent": [e.urgent for e in events],
    }
    if codes is not None and codes.problems:
        raise LoadError(codes.problems)
    table = pa.table(columns, schema=_EVENT_SCHEMA(pa))
    return table.append_column("seq", pa.array(range(table.num_rows), pa.int64()))


class _Codes:
    """Codes of towns, units and items as the graph knows them, with the unknown ones."""

    def __init__(self, g: ResponsibilityGraph) -> None:
        self.g = g
        self.known: dict[tuple[str, str], str | None] = {}
        self.problems: list[Problem] = []

    def code(self, kind: str, value: str, event: OrderEvent | None = None,
             file: str = "<events>") -> str:
        """The code for ``value`` ('' stays ''); unknown values are noted once."""
        if not value:
            return value
        key = (kind, value)
        if key not in self.known:
            try:
                if kind == "town":
                    self.known[key] = self.g.town(value).code
                elif kind == "unit":
                    self.known[key] = self.g.unit(value).code
                else:
                    self.known[key] = self.g.item(value).code
            except (UnknownUnitError, UnknownItemError, AmbiguousNameError) as exc:
                self.known[key] = None
                place = (event.row if event is not None and event.row is not None
                         else Problem(file))
                self.problems.append(attrs.evolve(place, column=kind, value=value,
                                                  expected=f"a {kind} of the graph ({exc})"))
        return self.known[key] or value


def _check_codes(duck: Any, g: ResponsibilityGraph, source: str) -> None:
    """Raise `LoadError` for towns, first units and items of an events table that the
    graph does not know by code."""
    codes = _Codes(g)
    for kind, column in (("town", "town"), ("unit", "first_unit"), ("item", "item")):
        for (value,) in duck.execute(
                f"SELECT DISTINCT {column} FROM o WHERE {column} IS NOT NULL "
                f"AND {column} <> '' ORDER BY 1").fetchall():
            if codes.code(kind, value, file=source) != value:  # a name, not a code
                codes.problems.append(Problem(source, None, None, kind, value,
                                              f"a {kind} code (tables and Parquet files "
                                              f"name units and items by code)"))
    if codes.problems:
        raise LoadError(codes.problems)


def _EVENT_SCHEMA(pa: Any) -> Any:
    return pa.schema([
        ("order", pa.string()), ("time", pa.timestamp("us")), ("event", pa.string()),
        ("town", pa.string()), ("unit", pa.string()), ("item", pa.string()),
        ("detail", pa.string()), ("kind", pa.string()), ("urgent", pa.bool_()),
    ])


def _prepare(pa: Any, pc: Any, table: Any) -> Any:
    """A user's events table with the optional columns added and time in China time."""
    n = table.num_rows
    for name in ("town", "unit", "item", "detail", "kind"):
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(n, pa.string()))
    if "urgent" not in table.column_names:
        table = table.append_column("urgent", pa.nulls(n, pa.bool_()))
    time = table["time"]
    if pa.types.is_timestamp(time.type) and time.type.tz is not None:
        local = pc.local_timestamp(time.cast(pa.timestamp(time.type.unit, "+08:00")))
        table = table.set_column(table.column_names.index("time"), "time", local)
    if "seq" not in table.column_names:
        table = table.append_column("seq", pa.array(range(n), pa.int64()))
    return table


# ---------------------------------------------------------------------------- calendar


def _calendar_lists(
    pa: Any, calendar: CalendarLike, first: datetime.date, last: datetime.date, margin: int
) -> tuple[Any, datetime.date]:
    """The calendar as one row of lists, for lookups by index in SQL; and its first day.

    Days run from the day before ``first`` to ``last + margin`` (stopping quietly at the
    end of the calendar's range, after ``last``). Per day (index 0 for the first day):
    ``cum`` (working seconds before it), ``wrk`` (1 if a working day), ``widx`` (working
    days up to and including it). ``wd``: the day index of the n-th working day. ``prof``:
    per minute of a working day, the working seconds before it, probed with
    ``calendar.working_hours_between`` on one working day (working days are taken to
    share their office hours, as a ``WorkCalendar``'s do); ``office``: the minutes of the
    day that are office time; ``closing``: the second of the day office closes.

    Raises:
        ValueError: office periods that do not start and end on whole minutes.
    """
    day0 = first - datetime.timedelta(days=1)
    cum: list[float] = []
    wrk: list[int] = []
    widx: list[int] = []
    wd: list[int] = []
    profile: list[float] | None = None
    seconds, index = 0.0, 0
    end = last + datetime.timedelta(days=margin)
    day = day0
    while day <= end:
        try:
            is_working = bool(calendar.is_working_day(day))
        except ValueError:
            if day > last:
                break
            raise
        if is_working and profile is None:
            midnight = datetime.datetime.combine(day, datetime.time(), CHINA_TZ)
            profile = [
                round(calendar.working_hours_between(
                    midnight, midnight + datetime.timedelta(minutes=m)) * 3600, 6)
                for m in range(24 * 60 + 1)
            ]
        cum.append(seconds)
        wrk.append(int(is_working))
        if is_working:
            assert profile is not None
            seconds += profile[-1]
            wd.append(index)
        widx.append(len(wd))
        index += 1
        day += datetime.timedelta(days=1)
    if profile is None:
        profile = [0.0] * (24 * 60 + 1)
    steps = {profile[m + 1] - profile[m] for m in range(24 * 60)}
    if not steps <= {0.0, 60.0}:
        raise ValueError("office periods must start and end on whole minutes")
    office = [m for m in range(24 * 60) if profile[m + 1] > profile[m]]
    closing = (office[-1] + 1) * 60 if office else 0
    table = pa.table({
        "cum": pa.array([cum], pa.list_(pa.float64())),
        "wrk": pa.array([wrk], pa.list_(pa.int64())),
        "widx": pa.array([widx], pa.list_(pa.int64())),
        "wd": pa.array([wd], pa.list_(pa.int64())),
        "prof": pa.array([profile], pa.list_(pa.float64())),
        "office": pa.array([office], pa.list_(pa.int64())),
        "daylen": pa.array([profile[-1]], pa.float64()),
        "closing": pa.array([closing], pa.int64()),
    })
    return table, day0


def _limits_table(pa: Any, duck: Any, g: ResponsibilityGraph,
                  deadlines: DeadlinesLike) -> Any:
    """Time limits for each (item, kind, urgent) that occurs among the orders."""
    keys = duck.execute(
        "SELECT DISTINCT item, kind, urgent FROM o"
    ).fetchall()
    items, kinds, urgents, sign, done = [], [], [], [], []
    for item, kind, urgent in keys:
        value: Item | None = None
        if item:
            try:
                value = g.item(item)
            except (UnknownItemError, AmbiguousNameError):
                value = None
        limit = deadlines.limit_for(value, kind=kind or None, urgent=bool(urgent))
        items.append(item)
        kinds.append(kind)
        urgents.append(bool(urgent))
        sign.append(float(limit.sign_hours) * 3600.0)
        done.append(int(limit.done_days))
    return pa.table({"item": pa.array(items, pa.string()), "kind": pa.array(kinds, pa.string()),
                     "urgent": pa.array(urgents, pa.bool_()),
                     "sign_s": pa.array(sign, pa.float64()),
                     "done_days": pa.array(done, pa.int64())})


# ---------------------------------------------------------------------------- SQL

_ORDERS_SQL = """
CREATE TEMP TABLE o AS
SELECT "order" AS id,
  -- an order's events are in time order (read_orders checks it), so the earliest time of
  -- a kind is its first event of that kind
  min(time) FILTER (WHERE event = 'received') AS received,
  coalesce(any_value(town) FILTER (WHERE event = 'received'), '') AS town,
  coalesce(arg_min(item, seq) FILTER (WHERE item IS NOT NULL AND item <> ''), '') AS item,
  coalesce(any_value(kind) FILTER (WHERE event = 'received'), '') AS kind,
  coalesce(bool_or(urgent), false) AS urgent,
  arg_min(unit, seq) FILTER (WHERE event = 'dispatched') AS first_unit,
  count(*) FILTER (WHERE event = 'dispatched') AS dispatches,
  count(*) FILTER (WHERE event = 'returned') AS returns,
  min(seq) FILTER (WHERE event = 'returned') AS first_return_seq,
  min(time) FILTER (WHERE event = 'signed') AS signed,
  min(time) FILTER (WHERE event = 'done') AS done,
  arg_max(detail, seq) FILTER (WHERE event = 'rated') AS rating,
  count(*) FILTER (WHERE event = 'reopened') AS reopens
FROM ev
GROUP BY "order"
HAVING received IS NOT NULL {period}
"""

_DISPATCH_SQL = """
CREATE TEMP TABLE b AS
SELECT e."order" AS id,
  bool_or(e.unit = o.town) AS to_town,
  bool_or(e.unit = o.town AND e.seq > o.first_return_seq) AS pushed
FROM ev e JOIN o ON e."order" = o.id
WHERE e.event = 'dispatched'
GROUP BY e."order"
"""

# wh(t): working seconds from the calendar's first day to t (lists are 1-based).
_WH = """(cal.cum[{i} + 1] + cal.wrk[{i} + 1] * (cal.prof[{m} + 1]
  + (cal.prof[{m} + 2] - cal.prof[{m} + 1])
  * ((epoch_us({t}) - epoch_us(date_trunc('minute', {t}))) / 60e6)))"""


def _wh(t: str, day0: datetime.date) -> str:
    return _WH.format(t=t, i=f"(CAST({t} AS DATE) - DATE '{day0.isoformat()}')",
                      m=f"(hour({t}) * 60 + minute({t}))")


_PER_ORDER_SQL = """
CREATE TEMP TABLE po AS
WITH base AS (
  SELECT o.*, coalesce(b.to_town, false) AS to_town, coalesce(b.pushed, false) AS pushed_any,
    w.list AS list, w."primary" AS "primary", l.sign_s, l.done_days,
    {wh_r} AS wh_r, {wh_d} AS wh_d,
    CAST(o.received AS DATE) - DATE '{day0}' AS ri
  FROM o CROSS JOIN cal
  LEFT JOIN b ON b.id = o.id
  LEFT JOIN ow w ON w.item = o.item AND w.town = o.town
    AND CAST(o.received AS DATE) >= coalesce(w.start, DATE '0001-01-01')
    AND CAST(o.received AS DATE) < coalesce(w."end", DATE '9999-12-31')
  LEFT JOIN lim l ON l.item = o.item AND l.kind = o.kind AND l.urgent = o.urgent
),
due AS (
  SELECT base.*,
    -- sign by: the earliest moment sign_s working seconds after reception
    CAST(ceil((wh_r + sign_s) / cal.daylen) AS BIGINT) AS sn,
    wh_r + sign_s - (ceil((wh_r + sign_s) / cal.daylen) - 1) * cal.daylen AS rest,
    -- done by: close of office on the done_days-th working day after the day of reception
    cal.wd[cal.widx[ri + 1] + greatest(done_days, 1 - cal.wrk[ri + 1])] AS done_day
  FROM base CROSS JOIN cal
),
dues AS (
  SELECT due.*,
    DATE '{day0}' + CAST(cal.wd[sn] AS INTEGER) + to_microseconds(CAST(round((
      cal.office[CAST(ceil(rest / 60) AS BIGINT)] * 60
      + rest - (ceil(rest / 60) - 1) * 60) * 1e6) AS BIGINT)) AS sign_due,
    DATE '{day0}' + CAST(done_day AS INTEGER) + to_microseconds(cal.closing * 1000000)
      AS done_due
  FROM due CROSS JOIN cal
)
SELECT id, town, coalesce(first_unit, '') AS unit, coalesce(list, '') AS list,
  item, strftime(received, '%Y-%m') AS month, received,
  coalesce("primary", '') AS "primary",
  first_unit IS NOT NULL AND "primary" IS NOT NULL AS fdr_n,
  coalesce(first_unit = "primary", false) AS fdr_hit,
  dispatches > 0 AS ret_n,
  returns > 0 AS ret_hit,
  signed IS NOT NULL AS sign_n,
  signed IS NOT NULL AND (sign_s = 0 AND signed <= received
    OR sign_s > 0 AND (sign_due IS NULL OR signed <= sign_due)) AS sign_hit,
  done IS NOT NULL AS done_n,
  done IS NOT NULL AND (done_due IS NULL OR done <= done_due) AS done_hit,
  rating IS NOT NULL AS sat_n,
  coalesce(rating IN ('满意', '基本满意'), false) AS sat_hit,
  done IS NOT NULL AS reo_n,
  done IS NOT NULL AND reopens > 0 AS reo_hit,
  CASE WHEN done IS NOT NULL THEN (wh_d - wh_r) / 3600.0 END AS hours,
  to_town AND "primary" IS NOT NULL AND "primary" <> town AS burden,
  list = 'reclaimed' AND pushed_any AS pushed
FROM dues
"""

_AGGREGATE_SQL = """
SELECT GROUPING(town) AS g_town, GROUPING(unit) AS g_unit, GROUPING(list) AS g_list,
  GROUPING(item) AS g_item, GROUPING(month) AS g_month,
  town, unit, list, item, month, count(*) AS orders,
  {shares},
  quantile_cont(hours, 0.5) AS median_hours, count(hours) AS hours_n,
  count(*) FILTER (WHERE burden) AS burden, count(*) FILTER (WHERE pushed) AS pushed
FROM po
GROUP BY GROUPING SETS ((town), (unit), (list), (item), (month), (town, month))
"""

_REASONS_SQL = """
WITH r AS (
  SELECT po.town, po.unit, po.list, po.item, po.month, coalesce(e.detail, '') AS reason
  FROM ev e JOIN po ON e."order" = po.id
  WHERE e.event = 'returned'
)
SELECT GROUPING(town) AS g_town, GROUPING(unit) AS g_unit, GROUPING(list) AS g_list,
  GROUPING(item) AS g_item, GROUPING(month) AS g_month,
  town, unit, list, item, month, reason, count(*) AS n
FROM r
GROUP BY GROUPING SETS ((town, reason), (unit, reason), (list, reason), (item, reason),
  (month, reason), (town, month, reason))
"""


def _dimension(flags: tuple[int, int, int, int, int]) -> str:
    if not flags[0] and not flags[4]:
        return "town-month"
    for name, grouped in zip(DIMENSIONS, flags, strict=True):
        if not grouped:
            return name
    raise AssertionError(flags)  # pragma: no cover


# ---------------------------------------------------------------------------- evaluate


def evaluate(
    g: ResponsibilityGraph,
    orders: Orders | Any,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    calendar: CalendarLike | None = None,
    deadlines: DeadlinesLike | None = None,
) -> Evaluation:
    """Evaluate orders against the lists in force on each order's date.

    Args:
        g: the graph holding the lists.
        orders: `Orders` (as `read_orders` returns them), a ``pyarrow.Table`` of events in
            the canonical columns (``order``, ``time``, ``event`` and optionally ``town``,
            ``unit``, ``item``, ``detail``, ``kind``, ``urgent``, ``seq``; tables are
            taken as already checked), or the path of a Parquet file of such events.
        start: first day of reception counted (inclusive); ``None``: no limit.
        end: last day of reception counted (inclusive); ``None``: no limit.
        calendar: the working-day calendar (default ``kr.WorkCalendar.china()``).
        deadlines: the time limits (default ``kr.Deadlines.default()``).

    Returns:
        The `Evaluation`.

    Raises:
        LoadError: a town, unit or item the graph does not know (names are resolved to
            codes for `Orders`; tables and Parquet files must use codes).
        MissingExtraError: pyarrow or duckdb is not installed.
        OwnershipConflictError: the graph has no single primary somewhere (``kr.check``).
        CalendarRangeError: an order's date lies outside the calendar's years.

    Examples:
        >>> import kunshan_rbac as kr
        >>> ev = kr.evaluate(kr.load_sample(), kr.load_sample_orders(),
        ...                  start="2025-01-01", end="2025-12-31")
        >>> row = ev.towns["周市镇"]
        >>> row.orders > 0 and 0 <= row.satisfaction <= 1
        True
    """
    pa = require("pyarrow")
    pc = require("pyarrow.compute")
    duckdb = require("duckdb")
    if calendar is None or deadlines is None:
        default_calendar, default_deadlines = _defaults()
        calendar = calendar or default_calendar
        deadlines = deadlines or default_deadlines
    first_day = parse_date(start) if start is not None else None
    last_day = parse_date(end) if end is not None else None
    duck = duckdb.connect()
    try:
        source = "<events table>"
        if isinstance(orders, Orders):
            duck.register("ev", events_table(orders, g))
        elif isinstance(orders, str | os.PathLike):
            source = str(orders)
            _parquet_view(duck, Path(orders))
        else:
            duck.register("ev", _prepare(pa, pc, orders))
        period = ""
        if first_day is not None:
            period += f" AND CAST(received AS DATE) >= DATE '{first_day.isoformat()}'"
        if last_day is not None:
            period += f" AND CAST(received AS DATE) <= DATE '{last_day.isoformat()}'"
        _run(duck, _ORDERS_SQL.format(period=period))
        if not isinstance(orders, Orders):
            _check_codes(duck, g, source)
        _run(duck, _DISPATCH_SQL)
        span = duck.execute(
            "SELECT min(CAST(time AS DATE)), max(CAST(time AS DATE)) FROM ev "
            "WHERE \"order\" IN (SELECT id FROM o)").fetchall()[0]
        lo, hi = span if span and span[0] is not None else (datetime.date(2025, 1, 1),) * 2
        cal, day0 = _calendar_lists(pa, calendar, lo, hi, margin=120)
        duck.register("cal", cal)
        duck.register("ow", ownership_table(g))
        duck.register("lim", _limits_table(pa, duck, g, deadlines))
        _run(duck, _PER_ORDER_SQL.format(
            wh_r=_wh("o.received", day0), wh_d=_wh("o.done", day0), day0=day0.isoformat()))
        shares = ",\n  ".join(
            f"count(*) FILTER (WHERE {n}) AS {n}, count(*) FILTER (WHERE {hit}) AS {hit}"
            for n, hit in _SHARES.values())
        aggregates = _arrow(duck, _AGGREGATE_SQL.format(shares=shares)).to_pylist()
        reasons = _arrow(duck, _REASONS_SQL).to_pylist()
        per_order = _arrow(duck, "SELECT * FROM po")
    finally:
        duck.close()
    return _assemble(g, aggregates, reasons, per_order, first_day, last_day)


def _parquet_view(duck: Any, path: Path) -> None:
    """View ``ev`` over a Parquet file of events, read by DuckDB as it goes (no copy).

    Missing optional columns are null; ``seq`` defaults to the row's place in the file;
    a time with a zone is turned into China wall-clock time.
    """
    quoted = str(path).replace("'", "''")
    source = f"read_parquet('{quoted}', file_row_number = true)"
    columns = {row[0]: row[1] for row in duck.execute(
        f"DESCRIBE SELECT * FROM {source}").fetchall()}
    select = ['"order"']
    if "WITH TIME ZONE" in columns.get("time", ""):
        select.append("make_timestamp(epoch_us(time) + 28800000000) AS time")
    else:
        select.append("CAST(time AS TIMESTAMP) AS time")
    select.append("event")
    for name in ("town", "unit", "item", "detail", "kind"):
        select.append(name if name in columns else f"CAST(NULL AS VARCHAR) AS {name}")
    select.append("urgent" if "urgent" in columns else "CAST(NULL AS BOOLEAN) AS urgent")
    select.append("seq" if "seq" in columns else "file_row_number AS seq")
    _run(duck, f"CREATE TEMP VIEW ev AS SELECT {', '.join(select)} FROM {source}")


def _run(duck: Any, sql: str) -> None:
    """Run a statement and consume its result (DuckDB wants results finished)."""
    duck.execute(sql).fetchall()


def _arrow(duck: Any, sql: str) -> Any:
    """A query's result as a ``pyarrow.Table`` (DuckDB 1.x and 2.x name this differently)."""
    relation = duck.sql(sql)
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
    return fetch()


def _defaults() -> tuple[CalendarLike, DeadlinesLike]:
    """The China calendar and the shipped deadlines."""
    return WorkCalendar.china(), Deadlines.default()


def _key(flags: tuple[int, ...], row: dict[str, Any]) -> tuple[str, str]:
    dimension = _dimension(flags)  # type: ignore[arg-type]
    if dimension == "town-month":
        return dimension, f"{row['town']}|{row['month']}"
    return dimension, str(row[dimension] or "")


def _assemble(g: ResponsibilityGraph, aggregates: list[dict[str, Any]],
              reasons: list[dict[str, Any]], per_order: Any,
              start: datetime.date | None, end: datetime.date | None) -> Evaluation:
    flag_names = ("g_town", "g_unit", "g_list", "g_item", "g_month")
    top: dict[tuple[str, str], Counter[str]] = {}
    for row in reasons:
        flags = tuple(row[f] for f in flag_names)
        top.setdefault(_key(flags, row), Counter())[row["reason"]] += row["n"]
    names = _Names(g)
    grouped: dict[str, list[EvaluationRow]] = {d: [] for d in (*DIMENSIONS, "town-month")}
    for row in aggregates:
        flags = tuple(row[f] for f in flag_names)
        dimension, key = _key(flags, row)
        counted = {metric: int(row[n]) for metric, (n, _hit) in _SHARES.items()}
        counted["median_hours"] = int(row["hours_n"])
        shares = {metric: (row[hit] / row[n] if row[n] else None)
                  for metric, (n, hit) in _SHARES.items()}
        month = ""
        if dimension == "town-month":
            key, month = str(row["town"]), str(row["month"])
        reasons_here = top.get(_key(flags, row), Counter())
        grouped[dimension].append(EvaluationRow(
            dimension=dimension, key=key, name=names.name(dimension, key),
            orders=int(row["orders"]), **shares,
            median_hours=None if row["median_hours"] is None else float(row["median_hours"]),
            off_list_burden=int(row["burden"]), reclaimed_pushed_back=int(row["pushed"]),
            return_reasons=tuple(sorted(reasons_here.items(), key=lambda x: (-x[1], x[0]))[:3]),
            counted=counted, month=month,
        ))
    for rows in grouped.values():
        rows.sort(key=lambda r: (r.key, r.month))

    def make(dimension: str) -> Rows:
        rows = grouped[dimension]
        return Rows(rows, names.aliases(dimension, [r.key for r in rows]))

    return Evaluation(make("town"), make("unit"), make("list"), make("item"), make("month"),
                      tuple(grouped["town-month"]), start, end, per_order)


class _Names:
    """Readable names and aliases of row keys, from the graph."""

    def __init__(self, g: ResponsibilityGraph) -> None:
        self.g = g

    def name(self, dimension: str, key: str) -> str:
        if dimension == "list":
            return ListKind.parse(key).label if key else "清单外"
        if dimension in ("town", "unit", "town-month"):
            if not key:
                return "未派单" if dimension == "unit" else "未知"
            try:
                return self.g.unit(key).name
            except (UnknownUnitError, AmbiguousNameError):
                return key
        if dimension == "item":
            if not key:
                return "未归类"
            try:
                return self.g.item(key).name
            except (UnknownItemError, AmbiguousNameError):
                return key
        return key

    def aliases(self, dimension: str, keys: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for key in keys:
            if not key:
                continue
            if dimension == "list":
                kind = ListKind.parse(key)
                for alias in (kind.label, kind.short):
                    found[alias] = key
            elif dimension in ("town", "unit"):
                try:
                    unit = self.g.unit(key)
                except (UnknownUnitError, AmbiguousNameError):
                    continue
                for alias in (unit.name, *unit.aliases):
                    found.setdefault(alias, key)
            elif dimension == "item":
                try:
                    found.setdefault(self.g.item(key).name, key)
                except (UnknownItemError, AmbiguousNameError):
                    continue
        return found
