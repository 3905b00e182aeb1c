"""Time `RecordStore.rewrite_many` with and without its one-record shortcut, in one run.

Usage (from the repository root)::

    python benchmarks/store_rewrite_many.py [--repeats 21] [--towns 10] [--items 347]

A bulk transfer gives `rewrite_many` one row per (item, town) it moves; in the usual row
the (item, town) holds one record, which the row ends, and the row opens one new record.
`rewrite_many` swaps the ended copy in without building a dict of the changed records
when the row changes the one record stored. Each repetition builds two equal stores of
``towns * items`` (item, town)s with one record each (not timed) and times one
`rewrite_many` of every (item, town) on each: the store as it is, and the same method
with the shortcut removed (the general path swaps by id). The two are interleaved, their
order alternating from one repetition to the next, so a noisy machine slows both alike.
Printed: the median time per row over the repetitions with the min and max, and the
ratio of the medians.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time
from collections.abc import Iterable, Sequence

import kunshan_rbac as kr
from kunshan_rbac._catalogue import Catalogue
from kunshan_rbac._model import Record, _trusted_record
from kunshan_rbac._store import Key, RecordStore, Slot

D = datetime.date
Row = tuple[str, str, Sequence[Record], Sequence[Record]]


class WithoutShortcut(RecordStore):
    """The store with `rewrite_many`'s one-record shortcut removed; nothing else differs."""

    def rewrite_many(self, rows: Iterable[Row]) -> None:
        keys: list[Key] = []
        added_units: list[str] = []
        count = 0
        top = self._next_id - 1
        with self.batch():
            pending = self._pending
            by_town = self._by_town
            publish = self._publish
            for item, town, changed, added in rows:
                key = (item, town)
                old = pending.get(key) if pending is not None else None
                if old is None:
                    slots = by_town.get(town)
                    old = slots.get(item) if slots is not None else None
                records = old.records if old is not None else ()
                if changed:
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
            by_unit = self._by_unit
            for unit, key in zip(added_units, keys, strict=True):
                by_unit[unit].add(key)
            self._count += count
            if top >= self._next_id:
                self._next_id = top + 1


def _catalogue(towns: list[str], items: list[str]) -> Catalogue:
    catalogue = Catalogue()
    for town in towns:
        catalogue.add_unit(kr.Town(town, f"{town}镇"))
    catalogue.add_unit(kr.Department("d", "市住建局"))
    for item in items:
        catalogue.add_item(kr.Item(item, f"事项{item}"))
    return catalogue


def _store(kind: type[RecordStore], catalogue: Catalogue, towns: list[str],
           items: list[str]) -> tuple[RecordStore, list[Row]]:
    """A store with one record per (item, town), and the rows that move each to "d"."""
    store = kind(catalogue)
    pairs = [(item, town) for town in towns for item in items]
    store.insert_runs([[_trusted_record(
        n, town, item, town, kr.Role.PRIMARY, kr.ListKind.BASIC, D(2020, 1, 1), None,
        "", "", "", None, None)] for n, (item, town) in enumerate(pairs, start=1)])
    next_id = store.next_record_id()
    rows: list[Row] = []
    for item, town in pairs:
        (r,) = store.records_of(item, town)
        ended = _trusted_record(r.id, r.unit, item, town, r.role, r.list, r.start,
                                D(2025, 1, 1), "", "", "", None, 1)
        opened = _trusted_record(next_id, "d", item, town, kr.Role.PRIMARY,
                                 kr.ListKind.RECLAIMED, D(2025, 1, 1), None, "", "", "",
                                 1, None)
        next_id += 1
        rows.append((item, town, [ended], [opened]))
    return store, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--towns", type=int, default=10)
    parser.add_argument("--items", type=int, default=347)
    args = parser.parse_args()
    towns = [f"T{n:05d}" for n in range(args.towns)]
    items = [f"I{n:04d}" for n in range(args.items)]
    catalogue = _catalogue(towns, items)
    kinds: dict[str, type[RecordStore]] = {
        "with the shortcut": RecordStore, "without": WithoutShortcut,
    }
    times: dict[str, list[float]] = {name: [] for name in kinds}
    rows: list[Row] = []
    for repeat in range(args.repeats):
        order = list(kinds.items())
        if repeat % 2:
            order.reverse()
        for name, kind in order:
            store, rows = _store(kind, catalogue, towns, items)
            with store.writing():
                start = time.perf_counter()
                store.rewrite_many(rows)
                times[name].append((time.perf_counter() - start) / len(rows) * 1e9)
            assert store.record_count == 2 * len(rows)
    for name, values in times.items():
        print(f"{name:17} median {statistics.median(values):8.1f} ns/row  "
              f"min {min(values):8.1f}  max {max(values):8.1f}  "
              f"({args.repeats} repetitions, {len(rows)} rows each)")
    ratio = statistics.median(times["without"]) / statistics.median(times["with the shortcut"])
    print(f"ratio without/with (medians): {ratio:.2f}x")


if __name__ == "__main__":
    main()
