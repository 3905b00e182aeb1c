"""Work orders (工单) of a citizen hotline such as 12345, as sequences of dated events.

An order is what one citizen asked for, followed through the loop "群众点单、清单派单、镇街接单、
群众评单": it is ``received`` (time, town, text, channel), ``dispatched`` to a unit (by the
router or by a person), perhaps ``returned`` (退单, with a reason) and dispatched again,
``signed`` (签收) and ``done`` (办结, with the reply), ``rated`` by the citizen (满意, 基本满意,
不满意) and perhaps ``reopened`` (重办). Everything here is a frozen value with no I/O; the
readers and the writer live in ``_orders_io``.

Times are China time: aware datetimes in UTC+08:00 (``kr.CHINA_TZ``). A naive time is read
as China time; an aware one in another zone is converted.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs
from dateutil.parser import isoparse

from . import _frames
from ._calendar import CHINA_TZ
from ._errors import Problem

__all__ = [
    "EVENT_KINDS",
    "RATINGS",
    "Order",
    "OrderEvent",
    "Orders",
    "check_sequence",
    "parse_event",
    "parse_rating",
    "parse_time",
]

EVENT_KINDS: tuple[str, ...] = (
    "received", "dispatched", "returned", "signed", "done", "rated", "reopened",
)
"""The events of an order, in the order the loop goes through them."""

_EVENT_NAMES: dict[str, str] = {
    **{k: k for k in EVENT_KINDS},
    "受理": "received", "来电": "received", "登记": "received", "接收": "received",
    "派单": "dispatched", "转办": "dispatched", "交办": "dispatched", "派发": "dispatched",
    "退单": "returned", "退回": "returned",
    "签收": "signed", "接单": "signed",
    "办结": "done", "办理完成": "done", "答复": "done",
    "评价": "rated", "回访": "rated",
    "重办": "reopened", "重新办理": "reopened", "重派": "reopened",
}

RATINGS: tuple[str, ...] = ("满意", "基本满意", "不满意")
"""The three ratings a citizen gives; satisfaction counts the first two."""

_RATING_NAMES: dict[str, str] = {
    "满意": "满意", "非常满意": "满意", "satisfied": "满意",
    "基本满意": "基本满意", "比较满意": "基本满意", "basically satisfied": "基本满意",
    "不满意": "不满意", "非常不满意": "不满意", "unsatisfied": "不满意",
    "dissatisfied": "不满意",
}

_DISPATCHERS = {"router": "router", "person": "person", "": "",
                "智能派单": "router", "自动": "router", "人工": "person", "人工派单": "person"}

_EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=CHINA_TZ)
_SLASHED = re.compile(
    r"^\s*(\d{4})[/.年-](\d{1,2})[/.月-](\d{1,2})日?\s*[ T]?\s*(\d{1,2})[:时](\d{1,2})"
    r"分?(?::?(\d{1,2})(?:\.\d+)?秒?)?\s*$"
)


def parse_time(value: object) -> datetime.datetime:
    """Read an event time as an aware datetime in China time.

    Args:
        value: a ``datetime`` (naive: China time), or a string such as
            ``2025-07-01 08:30``, ``2025-07-01T08:30:00+08:00``, ``2025/7/1 8:30:00`` or
            ``2025年7月1日 8时30分``. A date alone is refused: hours are measured.

    Returns:
        The time in `CHINA_TZ`.

    Raises:
        ValueError: the value is not a date with a time of day.

    Examples:
        >>> parse_time("2025/7/1 8:30").isoformat()
        '2025-07-01T08:30:00+08:00'
    """
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        match = _SLASHED.match(text)
        if match:
            y, mo, d, h, mi, s = match.groups()
            try:
                moment = datetime.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
            except ValueError as exc:
                raise ValueError(f"a real date and time ({exc})") from None
        elif len(text) > 10 and text[4:5] == "-" and text[10:11] in ("T", " "):
            try:
                moment = isoparse(text)
            except (ValueError, OverflowError) as exc:
                raise ValueError(f"not a date and time ({exc})") from None
        else:
            raise ValueError("a date with a time of day, e.g. 2025-07-01 08:30")
    else:
        raise ValueError(f"a date with a time of day, not {type(value).__name__}")
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CHINA_TZ)
    return moment.astimezone(CHINA_TZ)


def parse_event(value: str) -> str:
    """The event kind for ``value`` (English or Chinese), e.g. ``"办结"`` → ``"done"``.

    Raises:
        ValueError: no event has that name.
    """
    kind = _EVENT_NAMES.get(value.strip().lower()) or _EVENT_NAMES.get(value.strip())
    if kind is None:
        raise ValueError(f"one of {', '.join(EVENT_KINDS)} (or 受理, 派单, 退单, 签收, 办结, "
                         "评价, 重办)")
    return kind


def parse_rating(value: str) -> str:
    """The rating for ``value``: ``满意``, ``基本满意`` or ``不满意``.

    Raises:
        ValueError: the value is not one of those (or a known synonym).
    """
    rating = _RATING_NAMES.get(value.strip().lower())
    if rating is None:
        raise ValueError("满意, 基本满意 or 不满意")
    return rating


def _event_tuple(value: Iterable[OrderEvent]) -> tuple[OrderEvent, ...]:
    return tuple(value)


def _order_tuple(value: Iterable[Order]) -> tuple[Order, ...]:
    return tuple(value)


def _problem_tuple(value: Iterable[Problem]) -> tuple[Problem, ...]:
    return tuple(value)


def _str_tuple(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _aware(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, datetime.datetime) or value.utcoffset() != CHINA_TZ.utcoffset(
        None
    ):
        raise ValueError(f"{attribute.name} must be a datetime in China time, found {value!r}")


@attrs.frozen
class OrderEvent:
    """One event of an order, in the canonical format.

    Attributes:
        order: the order's id (工单编号).
        time: when it happened, in China time.
        event: one of `EVENT_KINDS`.
        town: the town's code (or name, when read without a graph); set on ``received``.
        unit: the unit the event concerns: the unit dispatched to, returning, signing or
            finishing; empty when not recorded.
        item: the duty item's code (or name) the order was classified as; may be empty.
        text: the citizen's words (on ``received``).
        detail: the rating of ``rated``, the reason of ``returned``, the reply of ``done``.
        channel: how the order came in (电话, 网站, 微信, APP...), on ``received``.
        by: who dispatched: ``"router"``, ``"person"`` or empty.
        kind: the kind of appeal (诉求类型: 咨询, 求助, 投诉, 举报...), if recorded.
        urgent: whether the order was marked urgent.
        row: where it was read (file, sheet, row), for problems found later; not compared.
    """

    order: str = attrs.field(validator=attrs.validators.min_len(1))
    time: datetime.datetime = attrs.field(validator=_aware)
    event: str = attrs.field(validator=attrs.validators.in_(EVENT_KINDS))
    town: str = ""
    unit: str = ""
    item: str = ""
    text: str = ""
    detail: str = ""
    channel: str = ""
    by: str = attrs.field(default="", validator=attrs.validators.in_(("", "router", "person")))
    kind: str = ""
    urgent: bool = False
    row: Problem | None = attrs.field(default=None, eq=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The event as one canonical JSON object (the JSONL line the writer emits)."""
        data: dict[str, Any] = {
            "order": self.order,
            "time": self.time.isoformat(),
            "event": self.event,
        }
        for name in ("town", "unit", "item", "text", "detail", "channel", "by", "kind"):
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.urgent:
            data["urgent"] = True
        return data


@attrs.frozen
class Order:
    """An order: its events, oldest first, starting with ``received``.

    Attributes:
        id: the order's id.
        events: its events in time order.

    Examples:
        >>> import datetime
        >>> t = datetime.datetime(2025, 7, 1, 9, 0, tzinfo=CHINA_TZ)
        >>> o = Order("A1", (OrderEvent("A1", t, "received", town="zhoushi", text="路灯不亮"),))
        >>> o.town, o.rating, o.is_done
        ('zhoushi', None, False)
    """

    id: str
    events: tuple[OrderEvent, ...] = attrs.field(converter=_event_tuple)

    def _first(self, kind: str) -> OrderEvent | None:
        return next((e for e in self.events if e.event == kind), None)

    @property
    def received(self) -> datetime.datetime:
        """When the order was received."""
        return self.events[0].time

    @property
    def town(self) -> str:
        """The town the order belongs to (its ``received`` event's town)."""
        return self.events[0].town

    @property
    def text(self) -> str:
        """The citizen's words."""
        return self.events[0].text

    @property
    def item(self) -> str:
        """The item the order was classified as: the first event that names one, or ``""``."""
        return next((e.item for e in self.events if e.item), "")

    @property
    def dispatches(self) -> tuple[OrderEvent, ...]:
        """Every ``dispatched`` event, in order."""
        return tuple(e for e in self.events if e.event == "dispatched")

    @property
    def first_unit(self) -> str:
        """The unit of the first dispatch, or ``""`` if the order was never dispatched."""
        first = self._first("dispatched")
        return first.unit if first else ""

    @property
    def is_done(self) -> bool:
        """Whether a ``done`` event was recorded."""
        return self._first("done") is not None

    @property
    def rating(self) -> str | None:
        """The last rating given, or ``None``."""
        rated = [e.detail for e in self.events if e.event == "rated"]
        return rated[-1] if rated else None

    @property
    def return_reasons(self) -> tuple[str, ...]:
        """The reasons of every ``returned`` event."""
        return tuple(e.detail for e in self.events if e.event == "returned")


@attrs.frozen
class Orders:
    """A collection of orders, as `read_orders` returns it.

    Attributes:
        orders: the orders, in the order their ``received`` events were read.
        problems: the problems found while reading (empty unless read with
            ``on_error="collect"``); an order with a problem is not among ``orders``.
        notes: what the reader inferred (for instance a dispatch time taken from the
            reception time of a one-row-per-order export), one line each.
        source: the file read, if any.
    """

    orders: tuple[Order, ...] = attrs.field(converter=_order_tuple)
    problems: tuple[Problem, ...] = attrs.field(default=(), converter=_problem_tuple)
    notes: tuple[str, ...] = attrs.field(default=(), converter=_str_tuple)
    source: str = ""
    _index: Mapping[str, Order] = attrs.field(
        init=False, repr=False, eq=False,
        default=attrs.Factory(lambda self: {o.id: o for o in self.orders}, takes_self=True),
    )

    def __len__(self) -> int:
        return len(self.orders)

    def __iter__(self) -> Iterator[Order]:
        return iter(self.orders)

    def __getitem__(self, order_id: str) -> Order:
        return self._index[order_id]

    def __contains__(self, order_id: object) -> bool:
        return order_id in self._index

    def to_arrow(self) -> Any:
        """Every event of every order, one row each, as a ``pyarrow.Table`` (the
        ``order_event`` columns).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("order_event", [self])

    def to_pandas(self) -> Any:
        """Every event of every order, one row each, as a ``pandas.DataFrame`` (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())

    def events(self) -> Iterator[OrderEvent]:
        """Every event of every order, order by order."""
        for order in self.orders:
            yield from order.events

    @classmethod
    def from_events(
        cls, events: Iterable[OrderEvent], *, file: str = "", notes: Sequence[str] = ()
    ) -> Orders:
        """Group events into orders, checking each order's sequence (`check_sequence`).

        Orders with a problem are left out of ``orders`` and their problems kept in
        ``problems``; nothing is reordered or repaired.
        """
        grouped: dict[str, list[OrderEvent]] = {}
        for event in events:
            grouped.setdefault(event.order, []).append(event)
        orders: list[Order] = []
        problems: list[Problem] = []
        latest = datetime.datetime.now(CHINA_TZ) + datetime.timedelta(days=1)
        for order_id, group in grouped.items():
            found = check_sequence(group, file=file, latest=latest)
            if found:
                problems.extend(found)
            else:
                orders.append(Order(order_id, group))
        return cls(orders, problems, notes, file)


# What must come before each event (any earlier event of these kinds).
_NEEDS: dict[str, tuple[str, ...]] = {
    "returned": ("dispatched",),
    "signed": ("dispatched",),
    "rated": ("done",),
    "reopened": ("done",),
}


def check_sequence(
    events: Sequence[OrderEvent], *, file: str = "", latest: datetime.datetime | None = None
) -> list[Problem]:
    """The problems in one order's events, as read (nothing is sorted or repaired).

    An order starts with exactly one ``received``; times never go backwards; a return or a
    signature follows a dispatch; a rating or a reopening follows a ``done``; no time is
    before 2000 or more than a day in the future.

    Args:
        events: the order's events in the order they were read.
        file: how problems name the file when an event has no ``row``.
        latest: the latest possible time (default: a day from now).

    Returns:
        One `Problem` per fault, located at the offending event's row.
    """
    problems: list[Problem] = []

    def at(event: OrderEvent, column: str, value: object, expected: str) -> None:
        place = event.row or Problem(file)
        problems.append(attrs.evolve(place, column=column, value=value, expected=expected))

    first = events[0]
    if first.event != "received":
        at(first, "event", first.event,
           f"order {first.order!r}: a 'received' event first (an event for an order never "
           "received)")
    if latest is None:
        latest = datetime.datetime.now(CHINA_TZ) + datetime.timedelta(days=1)
    seen: set[str] = set()
    previous: OrderEvent | None = None
    for event in events:
        if event.time < _EARLIEST or event.time > latest:
            at(event, "time", event.time.isoformat(),
               f"order {event.order!r}: a possible time (after 2000, not in the future)")
        if event.event == "received" and event is not first:
            at(event, "order", event.order,
               f"a unique order id ({event.order!r} is received more than once)")
        if previous is not None and event.time < previous.time:
            at(event, "time", event.time.isoformat(),
               f"order {event.order!r}: events in time order ({event.event} comes after "
               f"{previous.event} at {previous.time.isoformat()})")
        needed = _NEEDS.get(event.event)
        if needed and not seen.intersection(needed):
            at(event, "event", event.event,
               f"order {event.order!r}: {' or '.join(needed)} before {event.event}")
        seen.add(event.event)
        previous = event
    return problems


_frames.register(OrderEvent, "order_event")
_frames.register(Order, "order_event")
_frames.register(Orders, "order_event")
