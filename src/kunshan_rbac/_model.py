"""Domain values: units, items, lists, roles, records, ownership answers and transfers.

Everything here is a frozen attrs value with no I/O. Records refer to units and items by
code; answers (`Ownership`) hold the resolved values so that callers need no lookups.
"""

from __future__ import annotations

import datetime
import enum
import re
from collections.abc import Iterable
from typing import Any, TypeAlias

import attrs

from . import _frames
from ._dates import in_force
from ._display import fields_html, table_html
from ._errors import InvalidRecordError

__all__ = [
    "ENFORCEMENT_POWER_TYPES",
    "POWER_TYPES",
    "Authority",
    "Department",
    "Item",
    "ListKind",
    "Move",
    "Ownership",
    "Record",
    "Role",
    "Town",
    "Transfer",
    "TransferKind",
    "Unit",
]

POWER_TYPES: tuple[str, ...] = (
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政裁决",
    "行政确认",
    "行政给付",
    "行政奖励",
    "行政检查",
    "其他行政权力",
    "公共服务",
)
"""The standard administrative power types (权力类型) of Chinese power lists.

`Item.power_type` accepts any non-empty string, since local lists use variants such as
非行政许可审批 or 其他权力; these are the names the library's own rules know.
"""

ENFORCEMENT_POWER_TYPES: frozenset[str] = frozenset({"行政处罚", "行政强制", "行政检查"})
"""Power types counted as law enforcement (执法事项)."""


_NAMES: dict[type, dict[str, Any]] = {}
"""Per enum class: every accepted spelling to its member, built on first use."""


class _LabelledEnum(enum.Enum):
    """An enum whose ``repr`` is valid Python and which knows its Chinese label."""

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}.{self.name}"

    @classmethod
    def parse(cls, value: object) -> Any:
        """Read a member from itself, its name, its value or its Chinese label(s)."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            names = _NAMES.get(cls)
            if names is None:
                names = _NAMES[cls] = {n: m for m in cls for n in m._names()}
            member = names.get(value.strip())
            if member is not None:
                return member
        choices = ", ".join(m.value for m in cls)
        raise InvalidRecordError(
            f"{value!r} is not a {cls.__name__}; use one of {choices}",
            field=cls.__name__,
            value=value,
        )

    def _names(self) -> tuple[str, ...]:
        return (self.name, self.name.lower(), str(self.value))


class ListKind(_LabelledEnum):
    """The three duty lists of a town.

    Examples:
        >>> ListKind.BASIC.label
        '基本履职事项清单'
        >>> ListKind.parse("配合") is ListKind.COOPERATIVE
        True
    """

    BASIC = "basic"
    """基本履职事项清单: the town must do it and answers for it fully."""
    COOPERATIVE = "cooperative"
    """配合履职事项清单: a department leads, the town assists."""
    RECLAIMED = "reclaimed"
    """上级部门收回事项清单: taken back by a higher department."""

    @property
    def label(self) -> str:
        """The list's full Chinese name, as sheets and documents title it."""
        return _LIST_LABELS[self][0]

    @property
    def short(self) -> str:
        """A two-character Chinese name for tables: 基本, 配合, 收回."""
        return _LIST_LABELS[self][1]

    def _names(self) -> tuple[str, ...]:
        return (*super()._names(), *_LIST_LABELS[self])


_LIST_LABELS = {
    ListKind.BASIC: ("基本履职事项清单", "基本", "基本履职"),
    ListKind.COOPERATIVE: ("配合履职事项清单", "配合", "配合履职"),
    ListKind.RECLAIMED: ("上级部门收回事项清单", "收回", "上级部门收回"),
}


class Role(_LabelledEnum):
    """Who answers for an item: the primary (主责) or a secondary (次责, 协同) unit."""

    PRIMARY = "primary"
    SECONDARY = "secondary"

    @property
    def label(self) -> str:
        """The Chinese name: 主责 or 次责."""
        return "主责" if self is Role.PRIMARY else "次责"

    def _names(self) -> tuple[str, ...]:
        extra = ("主责", "主办") if self is Role.PRIMARY else ("次责", "协办", "协同", "配合")
        return (*super()._names(), *extra)


_CODE = re.compile(r"^[^\s]+$")


def _to_str_tuple(value: Iterable[str] | str | None) -> tuple[str, ...]:
    """Accept one string or an iterable of strings (a lone string is not split)."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    return tuple(value)


def _strings(_inst: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
    for element in value:
        if not isinstance(element, str) or not element.strip():
            raise InvalidRecordError(
                f"{attribute.name} must hold non-empty strings, found {element!r}",
                field=attribute.name,
                value=element,
            )


def _code(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not _CODE.match(value):
        raise InvalidRecordError(
            f"{attribute.name} must be a non-empty code without spaces, found {value!r}",
            field=attribute.name,
            value=value,
        )


def _optional_code(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None:
        _code(inst, attribute, value)


def _name(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidRecordError(
            f"{attribute.name} must be a non-empty string, found {value!r}",
            field=attribute.name,
            value=value,
        )


def _text(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str):
        raise InvalidRecordError(
            f"{attribute.name} must be a string, found {value!r}", field=attribute.name, value=value
        )


@attrs.frozen
class _UnitFields:
    """The fields every unit has, in this order: ``code``, ``name``, then keyword-only
    ``aliases`` and ``parent``. `Town`, `Department` and `Authority` build on it; an
    instance of one never equals an instance of another."""

    code: str = attrs.field(validator=_code)
    name: str = attrs.field(validator=_name)
    aliases: tuple[str, ...] = attrs.field(
        default=(), converter=_to_str_tuple, validator=_strings, kw_only=True
    )
    parent: str | None = attrs.field(default=None, validator=_optional_code, kw_only=True)


@attrs.frozen
class Town(_UnitFields):
    """A township or subdistrict (镇, 街道): the holder of the three lists.

    Attributes:
        code: a stable code without spaces, e.g. ``"yushan"``.
        name: the official name, e.g. ``"玉山镇"``.
        aliases: other names it is known by, e.g. ``("玉山",)``.
        parent: code of the authority above it (a city or county), if recorded.

    Examples:
        >>> Town("yushan", "玉山镇", aliases=("玉山",))
        Town(code='yushan', name='玉山镇', aliases=('玉山',), parent=None)
    """

    kind = "town"


@attrs.frozen
class Department(_UnitFields):
    """A department of a higher government (市住建局, 市市场监管局...).

    Attributes:
        code: a stable code without spaces, e.g. ``"zjj"``.
        name: the official name, e.g. ``"市住房和城乡建设局"``.
        aliases: short forms, e.g. ``("市住建局",)``.
        parent: code of the unit above it (its government or a parent department).

    Examples:
        >>> Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)).aliases
        ('市住建局',)
    """

    kind = "department"


@attrs.frozen
class Authority(_UnitFields):
    """A level of government above the towns (a city, county or district: 市, 县, 区).

    It holds no list itself; towns and departments name it as their ``parent``.

    Attributes:
        code: a stable code, e.g. ``"kunshan"``.
        name: e.g. ``"昆山市"``.
        aliases: other names.
        parent: code of the authority above it.
        level: ``"市"``, ``"县"`` or ``"区"`` (any non-empty text is kept as given).
    """

    level: str = attrs.field(default="市", validator=_name, kw_only=True)

    kind = "authority"


Unit: TypeAlias = Town | Department | Authority
"""Any unit that can appear in the graph."""


@attrs.frozen
class Item:
    """A duty item (履职事项), or a sub-item (子项) of one.

    Attributes:
        code: a stable code without spaces, e.g. ``"ZJ-001"``.
        name: the item's name as the list writes it.
        domain: its field (领域), e.g. ``"城乡建设"``; may be empty.
        power_type: its administrative power type (权力类型), e.g. ``"行政处罚"``, or
            ``None`` for duties that are not powers (most basic-list items).
        basis: legal or policy bases (依据); a tuple, may be empty.
        parent: code of the item this is a sub-item of.

    Examples:
        >>> Item("ZJ-001", "住宅专项维修资金使用受理、审核和日常管理", domain="城乡建设",
        ...      basis="《住宅专项维修资金管理办法》").basis
        ('《住宅专项维修资金管理办法》',)
    """

    code: str = attrs.field(validator=_code)
    name: str = attrs.field(validator=_name)
    domain: str = attrs.field(default="", validator=_text, kw_only=True)
    power_type: str | None = attrs.field(default=None, kw_only=True)
    basis: tuple[str, ...] = attrs.field(
        default=(), converter=_to_str_tuple, validator=_strings, kw_only=True
    )
    parent: str | None = attrs.field(default=None, validator=_optional_code, kw_only=True)

    @power_type.validator
    def _check_power_type(self, attribute: attrs.Attribute[Any], value: object) -> None:
        if value is not None:
            _name(self, attribute, value)

    @property
    def is_enforcement(self) -> bool:
        """Whether the item is law enforcement: a penalty, coercion or inspection."""
        return self.power_type in ENFORCEMENT_POWER_TYPES


def _date(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (
        not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
    ):
        raise InvalidRecordError(
            f"{attribute.name} must be a datetime.date or None, found {value!r}",
            field=attribute.name,
            value=value,
        )


@attrs.frozen(weakref_slot=False)  # no weak references: see `_RecordShell`
class Record:
    """One unit's responsibility for one item in one town, over a validity period.

    Validity is half-open: the record holds from ``start`` (inclusive; ``None`` for since
    always) up to ``end`` (exclusive; ``None`` for open-ended). Records are never deleted;
    a transfer ends them by setting ``end`` and ``closed_by``.

    Attributes:
        id: the record's number in its graph.
        unit: code of the responsible unit.
        item: code of the item.
        town: code of the town whose list holds the item.
        role: primary or secondary.
        list: which of the town's lists.
        start: first day in force, or ``None``.
        end: first day no longer in force, or ``None``.
        duty: what this unit does for the item (上级部门职责, 镇街配合职责, 工作方式...).
        source: the document that set the record up (文号).
        grant: the document that empowered a town to exercise the power (赋权文号).
        opened_by: id of the transfer that opened the record, if any.
        closed_by: id of the transfer that ended it, if any.
    """

    id: int = attrs.field(validator=attrs.validators.instance_of(int))
    unit: str = attrs.field(validator=_code)
    item: str = attrs.field(validator=_code)
    town: str = attrs.field(validator=_code)
    role: Role = attrs.field(validator=attrs.validators.instance_of(Role))
    list: ListKind = attrs.field(validator=attrs.validators.instance_of(ListKind))
    start: datetime.date | None = attrs.field(default=None, validator=_date)
    end: datetime.date | None = attrs.field(default=None, validator=_date)
    duty: str = attrs.field(default="", validator=_text, kw_only=True)
    source: str = attrs.field(default="", validator=_text, kw_only=True)
    grant: str = attrs.field(default="", validator=_text, kw_only=True)
    opened_by: int | None = attrs.field(default=None, kw_only=True)
    closed_by: int | None = attrs.field(default=None, kw_only=True)

    def holds_on(self, day: datetime.date) -> bool:
        """Whether the record is in force on ``day``."""
        return in_force(self.start, self.end, day)

    @property
    def period(self) -> str:
        """The validity as text: ``2024-06-01 – open``."""
        return _period(self.start, self.end)


_FIELDS = tuple(f.name for f in attrs.fields(Record))

_new = object.__new__


class _RecordShell:
    """A mutable object laid out exactly as `Record` (the same slots, no others), so that
    `_trusted_record` can fill it with plain attribute stores and then make it a
    `Record` by assigning ``__class__``, which CPython allows between classes of the same
    layout. Plain stores into slots are the interpreter's fastest attribute write; going
    through a frozen class's slot descriptors one by one took twice as long, and a data
    set of 14.6 million records, or a transfer of 3,470 moves, makes that many records.
    The shell has no ``__init__``: `_trusted_record` makes it with ``object.__new__`` and
    stores the fields itself, which saves a call per record.

    `Record` has no ``__weakref__`` slot for this reason: with one, CPython refuses the
    assignment (it only accepts a weak-reference slot placed right after the base's).
    """

    __slots__ = _FIELDS


if (set(vars(Record)["__slots__"]) != set(_FIELDS)
        or Record.__basicsize__ != _RecordShell.__basicsize__):
    raise ImportError("_RecordShell no longer has Record's layout")  # pragma: no cover


def _trusted_record(
    id: int,
    unit: str,
    item: str,
    town: str,
    role: Role,
    list: ListKind,
    start: datetime.date | None,
    end: datetime.date | None,
    duty: str,
    source: str,
    grant: str,
    opened_by: int | None,
    closed_by: int | None,
) -> Record:
    """Build a `Record` from values already checked, without running its validators.

    The graph uses this for records it makes itself from resolved codes, parsed enums
    and parsed dates, and for records read from a file that passed the schema (the
    validators were a large share of build and transfer time). The fields are stored
    into a `_RecordShell`, which then becomes a `Record`; a test keeps the result equal
    to ``Record(...)``.
    """
    record: Any = _new(_RecordShell)
    record.id = id
    record.unit = unit
    record.item = item
    record.town = town
    record.role = role
    record.list = list
    record.start = start
    record.end = end
    record.duty = duty
    record.source = source
    record.grant = grant
    record.opened_by = opened_by
    record.closed_by = closed_by
    record.__class__ = Record
    return record  # type: ignore[no-any-return]


def _ended(record: Record, end: datetime.date, closed_by: int) -> Record:
    """A stored record ended on ``end`` by transfer ``closed_by`` (fields already checked)."""
    return _trusted_record(
        record.id, record.unit, record.item, record.town, record.role, record.list,
        record.start, end, record.duty, record.source, record.grant, record.opened_by,
        closed_by,
    )


def _period(start: datetime.date | None, end: datetime.date | None) -> str:
    return f"{start.isoformat() if start else 'always'} – {end.isoformat() if end else 'open'}"


@attrs.frozen
class Ownership:
    """Who owns an item in a town over a period: the answer of `ResponsibilityGraph.owner`.

    Attributes:
        item: the `Item`.
        town: the `Town`.
        list: the list of the town that holds the item.
        primary: the unit that answers for it fully (主责).
        secondary: the units that assist (次责), ordered by code.
        start: first day this answer holds (``None``: since always).
        end: first day it no longer holds (``None``: open-ended).
        records: the records behind the answer.
    """

    item: Item
    town: Town
    list: ListKind
    primary: Unit
    secondary: tuple[Unit, ...]
    start: datetime.date | None
    end: datetime.date | None
    records: tuple[Record, ...] = attrs.field(repr=False, eq=False)

    @property
    def period(self) -> str:
        """The validity as text: ``2024-06-01 – open``."""
        return _period(self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the answer."""
        return {
            "item": {"code": self.item.code, "name": self.item.name},
            "town": {"code": self.town.code, "name": self.town.name},
            "list": self.list.value,
            "list_label": self.list.label,
            "primary": {"code": self.primary.code, "name": self.primary.name},
            "secondary": [{"code": u.code, "name": u.name} for u in self.secondary],
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "records": [r.id for r in self.records],
        }

    def to_arrow(self) -> Any:
        """The answer as a one-row ``pyarrow.Table`` (the ``ownership`` columns of the
        reference: codes and names, list code and label, secondary units, period).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("ownership", [self])

    def to_pandas(self) -> Any:
        """The answer as a one-row ``pandas.DataFrame`` (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())

    def __str__(self) -> str:
        secondary = "、".join(u.name for u in self.secondary)
        return (
            f"{self.item.code} {self.item.name} [{self.town.name}]: {self.list.short}, "
            f"主责 {self.primary.name}" + (f", 次责 {secondary}" if secondary else "")
            + f" ({self.period})"
        )

    def _repr_html_(self) -> str:
        return fields_html(f"{self.item.code} {self.item.name}", (
            ("镇街", f"{self.town.name}（{self.town.code}）"),
            ("清单", self.list.label),
            ("主责", f"{self.primary.name}（{self.primary.code}）"),
            ("次责", "、".join(f"{u.name}（{u.code}）" for u in self.secondary) or "—"),
            ("有效期", self.period),
        ))


class TransferKind(_LabelledEnum):
    """What a transfer does: reclaim (收回), delegate (下放) or revert (撤销)."""

    RECLAIM = "reclaim"
    DELEGATE = "delegate"
    REVERT = "revert"

    @property
    def label(self) -> str:
        """The Chinese name."""
        return {"reclaim": "收回", "delegate": "下放", "revert": "撤销"}[self.value]


@attrs.frozen(weakref_slot=False)  # no weak references: see `_RecordShell`
class Move:
    """What one transfer did to one (item, town).

    Attributes:
        item: item code.
        town: town code.
        from_unit: the primary before the transfer.
        to_unit: the primary after it.
        from_list: the list before.
        to_list: the list after.
        closed: ids of the records the transfer ended.
        opened: ids of the records it opened.
    """

    item: str
    town: str
    from_unit: str
    to_unit: str
    from_list: ListKind
    to_list: ListKind
    closed: tuple[int, ...]
    opened: tuple[int, ...]


class _MoveShell:
    """A mutable object laid out exactly as `Move`, for `_trusted_move`: what
    `_RecordShell` is to `Record`."""

    __slots__ = tuple(f.name for f in attrs.fields(Move))


if (set(vars(Move)["__slots__"]) != set(_MoveShell.__slots__)
        or Move.__basicsize__ != _MoveShell.__basicsize__):
    raise ImportError("_MoveShell no longer has Move's layout")  # pragma: no cover


def _trusted_move(
    item: str,
    town: str,
    from_unit: str,
    to_unit: str,
    from_list: ListKind,
    to_list: ListKind,
    closed: tuple[int, ...],
    opened: tuple[int, ...],
) -> Move:
    """Build a `Move` from values a transfer has already checked, like `_trusted_record`
    (a bulk transfer makes thousands); a test keeps the result equal to ``Move(...)``."""
    move: Any = _new(_MoveShell)
    move.item = item
    move.town = town
    move.from_unit = from_unit
    move.to_unit = to_unit
    move.from_list = from_list
    move.to_list = to_list
    move.closed = closed
    move.opened = opened
    move.__class__ = Move
    return move  # type: ignore[no-any-return]


@attrs.frozen
class Transfer:
    """A recorded transfer, as returned by `ResponsibilityGraph.reclaim`, ``delegate``
    and ``revert``.

    Attributes:
        id: the transfer's number in its graph.
        kind: reclaim, delegate or revert.
        effective: the first day the new owners hold.
        moves: one `Move` per (item, town), ordered by item then town.
        ref: the document reference (文号).
        reason: why the move was made.
        keep_secondary: whether the unit that lost the lead stays secondary.
        reverts: for a revert, the id of the transfer it undoes.
    """

    id: int
    kind: TransferKind
    effective: datetime.date
    moves: tuple[Move, ...]
    ref: str = ""
    reason: str = ""
    keep_secondary: bool = False
    reverts: int | None = None

    @property
    def items(self) -> tuple[str, ...]:
        """Codes of the items moved, sorted."""
        return tuple(sorted({m.item for m in self.moves}))

    @property
    def towns(self) -> tuple[str, ...]:
        """Codes of the towns touched, sorted."""
        return tuple(sorted({m.town for m in self.moves}))

    @property
    def from_units(self) -> tuple[str, ...]:
        """Codes of the units that were primary before, sorted."""
        return tuple(sorted({m.from_unit for m in self.moves}))

    @property
    def to_units(self) -> tuple[str, ...]:
        """Codes of the units that are primary after, sorted."""
        return tuple(sorted({m.to_unit for m in self.moves}))

    @property
    def to_unit(self) -> str | None:
        """The one unit that became primary everywhere, or ``None`` when they differ
        (a delegation to several towns)."""
        units = self.to_units
        return units[0] if len(units) == 1 else None

    def __str__(self) -> str:
        head = (
            f"transfer #{self.id} {self.kind.value} ({self.kind.label}) effective "
            f"{self.effective.isoformat()}"
        )
        if self.ref:
            head += f", {self.ref}"
        if self.reason:
            head += f": {self.reason}"
        return (
            f"{head}; {len(self.items)} item(s) in {len(self.towns)} town(s), "
            f"from {', '.join(self.from_units)} to {', '.join(self.to_units)}"
        )

    def to_arrow(self, graph: Any = None) -> Any:
        """The transfer as a ``pyarrow.Table``, one row per move (the ``transfer``
        columns of the reference).

        Args:
            graph: the graph it was recorded in, to fill the name columns (a transfer
                holds codes only; without a graph the names are null).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("transfer", [self], _frames.names_from(graph))

    def to_pandas(self, graph: Any = None) -> Any:
        """The transfer as a ``pandas.DataFrame``, one row per move (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow(graph))

    def _repr_html_(self) -> str:
        rows = (
            (m.item, m.town, m.from_unit, m.to_unit, m.from_list.short, m.to_list.short)
            for m in self.moves
        )
        title = f"#{self.id} {self.kind.label} {self.effective.isoformat()}"
        if self.ref:
            title += f" {self.ref}"
        footer = [f"理由：{self.reason}"] if self.reason else []
        return table_html(title, ("事项", "镇街", "原主责", "新主责", "原清单", "新清单"),
                          rows, total=len(self.moves), footer=footer)


for _cls, _kind in ((Ownership, "ownership"), (Record, "record"), (Item, "item"),
                    (_UnitFields, "unit"), (Transfer, "transfer")):
    _frames.register(_cls, _kind)
del _cls, _kind
