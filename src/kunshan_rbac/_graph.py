"""The responsibility graph: units, items and dated responsibility records.

`ResponsibilityGraph` is a thin front over a `Catalogue` (units, items, names) and a
`RecordStore` (records, indexes, timelines, the transfer log), in the shape of networkx:
the storage lives in those classes, and the transfers, explanations, rules and readers
are functions over their documented methods. "Who owns this item in this town on this
date" is two dictionary hits and, at most, a bisection. The networkx view
(`ResponsibilityGraph.to_networkx`) is built on demand, with one node per unit and one
per catalogue item (never one per (item, town)), so the graph stays small at national
scale.

`catalogue_of` and `store_of` hand the two parts to the library's own readers and rules;
they are not part of the public API.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from time import time as _clock
from typing import TYPE_CHECKING, Any

import attrs

from . import _frames
from ._catalogue import Catalogue
from ._dates import (
    TODAY,
    DateLike,
    day_number,
    in_force,
    parse_date,
    parse_optional_date,
    today_ordinal,
)
from ._display import fields_html
from ._errors import (
    InvalidArgumentError,
    InvalidRecordError,
    NotAssignedError,
    OwnershipConflictError,
)
from ._explain import Explanation, explain
from ._model import (
    Department,
    Item,
    ListKind,
    Ownership,
    Record,
    Role,
    Town,
    Transfer,
    Unit,
)
from ._origin import Origin
from ._pause import collection_paused
from ._picture import Picture, picture
from ._store import RecordStore, Slot
from ._timeline import Segment
from ._transfers import apply_plan, plan_delegate, plan_reclaim, plan_revert

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["ResponsibilityGraph", "catalogue_of", "store_of"]

_Date = datetime.date


class ResponsibilityGraph:
    """Towns, departments, duty items and who answers for what, on which dates.

    Build one with `add_unit`, `add_item` and `assign` (or load one with
    `kunshan_rbac.load_sample` or `kunshan_rbac.read_json`), then ask it questions.
    Units and items may be named by code, name or alias wherever a parameter takes one.

    Examples:
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
        self._catalogue = Catalogue()
        self._store = RecordStore(self._catalogue)
        self._shortcuts()

    def _shortcuts(self) -> None:
        # Read-only views and a bound store method that the questions use on every call
        # (an attribute read here is cheaper than a call in `owner`'s fast path).
        self._units = self._catalogue.unit_map
        self._items = self._catalogue.item_map
        self._search = self._store.search
        self._by_town = self._store.by_town  # the same dict for the store's life

    def __getstate__(self) -> dict[str, Any]:
        # Pickling and copying keep the two parts; the shortcuts are made anew.
        return {"_catalogue": self._catalogue, "_store": self._store}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._shortcuts()

    def __repr__(self) -> str:
        towns = sum(1 for u in self._units.values() if isinstance(u, Town))
        return (
            f"<ResponsibilityGraph: {towns} towns, {len(self._units) - towns} other units, "
            f"{len(self._items)} items, {self._store.record_count} records, "
            f"{len(self._store.transfers())} transfers>"
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
        self._catalogue.add_unit(unit)

    def add_item(self, item: Item) -> None:
        """Add a duty item (or sub-item) to the catalogue.

        Args:
            item: the item. Adding an equal item again does nothing. A sub-item may be
                added before its parent; the parent must exist before it is looked up.

        Raises:
            InvalidRecordError: ``item`` is not an `Item`.
            DuplicateCodeError: its code is already used by a different item or a unit.
        """
        self._catalogue.add_item(item)

    def towns(self) -> list[Town]:
        """Every town, ordered by code."""
        return sorted((u for u in self._units.values() if isinstance(u, Town)), key=_code)

    def departments(self) -> list[Department]:
        """Every department, ordered by code."""
        return sorted((u for u in self._units.values() if isinstance(u, Department)), key=_code)

    def units(self) -> list[Unit]:
        """Every unit (towns, departments and authorities), ordered by code."""
        return self._catalogue.units()

    def items(self) -> list[Item]:
        """Every catalogue item, sub-items included, ordered by code."""
        return self._catalogue.items()

    def sub_items(self, item: str) -> list[Item]:
        """The sub-items (子项) of an item, ordered by code.

        Args:
            item: code or name of the parent item.

        Raises:
            UnknownItemError: no such item.
        """
        return self._catalogue.children(self._catalogue.item_code(item, parameter="item"))

    def unit(self, name: str) -> Unit:
        """The unit with this code, name or alias.

        Raises:
            UnknownUnitError: none has it.
            AmbiguousNameError: several units have it.
        """
        return self._units[self._catalogue.unit_code(name, parameter="name")]

    def town(self, name: str) -> Town:
        """The town with this code, name or alias.

        Raises:
            UnknownUnitError: no town has it (the message says if a department does).
            AmbiguousNameError: several towns have it.
        """
        unit = self._units[self._catalogue.unit_code(name, kind="town", parameter="name")]
        assert isinstance(unit, Town)
        return unit

    def item(self, name: str) -> Item:
        """The item with this code or name (compared after `normalize_name`).

        Raises:
            UnknownItemError: none has it.
            AmbiguousNameError: several items have it.
        """
        return self._items[self._catalogue.item_code(name, parameter="name")]

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
        catalogue, store, units = self._catalogue, self._store, self._units
        _name("item", item)
        _name("town", town)
        _kind("list", list, ListKind)
        _name("primary", primary)
        secondary = _names("secondary", secondary)
        _date("start", start)
        _date("end", end)
        item_code = item if item in self._items else catalogue.item_code(item)
        town_code = (
            town if type(units.get(town)) is Town else catalogue.unit_code(town, kind="town")
        )
        kind = list if isinstance(list, ListKind) else ListKind.parse(list)
        primary_code = (
            primary if primary in units else catalogue.unit_code(primary, parameter="primary")
        )
        names = [secondary] if isinstance(secondary, str) else secondary
        secondary_codes = [
            n if n in units else catalogue.unit_code(n, parameter="secondary") for n in names
        ]
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
            store.new_record(primary_code, item_code, town_code, Role.PRIMARY, kind,
                             start_day, end_day, duty=duty, source=source, grant=grant)
        ]
        records += [
            store.new_record(code, item_code, town_code, Role.SECONDARY, kind,
                             start_day, end_day, duty=secondary_duty, source=source)
            for code in secondary_codes
        ]
        with store.batch():  # one (item, town): published in place, in one step
            for record in records:
                store.insert(record)
        return tuple(records)

    def records(
        self, *, item: str | None = None, town: str | None = None, unit: str | None = None
    ) -> list[Record]:
        """Every record, or those of an item, a town and/or a unit, ordered by id.

        Records that a transfer ended are included, with their ``end`` and ``closed_by``.
        """
        item_code, town_code, unit_code = self._codes(item, town, unit)
        store = self._store
        if item_code is not None and town_code is not None:
            found: Iterable[Record] = store.records_of(item_code, town_code)
        elif unit_code is not None:
            found = (r for slot in store.slots_of_unit(unit_code) for r in slot.records)
        elif town_code is not None:
            found = (r for slot in store.slots_of_town(town_code) for r in slot.records)
        else:
            found = store.all_records()
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

        Examples:
            >>> import kunshan_rbac as kr
            >>> g = kr.load_sample()
            >>> g.owner("B-CJ-001", town="玉山镇", at="2025-08-01").list
            ListKind.BASIC
        """
        # Fast path: codes given, today, and the (item, town) has an answer at hand that
        # holds for good from a day on or before one that has been today (`TODAY.day` never
        # runs ahead of the clock): two dict reads, no clock read, no name resolution, no
        # bisection. The order of reads matters: see `Slot`. Everything else is
        # `_owner_at`, kept out of this function so that the usual call stays small.
        if at is None:
            try:
                slot = self._by_town[town][item]  # one read of the store's index
            except (KeyError, TypeError):  # not codes, no records, or an unhashable argument
                return self._owner_at(item, town, None)
            if slot.since <= TODAY.day:
                return slot.only  # type: ignore[return-value]
        return self._owner_at(item, town, at)

    def _owner_at(self, item: str, town: str, at: DateLike | None) -> Ownership:
        """`owner` past its fast path: any date, names, timelines and refusals."""
        if at is None:  # `day_number(None)`, with its commonest step taken here
            day = TODAY.day if _clock() < TODAY.until else today_ordinal()
        elif type(at) is _Date:
            day = at.toordinal()
        else:
            _date("at", at)
            day = day_number(at)
        try:
            slots = self._by_town.get(town)  # read once: one version of the store
            slot: Slot | None = slots.get(item) if slots is not None else None
        except TypeError:  # an unhashable argument
            raise _wrong_type(item, town, at) from None
        if slot is not None:
            # The answer at hand is the only path of its days: the timeline is bisected
            # for the others alone.
            if slot.hi > day >= slot.lo:  # the order of reads matters: see `Slot`
                return slot.only  # type: ignore[return-value]
            answer = self._search(slot, day)
            if type(answer) is Ownership:
                return answer
            item_code, town_code = item, town
        else:
            catalogue = self._catalogue
            item_code = item if item in self._items else catalogue.item_code(item)
            town_code = town if slots is not None else catalogue.unit_code(town, kind="town")
            answer = self._store.lookup(item_code, town_code, day)
            if isinstance(answer, Ownership):
                return answer
        when = datetime.date.fromordinal(day)
        if isinstance(answer, Segment):
            holding = [r for r in answer.records if r.holds_on(when)]
            raise OwnershipConflictError(item_code, town_code, when, holding, answer.problem)
        spans = self._store.entry_of(item_code, town_code).timeline.segments
        raise NotAssignedError(
            item_code,
            town_code,
            when,
            [k.label for k in ListKind],
            [(s.start_date, s.end_date) for s in spans],
        )

    def history(self, item: str, *, town: str) -> list[Ownership]:
        """Every owner an item has had in a town, oldest first.

        Neighbouring periods with the same answer are joined; a gap means no list held
        the item then.

        Raises:
            OwnershipConflictError: the records name no single primary in some period
                (its ``at`` is the first day of that period).
            UnknownItemError, UnknownUnitError, AmbiguousNameError: a name is unknown.
        """
        catalogue = self._catalogue
        key = (catalogue.item_code(item, parameter="item"),
               catalogue.unit_code(town, kind="town", parameter="town"))
        entry = self._store.entry_of(*key)
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
        _name("unit", unit)
        _date("at", at)
        if role is not None:
            _kind("role", role, Role)
        if list is not None:
            _kind("list", list, ListKind)
        code = unit if unit in self._units else self._catalogue.unit_code(unit)
        day = day_number(at)
        wanted_role = Role.parse(role) if role is not None else None
        wanted_list = ListKind.parse(list) if list is not None else None
        result = []
        search = self._search
        for slot in self._store.slots_of_unit(code):
            answer = slot.only if slot.hi > day >= slot.lo else search(slot, day)
            if type(answer) is not Ownership:
                if isinstance(answer, Segment):  # a conflict (None: no record in force)
                    when = datetime.date.fromordinal(day)
                    holding = [r for r in answer.records if r.holds_on(when)]
                    if any(r.unit == code for r in holding):
                        raise OwnershipConflictError(
                            slot.item, slot.town, when, holding, answer.problem
                        )
                continue
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
        _kind("list", list, ListKind)
        _name("town", town)
        _date("at", at)
        kind = ListKind.parse(list)
        store = self._store
        town_code = (
            town if store.has_town(town) else self._catalogue.unit_code(town, kind="town")
        )
        day = day_number(at)
        when = datetime.date.fromordinal(day)
        search = self._search
        codes = []
        for slot in store.slots_of_town(town_code):
            # A clean answer's records are all on its list, and a conflict's records are
            # all in force over its whole period: only a slot whose timeline is not built
            # yet needs its records read one by one.
            if slot.hi > day >= slot.lo:
                only = slot.only
                on = only is not None and only.list is kind
            elif slot.entry is not None:
                answer = search(slot, day)
                if type(answer) is Ownership:
                    on = answer.list is kind
                else:
                    on = answer is not None and any(r.list is kind for r in answer.records)
            else:
                for r in slot.records:
                    if r.list is kind and in_force(r.start, r.end, when):
                        codes.append(slot.item)
                        break  # once, however many of its records are on that list
                continue
            if on:
                codes.append(slot.item)
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
        catalogue = self._catalogue
        _date("at", at)
        key = (catalogue.item_code(item, parameter="item"),
               catalogue.unit_code(town, kind="town", parameter="town"))
        return explain(catalogue, self._store, key, parse_date(at))

    def origin(self, record: Record | int) -> Origin | None:
        """Where a record was read from: the spreadsheet row, and what the reader inferred.

        `kunshan_rbac.read_lists` records an `Origin` for every record a list row makes:
        the file, sheet and row, the header's rows, and each value carried down, marker
        read and wrapped name rejoined. A record opened by a transfer has none (the
        transfer is its origin: ``record.opened_by``); one a transfer ended keeps its
        own. Records built through the API or read from JSON have none: `write_json`
        does not save origins.

        Args:
            record: a record of this graph, or its id.

        Returns:
            The `Origin`, or ``None`` when the record was not read from a list.

        Raises:
            InvalidArgumentError: ``record`` is neither a `Record` nor an id.

        Examples:
            >>> import kunshan_rbac as kr
            >>> g = kr.load_sample()
            >>> g.origin(g.records()[0]) is None    # the sample is read from JSON
            True
        """
        if isinstance(record, Record):
            record_id = record.id
        elif isinstance(record, int) and not isinstance(record, bool):
            record_id = record
        else:
            raise InvalidArgumentError("record", record, "a Record or a record id (an int)")
        return self._store.origin_of(record_id)

    def transfers(
        self, *, item: str | None = None, town: str | None = None, unit: str | None = None
    ) -> list[Transfer]:
        """The transfers recorded in the graph, oldest first, optionally filtered.

        Args:
            item: only transfers that move this item.
            town: only transfers that touch this town.
            unit: only transfers from or to this unit.
        """
        item_code, town_code, unit_code = self._codes(item, town, unit)
        return [
            t
            for t in self._store.transfers()
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
        items = _names("items", items)
        towns = _names("towns", towns, optional=True)
        _name("to", to)
        _date("effective", effective, optional=False)
        if not isinstance(keep_secondary, bool):
            raise InvalidArgumentError("keep_secondary", keep_secondary, "True or False")
        with self._store.writing(), collection_paused():  # one writer: plan and apply as one
            planner, fields = plan_reclaim(
                self._catalogue, self._store, items, towns=towns, to=to, effective=effective,
                ref=ref, reason=reason, keep_secondary=keep_secondary, duty=duty,
                secondary_duty=secondary_duty,
            )
            return apply_plan(self._store, planner, fields)

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
        items = _names("items", items)
        towns = _names("towns", towns, optional=True)
        _date("effective", effective, optional=False)
        if not isinstance(keep_secondary, bool):
            raise InvalidArgumentError("keep_secondary", keep_secondary, "True or False")
        with self._store.writing(), collection_paused():  # one writer: plan and apply as one
            planner, fields = plan_delegate(
                self._catalogue, self._store, items, towns=towns, effective=effective, ref=ref,
                reason=reason, keep_secondary=keep_secondary, duty=duty,
                secondary_duty=secondary_duty, grant=grant,
            )
            return apply_plan(self._store, planner, fields)

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
        if not isinstance(transfer, (Transfer, int)) or isinstance(transfer, bool):
            raise InvalidArgumentError("transfer", transfer, "a Transfer or its id")
        _date("effective", effective, optional=False)
        with self._store.writing(), collection_paused():  # one writer: plan and apply as one
            planner, fields = plan_revert(
                self._catalogue, self._store, transfer, effective=effective, ref=ref, reason=reason
            )
            return apply_plan(self._store, planner, fields)

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
        for record in self._store.all_records():
            fields = attrs.asdict(record, recurse=False)
            fields["role"] = record.role.value
            fields["list"] = record.list.value
            graph.add_edge(record.unit, record.item, key=record.id, kind="record", **fields)
        return graph

    def picture(self, unit: str, *, at: DateLike | None = None) -> Picture:
        """Everything a unit is on the lists for on a date, with its part in each.

        For a town: every item on its three lists, including items reclaimed by a
        department where the town keeps no part (role ``reclaimed``, with the
        department now answering as ``responsible``), plus any item of another town
        where it holds a role. For a department: every (item, town) where it is primary
        or secondary.

        This differs from `duties`, which answers "what does this unit answer for" and
        so leaves out the reclaimed items a town keeps no part of (on 2025-12-31 the
        sample's 玉山镇 has 575 items on its lists; ``duties`` gives 460 of them). A
        conflict (no single primary) is an entry with role ``conflict``, not an error.

        Args:
            unit: code, name or alias of a town or department.
            at: the date (``None``: today).

        Returns:
            A `Picture`; ``.to_pandas()`` gives it as a table with a role column.

        Raises:
            UnknownUnitError, AmbiguousNameError: the unit is unknown or ambiguous.
            InvalidDateError: the date cannot be read.

        Examples:
            >>> import kunshan_rbac as kr
            >>> g = kr.load_sample()
            >>> p = g.picture("玉山镇", at="2025-12-31")
            >>> len(p), len(g.duties("玉山镇", at="2025-12-31"))
            (575, 460)
            >>> p.counts()[kr.PictureRole.RECLAIMED]
            115
        """
        _name("unit", unit)
        _date("at", at)
        return picture(self, unit, at)

    def to_arrow(
        self, kind: str, *, at: DateLike | None = None, columns: Sequence[str] | None = None
    ) -> Any:
        """The graph's contents as a ``pyarrow.Table``, for DuckDB, Polars or Spark.

        Kinds (columns listed in the reference, Tables):

        * ``"records"``: every record (ended ones too); with ``at``, those in force.
        * ``"ownerships"``: every (item, town) ownership period, as `history` gives
          them; with ``at``, the answer of `owner` on that date for every (item, town)
          on a list then.
        * ``"items"``: the catalogue's items; with ``at``, those on some town's list.
        * ``"units"``: towns, departments and authorities; with ``at``, the towns and
          the units holding a record in force.
        * ``"transfers"``: one row per move of every transfer, oldest first; with
          ``at``, the transfers effective on or before it.

        Args:
            kind: one of the kinds above.
            at: a date to narrow to (``None``: everything, whatever its dates).
            columns: only these columns, in this order (``None``: all of the kind's).

        Returns:
            A ``pyarrow.Table``.

        Raises:
            InvalidArgumentError: an unknown kind, or a column the kind does not have.
            OwnershipConflictError: for ``"ownerships"``, some (item, town) has no
                single primary (``kr.check`` lists them).
            MissingExtraError: pyarrow is not installed
                (``pip install 'kunshan-rbac[analytics]'``).

        Examples:
            >>> import kunshan_rbac as kr
            >>> g = kr.load_sample()
            >>> g.to_arrow("ownerships", at="2025-12-31").num_rows
            5336
        """
        if kind not in _GRAPH_KINDS:
            raise InvalidArgumentError("kind", kind, f"one of {', '.join(_GRAPH_KINDS)}")
        _date("at", at)
        frame = _GRAPH_KINDS[kind]
        if columns is not None:
            columns = _names("columns", columns)
            known = _frames.FRAMES[frame].names
            if isinstance(columns, str) or not set(columns) <= set(known):
                raise InvalidArgumentError(
                    "columns", columns, f"a list of {frame} columns ({', '.join(known)})"
                )
        day = parse_date(at) if at is not None else None
        values: Sequence[Any]
        if kind == "records":
            values = [r for r in self.records() if day is None or r.holds_on(day)]
        elif kind == "ownerships":
            values = self._ownerships(day)
        elif kind == "items":
            values = self.items()
            if day is not None:
                on = {r.item for r in self._store.all_records() if r.holds_on(day)}
                values = [i for i in values if i.code in on]
        elif kind == "units":
            values = self.units()
            if day is not None:
                held = {r.unit for r in self._store.all_records() if r.holds_on(day)}
                values = [u for u in values if isinstance(u, Town) or u.code in held]
        else:
            values = [t for t in self.transfers() if day is None or t.effective <= day]
        return _frames.arrow(frame, values, _frames.names_from(self), columns)

    def to_pandas(
        self, kind: str, *, at: DateLike | None = None, columns: Sequence[str] | None = None
    ) -> Any:
        """The graph's contents as a ``pandas.DataFrame``: `to_arrow`, then to pandas.

        Dates are ``datetime64`` columns (``NaT`` for an open end), integers nullable
        ``Int64``; enums come as a code column and a ``_label`` column in Chinese, units
        and items as a code column and a ``_name`` column.

        Args:
            kind: ``"records"``, ``"ownerships"``, ``"items"``, ``"units"`` or
                ``"transfers"`` (see `to_arrow`).
            at: a date to narrow to.
            columns: only these columns, in this order.

        Raises:
            InvalidArgumentError, OwnershipConflictError: as `to_arrow`.
            MissingExtraError: pandas or pyarrow is not installed.

        Examples:
            >>> import kunshan_rbac as kr
            >>> df = kr.load_sample().to_pandas("ownerships", at="2025-12-31")
            >>> df.groupby("list_label").size().to_dict()
            {'上级部门收回事项清单': 3136, '基本履职事项清单': 1400, '配合履职事项清单': 800}
        """
        return _frames.pandas(self.to_arrow(kind, at=at, columns=columns))

    def _ownerships(self, day: datetime.date | None) -> list[Ownership]:
        """Every ownership period (``day`` None), or every answer on one day."""
        pairs = sorted({(r.town, r.item) for r in self._store.all_records()
                        if day is None or r.holds_on(day)})
        if day is None:
            return [o for town, item in pairs for o in self.history(item, town=town)]
        return [self.owner(item, town=town, at=day) for town, item in pairs]

    def _repr_html_(self) -> str:
        towns = self.towns()
        departments = self.departments()
        days = [d for r in self._store.all_records() for d in (r.start, r.end) if d]
        span = f"{min(days).isoformat()} – {max(days).isoformat()}" if days else "—"
        sample = "、".join(t.name for t in towns[:10]) + (
            f" … {len(towns) - 10} more" if len(towns) > 10 else "")
        return fields_html("ResponsibilityGraph 责任图", (
            ("镇街", f"{len(towns)}（{sample}）" if towns else "0"),
            ("部门", len(departments)),
            ("其他单位", len(self._units) - len(towns) - len(departments)),
            ("事项", len(self._items)),
            ("记录", self._store.record_count),
            ("转移", len(self._store.transfers())),
            ("日期范围", span),
        ))

    # ------------------------------------------------------------------ internals

    def _codes(
        self, item: str | None, town: str | None, unit: str | None
    ) -> tuple[str | None, str | None, str | None]:
        """The codes of an optional item, town and unit filter."""
        catalogue = self._catalogue
        return (
            catalogue.item_code(item, parameter="item") if item is not None else None,
            catalogue.unit_code(town, kind="town", parameter="town") if town is not None else None,
            catalogue.unit_code(unit, parameter="unit") if unit is not None else None,
        )


def catalogue_of(graph: ResponsibilityGraph) -> Catalogue:
    """The catalogue of a graph, for the library's readers and rules (not a public call)."""
    return graph._catalogue


def store_of(graph: ResponsibilityGraph) -> RecordStore:
    """The record store of a graph, for the library's readers and rules (not a public
    call)."""
    return graph._store


def _code(value: Unit | Item) -> str:
    return value.code


def _record_id(record: Record) -> int:
    return record.id


def _wrong_type(item: object, town: object, at: object) -> InvalidArgumentError:
    """The error for `owner`'s arguments when one of them cannot be looked up."""
    if not isinstance(item, str):
        return InvalidArgumentError("item", item, "an item's code or name (a string)")
    if not isinstance(town, str):
        return InvalidArgumentError("town", town, "a town's code, name or alias (a string)")
    return InvalidArgumentError("at", at, "a date")


_GRAPH_KINDS = {"records": "record", "ownerships": "ownership", "items": "item",
                "units": "unit", "transfers": "transfer"}
"""The kinds of `ResponsibilityGraph.to_arrow`, and the kind of table each makes."""

_NAME = "a code, name or alias (a string)"
_NAMES = "a code, name or alias (a string), or a list of them"
_DATE = "a date, datetime or string"


def _name(parameter: str, value: object, optional: bool = False) -> None:
    """A parameter that takes one name must get a string (or ``None`` if optional)."""
    if not (isinstance(value, str) or (optional and value is None)):
        raise InvalidArgumentError(parameter, value, _NAME)


def _names(parameter: str, value: object, optional: bool = False) -> Any:
    """A parameter that takes a name or several: the value, a one-off iterable read
    into a list; anything else is refused."""
    if isinstance(value, str) or (optional and value is None):
        return value
    if isinstance(value, (bytes, bytearray, Mapping)) or not isinstance(value, Iterable):
        raise InvalidArgumentError(parameter, value, _NAMES)
    names = list(value)
    for name in names:
        if not isinstance(name, str):
            raise InvalidArgumentError(parameter, value, _NAMES)
    return names


def _date(parameter: str, value: object, optional: bool = True) -> None:
    """A date parameter must get a date, a datetime, a string (or ``None``)."""
    if not (isinstance(value, (str, datetime.date)) or (optional and value is None)):
        raise InvalidArgumentError(parameter, value, _DATE)


def _kind(parameter: str, value: object, kind: type[ListKind] | type[Role]) -> None:
    """A list or role parameter must get the enum or its name."""
    if not isinstance(value, (kind, str)):
        raise InvalidArgumentError(parameter, value, f"a {kind.__name__} or its name")
