"""Record a reclamation and a delegation, then ask about dates before and after.

Builds a small graph of 周庄镇 from scratch, reclaims two penalty items to the city's
comprehensive law-enforcement bureau, hands the housing maintenance fund down to the
town, and prints the history, the diff across the change, and an explanation.

Run: ``python examples/reclaim_and_diff.py``
"""

from __future__ import annotations

import kunshan_rbac as kr


def build() -> kr.ResponsibilityGraph:
    """周庄镇 before its reform: two delegated penalties, one department-led fund item."""
    g = kr.ResponsibilityGraph()
    g.add_unit(kr.Town("zhouzhuang", "周庄镇", aliases=("周庄",)))
    g.add_unit(kr.Department("zhzf", "昆山市综合行政执法局", aliases=("市综合执法局",)))
    g.add_unit(kr.Department("zjj", "昆山市住房和城乡建设局", aliases=("市住建局",)))
    g.add_item(kr.Item("ZF-0101", "对擅自占用城市道路的处罚", domain="城乡建设",
                       power_type="行政处罚", basis=("《城市道路管理条例》第四十二条",)))
    g.add_item(kr.Item("ZF-0102", "对擅自设置大型户外广告的处罚", domain="城乡建设",
                       power_type="行政处罚", basis=("《城市市容和环境卫生管理条例》第三十六条",)))
    g.add_item(kr.Item("ZJ-002", "住宅专项维修资金使用受理、审核和日常管理", domain="城乡建设",
                       basis=("《住宅专项维修资金管理办法》",)))
    for code in ("ZF-0101", "ZF-0102"):
        g.assign(code, town="周庄镇", list=kr.ListKind.BASIC, primary="周庄镇",
                 start="2021-01-01", grant="苏政发〔2020〕91号")
    g.assign("ZJ-002", town="周庄镇", list=kr.ListKind.COOPERATIVE, primary="市住建局",
             secondary=["周庄镇"], start="2021-01-01")
    return g


def main() -> None:
    """Reclaim, delegate, and show what changed."""
    g = build()
    t = g.reclaim(["ZF-0101", "ZF-0102"], towns=["周庄镇"], to="市综合执法局",
                  effective="2025-04-01", ref="昆编办〔2025〕6号", reason="专业性强,乡镇无力承接",
                  keep_secondary=True, secondary_duty="发现线索后推送承接部门处置")
    print(t)
    d = g.delegate(["ZJ-002"], towns=None, effective="2025-04-01", ref="昆编办〔2025〕6号",
                   secondary_duty="政策指导、使用监管")
    print(d)
    print()
    for own in g.history("ZF-0101", town="周庄镇"):
        print(f"ZF-0101 {own.period}: {own.list.short} {own.primary.name}")
    print()
    print(kr.diff(g, "2025-03-31", "2025-04-01", town="周庄镇"))
    print()
    print(g.explain("ZJ-002", town="周庄", at="2025年5月1日"))


if __name__ == "__main__":
    main()
