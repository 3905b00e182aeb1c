"""Rich display in notebooks: compact, escaped HTML and short text for results."""

from __future__ import annotations

import datetime
import re

import pytest

import kunshan_rbac as kr
from kunshan_rbac._display import MAX_ROWS, fields_html, table_html

DAY = datetime.date(2025, 12, 31)
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def g() -> kr.ResponsibilityGraph:
    """The sample graph."""
    return kr.load_sample()


@pytest.fixture(scope="module")
def hostile() -> kr.ResponsibilityGraph:
    """A graph whose names, duty texts, documents and reasons hold markup."""
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("t", f"甲镇{SCRIPT}"))
    g.add_unit(kr.Department("d", f"市<b>甲</b>局{SCRIPT}"))
    g.add_item(kr.Item("A", f"事项{SCRIPT}"))
    g.add_item(kr.Item("B", "事项B"))
    g.assign("A", town="t", list="basic", primary="t", secondary=["d"],
             duty=f"负责{SCRIPT}", source=f"文号{SCRIPT}", start="2024-01-01")
    g.assign("B", town="t", list="basic", primary="t", start="2024-01-01")
    g.reclaim("A", towns="t", to="d", effective="2025-01-01", ref=f"文{SCRIPT}",
              reason=f"理由{SCRIPT}")
    return g


def _displays(g: kr.ResponsibilityGraph) -> dict[str, str]:
    return {
        "graph": g._repr_html_(),
        "ownership": g.owner("A", town="t", at="2024-06-01")._repr_html_(),
        "explanation": g.explain("A", town="t", at="2025-06-01")._repr_html_(),
        "stats": kr.stats(g, at="2025-06-01")._repr_html_(),
        "diff": kr.diff(g, "2024-06-01", "2025-06-01")._repr_html_(),
        "report": kr.check(g)._repr_html_(),
        "transfer": g.transfers()[0]._repr_html_(),
        "picture": g.picture("t", at="2025-06-01")._repr_html_(),
    }


def test_every_text_is_escaped(hostile: kr.ResponsibilityGraph) -> None:
    """No display lets markup from names, duties, documents or reasons through."""
    shown = _displays(hostile)
    for kind, text in shown.items():
        assert "<script>" not in text, kind
        assert "<b>" not in text, kind
    assert "&lt;script&gt;" in shown["explanation"]
    assert "理由&lt;script&gt;" in shown["transfer"]
    assert "&lt;b&gt;甲&lt;/b&gt;" in shown["picture"]


def test_displays_carry_chinese_labels(g: kr.ResponsibilityGraph) -> None:
    """The tables are headed and labelled in Chinese."""
    shown = {
        "ownership": g.owner("B-CJ-001", town="玉山镇", at=DAY)._repr_html_(),
        "stats": kr.stats(g, at=DAY)._repr_html_(),
        "picture": g.picture("玉山镇", at=DAY)._repr_html_(),
        "graph": g._repr_html_(),
    }
    assert "基本履职事项清单" in shown["ownership"]
    assert "主责" in shown["ownership"]
    assert "收回" in shown["stats"]
    assert "已收回" in shown["picture"]
    assert "镇街" in shown["graph"]


def test_long_tables_stop_at_one_screen(g: kr.ResponsibilityGraph) -> None:
    """A picture of 575 entries shows MAX_ROWS of them and says how many more there are."""
    text = g.picture("玉山镇", at=DAY)._repr_html_()
    body_rows = text.count("<tr>") - 1  # the header row
    assert body_rows == MAX_ROWS + 1  # the "… N more" row
    assert f"… {575 - MAX_ROWS} more" in text
    diff = kr.diff(g, "2025-03-31", "2025-04-01")._repr_html_()
    assert re.search(r"… \d+ more", diff)
    assert diff.count("<tr>") <= MAX_ROWS + 2


def test_table_html_counts_what_it_leaves_out() -> None:
    """With total given, the "more" line counts the rows not shown; without, none."""
    rows = [(str(n),) for n in range(30)]
    assert "… 25 more" in table_html("t", ("n",), rows, total=30, limit=5)
    assert "more" not in table_html("t", ("n",), rows[:5])
    assert "&amp;" in fields_html("a&b", [("x", "y")])


def test_short_reprs(g: kr.ResponsibilityGraph) -> None:
    """Stats, Diff and Explanation have a one-line repr instead of the whole value."""
    stats = repr(kr.stats(g, at=DAY))
    assert stats.startswith("<Stats on 2025-12-31: 10 towns, mean basic 140.0")
    diff = repr(kr.diff(g, "2025-03-31", "2025-04-01", town="周庄镇"))
    assert diff.startswith("<Diff 2025-03-31 → 2025-04-01: 1 town(s), ")
    explanation = repr(g.explain("B-CJ-001", town="玉山镇", at=DAY))
    assert explanation.startswith("<Explanation B-CJ-001 in yushan on 2025-12-31: basic")
    for text in (stats, diff, explanation):
        assert "\n" not in text
        assert len(text) < 200


def test_ownership_str_is_one_line(g: kr.ResponsibilityGraph) -> None:
    """str(ownership) names the item, town, list, primary and secondary units."""
    o = g.owner("B-CJ-001", town="玉山镇", at=DAY)
    text = str(o)
    assert "\n" not in text
    assert text.startswith(f"B-CJ-001 {o.item.name} [玉山镇]: 基本, 主责 {o.primary.name}")
    assert o.period in text


def test_route_and_evaluation_display(g: kr.ResponsibilityGraph) -> None:
    """A route and an evaluation show one screen with Chinese labels, escape the order's
    text, and have a one-line repr that names what they hold."""
    router = kr.Router(g)
    routed = router.route(f"楼上漏水到我家了物业不管{SCRIPT}", town="周市镇", at="2025-10-01")
    assert not routed.declined
    assert routed.item is not None
    assert repr(routed).startswith("<Route zhoushi 2025-10-01: ")
    assert f"{routed.item.code} -> {routed.primary}" in repr(routed)
    shown = routed._repr_html_()
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown
    assert "主责单位" in shown
    assert routed.item.name in shown
    declined = router.route("天然气公司收费太贵", town="周市镇", at="2025-10-01")
    assert declined.declined
    assert "declined" in repr(declined)
    assert "不派单" in declined._repr_html_()
    ev = kr.evaluate(g, kr.load_sample_orders(), start="2025-03-01", end="2025-03-31")
    orders = sum(row.orders for row in ev.towns.values())
    assert repr(ev).startswith(f"<Evaluation of {orders} orders, 2025-03-01 to 2025-03-31")
    assert "\n" not in repr(ev)
    html = ev._repr_html_()
    assert "工单评价" in html
    assert "周市镇" in html
    assert html.count("<tr>") == len(ev.towns) + 1
