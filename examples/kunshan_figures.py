"""Compute Kunshan's published duty-list figures from the embedded sample.

Each figure is computed through public queries and printed next to the published one:

* mean basic / cooperative items per town: ``kr.stats(g, at=...).mean(ListKind...)``
* distinct reclaimed items city-wide: ``kr.stats(g, at=...).distinct(ListKind.RECLAIMED)``
* enforcement items reclaimed from 玉山镇: the items of
  ``g.items_on(ListKind.RECLAIMED, town="玉山镇", at=...)`` whose ``is_enforcement`` is true,
  checked against the same count taken from ``g.transfers(town="玉山镇")``
* 周庄镇's penalty items before and after its reform, at sub-item level:
  ``kr.power_counts(g, town="周庄镇", at=...)["行政处罚"]`` on the eve and on the day of the
  reform (the reform date is read from ``g.transfers(town="周庄镇")``)

Run: ``python examples/kunshan_figures.py``
"""

from __future__ import annotations

import datetime
import unicodedata

import kunshan_rbac as kr

AFTER_REFORM = datetime.date(2025, 12, 31)


def figures(graph: kr.ResponsibilityGraph) -> list[tuple[str, float, float]]:
    """(description, computed, published) for each published figure."""
    s = kr.stats(graph, at=AFTER_REFORM)
    reclaimed_yushan = graph.items_on(kr.ListKind.RECLAIMED, town="玉山镇", at=AFTER_REFORM)
    enforcement = [i for i in reclaimed_yushan if i.is_enforcement]
    moved = {
        m.item
        for t in graph.transfers(town="玉山镇")
        if t.kind is kr.TransferKind.RECLAIM
        for m in t.moves
        if m.town == "yushan" and graph.item(m.item).is_enforcement
    }
    assert len(moved) == len(enforcement), "lists and transfers disagree"
    reform = min(t.effective for t in graph.transfers(town="周庄镇"))
    eve = reform - datetime.timedelta(days=1)
    before = kr.power_counts(graph, town="周庄镇", at=eve).get("行政处罚", 0)
    after = kr.power_counts(graph, town="周庄镇", at=reform).get("行政处罚", 0)
    return [
        ("basic-list items per town, mean", s.mean(kr.ListKind.BASIC), 140),
        ("cooperative-list items per town, mean", s.mean(kr.ListKind.COOPERATIVE), 80),
        ("reclaimed items, distinct city-wide", s.distinct(kr.ListKind.RECLAIMED), 347),
        ("enforcement items reclaimed from 玉山镇", len(enforcement), 338),
        (f"周庄镇 penalty items before its reform ({eve})", before, 674),
        (f"周庄镇 penalty items after its reform ({reform})", after, 278),
    ]


def _cell(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns (Chinese characters take two)."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")
    return text + " " * max(0, width - len(text) - wide)


def main() -> None:
    """Print each figure next to the published one."""
    graph = kr.load_sample()
    print(f"Kunshan sample on {AFTER_REFORM}: {graph!r}")
    print(f"{_cell('figure', 52)} {'computed':>9} {'published':>9}")
    for label, computed, published in figures(graph):
        mark = "" if computed == published else "  <- differs"
        shown = f"{computed:.1f}" if isinstance(computed, float) else str(computed)
        print(f"{_cell(label, 52)} {shown:>9} {published:>9}{mark}")


if __name__ == "__main__":
    main()
