"""Transfers: moving items between units on an effective date without losing history.

A transfer is planned in full before anything changes: every (item, town) it names is
checked, every reason it cannot apply is collected, and only a plan with no reason is
applied. Applying ends the records in force at the effective date (their ``end`` becomes
that date, ``closed_by`` the transfer) and opens new ones from that date, so any earlier
date answers as it did before.

Three kinds exist:

* **reclaim** (收回): the town was primary; a department becomes primary and the item
  moves to the town's RECLAIMED list. With ``keep_secondary`` the town stays secondary
  (it still reports leads, 工作方式).
* **delegate** (下放): a department was primary; the town becomes primary on its BASIC
  list, and the department stays secondary with ``keep_secondary`` (the default).
* **revert**: a compensating transfer that restores what an earlier transfer ended.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from ._catalogue import Catalogue
from ._dates import DateLike, parse_date
from ._errors import KunshanRbacError, TransferError
from ._model import (
    Department,
    ListKind,
    Move,
    Ownership,
    Record,
    Role,
    Transfer,
    TransferKind,
    _ended,
    _trusted_move,
    _trusted_record,
)
from ._store import RecordStore
from ._timeline import answer_of

__all__ = [
    "Move",
    "Transfer",
    "TransferKind",
    "apply_plan",
    "plan_delegate",
    "plan_reclaim",
    "plan_revert",
]


class _NewRecord(NamedTuple):
    """A record a transfer will open, before it has an id."""

    unit: str
    role: Role
    list: ListKind
    duty: str = ""
    source: str = ""
    grant: str = ""


class _State(NamedTuple):
    """What one (item, town) looks like on a transfer's effective day, as codes.

    A named tuple rather than a frozen class, like the other planning values: a bulk
    transfer makes one per (item, town), and a tuple is several times cheaper to make.
    """

    item: str
    town: str
    list: ListKind
    primary: str
    primary_kind: str
    secondary: tuple[str, ...]
    active: tuple[Record, ...]


class _PlannedMove(NamedTuple):
    """One (item, town) a transfer will move: the records it closes and opens."""

    item: str
    town: str
    from_unit: str
    from_list: ListKind
    to_unit: str
    to_list: ListKind
    close: tuple[Record, ...]
    open: tuple[_NewRecord, ...]


_Plan = tuple[str, str, str, ListKind, str, ListKind, tuple[Record, ...], tuple[_NewRecord, ...]]
"""A `_PlannedMove` as a plain tuple, as the bulk planner makes them (same fields)."""


def _names(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


class _Planner:
    """Collects the moves of one transfer and every reason it cannot apply."""

    def __init__(
        self, catalogue: Catalogue, store: RecordStore, kind: TransferKind, effective: DateLike
    ) -> None:
        self.catalogue = catalogue
        self.store = store
        self.kind = kind
        self.reasons: list[str] = []
        self.moves: list[_Plan] = []
        self.ordered = False  # whether `moves` is already in (item, town) order
        try:
            self.day = parse_date(effective)
        except KunshanRbacError as exc:
            raise TransferError(kind.value, [f"effective date: {exc}"]) from None

    def texts(self, **named: object) -> None:
        """Each named value must be a string (they end up on records and in files)."""
        for name, value in named.items():
            if not isinstance(value, str):
                self.reasons.append(f"{name} must be a string, not {value!r}")

    def fail(self) -> None:
        if not self.reasons and not self.moves:
            self.reasons.append("it would move nothing: no item is named in any town")
        if self.reasons:
            raise TransferError(self.kind.value, self.reasons)

    def codes(self, names: Sequence[str], resolve: Any, what: str) -> list[str]:
        codes: dict[str, None] = {}  # in the order named; a dict finds repeats at once
        for name in names:
            try:
                code = resolve(name)
            except KunshanRbacError as exc:
                self.reasons.append(f"{what} {name!r}: {exc}")
                continue
            if code in codes:
                self.reasons.append(f"{what} {name!r} is named twice")
            else:
                codes[code] = None
        return list(codes)

    def named_towns(self, names: str | Sequence[str] | None) -> list[str] | None:
        """The codes of the towns named (each resolved once), or ``None`` for all."""
        listed = _names(names)
        if listed is None:
            return None
        return self.codes(listed, lambda n: self.catalogue.unit_code(n, kind="town"), "town")

    def towns(self, item: str, named: list[str] | None, holds: Any) -> list[str]:
        """The towns to move ``item`` in: those named, or every town where ``holds``."""
        if named is not None:
            return named
        towns = [t for t in self.store.towns_holding(item) if holds(item, t)]
        if not towns:
            self.reasons.append(
                f"item {item}: no town holds it as {self.kind.value} requires on "
                f"{self.day.isoformat()}"
            )
        return towns

    def current(self, item: str, town: str) -> _State | None:
        """The clean answer in force on the effective day, or ``None`` with a reason.

        Worked out from the records of the (item, town) alone, without building its
        timeline, so that a transfer costs time in the records it touches.
        """
        day = self.day
        later = []
        active = []
        for r in self.store.records_of(item, town):
            start, end = r.start, r.end
            if end is None and (start is None or start < day):
                active.append(r)  # in force on ``day`` and open-ended: no later change
                continue
            if (start is not None and start >= day) or (end is not None and end > day):
                later.append(r)
            if (start is None or start <= day) and (end is None or day < end):
                active.append(r)
        if later:
            dates = sorted({d for r in later for d in (r.start, r.end) if d and d >= day})
            self.reasons.append(
                f"item {item} in town {town}: effective date {day.isoformat()} falls "
                f"before a later change of the same item and town (on "
                f"{', '.join(d.isoformat() for d in dates)}); transfers must follow each other "
                "in date order"
            )
        if not active:
            self.reasons.append(
                f"item {item} in town {town}: the town does not hold it on "
                f"{day.isoformat()} (it is on no list then)"
            )
            return None
        kind, primary, secondary, problem = answer_of(active)
        if kind is None or primary is None:
            self.reasons.append(f"item {item} in town {town}: {problem} on {day.isoformat()}")
            return None
        if later:
            return None
        return _State(item, town, kind, primary, self.catalogue.unit_map[primary].kind, secondary,
                      tuple(active))

    def add(self, before: _State, to_unit: str, to_list: ListKind,
            opened: list[_NewRecord]) -> None:
        """Plan the move of one (item, town), if the new records name one clear owner."""
        primaries = [n.unit for n in opened if n.role is Role.PRIMARY]
        secondaries = [n.unit for n in opened if n.role is Role.SECONDARY]
        if (
            primaries != [to_unit]
            or to_unit in secondaries
            or len(set(secondaries)) != len(secondaries)
        ):
            self.reasons.append(
                f"item {before.item} in town {before.town}: the transfer would leave it "
                f"without exactly one primary (primary {primaries}, secondary {secondaries})"
            )
            return
        self.moves.append(
            _PlannedMove(before.item, before.town, before.primary, before.list, to_unit,
                         to_list, before.active, tuple(opened))
        )


def _carried(
    before: _State, drop: set[str], kind: ListKind
) -> list[_NewRecord]:
    """Secondary units that keep assisting after the lead changes, with their duty text."""
    return _carried_by(before.active, before.secondary, drop, kind)


def plan_reclaim(
    catalogue: Catalogue,
    store: RecordStore,
    items: str | Sequence[str],
    *,
    towns: str | Sequence[str] | None,
    to: str,
    effective: DateLike,
    ref: str,
    reason: str,
    keep_secondary: bool,
    duty: str,
    secondary_duty: str,
) -> tuple[_Planner, dict[str, Any]]:
    planner = _Planner(catalogue, store, TransferKind.RECLAIM, effective)
    planner.texts(ref=ref, reason=reason, duty=duty, secondary_duty=secondary_duty)
    target = None
    try:
        target = catalogue.unit_map[catalogue.unit_code(to)]
        if not isinstance(target, Department):
            planner.reasons.append(
                f"target {to!r} is a {target.kind}, not a department; reclaimed items go to a "
                "department"
            )
            target = None
    except KunshanRbacError as exc:
        planner.reasons.append(f"target {to!r}: {exc}")
    item_codes = planner.codes(_names(items) or [], catalogue.item_code, "item")
    day = planner.day.toordinal()
    named = planner.named_towns(towns)
    fields = {"ref": ref, "reason": reason, "keep_secondary": keep_secondary}

    def held_by_town(item: str, town: str) -> bool:
        answer = store.lookup(item, town, day)
        return type(answer) is Ownership and answer.primary.code == town

    if target is not None and not planner.reasons and item_codes and named != []:
        opened = [_NewRecord(target.code, Role.PRIMARY, ListKind.RECLAIMED, duty, ref)]
        bulk = _Reclaims(planner, target.code, opened, secondary_duty if keep_secondary
                         else None, ref)
        if bulk.plan(item_codes, named, held_by_town):
            return planner, fields
        # Some (item, town) cannot move: plan pair by pair, which says why.

    for item in item_codes:
        for town in planner.towns(item, named, held_by_town):
            before = planner.current(item, town)
            if before is None:
                continue
            if before.primary != town:
                planner.reasons.append(
                    f"item {item} in town {town}: the primary on {planner.day.isoformat()} is "
                    f"{before.primary}, not the town; only a town's own items can be "
                    "reclaimed"
                )
                continue
            if target is None:
                continue
            opened = [_NewRecord(target.code, Role.PRIMARY, ListKind.RECLAIMED, duty, ref)]
            if keep_secondary:
                opened.append(
                    _NewRecord(town, Role.SECONDARY, ListKind.RECLAIMED, secondary_duty, ref)
                )
            opened += _carried(before, {town, target.code}, ListKind.RECLAIMED)
            planner.add(before, target.code, ListKind.RECLAIMED, opened)
    planner.fail()
    return planner, fields


class _Reclaims:
    """Plans a reclaim of many (item, town) in one pass, for the usual case: each town
    leads each item on the effective day, with no later change recorded.

    It gives the moves the pair-by-pair planner (`_Planner.current`, `_Planner.add`)
    gives in that case, in (item, town) order, with less work per pair: the arguments
    are checked once per call, each slot's records are read once, and the new records'
    specifications are shared between pairs. At the first pair that is not so it plans
    nothing; the pair-by-pair planner then finds every reason.
    """

    def __init__(self, planner: _Planner, target: str, opened: list[_NewRecord],
                 secondary_duty: str | None, ref: str) -> None:
        self.planner = planner
        self.target = target
        self.opened = tuple(opened)
        self.secondary_duty = secondary_duty  # ``None``: the town does not stay secondary
        self.ref = ref

    def plan(self, items: list[str], named: list[str] | None, held: Any) -> bool:
        """Plan every (item, town) and return ``True``, or plan nothing and return
        ``False``."""
        planner = self.planner
        store = planner.store
        day = planner.day
        by_town = store.by_town  # the writer lock is held: one version throughout
        target = self.target
        primary_role = Role.PRIMARY
        reclaimed = ListKind.RECLAIMED
        towns = sorted(named) if named is not None else None
        opens: dict[str, tuple[_NewRecord, ...]] = {}
        moves: list[_Plan] = []
        append = moves.append
        for item in sorted(items):
            here = towns if towns is not None else [
                t for t in store.towns_holding(item) if held(item, t)
            ]
            if not here:
                return False
            for town in here:
                slots = by_town.get(town)
                slot = slots.get(item) if slots is not None else None
                if slot is None:
                    return False
                records = slot.records
                if len(records) == 1:  # the usual case, as `_Planner.current` reads it
                    record = records[0]
                    start = record.start
                    if (record.end is not None or record.role is not primary_role
                            or record.unit != town or (start is not None and start >= day)):
                        return False
                    opened = opens.get(town)
                    if opened is None:
                        opened = opens[town] = self._opened(town, ())
                    append((item, town, town, record.list, target, reclaimed, records,
                            opened))
                    continue
                state = _state(records, day)
                if state is None or state[1] != town:
                    return False
                kind, _, secondary, active = state
                carried = _carried_by(active, secondary, {town, target}, reclaimed)
                if carried:
                    opened = self._opened(town, carried)
                else:
                    opened = opens.get(town)
                    if opened is None:
                        opened = opens[town] = self._opened(town, ())
                append((item, town, town, kind, target, reclaimed, active, opened))
        planner.moves = moves
        planner.ordered = True
        return True

    def _opened(self, town: str, carried: Sequence[_NewRecord]) -> tuple[_NewRecord, ...]:
        """The new records of one (item, town): the department's, the town's (with
        ``keep_secondary``), then the other secondary units', as `plan_reclaim` opens
        them. A unit is never both primary and secondary here: the town and the
        department are left out of ``carried``, and the department is no town."""
        if self.secondary_duty is None:
            return (*self.opened, *carried)
        mine = _NewRecord(town, Role.SECONDARY, ListKind.RECLAIMED, self.secondary_duty,
                          self.ref)
        return (*self.opened, mine, *carried)


def _state(
    records: Sequence[Record], day: datetime.date
) -> tuple[ListKind, str, tuple[str, ...], tuple[Record, ...]] | None:
    """The list, primary, secondary units and records in force on ``day``, as
    `_Planner.current` finds them, or ``None`` where it would give a reason (nothing or a
    conflict in force, or a change on or after ``day``)."""
    active = []
    for r in records:
        start, end = r.start, r.end
        if end is None:
            if start is not None and start >= day:
                return None  # a later change
            active.append(r)
        elif end > day or (start is not None and start >= day):
            return None  # a later change
        # else: ended on or before ``day``, not in force
    if not active:
        return None
    kind, primary, secondary, _ = answer_of(active)
    if kind is None or primary is None:
        return None
    return kind, primary, secondary, tuple(active)


def _carried_by(active: Sequence[Record], secondary: tuple[str, ...], drop: set[str],
                kind: ListKind) -> list[_NewRecord]:
    """`_carried`, from the records in force and their secondary units."""
    if not secondary:
        return []
    duties = {r.unit: r for r in active if r.role is Role.SECONDARY}
    return [
        _NewRecord(code, Role.SECONDARY, kind, duties[code].duty, duties[code].source)
        for code in secondary
        if code not in drop and code in duties
    ]


def plan_delegate(
    catalogue: Catalogue,
    store: RecordStore,
    items: str | Sequence[str],
    *,
    towns: str | Sequence[str] | None,
    effective: DateLike,
    ref: str,
    reason: str,
    keep_secondary: bool,
    duty: str,
    secondary_duty: str,
    grant: str,
) -> tuple[_Planner, dict[str, Any]]:
    planner = _Planner(catalogue, store, TransferKind.DELEGATE, effective)
    planner.texts(ref=ref, reason=reason, duty=duty, secondary_duty=secondary_duty, grant=grant)
    item_codes = planner.codes(_names(items) or [], catalogue.item_code, "item")
    day = planner.day.toordinal()
    named = planner.named_towns(towns)

    def led_by_department(item: str, town: str) -> bool:
        answer = store.lookup(item, town, day)
        return type(answer) is Ownership and type(answer.primary) is Department

    for item in item_codes:
        for town in planner.towns(item, named, led_by_department):
            before = planner.current(item, town)
            if before is None:
                continue
            if before.primary_kind != Department.kind:
                planner.reasons.append(
                    f"item {item} in town {town}: the primary on {planner.day.isoformat()} is "
                    f"{before.primary}, a {before.primary_kind}; only a department's lead "
                    "can be delegated"
                )
                continue
            opened = [_NewRecord(town, Role.PRIMARY, ListKind.BASIC, duty, ref, grant)]
            if keep_secondary:
                opened.append(
                    _NewRecord(before.primary, Role.SECONDARY, ListKind.BASIC,
                               secondary_duty, ref)
                )
            opened += _carried(before, {town, before.primary}, ListKind.BASIC)
            planner.add(before, town, ListKind.BASIC, opened)
    planner.fail()
    return planner, {"ref": ref, "reason": reason, "keep_secondary": keep_secondary}


def plan_revert(
    catalogue: Catalogue,
    store: RecordStore,
    transfer: Transfer | int,
    *,
    effective: DateLike,
    ref: str,
    reason: str,
) -> tuple[_Planner, dict[str, Any]]:
    planner = _Planner(catalogue, store, TransferKind.REVERT, effective)
    planner.texts(ref=ref, reason=reason)
    tid = transfer.id if isinstance(transfer, Transfer) else transfer
    original = store.transfer(tid)
    if original is None or (isinstance(transfer, Transfer) and original != transfer):
        problem = f"transfer #{tid} is not a transfer of this graph"
        raise TransferError(planner.kind.value, [problem])
    if planner.day < original.effective:
        planner.reasons.append(
            f"effective date {planner.day.isoformat()} is before transfer #{tid} took effect "
            f"({original.effective.isoformat()})"
        )
    for move in original.moves:
        before = planner.current(move.item, move.town)
        if before is None:
            continue
        opened_by_t = [store.record(move.item, move.town, i) for i in move.opened]
        left = (move.to_list, move.to_unit,
                tuple(sorted(r.unit for r in opened_by_t if r.role is Role.SECONDARY)))
        now = (before.list, before.primary, before.secondary)
        if now != left:
            planner.reasons.append(
                f"item {move.item} in town {move.town}: it has changed since transfer #{tid} "
                f"(now {now[0].value} led by {now[1]}, the transfer left it {left[0].value} "
                f"led by {left[1]})"
            )
            continue
        restored = [store.record(move.item, move.town, i) for i in move.closed]
        opened = [
            _NewRecord(r.unit, r.role, r.list, r.duty, ref or r.source, r.grant) for r in restored
        ]
        planner.add(before, move.from_unit, move.from_list, opened)
    planner.fail()
    return planner, {
        "ref": ref,
        "reason": reason,
        "keep_secondary": original.keep_secondary,
        "reverts": tid,
    }


def apply_plan(store: RecordStore, planner: _Planner, fields: dict[str, Any]) -> Transfer:
    """Apply a plan that has no reason against it, and log the transfer.

    Every changed (item, town) is published in one step (`RecordStore.batch`); the
    caller holds `RecordStore.writing` from planning on, so the plan still holds."""
    with store.writing():
        tid = store.next_transfer_id()
        with store.batch():
            moves = _apply_moves(store, planner, tid)
        transfer = Transfer(tid, planner.kind, planner.day, tuple(moves), **fields)
        store.log_transfer(transfer)
    return transfer


def _apply_moves(store: RecordStore, planner: _Planner, tid: int) -> list[Move]:
    """Build every planned move's records and `Move`, then store them in one step.

    Records are numbered from the store's next id in (item, town) order, each move's new
    records in the order planned; the ended copies keep their ids. Values come from the
    plan, already checked, so records and moves are built without their validators."""
    day = planner.day
    planned = planner.moves if planner.ordered else sorted(planner.moves, key=_by_key)
    next_id = store.next_record_id()
    rows: list[tuple[str, str, Sequence[Record], Sequence[Record]]] = []
    moves: list[Move] = []
    new, end = _trusted_record, _ended
    for item, town, from_unit, from_list, to_unit, to_list, close, open_ in planned:
        match close, open_:
            case (record,), ((unit, role, kind, duty, source, grant),):
                # The usual move: one record ends, one opens.
                rows.append((item, town, (end(record, day, tid),), (
                    new(next_id, unit, item, town, role, kind, day, None, duty, source,
                        grant, tid, None),)))
                moves.append(_trusted_move(item, town, from_unit, to_unit, from_list,
                                           to_list, (record.id,), (next_id,)))
                next_id += 1
            case _:
                opened = []
                opened_ids = []
                for unit, role, kind, duty, source, grant in open_:
                    opened.append(new(next_id, unit, item, town, role, kind, day, None, duty,
                                      source, grant, tid, None))
                    opened_ids.append(next_id)
                    next_id += 1
                ended = []
                closed_ids = []
                for r in close:
                    ended.append(end(r, day, tid))
                    closed_ids.append(r.id)
                rows.append((item, town, ended, opened))
                moves.append(_trusted_move(item, town, from_unit, to_unit, from_list,
                                           to_list, tuple(closed_ids), tuple(opened_ids)))
    store.rewrite_many(rows)  # one new slot per (item, town), published as one step
    return moves


def _by_key(move: _Plan) -> tuple[str, str]:
    return move[0], move[1]
