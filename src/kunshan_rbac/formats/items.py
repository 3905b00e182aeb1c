"""Items: the 事项 catalogue read, and the items the lists name, with their facts.

`read_items` is the second step of reading lists. The `Items` it returns recognises the
item each list row names (by 事项编码, or by its name after `normalize_name`) and gathers
the facts rows state about it (领域, 事项类型, 依据), refusing a fact that contradicts one
stated elsewhere and saying where that was.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

import attrs

from .._catalogue import Catalogue
from .._errors import AmbiguousNameError, KunshanRbacError, Problem, UnknownItemError
from .._model import Item
from .cells import derive_code, is_power_type, normalize_name, one_line, split_basis
from .headers import TableKind, find_header
from .powers import power_column
from .rows import Cells, data_rows
from .table import Place, Table

__all__ = ["ItemInfo", "Items", "fact", "merge_facts", "read_items"]

_CODE = "编码"
_NAME = "事项名称"
_ITEM_CODE = "事项编码"
_PARENT = "上级事项"


@attrs.define
class ItemInfo:
    """What is known about one item so far, with where each fact came from."""

    code: str
    name: str
    place: Place
    domain: tuple[str, Place] | None = None
    power_type: tuple[str, Place] | None = None
    basis: tuple[tuple[str, ...], Place] | None = None
    parent: str | None = None


def fact(value: tuple[Any, Place] | None) -> Any:
    """The value of a fact without its place (``None`` when unknown)."""
    return None if value is None else value[0]


def _fold(value: str | tuple[str, ...]) -> object:
    if isinstance(value, tuple):
        return tuple(normalize_name(v) for v in value)
    return normalize_name(value)


@attrs.define
class Items:
    """The items known so far: from the catalogue, or found on the lists.

    Attributes:
        catalogue: the 事项 catalogue by code, or ``None`` when none was given (items are
            then known by name, and their codes derived, `derive_code`).
        infos: every item known, by code.
        names: item codes by normalised name.
        problems: what could not be read in the catalogue.
        resolver: the catalogue's items in a `kunshan_rbac.Catalogue`, whose
            ``item_code`` turns a list row's item name into a code exactly as
            `ResponsibilityGraph.item` does (same matches, same suggestions on a miss);
            ``None`` without a catalogue.
    """

    catalogue: dict[str, ItemInfo] | None = None
    infos: dict[str, ItemInfo] = attrs.field(factory=dict)
    names: dict[str, set[str]] = attrs.field(factory=lambda: defaultdict(set))
    problems: list[Problem] = attrs.field(factory=list)
    resolver: Catalogue | None = None

    def find(self, cells: Cells, name: str, problems: list[Problem]) -> ItemInfo | None:
        """The item a list row names (by 事项编码, or by its name as
        `ResponsibilityGraph.item` finds it).

        A problem is added, and ``None`` returned, when the row names no item of the
        catalogue, or a code that another name already uses.
        """
        key = normalize_name(name)
        given = one_line(cells.get(_ITEM_CODE))
        if given and any(ch.isspace() for ch in given):
            problems.append(cells.problem(_ITEM_CODE, "an item code without spaces"))
            return None
        if self.catalogue is not None:
            if given:
                info = self.catalogue.get(given)
                if info is None:
                    problems.append(cells.problem(_ITEM_CODE, "the code of an item of the "
                                                  "catalogue (事项)"))
                    return None
                if normalize_name(info.name) != key:
                    problems.append(cells.problem(
                        _NAME, f"the name of item {given}, {info.name!r}"))
                    return None
                return info
            assert self.resolver is not None
            try:
                return self.catalogue[self.resolver.item_code(name)]
            except UnknownItemError as exc:
                hint = f"; did you mean {', '.join(exc.suggestions)}?" if exc.suggestions \
                    else ""
                problems.append(cells.problem(
                    _NAME, f"an item of the catalogue (事项): this name is not in it{hint}"))
            except AmbiguousNameError as exc:
                problems.append(cells.problem(
                    _NAME, f"the name of one item of the catalogue (事项): it fits "
                    f"{', '.join(exc.candidates)}; add a 事项编码 column"))
            return None
        code = given or derive_code(name)
        info = self.infos.get(code) or ItemInfo(code, name, cells.place)
        others = self.names.get(key, set()) - {code}
        if others:
            problems.append(cells.problem(
                _ITEM_CODE if given else _NAME,
                f"one code per item name: this name is also item {sorted(others)[0]}"))
            return None
        if given and normalize_name(info.name) != key:
            problems.append(cells.problem(
                _ITEM_CODE, f"a code used for one item: {given} is already "
                f"{info.name!r} ({info.place})"))
            return None
        return info

    def keep(self, info: ItemInfo) -> None:
        """Remember an item a list row named."""
        self.infos.setdefault(info.code, info)
        self.names[normalize_name(info.name)].add(info.code)


def merge_facts(info: ItemInfo, cells: Cells, *, type_column: str,
                carried: Collection[str] = (), set_aside: set[str] | None = None
                ) -> list[Problem]:
    """Add a row's 领域, 事项类型 and 依据 to what is known of an item.

    A fact already known from elsewhere must agree (compared after `normalize_name`); a
    blank cell states nothing. A value the row did not state but took from above (a
    column in ``carried``) is only a guess: when it disagrees it is dropped with a note,
    so that the row's real mistake (a duplicated item, say) is the one reported; its
    column is added to ``set_aside`` when given. A 领域 that is a power type (行政处罚) is
    an error: it is never read as a 领域 (`kunshan_rbac.formats.powers`).

    Returns:
        The conflicts (errors; when there is one, nothing is added) and the notes.
    """
    facts: list[tuple[str, str, Any]] = []
    domain = one_line(cells.get("领域"))
    if domain and is_power_type(domain):
        above = cells.carried.get("领域")
        where = "in this row" if above is None else f"carried down from row {above + 1}"
        return [cells.problem(
            "领域", f"a 领域 (such as 民生服务), not a power type: {domain!r} ({where}) is "
            f"one; a column holding only power types is read as {type_column}, so correct "
            "the value or move it there")]
    if domain:
        facts.append(("domain", "领域", domain))
    power = one_line(cells.get(type_column))
    if power:
        facts.append(("power_type", type_column, power))
    basis = split_basis(cells.get("依据"))
    if basis:
        facts.append(("basis", "依据", basis))
    conflicts = []
    notes = []
    for field, column, value in list(facts):
        known = getattr(info, field)
        if known is None:
            continue
        if _fold(known[0]) != _fold(value) and column in carried:
            facts.remove((field, column, value))
            if set_aside is not None:
                set_aside.add(column)
            notes.append(cells.problem(
                column, f"the carried-down {value!r} left aside: the item has {known[0]!r} "
                f"at {known[1]}", value=value, severity="note"))
        elif _fold(known[0]) != _fold(value):
            shown = "；".join(known[0]) if isinstance(known[0], tuple) else known[0]
            conflicts.append(cells.problem(
                column, f"the same {column} as the item has at {known[1]}: {shown!r}"))
    if conflicts:
        return conflicts
    for field, _column, value in facts:
        if getattr(info, field) is None:
            setattr(info, field, (value, cells.place))
    return notes


def read_items(tables: Sequence[Table]) -> Items:
    """Read the ``事项`` tables (编码, 事项名称, 领域, 权力类型, 依据, 上级事项).

    Args:
        tables: the item catalogue tables (none: the lists name their items themselves).

    Returns:
        The items, with every problem found in the catalogue.
    """
    items = Items()
    parents: list[tuple[str, str, Cells]] = []
    for table in tables:
        header = find_header(table, TableKind.ITEMS)
        if isinstance(header, list):
            items.problems += header
            continue
        header, reported, _inferred = power_column(table, header, TableKind.ITEMS)
        items.problems += [*header.reported, *reported]
        if items.catalogue is None:
            items.catalogue = {}
        for cells in data_rows(table, header, TableKind.ITEMS):
            _catalogue_row(items, cells, parents)
    if items.catalogue is not None:
        for code, parent, cells in parents:
            target = parent if parent in items.catalogue else None
            if target is None:
                codes = items.names.get(normalize_name(parent), set())
                target = next(iter(codes)) if len(codes) == 1 else None
            if target is None or target == code:
                items.problems.append(cells.problem(
                    _PARENT, "the code or name of another item in the catalogue"))
                continue
            items.catalogue[code].parent = target
        items.infos = dict(items.catalogue)
        items.resolver = Catalogue()
        for code, info in items.catalogue.items():
            try:
                items.resolver.add_item(Item(code, info.name))
            except KunshanRbacError:
                continue  # the graph refuses it too, and says where (build_graph)
    return items


def _catalogue_row(items: Items, cells: Cells, parents: list[tuple[str, str, Cells]]) -> None:
    assert items.catalogue is not None
    code = one_line(cells.get(_CODE))
    name = one_line(cells.get(_NAME))
    problems = []
    if not code or any(ch.isspace() for ch in code):
        problems.append(cells.problem(_CODE, "an item code without spaces"))
    if not normalize_name(name):
        problems.append(cells.problem(_NAME, "the item's name"))
    if problems:
        items.problems += problems
        return
    info = ItemInfo(code, name, cells.place)
    items.problems += merge_facts(info, cells, type_column="权力类型")
    existing = items.catalogue.get(code)
    if existing is not None:
        if (existing.name, fact(existing.domain), fact(existing.power_type),
                fact(existing.basis)) != (info.name, fact(info.domain),
                                          fact(info.power_type), fact(info.basis)):
            items.problems.append(cells.problem(
                _CODE, f"a code used once; {code!r} is already {existing.name!r} "
                f"({existing.place})"))
        return
    items.catalogue[code] = info
    items.names[normalize_name(name)].add(code)
    parent = one_line(cells.get(_PARENT))
    if parent:
        parents.append((code, parent, cells))
