"""Answers that say why: the records, dates, documents and transfers behind an owner,
and, for records read from spreadsheets, the rows they came from."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Any, Generic, TypeVar

import attrs

from . import _frames
from ._catalogue import Catalogue
from ._display import table_html
from ._model import Item, ListKind, Ownership, Record, Role, Town, Transfer
from ._origin import Origin
from ._store import RecordStore
from ._timeline import Segment

__all__ = ["Explanation", "explain"]


_K = TypeVar("_K")
_V = TypeVar("_V")


class _Names(Mapping[_K, _V], Generic[_K, _V]):
    """A read-only copy of a mapping (which, unlike a mapping proxy, pickles and copies
    with the value holding it)."""

    __slots__ = ("_names",)

    def __init__(self, names: Mapping[_K, _V]) -> None:
        self._names = dict(names)

    def __getitem__(self, key: _K) -> _V:
        return self._names[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return repr(self._names)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Names, (self._names,))


def _frozen_names(names: Mapping[str, str]) -> Mapping[str, str]:
    return names if isinstance(names, _Names) else _Names(names)


def _frozen_origins(origins: Mapping[int, Origin]) -> Mapping[int, Origin]:
    return origins if isinstance(origins, _Names) else _Names(origins)


@attrs.frozen
class Explanation:
    """Why an item is (or is not) owned as it is in a town on a date.

    Attributes:
        item: the `Item`.
        town: the `Town`.
        at: the date asked about.
        ownership: the answer, or ``None`` when there is none (see ``problem``).
        problem: why there is no answer: not on any list, or conflicting records.
        in_force: the records in force on that date.
        records: every record of the item in the town, oldest first.
        transfers: the transfers that moved the item in the town.
        unit_names: code to display name of every unit mentioned (a read-only
            mapping).
        origins: where each record read from a spreadsheet came from, by record id (a
            read-only mapping; records built through the API, read from JSON or opened
            by a transfer are not in it). See `kunshan_rbac.ResponsibilityGraph.origin`.
    """

    item: Item
    town: Town
    at: datetime.date
    ownership: Ownership | None
    problem: str
    in_force: tuple[Record, ...]
    records: tuple[Record, ...]
    transfers: tuple[Transfer, ...]
    unit_names: Mapping[str, str] = attrs.field(
        repr=False, eq=False, converter=_frozen_names
    )
    origins: Mapping[int, Origin] = attrs.field(
        factory=dict, repr=False, eq=False, converter=_frozen_origins
    )

    def _unit(self, code: str) -> str:
        return f"{self.unit_names.get(code, code)} ({code})"

    def _record_line(self, record: Record) -> str:
        parts = [
            f"#{record.id} {record.role.label} {self._unit(record.unit)}",
            f"{record.list.short} {record.period}",
        ]
        if record.source:
            parts.append(f"source {record.source}")
        if record.grant:
            parts.append(f"grant {record.grant}")
        if record.opened_by is not None:
            parts.append(f"opened by transfer #{record.opened_by}")
        if record.closed_by is not None:
            parts.append(f"closed by transfer #{record.closed_by}")
        if record.duty:
            parts.append(f"duty: {record.duty}")
        return "; ".join(parts)

    def __str__(self) -> str:
        lines = [
            f"{self.item.code} {self.item.name} — {self.town.name} ({self.town.code}) "
            f"on {self.at.isoformat()}"
        ]
        own = self.ownership
        if own is not None:
            lines.append(f"  list:      {own.list.label} ({own.list.value})")
            lines.append(f"  primary:   {self._unit(own.primary.code)}")
            if own.secondary:
                names = ", ".join(self._unit(u.code) for u in own.secondary)
                lines.append(f"  secondary: {names}")
            lines.append(f"  holds:     {own.period}")
        else:
            lines.append(f"  no owner: {self.problem}")
        if self.item.basis:
            lines.append(f"  basis:     {'; '.join(self.item.basis)}")
        if self.in_force:
            lines.append("  records in force:")
            lines += [f"    {self._record_line(r)}" for r in self.in_force]
        others = [r for r in self.records if r not in self.in_force]
        if others:
            lines.append("  other records of this item in this town:")
            lines += [f"    {self._record_line(r)}" for r in others]
        if self.transfers:
            lines.append("  transfers:")
            lines += [f"    {t}" for t in self.transfers]
        read = self._read_from()
        if read:
            lines.append("  read from:")
            for ids, origin in read:
                lines.append(f"    {', '.join(f'#{i}' for i in ids)}: {origin.place}")
                lines += [f"      {inference}" for inference in origin.inferences]
        return "\n".join(lines)

    def _read_from(self) -> list[tuple[list[int], Origin]]:
        """Each origin with the ids of the records read from it, in record order."""
        grouped: dict[Origin, list[int]] = {}
        for record in self.records:
            origin = self.origins.get(record.id)
            if origin is not None:
                grouped.setdefault(origin, []).append(record.id)
        return [(ids, origin) for origin, ids in grouped.items()]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view: the answer (or why there is none), every record with
        whether it is in force and, when it was read from a spreadsheet, its origin
        (`Origin.to_dict`: file, sheet, row, header rows and what was inferred), and the
        transfers.
        """
        own = self.ownership
        in_force = {r.id for r in self.in_force}
        return {
            "item": {"code": self.item.code, "name": self.item.name},
            "town": {"code": self.town.code, "name": self.town.name},
            "at": self.at.isoformat(),
            "ownership": own.to_dict() if own is not None else None,
            "problem": self.problem,
            "basis": list(self.item.basis),
            "records": [self._record_dict(r, r.id in in_force) for r in self.records],
            "transfers": [{"id": t.id, "kind": t.kind.value, "effective": t.effective.isoformat(),
                           "ref": t.ref, "text": str(t)} for t in self.transfers],
        }

    def _record_dict(self, record: Record, in_force: bool) -> dict[str, Any]:
        origin = self.origins.get(record.id)
        return {
            "id": record.id, "in_force": in_force,
            "unit": {"code": record.unit, "name": self.unit_names.get(record.unit, record.unit)},
            "role": record.role.value, "list": record.list.value,
            "start": record.start.isoformat() if record.start else None,
            "end": record.end.isoformat() if record.end else None,
            "duty": record.duty, "source": record.source, "grant": record.grant,
            "opened_by": record.opened_by, "closed_by": record.closed_by,
            "origin": origin.to_dict() if origin is not None else None,
        }

    def to_arrow(self) -> Any:
        """Every record of the item in the town as a ``pyarrow.Table`` (the
        ``explanation`` columns of the reference: the date, whether each record is in
        force on it, and the record's fields with unit, item and town names).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("explanation", [self])

    def to_pandas(self) -> Any:
        """The records as a ``pandas.DataFrame`` (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())

    def _origin_text(self, record: Record) -> str:
        origin = self.origins.get(record.id)
        return str(origin) if origin is not None else ""

    def __repr__(self) -> str:
        own = self.ownership
        answer = (f"{own.list.value}, primary {own.primary.code}" if own is not None
                  else "no owner")
        return (f"<Explanation {self.item.code} in {self.town.code} on {self.at.isoformat()}: "
                f"{answer}; {len(self.records)} record(s), {len(self.transfers)} transfer(s)>")

    def _repr_html_(self) -> str:
        own = self.ownership
        if own is not None:
            secondary = "、".join(self._unit(u.code) for u in own.secondary)
            head = (f"{own.list.label}；主责 {self._unit(own.primary.code)}"
                    + (f"；次责 {secondary}" if secondary else "") + f"；{own.period}")
        else:
            head = f"无责任主体：{self.problem}"
        read = bool(self.origins)  # a column 读自 (read from) only for records read from lists
        rows = (
            ("在效" if r in self.in_force else "", f"#{r.id}", r.role.label,
             self._unit(r.unit), r.list.short, r.period, r.source, r.duty,
             *((self._origin_text(r),) if read else ()))
            for r in (*self.in_force, *(r for r in self.records if r not in self.in_force))
        )
        footer = [str(t) for t in self.transfers[:5]]
        if len(self.transfers) > 5:
            footer.append(f"… {len(self.transfers) - 5} more transfer(s)")
        return table_html(
            f"{self.item.code} {self.item.name} — {self.town.name} {self.at.isoformat()}：{head}",
            ("", "记录", "角色", "单位", "清单", "有效期", "文号", "职责",
             *(("读自",) if read else ())), rows,
            total=len(self.records), footer=footer,
        )


_frames.register(Explanation, "explanation")


def explain(
    catalogue: Catalogue, store: RecordStore, key: tuple[str, str], at: datetime.date
) -> Explanation:
    """Build the `Explanation` of one (item, town) (codes) on one date."""
    item = catalogue.item_map[key[0]]
    town = catalogue.unit_map[key[1]]
    assert isinstance(town, Town)
    records = tuple(sorted(store.records_of(*key), key=lambda r: r.id))
    in_force = tuple(r for r in records if r.holds_on(at))
    answer = store.lookup(key[0], key[1], at.toordinal())
    ownership = answer if isinstance(answer, Ownership) else None
    if isinstance(answer, Segment):
        problem = answer.problem
    elif answer is None:
        lists = ", ".join(k.label for k in ListKind)
        problem = f"on no list of the town on this date (searched {lists})"
        if not records:
            problem += "; no record of this item in this town exists"
    else:
        problem = ""
    transfers = tuple(
        t for t in store.transfers() if any(m.item == key[0] and m.town == key[1] for m in t.moves)
    )
    mentioned = {r.unit for r in records}
    names = {c: catalogue.unit_map[c].name for c in mentioned}
    primary_first = tuple(sorted(in_force, key=lambda r: (r.role is not Role.PRIMARY, r.id)))
    origins = {r.id: o for r in records if (o := store.origin_of(r.id)) is not None}
    return Explanation(item, town, at, ownership, problem, primary_first, records, transfers, names,
                       origins)
