"""The record store: every responsibility record, indexed, with cached timelines and the
transfer log.

Records live in one `Slot` per (item, town), in insertion order; the slots are indexed
by town and by unit. Each slot caches its timeline (`Entry`), built on first read, with
the answers already resolved to `Ownership` values. The graph, the transfers, the
explanations, the JSON reader and the rules use the public methods below; nothing
outside this module changes a slot.

Threads: any number of readers and one writer at a time. A slot's records never change:
a write builds a new slot and publishes it with one assignment, so a cache filled from a
slot always belongs to that slot's records and can never outlive them. A write that
changes several slots (a transfer) is published as one step: inside `RecordStore.batch`
the new slots are kept aside, then the changed towns' item maps are copied and updated.
When one town changed, its new item map replaces the old in the town map with one
assignment; when several did, the new item maps go into the town map with one
``dict.update``. That call is one step for other threads: its keys are strings and no
value it replaces is freed during it, so no Python code runs inside it and CPython does
not switch threads there. (Copying the town map instead, as this store once did, cost
milliseconds per transfer at national scale, for 38,600 towns.) A reader therefore sees
each batch wholly or not at all when it reads each town's item map once and, if it reads
several towns, takes their item maps in one step: `town_maps` and `slots_of_unit` do so,
and a question about one (item, town) needs no more. Writers serialise on the store's
lock (`RecordStore.writing`).
"""

from __future__ import annotations

import datetime
import threading
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any, Final

import attrs

from ._catalogue import Catalogue
from ._dates import FOREVER, today_ordinal
from ._model import ListKind, Ownership, Record, Role, Town, Transfer, _trusted_record
from ._origin import Origin
from ._timeline import Segment, Timeline, build_timeline

__all__ = ["Entry", "RecordStore", "Slot"]

Key = tuple[str, str]
"""(item code, town code)."""

_TOWN_OF = itemgetter(1)
"""The town code of a `Key`."""

Answer = Ownership | Segment | None
"""What a timeline says on one day: an owner, a conflict, or nothing in force."""


@attrs.frozen
class Entry:
    """The cached timeline of one (item, town), with each segment's answer resolved.

    Attributes:
        timeline: the segments.
        answers: per segment, its `Ownership`, or the `Segment` itself when it names no
            single primary.
    """

    timeline: Timeline
    answers: tuple[Ownership | Segment, ...]

    def at(self, day: int) -> Answer:
        """The answer on day number ``day``, if any."""
        index = bisect_right(self.timeline.starts, day) - 1
        if index < 0 or day >= self.timeline.segments[index].end:
            return None
        return self.answers[index]


NEVER: Final = FOREVER + 1
"""`Slot.since` of a slot whose answer at hand does not hold for good: after every day
number, today's included."""

EMPTY: Final = Entry(Timeline((), ()), ())
"""The entry of an (item, town) without records."""

class Slot:
    """The records of one (item, town) and their cached timeline.

    Read-only outside the store, and its records never change: a write makes a new slot.
    On day numbers ``lo <= d < hi`` the answer is ``only``
    with no bisection: today's period, or the latest one, when it is a clean answer
    (``lo == hi == 0`` otherwise).

    When the answer at hand is the latest period (open-ended), it holds on every day
    from ``since`` on (``since == lo``); ``since`` is past every day number otherwise, so
    a question about today can take ``only`` when ``since <= TODAY.day`` without reading
    the clock.

    Read ``hi`` first, then ``lo``, then ``only``: ``if slot.hi > day >= slot.lo: return
    slot.only`` (or ``since``, then ``only``). The store writes them in the opposite
    order (``lo``, ``only``, ``hi``, then ``since``), once per slot, so a reader on
    another thread that sees a range also sees the answer that goes with it.

    Attributes:
        item: the item code.
        town: the town code.
        records: the records, in insertion order.
        entry: the cached timeline, or ``None`` until the next read builds it.
        lo: first day number of the answer at hand.
        hi: first day number after it.
        only: the answer at hand (``None`` when the range is empty).
        since: first day number from which ``only`` holds for good (``NEVER`` when it
            does not).
    """

    __slots__ = ("entry", "hi", "item", "lo", "only", "records", "since", "town")

    def __init__(self, item: str, town: str, records: tuple[Record, ...]) -> None:
        self.item = item
        self.town = town
        self.records = records
        self.entry: Entry | None = None
        self.hi = 0
        self.lo = 0
        self.only: Ownership | None = None
        self.since = NEVER


class RecordStore:
    """Records by (item, town), unit and town; record and transfer ids; timelines; the
    transfer log.

    Args:
        catalogue: the units and items that answers are resolved against.

    Attributes:
        by_town: the slots by town code, then item code: a read-only index for the
            callers' hottest paths (`slot` is the same lookup as a method). A batch
            replaces towns' item maps in it: read one town's item map once per question,
            and take several towns' with `town_maps`.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue
        # town code -> item code -> slot
        self._by_town: dict[str, dict[str, Slot]] = {}
        self.by_town: Mapping[str, Mapping[str, Slot]] = self._by_town  # the same dict
        # unit code -> the (item, town) keys where the unit holds a record (only grows)
        self._by_unit: dict[str, set[Key]] = defaultdict(set)
        self._transfers: list[Transfer] = []
        self._count = 0
        self._next_id = 1
        self._lock = threading.RLock()
        self._fill = threading.Lock()
        self._pending: dict[Key, Slot] | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Locks are not copied; a copy gets its own.
        state = self.__dict__.copy()
        del state["_lock"], state["_fill"]
        state["_pending"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.RLock()
        self._fill = threading.Lock()

    # ------------------------------------------------------------------ writing

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store's writer lock: one writer at a time; readers do not wait.

        A writer that plans from what it reads (a transfer) holds it from the first read
        to the last write. It is re-entrant.
        """
        with self._lock:
            yield

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Publish every slot changed inside as one step (see the module's note).

        A batch that changes one slot publishes it in place; one that changes several
        slots of one town swaps in that town's new item map; one that changes several
        towns copies the town map and swaps it in. Nothing is published if the body
        raises.
        """
        with self._lock:
            if self._pending is not None:  # nested: the outer batch publishes
                yield
                return
            pending: dict[Key, Slot] = {}
            self._pending = pending
            count = self._count  # the records a failed body stored are not counted
            try:
                yield
            except BaseException:
                self._count = count
                raise
            finally:
                self._pending = None
            if len(pending) == 1:
                (slot,) = pending.values()
                self._publish(slot)
                return
            towns: dict[str, dict[str, Slot]] = {}
            for (item, town), slot in pending.items():
                slots = towns.get(town)
                if slots is None:
                    slots = towns[town] = dict(self._by_town.get(town, {}))
                slots[item] = slot
            if len(towns) == 1:
                # One town: its new item map replaces the old with one assignment, at
                # the cost of that town alone (a store of 38,600 towns built through
                # transfers town by town would otherwise copy the town map each time).
                ((town, slots),) = towns.items()
                self._by_town[town] = slots
            elif towns:
                # Several towns: one `dict.update` (see the module's note). The old item
                # maps are held until the batch ends, so that none is freed inside it.
                _held = [self._by_town.get(town) for town in towns]
                self._by_town.update(towns)

    def _publish(self, slot: Slot) -> None:
        slots = self._by_town.get(slot.town)
        if slots is None:
            self._by_town[slot.town] = {slot.item: slot}
        else:
            slots[slot.item] = slot

    def _current(self, item: str, town: str) -> Slot | None:
        pending = self._pending
        if pending is not None:
            slot = pending.get((item, town))
            if slot is not None:
                return slot
        return self.slot(item, town)

    def _put(self, slot: Slot) -> None:
        if self._pending is not None:
            self._pending[slot.item, slot.town] = slot
        else:
            self._publish(slot)

    # ------------------------------------------------------------------ sizes

    @property
    def record_count(self) -> int:
        """How many records are stored."""
        return self._count

    # ------------------------------------------------------------------ records

    def new_record(
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
        """A new record with the next free id, from values the caller has checked.

        The record is not stored: pass it to `insert`.
        """
        record = _trusted_record(self._next_id, unit, item, town, role, kind, start, end,
                                 duty, source, grant, opened_by, None)
        self._next_id += 1
        return record

    def insert(self, record: Record) -> None:
        """Store a record whose id is unused (later ids are allocated above it).

        Outside a `batch` the record is published at once."""
        with self._lock:
            old = self._current(record.item, record.town)
            records = (*old.records, record) if old is not None else (record,)
            self._by_unit[record.unit].add((record.item, record.town))
            self._put(Slot(record.item, record.town, records))
            self._count += 1
            if record.id >= self._next_id:
                self._next_id = record.id + 1

    def replace(self, record: Record) -> None:
        """Swap in a changed copy of a stored record (same id, unit, item and town).

        Raises:
            KeyError: no stored record of that (item, town) has the id.
        """
        with self._lock:
            old = self._current(record.item, record.town)
            if old is not None:
                for index, stored in enumerate(old.records):
                    if stored.id == record.id:
                        records = (*old.records[:index], record, *old.records[index + 1:])
                        self._put(Slot(record.item, record.town, records))
                        return
            raise KeyError(record.id)

    def insert_run(self, records: Sequence[Record]) -> None:
        """Store records of one (item, town) whose ids are unused, in this order: what
        `insert` does for each, in one step (a reader stores a file's records so). The
        caller makes sure that every record names the first one's item and town."""
        if not records:
            return
        with self._lock:
            first = records[0]
            key = (first.item, first.town)
            old = self._current(*key)
            stored = (*old.records, *records) if old is not None else tuple(records)
            by_unit = self._by_unit
            for record in records:
                by_unit[record.unit].add(key)
            self._put(Slot(first.item, first.town, stored))
            self._count += len(records)
            top = max(r.id for r in records)
            if top >= self._next_id:
                self._next_id = top + 1

    def insert_runs(self, runs: Iterable[Sequence[Record]]) -> None:
        """Store several runs, each as `insert_run` stores it, in this order and in one
        step: what a reader does with a file's records, a few hundred runs at a time.

        The caller makes sure that every record of a run names its first record's item
        and town, and that every id is unused.
        """
        with self._lock:
            pending = self._pending
            by_town = self._by_town
            by_unit = self._by_unit
            top = self._next_id - 1
            count = 0
            for records in runs:
                if not records:
                    continue
                first = records[0]
                item, town = first.item, first.town
                key = (item, town)
                for record in records:
                    by_unit[record.unit].add(key)
                    if record.id > top:
                        top = record.id
                count += len(records)
                if pending is not None:
                    old = self._current(item, town)
                    stored = (*old.records, *records) if old is not None else tuple(records)
                    self._put(Slot(item, town, stored))
                    continue
                # Outside a batch: published at once, as `_publish` does, written out.
                slots = by_town.get(town)
                if slots is None:
                    slots = by_town[town] = {}
                old = slots.get(item)
                stored = (*old.records, *records) if old is not None else tuple(records)
                slots[item] = Slot(item, town, stored)
            self._count += count
            if top >= self._next_id:
                self._next_id = top + 1

    def rewrite(self, item: str, town: str, changed: Sequence[Record],
                added: Sequence[Record]) -> None:
        """Swap in changed copies of stored records of (item, town) (same ids) and store
        new records of it (from `new_record`), as one new slot: what a transfer does to
        each (item, town) it moves.

        The caller holds the writer lock (`writing`, as every transfer does): this takes
        no lock of its own, which would cost more than the rest of the call on some
        machines. Inside a `batch` the batch publishes the slot; outside, it is
        published at once.

        Raises:
            KeyError: a changed record's id is not stored for (item, town); nothing is
                changed.
        """
        pending = self._pending
        key = (item, town)
        old = (pending.get(key) if pending is not None else None) or self.slot(item, town)
        records = old.records if old is not None else ()
        if changed:
            swap = {r.id: r for r in changed}
            records = tuple([swap.pop(r.id, r) for r in records])
            if swap:
                raise KeyError(next(iter(swap)))
        by_unit = self._by_unit
        for record in added:
            by_unit[record.unit].add(key)
            if record.id >= self._next_id:
                self._next_id = record.id + 1
        self._count += len(added)
        self._put(Slot(item, town, (*records, *added)))

    def next_record_id(self) -> int:
        """The id `new_record` would give next; a writer that numbers a run of new
        records itself (a bulk transfer) starts there and stores them with
        `rewrite_many`, which allocates later ids above them."""
        return self._next_id

    def rewrite_many(
        self, rows: Iterable[tuple[str, str, Sequence[Record], Sequence[Record]]]
    ) -> None:
        """`rewrite` for many (item, town) at once, published in one step: each row is
        ``(item, town, changed, added)`` as `rewrite` takes them, and no (item, town)
        appears twice.

        The caller holds the writer lock (`writing`). The new slots go through
        `batch`, so readers see every row's new records or none of them.

        Raises:
            KeyError: a changed record's id is not stored for its (item, town); nothing
                is changed.
        """
        keys: list[Key] = []
        added_units: list[str] = []
        count = 0
        top = self._next_id - 1
        with self.batch():
            pending = self._pending  # None only if a caller's batch publishes at once
            by_town = self._by_town
            publish = self._publish
            for item, town, changed, added in rows:
                key = (item, town)
                old = pending.get(key) if pending is not None else None
                if old is None:
                    slots = by_town.get(town)
                    old = slots.get(item) if slots is not None else None
                records = old.records if old is not None else ()
                if len(changed) == 1 == len(records):
                    # The usual case: the one stored record, ended.
                    (new,) = changed
                    (stored,) = records
                    if new.id != stored.id:
                        raise KeyError(new.id)
                    records = (new,)
                elif changed:
                    swap = {r.id: r for r in changed}
                    records = tuple([swap.pop(r.id, r) for r in records])
                    if swap:
                        raise KeyError(next(iter(swap)))
                for record in added:
                    keys.append(key)
                    added_units.append(record.unit)
                    if record.id > top:
                        top = record.id
                count += len(added)
                slot = Slot(item, town, (*records, *added))
                if pending is not None:
                    pending[key] = slot
                else:
                    publish(slot)
            # Before the batch publishes: the index may name a key a moment early
            # (readers skip it), never late.
            by_unit = self._by_unit
            for unit, key in zip(added_units, keys, strict=True):
                by_unit[unit].add(key)
            self._count += count
            if top >= self._next_id:
                self._next_id = top + 1

    def record(self, item: str, town: str, record_id: int) -> Record:
        """The stored record with this id among those of (item, town).

        Raises:
            KeyError: there is none.
        """
        for record in self.records_of(item, town):
            if record.id == record_id:
                return record
        raise KeyError(record_id)

    def records_of(self, item: str, town: str) -> Sequence[Record]:
        """The records of (item, town) in insertion order (not a copy: do not change it)."""
        slot = self.slot(item, town)
        return slot.records if slot is not None else ()

    def all_records(self) -> Iterator[Record]:
        """Every record, slot by slot."""
        for slot in self._snapshot():
            yield from slot.records

    def groups(self) -> Iterator[tuple[Key, Sequence[Record]]]:
        """Every (item, town) with its records, in insertion order."""
        for slot in self._snapshot():
            yield (slot.item, slot.town), slot.records

    def _snapshot(self) -> list[Slot]:
        # One read of the map; each `tuple(...)` copy is one step under the GIL, so a
        # writer adding a slot meanwhile cannot break the iteration.
        return [slot for slots in tuple(self._by_town.values())
                for slot in tuple(slots.values())]

    # ------------------------------------------------------------------ slots

    def slot(self, item: str, town: str) -> Slot | None:
        """The slot of (item, town), if it has records (codes only, no names)."""
        slots = self._by_town.get(town)
        return slots.get(item) if slots is not None else None

    def has_town(self, town: str) -> bool:
        """Whether some record names the town with this code."""
        return town in self._by_town

    def slots_of_town(self, town: str) -> Iterable[Slot]:
        """The slots of a town (by code), as one version of the store."""
        slots = self._by_town.get(town)
        return tuple(slots.values()) if slots is not None else ()

    def town_maps(self) -> dict[str, Mapping[str, Slot]]:
        """Every town's item map, taken in one step: one version of the store, whatever
        a writer does meanwhile (a copy of the town map, which the copy does not let
        another thread interrupt)."""
        return dict(self._by_town)

    def slots_of_unit(self, unit: str) -> Iterable[Slot]:
        """The slots where the unit with this code holds a record: each batch is in
        them wholly or not at all (every town's slots come from one version of it)."""
        keys = self._by_unit.get(unit)
        if keys is None:
            return ()
        pairs = tuple(keys)
        towns = set(map(_TOWN_OF, pairs))
        # The towns' item maps in one step: `map` calls the dict's own `get` from C
        # and makes no object the collector tracks, so no other thread runs meanwhile
        # and a batch over several towns is in all of them or in none.
        maps = dict(zip(towns, list(map(self._by_town.get, towns)), strict=True))
        found = []
        for item, town in pairs:
            slots = maps[town]
            slot = slots.get(item) if slots is not None else None
            if slot is not None:
                found.append(slot)
        return found

    def towns_holding(self, item: str) -> list[str]:
        """Codes of the towns with records of ``item``, sorted."""
        return sorted(town for town, slots in tuple(self._by_town.items()) if item in slots)

    # ------------------------------------------------------------------ answers

    def entry(self, slot: Slot) -> Entry:
        """The slot's timeline with its answers, built now if not cached.

        Building is safe while other threads read and one writes: a slot's records
        never change, so its cache can only hold answers of those records; the entry is
        a new immutable value published by one assignment (two threads that build it at
        once build equal values); and the answer at hand is set once per slot, under a
        lock, in the order `Slot` describes, so a reader never pairs a range with the
        wrong answer. This relies on each assignment being seen whole and in program
        order, as CPython guarantees.
        """
        entry = slot.entry
        if entry is not None:
            return entry
        timeline = build_timeline(slot.records)
        answers = tuple(self._resolve(slot, s) for s in timeline.segments)
        entry = Entry(timeline, answers)
        slot.entry = entry
        # Keep today's period (or, if none, the latest one) at hand when it is a clean
        # answer: most questions are about today, the rest fall back to bisection.
        today = today_ordinal()
        index = bisect_right(timeline.starts, today) - 1
        if index < 0 or timeline.segments[index].end <= today:
            index = len(answers) - 1
        chosen = answers[index] if index >= 0 else None
        if type(chosen) is Ownership:
            segment = timeline.segments[index]
            with self._fill:
                if slot.only is None:  # once per slot: the first filler's day wins
                    # In this order: see `Slot`.
                    slot.lo = segment.start
                    slot.only = chosen
                    slot.hi = segment.end
                    if segment.end == FOREVER:
                        slot.since = segment.start
        return entry

    def answer(self, slot: Slot, day: int) -> Answer:
        """The slot's answer on day number ``day``: an `Ownership`, a conflicting
        `Segment`, or ``None`` when no record is in force."""
        if slot.hi > day >= slot.lo:
            return slot.only
        return self.search(slot, day)

    def search(self, slot: Slot, day: int) -> Answer:
        """Like `answer`, for a caller that has already found ``day`` outside the
        slot's answer at hand: the timeline is bisected."""
        # `Entry.at`, written out: this is on the path of every `owner` and `duties`
        # call that misses the answer at hand, where a second call would show.
        entry = slot.entry or self.entry(slot)
        timeline = entry.timeline
        index = bisect_right(timeline.starts, day) - 1
        if index < 0 or day >= timeline.segments[index].end:
            return None
        return entry.answers[index]

    def lookup(self, item: str, town: str, day: int) -> Answer:
        """The answer of (item, town) (codes) on day number ``day``."""
        slot = self.slot(item, town)
        return self.answer(slot, day) if slot is not None else None

    def entry_of(self, item: str, town: str) -> Entry:
        """The timeline of (item, town) (codes) with its answers; empty without records."""
        slot = self.slot(item, town)
        return self.entry(slot) if slot is not None else EMPTY

    def _resolve(self, slot: Slot, segment: Segment) -> Ownership | Segment:
        if segment.primary is None or segment.list is None:
            return segment
        units = self._catalogue.unit_map
        town = units[slot.town]
        assert isinstance(town, Town)
        return Ownership(
            item=self._catalogue.item_map[slot.item],
            town=town,
            list=segment.list,
            primary=units[segment.primary],
            secondary=tuple(units[c] for c in segment.secondary),
            start=segment.start_date,
            end=segment.end_date,
            records=segment.records,
        )

    # ------------------------------------------------------------------ transfers

    def next_transfer_id(self) -> int:
        """The id the next logged transfer takes."""
        return len(self._transfers) + 1

    def log_transfer(self, transfer: Transfer) -> None:
        """Append a transfer to the log (its records must already be stored)."""
        with self._lock:
            self._transfers.append(transfer)

    def transfers(self) -> Sequence[Transfer]:
        """The logged transfers, oldest first (not a copy: do not change it)."""
        return self._transfers

    def transfer(self, transfer_id: int) -> Transfer | None:
        """The logged transfer with this id, if any (the latest, should a file have
        logged two with one id)."""
        for transfer in reversed(self._transfers):
            if transfer.id == transfer_id:
                return transfer
        return None

    # ------------------------------------------------------------------ origins

    # Where records were read from, by record id: a side table that exists only once a
    # reader records an origin (the class-level ``None`` stands for it until then), so a
    # store filled through the API or from JSON holds nothing more and pays nothing.
    # Ids are never reused, so an origin stays with its record: a transfer that ends a
    # record keeps its id (and its origin); the records it opens have new ids and none.
    _origins: dict[int, Origin] | None = None

    def record_origin(self, record_ids: Iterable[int], origin: Origin) -> None:
        """Remember where the records with these ids were read from (a spreadsheet row)."""
        with self._lock:
            origins = self._origins
            if origins is None:
                origins = self._origins = {}
            for record_id in record_ids:
                origins[record_id] = origin

    def origin_of(self, record_id: int) -> Origin | None:
        """Where the record with this id was read from, or ``None`` when no reader said."""
        origins = self._origins
        return origins.get(record_id) if origins is not None else None

