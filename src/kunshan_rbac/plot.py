"""Charts of the lists for analysts: ``kr.plot.list_sizes(g)`` and friends.

Each function draws on the matplotlib ``Axes`` it is given (or on a new figure) and
returns that ``Axes``, so the chart can be restyled, saved (``ax.figure.savefig(...)``)
or placed in a grid of charts. matplotlib comes with the ``kunshan-rbac[analytics]``
extra; without it the functions raise `MissingExtraError` naming the extra.

Chinese names need a font that has their glyphs. The functions find one among the
installed fonts (Noto Sans CJK, Source Han Sans, WenQuanYi... see `find_cjk_font`), or
use ``font=`` when given; when no font draws Chinese they label with codes (``yushan``,
``zjj``, ``basic``, ``penalty``) and warn with `MissingFontWarning`.

Examples:
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import kunshan_rbac as kr
    >>> g = kr.load_sample()
    >>> ax = kr.plot.list_sizes(g, at="2025-12-31")
    >>> [t.get_text() for t in ax.get_xticklabels()][:3]
    ['巴城镇', '淀山湖镇', '花桥镇']
"""

from __future__ import annotations

import datetime
import warnings
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx

from ._analytics import require
from ._dates import DateLike, parse_date
from ._fonts import PREFERRED_FONTS, MissingFontWarning, covers, find_cjk_font, font_file
from ._graph import ResponsibilityGraph
from ._model import ListKind, Town, Unit
from ._stats import power_counts, stats

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "PREFERRED_FONTS",
    "MissingFontWarning",
    "covers",
    "find_cjk_font",
    "list_sizes",
    "network",
    "reclamation_timeline",
    "reform",
]

#: English labels for the power types, used when no font draws Chinese.
POWER_TYPE_CODES: dict[str, str] = {
    "行政许可": "licensing",
    "行政处罚": "penalty",
    "行政强制": "coercion",
    "行政征收": "levy",
    "行政裁决": "adjudication",
    "行政确认": "confirmation",
    "行政给付": "benefit",
    "行政奖励": "reward",
    "行政检查": "inspection",
    "其他行政权力": "other power",
    "公共服务": "public service",
}

_Edges = list[tuple[str, str]]

_COLOURS = {
    ListKind.BASIC: "#4C72B0",
    ListKind.COOPERATIVE: "#55A868",
    ListKind.RECLAIMED: "#C44E52",
}


class _Labels:
    """How the chart names things: Chinese names with a CJK font, codes without one."""

    def __init__(self, font: str | None) -> None:
        self.font = font

    def unit(self, unit: Unit) -> str:
        if self.font is None:
            return unit.code
        if isinstance(unit, Town) or not unit.aliases:
            return unit.name
        return min(unit.aliases, key=len)

    def list_kind(self, kind: ListKind) -> str:
        return kind.label if self.font is not None else kind.value

    def power_type(self, power_type: str) -> str:
        if self.font is not None:
            return power_type
        return POWER_TYPE_CODES.get(power_type, power_type if power_type.isascii() else "?")

    def other(self) -> str:
        return "其他部门" if self.font is not None else "other"

    def apply(self, ax: Axes) -> None:
        """Draw every text of ``ax`` (ticks, titles, legend, annotations) in the font."""
        if self.font is None:
            return
        family = [self.font, "DejaVu Sans"]
        ax.tick_params(labelfontfamily=self.font)
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label, *ax.texts]
        texts += ax.get_xticklabels() + ax.get_yticklabels()
        legend = ax.get_legend()
        if legend is not None:
            texts += [*legend.get_texts(), legend.get_title()]
        for text in texts:
            text.set_fontfamily(family)


def _labels(font: str | None) -> _Labels:
    """The labels to use: ``font`` when it draws Chinese, else an installed CJK font."""
    if font is not None:
        path = font_file(font)
        if path is not None and covers(path):
            return _Labels(font)
        warnings.warn(
            f"the font {font!r} is not installed or has no Chinese glyphs; "
            "labels show codes. Name an installed CJK font, or install one "
            "(apt-get install fonts-noto-cjk)",
            MissingFontWarning,
            stacklevel=3,
        )
        return _Labels(None)
    found = find_cjk_font()
    if found is None:
        warnings.warn(
            "no installed font draws Chinese; labels show codes. Install one "
            "(apt-get install fonts-noto-cjk) or pass font= with an installed CJK font",
            MissingFontWarning,
            stacklevel=3,
        )
    return _Labels(found)


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax``, or the axes of a new pyplot figure (shown inline in a notebook)."""
    if ax is not None:
        return ax
    pyplot = require("matplotlib.pyplot")
    _figure, new = pyplot.subplots(figsize=size, layout="constrained")
    axes: Axes = new
    return axes


def list_sizes(
    graph: ResponsibilityGraph,
    *,
    at: DateLike | None = None,
    ax: Axes | None = None,
    font: str | None = None,
) -> Axes:
    """Stacked bars of each town's basic, cooperative and reclaimed list sizes on a date.

    Args:
        graph: the graph.
        at: the date (``None``: today).
        ax: the axes to draw on (default: a new figure).
        font: the font family for Chinese labels (default: an installed CJK font).

    Returns:
        The ``Axes``: one bar per town (by name, in code order), one segment per list.

    Raises:
        MissingExtraError: matplotlib is not installed.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import kunshan_rbac as kr
        >>> ax = kr.plot.list_sizes(kr.load_sample(), at="2025-12-31")
        >>> [int(p.get_height()) for p in ax.containers[0]][:2]
        [144, 134]
    """
    require("matplotlib")
    labels = _labels(font)
    counts = stats(graph, at=at)
    codes = list(counts.per_town)
    ax = _axes(ax, (max(6.0, 0.7 * len(codes)), 4.5))
    names = [labels.unit(graph.unit(code)) for code in codes]
    bottom = [0] * len(codes)
    for kind in ListKind:
        heights = [counts.per_town[code][kind] for code in codes]
        ax.bar(names, heights, bottom=bottom, label=labels.list_kind(kind),
               color=_COLOURS[kind])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_ylim(0, max(bottom, default=0) * 1.3 + 1)
    ax.set_ylabel("items")
    ax.set_title(f"List sizes per town on {counts.at.isoformat()}")
    ax.legend(loc="upper left", ncols=3)
    ax.tick_params(axis="x", labelrotation=45)
    labels.apply(ax)
    return ax


def reform(
    graph: ResponsibilityGraph,
    town: str,
    *,
    before: DateLike,
    after: DateLike,
    ax: Axes | None = None,
    font: str | None = None,
) -> Axes:
    """A town's powers by power type before and after a reform, as paired bars.

    Powers are counted as `power_counts` counts them (as primary, at sub-item level).

    Args:
        graph: the graph.
        town: code, name or alias of the town.
        before: a date before the reform.
        after: a date after it.
        ax: the axes to draw on (default: a new figure).
        font: the font family for Chinese labels (default: an installed CJK font).

    Returns:
        The ``Axes``: two bars per power type, each labelled with its count.

    Raises:
        MissingExtraError: matplotlib is not installed.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import kunshan_rbac as kr
        >>> ax = kr.plot.reform(kr.load_sample(), "周庄镇",
        ...                     before="2025-03-31", after="2025-04-01")
        >>> [t.get_text() for t in ax.texts if t.get_text() in ("674", "278")]
        ['674', '278']
    """
    require("matplotlib")
    labels = _labels(font)
    unit = graph.town(town)
    start, end = parse_date(before), parse_date(after)
    first = power_counts(graph, town=unit.code, at=start)
    second = power_counts(graph, town=unit.code, at=end)
    kinds = sorted(set(first) | set(second), key=lambda k: -max(first.get(k, 0),
                                                                second.get(k, 0)))
    ax = _axes(ax, (max(6.0, 1.1 * len(kinds)), 4.5))
    width = 0.4
    places = list(range(len(kinds)))
    for shift, day, counts in ((-width / 2, start, first), (width / 2, end, second)):
        bars = ax.bar([p + shift for p in places], [counts.get(k, 0) for k in kinds],
                      width=width, label=day.isoformat())
        ax.bar_label(bars)
    ax.set_xticks(places, [labels.power_type(k) for k in kinds])
    ax.set_ylabel("powers as primary")
    ax.set_title(f"{labels.unit(unit)}: powers before and after the reform")
    ax.legend()
    labels.apply(ax)
    return ax


def _department(graph: ResponsibilityGraph, a: str, b: str) -> tuple[str, int] | None:
    """The department a move concerns and its sign: +1 taken up by it, -1 handed down."""
    if not isinstance(graph.unit(b), Town):
        return b, 1
    if not isinstance(graph.unit(a), Town):
        return a, -1
    return None


def reclamation_timeline(
    graph: ResponsibilityGraph,
    *,
    town: str | None = None,
    top: int = 8,
    ax: Axes | None = None,
    font: str | None = None,
) -> Axes:
    """Items moved by transfers, per effective date and department, as stacked bars.

    Items a department takes up (收回) stack above zero, items it hands down to towns
    (下放) below. The ``top`` departments by items moved have their own colour; the
    others are summed as one.

    Args:
        graph: the graph.
        town: only the transfers of this town (default: every town).
        top: how many departments to show apart.
        ax: the axes to draw on (default: a new figure).
        font: the font family for Chinese labels (default: an installed CJK font).

    Returns:
        The ``Axes``: one bar per effective date.

    Raises:
        MissingExtraError: matplotlib is not installed.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import kunshan_rbac as kr
        >>> ax = kr.plot.reclamation_timeline(kr.load_sample())
        >>> [t.get_text() for t in ax.get_xticklabels()]
        ['2024-07-01', '2025-04-01']
    """
    require("matplotlib")
    labels = _labels(font)
    code = graph.town(town).code if town is not None else None
    moved: Counter[tuple[datetime.date, str]] = Counter()
    for transfer in graph.transfers(town=code):
        for move in transfer.moves:
            if code is not None and move.town != code:
                continue
            found = _department(graph, move.from_unit, move.to_unit)
            if found is not None:
                moved[transfer.effective, found[0]] += found[1]
    days = sorted({day for day, _ in moved})
    volume: Counter[str] = Counter()
    for (_, dept), n in moved.items():
        volume[dept] += abs(n)
    shown = [d for d, _ in volume.most_common(top)]
    groups: list[tuple[str, Sequence[str]]] = [
        (labels.unit(graph.unit(d)), [d]) for d in shown
    ]
    rest = [d for d in volume if d not in shown]
    if rest:
        groups.append((labels.other(), rest))
    ax = _axes(ax, (max(6.0, 1.5 * len(days) + 3), 4.5))
    places = list(range(len(days)))
    up = [0] * len(days)
    down = [0] * len(days)
    colours = require("matplotlib").colormaps["tab10"]
    for i, (name, members) in enumerate(groups):
        values = [sum(moved[day, d] for d in members) for day in days]
        ups = [max(v, 0) for v in values]
        downs = [min(v, 0) for v in values]
        colour = colours(i % 10)
        ax.bar(places, ups, bottom=up, label=name, color=colour)
        if any(downs):
            ax.bar(places, downs, bottom=down, color=colour)
        up = [a + b for a, b in zip(up, ups, strict=True)]
        down = [a + b for a, b in zip(down, downs, strict=True)]
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(places, [day.isoformat() for day in days])
    ax.set_ylabel("items taken up (+) or handed down (−)")
    where = labels.unit(graph.unit(code)) if code is not None else "all towns"
    ax.set_title(f"Transfers by department, {where}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))
    labels.apply(ax)
    return ax


def network(
    graph: ResponsibilityGraph,
    town: str,
    *,
    list: ListKind | str = ListKind.COOPERATIVE,
    at: DateLike | None = None,
    limit: int | None = None,
    ax: Axes | None = None,
    font: str | None = None,
    seed: int = 0,
) -> Axes:
    """A town's responsibility network on one list: the units and the items they hold.

    Units are labelled by name, items by code; a solid edge joins an item to its primary
    unit, a dashed one to each secondary unit. The layout is networkx's spring layout,
    fixed by ``seed``.

    Args:
        graph: the graph.
        town: code, name or alias of the town.
        list: the list to draw (default: the cooperative list).
        at: the date (``None``: today).
        limit: draw only the first ``limit`` items, by code (default: all).
        ax: the axes to draw on (default: a new figure).
        font: the font family for Chinese labels (default: an installed CJK font).
        seed: the layout's random seed.

    Returns:
        The ``Axes``, with the axis frame turned off.

    Raises:
        MissingExtraError: matplotlib is not installed.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import kunshan_rbac as kr
        >>> ax = kr.plot.network(kr.load_sample(), "周庄镇", at="2025-12-31", limit=5)
        >>> "周庄镇" in [t.get_text() for t in ax.texts]
        True
    """
    require("matplotlib")
    labels = _labels(font)
    unit = graph.town(town)
    day = parse_date(at)
    kind = ListKind(list) if not isinstance(list, ListKind) else list
    items = sorted(graph.items_on(kind, town=unit.code, at=day), key=lambda i: i.code)
    if limit is not None:
        items = items[:limit]
    net: Any = nx.Graph()
    net.add_node(unit.code, kind="unit")
    solid: _Edges = []
    dashed: _Edges = []
    for item in items:
        own = graph.owner(item.code, town=unit.code, at=day)
        net.add_node(item.code, kind="item")
        for member in (own.primary, *own.secondary):
            net.add_node(member.code, kind="unit")
        solid.append((own.primary.code, item.code))
        dashed += [(s.code, item.code) for s in own.secondary]
    net.add_edges_from(solid + dashed)
    ax = _axes(ax, (9.0, 7.0))
    where = nx.spring_layout(net, seed=seed)
    units = [n for n, d in net.nodes(data=True) if d["kind"] == "unit"]
    codes = [n for n, d in net.nodes(data=True) if d["kind"] == "item"]
    nx.draw_networkx_nodes(net, where, nodelist=codes, node_size=60, node_color="#BBBBBB",
                           ax=ax)
    nx.draw_networkx_nodes(net, where, nodelist=units, node_size=400,
                           node_color=_COLOURS[kind], ax=ax)
    nx.draw_networkx_edges(net, where, edgelist=solid, ax=ax, alpha=0.6)
    nx.draw_networkx_edges(net, where, edgelist=dashed, ax=ax, style="dashed", alpha=0.4)
    nx.draw_networkx_labels(net, where, labels={c: c for c in codes}, font_size=6, ax=ax)
    nx.draw_networkx_labels(
        net, where, labels={u: labels.unit(graph.unit(u)) for u in units}, font_size=9,
        ax=ax,
    )
    ax.set_title(f"{labels.unit(unit)}: {labels.list_kind(kind)}, {day.isoformat()}")
    ax.set_axis_off()
    labels.apply(ax)
    return ax
