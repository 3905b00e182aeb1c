"""List rows to records, and records to the graph: the last steps of reading lists.

`read_list` reads one list table of a town into `ListRow`s (a row with any problem is
left out whole, and its problems reported), each with its `kunshan_rbac.Origin`: where
it is and what was inferred to read it; `Rows` keeps the rows, refusing a second row for
the same item and town over an overlapping period; `build_graph` turns the units, items
and rows into a `kunshan_rbac.ResponsibilityGraph`, recording each record's origin.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Sequence

import attrs

from .._dates import parse_date, span
from .._errors import KunshanRbacError, Problem
from .._graph import ResponsibilityGraph, store_of
from .._model import Item, ListKind
from .._origin import Inference, InferenceKind, Origin
from .cells import normalize_name, one_line
from .headers import TableKind, find_header
from .items import Items, fact, merge_facts
from .powers import power_column
from .rows import Cells, data_rows
from .table import Place, Table
from .units import Units

__all__ = ["ListRow", "Rows", "build_graph", "origin", "read_list"]

_NAME = "事项名称"
_START = "生效日期"
_END = "失效日期"
_PARTNERS = "协同部门"
_GRANT = "赋权文号"


@attrs.define
class ListRow:
    """One row of a list, read: the record it makes, and where it came from."""

    cells: Cells
    kind: ListKind
    town: str
    item: str
    primary: str
    secondary: list[str]
    duty: str
    secondary_duty: str
    start: datetime.date | None
    end: datetime.date | None
    grant: str = ""
    origin: Origin | None = None

    @property
    def place(self) -> Place:
        """Where the row is."""
        return self.cells.place


def _overlap(first: ListRow, second: ListRow) -> bool:
    (start1, end1), (start2, end2) = span(first.start, first.end), span(second.start, second.end)
    return max(start1, start2) < min(end1, end2)


@attrs.define
class Rows:
    """The rows read so far, one per item, town and period, and the lists they came from.

    Attributes:
        rows: the rows kept, in reading order.
    """

    rows: list[ListRow] = attrs.field(factory=list)
    _held: dict[tuple[str, str], list[ListRow]] = attrs.field(
        factory=lambda: defaultdict(list), alias="held")
    _sources: dict[tuple[str, ListKind], str] = attrs.field(factory=dict, alias="sources")

    def claim(self, table: Table, kind: ListKind, town: str, town_name: str
              ) -> Problem | None:
        """Take this table as the town's ``kind`` list, or say why not (only one may be)."""
        previous = self._sources.get((town, kind))
        if previous is not None:
            return table.problem(
                f"one {kind.label} per town; {town_name}'s is already read from {previous}")
        self._sources[(town, kind)] = f"{table.file}, {table.sheet}" if table.sheet else \
            table.file
        return None

    def hold(self, row: ListRow) -> Problem | None:
        """Keep a row unless its town already holds the item over an overlapping period.

        Returns:
            ``None`` when kept, else the problem that says where the other row is.
        """
        key = (row.item, row.town)
        for other in self._held[key]:
            if _overlap(other, row):
                same = other.kind is row.kind
                what = (f"a row once: this item is already on this list at {other.place}"
                        if same else f"the item on one list: it is already on the "
                        f"{other.kind.label} at {other.place}")
                return row.cells.problem(_NAME, what)
        self._held[key].append(row)
        self.rows.append(row)
        return None


def read_list(table: Table, kind: ListKind, town: str, *, units: Units, items: Items,
              rows: Rows, effective: datetime.date | None,
              inferred: Sequence[Inference] = ()) -> list[Problem]:
    """Read one list table of a town (``town`` is a code) into ``rows``.

    Items the rows name are added to ``items`` when there is no item catalogue.

    Args:
        inferred: what was inferred about the whole table before reading it (its list,
            taken from the file's name): each row's origin starts with it.

    Returns:
        The problems of the table's header and rows, in row order.
    """
    header = find_header(table, TableKind.of(kind))
    if isinstance(header, list):
        return header
    refused = rows.claim(table, kind, town, units.name(town))
    if refused is not None:
        return [refused]
    header, reported, by_values = power_column(table, header, TableKind.of(kind))
    problems: list[Problem] = [*header.reported, *reported]
    table_inferred = (*inferred, *by_values)
    for cells in data_rows(table, header, TableKind.of(kind), problems):
        notes: list[Problem] = []
        row = _list_row(cells, kind, town, units, items, effective, problems, notes,
                        table_inferred)
        if row is not None:
            held = rows.hold(row)
            if held is not None:
                problems.append(held)
        problems += cells.carried_notes() + notes
    return problems


def _dates(cells: Cells, effective: datetime.date | None, problems: list[Problem]
           ) -> tuple[datetime.date | None, datetime.date | None]:
    start, end = effective, None
    for column in (_START, _END):
        text = cells.get(column)
        if not text:
            continue
        try:
            day = parse_date(one_line(text))
        except KunshanRbacError:
            problems.append(cells.problem(column, "a date such as 2025-07-01 or 2025年7月1日"))
            continue
        if column == _START:
            start = day
        else:
            end = day
    if start is not None and end is not None and end <= start:
        problems.append(cells.problem(_END, f"a day after the start ({start.isoformat()})"))
    return start, end


def _list_row(cells: Cells, kind: ListKind, town: str, units: Units, items: Items,
              effective: datetime.date | None, found: list[Problem],
              notes: list[Problem], table_inferred: Sequence[Inference]) -> ListRow | None:
    problems: list[Problem] = []
    inferred: list[Inference] = []
    name = one_line(cells.get(_NAME))
    if not normalize_name(name):
        problems.append(cells.problem(_NAME, "the item's name"))
    start, end = _dates(cells, effective, problems)
    primary = town
    secondary: list[str] = []
    duty = secondary_duty = ""
    if kind is ListKind.BASIC:
        duty = cells.get("具体工作事项")
    else:
        column = "对应上级部门" if kind is ListKind.COOPERATIVE else "承接部门"
        primary, helpers = _primary(cells, column, town, units, problems, notes, inferred)
        if kind is ListKind.COOPERATIVE:
            duty = cells.get("上级部门职责")
            secondary_duty = cells.get("镇街配合职责")
            secondary.append(town)
        else:
            secondary_duty = cells.get("工作方式")
            if secondary_duty:
                secondary.append(town)
        secondary += [code for code in helpers if code not in secondary]
    for code, partner, marker in units.entries(cells, _PARTNERS, problems, notes, inferred):
        if marker == "lead":
            problems.append(cells.problem(
                _PARTNERS, f"helpers only: {partner!r} is marked as the lead; name the lead "
                "in the unit column of the list"))
            continue
        if code in (town, primary) or code in secondary:
            problems.append(cells.problem(
                _PARTNERS, f"each unit once, and not the primary: {partner!r} is named twice"))
            continue
        secondary.append(code)
    info = items.find(cells, name, problems) if normalize_name(name) else None
    set_aside: set[str] = set()
    if not problems and info is not None:
        merged = merge_facts(info, cells, type_column="事项类型", carried=cells.carried,
                             set_aside=set_aside)
        problems += [p for p in merged if p.is_error]
        notes += [p for p in merged if not p.is_error]
    if problems or info is None:
        found += problems
        return None
    items.keep(info)
    return ListRow(cells, kind, town, info.code, primary, secondary, duty, secondary_duty,
                   start, end, grant=cells.get(_GRANT),
                   origin=origin(cells, inferred, set_aside, table_inferred))


def origin(cells: Cells, inferred: Sequence[Inference], set_aside: Collection[str] = (),
           table_inferred: Sequence[Inference] = ()) -> Origin:
    """Where a row is and what was inferred to read it: what was inferred of its whole
    table (``table_inferred``: the list taken from the file name, a column read by its
    values), the header built from several rows, each value carried down (but not one
    set aside for disagreeing with the item), then ``inferred`` (markers and rejoined
    names, in reading order)."""
    header = cells.header
    first = header.first if header.first is not None else header.row
    found = [i for i in table_inferred if i.kind is InferenceKind.LIST]
    if first != header.row:
        found.append(Inference(InferenceKind.HEADER, rows=(first + 1, header.row + 1)))
    found += [i for i in table_inferred if i.kind is not InferenceKind.LIST]
    found += [Inference(InferenceKind.CARRIED, name, one_line(cells.get(name)),
                        rows=(row + 1,))
              for name, row in cells.carried.items() if name not in set_aside]
    place = cells.place
    return Origin(place.file, place.sheet, place.row, (first + 1, header.row + 1),
                  (*found, *inferred))


def _primary(cells: Cells, column: str, town: str, units: Units, problems: list[Problem],
             notes: list[Problem], inferred: list[Inference]) -> tuple[str, list[str]]:
    """The department a cooperative or reclaimed row names as primary, and its helpers.

    One department, or several of which exactly one is marked as the lead (（牵头）,
    （主责）, （主办）), or exactly one is left unmarked while the others are marked as
    helpers (（配合）, （协办））: the others are then secondary.
    """
    if not cells.get(column):
        problems.append(cells.problem(column, "a department (the one that answers fully); "
                                      "the cell is empty"))
        return town, []
    before = len(problems)
    entries = units.entries(cells, column, problems, notes, inferred)
    if len(problems) > before:
        return town, []
    leads = [entry for entry in entries if entry[2] == "lead"]
    unmarked = [entry for entry in entries if entry[2] is None]
    if len(entries) == 1 and entries[0][2] != "assist":
        lead = entries[0]
    elif len(leads) == 1:
        lead = leads[0]
    elif not leads and len(unmarked) == 1:
        lead = unmarked[0]
        notes.append(cells.problem(
            column, f"{lead[1]!r} read as the lead: every other unit is marked as a helper",
            value=cells.get(column), severity="note"))
    else:
        problems.append(cells.problem(
            column, "exactly one department (the one that answers fully), or one marked "
            "（牵头）, or one left unmarked beside units marked （配合）; name the others "
            "under 协同部门"))
        return town, []
    if units.department(cells, column, lead[1], problems) is None:
        return town, []
    return lead[0], [code for code, _n, _m in entries if code != lead[0]]


def build_graph(units: Units, items: Items, rows: Rows) -> tuple[ResponsibilityGraph,
                                                                 list[Problem]]:
    """The graph of the rows kept, and the problems found while building it.

    With an item catalogue every item of it is added; without one, only the items some
    row names. Each record a row makes gets the row's origin
    (`kunshan_rbac.ResponsibilityGraph.origin`).
    """
    problems: list[Problem] = []
    graph = ResponsibilityGraph()
    store = store_of(graph)
    for unit in units.lookup.units():
        graph.add_unit(unit)
    used = {row.item for row in rows.rows}
    added: set[str] = set()
    for code, info in items.infos.items():
        if items.catalogue is None and code not in used:
            continue
        try:
            graph.add_item(Item(
                code, info.name,
                domain=fact(info.domain) or "",
                power_type=fact(info.power_type),
                basis=fact(info.basis) or (),
                parent=info.parent,
            ))
        except KunshanRbacError as exc:
            problems.append(Problem(info.place.file, info.place.sheet, info.place.row,
                                    None, code, str(exc)))
            continue
        added.add(code)
    for row in rows.rows:
        if row.item not in added:
            problems.append(row.cells.problem(
                _NAME, f"an item that can be loaded; item {row.item} cannot"))
            continue
        try:
            records = graph.assign(
                row.item, town=row.town, list=row.kind, primary=row.primary,
                secondary=row.secondary, start=row.start, end=row.end, duty=row.duty,
                secondary_duty=row.secondary_duty, grant=row.grant,
            )
        except KunshanRbacError as exc:
            problems.append(row.cells.problem(_NAME, str(exc)))
            continue
        if row.origin is not None:
            store.record_origin((record.id for record in records), row.origin)
    return graph, problems
