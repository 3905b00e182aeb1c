"""Law: a list rendered in any published layout reads back to the same records.

Generated cooperative and reclaimed rows are written as a grouped header, with wrapped
unit names, under section rows with counts, with a lead marker naming the primary among
several units, as a CSV whose grouping unit column is blank on continuation rows, or as a
双随机 inspection list (随机抽查事项清单: 抽查类别, 抽查事项, 检查依据, 实施主体) of
reclaimed items, or as a reclaimed list whose power types stand in a 事项类别 column
(blank on continuation rows) or in section rows (一、行政处罚（2项）); each reads back to the
rows it was made from, with no error and no warning, power types never read as 领域, and
every record knows the row it came from.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

import kunshan_rbac as kr

DAY = "2025-07-01"
DEPARTMENTS = {
    "zjj": "昆山市住房和城乡建设局", "mzj": "昆山市民政局", "nyj": "昆山市农业农村局",
    "sthj": "苏州市昆山生态环境局", "wjw": "昆山市卫生健康委员会", "yjj": "昆山市应急管理局",
}
ITEMS = [f"配合开展第{n}类隐患排查" for n in range(1, 13)]
DOMAINS = ["城乡建设", "民生服务", "平安法治"]
POWERS = ["行政处罚", "行政检查", "行政强制"]
"""The power type a generated row has in the power-type layouts: that of its 领域's index."""
LAYOUTS = ("grouped", "wrapped", "sections", "lead", "grouping", "inspection",
           "power-category", "power-sections")
LISTS = {"inspection": ("上级部门收回事项清单", "reclaimed"),
         "power-category": ("上级部门收回事项清单", "reclaimed"),
         "power-sections": ("上级部门收回事项清单", "reclaimed")}
"""The list a layout is rendered as, when not the cooperative list."""

rows_strategy = st.lists(
    st.tuples(st.sampled_from(ITEMS), st.sampled_from(sorted(DEPARTMENTS)),
              st.sampled_from(sorted(DEPARTMENTS)), st.sampled_from(DOMAINS),
              st.integers(1, 10)),
    min_size=1, max_size=6, unique_by=lambda row: row[0],
)


def _wrap(name: str, at: int) -> str:
    cut = 2 + at % (len(name) - 3)
    return name[:cut] + "\n" + name[cut:]


def _render(layout: str, rows: list[tuple[str, str, str, str, int]]) -> str:
    """The rows as a cooperative list CSV in one layout."""
    out = io.StringIO()
    table = csv.writer(out, lineterminator="\n")
    rows = sorted(rows, key=lambda r: (r[3], r[1], r[0]))
    if layout == "inspection":
        table.writerow(["序号", "抽查类别", "抽查事项", "检查依据", "实施主体"])
        for number, (item, lead, helper, domain, _cut) in enumerate(rows, start=1):
            unit = DEPARTMENTS[lead]
            if helper != lead:
                unit = f"{unit}（牵头）、{DEPARTMENTS[helper]}"
            table.writerow([number, domain, item, "《安全生产法》；《消防法》第三十二条", unit])
        return out.getvalue()
    if layout in ("power-category", "power-sections"):
        category = layout == "power-category"
        table.writerow(["事项类别"] * category + ["序号", "事项名称", "承接部门"])
        previous = None
        for number, (item, lead, _helper, domain, _cut) in enumerate(rows, start=1):
            power = POWERS[DOMAINS.index(domain)]
            if not category and power != previous:
                count = sum(1 for r in rows if r[3] == domain)
                table.writerow([f"{'一二三'[DOMAINS.index(domain)]}、{power}（{count}项）"])
            shown = ["" if power == previous else power] if category else []
            table.writerow([*shown, number, item, DEPARTMENTS[lead]])
            previous = power
        return out.getvalue()
    if layout == "grouping":
        table.writerow(["对应上级部门", "序号", "领域", "事项名称", "镇街配合职责"])
        previous = None
        for number, (item, lead, _helper, domain, _cut) in enumerate(rows, start=1):
            unit = DEPARTMENTS[lead]
            table.writerow(["" if unit == previous else unit, number, domain, item, "报告"])
            previous = unit
        return out.getvalue()
    if layout == "grouped":
        table.writerow(["序号", "领域", "事项名称", "职责分工", "", "依据"])
        table.writerow(["", "", "", "实施主体", "镇（街道）配合职责", ""])
    else:
        table.writerow(["序号", "领域", "事项名称", "对应上级部门", "镇街配合职责", "依据"])
    section = None
    for number, (item, lead, helper, domain, cut) in enumerate(rows, start=1):
        unit = DEPARTMENTS[lead]
        if layout == "wrapped":
            unit = _wrap(unit, cut)
        if layout == "lead" and helper != lead:
            unit = f"{DEPARTMENTS[helper]}、{unit}（牵头）"
        shown = domain
        if layout == "sections":
            if domain != section:
                count = sum(1 for r in rows if r[3] == domain)
                table.writerow([f"{'一二三'[DOMAINS.index(domain)]}、{domain}（{count}项）"])
                section = domain
            shown = ""
        table.writerow([number, shown, item, unit, "报告", "《安全生产法》；《消防法》第三十二条"])
    return out.getvalue()


def _expected(layout: str, rows: list[tuple[str, str, str, str, int]]
              ) -> set[tuple[str, str, tuple[str, ...], str, str | None]]:
    found = set()
    for item, lead, helper, domain, _cut in rows:
        secondary = set() if kind_of(layout) == "reclaimed" else {"yushan"}
        if layout in ("lead", "inspection") and helper != lead:
            secondary.add(helper)
        if layout.startswith("power"):
            found.add((item, lead, tuple(sorted(secondary)), "",
                       POWERS[DOMAINS.index(domain)]))
        else:
            found.add((item, lead, tuple(sorted(secondary)), domain, None))
    return found


def kind_of(layout: str) -> str:
    """The list a layout is rendered as."""
    return LISTS.get(layout, ("配合履职事项清单", "cooperative"))[1]


@given(st.sampled_from(LAYOUTS), rows_strategy)
def test_a_list_in_any_layout_reads_back_to_its_rows(
    layout: str, rows: list[tuple[str, str, str, str, int]]
) -> None:
    """Rendered in a published layout, generated rows read back unchanged, with nothing
    reported beyond notes."""
    label, kind = LISTS.get(layout, ("配合履职事项清单", "cooperative"))
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / f"玉山镇_{label}.csv"
        path.write_text(_render(layout, rows), encoding="utf-8")
        graph, problems = kr.read_lists(path, effective=DAY, on_error="collect")
    assert [str(p) for p in problems if p.severity != "note"] == []
    assert all(graph.origin(r) is not None for r in graph.records())
    read = set()
    for item in graph.items_on(kind, town="yushan", at=DAY):
        answer = graph.owner(item.code, town="yushan", at=DAY)
        read.add((item.name, answer.primary.code,
                  tuple(sorted(u.code for u in answer.secondary)), item.domain,
                  item.power_type))
        if layout != "grouping" and not layout.startswith("power"):
            assert item.basis == ("《安全生产法》", "《消防法》第三十二条")
    assert read == _expected(layout, rows)


def test_the_law_catches_a_reader_that_splits_wrapped_names() -> None:
    """Test of the test: the same wrapped name split into two names (as a reader that
    splits at every line break sees it) is refused, so the law above could fail."""
    rows = [(ITEMS[0], "zjj", "zjj", "城乡建设", 3)]
    text = _render("wrapped", rows).replace("\n和", "、和", 1)
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "玉山镇_配合履职事项清单.csv"
        path.write_text(text, encoding="utf-8")
        _graph, problems = kr.read_lists(path, effective=DAY, on_error="collect")
    assert [p for p in problems if p.is_error]
