"""Turn labelled development orders into router knowledge: the shipped example phrasings.

    python benchmarks/mine_examples.py [--write]

Every in-list order of the development sets (``route_orders/dev.jsonl``, ``devB.jsonl``,
``calib.jsonl`` and the 40 orders of ``dev_example.jsonl`` when present) becomes a phrasing
of its expected item; every out-of-list order a phrasing of the decline class its tags name
(``info`` -> ``information``, ``misc`` -> ``no_item``...). Ambiguous orders are left out
(they have no single answer). The result is a lexicon file (format
``kunshan-rbac-lexicon``) that `kr.Lexicon.sample` adds to the hand-written lexicon;
``--write`` writes ``src/kunshan_rbac/data/router_examples.json``.

The held-out sets are never read. `benchmarks/route_cv.py` uses `examples_doc` to build the
same knowledge from all folds but one and score the fold left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "src" / "kunshan_rbac" / "data" / "router_examples.json"
SETS = (HERE / "route_orders" / "dev.jsonl", HERE / "route_orders" / "devB.jsonl",
        HERE / "route_orders" / "calib.jsonl",
        HERE.parent.parent / "shared" / "workorders" / "dev_example.jsonl")

# Out-of-list tag -> decline class of the lexicon; the first tag of an order that is
# named here decides, an order with none of them goes to "no_item".
CLASS_OF_TAG = {
    "praise": "praise", "utility": "utility", "info": "information",
    "information": "information", "police": "police", "other_city": "other_city",
    "private": "private", "national_policy": "national_policy", "misc": "no_item",
    "no_item": "no_item", "stray_dog": "no_item",
}
NEW_CLASSES = {
    "national_policy": "a national policy question (pensions, taxes, national rules) that no "
    "town's list answers",
}


def read_orders(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The orders of every existing file of ``paths``, in order."""
    orders: list[dict[str, Any]] = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                orders.append(json.loads(line))
    return orders


def decline_class(order: dict[str, Any]) -> str:
    """The decline class an out-of-list order's tags name."""
    for tag in order.get("tags", []):
        if tag in CLASS_OF_TAG:
            return CLASS_OF_TAG[tag]
    return "no_item"


def examples_doc(orders: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A lexicon document whose phrasings are the texts of ``orders``."""
    items: dict[str, dict[str, list[str]]] = {}
    classes: dict[str, list[str]] = {}
    for order in orders:
        text = order["text"].strip()
        if not text:
            continue
        if order["kind"] == "in_list":
            phrasings = items.setdefault(order["expect"]["item"], {"phrasings": []})["phrasings"]
            if text not in phrasings:
                phrasings.append(text)
        elif order["kind"] == "out_of_list" and "not_yet_held" not in order.get("tags", []):
            texts = classes.setdefault(decline_class(order), [])
            if text not in texts:
                texts.append(text)
    decline = []
    for name in sorted(classes):
        doc: dict[str, Any] = {"name": name, "reason": NEW_CLASSES.get(
            name, "see the hand-written lexicon"), "cues": [], "phrasings": classes[name]}
        decline.append(doc)
    return {
        "format": "kunshan-rbac-lexicon",
        "version": 1,
        "description": "Labelled development orders as phrasings: each in-list order of its "
        "item, each out-of-list order of its decline class. Written by "
        "benchmarks/mine_examples.py; added to router_lexicon.json by Lexicon.sample().",
        "decline": decline,
        "items": {code: items[code] for code in sorted(items)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    orders = read_orders(SETS)
    doc = examples_doc(orders)
    phrasings = sum(len(e["phrasings"]) for e in doc["items"].values())
    declines = sum(len(d["phrasings"]) for d in doc["decline"])
    print(f"{len(orders)} orders -> {phrasings} phrasings of {len(doc['items'])} items, "
          f"{declines} of {len(doc['decline'])} decline classes")
    if args.write:
        tmp = TARGET.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        tmp.replace(TARGET)
        print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
