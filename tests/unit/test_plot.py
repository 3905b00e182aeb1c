"""The charts of kr.plot: what they draw, in which font, and the fallback to codes."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

import kunshan_rbac as kr

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
pyplot = pytest.importorskip("matplotlib.pyplot")
font_manager = pytest.importorskip("matplotlib.font_manager")

AT = "2025-12-31"
NO_CJK = "DejaVu Sans"  # matplotlib's own font: no Chinese glyphs


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    """The embedded sample."""
    return kr.load_sample()


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Each test's figures are closed after it."""
    yield
    pyplot.close("all")


@pytest.fixture(scope="module")
def cjk() -> str:
    """An installed font that draws Chinese (CI installs fonts-noto-cjk)."""
    found = kr.plot.find_cjk_font()
    if found is None:
        pytest.skip("no CJK font installed")
    return found


def texts(ax: object) -> list[str]:
    """Every label the axes show: ticks, title, legend and annotations."""
    out = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]  # type: ignore[attr-defined]
    out += [ax.get_title()] + [t.get_text() for t in ax.texts]  # type: ignore[attr-defined]
    legend = ax.get_legend()  # type: ignore[attr-defined]
    if legend is not None:
        out += [t.get_text() for t in legend.get_texts()]
    return out


def draws_every_glyph(ax: object) -> bool:
    """Rendering the figure raises no "glyph missing" warning, and every Chinese label's
    font file covers its characters."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax.figure.canvas.draw()  # type: ignore[attr-defined]
    if any("missing from font" in str(w.message) for w in caught):
        return False
    shown = ax.get_xticklabels() + ax.texts + [ax.title]  # type: ignore[attr-defined]
    for text in shown:
        label = text.get_text()
        if any(ord(c) > 0x2E80 for c in label):
            path = font_manager.findfont(text.get_fontproperties())
            if not kr.plot.covers(path, "".join(c for c in label if ord(c) > 0x2E80)):
                return False
    return True


def test_list_sizes_stacks_the_three_lists_per_town(g: kr.ResponsibilityGraph, cjk: str) -> None:
    """One bar per town named in Chinese, segments equal to stats(), in a CJK font."""
    counts = kr.stats(g, at=AT)
    ax = kr.plot.list_sizes(g, at=AT)
    names = [g.unit(code).name for code in counts.per_town]
    assert [t.get_text() for t in ax.get_xticklabels()] == names
    for kind, bars in zip(kr.ListKind, ax.containers, strict=True):
        assert [int(b.get_height()) for b in bars] == [
            counts.per_town[c][kind] for c in counts.per_town
        ]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [k.label for k in kr.ListKind]
    assert draws_every_glyph(ax)


def test_reform_shows_the_counts_before_and_after(g: kr.ResponsibilityGraph, cjk: str) -> None:
    """周庄镇's 行政处罚 bar pair reads 674 before and 278 after, as power_counts says."""
    ax = kr.plot.reform(g, "周庄镇", before="2025-03-31", after="2025-04-01")
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "行政处罚"
    before, after = ax.containers
    for day, bars in (("2025-03-31", before), ("2025-04-01", after)):
        counts = kr.power_counts(g, town="周庄镇", at=day)
        assert [int(b.get_height()) for b in bars] == [counts.get(t, 0) for t in ticks]
    assert int(before[0].get_height()) == 674
    assert int(after[0].get_height()) == 278
    assert draws_every_glyph(ax)


def test_reclamation_timeline_counts_every_move(g: kr.ResponsibilityGraph, cjk: str) -> None:
    """Bars per effective date; taken-up minus handed-down items add up to the moves."""
    ax = kr.plot.reclamation_timeline(g)
    days = [t.get_text() for t in ax.get_xticklabels()]
    assert days == sorted({t.effective.isoformat() for t in g.transfers()})
    net = dict.fromkeys(days, 0)
    for bars in ax.containers:
        for day, bar in zip(days, bars, strict=True):
            net[day] += int(bar.get_height())
    expected = dict.fromkeys(days, 0)
    towns = {t.code for t in g.towns()}
    for t in g.transfers():
        for m in t.moves:
            up = m.to_unit not in towns
            down = m.from_unit not in towns
            expected[t.effective.isoformat()] += 1 if up else -1 if down else 0
    assert net == expected
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "市住建局" in legend
    assert legend[-1] == "其他部门"
    assert draws_every_glyph(ax)


def test_network_joins_each_item_to_its_units(g: kr.ResponsibilityGraph, cjk: str) -> None:
    """The town, its departments by short name and the items by code are all labelled."""
    ax = kr.plot.network(g, "周庄镇", list=kr.ListKind.COOPERATIVE, at=AT, limit=10)
    shown = {t.get_text() for t in ax.texts}
    items = sorted(g.items_on(kr.ListKind.COOPERATIVE, town="周庄镇", at=AT),
                   key=lambda i: i.code)[:10]
    assert {i.code for i in items} <= shown
    assert "周庄镇" in shown
    for item in items:
        own = g.owner(item.code, town="周庄镇", at=AT)
        for unit in (own.primary, *own.secondary):
            label = unit.name if isinstance(unit, kr.Town) else min(
                (unit.name, *unit.aliases), key=len)
            assert label in shown
    assert draws_every_glyph(ax)


def test_plots_draw_on_the_axes_given(g: kr.ResponsibilityGraph, cjk: str) -> None:
    """Given an Axes, each function draws there and returns it."""
    _, axes = pyplot.subplots(2, 2)
    flat = list(axes.flat)
    assert kr.plot.list_sizes(g, at=AT, ax=flat[0]) is flat[0]
    assert kr.plot.reform(g, "周庄镇", before="2025-03-31", after="2025-04-01",
                          ax=flat[1]) is flat[1]
    assert kr.plot.reclamation_timeline(g, town="周庄镇", ax=flat[2]) is flat[2]
    assert kr.plot.network(g, "周庄镇", at=AT, limit=3, ax=flat[3]) is flat[3]


def test_a_font_without_chinese_falls_back_to_codes(g: kr.ResponsibilityGraph) -> None:
    """Naming a font with no CJK glyphs warns, and the charts label with codes."""
    with pytest.warns(kr.plot.MissingFontWarning, match="codes"):
        ax = kr.plot.list_sizes(g, at=AT, font=NO_CJK)
    assert [t.get_text() for t in ax.get_xticklabels()] == list(kr.stats(g, at=AT).per_town)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [k.value for k in kr.ListKind]
    with pytest.warns(kr.plot.MissingFontWarning):
        ax = kr.plot.reform(g, "周庄镇", before="2025-03-31", after="2025-04-01", font=NO_CJK)
    assert ax.get_xticklabels()[0].get_text() == "penalty"
    with pytest.warns(kr.plot.MissingFontWarning):
        ax = kr.plot.reclamation_timeline(g, font=NO_CJK)
    assert "zjj" in texts(ax)
    with pytest.warns(kr.plot.MissingFontWarning):
        ax = kr.plot.network(g, "周庄镇", at=AT, limit=3, font=NO_CJK)
    assert "zhouzhuang" in texts(ax)
    assert all(c.isascii() for label in texts(ax) for c in label)
    assert draws_every_glyph(ax)


def test_an_unknown_font_falls_back_too(g: kr.ResponsibilityGraph) -> None:
    """A font name matplotlib does not know warns as well, naming the font."""
    with pytest.warns(kr.plot.MissingFontWarning, match="No Such Font"):
        kr.plot.list_sizes(g, at=AT, font="No Such Font")


def test_the_fallback_check_catches_missing_glyphs(g: kr.ResponsibilityGraph) -> None:
    """draws_every_glyph is false for Chinese labels drawn in a font without CJK glyphs."""
    _, ax = pyplot.subplots()
    ax.set_xticks([0], ["玉山镇"], fontfamily=NO_CJK)
    assert not draws_every_glyph(ax)
