"""A unit's whole picture on a date: every item it is on the lists for, and its part.

`ResponsibilityGraph.duties` answers "what does this unit answer for": the (item, town)
pairs where the unit is primary or secondary. A town's lists hold more than that: the
items reclaimed by a department, which stay on the town's reclaimed list
(上级部门收回事项清单) even where the town keeps no part. `picture` gives both at once, with
a role column saying which is which and the unit answering for each item now.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

from . import _frames
from ._dates import DateLike, parse_date
from ._display import MAX_ROWS, table_html
from ._errors import OwnershipConflictError
from ._model import Item, ListKind, Ownership, Town, Unit, _LabelledEnum

if TYPE_CHECKING:
    from ._graph import ResponsibilityGraph

__all__ = ["Picture", "PictureEntry", "PictureRole", "picture"]


class PictureRole(_LabelledEnum):
    """A unit's part in one (item, town) of its `Picture`.

    Examples:
        >>> PictureRole.RECLAIMED.label
        '已收回'
    """

    PRIMARY = "primary"
    """主责: the unit answers fully."""
    SECONDARY = "secondary"
    """次责: the unit assists."""
    RECLAIMED = "reclaimed"
    """已收回: on the town's reclaimed list, a department answers and the town keeps no part."""
    LISTED = "listed"
    """列入清单: on one of the town's other lists, which name the town in no role."""
    CONFLICT = "conflict"
    """责任冲突: the records name no single primary (``kr.check`` says why)."""

    @property
    def label(self) -> str:
        """The Chinese name."""
        return _PART_LABELS[self]

    def _names(self) -> tuple[str, ...]:
        return (*super()._names(), _PART_LABELS[self])


_PART_LABELS = {
    PictureRole.PRIMARY: "主责",
    PictureRole.SECONDARY: "次责",
    PictureRole.RECLAIMED: "已收回",
    PictureRole.LISTED: "列入清单",
    PictureRole.CONFLICT: "责任冲突",
}


@attrs.frozen
class PictureEntry:
    """One (item, town) of a `Picture`.

    Attributes:
        town: the `Town` whose list holds the item.
        item: the `Item`.
        list: the list holding it on the date.
        role: the pictured unit's `PictureRole` in it.
        ownership: the `Ownership` on the date (``None`` for a conflict).
    """

    town: Town
    item: Item
    list: ListKind
    role: PictureRole
    ownership: Ownership | None

    @property
    def responsible(self) -> Unit | None:
        """The unit answering fully on the date (``None`` for a conflict)."""
        return self.ownership.primary if self.ownership is not None else None


@attrs.frozen
class Picture:
    """Everything a unit is on the lists for on a date: the answer of
    `ResponsibilityGraph.picture`.

    For a town: every item on its three lists (reclaimed items included, with the
    department now answering for them), plus any item of another town where it holds a
    role. For a department: every (item, town) where it is primary or secondary.

    Attributes:
        unit: the unit pictured.
        at: the date.
        entries: one `PictureEntry` per (item, town, list), ordered by town, list, item.
    """

    unit: Unit
    at: datetime.date
    entries: tuple[PictureEntry, ...]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[PictureEntry]:
        return iter(self.entries)

    def counts(self) -> dict[PictureRole, int]:
        """How many entries have each part (every part present, zeros included)."""
        counts = dict.fromkeys(PictureRole, 0)
        for entry in self.entries:
            counts[entry.role] += 1
        return counts

    def items(self, role: PictureRole | str | None = None) -> list[Item]:
        """The items of the entries (with one role, if given), in entry order."""
        wanted = PictureRole.parse(role) if role is not None else None
        return [e.item for e in self.entries if wanted is None or e.role is wanted]

    def to_arrow(self) -> Any:
        """The entries as a ``pyarrow.Table`` (one row each; columns in the reference).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("picture", [self])

    def to_pandas(self) -> Any:
        """The entries as a ``pandas.DataFrame`` (one row each).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())

    def _summary(self) -> str:
        counts = ", ".join(f"{n} {p.value}" for p, n in self.counts().items() if n)
        return (f"{self.unit.name} ({self.unit.code}) on {self.at.isoformat()}: "
                f"{len(self.entries)} entries ({counts or 'none'})")

    def __repr__(self) -> str:
        return f"<Picture {self._summary()}>"

    def __str__(self) -> str:
        lines = [self._summary()]
        for e in self.entries:
            who = e.responsible.name if e.responsible is not None else "—"
            lines.append(f"  {e.role.label}  {e.town.name}  {e.list.short}  "
                         f"{e.item.code} {e.item.name}  → {who}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = (
            (e.town.name, e.list.short, e.item.code, e.item.name, e.role.label,
             e.responsible.name if e.responsible is not None else "—",
             "、".join(u.name for u in e.ownership.secondary) if e.ownership else "")
            for e in self.entries
        )
        counts = "，".join(f"{p.label} {n}" for p, n in self.counts().items() if n)
        return table_html(
            f"{self.unit.name}（{self.unit.code}）{self.at.isoformat()} 全部事项：{counts}",
            ("镇街", "清单", "编码", "事项", "角色", "主责单位", "协同单位"),
            rows, total=len(self.entries), limit=MAX_ROWS,
        )


def picture(graph: ResponsibilityGraph, unit: str, at: DateLike | None = None) -> Picture:
    """Build the `Picture` of a unit on a date (see `ResponsibilityGraph.picture`)."""
    target = graph.unit(unit)
    day = parse_date(at)
    lists: dict[tuple[str, str], set[ListKind]] = {}
    if isinstance(target, Town):
        for kind in ListKind:
            for item in graph.items_on(kind, town=target.code, at=day):
                lists.setdefault((item.code, target.code), set()).add(kind)
    for record in graph.records(unit=target.code):
        if record.holds_on(day):
            lists.setdefault((record.item, record.town), set()).add(record.list)
    entries = []
    for item_code, town_code in lists:
        try:
            o = graph.owner(item_code, town=town_code, at=day)
        except OwnershipConflictError:
            town = graph.town(town_code)
            item = graph.item(item_code)
            entries += [PictureEntry(town, item, k, PictureRole.CONFLICT, None)
                        for k in lists[item_code, town_code]]
            continue
        entries.append(PictureEntry(o.town, o.item, o.list, part_of(target, o), o))
    order = {k: n for n, k in enumerate(ListKind)}
    entries.sort(key=lambda e: (e.town.code, order[e.list], e.item.code))
    return Picture(target, day, tuple(entries))


def part_of(unit: Unit, ownership: Ownership) -> PictureRole:
    """A unit's part in an ownership: primary, secondary, reclaimed (from this town) or
    listed (on this town's list without a role)."""
    if ownership.primary.code == unit.code:
        return PictureRole.PRIMARY
    if any(u.code == unit.code for u in ownership.secondary):
        return PictureRole.SECONDARY
    if ownership.list is ListKind.RECLAIMED:
        return PictureRole.RECLAIMED
    return PictureRole.LISTED


_frames.register(Picture, "picture")
