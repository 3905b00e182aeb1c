"""Answers that say why: the records, dates, documents and transfers behind an owner."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from . import _frames
from ._catalogue import Catalogue
from ._display import table_html
from ._model import Item, ListKind, Ownership, Record, Role, Town, Transfer
from ._store import RecordStore
from ._timeline import Segment

__all__ = ["Explanation", "explain"]


class _Names(Mapping[str, str]):
    """A read-only copy of a code-to-name mapping (which, unlike a mapping proxy,
    pickles and copies with the value holding it)."""

    __slots__ = ("_names",)

    def __init__(self, names: Mapping[str, str]) -> None:
        self._names = dict(names)

    def __getitem__(self, code: str) -> str:
        return self._names[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return repr(self._names)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Names, (self._names,))


def _frozen_names(names: Mapping[str, str]) -> Mapping[str, str]:
    return names if isinstance(names, _Names) else _Names(names)


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
        return "\n".join(lines)

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
        rows = (
            ("在效" if r in self.in_force else "", f"#{r.id}", r.role.label,
             self._unit(r.unit), r.list.short, r.period, r.source, r.duty)
            for r in (*self.in_force, *(r for r in self.records if r not in self.in_force))
        )
        footer = [str(t) for t in self.transfers[:5]]
        if len(self.transfers) > 5:
            footer.append(f"… {len(self.transfers) - 5} more transfer(s)")
        return table_html(
            f"{self.item.code} {self.item.name} — {self.town.name} {self.at.isoformat()}：{head}",
            ("", "记录", "角色", "单位", "清单", "有效期", "文号", "职责"), rows,
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
    return Explanation(item, town, at, ownership, problem, primary_first, records, transfers, names)
