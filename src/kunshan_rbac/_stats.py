"""Per-town counts of the three lists on a date."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from . import _frames
from ._dates import DateLike, parse_date
from ._display import table_html
from ._errors import AmbiguousNameError, UnknownUnitError
from ._graph import ResponsibilityGraph
from ._model import ListKind, Role
from ._text import display_width, pad

__all__ = ["Stats", "TownCounts", "power_counts", "stats"]


class TownCounts(Mapping[str, Mapping[ListKind, int]]):
    """Per-town counts, keyed by town code and also readable by town name or alias.

    Iteration yields town codes (names may repeat across a country; codes do not).
    Reading by a name that fits several towns raises `AmbiguousNameError`.
    """

    def __init__(
        self, counts: dict[str, Mapping[ListKind, int]], names: dict[str, set[str]]
    ) -> None:
        self._counts = counts
        self._names = names

    def __getitem__(self, key: str) -> Mapping[ListKind, int]:
        if key in self._counts:
            return self._counts[key]
        codes = self._names.get(key, set())
        if len(codes) == 1:
            return self._counts[next(iter(codes))]
        if codes:
            raise AmbiguousNameError(key, sorted(codes), kind="town")
        raise UnknownUnitError(key, kind="town")

    def __iter__(self) -> Iterator[str]:
        return iter(self._counts)

    def __len__(self) -> int:
        return len(self._counts)

    def __repr__(self) -> str:
        return f"TownCounts({ {k: dict(v) for k, v in self._counts.items()} !r})"


@attrs.frozen
class Stats:
    """How many items each town's lists hold on a date.

    Attributes:
        at: the date counted.
        per_town: a `TownCounts`: town code (or name, or alias) to a mapping of `ListKind`
            to the number of items on that list.
        towns: ``(code, name)`` of every town, in code order (towns with empty lists
            included, with zero counts).
        items_on: `ListKind` to the codes of the distinct items on that list across towns.
    """

    at: datetime.date
    per_town: TownCounts
    towns: tuple[tuple[str, str], ...]
    items_on: Mapping[ListKind, frozenset[str]] = attrs.field(repr=False)

    def total(self, kind: ListKind) -> int:
        """The number of (item, town) entries on one list, summed over towns."""
        return sum(counts[kind] for counts in self.per_town.values())

    def mean(self, kind: ListKind) -> float:
        """The average number of items per town on one list (0.0 with no towns)."""
        return self.total(kind) / len(self.per_town) if self.per_town else 0.0

    def distinct(self, kind: ListKind) -> int:
        """The number of distinct items on one list across all towns."""
        return len(self.items_on[kind])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view."""
        return {
            "at": self.at.isoformat(),
            "towns": [
                {"code": code, "name": name,
                 **{k.value: self.per_town[code][k] for k in ListKind}}
                for code, name in self.towns
            ],
            "mean": {k.value: self.mean(k) for k in ListKind},
            "distinct": {k.value: self.distinct(k) for k in ListKind},
        }

    def __str__(self) -> str:
        header = ["town", *(k.label for k in ListKind), "total"]
        rows = [
            [f"{name} ({code})", *(str(self.per_town[code][k]) for k in ListKind),
             str(sum(self.per_town[code].values()))]
            for code, name in self.towns
        ]
        rows.append(["total", *(str(self.total(k)) for k in ListKind),
                     str(sum(self.total(k) for k in ListKind))])
        rows.append(["mean per town", *(f"{self.mean(k):.1f}" for k in ListKind), ""])
        rows.append(["distinct items", *(str(self.distinct(k)) for k in ListKind), ""])
        widths = [max(display_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

        def line(cells: list[str]) -> str:
            first = pad(cells[0], widths[0])
            rest = (pad(c, w, right=True) for c, w in zip(cells[1:], widths[1:], strict=True))
            return "  ".join([first, *rest]).rstrip()

        rule = "  ".join("-" * w for w in widths)
        body = [line(r) for r in rows]
        towns = len(self.towns)
        return "\n".join(
            [f"Duty lists on {self.at.isoformat()} ({towns} towns)", line(header), rule,
             *body[:towns], rule, *body[towns:]]
        )

    def to_arrow(self) -> Any:
        """The counts as a ``pyarrow.Table``, one row per town (the ``stats`` columns of
        the reference: date, town code and name, the three lists, total).

        Raises:
            MissingExtraError: pyarrow is not installed.
        """
        return _frames.arrow("stats", [self])

    def to_pandas(self) -> Any:
        """The counts as a ``pandas.DataFrame``, one row per town (see `to_arrow`).

        Raises:
            MissingExtraError: pandas or pyarrow is not installed.
        """
        return _frames.pandas(self.to_arrow())

    def __repr__(self) -> str:
        means = ", ".join(f"{k.value} {self.mean(k):.1f}" for k in ListKind)
        return f"<Stats on {self.at.isoformat()}: {len(self.towns)} towns, mean {means}>"

    def _repr_html_(self) -> str:
        rows = [
            (f"{name}（{code}）", *(self.per_town[code][k] for k in ListKind),
             sum(self.per_town[code].values()))
            for code, name in self.towns
        ]
        footer = [
            "平均每镇：" + "，".join(f"{k.short} {self.mean(k):.1f}" for k in ListKind),
            "不同事项：" + "，".join(f"{k.short} {self.distinct(k)}" for k in ListKind),
        ]
        return table_html(
            f"{self.at.isoformat()} 三张清单事项数（{len(self.towns)} 个镇街）",
            ("镇街", *(k.short for k in ListKind), "合计"), rows, total=len(rows),
            footer=footer,
        )


def stats(graph: ResponsibilityGraph, *, at: DateLike | None = None) -> Stats:
    """Count each town's three lists on a date.

    An item counts on a list when a record on that list is in force for the town (as in
    `ResponsibilityGraph.items_on`).

    Args:
        graph: the graph.
        at: the date (``None``: today).

    Returns:
        The `Stats`.

    Examples:
        >>> import kunshan_rbac as kr
        >>> s = kr.stats(kr.load_sample(), at="2025-12-31")
        >>> s.mean(kr.ListKind.BASIC)
        140.0
    """
    day = parse_date(at)
    towns = graph.towns()
    counts = {t.code: dict.fromkeys(ListKind, 0) for t in towns}
    distinct: dict[ListKind, set[str]] = {k: set() for k in ListKind}
    for kind in ListKind:
        for town in towns:
            found = graph.items_on(kind, town=town.code, at=day)
            counts[town.code][kind] = len(found)
            distinct[kind].update(i.code for i in found)
    names: dict[str, set[str]] = {}
    for t in towns:
        for name in (t.name, *t.aliases):
            names.setdefault(name, set()).add(t.code)
    per_town = TownCounts({t.code: MappingProxyType(counts[t.code]) for t in towns}, names)
    return Stats(
        at=day,
        per_town=per_town,
        towns=tuple((t.code, t.name) for t in towns),
        items_on=MappingProxyType({k: frozenset(v) for k, v in distinct.items()}),
    )


def power_counts(
    graph: ResponsibilityGraph, *, town: str, at: DateLike | None = None
) -> dict[str, int]:
    """How many powers a town exercises as primary on a date, by power type.

    Powers are counted where power lists count them, at sub-item (子项) level: an item
    with sub-items counts each sub-item under its own power type (or the item's, when the
    sub-item names none); an item without sub-items counts once under its power type.
    Items with no power type (most duties) are not counted.

    Args:
        graph: the graph.
        town: code, name or alias of the town.
        at: the date (``None``: today).

    Returns:
        Power type (e.g. ``"行政处罚"``) to count, ordered by power type.

    Examples:
        >>> import kunshan_rbac as kr
        >>> g = kr.load_sample()
        >>> kr.power_counts(g, town="周庄镇", at="2025-03-31")["行政处罚"]
        674
    """
    code = graph.town(town).code
    counts: dict[str, int] = {}
    for ownership in graph.duties(code, at=at, role=Role.PRIMARY):
        if ownership.town.code != code:
            continue
        item = ownership.item
        subs = graph.sub_items(item.code)
        kinds = [s.power_type or item.power_type for s in subs] if subs else [item.power_type]
        for kind in kinds:
            if kind is not None:
                counts[kind] = counts.get(kind, 0) + 1
    return dict(sorted(counts.items()))


_frames.register(Stats, "stats")
