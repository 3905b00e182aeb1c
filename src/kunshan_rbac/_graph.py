"""The responsibility graph: units, items and dated responsibility records.

Records are stored once, by id, and indexed by (item, town), by unit and by town, so
that "who owns this item in this town on this date" is two dictionary hits and a
bisection. The networkx view (`ResponsibilityGraph.to_networkx`) is built on demand, with
one node per unit and one per catalogue item (never one per (item, town)), so the graph
stays small at national scale.
"""

from __future__ import annotations

import datetime
import difflib
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from time import time as _clock
from typing import TYPE_CHECKING, Any

import attrs

from ._dates import DateLike, _today, parse_date, parse_optional_date, today_ordinal
from ._errors import (
    AmbiguousNameError,
    DuplicateCodeError,
    InvalidRecordError,
    NotAssignedError,
    OwnershipConflictError,
    UnknownItemError,
    UnknownUnitError,
)
from ._model import (
    Authority,
    Department,
    Item,
    ListKind,
    Ownership,
    Record,
    Role,
    Town,
    Unit,
    _trusted_record,
)
from ._text import normalize_name
from ._timeline import FOREVER, Segment, Timeline, build_timeline

if TYPE_CHECKING:
    import networkx as nx

    from ._explain import Explanation
    from ._transfers import Transfer

__all__ = ["ResponsibilityGraph"]

_Date = datetime.date
_Key = tuple[str, str]
"""(item code, town code)."""


@attrs.define
class _Entry:
    """A cached timeline of one (item, town) with its answers resolved to values."""

    timeline: Timeline
    answers: tuple[Ownership | Segment, ...]
    first: int
    last: int


class _Slot:
    """The records of one (item, town), in insertion order, and their cached timeline."""

    __slots__ = ("entry", "hi", "item", "lo", "only", "records", "town")

    def __init__(self, item: str, town: str) -> None:
        self.item = item
        self.town = town
        self.records: list[Record] = []
        self.entry: _Entry | None = None
        # When the whole timeline is one clean answer: its day range and the answer
        # (lo == hi == 0 otherwise), so that `owner` needs no bisection.
        self.lo = 0
        self.hi = 0
        self.only: Ownership | None = None

    def forget(self) -> None:
        """Drop the cached timeline after the records changed."""
        self.entry = None
        self.lo = self.hi = 0
        self.only = None


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


class ResponsibilityGraph:
    """Towns, departments, duty items and who answers for what, on which dates.

    Build one with `add_unit`, `add_item` and `assign` (or load one with
    `kunshan_rbac.load_sample` or `kunshan_rbac.read_json`), then ask it questions.
    Units and items may be named by code, name or alias wherever a parameter takes one.

    Example:
        >>> import kunshan_rbac as kr
        >>> g = kr.ResponsibilityGraph()
        >>> g.add_unit(kr.Town("yushan", "玉山镇"))
        >>> g.add_unit(kr.Department("zjj", "市住房和城乡建设局", aliases=("市住建局",)))
        >>> g.add_item(kr.Item("ZJ-001", "住宅专项维修资金使用受理、审核和日常管理"))
        >>> _ = g.assign("ZJ-001", town="yushan", list=kr.ListKind.BASIC,
        ...              primary="yushan", secondary=["市住建局"], start="2024-06-01")
        >>> g.owner("ZJ-001", town="玉山镇", at="2025年1月1日").primary.name
        '玉山镇'
    """

    def __init__(self) -> None:
        self._units: dict[str, Unit] = {}
        self._items: dict[str, Item] = {}
        self._unit_names = _NameIndex()
        self._item_names = _NameIndex()
        self._children: dict[str, list[str]] = defaultdict(list)
        # town code -> item code -> the records of that (item, town) and their timeline
        self._slots: dict[str, dict[str, _Slot]] = {}
        # unit code -> the (item, town) slots where the unit holds a record
        self._unit_slots: dict[str, set[_Slot]] = defaultdict(set)
        self._transfers: list[Transfer] = []
        self._record_count = 0
        self._next_id = 1

    def __repr__(self) -> str:
        towns = sum(1 for u in self._units.values() if isinstance(u, Town))
        return (
            f"<ResponsibilityGraph: {towns} towns, {len(self._units) - towns} other units, "
            f"{len(self._items)} items, {self._record_count} records, "
            f"{len(self._transfers)} transfers>"
        )

    # ------------------------------------------------------------------ catalogue

    def add_unit(self, unit: Unit) -> None:
        """Add a town, department or authority to the catalogue.

        Args:
            unit: the unit. Adding an equal unit again does nothing.

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

    def add_item(self, item: Item) -> None:
        """Add a duty item (or sub-item) to the catalogue.

        Args:
            item: the item. Adding an equal item again does nothing. A sub-item may be
                added before its parent; the parent must exist before it is looked up.

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

    def towns(self) -> list[Town]:
        """Every town, ordered by code."""
        return sorted((u for u in self._units.values() if isinstance(u, Town)), key=_code)

    def departments(self) -> list[Department]:
        """Every department, ordered by code."""
        return sorted((u for u in self._units.values() if isinstance(u, Department)), key=_code)

    def units(self) -> list[Unit]:
        """Every unit (towns, departments and authorities), ordered by code."""
        return sorted(self._units.values(), key=_code)

    def items(self) -> list[Item]:
        """Every catalogue item, sub-items included, ordered by code."""
        return sorted(self._items.values(), key=_code)

    def sub_items(self, item: str) -> list[Item]:
        """The sub-items (子项) of an item, ordered by code.

        Args:
            item: code or name of the parent item.

        Raises:
            UnknownItemError: no such item.
        """
        code = self._item_code(item)
        return sorted((self._items[c] for c in self._children.get(code, ())), key=_code)

    def unit(self, name: str) -> Unit:
        """The unit with this code, name or alias.

        Raises:
            UnknownUnitError: none has it.
            AmbiguousNameError: several units have it.
        """
        return self._units[self._unit_code(name)]

    def town(self, name: str) -> Town:
        """The town with this code, name or alias.

        Raises:
            UnknownUnitError: no town has it (the message says if a department does).
            AmbiguousNameError: several towns have it.
        """
        unit = self._units[self._unit_code(name, kind="town")]
        assert isinstance(unit, Town)
        return unit

    def item(self, name: str) -> Item:
        """The item with this code or name (compared after `normalize_name`).

        Raises:
            UnknownItemError: none has it.
            AmbiguousNameError: several items have it.
        """
        return self._items[self._item_code(name)]

    # ------------------------------------------------------------------ records

    def assign(
        self,
        item: str,
        *,
        town: str,
        list: ListKind | str,
        primary: str,
        secondary: Sequence[str] | str = (),
        start: DateLike | None = None,
        end: DateLike | None = None,
        duty: str = "",
        secondary_duty: str = "",
        source: str = "",
        grant: str = "",
    ) -> tuple[Record, ...]:
        """Put an item on a town's list, naming its primary and secondary units.

        One record is made for the primary and one for each secondary unit, all with the
        same validity ``[start, end)``. The graph may hold data that break the consistency
        rules (`kunshan_rbac.check` reports them); only unknown references and malformed
        values are refused.

        Args:
            item: code or name of the item.
            town: code, name or alias of the town whose list holds it.
            list: the list (`ListKind`, or its name or Chinese label).
            primary: the unit that answers fully (主责).
            secondary: the assisting units (次责); one name or a sequence.
            start: first day in force (``None``: since always).
            end: first day no longer in force (``None``: open-ended).
            duty: what the primary does (上级部门职责 on the cooperative list).
            secondary_duty: what each secondary does (镇街配合职责, 工作方式).
            source: the document that sets this up (文号).
            grant: the document that empowered the town to exercise the power (赋权文号).

        Returns:
            The new records, primary first.

        Raises:
            UnknownItemError: the item is unknown.
            UnknownUnitError: the town or a unit is unknown.
            AmbiguousNameError: a name fits several units or items.
            InvalidRecordError: a value is malformed (a date, the list, a unit named twice).
            InvalidDateError: a date cannot be read.
        """
        item_code = item if item in self._items else self._item_code(item)
        town_code = (
            town if type(self._units.get(town)) is Town else self._unit_code(town, kind="town")
        )
        kind = list if isinstance(list, ListKind) else ListKind.parse(list)
        primary_code = primary if primary in self._units else self._unit_code(primary)
        names = [secondary] if isinstance(secondary, str) else secondary
        secondary_codes = [n if n in self._units else self._unit_code(n) for n in names]
        if len(set(secondary_codes)) != len(secondary_codes):
            raise InvalidRecordError(
                f"secondary names a unit twice: {secondary_codes}",
                field="secondary",
                value=secondary,
            )
        for text, field in ((duty, "duty"), (secondary_duty, "secondary_duty"), (source, "source"),
                            (grant, "grant")):
            if not isinstance(text, str):
                raise InvalidRecordError(f"{field} must be a string", field=field, value=text)
        start_day = parse_optional_date(start)
        end_day = parse_optional_date(end)
        records = [
            self._new_record(primary_code, item_code, town_code, Role.PRIMARY, kind,
                             start_day, end_day, duty=duty, source=source, grant=grant)
        ]
        records += [
            self._new_record(code, item_code, town_code, Role.SECONDARY, kind,
                             start_day, end_day, duty=secondary_duty, source=source)
            for code in secondary_codes
        ]
        for record in records:
            self._insert(record)
        return tuple(records)

    def records(
        self, *, item: str | None = None, town: str | None = None, unit: str | None = None
    ) -> list[Record]:
        """Every record, or those of an item, a town and/or a unit, ordered by id.

        Records that a transfer ended are included, with their ``end`` and ``closed_by``.
        """
        item_code = self._item_code(item) if item is not None else None
        town_code = self._unit_code(town, kind="town") if town is not None else None
        unit_code = self._unit_code(unit) if unit is not None else None
        if item_code is not None and town_code is not None:
            found: Iterable[Record] = self._key_records((item_code, town_code))
        elif unit_code is not None:
            found = (r for slot in self._unit_slots.get(unit_code, ()) for r in slot.records)
        elif town_code is not None:
            found = (
                r for slot in self._slots.get(town_code, {}).values() for r in slot.records
            )
        else:
            found = self._all_records()
        selected = [
            r
            for r in found
            if (item_code is None or r.item == item_code)
            and (town_code is None or r.town == town_code)
            and (unit_code is None or r.unit == unit_code)
        ]
        selected.sort(key=_record_id)
        return selected

    # ------------------------------------------------------------------ questions

    def owner(self, item: str, *, town: str, at: DateLike | None = None) -> Ownership:
        """Who owns an item in a town on a date.

        Args:
            item: code or name of the item.
            town: code, name or alias of the town.
            at: the date (``None``: today); see `kunshan_rbac.parse_date` for the forms.

        Returns:
            The `Ownership`: the list holding the item, its primary and secondary units,
            and the period over which this answer holds.

        Raises:
            NotAssignedError: no list of the town holds the item on that date.
            OwnershipConflictError: the records name no single primary then.
            UnknownItemError, UnknownUnitError, AmbiguousNameError: a name is not known,
                or fits several.
            InvalidDateError: the date cannot be read.

        Example:
            >>> import kunshan_rbac as kr
            >>> g = kr.load_sample()
            >>> g.owner("B-CJ-001", town="玉山镇", at="2025-08-01").list
            ListKind.BASIC
        """
        # Fast path: codes given, and the (item, town) has one clean answer over its
        # whole timeline (the usual case): no name resolution, no bisection.
        slots = self._slots.get(town)
        slot = slots.get(item) if slots is not None else None
        if at is None:
            day = _today[0] if _clock() < _today[1] else today_ordinal()
        elif type(at) is _Date:
            day = at.toordinal()
        else:
            day = parse_date(at).toordinal()
        if slot is not None:
            if slot.lo <= day < slot.hi:
                return slot.only  # type: ignore[return-value]
            answer = _lookup(slot.entry or self._entry_of(slot), day)
            if type(answer) is Ownership:
                return answer
            item_code, town_code = item, town
        else:
            item_code = item if item in self._items else self._item_code(item)
            town_code = town if slots is not None else self._unit_code(town, kind="town")
            answer = self._answer((item_code, town_code), day)
            if isinstance(answer, Ownership):
                return answer
        when = datetime.date.fromordinal(day)
        if answer is None:
            raise NotAssignedError(
                item_code,
                town_code,
                when,
                [k.label for k in ListKind],
                [(s.start_date, s.end_date) for s in self._held_spans((item_code, town_code))],
            )
        assert isinstance(answer, Segment)
        in_force = [r for r in answer.records if r.holds_on(when)]
        raise OwnershipConflictError(item_code, town_code, when, in_force, answer.problem)

    def history(self, item: str, *, town: str) -> list[Ownership]:
        """Every owner an item has had in a town, oldest first.

        Neighbouring periods with the same answer are joined; a gap means no list held
        the item then.

        Raises:
            OwnershipConflictError: the records name no single primary in some period
                (its ``at`` is the first day of that period).
            UnknownItemError, UnknownUnitError, AmbiguousNameError: a name is unknown.
        """
        key = (self._item_code(item), self._unit_code(town, kind="town"))
        entry = self._entry(key)
        result = []
        for answer in entry.answers:
            if isinstance(answer, Segment):
                day = datetime.date.fromordinal(max(answer.start, 1))
                raise OwnershipConflictError(key[0], key[1], day, answer.records, answer.problem)
            result.append(answer)
        return result

    def duties(
        self,
        unit: str,
        *,
        at: DateLike | None = None,
        role: Role | str | None = None,
        list: ListKind | str | None = None,
    ) -> list[Ownership]:
        """What a unit answers for on a date: every (item, town) where it holds a role.

        Args:
            unit: code, name or alias of a town or department.
            at: the date (``None``: today).
            role: only where the unit is primary, or only where it is secondary.
            list: only items on this list.

        Returns:
            The `Ownership` of each such (item, town), ordered by town code then item code.

        Raises:
            OwnershipConflictError: some (item, town) of the unit has no single primary.
            UnknownUnitError, AmbiguousNameError: the unit is unknown or ambiguous.
        """
        code = unit if unit in self._units else self._unit_code(unit)
        day = today_ordinal() if at is None else parse_date(at).toordinal()
        wanted_role = Role.parse(role) if role is not None else None
        wanted_list = ListKind.parse(list) if list is not None else None
        result = []
        for slot in self._unit_slots.get(code, ()):
            if slot.lo <= day < slot.hi:
                answer: Ownership | Segment | None = slot.only
            else:
                answer = _lookup(slot.entry or self._entry_of(slot), day)
            if answer is None:
                continue
            if type(answer) is Segment:
                when = datetime.date.fromordinal(day)
                in_force = [r for r in answer.records if r.holds_on(when)]
                if any(r.unit == code for r in in_force):
                    raise OwnershipConflictError(
                        slot.item, slot.town, when, in_force, answer.problem
                    )
                continue
            assert type(answer) is Ownership
            is_primary = answer.primary.code == code
            if not is_primary:
                for unit_ in answer.secondary:
                    if unit_.code == code:
                        break
                else:
                    continue
            if wanted_role is not None and is_primary != (wanted_role is Role.PRIMARY):
                continue
            if wanted_list is not None and answer.list is not wanted_list:
                continue
            result.append(answer)
        result.sort(key=lambda o: (o.town.code, o.item.code))
        return result

    def items_on(
        self, list: ListKind | str, *, town: str, at: DateLike | None = None
    ) -> list[Item]:
        """The items on one list of a town on a date, ordered by code.

        An item counts as on a list when a record on that list is in force for the town,
        whether or not its roles are consistent (``kr.check`` reports those).

        Args:
            list: the list.
            town: code, name or alias of the town.
            at: the date (``None``: today).

        Raises:
            UnknownUnitError, AmbiguousNameError: the town is unknown or ambiguous.
        """
        kind = ListKind.parse(list)
        town_code = town if town in self._slots else self._unit_code(town, kind="town")
        day = today_ordinal() if at is None else parse_date(at).toordinal()
        when = datetime.date.fromordinal(day)
        codes = []
        for slot in self._slots.get(town_code, {}).values():
            for r in slot.records:
                if (
                    r.list is kind
                    and (r.start is None or r.start <= when)
                    and (r.end is None or when < r.end)
                ):
                    codes.append(slot.item)
                    break
        codes.sort()
        items = self._items
        return [items[c] for c in codes]

    def explain(self, item: str, *, town: str, at: DateLike | None = None) -> Explanation:
        """Why an item is (or is not) owned as it is in a town on a date.

        Unlike `owner`, this never raises for a missing or conflicting answer: it says
        what the records show, with their dates, documents and transfers.

        Returns:
            An `Explanation`; ``str()`` of it is a readable account.
        """
        from ._explain import explain

        key = (self._item_code(item), self._unit_code(town, kind="town"))
        return explain(self, key, parse_date(at))

    def transfers(
        self, *, item: str | None = None, town: str | None = None, unit: str | None = None
    ) -> list[Transfer]:
        """The transfers recorded in the graph, oldest first, optionally filtered.

        Args:
            item: only transfers that move this item.
            town: only transfers that touch this town.
            unit: only transfers from or to this unit.
        """
        item_code = self._item_code(item) if item is not None else None
        town_code = self._unit_code(town, kind="town") if town is not None else None
        unit_code = self._unit_code(unit) if unit is not None else None
        return [
            t
            for t in self._transfers
            if (item_code is None or item_code in t.items)
            and (town_code is None or town_code in t.towns)
            and (unit_code is None or unit_code in t.from_units or unit_code in t.to_units)
        ]

    # ------------------------------------------------------------------ transfers

    def reclaim(
        self,
        items: str | Sequence[str],
        *,
        towns: str | Sequence[str] | None = None,
        to: str,
        effective: DateLike,
        ref: str = "",
        reason: str = "",
        keep_secondary: bool = False,
        duty: str = "",
        secondary_duty: str = "",
    ) -> Transfer:
        """Take items back from towns to a department (收回) from an effective date.

        Each named town must be the primary of each item on the effective date
        (``towns=None``: every town where that holds). From that date the department is
        primary and the item sits on the town's RECLAIMED list; with ``keep_secondary``
        the town stays secondary (it still reports leads). Other secondary units keep
        assisting. Earlier dates answer as before: records are ended, never deleted.

        Args:
            items: codes or names of the items.
            towns: the towns, or ``None`` for every town that holds the items.
            to: the department that takes the items.
            effective: first day of the new ownership (may be in the future).
            ref: the document reference (文号).
            reason: why (e.g. 专业性强,乡镇无力承接).
            keep_secondary: whether the town stays secondary.
            duty: the department's duty text on the new records.
            secondary_duty: the town's remaining part (工作方式), with ``keep_secondary``.

        Returns:
            The recorded `Transfer`.

        Raises:
            TransferError: the transfer cannot apply; it lists every reason, and the graph
                is left exactly as it was.
        """
        from ._transfers import apply_plan, plan_reclaim

        planner, fields = plan_reclaim(
            self, items, towns=towns, to=to, effective=effective, ref=ref, reason=reason,
            keep_secondary=keep_secondary, duty=duty, secondary_duty=secondary_duty,
        )
        return apply_plan(self, planner, fields)

    def delegate(
        self,
        items: str | Sequence[str],
        *,
        towns: str | Sequence[str] | None = None,
        effective: DateLike,
        ref: str = "",
        reason: str = "",
        keep_secondary: bool = True,
        duty: str = "",
        secondary_duty: str = "",
        grant: str = "",
    ) -> Transfer:
        """Hand items down from departments to towns (下放) from an effective date.

        A department must be the primary of each item in each named town on the
        effective date (``towns=None``: every town where that holds). From that date the
        town is primary on its BASIC list; with ``keep_secondary`` (the default) the
        department stays secondary, e.g. for policy guidance and supervision.

        Args:
            items: codes or names of the items.
            towns: the towns, or ``None`` for every town where a department leads.
            effective: first day of the new ownership.
            ref: the document reference (文号).
            reason: why.
            keep_secondary: whether the department stays secondary.
            duty: the town's duty text on the new records.
            secondary_duty: the department's remaining duty, with ``keep_secondary``.
            grant: the document empowering the town to exercise a delegated power (赋权文号),
                recorded on the town's new record; often the same as ``ref``.

        Returns:
            The recorded `Transfer`.

        Raises:
            TransferError: the transfer cannot apply; it lists every reason, and the graph
                is left exactly as it was.
        """
        from ._transfers import apply_plan, plan_delegate

        planner, fields = plan_delegate(
            self, items, towns=towns, effective=effective, ref=ref, reason=reason,
            keep_secondary=keep_secondary, duty=duty, secondary_duty=secondary_duty,
            grant=grant,
        )
        return apply_plan(self, planner, fields)

    def revert(
        self, transfer: Transfer | int, *, effective: DateLike, ref: str = "", reason: str = ""
    ) -> Transfer:
        """Undo a transfer from an effective date by a compensating transfer.

        Each (item, town) the transfer moved must still be as the transfer left it (same
        list, primary and secondary units) on ``effective``, with no later change recorded.
        The records in force are then ended at ``effective`` and copies of those the
        transfer ended are opened; both transfers stay in the history.

        Args:
            transfer: the `Transfer` (or its id) to undo.
            effective: first day the old owners hold again (not before the transfer's).
            ref: the document reference (文号).
            reason: why.

        Returns:
            The recorded revert `Transfer`.

        Raises:
            TransferError: some (item, town) changed since the transfer, or the date or
                transfer is wrong; nothing is changed.
        """
        from ._transfers import apply_plan, plan_revert

        planner, fields = plan_revert(self, transfer, effective=effective, ref=ref, reason=reason)
        return apply_plan(self, planner, fields)

    def to_networkx(self) -> nx.MultiDiGraph:
        """A networkx view for analysts, built anew on each call.

        Nodes are unit and item codes, with their fields as attributes and ``kind`` set
        to ``"town"``, ``"department"``, ``"authority"`` or ``"item"``. Each record is an
        edge from its unit to its item, keyed by record id, with ``kind="record"`` and the
        record's fields (``town``, ``role``, ``list``, ``start``, ``end``...). Parent
        links are edges from child to parent with ``kind="parent"``.
        """
        import networkx as nx

        graph = nx.MultiDiGraph()
        for unit in self._units.values():
            graph.add_node(unit.code, **attrs.asdict(unit, recurse=False), kind=unit.kind)
        for item in self._items.values():
            graph.add_node(item.code, **attrs.asdict(item, recurse=False), kind="item")
        for node in (*self._units.values(), *self._items.values()):
            if node.parent is not None:
                graph.add_edge(node.code, node.parent, key="parent", kind="parent")
        for record in self._all_records():
            fields = attrs.asdict(record, recurse=False)
            fields["role"] = record.role.value
            fields["list"] = record.list.value
            graph.add_edge(record.unit, record.item, key=record.id, kind="record", **fields)
        return graph

    # ------------------------------------------------------------------ internals

    def _new_record(
        self,
        unit: str,
        item: str,
        town: str,
        role: Role,
        kind: ListKind,
        start: datetime.date | None,
        end: datetime.date | None,
        *,
        duty: str = "",
        source: str = "",
        grant: str = "",
        opened_by: int | None = None,
    ) -> Record:
        """A new record with the next id, from values the caller has checked."""
        record = _trusted_record(self._next_id, unit, item, town, role, kind, start, end,
                                 duty, source, grant, opened_by, None)
        self._next_id += 1
        return record

    def _insert(self, record: Record) -> None:
        """Index a new record (its id must be unused)."""
        slots = self._slots.get(record.town)
        if slots is None:
            slots = self._slots[record.town] = {}
        slot = slots.get(record.item)
        if slot is None:
            slot = slots[record.item] = _Slot(record.item, record.town)
        slot.records.append(record)
        slot.forget()
        self._unit_slots[record.unit].add(slot)
        self._record_count += 1
        if record.id >= self._next_id:
            self._next_id = record.id + 1

    def _replace(self, record: Record) -> None:
        """Swap in a changed copy of a stored record (a transfer ending it)."""
        slot = self._slots[record.town][record.item]
        for index, old in enumerate(slot.records):
            if old.id == record.id:
                slot.records[index] = record
                slot.forget()
                return
        raise KeyError(record.id)  # pragma: no cover - callers pass stored records

    def _record(self, key: _Key, record_id: int) -> Record:
        """The stored record with this id among those of ``key``."""
        for record in self._key_records(key):
            if record.id == record_id:
                return record
        raise KeyError(record_id)

    def _slot_records(self, key: _Key) -> Sequence[Record]:
        """The stored records of ``key`` (not a copy: do not change it)."""
        slots = self._slots.get(key[1])
        slot = slots.get(key[0]) if slots is not None else None
        return slot.records if slot is not None else ()

    def _key_records(self, key: _Key) -> list[Record]:
        slots = self._slots.get(key[1])
        slot = slots.get(key[0]) if slots is not None else None
        return list(slot.records) if slot is not None else []

    def _all_records(self) -> Iterator[Record]:
        for slots in self._slots.values():
            for slot in slots.values():
                yield from slot.records

    def _groups(self) -> Iterator[tuple[_Key, list[Record]]]:
        """Every (item, town) with its records, in insertion order."""
        for slots in self._slots.values():
            for slot in slots.values():
                yield (slot.item, slot.town), slot.records

    def _towns_holding(self, item: str) -> list[str]:
        """Codes of the towns with records of ``item``, sorted."""
        return sorted(town for town, slots in self._slots.items() if item in slots)

    def _entry_of(self, slot: _Slot) -> _Entry:
        timeline = build_timeline(slot.records)
        key = (slot.item, slot.town)
        answers = tuple(self._resolve(key, s) for s in timeline.segments)
        first = timeline.segments[0].start if timeline.segments else FOREVER
        last = timeline.segments[-1].end if timeline.segments else FOREVER
        slot.entry = _Entry(timeline, answers, first, last)
        # Keep today's period (or, if none, the latest one) at hand when it is a clean
        # answer: most questions are about today, the rest fall back to bisection.
        index = bisect_right(timeline.starts, today_ordinal()) - 1
        if index < 0 or timeline.segments[index].end <= today_ordinal():
            index = len(answers) - 1
        chosen = answers[index] if index >= 0 else None
        if type(chosen) is Ownership:
            segment = timeline.segments[index]
            slot.lo, slot.hi, slot.only = segment.start, segment.end, chosen
        return slot.entry

    def _entry(self, key: _Key) -> _Entry:
        slots = self._slots.get(key[1])
        slot = slots.get(key[0]) if slots is not None else None
        if slot is None:
            return _EMPTY
        return slot.entry or self._entry_of(slot)

    def _resolve(self, key: _Key, segment: Segment) -> Ownership | Segment:
        if segment.primary is None or segment.list is None:
            return segment
        town = self._units[key[1]]
        assert isinstance(town, Town)
        return Ownership(
            item=self._items[key[0]],
            town=town,
            list=segment.list,
            primary=self._units[segment.primary],
            secondary=tuple(self._units[c] for c in segment.secondary),
            start=segment.start_date,
            end=segment.end_date,
            records=segment.records,
        )

    def _answer(self, key: _Key, day: int) -> Ownership | Segment | None:
        return _lookup(self._entry(key), day)

    def _segment(self, key: _Key, day: int) -> Segment | None:
        return self._entry(key).timeline.at(day)

    def _held_spans(self, key: _Key) -> list[Segment]:
        return list(self._entry(key).timeline.segments)

    def _item_code(self, name: str) -> str:
        if not isinstance(name, str):
            raise InvalidRecordError(f"an item is named by a string, not {name!r}", value=name)
        if name in self._items:
            return name
        found = self._item_names.find(name)
        if len(found) == 1:
            return next(iter(found))
        if found:
            raise AmbiguousNameError(name, sorted(found), kind="item")
        raise UnknownItemError(name, self._suggest(name, self._items, self._item_names))

    def _unit_code(self, name: str, *, kind: str = "unit") -> str:
        if not isinstance(name, str):
            raise InvalidRecordError(f"a {kind} is named by a string, not {name!r}", value=name)
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

    @staticmethod
    def _suggest(name: str, codes: dict[str, Any], names: _NameIndex) -> list[str]:
        pool = [*codes, *(n for n, cs in names.exact.items() if cs & codes.keys())]
        return difflib.get_close_matches(name, pool, n=3, cutoff=0.6)


def _code(value: Unit | Item) -> str:
    return value.code


def _record_id(record: Record) -> int:
    return record.id


_EMPTY = _Entry(Timeline((), ()), (), FOREVER, FOREVER)


def _lookup(entry: _Entry, day: int) -> Ownership | Segment | None:
    """The answer of a cached timeline on day number ``day``, if any."""
    starts = entry.timeline.starts
    index = bisect_right(starts, day) - 1
    if index < 0 or day >= entry.timeline.segments[index].end:
        return None
    return entry.answers[index]


def _on_list(segment: Segment, kind: ListKind, day: int) -> bool:
    """Whether a record on list ``kind`` is in force in ``segment`` on day number ``day``."""
    if segment.list is not None:
        return segment.list is kind
    when = datetime.date.fromordinal(day)
    return any(r.list is kind and r.holds_on(when) for r in segment.records)
