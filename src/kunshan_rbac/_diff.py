"""What changed between two dates: items added to, removed from and moved between lists."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import attrs

from . import _frames
from ._dates import DateLike, parse_date
from ._display import table_html
from ._graph import ResponsibilityGraph
from ._model import Item, ListKind, Ownership, Town
from ._stats import power_counts

__all__ = ["Change", "Diff", "diff"]


@attrs.frozen
class Change:
    """How one (item, town) differs between the two dates of a `Diff`.

    Attributes:
        item: the `Item`.
        town: the `Town`.
        before: the ownership on the first date, or ``None`` if on no list then.
        after: the ownership on the second date, or ``None`` if on no list then.
    """

    item: Item
    town: Town
    before: Ownership | None
    after: Ownership | None

    @property
    def kind(self) -> str:
        """``"added"``, ``"removed"``, ``"moved"`` (another list or another primary) or
        ``"changed"`` (same list and primary, other secondary units)."""
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        if self.before.list is not self.after.list or self.before.primary != self.after.primary:
            return "moved"
        return "changed"

    def describe(self) -> str:
        """One line: the item, the town and what happened to it."""
        head = f"{self.item.code} {self.item.name} [{self.town.name}]"

        def side(o: Ownership | None) -> str:
            return "—" if o is None else f"{o.list.short}/{o.primary.name}"

        return f"{head}: {side(self.before)} → {side(self.after)}"


_KINDS = ("added", "removed", "moved", "changed")
_KIND_LABELS = {"added": "新增", "removed": "移出", "moved": "调整", "changed": "协同变化"}


@attrs.frozen
class Diff:
    """The differences between two dates, per list and per town.

    Attributes:
        start: the first date.
        end: the second date.
        towns: the towns compared.
        changes: every (item, town) whose answer differs, ordered by town then item.
        powers: town code to ``(before, after)`` counts of the powers the town exercises
            as primary, by power type, at sub-item level (see `kunshan_rbac.power_counts`).
    """

    start: datetime.date
    end: datetime.date
    towns: tuple[Town, ...]
    changes: tuple[Change, ...]
    powers: Mapping[str, tuple[Mapping[str, int], Mapping[str, int]]] = attrs.field(repr=False)

    def _select(self, kind: str, list_kind: ListKind, town: str | None) -> tuple[Change, ...]:
        def side(change: Change) -> Ownership | None:
            return change.before if kind == "removed" else change.after

        return tuple(
            c
            for c in self.changes
            if c.kind == kind
            and (town is None or c.town.code == town or c.town.name == town)
            and (o := side(c)) is not None
            and o.list is list_kind
        )

    def _per_list(self, kind: str) -> Mapping[ListKind, tuple[Change, ...]]:
        return MappingProxyType({k: self._select(kind, k, None) for k in ListKind})

    @property
    def added(self) -> Mapping[ListKind, tuple[Change, ...]]:
        """Per list: items on it at the end that were on no list at the start."""
        return self._per_list("added")

    @property
    def removed(self) -> Mapping[ListKind, tuple[Change, ...]]:
        """Per list: items on it at the start that are on no list at the end."""
        return self._per_list("removed")

    @property
    def moved(self) -> Mapping[ListKind, tuple[Change, ...]]:
        """Per list: items on it at the end that were on another list, or had another
        primary, at the start (a reclaimed item appears under RECLAIMED)."""
        return self._per_list("moved")

    @property
    def changed(self) -> Mapping[ListKind, tuple[Change, ...]]:
        """Per list: items with the same list and primary but other secondary units."""
        return self._per_list("changed")

    def for_town(self, town: str) -> Diff:
        """The part of the diff about one town (by code or name)."""
        keep = tuple(t for t in self.towns if town in (t.code, t.name, *t.aliases))
        codes = {t.code for t in keep}
        return Diff(
            self.start, self.end, keep, tuple(c for c in self.changes if c.town.code in codes),
            MappingProxyType({k: v for k, v in self.powers.items() if k in codes}),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""

        def side(o: Ownership | None) -> dict[str, Any] | None:
            if o is None:
                return None
            return {"list": o.list.value, "primary": o.primary.code,
                    "secondary": [u.code for u in o.secondary]}

        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "towns": [t.code for t in self.towns],
            "changes": [
                {"item": c.item.code, "name": c.item.name, "town": c.town.code,
                 "kind": c.kind, "before": side(c.before), "after": side(c.after)}
                for c in self.changes
            ],
            "powers": {
                town: {"before": dict(before), "after": dict(after)}
                for town, (before, after) in self.powers.items()
            },
        }

    def __str__(self) -> str:
        lines = [
            f"Changes from {self.start.isoformat()} to {self.end.isoformat()} "
            f"({len(self.towns)} town(s), {len(self.changes)} change(s))"
        ]
        for kind in ListKind:
            counts = {name: len(self._select(name, kind, None)) for name in _KINDS}
            summary = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
            lines.append(f"{kind.label}: {summary or 'no change'}")
            for name in _KINDS:
                for change in self._select(name, kind, None):
                    lines.append(f"  {name:<7} {change.describe()}")
        for town in self.towns:
            before, after = self.powers.get(town.code, ({}, {}))
            types = sorted(set(before) | set(after))
            if types:
                lines.append(f"powers {town.name} exercises as primary (sub-items counted):")
                lines += [f"  {t}: {before.get(t, 0)} → {after.get(t, 0)}" for t in types]
        return "\n".join(lines)

    def to_arrow(self) -> Any:
        """The changes as a ``pyarrow.Table``, one row per (item, town) that differs
        (the ``diff`` columns of the reference: both dates, town, item, the kind of
        change, and the list and units before and after).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("diff", [self])

    def to_pandas(self) -> Any:
        """The changes as a ``pandas.DataFrame`` (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())

    def _counts(self) -> dict[str, int]:
        counts = dict.fromkeys(_KINDS, 0)
        for change in self.changes:
            counts[change.kind] += 1
        return counts

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in self._counts().items() if n)
        return (f"<Diff {self.start.isoformat()} → {self.end.isoformat()}: "
                f"{len(self.towns)} town(s), {len(self.changes)} change(s)"
                + (f" ({counts})>" if counts else ">"))

    def _repr_html_(self) -> str:
        def side(o: Ownership | None) -> str:
            return "—" if o is None else f"{o.list.short}/{o.primary.name}"

        rows = (
            (c.town.name, c.item.code, c.item.name, _KIND_LABELS[c.kind], side(c.before),
             side(c.after))
            for c in self.changes
        )
        counts = "，".join(f"{_KIND_LABELS[k]} {n}" for k, n in self._counts().items() if n)
        return table_html(
            f"{self.start.isoformat()} → {self.end.isoformat()} 的变化："
            f"{len(self.towns)} 个镇街，{len(self.changes)} 项（{counts or '无变化'}）",
            ("镇街", "编码", "事项", "变化", "之前", "之后"), rows, total=len(self.changes),
        )


def diff(
    graph: ResponsibilityGraph, start: DateLike, end: DateLike, *, town: str | None = None
) -> Diff:
    """Compare the lists on two dates.

    Args:
        graph: the graph.
        start: the first date.
        end: the second date.
        town: only this town (code, name or alias); every town when ``None``.

    Returns:
        A `Diff`; ``str()`` of it lists the changes with codes and names.

    Raises:
        OwnershipConflictError: some (item, town) has no single primary on either date.
        InvalidDateError, UnknownUnitError: a date or the town cannot be read.

    Examples:
        >>> import kunshan_rbac as kr
        >>> d = kr.diff(kr.load_sample(), "2025-03-31", "2025-04-01", town="周庄镇")
        >>> before, after = d.powers["zhouzhuang"]
        >>> before["行政处罚"], after["行政处罚"]
        (674, 278)
    """
    first, second = parse_date(start), parse_date(end)
    towns = [graph.town(town)] if town is not None else graph.towns()
    changes = []
    powers = {}
    for t in towns:
        before = {o.item.code: o for o in _owned(graph, t, first)}
        after = {o.item.code: o for o in _owned(graph, t, second)}
        for code in sorted(before.keys() | after.keys()):
            b, a = before.get(code), after.get(code)
            if b is not None and a is not None and (b.list, b.primary, b.secondary) == (
                a.list, a.primary, a.secondary
            ):
                continue
            holder = a if a is not None else b
            assert holder is not None
            changes.append(Change(holder.item, t, b, a))
        powers[t.code] = (
            MappingProxyType(power_counts(graph, town=t.code, at=first)),
            MappingProxyType(power_counts(graph, town=t.code, at=second)),
        )
    return Diff(first, second, tuple(towns), tuple(changes), MappingProxyType(powers))


def _owned(graph: ResponsibilityGraph, town: Town, day: datetime.date) -> list[Ownership]:
    codes = {i.code for k in ListKind for i in graph.items_on(k, town=town.code, at=day)}
    return [graph.owner(code, town=town.code, at=day) for code in sorted(codes)]


_frames.register(Diff, "diff")
_frames.register(Change, "change")
