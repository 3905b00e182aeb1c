"""Hypothesis strategies shared by the whole suite: dates, catalogues and valid graphs.

`graphs()` draws a graph that keeps every consistency rule (one primary per (item, town)
at every instant, the right roles on each list), with history made by real transfers.
"""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import strategies as st

import kunshan_rbac as kr

EPOCH = datetime.date(2020, 1, 1)
LAST_DAY = datetime.date(2027, 12, 31)

TOWN_NAMES = ["玉山镇", "巴城镇", "周市镇", "陆家镇", "花桥镇", "淀山湖镇", "张浦镇", "周庄镇"]
DEPT_NAMES = [
    ("市住房和城乡建设局", "市住建局"),
    ("市市场监督管理局", "市市场监管局"),
    ("苏州市昆山生态环境局", "市生态环境局"),
    ("市综合行政执法局", "市综合执法局"),
    ("市农业农村局", "市农业局"),
    ("市应急管理局", "市应急局"),
]
ITEM_NAMES = [
    "住宅专项维修资金使用受理、审核和日常管理",
    "对未取得施工许可证擅自施工的处罚",
    "配合开展燃气用户安全宣传和隐患排查",
    "最低生活保障申请受理、入户调查、审核",
    "秸秆禁烧巡查",
    "对水污染物超标排放的处罚",
    "矛盾纠纷排查化解和人民调解",
    "配合环境污染投诉初查和线索上报",
]

dates = st.dates(min_value=EPOCH, max_value=LAST_DAY)
"""A day between 2020 and 2027."""

optional_dates = st.none() | dates


@st.composite
def date_pairs(draw: st.DrawFn) -> tuple[datetime.date | None, datetime.date | None]:
    """A valid half-open validity ``(start, end)``: start before end, either may be open."""
    start = draw(optional_dates)
    low = (start or EPOCH) + datetime.timedelta(days=1)
    end = draw(st.none() | st.dates(min_value=min(low, LAST_DAY), max_value=LAST_DAY))
    if end is not None and start is not None and end <= start:
        end = None
    return start, end


@st.composite
def catalogues(draw: st.DrawFn, *, max_towns: int = 3, max_departments: int = 3,
               max_items: int = 5) -> kr.ResponsibilityGraph:
    """A graph with towns, departments and items and no records yet."""
    graph = kr.ResponsibilityGraph()
    towns = draw(st.integers(1, max_towns))
    departments = draw(st.integers(1, max_departments))
    items = draw(st.integers(1, max_items))
    for i in range(towns):
        graph.add_unit(kr.Town(f"t{i}", TOWN_NAMES[i], aliases=(TOWN_NAMES[i][:-1],)))
    for i in range(departments):
        name, short = DEPT_NAMES[i]
        graph.add_unit(kr.Department(f"d{i}", name, aliases=(short,)))
    for i in range(items):
        power = draw(st.sampled_from([None, "行政处罚", "行政许可", "行政检查"]))
        graph.add_item(kr.Item(f"I{i}", ITEM_NAMES[i], domain="城乡建设", power_type=power,
                               basis=("《示例条例》",)))
    return graph


def _assign_clean(graph: kr.ResponsibilityGraph, draw: st.DrawFn, item: str, town: str) -> None:
    kind = draw(st.sampled_from(list(kr.ListKind)))
    departments = [d.code for d in graph.departments()]
    start, end = draw(date_pairs())
    power = graph.item(item).power_type
    if kind is kr.ListKind.BASIC:
        secondary = draw(st.lists(st.sampled_from(departments), unique=True, max_size=2))
        grant = "苏政发〔2020〕91号" if power in {"行政处罚", "行政强制"} else ""
        graph.assign(item, town=town, list=kind, primary=town, secondary=secondary,
                     start=start, end=end, grant=grant)
    else:
        primary = draw(st.sampled_from(departments))
        town_secondary = kind is kr.ListKind.COOPERATIVE or draw(st.booleans())
        secondary = [town] if town_secondary else []
        graph.assign(item, town=town, list=kind, primary=primary, secondary=secondary,
                     start=start, end=end)


@st.composite
def graphs(draw: st.DrawFn, *, transfers: bool = True, **sizes: Any) -> kr.ResponsibilityGraph:
    """A graph that keeps every consistency rule, with history made by transfers.

    Each (item, town) gets at most one initial assignment (on a random list, with the
    roles that list requires), then random reclaims, delegations and reverts are tried
    at increasing dates; those that do not apply are skipped.
    """
    graph = draw(catalogues(**sizes))
    towns = [t.code for t in graph.towns()]
    items = [i.code for i in graph.items()]
    pairs = [(i, t) for i in items for t in towns]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    for item, town in chosen:
        _assign_clean(graph, draw, item, town)
    if not transfers:
        return graph
    steps = draw(st.integers(0, 4))
    day = EPOCH
    for _ in range(steps):
        day = day + datetime.timedelta(days=draw(st.integers(1, 400)))
        action = draw(st.sampled_from(["reclaim", "delegate", "revert"]))
        item = draw(st.sampled_from(items))
        try:
            if action == "reclaim":
                graph.reclaim([item], towns=None, to=draw(st.sampled_from(
                    [d.code for d in graph.departments()])), effective=day,
                    keep_secondary=draw(st.booleans()), ref="测试〔2025〕1号")
            elif action == "delegate":
                graph.delegate([item], towns=None, effective=day,
                               keep_secondary=draw(st.booleans()), ref="测试〔2025〕2号")
            elif graph.transfers():
                target = draw(st.sampled_from(graph.transfers()))
                graph.revert(target, effective=day, ref="测试〔2025〕3号")
        except kr.TransferError:
            pass
    return graph


@st.composite
def messy_graphs(draw: st.DrawFn) -> kr.ResponsibilityGraph:
    """A graph of arbitrary assignments: any list, any units, dates in any order.

    This is what a messy spreadsheet may hold; it must load, and ``check`` must report it.
    """
    graph = draw(catalogues(max_items=4))
    towns = [t.code for t in graph.towns()]
    units = [u.code for u in graph.units()]
    items = [i.code for i in graph.items()]
    for _ in range(draw(st.integers(0, 10))):
        graph.assign(
            draw(st.sampled_from(items)),
            town=draw(st.sampled_from(towns)),
            list=draw(st.sampled_from(list(kr.ListKind))),
            primary=draw(st.sampled_from(units)),
            secondary=draw(st.lists(st.sampled_from(units), unique=True, max_size=2)),
            start=draw(optional_dates),
            end=draw(optional_dates),
            grant=draw(st.sampled_from(["", "苏政发〔2020〕91号"])),
        )
    return graph
