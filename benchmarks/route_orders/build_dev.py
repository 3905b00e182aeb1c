"""Build the router's development set, ``dev.jsonl``, from ``dev_source.txt``.

Every expected answer is computed with ``g.owner(item, town=..., at=...)`` on the embedded
sample, never written by hand: the source names only the intended items (in order of
preference: the first one the town holds on the order's date is kept). The format is the
one of ``dev_example.jsonl`` (id, text, town, at, expect{item, primary, list, secondary},
kind, note, tags, pair).

Besides the source rows, the script writes:

* for ``at = pair`` rows, the same text before and after the town's reform (the reform
  date is read from the sample's transfers);
* a style variant of every third in-list row, in another town and on another date: spoken
  form without punctuation, with the openings and closings callers add;
* the 40 orders of ``dev_example.jsonl`` when that file is found (``--example PATH``).

A row whose intended items the town does not hold on that date stops the build with the
row's line number: nothing is dropped silently.

    python benchmarks/route_orders/build_dev.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import tempfile
from pathlib import Path

import kunshan_rbac as kr

HERE = Path(__file__).resolve().parent
EXAMPLE = Path("/work/shared/workorders/dev_example.jsonl")

OPENINGS = ["喂 你好 ", "那个 我想反映一下 ", "你好 就是 ", "您好 我是附近的居民 ", ""]
CLOSINGS = ["请尽快处理", "谢谢", "我拍了照片", "麻烦管一管", "这个问题反映好几次了", ""]
PUNCTUATION = "，。！？、；："


def reform_dates(g: kr.ResponsibilityGraph) -> dict[str, datetime.date]:
    """The first reform (reclaim) date of each town, read from the sample's transfers."""
    dates: dict[str, datetime.date] = {}
    for t in g.transfers():
        if t.kind is not kr.TransferKind.RECLAIM:
            continue
        for town in t.towns:
            code = g.town(town).code
            if code not in dates or t.effective < dates[code]:
                dates[code] = t.effective
    return dates


def expect_for(g: kr.ResponsibilityGraph, items: list[str], town: str, at: str) -> dict | None:
    for code in items:
        try:
            own = g.owner(code, town=town, at=at)
        except kr.KunshanRbacError:
            continue
        return {"item": own.item.code, "primary": own.primary.code, "list": own.list.value,
                "secondary": [u.code for u in own.secondary]}
    return None


def spoken(text: str, rng: random.Random) -> str:
    """The text as speech-to-text writes it: no punctuation, an opening and a closing."""
    plain = "".join(" " if ch in PUNCTUATION else ch for ch in text).strip()
    return (rng.choice(OPENINGS) + plain + " " + rng.choice(CLOSINGS)).strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(HERE / "dev_source.txt"))
    parser.add_argument("--out", default=str(HERE / "dev.jsonl"))
    parser.add_argument("--example", default=str(EXAMPLE))
    args = parser.parse_args(argv)

    g = kr.load_sample()
    towns = {t.name: t.code for t in g.towns()}
    town_names = sorted(towns)
    reforms = reform_dates(g)
    rng = random.Random(20251130)
    orders: list[dict] = []
    errors: list[str] = []

    def add(text: str, town: str, at: str, items: list[str], kind: str, tags: list[str],
            note: str, line: int, pair: str | None = None) -> None:
        if kind == "out_of_list":
            expect = {"item": None, "primary": None, "list": None, "secondary": []}
        else:
            found = expect_for(g, items, town, at)
            if found is None:
                errors.append(f"{args.source}, line {line}: {town} holds none of {items} on {at}")
                return
            expect = found
        order = {"id": f"rdev-{len(orders) + 1:03d}", "text": text, "town": town, "at": at,
                 "expect": expect, "kind": kind, "note": note, "tags": tags}
        if pair:
            order["pair"] = pair
        orders.append(order)

    in_list_rows = 0
    for number, raw in enumerate(Path(args.source).read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("|")
        if len(fields) != 6:
            errors.append(f"{args.source}, line {number}: expected 6 fields, found {len(fields)}")
            continue
        town, at, items_field, kind, tags_field, text = fields
        if town not in towns:
            errors.append(f"{args.source}, line {number}: unknown town {town!r}")
            continue
        items = [] if items_field == "-" else items_field.split(",")
        tags = [t for t in tags_field.split(",") if t]
        if at == "pair":
            reform = reforms[towns[town]]
            offset = datetime.timedelta(days=60 + number % 90)
            before, after = (reform - offset).isoformat(), (reform + offset).isoformat()
            key = f"{items[0]}@{towns[town]}"
            add(text, town, before, items, kind, tags, f"reform pair: before {town}'s reform",
                number, key)
            add(text, town, after, items, kind, tags, f"reform pair: after {town}'s reform",
                number, key)
            continue
        add(text, town, at, items, kind, tags, "single", number)
        if kind == "in_list":
            in_list_rows += 1
            if in_list_rows % 3 == 0:
                day = datetime.date(2025, 4, 15) + datetime.timedelta(days=rng.randrange(250))
                others = [t for t in town_names if t != town]
                rng.shuffle(others)
                holding = [t for t in others if expect_for(g, items, t, day.isoformat())]
                other = holding[0] if holding else town
                add(spoken(text, rng), other, day.isoformat(), items, kind,
                    sorted(set(tags) | {"asr", "variant"}), f"spoken variant of line {number}",
                    number)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 2
    example = Path(args.example)
    if example.exists():
        for raw in example.read_text(encoding="utf-8").splitlines():
            if raw.strip():
                orders.append(json.loads(raw))
    else:
        print(f"note: {example} not found; the example orders are not included", file=sys.stderr)
    target = Path(args.out)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        for order in orders:
            handle.write(json.dumps(order, ensure_ascii=False) + "\n")
    os.replace(tmp, target)
    kinds: dict[str, int] = {}
    for order in orders:
        kinds[order["kind"]] = kinds.get(order["kind"], 0) + 1
    print(f"wrote {len(orders)} orders to {target}: {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
