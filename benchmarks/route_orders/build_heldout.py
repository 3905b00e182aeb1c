"""Build the held-out 12345 work-order set from its hand-written source.

``heldout_source.jsonl`` holds the orders as they were written: the citizen's text, the town, the
date and the *intended* item (or ``null`` for an order that no list item covers). This script
computes every expected answer with ``g.owner(item, town=..., at=...)`` on the embedded sample and
writes ``heldout.jsonl`` in the work-order format that outside evaluations of the dispatcher use
(see ``dev_example.jsonl``): ``expect`` carries the item, the primary unit, the list and the
secondary units on that town and date, and is all null / empty for out-of-list orders.

Nothing is computed by hand. An order whose item the town does not hold on its date, an unknown
town or item, a duplicate id, a bad date or a reform pair whose owner does not change is refused:
every problem is printed on stderr as ``file:line: message`` and the script exits with status 2,
leaving any earlier ``heldout.jsonl`` in place.

Usage::

    python benchmarks/route_orders/build_heldout.py            # writes heldout.jsonl
    python benchmarks/route_orders/build_heldout.py --stats    # also prints the composition
    python benchmarks/route_orders/build_heldout.py --check    # exit 1 if heldout.jsonl is stale

``--source PATH --out PATH`` build another set from its own source (``heldout2_source.jsonl``
gives ``heldout2.jsonl``, the second held-out set); ``--check`` then compares with ``--out``.

This set is held out: the dispatcher's lexicon, phrasings and threshold are never tuned on it.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import kunshan_rbac as kr

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "heldout_source.jsonl"
TARGET = HERE / "heldout.jsonl"

FIRST_DAY = dt.date(2024, 1, 1)
LAST_DAY = dt.date(2026, 6, 30)
KINDS = ("in_list", "out_of_list", "ambiguous")
REQUIRED = ("id", "text", "town", "at", "item", "kind", "tags", "note")
OPTIONAL = ("accept", "alt_items", "pair", "closest")


class SourceError(ValueError):
    """One problem in the source file, located by file and line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path.name}:{line}: {message}")


def _load_lines(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[SourceError]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    problems: list[SourceError] = []
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                problems.append(
                    SourceError(path, number, f"not valid JSON ({exc.msg}, column {exc.colno})")
                )
                continue
            if not isinstance(value, dict):
                problems.append(
                    SourceError(path, number, f"expected a JSON object, got {type(value).__name__}")
                )
                continue
            rows.append((number, value))
    return rows, problems


def _date(value: object) -> dt.date:
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(f"'at' must be a YYYY-MM-DD string, got {value!r}")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'at' is not a calendar date: {value!r}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"'at' {value} is outside {FIRST_DAY}..{LAST_DAY}")
    return day


def _expect(g: kr.ResponsibilityGraph, item: str, town: str, at: str) -> dict[str, Any]:
    own = g.owner(item, town=town, at=at)
    return {
        "item": own.item.code,
        "primary": own.primary.code,
        "list": own.list.value,
        "secondary": [unit.code for unit in own.secondary],
    }


_NULL_EXPECT: dict[str, Any] = {"item": None, "primary": None, "list": None, "secondary": []}


def _held(g: kr.ResponsibilityGraph, item: object, town: str, at: str, field: str) -> str:
    """Return why ``item`` cannot be used on that town and date, or '' when it can."""
    if not isinstance(item, str) or not item:
        return f"{field} must be an item code, got {item!r}"
    try:
        g.item(item)
    except kr.KunshanRbacError:
        return f"{field}: unknown item {item!r}"
    try:
        g.owner(item, town=town, at=at)
    except kr.KunshanRbacError:
        return f"{field}: {town} does not hold {item} on {at}"
    return ""


def build(source: Path, g: kr.ResponsibilityGraph) -> list[dict[str, Any]]:
    """Read the source and return the finished orders; raise an ExceptionGroup of SourceErrors."""
    rows, problems = _load_lines(source)
    town_names = {town.name for town in g.towns()}
    town_code = {town.name: town.code for town in g.towns()}
    seen: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    pairs: dict[str, list[tuple[int, dict[str, Any]]]] = collections.defaultdict(list)

    for number, row in rows:

        def bad(message: str, number: int = number) -> None:
            problems.append(SourceError(source, number, message))

        missing = [key for key in REQUIRED if key not in row]
        unknown = sorted(set(row) - set(REQUIRED) - set(OPTIONAL))
        if missing:
            bad(f"missing field(s): {', '.join(missing)}")
            continue
        if unknown:
            bad(f"unknown field(s): {', '.join(unknown)}")
        oid = row["id"]
        if not isinstance(oid, str) or not oid:
            bad(f"'id' must be a non-empty string, got {oid!r}")
            continue
        if oid in seen:
            bad(f"duplicate id {oid!r} (first on line {seen[oid]})")
            continue
        seen[oid] = number
        text, town, kind, item = row["text"], row["town"], row["kind"], row["item"]
        if not isinstance(text, str) or not text.strip():
            bad(f"{oid}: 'text' must be a non-empty string")
        if town not in town_names:
            bad(f"{oid}: unknown town {town!r} (expected one of {', '.join(sorted(town_names))})")
            continue
        try:
            _date(row["at"])
        except ValueError as exc:
            bad(f"{oid}: {exc}")
            continue
        at = row["at"]
        if kind not in KINDS:
            bad(f"{oid}: 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
            continue
        tags = row["tags"]
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            bad(f"{oid}: 'tags' must be a list of strings")
            continue
        if not isinstance(row["note"], str):
            bad(f"{oid}: 'note' must be a string")
            continue

        if kind == "out_of_list":
            if item is not None:
                bad(f"{oid}: an out_of_list order must have item null, got {item!r}")
                continue
            if "accept" in row:
                bad(f"{oid}: an out_of_list order has no 'accept'")
                continue
            expect = dict(_NULL_EXPECT)
        else:
            why = _held(g, item, town, at, "item")
            if why:
                bad(f"{oid}: {why}")
                continue
            expect = _expect(g, item, town, at)

        accept_out: list[dict[str, Any]] | None = None
        if kind == "ambiguous":
            accept = row.get("accept")
            if not isinstance(accept, list) or len(accept) < 2:
                bad(f"{oid}: an ambiguous order needs 'accept' with at least two item codes")
                continue
            if accept[0] != item:
                bad(f"{oid}: 'accept' must start with the order's item {item!r}")
                continue
            if len(set(map(str, accept))) != len(accept):
                bad(f"{oid}: 'accept' repeats an item")
                continue
            reasons = [_held(g, code, town, at, "accept") for code in accept]
            if any(reasons):
                bad(f"{oid}: {'; '.join(r for r in reasons if r)}")
                continue
            accept_out = []
            for code in accept:
                own = _expect(g, code, town, at)
                accept_out.append(
                    {"item": own["item"], "primary": own["primary"], "list": own["list"]}
                )
        elif "accept" in row:
            bad(f"{oid}: only ambiguous orders carry 'accept'")
            continue

        alt = row.get("alt_items")
        if alt is not None:
            if not isinstance(alt, list) or not alt:
                bad(f"{oid}: 'alt_items' must be a non-empty list of item codes")
                continue
            reasons = [_held(g, code, town, at, "alt_items") for code in alt]
            if any(reasons):
                bad(f"{oid}: {'; '.join(r for r in reasons if r)}")
                continue

        order: dict[str, Any] = {
            "id": oid,
            "text": text,
            "town": town,
            "at": at,
            "expect": expect,
            "kind": kind,
            "note": row["note"],
            "tags": tags,
        }
        if accept_out is not None:
            order["accept"] = accept_out
        if "pair" in row:
            pair = row["pair"]
            want = f"{item}@{town_code[town]}"
            if pair != want:
                bad(f"{oid}: 'pair' must be {want!r} (item@town code), got {pair!r}")
                continue
            if "reform_pair" not in tags:
                bad(f"{oid}: a paired order carries the tag 'reform_pair'")
                continue
            order["pair"] = pair
            pairs[pair].append((number, order))
        elif "reform_pair" in tags:
            bad(f"{oid}: tag 'reform_pair' without 'pair'")
            continue
        if alt is not None:
            order["alt_items"] = alt
        if "closest" in row:
            order["closest"] = row["closest"]
        out.append(order)

    for key, members in pairs.items():
        number = members[0][0]
        if len(members) % 2:
            problems.append(
                SourceError(source, number, f"pair {key}: {len(members)} orders, expected pairs")
            )
            continue
        # members of one key are matched two by two in source order (same text, two dates)
        for (n1, first), (n2, second) in zip(members[0::2], members[1::2], strict=True):
            if first["text"] != second["text"]:
                problems.append(SourceError(source, n2, f"pair {key}: text differs from line {n1}"))
            if first["at"] >= second["at"]:
                problems.append(
                    SourceError(source, n2, f"pair {key}: the second date must be later")
                )
            if first["expect"]["primary"] == second["expect"]["primary"]:
                problems.append(
                    SourceError(
                        source,
                        n2,
                        f"pair {key}: owner {first['expect']['primary']} is the same on "
                        f"{first['at']} and {second['at']}; a reform pair must change it",
                    )
                )

    if problems:
        problems.sort(key=lambda p: p.line)
        raise ExceptionGroup(f"{len(problems)} problem(s) in {source.name}", problems)
    return out


def dumps(orders: Iterable[dict[str, Any]]) -> str:
    """The exact text of ``heldout.jsonl``: one JSON object per line, in source order."""
    return "".join(json.dumps(order, ensure_ascii=False) + "\n" for order in orders)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` beside ``path`` and replace it, so that a failed write keeps the old file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def stats(orders: Sequence[dict[str, Any]], g: kr.ResponsibilityGraph) -> str:
    """The set's composition as printable text."""
    lines: list[str] = []
    n = len(orders)
    kinds = collections.Counter(o["kind"] for o in orders)
    lines.append(f"orders: {n}")
    lines.append("by kind: " + ", ".join(f"{k} {kinds[k]} ({kinds[k] / n:.1%})" for k in KINDS))
    lists = collections.Counter(o["expect"]["list"] or "none" for o in orders)
    lines.append("by list (expected): " + ", ".join(f"{k} {v}" for k, v in sorted(lists.items())))
    lines.append("by town:")
    per_town: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for o in orders:
        per_town[o["town"]][o["kind"]] += 1
        per_town[o["town"]][o["expect"]["list"] or "none"] += 1
    for town in sorted(per_town):
        c = per_town[town]
        total = sum(c[k] for k in KINDS)
        lines.append(
            f"  {town}: {total} (in_list {c['in_list']}, out_of_list {c['out_of_list']}, "
            f"ambiguous {c['ambiguous']}; basic {c['basic']}, cooperative {c['cooperative']}, "
            f"reclaimed {c['reclaimed']})"
        )
    primaries = collections.Counter(
        o["expect"]["primary"] for o in orders if o["expect"]["primary"]
    )
    town_codes = {t.code for t in g.towns()}
    to_town = sum(v for k, v in primaries.items() if k in town_codes)
    lines.append(
        f"expected primary: a town {to_town}, "
        f"a city department {sum(primaries.values()) - to_town} "
        f"({len(primaries)} distinct units)"
    )
    items = {o["expect"]["item"] for o in orders if o["expect"]["item"]}
    domains = collections.Counter(
        o["expect"]["item"].split("-")[1] for o in orders if o["expect"]["item"]
    )
    lines.append(
        f"distinct items: {len(items)}; by domain code: "
        + ", ".join(f"{k} {v}" for k, v in sorted(domains.items()))
    )
    tags = collections.Counter(tag for o in orders for tag in o["tags"])
    lines.append(
        "tags: "
        + ", ".join(f"{k} {v}" for k, v in sorted(tags.items(), key=lambda kv: (-kv[1], kv[0])))
    )
    pairs = collections.Counter(o["pair"] for o in orders if "pair" in o)
    lines.append(
        f"reform pairs: {sum(pairs.values()) // 2} "
        f"({sum(pairs.values())} orders, {len(pairs)} item@town keys)"
    )
    years = collections.Counter(o["at"][:4] for o in orders)
    lines.append("by year: " + ", ".join(f"{k} {v}" for k, v in sorted(years.items())))
    with_alt = sum(1 for o in orders if "alt_items" in o)
    lines.append(f"orders with alt_items: {with_alt}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE, help="hand-written source (JSONL)")
    parser.add_argument("--out", type=Path, default=TARGET, help="where to write the finished set")
    parser.add_argument("--stats", action="store_true", help="print the composition of the set")
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if --out differs from a fresh build",
    )
    args = parser.parse_args(argv)
    g = kr.load_sample()
    try:
        orders = build(args.source, g)
    except FileNotFoundError as exc:
        print(f"{exc.filename}: no such file", file=sys.stderr)
        return 2
    except ExceptionGroup as group:
        for problem in group.exceptions:
            print(problem, file=sys.stderr)
        print(f"refused: {group.message}; {args.out.name} left unchanged", file=sys.stderr)
        return 2
    text = dumps(orders)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out.name} is stale: run build_heldout.py", file=sys.stderr)
            return 1
    else:
        write_atomic(args.out, text)
        print(f"wrote {len(orders)} orders to {args.out.name}")
    if args.stats:
        print(stats(orders, g))
    return 0


if __name__ == "__main__":
    sys.exit(main())
