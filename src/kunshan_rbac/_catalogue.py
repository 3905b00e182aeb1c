"""The catalogue: units and items by code, their parents and aliases, and the one name
resolver.

Everything that turns a name into a code goes through `Catalogue.unit_code` and
`Catalogue.item_code`: the graph's questions, the transfers, and every reader of lists
and tables (they resolve names through the graph, which holds a catalogue). A name is
looked up, in this order:

1. as a code;
2. as written, among names and aliases;
3. after `kunshan_rbac.normalize_name` (full-width forms, case, spaces and punctuation
   folded);
4. for units only, when nothing was found: with the name of an authority in the
   catalogue taken off its front, and with 市 put in front (``昆山市住建局`` and
   ``住建局`` both find ``市住建局`` when that is the only unit they can mean). The
   spreadsheet readers have always accepted these forms; the graph accepts them too.

A name that fits several units or items is refused (`AmbiguousNameError`); one that fits
none is refused with up to three close suggestions (`UnknownUnitError`,
`UnknownItemError`).

The catalogue only grows: units and items are added, never changed or removed, so a
catalogue that no thread is adding to may be read from several threads at once.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from ._errors import (
    AmbiguousNameError,
    DuplicateCodeError,
    InvalidArgumentError,
    InvalidRecordError,
    UnknownItemError,
    UnknownUnitError,
)
from ._model import Authority, Department, Item, Town, Unit
from ._text import normalize_name

__all__ = ["Catalogue"]


class _NameIndex:
    """Codes by exact and by normalised name or alias."""

    def __init__(self) -> None:
        self.exact: dict[str, set[str]] = defaultdict(set)
        self.folded: dict[str, set[str]] = defaultdict(set)

    def add(self, code: str, names: Iterable[str]) -> None:
        for name in names:
            self.exact[name].add(code)
            self.folded[normalize_name(name)].add(code)

    def find(self, name: str) -> set[str]:
        found = self.exact.get(name)
        if found:
            return found
        return self.folded.get(normalize_name(name), set())


class Catalogue:
    """Units and items by code, with the name resolver.

    Attributes:
        unit_map: every unit by code (a read-only view that follows the catalogue).
        item_map: every item by code (likewise).
    """

    def __init__(self) -> None:
        self._units: dict[str, Unit] = {}
        self._items: dict[str, Item] = {}
        self._unit_names = _NameIndex()
        self._item_names = _NameIndex()
        self._children: dict[str, list[str]] = defaultdict(list)
        # Folded names and aliases of the authorities, longest first: the prefixes that
        # the unit resolver may take off a name (rule 4 of the module docstring).
        self._prefixes: tuple[str, ...] = ()
        self._views()

    def _views(self) -> None:
        self.unit_map: Mapping[str, Unit] = MappingProxyType(self._units)
        self.item_map: Mapping[str, Item] = MappingProxyType(self._items)

    def __getstate__(self) -> dict[str, Any]:
        # The read-only views cannot be pickled or copied: they are made anew.
        state = dict(self.__dict__)
        del state["unit_map"], state["item_map"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._views()

    # ------------------------------------------------------------------ growing

    def add_unit(self, unit: Unit) -> None:
        """Add a unit; an equal unit again does nothing.

        Raises:
            InvalidRecordError: ``unit`` is not a `Town`, `Department` or `Authority`.
            DuplicateCodeError: its code is already used by a different unit or an item.
        """
        if not isinstance(unit, Town | Department | Authority):
            raise InvalidRecordError(
                f"expected a Town, Department or Authority, not {unit!r}", field="unit", value=unit
            )
        existing = self._units.get(unit.code) or self._items.get(unit.code)
        if existing is not None:
            if existing == unit:
                return
            raise DuplicateCodeError(unit.code, existing, unit)
        self._units[unit.code] = unit
        self._unit_names.add(unit.code, (unit.name, *unit.aliases))
        if isinstance(unit, Authority):
            folded = {normalize_name(n) for n in (unit.name, *unit.aliases)}
            self._prefixes = tuple(
                sorted({*self._prefixes, *folded} - {""}, key=lambda p: (-len(p), p))
            )

    def add_item(self, item: Item) -> None:
        """Add an item; an equal item again does nothing. A sub-item may come before its
        parent.

        Raises:
            InvalidRecordError: ``item`` is not an `Item`.
            DuplicateCodeError: its code is already used by a different item or a unit.
        """
        if not isinstance(item, Item):
            raise InvalidRecordError(f"expected an Item, not {item!r}", field="item", value=item)
        existing = self._items.get(item.code) or self._units.get(item.code)
        if existing is not None:
            if existing == item:
                return
            raise DuplicateCodeError(item.code, existing, item)
        self._items[item.code] = item
        self._item_names.add(item.code, (item.name,))
        if item.parent is not None:
            self._children[item.parent].append(item.code)

    # ------------------------------------------------------------------ reading

    def units(self) -> list[Unit]:
        """Every unit, ordered by code."""
        return sorted(self._units.values(), key=_code)

    def items(self) -> list[Item]:
        """Every item, ordered by code."""
        return sorted(self._items.values(), key=_code)

    def children(self, code: str) -> list[Item]:
        """The sub-items of the item with ``code``, ordered by code."""
        return sorted((self._items[c] for c in self._children.get(code, ())), key=_code)

    def is_town(self, code: str) -> bool:
        """Whether ``code`` is the code of a town."""
        return type(self._units.get(code)) is Town

    # ------------------------------------------------------------------ names

    def item_code(self, name: str, *, parameter: str = "item") -> str:
        """The code of the item with this code or name.

        Args:
            name: what to look up.
            parameter: the caller's parameter that gave ``name``, for the error.

        Raises:
            InvalidArgumentError: ``name`` is not a string.
            UnknownItemError: no item has it (with suggestions).
            AmbiguousNameError: several items have it.
        """
        if not isinstance(name, str):
            raise InvalidArgumentError(parameter, name, "an item's code or name (a string)")
        if name in self._items:
            return name
        found = self._item_names.find(name)
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise AmbiguousNameError(name, sorted(found), kind="item")
        raise UnknownItemError(name, self._suggest(name, self._items, self._item_names))

    def unit_code(self, name: str, *, kind: str = "unit", parameter: str = "") -> str:
        """The code of the unit with this code, name or alias.

        Args:
            name: what to look up.
            kind: ``"unit"`` for any unit, or ``"town"``, ``"department"`` or
                ``"authority"`` for that kind only.
            parameter: the caller's parameter that gave ``name``, for the error
                (default: ``kind``).

        Raises:
            InvalidArgumentError: ``name`` is not a string.
            UnknownUnitError: no unit of that kind has it (with suggestions, or a note
                saying which units of another kind do).
            AmbiguousNameError: several units of that kind have it.
        """
        if not isinstance(name, str):
            raise InvalidArgumentError(
                parameter or kind, name, f"a {kind}'s code, name or alias (a string)"
            )
        try:
            return self._unit_code(name, kind)
        except UnknownUnitError as error:
            found = set()
            for variant in self._variants(name):
                try:
                    found.add(self._unit_code(variant, kind))
                except (UnknownUnitError, AmbiguousNameError):
                    continue
            if len(found) == 1:
                return next(iter(found))
            raise error from None

    def _unit_code(self, name: str, kind: str) -> str:
        found = {name} if name in self._units else self._unit_names.find(name)
        if kind != "unit":
            matching = {c for c in found if self._units[c].kind == kind}
            if not matching and found:
                others = ", ".join(f"{c} is a {self._units[c].kind}" for c in sorted(found))
                raise UnknownUnitError(name, (), kind=kind, note=others)
            found = matching
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise AmbiguousNameError(name, sorted(found), kind=kind)
        candidates = {
            c: u for c, u in self._units.items() if kind == "unit" or u.kind == kind
        }
        raise UnknownUnitError(
            name, self._suggest(name, candidates, self._unit_names), kind=kind
        )

    def _variants(self, name: str) -> set[str]:
        """Other spellings of a unit name: without an authority's name in front, and
        with 市 in front."""
        key = normalize_name(name)
        variants = {key[len(p):] for p in self._prefixes if key.startswith(p) and key != p}
        return variants | {"市" + v for v in variants} | {"市" + key}

    @staticmethod
    def _suggest(name: str, codes: dict[str, Any], names: _NameIndex) -> list[str]:
        pool = [*codes, *(n for n, cs in names.exact.items() if cs & codes.keys())]
        return difflib.get_close_matches(name, pool, n=3, cutoff=0.6)


def _code(value: Unit | Item) -> str:
    return value.code
