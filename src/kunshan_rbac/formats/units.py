"""Units: the 单位 catalogue read, and unit names resolved through the graph's catalogue.

`read_units` is the first step of reading lists: it turns the ``单位`` tables (or, when
there are none, the embedded Kunshan units) into `Units`, which resolves every unit name
the lists give through a `kunshan_rbac.ResponsibilityGraph`, so through the one
`Catalogue` that `ResponsibilityGraph.unit` uses: the reader and the graph accept the
same names and make the same suggestions.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

import attrs

from .._errors import AmbiguousNameError, KunshanRbacError, Problem, UnknownUnitError
from .._graph import ResponsibilityGraph
from .._model import Authority, Department, Town, Unit
from .._origin import Inference, InferenceKind
from .cells import normalize_name, one_line, split_names
from .headers import TableKind, find_header
from .rows import Cells, data_rows
from .table import Place, Table

__all__ = ["MARKERS", "Units", "read_units", "unit_type", "unit_type_known"]

MARKERS = {"牵头": "lead", "主责": "lead", "主办": "lead", "配合": "assist", "协办": "assist"}
"""Markers after a unit's name that say its part: the lead (primary) or a helper."""

_MARKER = re.compile(r"[（(]\s*(" + "|".join(MARKERS) + r")\s*[)）]\s*$")


def _marker(name: str) -> tuple[str, str | None]:
    """A name without its marker, and the part the marker gives (``None``: no marker)."""
    found = _MARKER.search(name)
    if found is None:
        return name, None
    return name[:found.start()].strip(), MARKERS[found.group(1)]

_TOWN_TYPES = {"镇", "乡", "街道", "乡镇", "镇街", "town"}
_DEPARTMENT_TYPES = {"部门", "department"}
_AUTHORITY_TYPES = {
    "国家", "省", "自治区", "直辖市", "市", "地级市", "县级市", "县", "自治县", "区", "州",
    "自治州", "盟", "旗", "自治旗", "地区", "authority",
}


def unit_type(unit: Unit) -> str:
    """The 类型 written for a unit in the ``单位`` catalogue."""
    if isinstance(unit, Town):
        return "街道" if unit.name.endswith("街道") else "镇"
    if isinstance(unit, Department):
        return "部门"
    return unit.level


def unit_type_known(text: str) -> bool:
    """Whether a 类型 can be read back (`unit_type` of an authority is its level)."""
    key = normalize_name(text)
    return key in _TOWN_TYPES | _DEPARTMENT_TYPES | _AUTHORITY_TYPES


@attrs.define
class Units:
    """The units lists may name, and the problems found reading their catalogue.

    Attributes:
        lookup: a graph holding only the units: its `ResponsibilityGraph.unit` is the
            resolver every unit name of a list goes through.
        given: whether a ``单位`` table was read (else the embedded units are used).
        problems: what could not be read.
    """

    lookup: ResponsibilityGraph
    given: bool
    problems: list[Problem]

    @property
    def has_units(self) -> bool:
        """Whether any unit is known (read or embedded)."""
        return bool(self.lookup.units())

    def town_in(self, text: str) -> tuple[str | None, list[str]]:
        """The town a file name or title names: exactly, or as the longest town name in it.

        Returns:
            ``(code, [])``, ``(None, [])`` when no town is named, or ``(None, codes)`` when
            several towns fit equally well.
        """
        text = text.strip()
        if not text:
            return None, []
        try:
            return self.lookup.town(text).code, []
        except (UnknownUnitError, AmbiguousNameError):
            pass
        key = normalize_name(text)
        best = 0
        found: set[str] = set()
        for town in self.lookup.towns():
            for name in (town.name, *town.aliases):
                folded = normalize_name(name)
                if len(folded) >= 2 and folded in key:
                    if len(folded) > best:
                        best, found = len(folded), {town.code}
                    elif len(folded) == best:
                        found.add(town.code)
        if len(found) == 1:
            return next(iter(found)), []
        return None, sorted(found)

    def name(self, code: str) -> str:
        """The name of the unit with this code."""
        return self.lookup.unit(code).name

    def unit_code(self, name: str) -> str:
        """The code of the unit with this code, name or alias, as the graph finds it
        (昆山市住建局 finds 市住建局: see `kunshan_rbac.Catalogue`).

        Raises:
            UnknownUnitError, AmbiguousNameError: as `ResponsibilityGraph.unit`.
        """
        return self.lookup.unit(name).code

    def resolve(self, cells: Cells, column: str, name: str,
                problems: list[Problem]) -> str | None:
        """The code of a unit a cell names, or ``None`` with the problem added."""
        try:
            return self.unit_code(name)
        except UnknownUnitError as exc:
            hint = f"; did you mean {', '.join(exc.suggestions)}?" if exc.suggestions else ""
            problems.append(cells.problem(column, f"a unit of the catalogue (单位); {name!r} is "
                                          f"not one{hint}"))
        except AmbiguousNameError as exc:
            problems.append(cells.problem(column, f"a name of one unit: {name!r} fits "
                                          f"{', '.join(exc.candidates)}; use a code"))
        return None

    def entries(self, cells: Cells, column: str, problems: list[Problem],
                notes: list[Problem], inferred: list[Inference] | None = None
                ) -> list[tuple[str, str, str | None]]:
        """The units a cell names, resolved: ``(code, name, marker)`` for each.

        Names are split on 、，,；;/ and line breaks, except that the lines of a name
        wrapped in a narrow cell (昆山市住房\n和城乡建设局) are joined again when the
        joined text names exactly one known unit. A lead marker ends a name: ``"lead"``
        for （牵头）, （主责）, （主办）; ``"assist"`` for （配合）, （协办）. Each rejoined name
        and each marker is a note in ``notes`` (and an `Inference` in ``inferred``, when
        given); each name that names no unit, a problem.
        """
        found: list[tuple[str, str, str | None]] = []
        for part in split_names(cells.get(column), lines=False):
            lines = part.split("\n")
            names = lines
            if len(lines) > 1:
                joined = "".join(lines)
                if self._names_one(_marker(joined)[0]):
                    names = [joined]
                    notes.append(cells.problem(
                        column, f"the wrapped name {joined!r} read as one unit (its lines "
                        "joined)", value=part, severity="note"))
                    if inferred is not None:
                        inferred.append(Inference(InferenceKind.REJOINED, column, joined,
                                                  written=part))
            for name in names:
                bare, marker = _marker(name.strip())
                if not bare:
                    continue
                if marker is not None:
                    notes.append(cells.problem(
                        column, f"{bare!r} read as {'the lead' if marker == 'lead' else 'a helper'}"
                        f" from its marker {name[len(bare):]!r}", value=name, severity="note"))
                    if inferred is not None:
                        kind = InferenceKind.LEAD if marker == "lead" else InferenceKind.HELPER
                        inferred.append(Inference(kind, column, bare, written=name.strip()))
                code = self.resolve(cells, column, bare, problems)
                if code is not None:
                    found.append((code, bare, marker))
        return found

    def _names_one(self, name: str) -> bool:
        try:
            self.lookup.unit(name)
        except (UnknownUnitError, AmbiguousNameError):
            return False
        return True

    def department(self, cells: Cells, column: str, name: str,
                   problems: list[Problem]) -> str | None:
        """The code of the department a cell names, or ``None`` with the problem added."""
        code = self.resolve(cells, column, name, problems)
        if code is not None and not isinstance(self.lookup.unit(code), Department):
            problems.append(cells.problem(column, f"a department: {name!r} is a "
                                          f"{self.lookup.unit(code).kind}"))
            return None
        return code


def read_units(tables: Sequence[Table], embedded: Sequence[Unit] | None) -> Units:
    """Read the ``单位`` tables (编码, 名称, 类型, 简称, 上级), or take ``embedded``.

    Args:
        tables: the unit catalogue tables (usually one).
        embedded: the units to use when ``tables`` is empty.

    Returns:
        The units, with every problem found: a bad row is left out, and so is a unit
        whose 上级 names no unit.
    """
    problems: list[Problem] = []
    units: dict[str, tuple[Unit, Place | None]] = {}
    parents: list[tuple[str, str, Cells]] = []
    for table in tables:
        header = find_header(table, TableKind.UNITS)
        if isinstance(header, list):
            problems += header
            continue
        problems += header.reported
        for cells in data_rows(table, header, TableKind.UNITS):
            _unit_row(cells, units, parents, problems)
    if not tables and embedded is not None:
        for unit in embedded:
            units[unit.code] = (unit, None)
    names: dict[str, set[str]] = defaultdict(set)
    for code, (unit, _place) in units.items():
        for name in (unit.name, *unit.aliases):
            names[normalize_name(name)].add(code)
    for code, parent, cells in parents:
        fits = {parent} if parent in units else names.get(normalize_name(parent), set())
        found = next(iter(fits)) if len(fits) == 1 else None
        if found is None:
            problems.append(cells.problem("上级", "the code or name of a unit in the catalogue"))
            units.pop(code, None)
            continue
        unit, place = units[code]
        units[code] = (attrs.evolve(unit, parent=found), place)
    lookup = ResponsibilityGraph()
    for unit, place in units.values():
        try:
            lookup.add_unit(unit)
        except KunshanRbacError as exc:
            if place is not None:
                problems.append(Problem(place.file, place.sheet, place.row, None, unit.code,
                                        str(exc)))
    return Units(lookup, bool(tables), problems)


def _unit_row(cells: Cells, units: dict[str, tuple[Unit, Place | None]],
              parents: list[tuple[str, str, Cells]], problems: list[Problem]) -> None:
    code = one_line(cells.get("编码"))
    name = one_line(cells.get("名称"))
    kind_text = one_line(cells.get("类型"))
    found: list[Problem] = []
    if not code or any(ch.isspace() for ch in code):
        found.append(cells.problem("编码", "a code without spaces"))
    if not name:
        found.append(cells.problem("名称", "the unit's name"))
    key = normalize_name(kind_text)
    if key not in _TOWN_TYPES | _DEPARTMENT_TYPES | _AUTHORITY_TYPES:
        found.append(cells.problem(
            "类型", "镇 or 街道 for a town, 部门 for a department, 市, 县 or 区 for an "
            "authority"))
    if found:
        problems += found
        return
    aliases = tuple(dict.fromkeys(a for a in split_names(cells.get("简称")) if a != name))
    unit: Unit
    if key in _TOWN_TYPES:
        unit = Town(code, name, aliases=aliases)
    elif key in _DEPARTMENT_TYPES:
        unit = Department(code, name, aliases=aliases)
    else:
        unit = Authority(code, name, aliases=aliases, level=kind_text)
    existing = units.get(code)
    if existing is not None and existing[0] != unit:
        problems.append(cells.problem(
            "编码", f"a code used once; {code!r} is already {existing[0].name} "
            f"({existing[1]})"))
        return
    units[code] = (unit, cells.place)
    parent = one_line(cells.get("上级"))
    if parent:
        parents.append((code, parent, cells))
